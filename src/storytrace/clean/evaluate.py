"""Scoring a cleaner on the textclean data: word-bag precision/recall/F1 and snippet shares.

``pages`` are dicts with ``gold``, ``with``, ``without`` and the cleaned ``output``. Word bags are
the folded tokens of :func:`storytrace.normalize.words`; counts are micro-averaged (summed over
pages before dividing). Snippets are compared after folding punctuation and collapsing
whitespace, so a snippet counts as kept when it occurs verbatim in the output.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from storytrace.normalize import unify_punctuation, words

_SPACES = re.compile(r"\s+")


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", unify_punctuation(text)).strip()


def score_page(output: str, gold: str) -> tuple[int, int, int]:
    """(overlap, output words, gold words) of one page, as word bags."""
    out = Counter(words(output))
    ref = Counter(words(gold))
    overlap = sum((out & ref).values())
    return overlap, sum(out.values()), sum(ref.values())


def score_cleaning(pages: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """Micro-averaged word P/R/F1 of ``page["output"]`` against ``page["gold"]``, plus snippets.

    ``with_kept`` is the share of ``with`` snippets found in the output, ``without_removed`` the
    share of ``without`` snippets not found in it. Pages with an empty gold are skipped.
    """
    tp = n_out = n_gold = 0
    with_total = with_kept = without_total = without_removed = 0
    n_pages = 0
    for page in pages:
        gold = page.get("gold") or ""
        if not gold.strip():
            continue
        output = page.get("output") or ""
        n_pages += 1
        a, b, c = score_page(output, gold)
        tp += a
        n_out += b
        n_gold += c
        hay = _collapse(output)
        for snip in page.get("with") or ():
            s = _collapse(snip)
            if s:
                with_total += 1
                with_kept += s in hay
        for snip in page.get("without") or ():
            s = _collapse(snip)
            if s:
                without_total += 1
                without_removed += s not in hay
    precision = tp / n_out if n_out else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pages": float(n_pages),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "with_kept": with_kept / with_total if with_total else 1.0,
        "without_removed": without_removed / without_total if without_total else 1.0,
    }
