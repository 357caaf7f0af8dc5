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

The SQLite index stores an anchor by a 32-bit key (``storytrace.store.candidates``): there,
two distinct anchors with the same key count as one (about one pair in four billion).
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


def grouped_rows(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct ``(keys[i], values[i])`` rows grouped by key: the sorted distinct keys, the
    values (ascending within a key) and the group bounds (``values[bounds[g]:bounds[g + 1]]``
    belong to ``keys[g]``)."""
    order = np.lexsort((values, keys))
    keys, values = keys[order], values[order]
    distinct = np.ones(keys.size, dtype=bool)
    distinct[1:] = (keys[1:] != keys[:-1]) | (values[1:] != values[:-1])
    keys, values = keys[distinct], values[distinct]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if keys.size else keys
    return keys[starts], values, np.append(starts, keys.size).astype(np.int64)


class MemoryCandidateIndex:
    """:class:`CandidateIndex` in memory: for each anchor, the set of keys holding it (and for
    each key its anchors, to remove it)."""

    def __init__(self) -> None:
        self._holders: dict[int, set[int]] = {}  # anchor -> keys
        self._anchors: dict[int, set[int]] = {}  # key -> anchors

    def _add(self, key: int, values: list[int]) -> None:
        held = self._anchors.setdefault(key, set())
        new = set(values).difference(held)
        held |= new
        holders = self._holders
        for anchor in new:
            found = holders.get(anchor)
            if found is None:
                holders[anchor] = {key}
            else:
                found.add(key)
        if not held:
            del self._anchors[key]

    def add(self, key: int, anchors: np.ndarray) -> None:
        self._add(int(key), np.asarray(anchors, dtype=np.uint64).tolist())

    def add_rows(self, keys: np.ndarray, anchors: np.ndarray) -> None:
        """:meth:`add` of many ``(key, anchor)`` rows at once (``keys[i]`` holds ``anchors[i]``;
        rows may repeat): what loading thousands of index rows from a store needs."""
        keys = np.asarray(keys, dtype=np.int64)
        anchors = np.asarray(anchors, dtype=np.uint64)
        if keys.size:
            _unite(self._holders, *grouped_rows(anchors, keys))
            _unite(self._anchors, *grouped_rows(keys, anchors))

    def remove(self, key: int) -> None:
        holders = self._holders
        for anchor in self._anchors.pop(int(key), ()):
            found = holders[anchor]
            found.discard(int(key))
            if not found:
                del holders[anchor]

    def __len__(self) -> int:
        return len(self._anchors)

    def __contains__(self, key: object) -> bool:
        return key in self._anchors

    def query(
        self, anchors: np.ndarray, *, min_shared: int = 2, max_df: int = 1000
    ) -> list[tuple[int, int]]:
        values = set(np.asarray(anchors, dtype=np.uint64).tolist())
        need = effective_min_shared(len(values), min_shared)
        get = self._holders.get
        held = [found for anchor in values if (found := get(anchor)) and len(found) <= max_df]
        counts = Counter(chain.from_iterable(held))
        hits = [(key, n) for key, n in counts.items() if n >= need]
        hits.sort(key=lambda kn: (-kn[1], kn[0]))
        return hits

    def document_frequency(self, anchor: int) -> int:
        """How many keys hold ``anchor`` (for diagnostics and tests)."""
        return len(self._holders.get(int(anchor), ()))


def _unite(
    sets: dict[int, set[int]], groups: np.ndarray, values: np.ndarray, bounds: np.ndarray
) -> None:
    """``sets[groups[g]] |= values[bounds[g]:bounds[g + 1]]`` for every group ``g``."""
    flat = values.tolist()
    cut = bounds.tolist()
    for g, group in enumerate(groups.tolist()):
        found = sets.get(group)
        if found is None:
            sets[group] = set(flat[cut[g] : cut[g + 1]])
        else:
            found.update(flat[cut[g] : cut[g + 1]])
