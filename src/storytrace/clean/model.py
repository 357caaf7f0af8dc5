"""The block scorer: gradient-boosted trees (:mod:`gbdt`) over :mod:`features`, weights in JSON.

The features already carry each block's context (neighbours, runs of list-like lines, where
the title line and the comment/related-links headings are), so one ensemble scores every block.
Held-out (2-fold by domain), this replaced two stacked logistic regressions: a second stage
fed the first stage's neighbour scores no longer added anything. ``weights.json`` is produced
by ``research/clean_train.py`` (outside the package).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from storytrace.clean.features import FEATURES, Block, feature_matrix
from storytrace.clean.gbdt import Ensemble


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def ensemble(weights: Mapping[str, Any]) -> Ensemble:
    """The loaded trees of ``weights`` (cached on the shipped weights)."""
    if weights is load_weights():
        return _shipped()
    return Ensemble(weights["trees"])


def predict(weights: Mapping[str, Any], bs: Sequence[Block], title: str | None) -> np.ndarray:
    """Probability that each block is article content."""
    if not bs:
        return np.zeros(0)
    return ensemble(weights).predict(feature_matrix(bs, title))


@lru_cache(maxsize=1)
def load_weights() -> dict[str, Any]:
    """The shipped weights; checks that they were trained on the current feature list."""
    raw = resources.files("storytrace.clean").joinpath("weights.json").read_text("utf-8")
    weights: dict[str, Any] = json.loads(raw)
    if tuple(weights["features"]) != FEATURES:
        raise ValueError(
            "clean/weights.json does not match the feature list; "
            "refit it with research/clean_train.py"
        )
    return weights


@lru_cache(maxsize=1)
def _shipped() -> Ensemble:
    return Ensemble(load_weights()["trees"])
