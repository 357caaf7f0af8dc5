"""Native loops (numba, compiled on first use and cached on disk) for the hot paths of matching.

Everything here works on plain arrays: code points of texts, per code point tables, uint64
hashes. All arithmetic is uint64 with wraparound. The tables and the hash scheme are defined in
:mod:`.shingle`; these loops only replay them in one pass instead of many numpy passes.

Sections: tokens and shingles; seeds and chains of passage alignment (:func:`.align.align`);
the postings of the native candidate index (:mod:`._postings`). They stay in one
file on purpose: numba's disk cache of a function is invalidated only by changes to its own
file, so a compiled caller in another file would keep running a stale copy of a callee.
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
def raw_shingles(tok, a, t, n, out, w):
    """n-gram hashes of the tokens ``tok[a:t]`` of one text, written to ``out[w:]`` in position
    order (not sorted, repeats kept); a text with 1..n-1 tokens gives one hash of all of them.
    Returns the new end ``w``."""
    cnt = t - a
    if cnt == 0:
        return w
    if cnt < n:
        acc = _ZERO
        for k in range(a, t):
            acc = acc * _Q + tok[k]
        out[w] = _mix(acc ^ (_SHORT * np.uint64(cnt)))
        return w + 1
    for i in range(a, t - n + 1):
        acc = tok[i]
        for k in range(1, n):
            acc = acc * _Q + tok[i + k]
        out[w] = _mix(acc)
        w += 1
    return w


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
        start = w
        w = raw_shingles(tok, a, t, n, out, w)
        if w - start > 1:
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
    """Number of common values of two sorted unique uint64 arrays (a branch-free merge)."""
    i = 0
    j = 0
    k = 0
    na = a.size
    nb = b.size
    while i < na and j < nb:
        x = a[i]
        y = b[j]
        k += x == y
        i += x <= y
        j += y <= x
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
    keys_b, slot_b, _, _, gcnt_b, gstart_b, flat_b = _groups(hb)
    mask = np.uint64(keys_b.size - 1)
    # a's k-grams that b has: their group in b, and occurrence counts and ranks in a (k-grams
    # that b lacks make no seeds, so a needs no table of its own)
    group_a = np.full(na, -1, dtype=np.int64)
    rank_a = np.empty(na, dtype=np.int64)
    count_a = np.zeros(gstart_b.size, dtype=np.int64)
    for i in range(na):
        v = ha[i]
        s = np.int64(v & mask)
        while slot_b[s] >= 0 and keys_b[s] != v:
            s = (s + 1) & (keys_b.size - 1)
        g = slot_b[s]
        if g >= 0:
            group_a[i] = g
            rank_a[i] = count_a[g]
            count_a[g] += 1
    # per diagonal (j - i + na): a position of the open block's start and its last i
    open_i = np.full(na + nb, -2, dtype=np.int64)
    open_start = np.zeros(na + nb, dtype=np.int64)
    out = np.empty((na + nb + 1, 3), dtype=np.int64)
    nout = 0
    for i in range(na):
        g = group_a[i]
        if g < 0:
            continue
        cb = gcnt_b[g]
        if count_a[g] * cb <= max_pairs:
            lo = gstart_b[g]
            hi = lo + cb
        elif rank_a[i] < cb:
            lo = gstart_b[g] + rank_a[i]
            hi = lo + 1
        else:
            continue
        if nout + hi - lo > out.shape[0]:
            out = _grow(out, nout + hi - lo)
        for r in range(lo, hi):
            j = flat_b[r]
            d = j - i + na
            if open_i[d] == i - 1:
                open_i[d] = i
                continue
            if open_i[d] >= 0:  # close the block that ended before
                out[nout, 0] = open_start[d]
                out[nout, 1] = open_start[d] + d - na
                out[nout, 2] = open_i[d] - open_start[d] + k
                nout += 1
            open_start[d] = i
            open_i[d] = i
    still = 0
    for d in range(na + nb):
        if open_i[d] >= 0:
            still += 1
    if nout + still > out.shape[0]:
        out = _grow(out, nout + still)
    for d in range(na + nb):
        if open_i[d] >= 0:
            out[nout, 0] = open_start[d]
            out[nout, 1] = open_start[d] + d - na
            out[nout, 2] = open_i[d] - open_start[d] + k
            nout += 1
    return out[:nout]


@njit(cache=True)
def _grow(a, need):
    out = np.empty((max(need, 2 * a.shape[0]), a.shape[1]), dtype=a.dtype)
    out[: a.shape[0]] = a
    return out


# --- verification: passage chains, coverage, the kind (replays align() and compare()) ---

@njit(cache=True)
def _gap_ok(c_a_end, c_b_end, a0, b0, ta, tb, max_gap, k):
    ga = a0 - c_a_end
    gb = b0 - c_b_end
    # small overlaps happen when a repeated word starts the next block
    if ga < -(k - 1) or gb < -(k - 1):
        return False
    if ga == gb and ga > 0:  # same diagonal: count substituted words
        diff = 0
        for t in range(ga):
            if ta[c_a_end + t] != tb[c_b_end + t]:
                diff += 1
        return diff <= max_gap
    return max(ga, 0) <= max_gap and max(gb, 0) <= max_gap


@njit(cache=True)
def _chains(blocks, order, ta, tb, max_gap, k):
    """Chains (a_start, a_end, b_start, b_end, matched) of the blocks taken in ``order`` (by
    a_start, then b_start).

    Each block joins the open chain with the smallest gap cost (the first such chain, in order
    of creation) or opens a new one; chains that ended more than ``max_gap`` words before the
    block close for good.
    """
    m = blocks.shape[0]
    out = np.empty((m, 5), dtype=np.int64)
    n_chains = 0
    open_ids = np.empty(m, dtype=np.int64)
    n_open = 0
    for r in order:
        a0 = blocks[r, 0]
        b0 = blocks[r, 1]
        n = blocks[r, 2]
        w = 0
        for t in range(n_open):
            c = open_ids[t]
            if a0 - out[c, 1] <= max_gap:
                open_ids[w] = c
                w += 1
        n_open = w
        best = -1
        best_cost = 0
        for t in range(n_open):
            c = open_ids[t]
            if out[c, 1] >= a0 + n or out[c, 3] >= b0 + n:
                continue  # the block adds nothing to this chain
            if _gap_ok(out[c, 1], out[c, 3], a0, b0, ta, tb, max_gap, k):
                cost = abs(a0 - out[c, 1]) + abs(b0 - out[c, 3])
                if best < 0 or cost < best_cost:
                    best = c
                    best_cost = cost
        if best < 0:
            out[n_chains, 0] = a0
            out[n_chains, 1] = a0 + n
            out[n_chains, 2] = b0
            out[n_chains, 3] = b0 + n
            out[n_chains, 4] = n
            open_ids[n_open] = n_chains
            n_open += 1
            n_chains += 1
            continue
        out[best, 4] += a0 + n - max(a0, out[best, 1])
        out[best, 1] = a0 + n
        out[best, 3] = max(out[best, 3], b0 + n)
    return out[:n_chains]


@njit(cache=True)
def _insertion_order(keys):
    """Indexes sorting ``keys`` (few, distinct) ascending."""
    m = keys.size
    order = np.empty(m, dtype=np.int64)
    for r in range(m):
        t = r
        while t > 0 and keys[order[t - 1]] > keys[r]:
            order[t] = order[t - 1]
            t -= 1
        order[t] = r
    return order


@njit(cache=True)
def align_chains(ta, tb, k, min_words, max_gap, max_seed_pairs):
    """The passages of :func:`.align.align` as token ranges: rows (a_start, a_end, b_start,
    b_end, matched), ends exclusive, ordered by (a_start, b_start)."""
    if ta.size < k or tb.size < k:
        return np.empty((0, 5), dtype=np.int64)
    blocks = seed_blocks(ngrams(ta, k), ngrams(tb, k), k, max_seed_pairs)
    # (a0, b0) is unique per block (one block per diagonal and position): sort on it
    width = np.int64(tb.size + 1)
    chains = _chains(blocks, np.argsort(blocks[:, 0] * width + blocks[:, 1]), ta, tb, max_gap, k)
    n_keep = 0
    for r in range(chains.shape[0]):
        if chains[r, 4] >= min_words:
            chains[n_keep] = chains[r]
            n_keep += 1
    keep = chains[:n_keep]
    # biggest first, then position; (a_start, b_start) is unique per chain (its first block)
    span = np.int64(ta.size + 1) * width
    rank = np.empty(n_keep, dtype=np.int64)
    for r in range(n_keep):
        rank[r] = (np.int64(ta.size + tb.size + 1) - keep[r, 4]) * span
        rank[r] += keep[r, 0] * width + keep[r, 2]
    by_size = _insertion_order(rank)
    # drop echoes: a chain whose a and b ranges both lie inside bigger chains
    kept = np.empty(n_keep, dtype=np.int64)
    n_kept = 0
    for r in by_size:
        in_a = False
        in_b = False
        for t in range(n_kept):
            o = kept[t]
            if keep[o, 0] <= keep[r, 0] and keep[r, 1] <= keep[o, 1]:
                in_a = True
            if keep[o, 2] <= keep[r, 2] and keep[r, 3] <= keep[o, 3]:
                in_b = True
        if not (in_a and in_b):
            kept[n_kept] = r
            n_kept += 1
    position = np.empty(n_kept, dtype=np.int64)
    for t in range(n_kept):
        position[t] = keep[kept[t], 0] * width + keep[kept[t], 2]
    res = np.empty((n_kept, 5), dtype=np.int64)
    for t, r in enumerate(_insertion_order(position)):
        res[t] = keep[kept[r]]
    return res


# --- postings: the native inverted index of MemoryCandidateIndex and ReprintStream ---

# columns of the table rows and of the entry rows (one row = one cache line or half of one)
HASH, HEAD, DF, RUN = 0, 1, 2, 3
KEY, NEXT, SLOT, KNEXT = 0, 1, 2, 3
FREE_ROW = -2  # HEAD of an unused table row
DEAD = -(1 << 62)  # counts[key] of a removed key: never 0, so never counted as shared


@njit(cache=True)
def postings_find(tab, h):
    """Table row of anchor ``h`` (uint64), or ``-(free row) - 1`` where it would go."""
    mask = tab.shape[0] - 1
    s = np.int64(h & np.uint64(mask))
    v = np.int64(h)  # the bit pattern: rows are int64
    while tab[s, HEAD] != FREE_ROW:
        if tab[s, HASH] == v:
            return s
        s = (s + 1) & mask
    return -s - 1


@njit(cache=True)
def postings_add(tab, ent, key_head, key_size, n_ent, key, anchors):
    """Add distinct ``anchors`` to ``key``'s postings (a union). Capacity is the caller's.
    Returns the new number of entries and of used table rows added."""
    had = key_size[key] > 0
    new_rows = 0
    for h in anchors:
        s = postings_find(tab, h)
        if s < 0:
            s = -s - 1
            tab[s, HASH] = np.int64(h)
            tab[s, HEAD] = -1
            tab[s, DF] = 0
            tab[s, RUN] = -1
            new_rows += 1
        elif had:
            e = key_head[key]
            held = False
            while e >= 0:
                if ent[e, KEY] >= 0 and ent[e, SLOT] == s:
                    held = True
                    break
                e = ent[e, KNEXT]
            if held:
                continue
        e = n_ent
        n_ent += 1
        ent[e, KEY] = key
        ent[e, SLOT] = s
        ent[e, NEXT] = tab[s, HEAD]
        tab[s, HEAD] = e
        ent[e, KNEXT] = key_head[key]
        key_head[key] = e
        tab[s, DF] += 1
        key_size[key] += 1
    return n_ent, new_rows


@njit(cache=True)
def postings_add_groups(tab, ent, key_head, key_size, n_ent, keys, bounds, anchors):
    """:func:`postings_add` of ``anchors[bounds[i]:bounds[i + 1]]`` to ``keys[i]``, for every
    group ``i`` (distinct anchors within a group). Returns the new number of entries and of
    used table rows added."""
    new_rows = 0
    for i in range(keys.size):
        n_ent, new = postings_add(
            tab, ent, key_head, key_size, n_ent, keys[i], anchors[bounds[i] : bounds[i + 1]]
        )
        new_rows += new
    return n_ent, new_rows


@njit(cache=True)
def postings_remove(tab, ent, key_head, key_size, counts, key):
    """Delete every posting of ``key``: its chained entries die in place, and its entries in
    the runs are skipped from now on (``counts[key] = DEAD``); a key is never added again."""
    e = key_head[key]
    while e >= 0:
        if ent[e, KEY] >= 0:
            ent[e, KEY] = -1
            tab[ent[e, SLOT], DF] -= 1
        e = ent[e, KNEXT]
    key_head[key] = -1
    key_size[key] = 0
    counts[key] = DEAD


@njit(cache=True)
def count_shared(tab, ent, runs, q, max_df, counts, touched):
    """Add to ``counts[key]`` the anchors of ``q`` (distinct) each key holds, skipping anchors
    held by more than ``max_df`` keys; keys first seen go to ``touched``. Returns how many keys
    were touched. An anchor's keys are its run (contiguous, read in order) then its chain."""
    nt = 0
    for h in q:
        s = postings_find(tab, h)
        if s < 0 or tab[s, DF] == 0 or tab[s, DF] > max_df:
            continue
        r = tab[s, RUN]
        if r >= 0:
            for i in range(r + 1, r + 1 + runs[r]):
                k = runs[i]
                if counts[k] == 0:
                    touched[nt] = k
                    nt += 1
                counts[k] += 1
        e = tab[s, HEAD]
        while e >= 0:
            k = ent[e, KEY]
            if k >= 0:
                if counts[k] == 0:
                    touched[nt] = k
                    nt += 1
                counts[k] += 1
            e = ent[e, NEXT]
    return nt


