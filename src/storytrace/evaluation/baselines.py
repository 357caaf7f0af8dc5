"""Plain baselines printed beside storytrace: TF-IDF cosine and average-linkage clustering.

Pure Python and numpy (no scikit-learn). TF-IDF follows scikit-learn's defaults with sublinear
tf: tokens are the folded words of :func:`storytrace.normalize.words`, tf = 1 + log(count),
idf = log((1 + N) / (1 + df)) + 1, each vector L2-normalised. IDF is fitted on the texts given.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from storytrace.normalize import words

CLUSTER_THRESHOLD = 0.3
"""Fixed cosine threshold of the clustering baseline: clusters whose average TF-IDF cosine is
at least this are merged. Chosen a priori (a common choice for news TF-IDF), not on the data."""

TUNING_GRID = tuple(round(0.05 + 0.025 * i, 3) for i in range(35))  # 0.05 .. 0.9


def tfidf(texts: Sequence[str]) -> list[dict[str, float]]:
    """L2-normalised TF-IDF vectors of ``texts`` (term -> weight), IDF fitted on ``texts``."""
    bags = [Counter(words(t)) for t in texts]
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(texts)
    idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
    out = []
    for bag in bags:
        vec = {t: (1.0 + math.log(c)) * idf[t] for t, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        out.append({t: v / norm for t, v in vec.items()} if norm else {})
    return out


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two L2-normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def pair_scores(pairs: Sequence[tuple[str, str]]) -> list[float]:
    """TF-IDF cosine of each (text1, text2), IDF fitted on all texts of ``pairs``."""
    vecs = tfidf([t for pair in pairs for t in pair])
    return [cosine(vecs[2 * i], vecs[2 * i + 1]) for i in range(len(pairs))]


def similarity_matrix(texts: Sequence[str]) -> np.ndarray:
    """Dense TF-IDF cosine matrix of ``texts``."""
    vecs = tfidf(texts)
    vocab: dict[str, int] = {}
    for v in vecs:
        for t in v:
            vocab.setdefault(t, len(vocab))
    m = np.zeros((len(vecs), max(len(vocab), 1)))
    for i, v in enumerate(vecs):
        for t, w in v.items():
            m[i, vocab[t]] = w
    sims: np.ndarray = m @ m.T
    return sims


def average_linkage(sims: np.ndarray, threshold: float) -> list[int]:
    """Agglomerative clustering: merge the two clusters of highest average similarity while
    it is at least ``threshold``. Labels are the smallest member index of each cluster."""
    n = len(sims)
    s = np.array(sims, dtype=float, copy=True)
    np.fill_diagonal(s, -np.inf)
    size = np.ones(n)
    label = list(range(n))
    for _ in range(n - 1):
        flat = int(np.argmax(s))
        a, b = divmod(flat, n)
        if s[a, b] < threshold:
            break
        a, b = min(a, b), max(a, b)
        # Lance-Williams update for average linkage.
        merged = (size[a] * s[a] + size[b] * s[b]) / (size[a] + size[b])
        s[a], s[:, a] = merged, merged
        s[b], s[:, b] = -np.inf, -np.inf
        s[a, a] = -np.inf
        size[a] += size[b]
        label = [a if x == b else x for x in label]
    return label
