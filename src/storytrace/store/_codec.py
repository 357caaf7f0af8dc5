"""Posting lists as bytes: ascending article ids, each stored as its gap from the previous one
(the first from 0) in LEB128 varints (7 bits a byte, high bit set on all bytes but the last).

The layout of the ``anchors`` table (:mod:`.candidates`): most gaps take 2 or 3 bytes where a
row per (anchor, article) took about 13 in SQLite. Native loops (numba) over many lists at once,
so a batch of ingest decodes or rewrites its thousands of lists in one call.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def decode_lists(data, offsets):
    """The ids of lists ``data[offsets[g]:offsets[g + 1]]`` (uint8), flat, and each list's
    count (so ``np.repeat(keys, counts)`` pairs them with their keys)."""
    n = 0
    for b in data:
        n += b < 128
    ids = np.empty(n, dtype=np.int64)
    counts = np.zeros(offsets.size - 1, dtype=np.int64)
    m = 0
    for g in range(offsets.size - 1):
        prev = np.int64(0)
        value = np.int64(0)
        shift = 0
        for p in range(offsets[g], offsets[g + 1]):
            b = np.int64(data[p])
            value |= (b & 127) << shift
            if b < 128:
                prev += value
                ids[m] = prev
                m += 1
                counts[g] += 1
                value = np.int64(0)
                shift = 0
            else:
                shift += 7
    return ids, counts


@njit(cache=True)
def _put(out, w, v):
    while v >= 128:
        out[w] = np.uint8((v & 127) | 128)
        v >>= 7
        w += 1
    out[w] = np.uint8(v)
    return w + 1


@njit(cache=True)
def merge_lists(old, old_offsets, new, new_bounds, drop):
    """List ``g`` rewritten: its ids (``old[old_offsets[g]:old_offsets[g + 1]]``, encoded) united
    with ``new[new_bounds[g]:new_bounds[g + 1]]`` (ascending, distinct), less ``drop`` (an id,
    or -1 for none). Returns the encoded lists and their offsets (an empty list has none)."""
    groups = old_offsets.size - 1
    ids, counts = decode_lists(old, old_offsets)
    out = np.empty(10 * (ids.size + new.size) + 1, dtype=np.uint8)
    offsets = np.zeros(groups + 1, dtype=np.int64)
    w = 0
    i = 0
    for g in range(groups):
        i_end = i + counts[g]
        j = new_bounds[g]
        j_end = new_bounds[g + 1]
        prev = np.int64(0)
        while i < i_end or j < j_end:
            if j >= j_end or (i < i_end and ids[i] < new[j]):
                v = ids[i]
                i += 1
            elif i >= i_end or new[j] < ids[i]:
                v = new[j]
                j += 1
            else:
                v = ids[i]
                i += 1
                j += 1
            if v == drop:
                continue
            w = _put(out, w, v - prev)
            prev = v
        offsets[g + 1] = w
    return out[:w], offsets
