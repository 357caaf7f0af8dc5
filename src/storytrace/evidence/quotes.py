"""Quotations: the text between double quotation marks, four words or more, normalised.

Rewrites of one story keep the same quotes even when they share almost no other sentence,
so a shared quote is strong evidence. A quote matches when most of its word trigrams occur in
one quote of the other article (a rewrite often quotes only part of a longer sentence).
"""

from __future__ import annotations

import re

from storytrace.normalize import words

MIN_WORDS = 4
MAX_WORDS = 60
MAX_QUOTES = 24
COVER = 0.6  # a quote is told in another when this share of its word trigrams is in it
_QUOTE = re.compile(r'"([^"\n]{1,1500}?)"')


def extract_quotes(text: str) -> list[str]:
    """Normalised quotes of punctuation-unified ``text``, in order, without duplicates."""
    out: list[str] = []
    seen: set[str] = set()
    for m in _QUOTE.finditer(text):
        ws = words(m.group(1))
        if len(ws) < MIN_WORDS:
            continue
        q = " ".join(ws[:MAX_WORDS])
        if q not in seen:
            seen.add(q)
            out.append(q)
        if len(out) >= MAX_QUOTES:
            break
    return out


def trigrams(quote: str) -> frozenset[tuple[str, ...]]:
    ws = quote.split()
    return frozenset(tuple(ws[i : i + 3]) for i in range(max(1, len(ws) - 2)))
