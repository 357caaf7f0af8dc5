"""The block scorer: two stacked logistic regressions over :mod:`features`, weights in JSON.

Stage 1 scores each block from its own features and its context; stage 2 adds the stage-1
scores of the neighbouring blocks, which smooths isolated mistakes (a short heading inside the
article, a long teaser inside a list of links). ``weights.json`` is produced by
:func:`storytrace.clean.train.retrain`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from storytrace.clean.features import FEATURES, Block, feature_matrix

STAGE2_EXTRA = ("p_self", "p_prev", "p_next", "p_win2", "p_win5", "p_max_before", "p_max_after")


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def neighbour_features(p: np.ndarray) -> np.ndarray:
    """Stage-2 extras from stage-1 probabilities ``p`` (one row per block)."""
    n = len(p)
    out = np.zeros((n, len(STAGE2_EXTRA)))
    if n == 0:
        return out
    pad = np.concatenate([[0.0], p, [0.0]])
    csum = np.concatenate([[0.0], np.cumsum(p)])
    run_max_before = np.maximum.accumulate(np.concatenate([[0.0], p[:-1]]))
    run_max_after = np.maximum.accumulate(np.concatenate([p[1:], [0.0]])[::-1])[::-1]
    for i in range(n):
        lo2, hi2 = max(0, i - 2), min(n, i + 3)
        lo5, hi5 = max(0, i - 5), min(n, i + 6)
        w2 = (csum[hi2] - csum[lo2] - p[i]) / max(1, hi2 - lo2 - 1)
        w5 = (csum[hi5] - csum[lo5] - p[i]) / max(1, hi5 - lo5 - 1)
        out[i] = (p[i], pad[i], pad[i + 2], w2, w5, run_max_before[i], run_max_after[i])
    return out


def _apply(layer: Mapping[str, Sequence[float]], x: np.ndarray) -> np.ndarray:
    mean = np.asarray(layer["mean"])
    std = np.asarray(layer["std"])
    w = np.asarray(layer["w"])
    return sigmoid(((x - mean) / std) @ w)


def predict(weights: Mapping[str, Any], bs: Sequence[Block], title: str | None) -> np.ndarray:
    """Probability that each block is article content."""
    if not bs:
        return np.zeros(0)
    x1 = feature_matrix(bs, title)
    p1 = _apply(weights["stage1"], x1)
    x2 = np.hstack([x1, neighbour_features(p1)])
    return _apply(weights["stage2"], x2)


@lru_cache(maxsize=1)
def load_weights() -> dict[str, Any]:
    """The shipped weights; checks that they were trained on the current feature list."""
    raw = resources.files("storytrace.clean").joinpath("weights.json").read_text("utf-8")
    weights: dict[str, Any] = json.loads(raw)
    if tuple(weights["features"]) != FEATURES + STAGE2_EXTRA:
        raise ValueError("clean/weights.json does not match the feature list; run retrain()")
    return weights
