"""Native loops (numba, compiled on first use and cached on disk) for the story re-check."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def sparse_self_dots(indptr, keys, values, n_keys, floor):
    """Pairs ``i < j`` of the rows of a sparse matrix (CSR: ``indptr``, ``keys``, ``values``)
    whose dot product is at least ``floor``, as arrays ``(i, j, dot)``.

    Goes through the columns' postings, so pairs sharing no key are never visited: the work
    is the sum over keys of (document frequency)^2 / 2, as in an inverted index.
    """
    n = indptr.size - 1
    nnz = keys.size
    # column postings (CSC), rows ascending within a column
    col_count = np.zeros(n_keys + 1, dtype=np.int64)
    for p in range(nnz):
        col_count[keys[p] + 1] += 1
    for k in range(n_keys):
        col_count[k + 1] += col_count[k]
    fill = col_count[:-1].copy()
    col_rows = np.empty(nnz, dtype=np.int64)
    col_vals = np.empty(nnz, dtype=np.float64)
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            k = keys[p]
            col_rows[fill[k]] = i
            col_vals[fill[k]] = values[p]
            fill[k] += 1
    acc = np.zeros(n, dtype=np.float64)
    marked = np.zeros(n, dtype=np.bool_)
    seen = np.empty(n, dtype=np.int64)
    out_i = np.empty(16, dtype=np.int64)
    out_j = np.empty(16, dtype=np.int64)
    out_v = np.empty(16, dtype=np.float64)
    m = 0
    # Rows ascend within a column and ``i`` ascends: each column's entries up to row ``i`` are
    # passed over once in all (``after``), instead of once per row.
    after = col_count[:-1].copy()
    for i in range(n):
        n_seen = 0
        for p in range(indptr[i], indptr[i + 1]):
            k = keys[p]
            x = values[p]
            first = after[k]
            while first < col_count[k + 1] and col_rows[first] <= i:
                first += 1
            after[k] = first
            for q in range(first, col_count[k + 1]):
                j = col_rows[q]
                if not marked[j]:
                    marked[j] = True
                    seen[n_seen] = j
                    n_seen += 1
                acc[j] += x * col_vals[q]
        for s in range(n_seen):
            j = seen[s]
            if acc[j] >= floor:
                if m == out_i.size:
                    out_i = _grow(out_i)
                    out_j = _grow(out_j)
                    out_v = _grow(out_v)
                out_i[m] = i
                out_j[m] = j
                out_v[m] = acc[j]
                m += 1
            acc[j] = 0.0
            marked[j] = False
    return out_i[:m], out_j[:m], out_v[:m]


@njit(cache=True)
def _grow(a):
    """Twice the room, same contents (compiled once per dtype)."""
    out = np.empty(2 * a.size, dtype=a.dtype)
    out[: a.size] = a
    return out


# Pair-score table (see storytrace.stories.pair_scores): two generations of an open-addressing
# table with linear probing, ``keys[g, slot] = (a, b)`` with ``a <= b``, ``filled[g, slot]``
# marking the slots in use. ``state = [young generation, its entries, old's entries, half]``.


@njit(cache=True, inline="always")
def _home(a, b, mask):
    # Fingerprints are digests, so their bits are already uniform: one multiply mixes the two.
    return (a ^ (b * -7046029254386353131)) & mask


@njit(cache=True)
def _find(keys, filled, g, a, b, mask):
    """The slot holding ``(a, b)`` in generation ``g``, or the empty slot where it would go."""
    s = _home(a, b, mask)
    while filled[g, s] and not (keys[g, s, 0] == a and keys[g, s, 1] == b):
        s = (s + 1) & mask
    return s


@njit(cache=True)
def _delete(keys, values, filled, g, s, mask):
    """Empty slot ``s`` of generation ``g``, shifting later entries of its probe run back so
    that every entry stays reachable from its home slot (no tombstones)."""
    filled[g, s] = False
    j = s
    while True:
        j = (j + 1) & mask
        if not filled[g, j]:
            return
        h = _home(keys[g, j, 0], keys[g, j, 1], mask)
        # the entry at j may move to s unless its home lies cyclically in (s, j]
        if (s < j and s < h <= j) or (j < s and (h > s or h <= j)):
            continue
        keys[g, s, 0] = keys[g, j, 0]
        keys[g, s, 1] = keys[g, j, 1]
        values[g, s] = values[g, j]
        filled[g, s] = True
        filled[g, j] = False
        s = j


@njit(cache=True)
def _put(keys, values, filled, state, a, b, value):
    """Store ``(a, b) -> value`` in the young generation (dropping an old copy); when the young
    one holds half the capacity it becomes the old one and the old one is emptied."""
    mask = keys.shape[1] - 1
    young = state[0]
    old = 1 - young
    t = _find(keys, filled, old, a, b, mask)
    if filled[old, t]:
        _delete(keys, values, filled, old, t, mask)
        state[2] -= 1
    s = _find(keys, filled, young, a, b, mask)
    if not filled[young, s]:
        keys[young, s, 0] = a
        keys[young, s, 1] = b
        filled[young, s] = True
        state[1] += 1
    values[young, s] = value
    if state[1] >= state[3]:
        filled[old, :] = False
        state[0] = old
        state[2] = state[1]
        state[1] = 0


@njit(cache=True)
def pair_lookup(keys, values, filled, state, firsts, seconds, out, found):
    """``out[i]`` = the score of ``(firsts[i], seconds[i])`` and ``found[i]`` whether it is
    known; an entry read from the old generation moves to the young one."""
    mask = keys.shape[1] - 1
    for i in range(seconds.size):
        x, y = firsts[i], seconds[i]
        if y < x:
            x, y = y, x
        young = state[0]
        s = _find(keys, filled, young, x, y, mask)
        if filled[young, s]:
            out[i] = values[young, s]
            found[i] = True
            continue
        t = _find(keys, filled, 1 - young, x, y, mask)
        found[i] = filled[1 - young, t]
        if found[i]:
            out[i] = values[1 - young, t]
            _put(keys, values, filled, state, x, y, out[i])


@njit(cache=True)
def pair_store(keys, values, filled, state, firsts, seconds, scores):
    """Remember the score of ``(firsts[i], seconds[i])`` as ``scores[i]``."""
    for i in range(seconds.size):
        x, y = firsts[i], seconds[i]
        if y < x:
            x, y = y, x
        _put(keys, values, filled, state, x, y, scores[i])
