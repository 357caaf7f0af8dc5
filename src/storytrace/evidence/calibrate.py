"""Fitting and checking the pair-score weights on SemEval-2022 Task 8 style pairs.

Used by ``storytrace train similarity`` (the fit) and ``storytrace eval pairs`` (the
cross-validated report). ``research/calibrate_similarity.py`` prints the shipped and 5-fold
figures side by side, with the optional embedding feature too.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from storytrace.errors import InputError
from storytrace.evidence.core import Evidence, extract_evidence
from storytrace.evidence.metrics import pearson
from storytrace.evidence.similarity import (
    EMBED_FEATURES,
    FEATURES,
    FIXED_WEIGHTS,
    combine,
    fit_weights,
)
from storytrace.groups import connected_groups


def load_semeval(path: Path) -> list[dict[str, Any]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["Overall"] = float(r["Overall"])
    return rows


def semeval_evidence(
    rows: list[dict[str, Any]],
    embed: bool = False,
    progress: Callable[[Iterable[Any], int, str], Iterable[Any]] | None = None,
) -> list[tuple[Evidence, Evidence]]:
    """Evidence of both sides of each pair, in the pair's labelled languages; ``embed`` adds
    the sentence embeddings, as the ingest does."""
    out = []
    for r in progress(rows, len(rows), "pairs") if progress else rows:
        a = extract_evidence(r["text1"], lang=r["lang1"], embed=embed)
        b = extract_evidence(r["text2"], lang=r["lang2"], embed=embed)
        out.append((a, b))
    return out


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
    """Scores of each pair from weights fitted on the other folds, folded by article: pairs
    that share an article (directly or through others) fall in one fold, so no article of a
    test pair was seen in training (see :func:`article_folds`)."""
    fold_of = article_folds(rows, folds, seed)
    if len(set(fold_of.tolist())) < folds:
        raise InputError(
            f"the pairs share articles so widely that they form fewer than {folds} groups; "
            "cross-validation by article needs more pairs, or fewer folds"
        )
    scores = np.zeros(len(rows))
    for k in range(folds):
        test = np.flatnonzero(fold_of == k)
        train = np.flatnonzero(fold_of != k)
        w = train_weights([feats[i] for i in train], [rows[i] for i in train])
        for i in test:
            scores[i] = combine(feats[i], w)
    return scores


def article_folds(rows: list[dict[str, Any]], folds: int, seed: int = 0) -> np.ndarray:
    """A fold number per pair such that pairs sharing an article share a fold.

    Pairs that name one article (``pair_id`` "ID1_ID2") are joined into groups; the groups,
    in a seeded random order, go each to the fold with the fewest pairs so far.
    """
    first: dict[str, int] = {}  # article id -> the first pair that names it
    links = [(i, first.setdefault(x, i)) for i, r in enumerate(rows) for x in _articles_of(r, i)]
    members_of = connected_groups(range(len(rows)), links)
    order = [members_of[j] for j in np.random.default_rng(seed).permutation(len(members_of))]
    fold_of = np.zeros(len(rows), dtype=np.int64)
    sizes = [0] * folds
    for members in order:
        k = sizes.index(min(sizes))
        fold_of[members] = k
        sizes[k] += len(members)
    return fold_of


def _articles_of(row: dict[str, Any], i: int) -> tuple[str, str]:
    """The two article ids of a pair (``pair_id`` "ID1_ID2"); a pair without them stands alone."""
    parts = str(row.get("pair_id", "")).split("_")
    if len(parts) == 2 and all(parts):
        return parts[0], parts[1]
    return f"#{i}a", f"#{i}b"


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
