"""Each `storytrace eval` command on a tiny file: exact JSON keys, values in range, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storytrace.cli.main import main


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["eval", *args, "--json"]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def in_unit(*values: float) -> bool:
    return all(0.0 <= v <= 1.0 for v in values)


def named(result: dict[str, Any]) -> set[str]:
    """The keys of the contract (extra keys are allowed beside them)."""
    return set(result) - {"baselines", "groups", "cv", "shipped"}


def test_pairs(capsys: pytest.CaptureFixture[str], pairs_csv: Path) -> None:
    got = run_json(capsys, "pairs", str(pairs_csv))
    assert named(got) == {"n", "pearson"} and got["n"] == 8
    assert set(got["pearson"]) == {"all", "en-en", "de-en"}
    assert all(-1.0 <= v <= 1.0 for v in got["pearson"].values())
    # Same-story pairs score higher than unrelated ones on this easy file.
    assert got["pearson"]["all"] > 0.5
    base = got["baselines"]["tfidf"]
    assert set(base) == {"n", "pearson"} and set(base["pearson"]) == set(got["pearson"])


def test_pairs_cv_and_limit(
    capsys: pytest.CaptureFixture[str], pairs_csv: Path, tmp_path: Path
) -> None:
    # Each pair its own two articles, so that the folds by article can split them.
    lines = pairs_csv.read_text(encoding="utf-8").splitlines()
    apart = tmp_path / "apart.csv"
    apart.write_text(
        "\n".join(
            [lines[0]] + [f"a{i}_b{i}" + ln[ln.index(",") :] for i, ln in enumerate(lines[1:])]
        )
        + "\n",
        encoding="utf-8",
    )
    got = run_json(capsys, "pairs", str(apart), "--cv", "2", "--limit", "6")
    assert got["n"] == 6 and got["cv"] == 2
    assert all(-1.0 <= v <= 1.0 for v in got["pearson"].values())
    assert set(got["shipped"]) == set(got["pearson"])


def test_pairs_cv_needs_pairs_that_folds_by_article_can_split(
    capsys: pytest.CaptureFixture[str], pairs_csv: Path
) -> None:
    # Here every pair shares an article with another: one group, nothing to hold out.
    assert main(["eval", "pairs", str(pairs_csv), "--cv", "2"]) == 1
    err = capsys.readouterr().err.strip()
    assert "share articles" in err and "\n" not in err and "unexpected" not in err


def test_pairs_bad_cv_is_one_line_error(
    capsys: pytest.CaptureFixture[str], pairs_csv: Path
) -> None:
    assert main(["eval", "pairs", str(pairs_csv), "--cv", "1"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("storytrace: error: --cv") and "\n" not in err


def test_clusters(capsys: pytest.CaptureFixture[str], clusters_jsonl: Path) -> None:
    got = run_json(capsys, "clusters", str(clusters_jsonl))
    assert named(got) == {"n", "bcubed", "ari", "clusters"} and got["n"] == 5
    assert set(got["bcubed"]) == {"p", "r", "f1"} and in_unit(*got["bcubed"].values())
    assert -1.0 <= got["ari"] <= 1.0
    assert got["clusters"]["gold"] == 3 and 1 <= got["clusters"]["found"] <= 5
    for name in ("tfidf", "tfidf_tuned"):
        base = got["baselines"][name]
        assert set(base) == {"n", "bcubed", "ari", "clusters", "threshold"}


def test_clusters_ignore_id_and_url(
    capsys: pytest.CaptureFixture[str], clusters_jsonl: Path, tmp_path: Path
) -> None:
    # The id and url give the label away; scrambling them must not change a thing.
    rows = [json.loads(line) for line in clusters_jsonl.read_text("utf-8").splitlines()]
    for i, r in enumerate(rows):
        r["id"], r["url"] = f"doc{i % 2}", "http://same.example/"
    other = tmp_path / "scrambled.jsonl"
    other.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert run_json(capsys, "clusters", str(clusters_jsonl)) == run_json(
        capsys, "clusters", str(other)
    )


@pytest.mark.parametrize("field", ["page_text", "recall_text"])
def test_clean(capsys: pytest.CaptureFixture[str], clean_jsonl: Path, field: str) -> None:
    got = run_json(capsys, "clean", str(clean_jsonl), "--input", field)
    keys = {"n", "p", "r", "f1", "with_kept", "without_removed"}
    assert named(got) == keys and got["n"] == 3  # the empty-gold page is skipped
    assert in_unit(*(got[k] for k in keys - {"n"}))
    base = got["baselines"]["unchanged"]
    assert set(base) == keys
    if field == "recall_text":  # the input is the gold itself
        assert base["p"] == base["r"] == 1.0


def test_clean_limit(capsys: pytest.CaptureFixture[str], clean_jsonl: Path) -> None:
    assert run_json(capsys, "clean", str(clean_jsonl), "--limit", "2")["n"] == 2


def test_extract(capsys: pytest.CaptureFixture[str], extract_dir: Path) -> None:
    got = run_json(capsys, "extract", str(extract_dir), "--workers", "1", "--limit", "2")
    assert named(got) == {"n", "p", "r", "f1"} and got["n"] == 2
    assert in_unit(got["p"], got["r"], got["f1"])
    assert got["r"] > 0.5  # the article paragraphs are found
    assert set(got["baselines"]["trafilatura"]) == {"n", "p", "r", "f1"}


def test_extract_in_worker_processes(capsys: pytest.CaptureFixture[str], extract_dir: Path) -> None:
    one = run_json(capsys, "extract", str(extract_dir), "--workers", "1")
    two = run_json(capsys, "extract", str(extract_dir), "--workers", "2")
    assert one == two and one["n"] == 3


def test_human_table(capsys: pytest.CaptureFixture[str], clean_jsonl: Path) -> None:
    assert main(["eval", "clean", str(clean_jsonl)]) == 0
    out = capsys.readouterr().out
    assert "storytrace" in out and "unchanged input" in out
    assert any(line.startswith("without_removed") for line in out.splitlines())


@pytest.mark.parametrize("command", ["pairs", "clusters", "clean", "extract"])
def test_missing_input_is_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    assert main(["eval", command, str(tmp_path / "missing")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("storytrace: error:") and "missing" in err and "\n" not in err


@pytest.mark.parametrize("command", ["pairs", "clusters", "clean", "extract"])
def test_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    assert main(["eval", command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "--limit" in out and "--json" in out
