"""Expanding files, folders and globs."""

from __future__ import annotations

from pathlib import Path

from storytrace.io import expand, kind_of
from storytrace.model import Reject


def _names(items: list) -> list[str]:
    return [Path(i.path).name for i in items if not isinstance(i, Reject)]


def test_kind_of_by_extension() -> None:
    assert kind_of("a.TXT") == "text"
    assert kind_of("a.html.gz") == "html"
    assert kind_of("a.htm") == "html"
    assert kind_of("x.warc.gz") == "warc"
    assert kind_of("x.ndjson") == "jsonl"
    assert kind_of("x.tsv") == "csv"
    assert kind_of("x.pdf") is None
    assert kind_of(".txt") is None


def test_folder_walk_is_recursive_sorted_and_skips_hidden_json_unknown(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("x")
    (tmp_path / "a.html").write_text("x")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "c.jsonl").write_text("{}")
    hidden = tmp_path / ".git"
    hidden.mkdir()
    (hidden / "d.txt").write_text("x")
    items = list(expand([str(tmp_path)]))
    assert not [i for i in items if isinstance(i, Reject)]
    assert _names(items) == ["a.html", "b.txt", "c.jsonl"]


def test_glob_patterns_and_dedup(tmp_path: Path) -> None:
    for name in ("x1.txt", "x2.txt", "y.txt"):
        (tmp_path / name).write_text("x")
    items = list(expand([str(tmp_path / "x*.txt"), str(tmp_path / "x1.txt")]))
    assert _names(items) == ["x1.txt", "x2.txt"]


def test_recursive_glob(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.csv").write_text("id,text\n")
    items = list(expand([str(tmp_path / "**" / "*.csv")]))
    assert _names(items) == ["deep.csv"]


def test_missing_path_and_empty_glob_are_rejects_not_errors(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("x")
    items = list(
        expand([str(tmp_path / "nope.txt"), str(tmp_path / "*.nothing"), str(tmp_path / "ok.txt")])
    )
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [r.reason for r in rejects] == ["unreadable", "unreadable"]
    assert "no such file" in rejects[0].detail
    assert "matches" in rejects[1].detail
    assert _names(items) == ["ok.txt"]


def test_explicit_unknown_extension_is_unsupported(tmp_path: Path) -> None:
    doc = tmp_path / "article.docx"
    doc.write_bytes(b"PK\x03\x04")
    side = tmp_path / "article.json"
    side.write_text("{}")
    items = list(expand([str(doc), str(side)]))
    assert [i.reason for i in items if isinstance(i, Reject)] == ["unsupported", "unsupported"]
    assert ".jsonl" in items[1].detail


def test_a_folder_named_like_a_file_is_walked_not_opened(tmp_path: Path) -> None:
    folder = tmp_path / "looks.jsonl"
    folder.mkdir()
    (folder / "a.txt").write_text("x", encoding="utf-8")
    assert [(Path(i.path).name, i.kind) for i in expand([str(folder)])] == [("a.txt", "text")]
    assert [(Path(i.path).name, i.kind) for i in expand([str(tmp_path)])] == [("a.txt", "text")]
