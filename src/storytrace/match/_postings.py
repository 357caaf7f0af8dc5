"""Native inverted index ``anchor -> keys``, the storage of :class:`MemoryCandidateIndex`.

Plain arrays, owned by :class:`Postings` (their loops are in :mod:`._kernels`), so that
compiled loops (a whole batch of queries and additions, :mod:`.detect`) use the index without
a Python call per article:

* ``tab``: an open-addressing table of anchors (anchors are mixed hashes, so their low bits
  index it), a row per anchor: the hash, the head of its posting chain, its document frequency,
  where its run starts;
* ``runs``: each anchor's keys, contiguous (``[n, key, ...]``, int32), rebuilt by
  :meth:`Postings.compact` whenever the entries chained since the last rebuild are as many as
  those before it (amortised doubling), so that a query reads memory in order instead of
  chasing one pointer per posting;
* ``ent``: a row per (anchor, key): the key, the next entry of the anchor (the chains hold the
  entries added since the last rebuild), the anchor's row, the next entry of the key (to remove
  a key). Removal marks a key's entries dead (key -1) and the key itself (``counts[key]`` =
  ``DEAD``, so its entries in the runs are skipped); a removed key is never added again.

Rows rather than one array per field: a lookup touches one cache line.

Keys are dense slots ``0..n``; :class:`MemoryCandidateIndex` maps its int keys to slots (a new
slot when a removed key comes back).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._kernels import (
    DF,
    FREE_ROW,
    HEAD,
    count_shared,
    postings_add,
    postings_add_groups,
    postings_compact,
    postings_find,
    postings_rehash,
    postings_remove,
    ranked,
)

I64 = npt.NDArray[np.int64]
COMPACT_MIN = 1 << 16  # chained entries below which a rebuild is not worth a pass


def _grown(a: np.ndarray, size: int, fill: int = 0) -> np.ndarray:
    out = np.full(size, fill, dtype=a.dtype)
    out[: a.size] = a
    return out


class Postings:
    """The arrays of the native index, grown on demand (amortised doubling)."""

    def __init__(self) -> None:
        self.tab = np.zeros((16, 4), dtype=np.int64)  # HASH, HEAD, DF, RUN
        self.tab[:, HEAD] = FREE_ROW
        self.n_used = 0
        self.ent = np.zeros((16, 4), dtype=np.int64)  # KEY (-1: dead), NEXT, SLOT, KNEXT
        self.n_ent = 0
        self.runs = np.zeros(0, dtype=np.int32)
        self.n_ent_in_runs = 0  # entries when the runs were last rebuilt
        self.compact_min = COMPACT_MIN
        self.key_head = np.full(16, -1, dtype=np.int64)
        self.key_size = np.zeros(16, dtype=np.int64)
        self.user_keys = np.zeros(16, dtype=np.int64)
        self.counts = np.zeros(16, dtype=np.int64)
        self.touched = np.zeros(16, dtype=np.int64)

    def reserve(self, keys: int, anchors: int) -> None:
        """Room for key slots ``< keys`` and ``anchors`` more entries and table rows."""
        if keys > self.key_head.size:
            size = max(keys, 2 * self.key_head.size)
            self.key_head = _grown(self.key_head, size, -1)
            self.key_size = _grown(self.key_size, size)
            self.user_keys = _grown(self.user_keys, size)
            self.counts = _grown(self.counts, size)
            self.touched = _grown(self.touched, size)
        need = self.n_ent + anchors
        if need > self.ent.shape[0]:
            grown = np.empty((max(need, 2 * self.ent.shape[0]), 4), dtype=np.int64)
            grown[: self.n_ent] = self.ent[: self.n_ent]
            self.ent = grown
        used = self.n_used + anchors
        size = self.tab.shape[0]
        if 2 * used > size:
            while 2 * used > size:
                size *= 2
            self.tab = postings_rehash(self.tab, self.ent, self.n_ent, size)

    def compact(self, *, force: bool = False) -> None:
        """Rebuild the runs when the chains hold as many entries as the runs (and enough to be
        worth a pass over the table), or now when ``force``; queries give the same answers
        either way."""
        chained = self.n_ent - self.n_ent_in_runs
        if force or chained >= max(self.compact_min, self.n_ent_in_runs, 1):
            self.runs = postings_compact(self.tab, self.ent, self.runs, self.counts)
            self.n_ent_in_runs = self.n_ent

    def add(self, slot: int, anchors: np.ndarray) -> None:
        self.reserve(slot + 1, anchors.size)
        self.n_ent, new = postings_add(self.tab, self.ent, self.key_head, self.key_size, self.n_ent,
                              slot, anchors)
        self.n_used += new
        self.compact()

    def add_groups(self, slots: np.ndarray, bounds: np.ndarray, anchors: np.ndarray) -> None:
        """:meth:`add` of ``anchors[bounds[i]:bounds[i + 1]]`` to ``slots[i]`` for each ``i``,
        in one native call."""
        if not slots.size:
            return
        self.reserve(int(slots.max()) + 1, anchors.size)
        self.n_ent, new = postings_add_groups(
            self.tab, self.ent, self.key_head, self.key_size, self.n_ent, slots, bounds, anchors
        )
        self.n_used += new
        self.compact()

    def remove(self, slot: int) -> None:
        postings_remove(self.tab, self.ent, self.key_head, self.key_size, self.counts, slot)

    def query(self, q: np.ndarray, need: int, max_df: int) -> tuple[I64, I64]:
        nt = count_shared(self.tab, self.ent, self.runs, q, max_df, self.counts, self.touched)
        return ranked(self.touched, nt, self.counts, need, self.user_keys)

    def df(self, anchor: int) -> int:
        s = postings_find(self.tab, np.uint64(anchor))
        return 0 if s < 0 else int(self.tab[s, DF])
