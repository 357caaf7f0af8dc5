"""Native loops (numba, compiled on first use and cached on disk) for evidence extraction.

:func:`shingle_hashes` replays ``xxhash.xxh32_intdigest`` (seed 0) over every window of
``SHINGLE`` tokens of the joined, UTF-8 encoded text, so the hashes are the ones the xxhash
package gives for the same bytes. All arithmetic is uint64 masked to 32 bits.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_P1 = np.uint64(0x9E3779B1)
_P2 = np.uint64(0x85EBCA77)
_P3 = np.uint64(0xC2B2AE3D)
_P4 = np.uint64(0x27D4EB2F)
_P5 = np.uint64(0x165667B1)
_MASK = np.uint64(0xFFFFFFFF)


@njit(cache=True, inline="always")
def _rotl(x: np.uint64, r: int) -> np.uint64:
    return ((x << np.uint64(r)) | (x >> np.uint64(32 - r))) & _MASK


@njit(cache=True, inline="always")
def _read32(data: np.ndarray, p: int) -> np.uint64:
    return (
        np.uint64(data[p])
        | (np.uint64(data[p + 1]) << np.uint64(8))
        | (np.uint64(data[p + 2]) << np.uint64(16))
        | (np.uint64(data[p + 3]) << np.uint64(24))
    )


@njit(cache=True, inline="always")
def _round(acc: np.uint64, lane: np.uint64) -> np.uint64:
    acc = (acc + lane * _P2) & _MASK
    return (_rotl(acc, 13) * _P1) & _MASK


@njit(cache=True)
def xxh32(data: np.ndarray, start: int, end: int) -> np.uint64:
    """XXH32 (seed 0) of ``data[start:end]`` (uint8)."""
    p = start
    length = end - start
    if length >= 16:
        v1 = (_P1 + _P2) & _MASK
        v2 = _P2
        v3 = np.uint64(0)
        v4 = (np.uint64(0x100000000) - _P1) & _MASK
        limit = end - 16
        while p <= limit:
            v1 = _round(v1, _read32(data, p))
            v2 = _round(v2, _read32(data, p + 4))
            v3 = _round(v3, _read32(data, p + 8))
            v4 = _round(v4, _read32(data, p + 12))
            p += 16
        h = (_rotl(v1, 1) + _rotl(v2, 7) + _rotl(v3, 12) + _rotl(v4, 18)) & _MASK
    else:
        h = _P5
    h = (h + np.uint64(length)) & _MASK
    while p + 4 <= end:
        h = (h + _read32(data, p) * _P3) & _MASK
        h = (_rotl(h, 17) * _P4) & _MASK
        p += 4
    while p < end:
        h = (h + np.uint64(data[p]) * _P5) & _MASK
        h = (_rotl(h, 11) * _P1) & _MASK
        p += 1
    h ^= h >> np.uint64(15)
    h = (h * _P2) & _MASK
    h ^= h >> np.uint64(13)
    h = (h * _P3) & _MASK
    h ^= h >> np.uint64(16)
    return h


@njit(cache=True)
def shingle_hashes(data: np.ndarray, lengths: np.ndarray, size: int, mod: int) -> np.ndarray:
    """Sorted distinct XXH32 hashes, divisible by ``mod``, of each window of ``size`` tokens.

    ``data``: the tokens joined by single spaces (UTF-8); ``lengths``: each token's byte length.
    """
    n = lengths.size - size + 1
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.empty(lengths.size, dtype=np.int64)
    pos = 0
    for i in range(lengths.size):
        starts[i] = pos
        pos += lengths[i] + 1
    kept = np.empty(n, dtype=np.int64)
    m = 0
    for i in range(n):
        j = i + size - 1
        h = np.int64(xxh32(data, starts[i], starts[j] + lengths[j]))
        if h % mod == 0:
            kept[m] = h
            m += 1
    kept = np.sort(kept[:m])
    out = np.empty(m, dtype=np.int64)
    k = 0
    for i in range(m):
        if k == 0 or kept[i] != out[k - 1]:
            out[k] = kept[i]
            k += 1
    return out[:k]
