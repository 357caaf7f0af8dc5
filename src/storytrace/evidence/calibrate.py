"""Calibration on the shared real data: SemEval-2022 Task 8 pairs and ECB+ documents.

Used by the quality tests, ``storytrace eval`` and ``storytrace train similarity``. Nothing
here reads ``id`` or ``url`` of ECB+ documents to build features: only ``text``.

``python -m storytrace.evidence.calibrate [train.csv]`` prints the shipped and 5-fold
cross-validated Pearson figures, overall and per language pair.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from storytrace.evidence.core import Evidence, extract_evidence
from storytrace.evidence.metrics import pearson
from storytrace.evidence.similarity import (
    EMBED_FEATURES,
    FEATURES,
    FIXED_WEIGHTS,
    combine,
    features,
    fit_weights,
    similarity,
)


def data_dir() -> Path | None:
    """$STORYTRACE_DATA, else ``../shared/data`` next to the repository root."""
    env = os.environ.get("STORYTRACE_DATA")
    cands = [Path(env)] if env else []
    cands.append(Path(__file__).resolve().parents[3] / ".." / "shared" / "data")
    for c in cands:
        if c.is_dir():
            return c.resolve()
    return None


def load_semeval(path: Path) -> list[dict[str, Any]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["Overall"] = float(r["Overall"])
    return rows


def load_ecb(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def semeval_evidence(rows: list[dict[str, Any]], embed: bool = False) -> list[tuple[Evidence, Evidence]]:
    """Evidence of both sides of each pair; ``embed`` adds sentence embeddings (the extra)."""
    out = []
    for r in rows:
        a = extract_evidence(r["text1"], lang=r["lang1"])
        b = extract_evidence(r["text2"], lang=r["lang2"])
        out.append((a, b))
    if embed:
        from storytrace.evidence.embed import add_embeddings

        texts = [r[k] for r in rows for k in ("text1", "text2")]
        flat = add_embeddings([e for ab in out for e in ab], texts)
        out = [(flat[2 * i], flat[2 * i + 1]) for i in range(len(out))]
    return out


def semeval_features(rows: list[dict[str, Any]], embed: bool = False) -> list[dict[str, float]]:
    return [features(a, b)[0] for a, b in semeval_evidence(rows, embed)]


def train_weights(
    feats: list[dict[str, float]], rows: list[dict[str, Any]], *, l2: float = 1.0
) -> dict[str, float]:
    """The weights that ship: a logistic fit on every pair, with :data:`FIXED_WEIGHTS` held."""
    names = FEATURES + EMBED_FEATURES if any("embed_cos" in f for f in feats) else FEATURES
    pairs = ((f, semeval_label(r["Overall"])) for f, r in zip(feats, rows, strict=True))
    return fit_weights(pairs, l2=l2, fixed=FIXED_WEIGHTS, names=names)


def semeval_label(overall: float) -> float:
    """Overall 1 (same story) .. 4 (unrelated) as a soft label 1 .. 0."""
    return (4.0 - overall) / 3.0


def cross_validated_scores(
    feats: list[dict[str, float]], rows: list[dict[str, Any]], folds: int = 5, seed: int = 0
) -> np.ndarray:
    """Scores of each pair from weights fitted on the other folds."""
    order = np.random.default_rng(seed).permutation(len(rows))
    scores = np.zeros(len(rows))
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        w = train_weights([feats[i] for i in train], [rows[i] for i in train])
        for i in test:
            scores[i] = combine(feats[i], w)
    return scores


def semeval_report(
    feats: list[dict[str, float]], rows: list[dict[str, Any]], scores: np.ndarray
) -> dict[str, float]:
    neg = [-r["Overall"] for r in rows]
    out = {"all": pearson(scores, neg)}
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        groups.setdefault(f"{r['lang1']}-{r['lang2']}", []).append(i)
    for g, idx in sorted(groups.items()):
        out[g] = pearson(scores[idx], [neg[i] for i in idx])
    return out


def ecb_evidence(docs: list[Mapping[str, Any]]) -> list[Evidence]:
    return [extract_evidence(d["text"]) for d in docs]


def main(argv: list[str] | None = None) -> None:
    """Shipped and 5-fold CV Pearson on a SemEval-style CSV (``--embed``: with the extra)."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    embed = "--embed" in args
    args = [a for a in args if a != "--embed"]
    base = data_dir()
    path = Path(args[0]) if args else (base / "semeval2022-t8" / "train.csv" if base else None)
    if path is None or not path.is_file():
        raise SystemExit("usage: python -m storytrace.evidence.calibrate [train.csv] [--embed]")
    rows = load_semeval(path)
    evs = semeval_evidence(rows, embed)
    feats = [features(a, b)[0] for a, b in evs]
    shipped = np.array([similarity(a, b).score for a, b in evs])
    cv = cross_validated_scores(feats, rows)
    for name, sc in (("shipped", shipped), ("5-fold CV", cv)):
        rep = semeval_report(feats, rows, sc)
        print(f"{name:10s} " + " ".join(f"{k}={v:.3f}" for k, v in rep.items()))


if __name__ == "__main__":
    main()
