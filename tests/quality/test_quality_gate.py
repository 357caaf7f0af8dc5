"""Quality gate: fixed slices of the real datasets must stay above these floors.

The data lives in ../shared/data beside the repository (or $STORYTRACE_DATA); the gate skips
when it is missing. Each floor is the figure measured on the slice minus a margin of about
0.02, rounded down. Floors only move up: when a change improves a figure, raise its floor.
Full-dataset figures and the commands behind them: docs/evaluation.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace import evaluation as ev

# Floors only move up. Measured 2026-11-23 on the slices named in each test.
FLOOR_PAIRS_ALL = 0.68  # SemEval-2022 T8 train.csv, first 200 rows, Pearson all (0.705)
FLOOR_PAIRS_EN_EN = 0.80  # same rows, en-en pairs only (58 pairs; 0.821)
FLOOR_CLUSTERS_F1 = 0.90  # ECB+ dev.jsonl, topics 1-11 (142 docs), B-cubed F1 (0.921)
FLOOR_CLEAN_PAGE_F1 = 0.945  # textclean dev.jsonl, first 150 pages, page_text, word F1 (0.948)
FLOOR_CLEAN_RECALL_F1 = 0.92  # same pages, recall_text, extracted mode, word F1 (0.936)
FLOOR_EXTRACT_F1 = 0.955  # article-extraction-benchmark, first 40 pages, word F1 (0.974)

pytestmark = pytest.mark.slow


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} not found (set STORYTRACE_DATA)")
    return path


def test_pairs_first_200(shared_data: Path) -> None:
    rows = ev.load_pairs(_need(shared_data / "semeval2022-t8/train.csv"), limit=200)
    got = ev.eval_pairs(rows)
    assert got["n"] == 200
    assert got["pearson"]["all"] >= FLOOR_PAIRS_ALL, got["pearson"]
    assert got["pearson"]["en-en"] >= FLOOR_PAIRS_EN_EN, got["pearson"]


def test_clusters_ecb_topics_1_to_11(shared_data: Path) -> None:
    path = _need(shared_data / "ecbplus/dev.jsonl")
    items, gold = ev.load_clusters(path)
    # The file is in topic order; topics 1-11 are the documents whose label starts 1..11.
    keep = [i for i, g in enumerate(gold) if int(g.split("_")[0]) <= 11]
    got = ev.eval_clusters([items[i] for i in keep], [gold[i] for i in keep])
    assert got["n"] == 142 and got["clusters"]["gold"] == 12
    assert got["bcubed"]["f1"] >= FLOOR_CLUSTERS_F1, got


@pytest.mark.parametrize(
    ("field", "floor"), [("page_text", FLOOR_CLEAN_PAGE_F1), ("recall_text", FLOOR_CLEAN_RECALL_F1)]
)
def test_clean_first_150(shared_data: Path, field: str, floor: float) -> None:
    pages = ev.load_clean(_need(shared_data / "textclean/dev.jsonl"), field, limit=150)
    got = ev.eval_clean(pages, extracted=field == "recall_text")
    assert got["n"] == 150
    assert got["f1"] >= floor, got


def test_extract_first_40(shared_data: Path) -> None:
    pages = ev.load_extract(_need(shared_data / "article-extraction-benchmark"), limit=40)
    got = ev.eval_extract(pages, workers=2)
    assert got["n"] == 40
    assert got["f1"] >= FLOOR_EXTRACT_F1, got
