"""Calibration on the shared real data: SemEval-2022 Task 8 pairs and ECB+ documents.

Used by the quality tests and, later, by ``storytrace eval``. Nothing here reads ``id`` or
``url`` of ECB+ documents to build features: only ``text``.
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
from storytrace.evidence.similarity import combine, features, fit_weights


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


def semeval_features(rows: list[dict[str, Any]]) -> list[dict[str, float]]:
    out = []
    for r in rows:
        a = extract_evidence(r["text1"], lang=r["lang1"])
        b = extract_evidence(r["text2"], lang=r["lang2"])
        out.append(features(a, b)[0])
    return out


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
        w = fit_weights((feats[i], semeval_label(rows[i]["Overall"])) for i in train)
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
