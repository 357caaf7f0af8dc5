"""Quality floor on a fixed slice of textclean/dev.jsonl (first 100 pages)."""

from __future__ import annotations

from storytrace.clean import clean_page
from storytrace.clean.evaluate import score_cleaning


def test_textclean_first_100(textclean_pages: list[dict[str, object]]) -> None:
    cases = (
        ("page_text", False, 0.94, 0.93),
        ("recall_text", False, 0.925, 0.98),
        # Extracted mode must do no harm to an extractor's output (unchanged: F1 0.933).
        ("recall_text", True, 0.933, 0.94),
    )
    for field, extracted, floor_f1, floor_without in cases:
        out = [
            dict(
                p,
                output=clean_page(
                    str(p[field] or ""), title=str(p["title"] or ""), extracted=extracted
                ).text,
            )
            for p in textclean_pages
        ]
        got = score_cleaning(out)
        assert got["f1"] >= floor_f1, (field, extracted, got)
        assert got["without_removed"] >= floor_without, (field, extracted, got)


def test_score_cleaning_counts_words_and_snippets() -> None:
    pages: list[dict[str, object]] = [
        {"gold": "a b c d", "output": "a b x", "with": ["a b"], "without": ["x", "zz"]},
        {"gold": "", "output": "ignored"},
    ]
    got = score_cleaning(pages)
    assert got["pages"] == 1
    assert abs(got["precision"] - 2 / 3) < 1e-9
    assert abs(got["recall"] - 0.5) < 1e-9
    assert got["with_kept"] == 1.0
    assert got["without_removed"] == 0.5
