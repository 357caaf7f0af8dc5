"""Candidate index: which stored texts share anchors (sampled shingles) with a query text.

Semantics every implementation must follow (the SQLite one in ``storytrace.store`` included):

* Keys are ints; anchors are uint64 hashes (see :func:`storytrace.match.anchors`). An anchor
  given twice to one ``add`` counts once.
* ``add(key, anchors)`` adds the anchors to ``key``'s postings (a union: adding the same anchors
  again changes nothing). To replace a key's anchors, ``remove(key)`` first.
* ``remove(key)`` deletes every posting of ``key``; removing an unknown key is a no-op.
* ``len(index)`` is the number of keys with at least one anchor.
* ``query(anchors, min_shared=2, max_df=1000)``:

  1. Take the distinct query anchors; ``q`` is their number (before any df filtering).
  2. Drop every query anchor whose document frequency (number of keys currently holding it)
     is greater than ``max_df``: boilerplate and stock phrases must not flood the result.
  3. For every key, ``shared`` = number of remaining query anchors it holds.
  4. Keep keys with ``shared >= effective_min_shared(q, min_shared)``.
  5. Return ``[(key, shared), ...]`` sorted by ``shared`` descending, then ``key`` ascending.

  The query's own key, if it is stored, is returned like any other key; callers drop it.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain
from typing import Protocol, runtime_checkable

import numpy as np

SHORT_QUERY_DIVISOR = 4


def effective_min_shared(n_query_anchors: int, min_shared: int) -> int:
    """``max(1, min(min_shared, n_query_anchors // 4))``.

    A short text has few anchors (about one per 8 words at modulus 8), so even a verbatim copy
    shares few: a query with fewer than 8 distinct anchors needs only 1 shared (at the default
    ``min_shared=2``), and in general at most a quarter of the query's anchors are required.
    """
    return max(1, min(min_shared, n_query_anchors // SHORT_QUERY_DIVISOR))


@runtime_checkable
class CandidateIndex(Protocol):
    """Inverted index ``anchor -> keys``; see the module docstring for the exact semantics."""

    def add(self, key: int, anchors: np.ndarray) -> None: ...

    def query(
        self, anchors: np.ndarray, *, min_shared: int = 2, max_df: int = 1000
    ) -> list[tuple[int, int]]: ...

    def remove(self, key: int) -> None: ...

    def __len__(self) -> int: ...


def _distinct(anchors: np.ndarray) -> list[int]:
    return np.unique(np.asarray(anchors, dtype=np.uint64)).tolist()


class MemoryCandidateIndex:
    """:class:`CandidateIndex` in memory: ``dict`` of anchor -> list of keys (no duplicates)."""

    def __init__(self) -> None:
        self._postings: dict[int, list[int]] = {}
        self._keys: dict[int, set[int]] = {}

    def add(self, key: int, anchors: np.ndarray) -> None:
        values = _distinct(anchors)
        if not values:
            return
        key = int(key)
        mine = self._keys.setdefault(key, set())
        new = [a for a in values if a not in mine] if mine else values
        mine.update(new)
        postings = self._postings
        for a in new:
            keys = postings.get(a)
            if keys is None:
                postings[a] = [key]
            else:
                keys.append(key)

    def remove(self, key: int) -> None:
        for a in self._keys.pop(int(key), ()):
            keys = self._postings[a]
            keys.remove(int(key))
            if not keys:
                del self._postings[a]

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def query(
        self, anchors: np.ndarray, *, min_shared: int = 2, max_df: int = 1000
    ) -> list[tuple[int, int]]:
        values = _distinct(anchors)
        get = self._postings.get
        lists = [keys for keys in map(get, values) if keys and len(keys) <= max_df]
        # one C-level count over all postings instead of one update per anchor
        shared = Counter(chain.from_iterable(lists))
        need = effective_min_shared(len(values), min_shared)
        hits = [(k, n) for k, n in shared.items() if n >= need]
        hits.sort(key=lambda kn: (-kn[1], kn[0]))
        return hits

    def document_frequency(self, anchor: int) -> int:
        """How many keys hold ``anchor`` (for diagnostics and tests)."""
        return len(self._postings.get(int(anchor), ()))
