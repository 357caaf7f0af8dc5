"""Gradient-boosted decision trees in numpy: small, dependency-free, JSON-serialisable.

Training bins each feature at its quantiles and grows full binary trees level by level from
gradient/hessian histograms (log loss, sample weights, L2 on leaf values). Prediction walks all
trees at once in ``depth`` vectorised steps: a node that did not split sends every row left
(threshold ``+inf``), so every tree is a complete binary tree of the same depth.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def _edges(x: np.ndarray, n_bins: int) -> list[np.ndarray]:
    """Candidate thresholds per feature: distinct inner quantiles (split is ``x > edge``)."""
    qs = np.linspace(0, 1, n_bins + 1)[1:-1]
    out = []
    for f in range(x.shape[1]):
        e = np.unique(np.quantile(x[:, f], qs))
        out.append(e)
    return out


def fit(
    x: np.ndarray,
    y: np.ndarray,
    sw: np.ndarray,
    *,
    n_trees: int = 150,
    depth: int = 4,
    lr: float = 0.1,
    n_bins: int = 32,
    l2: float = 1.0,
    min_hess: float = 1.0,
    subsample: float = 0.7,
    seed: int = 0,
) -> dict[str, Any]:
    """Fit a boosted tree ensemble for P(y=1); returns a JSON-ready dict of the trees."""
    rng = np.random.default_rng(seed)
    n, n_feat = x.shape
    edges = _edges(x, n_bins)
    n_b = n_bins  # bins per feature: index = number of edges below the value
    bins = np.zeros((n, n_feat), dtype=np.int64)
    for f in range(n_feat):
        bins[:, f] = np.searchsorted(edges[f], x[:, f], side="left")
    flat = bins + (np.arange(n_feat) * n_b)[None, :]
    sw = sw * (len(sw) / sw.sum())
    prior = float(np.clip(np.average(y, weights=sw), 1e-6, 1 - 1e-6))
    base = float(np.log(prior / (1 - prior)))
    raw = np.full(n, base)
    n_inner = 2**depth - 1
    feats = np.zeros((n_trees, n_inner), dtype=np.int64)
    thrs = np.full((n_trees, n_inner), np.inf)
    leaves = np.zeros((n_trees, 2**depth))
    for t in range(n_trees):
        p = _sigmoid(raw)
        g = (p - y) * sw
        h = np.maximum(p * (1 - p), 1e-6) * sw
        rows = np.flatnonzero(rng.random(n) < subsample)
        node = np.zeros(len(rows), dtype=np.int64)
        for level in range(depth):
            n_nodes = 2**level
            idx = (node[:, None] * (n_feat * n_b) + flat[rows]).ravel()
            size = n_nodes * n_feat * n_b
            gh = np.bincount(idx, np.repeat(g[rows], n_feat), minlength=size)
            hh = np.bincount(idx, np.repeat(h[rows], n_feat), minlength=size)
            gh = gh.reshape(n_nodes, n_feat, n_b)
            hh = hh.reshape(n_nodes, n_feat, n_b)
            gl = np.cumsum(gh, axis=2)[:, :, :-1]
            hl = np.cumsum(hh, axis=2)[:, :, :-1]
            gt = gh.sum(axis=2)[:, :, None]
            ht = hh.sum(axis=2)[:, :, None]
            gr, hr = gt - gl, ht - hl
            gain = gl**2 / (hl + l2) + gr**2 / (hr + l2) - gt**2 / (ht + l2)
            gain[(hl < min_hess) | (hr < min_hess)] = -np.inf
            for f in range(n_feat):  # bins past the last edge are not thresholds
                gain[:, f, len(edges[f]) :] = -np.inf
            best = gain.reshape(n_nodes, -1).argmax(axis=1)
            bf, bb = np.divmod(best, n_b - 1)
            ok = gain.reshape(n_nodes, -1)[np.arange(n_nodes), best] > 1e-12
            base_id = n_nodes - 1
            for k in range(n_nodes):
                if ok[k]:
                    feats[t, base_id + k] = bf[k]
                    thrs[t, base_id + k] = edges[bf[k]][bb[k]]
            f_row = feats[t, base_id + node]
            go = x[rows, f_row] > thrs[t, base_id + node]
            node = 2 * node + go
        gsum = np.bincount(node, g[rows], minlength=2**depth)
        hsum = np.bincount(node, h[rows], minlength=2**depth)
        leaves[t] = -lr * gsum / (hsum + l2)
        raw += _leaf_values(feats[t : t + 1], thrs[t : t + 1], leaves[t : t + 1], x)
    return {
        "base": base,
        "depth": depth,
        "feature": feats.tolist(),
        "threshold": [[v if np.isfinite(v) else None for v in r] for r in thrs.tolist()],
        "leaf": np.round(leaves, 6).tolist(),
    }


def _leaf_values(
    feats: np.ndarray, thrs: np.ndarray, leaves: np.ndarray, x: np.ndarray
) -> np.ndarray:
    n_trees, n_inner = feats.shape
    depth = int(np.log2(n_inner + 1))
    n = len(x)
    node = np.zeros((n, n_trees), dtype=np.int64)
    trees = np.arange(n_trees)[None, :]
    rows = np.arange(n)[:, None]
    for _ in range(depth):
        f = feats[trees, node]
        node = 2 * node + 1 + (x[rows, f] > thrs[trees, node])
    out: np.ndarray = leaves[trees, node - n_inner].sum(axis=1)
    return out


class Ensemble:
    """A loaded ensemble (arrays ready for prediction)."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.base = float(spec["base"])
        self.feats = np.asarray(spec["feature"], dtype=np.int64)
        self.thrs = np.array(
            [[np.inf if v is None else v for v in r] for r in spec["threshold"]], dtype=np.float64
        )
        self.leaves = np.asarray(spec["leaf"], dtype=np.float64)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """P(y=1) for each row of ``x``."""
        if len(x) == 0:
            return np.zeros(0)
        return _sigmoid(self.base + _leaf_values(self.feats, self.thrs, self.leaves, x))
