"""Loaders reject missing and malformed files with one clear InputError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storytrace.errors import InputError
from storytrace.evaluation import load_clean, load_clusters, load_extract, load_pairs


def test_pairs_loader_keeps_named_columns(pairs_csv: Path) -> None:
    rows = load_pairs(pairs_csv, limit=3)
    assert len(rows) == 3
    assert set(rows[0]) == {"pair_id", "lang1", "lang2", "text1", "text2", "Overall"}
    assert rows[0]["Overall"] == 1.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("pair_id,lang1,text1,text2,Overall\n1,en,a,b,1\n", "missing column(s) lang2"),
        ("pair_id,lang1,lang2,text1,text2,Overall\n1,en,en,a,b,high\n", "Overall is not a number"),
        ("pair_id,lang1,lang2,text1,text2,Overall\n1,en,en,a,b,7\n", "between 1 and 4"),
        ("pair_id,lang1,lang2,text1,text2,Overall\n", "no pairs"),
        ("", "missing column(s)"),
    ],
)
def test_pairs_loader_rejects_malformed(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_pairs(path)


def test_missing_files_raise(tmp_path: Path) -> None:
    for call in (
        lambda: load_pairs(tmp_path / "none.csv"),
        lambda: load_clusters(tmp_path / "none.jsonl"),
        lambda: load_clean(tmp_path / "none.jsonl", "page_text"),
        lambda: load_extract(tmp_path / "none"),
    ):
        with pytest.raises(InputError, match="none"):
            call()


def test_jsonl_loaders_reject_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a", "cluster": 1}\n{"text": "b"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2: not valid JSON"):
        load_clusters(path)
    path.write_text('{"text": "a"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="missing field"):
        load_clusters(path)
    path.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected a JSON object"):
        load_clean(path, "page_text")
    path.write_text(json.dumps({"gold": "a", "page_text": "a", "with": "a"}) + "\n", "utf-8")
    with pytest.raises(InputError, match="with must be a list"):
        load_clean(path, "page_text")
    with pytest.raises(InputError, match="--input must be one of"):
        load_clean(path, "html")


def test_clusters_loader_keeps_gold_apart(clusters_jsonl: Path) -> None:
    items, gold = load_clusters(clusters_jsonl)
    assert len(items) == len(gold) == 5
    assert gold[:2] == ["quake", "quake"]
    # Only text, title and published reach the clusterer: no id, url or label.
    assert set(vars(items[0])) == {"text", "title", "published"}


def test_extract_loader_checks_layout(tmp_path: Path, extract_dir: Path) -> None:
    assert [k for k, _, _ in load_extract(extract_dir, limit=2)] == ["p0", "p1"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no ground-truth.json"):
        load_extract(tmp_path / "empty")
    (extract_dir / "html" / "p2.html.gz").unlink()
    with pytest.raises(InputError, match="no html/p2.html.gz"):
        load_extract(extract_dir)


def test_limit_must_be_positive(pairs_csv: Path) -> None:
    with pytest.raises(InputError, match="--limit"):
        load_pairs(pairs_csv, limit=0)
