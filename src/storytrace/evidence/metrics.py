"""Evaluation measures (numpy only): Pearson correlation, B-cubed and the adjusted Rand index."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from math import comb

import numpy as np
from numpy.typing import ArrayLike


def pearson(x: ArrayLike, y: ArrayLike) -> float:
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def _align(
    pred: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]
) -> list[tuple[Hashable, Hashable]]:
    return [(pred[k], gold[k]) for k in gold if k in pred]


def bcubed(
    pred: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]
) -> tuple[float, float, float]:
    """B-cubed (precision, recall, F1) of item -> cluster maps, over the items of ``gold``."""
    pairs = _align(pred, gold)
    if not pairs:
        return 0.0, 0.0, 0.0
    both = Counter(pairs)
    p_size = Counter(p for p, _ in pairs)
    g_size = Counter(g for _, g in pairs)
    precision = sum(n * n / p_size[p] for (p, _), n in both.items()) / len(pairs)
    recall = sum(n * n / g_size[g] for (_, g), n in both.items()) / len(pairs)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def adjusted_rand(pred: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]) -> float:
    pairs = _align(pred, gold)
    n = len(pairs)
    if n < 2:
        return 1.0
    index = sum(comb(c, 2) for c in Counter(pairs).values())
    a = sum(comb(c, 2) for c in Counter(p for p, _ in pairs).values())
    b = sum(comb(c, 2) for c in Counter(g for _, g in pairs).values())
    expected = a * b / comb(n, 2)
    top = (a + b) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)
