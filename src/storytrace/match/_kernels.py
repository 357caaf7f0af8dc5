"""Native loops (numba, compiled on first use and cached on disk) for the hot paths of matching.

Everything here works on plain arrays: code points of texts, per code point tables, uint64
hashes. All arithmetic is uint64 with wraparound. The tables and the hash scheme are defined in
:mod:`.shingle`; these loops only replay them in one pass instead of many numpy passes.
"""

from __future__ import annotations

import numpy as np
from numba import njit

ALNUM = np.uint8(1)
DECIMAL = np.uint8(2)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_LEN = np.uint64(0xC2B2AE3D27D4EB4F)
_Q = np.uint64(0x9E3779B97F4A7C15)
_SHORT = np.uint64(0x165667B19E3779F9)
_ZERO = np.uint64(0)
_ONE = np.uint64(1)


@njit(cache=True, inline="always")
def _mix(x: np.uint64) -> np.uint64:
    x = x ^ (x >> _S30)
    x = x * _M1
    x = x ^ (x >> _S27)
    x = x * _M2
    return x ^ (x >> _S31)


@njit(cache=True)
def tokenize(cp, bounds, cls, flen, lv, ppow, specials, cap):
    """Tokens of the texts ``cp[bounds[d]:bounds[d + 1]]``: hash, start, end, text index.

    Replays ``normalize._WORD`` (alnum runs joined by an apostrophe between alnum characters or
    by ``.``/``,`` between decimal digits; each ``%`` alone) and ``normalize.words``' folds:
    a token's hash is over the folded code points (tables ``flen``/``lv``), "percent"/"pct"
    become "%", and "per" followed by "cent" in the same text becomes one "%" token.
    ``specials`` = hashes of "%", "per", "cent", "percent", "pct". ``cap`` bounds the number of
    tokens: (characters + 1) // 2 + number of "%" + 1 (word tokens are at least a character
    apart).
    """
    h_out = np.empty(cap, dtype=np.uint64)
    s_out = np.empty(cap, dtype=np.int64)
    e_out = np.empty(cap, dtype=np.int64)
    d_out = np.empty(cap, dtype=np.int64)
    pct, per, cent, percent, pct_word = (
        specials[0],
        specials[1],
        specials[2],
        specials[3],
        specials[4],
    )
    m = 0
    for d in range(bounds.size - 1):
        lo = bounds[d]
        hi = bounds[d + 1]
        first_tok = m
        i = lo
        while i < hi:
            c = cp[i]
            if c == 37:  # '%'
                h = pct
                start = i
                i += 1
            elif cls[c] & ALNUM != 0:
                start = i
                acc = _ZERO
                pw = _ONE
                length = 0
                while i < hi:
                    c = cp[i]
                    if cls[c] & ALNUM != 0:
                        pass
                    elif c == 39 or c == 0x2019:
                        if not (i + 1 < hi and cls[cp[i + 1]] & ALNUM != 0):
                            break
                    elif c == 46 or c == 44:
                        if not (
                            cls[cp[i - 1]] & DECIMAL != 0
                            and i + 1 < hi
                            and cls[cp[i + 1]] & DECIMAL != 0
                        ):
                            break
                    else:
                        break
                    acc += lv[c] * pw
                    pw *= ppow[flen[c]]
                    length += flen[c]
                    i += 1
                h = _mix(acc ^ (np.uint64(length) * _LEN))
                if h == percent or h == pct_word:
                    h = pct
                elif h == cent and m > first_tok and h_out[m - 1] == per:
                    h_out[m - 1] = pct
                    e_out[m - 1] = i - lo
                    continue
            else:
                i += 1
                continue
            h_out[m] = h
            s_out[m] = start - lo
            e_out[m] = i - lo
            d_out[m] = d
            m += 1
    return h_out[:m], s_out[:m], e_out[:m], d_out[:m]


@njit(cache=True)
def hash_folded_tokens(cp, bounds):
    """Hash of each already-folded token ``cp[bounds[t]:bounds[t + 1]]`` (same scheme)."""
    out = np.empty(bounds.size - 1, dtype=np.uint64)
    p = np.uint64(0x100000001B3)
    for t in range(bounds.size - 1):
        acc = _ZERO
        pw = _ONE
        for i in range(bounds[t], bounds[t + 1]):
            acc += np.uint64(cp[i]) * pw
            pw *= p
        out[t] = _mix(acc ^ (np.uint64(bounds[t + 1] - bounds[t]) * _LEN))
    return out


@njit(cache=True)
def ngrams(tok, n):
    m = tok.size - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    out = np.empty(m, dtype=np.uint64)
    for i in range(m):
        acc = tok[i]
        for k in range(1, n):
            acc = acc * _Q + tok[i + k]
        out[i] = _mix(acc)
    return out


