"""Plain dict definitions of the lexical pair features, to check the vectorised ones against
(:func:`storytrace.evidence.similarity.pair_features` is the product's one definition)."""

from __future__ import annotations

import math

from storytrace.evidence.terms import GRAM


def char_grams(words: dict[str, float], n: int = GRAM) -> dict[str, float]:
    """Character ``n``-grams of padded words, each word's weight spread over its grams.

    They match inflections, compounds and transliterations that whole words miss
    ("Erdbeben"/"Erdbebens", Turkish and Polish case endings, Arabic prefixes).
    """
    out: dict[str, float] = {}
    for w, wt in words.items():
        p = f"_{w}_"
        k = max(1, len(p) - n + 1)
        share = wt / k
        for i in range(k):
            g = p[i : i + n]
            out[g] = out.get(g, 0.0) + share
    return out


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    """Weighted overlap coefficient: shared mass over the smaller side's mass.

    Unlike cosine it stays high when a short rewrite is contained in a long article.
    """
    if not a or not b:
        return 0.0
    shared = sum(min(v, b[k]) for k, v in a.items() if k in b)
    return shared / min(sum(a.values()), sum(b.values()))