@njit(cache=True)
def postings_compact(tab, ent, runs, counts):
    """Every anchor's keys moved into one contiguous run (``[n, key, ...]``, int32) of a new
    runs array, which is returned; chains emptied. Removed keys are dropped."""
    total = 0
    for s in range(tab.shape[0]):
        if tab[s, HEAD] != FREE_ROW and tab[s, DF] > 0:
            total += 1 + tab[s, DF]
    out = np.empty(total, dtype=np.int32)
    w = 0
    for s in range(tab.shape[0]):
        if tab[s, HEAD] == FREE_ROW:
            continue
        if tab[s, DF] == 0:
            tab[s, RUN] = -1
            tab[s, HEAD] = -1
            continue
        start = w
        w += 1
        r = tab[s, RUN]
        if r >= 0:
            for i in range(r + 1, r + 1 + runs[r]):
                if counts[runs[i]] >= 0:
                    out[w] = runs[i]
                    w += 1
        e = tab[s, HEAD]
        while e >= 0:
            if ent[e, KEY] >= 0:
                out[w] = ent[e, KEY]
                w += 1
            e = ent[e, NEXT]
        if w - start - 1 != tab[s, DF]:
            raise ValueError("postings: an anchor's live entries differ from its df")
        out[start] = w - start - 1
        tab[s, RUN] = start
        tab[s, HEAD] = -1
    return out