@njit(cache=True)
def shingle_docs(tok, tok_doc, n_docs, n):
    """Sorted unique n-gram hashes of each text, flat, with ``offsets`` (n_docs + 1)."""
    out = np.empty(tok.size + n_docs, dtype=np.uint64)
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    t = 0
    w = 0
    for d in range(n_docs):
        a = t
        while t < tok.size and tok_doc[t] == d:
            t += 1
        cnt = t - a
        start = w
        if cnt == 0:
            pass
        elif cnt < n:
            acc = _ZERO
            for k in range(a, t):
                acc = acc * _Q + tok[k]
            out[w] = _mix(acc ^ (_SHORT * np.uint64(cnt)))
            w += 1
        else:
            for i in range(a, t - n + 1):
                acc = tok[i]
                for k in range(1, n):
                    acc = acc * _Q + tok[i + k]
                out[w] = _mix(acc)
                w += 1
            seg = out[start:w]
            seg.sort()
            u = start + 1
            for i in range(start + 1, w):
                if out[i] != out[u - 1]:
                    out[u] = out[i]
                    u += 1
            w = u
        offsets[d + 1] = w
    return out[:w], offsets


@njit(cache=True)
def overlap(a, b):
    """Number of common values of two sorted unique uint64 arrays (a merge)."""
    i = 0
    j = 0
    k = 0
    while i < a.size and j < b.size:
        x = a[i]
        y = b[j]
        if x == y:
            k += 1
            i += 1
            j += 1
        elif x < y:
            i += 1
        else:
            j += 1
    return k


@njit(cache=True)
def _groups(h):
    """Equal values of ``h`` grouped with an open-addressing table (the values are mixed hashes,
    so their low bits index it). Returns the table (keys, group of each slot), the group of each
    position, the rank of each position among its group's (ascending), and per group its count
    and where its positions start in ``flat`` (positions grouped, ascending inside a group)."""
    n = h.size
    size = 16
    while size < 2 * n:
        size *= 2
    mask = np.uint64(size - 1)
    keys = np.zeros(size, dtype=np.uint64)
    slot_group = np.full(size, -1, dtype=np.int64)
    gid = np.empty(n, dtype=np.int64)
    rank = np.empty(n, dtype=np.int64)
    gcnt = np.zeros(n, dtype=np.int64)
    ng = 0
    for p in range(n):
        v = h[p]
        s = np.int64(v & mask)
        while slot_group[s] >= 0 and keys[s] != v:
            s = (s + 1) & (size - 1)
        if slot_group[s] < 0:
            slot_group[s] = ng
            keys[s] = v
            ng += 1
        g = slot_group[s]
        gid[p] = g
        rank[p] = gcnt[g]
        gcnt[g] += 1
    gstart = np.zeros(ng + 1, dtype=np.int64)
    for g in range(ng):
        gstart[g + 1] = gstart[g] + gcnt[g]
    flat = np.empty(n, dtype=np.int64)
    for p in range(n):
        flat[gstart[gid[p]] + rank[p]] = p
    return keys, slot_group, gid, rank, gcnt, gstart, flat


@njit(cache=True)
def seed_blocks(ha, hb, k, max_pairs):
    """Maximal exact matches (a_start, b_start, length) from k-gram hashes of two texts.

    Seeds are the pairs ``ha[i] == hb[j]``; a k-gram occurring ``ca`` times in a and ``cb`` in b
    gives all ``ca * cb`` pairs when that is at most ``max_pairs``, else only its r-th occurrence
    in a with its r-th in b. Seeds on one diagonal at consecutive positions form one block.
    Unordered (the caller sorts).
    """
    na = ha.size
    nb = hb.size
    _, _, gid_a, rank_a, gcnt_a, _, _ = _groups(ha)
    keys_b, slot_b, _, _, gcnt_b, gstart_b, flat_b = _groups(hb)
    mask = np.uint64(keys_b.size - 1)
    # per diagonal (j - i + na): a position of the open block's start and its last i
    open_i = np.full(na + nb, -2, dtype=np.int64)
    open_start = np.zeros(na + nb, dtype=np.int64)
    out = np.empty((na + nb + 1, 3), dtype=np.int64)
    nout = 0
    for i in range(na):
        v = ha[i]
        s = np.int64(v & mask)
        while slot_b[s] >= 0 and keys_b[s] != v:
            s = (s + 1) & (keys_b.size - 1)
        g = slot_b[s]
        if g < 0:
            continue
        cb = gcnt_b[g]
        if gcnt_a[gid_a[i]] * cb <= max_pairs:
            lo = gstart_b[g]
            hi = lo + cb
        elif rank_a[i] < cb:
            lo = gstart_b[g] + rank_a[i]
            hi = lo + 1
        else:
            continue
        for r in range(lo, hi):
            j = flat_b[r]
            d = j - i + na
            if open_i[d] == i - 1:
                open_i[d] = i
                continue
            if open_i[d] >= 0:  # close the block that ended before
                if nout == out.shape[0]:
                    out = _grow(out)
                out[nout, 0] = open_start[d]
                out[nout, 1] = open_start[d] + d - na
                out[nout, 2] = open_i[d] - open_start[d] + k
                nout += 1
            open_start[d] = i
            open_i[d] = i
    for d in range(na + nb):
        if open_i[d] >= 0:
            if nout == out.shape[0]:
                out = _grow(out)
            out[nout, 0] = open_start[d]
            out[nout, 1] = open_start[d] + d - na
            out[nout, 2] = open_i[d] - open_start[d] + k
            nout += 1
    return out[:nout]


@njit(cache=True)
def _grow(a):
    out = np.empty((2 * a.shape[0], a.shape[1]), dtype=a.dtype)
    out[: a.shape[0]] = a
    return out
