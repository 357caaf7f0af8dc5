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
    for i in range(n):
        n_seen = 0
        for p in range(indptr[i], indptr[i + 1]):
            k = keys[p]
            x = values[p]
            for q in range(col_count[k], col_count[k + 1]):
                j = col_rows[q]
                if j <= i:
                    continue
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
