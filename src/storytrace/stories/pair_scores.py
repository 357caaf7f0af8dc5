"""Pair scores remembered between story decisions and re-checks, by content, in bounded memory.

The ingest runner's decisions score the pairs the next re-check needs, and each re-check scores
tens of thousands of pairs again: a cache saves the pair kernel most of that work, provided that
asking it costs far less than the kernel. So the cache is a native hash table (two arrays and
a flag per slot, looked up a batch of pairs per call), not a Python dict of tuples of bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from storytrace.evidence import Evidence

from ._kernels import pair_lookup, pair_store

CACHE_PAIRS = 2_000_000  # pair scores kept between calls (about 105 MB: 2 x 2^21 slots of 25 bytes)


def content_keys(evs: Sequence[Evidence]) -> np.ndarray:
    """Each article's :attr:`Evidence.content_key` (the first 64 bits of its 128-bit digest):
    two contents share one only with probability 2^-64 per pair."""
    return np.fromiter([ev.content_key for ev in evs], dtype=np.int64, count=len(evs))


class PairScores:
    """Pair scores by content (:attr:`Evidence.fingerprint`), at most ``capacity`` of them; the
    least recently used go first.

    Keyed by content, not by object: a store keeps a bounded cache of parsed evidence, so the
    same article comes back as a new object once it has been evicted, and its scores with
    every other article stay known. An article whose evidence changed has a new fingerprint,
    hence new entries. Only digests are held, never the evidence itself.

    Recency is kept by two generations rather than an ordered list: new and read entries go to
    the young one; when it holds half the capacity, it becomes the old one and the old one is
    dropped (so between half and all of the capacity is held). Each generation is a table of
    at least twice as many slots as it may hold, so probes stay short.
    """

    def __init__(self, capacity: int = CACHE_PAIRS) -> None:
        self.capacity = capacity
        half = max(1, (capacity + 1) // 2)
        size = 1 << max(2, (2 * half - 1).bit_length())
        self._keys = np.zeros((2, size, 2), dtype=np.int64)
        self._values = np.zeros((2, size), dtype=np.float64)
        self._filled = np.zeros((2, size), dtype=np.bool_)
        # young generation, its entries, the old one's entries, entries that make the young old
        self._state = np.array([0, 0, 0, half], dtype=np.int64)

    def __len__(self) -> int:
        return int(self._state[1] + self._state[2])

    def get(self, a: Evidence, b: Evidence) -> float | None:
        return self.lookup(a, [b])[0]

    def put(self, a: Evidence, b: Evidence, score: float) -> None:
        self.remember(a, [b], [score])

    def lookup(self, a: Evidence, others: Sequence[Evidence]) -> list[float | None]:
        """The known score of ``a`` with each of ``others`` (None where unknown)."""
        values, found = self.scores(a, others)
        return [v if f else None for v, f in zip(values.tolist(), found.tolist(), strict=True)]

    def scores(self, a: Evidence, others: Sequence[Evidence]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`lookup` as arrays: the scores, and whether each is known (else its score is
        undefined)."""
        keys = content_keys(others)
        return self.pair_scores(np.full(len(keys), a.content_key, dtype=np.int64), keys)

    def pair_scores(self, firsts: np.ndarray, seconds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The scores of the pairs ``(firsts[i], seconds[i])`` of content keys
        (:func:`content_keys`), and whether each is known, in one native call."""
        out = np.empty(len(seconds), dtype=np.float64)
        found = np.zeros(len(seconds), dtype=np.bool_)
        if len(seconds):
            pair_lookup(self._keys, self._values, self._filled, self._state, firsts, seconds, out, found)
        return out, found

    def remember(self, a: Evidence, others: Sequence[Evidence], scores: Iterable[float]) -> None:
        keys = content_keys(others)
        values = np.fromiter(scores, dtype=np.float64, count=len(others))
        self.remember_pairs(np.full(len(keys), a.content_key, dtype=np.int64), keys, values)

    def remember_pairs(self, firsts: np.ndarray, seconds: np.ndarray, scores: np.ndarray) -> None:
        """Remember the score of each pair ``(firsts[i], seconds[i])`` of content keys."""
        if len(seconds):
            pair_store(self._keys, self._values, self._filled, self._state, firsts, seconds, scores)