@njit(cache=True)
def _passing(touched, nt, counts, need):
    slots = np.empty(nt, dtype=np.int64)
    shared = np.empty(nt, dtype=np.int64)
    m = 0
    for t in range(nt):
        k = touched[t]
        if counts[k] >= need:
            slots[m] = k
            shared[m] = counts[k]
            m += 1
        counts[k] = 0
    return slots[:m], shared[:m]


@njit(cache=True)
def ranked(touched, nt, counts, need, user_keys):
    """Touched keys with ``counts >= need`` as (slots, shared), by shared descending then user
    key ascending; resets ``counts`` of the touched keys to zero."""
    slots, shared = _passing(touched, nt, counts, need)
    order = np.argsort(user_keys[slots], kind="mergesort")
    order = order[np.argsort(-shared[order], kind="mergesort")]
    return slots[order], shared[order]


@njit(cache=True)
def postings_rehash(tab, ent, n_ent, size):
    """The table moved to ``size`` rows (a power of two); entries' rows remapped in place."""
    new = np.zeros((size, 4), dtype=np.int64)
    new[:, HEAD] = FREE_ROW
    moved = np.full(tab.shape[0], -1, dtype=np.int64)
    for s in range(tab.shape[0]):
        if tab[s, HEAD] == FREE_ROW:
            continue
        t = -postings_find(new, np.uint64(tab[s, HASH])) - 1
        new[t] = tab[s]
        moved[s] = t
    for e in range(n_ent):
        ent[e, SLOT] = moved[ent[e, SLOT]]
    return new
