"""Pair scores remembered between story decisions and re-checks, by content, in bounded memory.

The ingest runner's decisions score the pairs the next re-check needs, and each re-check scores
tens of thousands of pairs again: a cache saves most of that work. Two generations of dicts
keep the most recently used pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from storytrace.evidence import Evidence

CACHE_PAIRS = 2_000_000  # pair scores kept between calls
_LOW = (1 << 64) - 1


def content_keys(evs: Sequence[Evidence]) -> np.ndarray:
    """Each article's :attr:`Evidence.content_key` (the first 64 bits of its 128-bit digest):
    two contents share one only with probability 2^-64 per pair."""
    return np.fromiter([ev.content_key for ev in evs], dtype=np.int64, count=len(evs))


def _pair(x: int, y: int) -> int:
    """One int for the unordered pair of content keys ``x`` and ``y``."""
    return (x << 64) + (y & _LOW) if x <= y else (y << 64) + (x & _LOW)


class PairScores:
    """Pair scores by content (:attr:`Evidence.fingerprint`), at most ``capacity`` of them; the
    least recently used go first.

    Keyed by content, not by object: a store keeps a bounded cache of parsed evidence, so the
    same article comes back as a new object once it has been evicted, and its scores with
    every other article stay known. An article whose evidence changed has a new fingerprint,
    hence new entries. Only digests are held, never the evidence itself.

    Recency is kept by two generations rather than an ordered list: new and read entries go to
    the young one; when it holds half the capacity, it becomes the old one and the old one is
    dropped (so between half and all of the capacity is held).
    """

    def __init__(self, capacity: int = CACHE_PAIRS) -> None:
        self.capacity = capacity
        self._half = max(1, (capacity + 1) // 2)
        self._young: dict[int, float] = {}
        self._old: dict[int, float] = {}

    def __len__(self) -> int:
        return len(self._young) + len(self._old)

    def _put(self, key: int, value: float) -> None:
        self._old.pop(key, None)
        self._young[key] = value
        if len(self._young) >= self._half:
            self._old, self._young = self._young, {}

    def _get(self, key: int) -> float | None:
        value = self._young.get(key)
        if value is None:
            value = self._old.get(key)
            if value is not None:
                self._put(key, value)
        return value

    def get(self, a: Evidence, b: Evidence) -> float | None:
        return self._get(_pair(a.content_key, b.content_key))

    def put(self, a: Evidence, b: Evidence, score: float) -> None:
        self._put(_pair(a.content_key, b.content_key), score)

    def lookup(self, a: Evidence, others: Sequence[Evidence]) -> list[float | None]:
        """The known score of ``a`` with each of ``others`` (None where unknown)."""
        return [self.get(a, b) for b in others]

    def pair_scores(self, firsts: np.ndarray, seconds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The scores of the pairs ``(firsts[i], seconds[i])`` of content keys
        (:func:`content_keys`), and whether each is known (else its score is undefined)."""
        values = [
            self._get(_pair(x, y)) for x, y in zip(firsts.tolist(), seconds.tolist(), strict=True)
        ]
        found = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
        out = np.fromiter((v or 0.0 for v in values), dtype=np.float64, count=len(values))
        return out, found

    def remember(self, a: Evidence, others: Sequence[Evidence], scores: Iterable[float]) -> None:
        for b, score in zip(others, scores, strict=True):
            self.put(a, b, score)

    def remember_pairs(self, firsts: np.ndarray, seconds: np.ndarray, scores: np.ndarray) -> None:
        """Remember the score of each pair ``(firsts[i], seconds[i])`` of content keys."""
        for x, y, v in zip(firsts.tolist(), seconds.tolist(), scores.tolist(), strict=True):
            self._put(_pair(x, y), v)
