"""Retraining the block scorer from pages with a gold article text (e.g. textclean/dev.jsonl).

``python research/clean_train.py [textclean/dev.jsonl] [--out FILE]`` fits the scorer on every
page of the file and writes the weights JSON (default: print where it would go and write
nothing; the shipped file is ``src/storytrace/clean/weights.json``).

A block is labelled content when most of its word trigrams (short blocks: the whole block, at
word boundaries) occur in the gold text. The scorer is a gradient-boosted tree ensemble
(:mod:`storytrace.clean.gbdt`, numpy only); samples are weighted by block length because the
target measure counts words. :func:`fit_logistic` stays for other simple linear fits.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from storytrace.clean import gbdt
from storytrace.clean.blocks import blocks
from storytrace.clean.features import FEATURES, Block, feature_matrix, measure
from storytrace.clean.model import sigmoid
from storytrace.normalize import words

# Held-out (2-fold by domain) on textclean these match a second stacked stage; not tuned further.
TREE_SETTINGS: dict[str, Any] = {"n_trees": 150, "depth": 4, "lr": 0.1}


def gold_labels(text: str, gold: str) -> list[float]:
    """Share of each block's word trigrams found in ``gold`` (short blocks: 1.0 or 0.0)."""
    g = words(gold)
    g3 = set(zip(g, g[1:], g[2:], strict=False))
    joined = " " + " ".join(g) + " "
    out: list[float] = []
    for s, e in blocks(text):
        w = words(text[s:e])
        if len(w) >= 4:
            tri = list(zip(w, w[1:], w[2:], strict=False))
            out.append(sum(t in g3 for t in tri) / len(tri))
        elif w:
            out.append(1.0 if " " + " ".join(w) + " " in joined else 0.0)
        else:
            out.append(0.0)
    return out


def fit_logistic(
    x: np.ndarray, y: np.ndarray, sw: np.ndarray, *, l2: float = 1e-3, steps: int = 600
) -> dict[str, list[float]]:
    """Standardise, then fit with Adam on weighted log loss; returns mean/std/w lists."""
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    mean[0], std[0] = 0.0, 1.0  # bias column
    std[std < 1e-9] = 1.0
    z = (x - mean) / std
    w = np.zeros(x.shape[1])
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    sw = sw / sw.sum()
    for t in range(1, steps + 1):
        p = sigmoid(z @ w)
        grad = z.T @ ((p - y) * sw) + l2 * np.r_[0.0, w[1:]]
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= 0.05 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return {"mean": mean.tolist(), "std": std.tolist(), "w": w.tolist()}


def _page_rows(page: Mapping[str, Any], field: str) -> tuple[list[Block], np.ndarray, np.ndarray]:
    text = page.get(field) or ""
    bs = [measure(text[s:e]) for s, e in blocks(text)]
    y = np.array([1.0 if c >= 0.5 else 0.0 for c in gold_labels(text, page["gold"])])
    return bs, feature_matrix(bs, page.get("title")), y


def retrain(
    pages: Iterable[Mapping[str, Any]],
    *,
    fields: Sequence[str] = ("page_text", "recall_text"),
    path: str | Path | None = None,
) -> dict[str, Any]:
    """Fit the scorer on ``pages`` (dicts with ``gold``, ``title`` and the ``fields``).

    Writes the weights as JSON to ``path`` when given (the shipped file is
    ``src/storytrace/clean/weights.json``) and returns them.
    """
    per_page: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for page in pages:
        if not (page.get("gold") or "").strip():
            continue
        for field in fields:
            bs, x, y = _page_rows(page, field)
            if len(bs):
                sw = np.array([1.0 + math.sqrt(b.n_words) for b in bs])
                per_page.append((x, y, sw))
    x = np.vstack([r[0] for r in per_page])
    y = np.concatenate([r[1] for r in per_page])
    sw = np.concatenate([r[2] for r in per_page])
    weights: dict[str, Any] = {
        "features": list(FEATURES),
        "trees": gbdt.fit(x, y, sw, **TREE_SETTINGS),
        "threshold": 0.5,
    }
    if path is not None:
        Path(path).write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
    return weights


def main(argv: list[str]) -> None:
    from _paths import REPO, data_dir

    out = None
    if "--out" in argv:
        i = argv.index("--out")
        out = Path(argv[i + 1])
        argv = argv[:i] + argv[i + 2 :]
    path = Path(argv[0]) if argv else data_dir() / "textclean" / "dev.jsonl"
    with path.open(encoding="utf-8") as fh:
        pages = [json.loads(line) for line in fh if line.strip()]
    retrain(pages, path=out)
    shipped = REPO / "src" / "storytrace" / "clean" / "weights.json"
    where = (
        out if out is not None else f"nowhere (pass --out {shipped} to replace the shipped model)"
    )
    print(f"fitted the block scorer on {len(pages)} pages of {path}; written to {where}")


if __name__ == "__main__":
    main(sys.argv[1:])
