"""Native loops (numba, compiled on first use and cached on disk) for the hot paths of matching.

Everything here works on plain arrays: code points of texts, per code point tables, uint64
hashes. All arithmetic is uint64 with wraparound. The tables and the hash scheme are defined in
:mod:`.shingle`; these loops only replay them in one pass instead of many numpy passes.

Sections: tokens and shingles; seeds of passage alignment; verification (chains, coverage, the
kind, replaying :func:`.align.align` and :func:`.compare.compare`); the postings of the native
candidate index (:mod:`._postings`); the bulk reprint stream (:mod:`.detect`). They stay in one
file on purpose: numba's disk cache of a function is invalidated only by changes to its own
file, so a compiled caller in another file would keep running a stale copy of a callee.
"""

from __future__ import annotations

import math

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

# kind codes returned by classify
NONE = 0
EXACT = 1
NEAR_DUPLICATE = 2
CONTAINED = 3
EDITED = 4


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


@njit(cache=True)
def coverage(chains, col, starts, ends, length):
    """:func:`.compare.passage_coverage` of the chains' side ``col`` (0: a, 2: b), in characters
    of a text of ``length`` characters whose tokens span ``starts[t]:ends[t]``."""
    if length <= 0:
        return 0.0
    m = chains.shape[0]
    s = np.empty(m, dtype=np.int64)
    e = np.empty(m, dtype=np.int64)
    for r in range(m):
        s[r] = starts[chains[r, col]]
        e[r] = ends[chains[r, col + 1] - 1]
    top = np.int64(max(length, e.max() if m else 0) + 1)
    order = np.argsort(s * top + e, kind="mergesort")
    covered = 0
    end = 0
    for r in order:
        lo = max(s[r], end)
        hi = min(e[r], length)
        if hi > lo:
            covered += hi - lo
            end = hi
    return covered / length


@njit(cache=True)
def same_tokens(ta, tb):
    if ta.size != tb.size:
        return False
    for t in range(ta.size):
        if ta[t] != tb[t]:
            return False
    return True


@njit(cache=True)
def lower_bound(na, nb, rules):
    """Fewest shared shingles that can make texts of ``na`` and ``nb`` shingles reprints (at
    most the true bound: every kind but ``exact`` needs the shorter's containment at least
    min(near-duplicate, contained, edited) thresholds, and ``exact`` needs all shingles)."""
    short = min(na, nb)
    least = min(rules[1], rules[2], rules[4])
    bound = max(int(rules[0]), int(least * short) - 1)
    if na == nb:
        bound = min(bound, na)
    return bound


@njit(cache=True)
def classify(inter, na, nb, ta, tb, a_starts, a_ends, a_len, b_starts, b_ends, b_len, rules):
    """Kind code (NONE, EXACT, ...) of texts a and b sharing ``inter`` of their ``na`` and ``nb``
    shingles, by the rules of :func:`.compare.compare`. ``ta``/``tb``: token hashes, the
    ``starts``/``ends`` of tokens and lengths in characters (for the coverage of ``edited``).
    ``rules`` = (min_shared, near_duplicate, contained, margin, edited_containment,
    edited_coverage, seed_size, min_words, max_gap, max_seed_pairs)."""
    if na == 0 or nb == 0:
        return NONE
    union = na + nb - inter
    jaccard = inter / union
    c_ab = inter / na
    c_ba = inter / nb
    shorter_is_a = na <= nb
    c_short = c_ab if shorter_is_a else c_ba
    c_long = c_ba if shorter_is_a else c_ab
    if inter == na and inter == nb and same_tokens(ta, tb):
        return EXACT
    if inter < rules[0]:
        return NONE
    if jaccard >= rules[1]:
        return NEAR_DUPLICATE
    if c_short >= rules[2] and c_short - c_long >= rules[3]:
        return CONTAINED
    if c_short < rules[4]:
        return NONE
    k = int(min(rules[6], rules[7]))
    chains = align_chains(ta, tb, k, int(rules[7]), int(rules[8]), int(rules[9]))
    if shorter_is_a:
        cov = coverage(chains, 0, a_starts, a_ends, a_len)
    else:
        cov = coverage(chains, 2, b_starts, b_ends, b_len)
    if cov < rules[5]:
        return NONE
    return EDITED


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
def ranked_slots(touched, nt, counts, need):
    """:func:`ranked` where the user key of a slot is the slot itself (one sort, distinct keys)."""
    slots, shared = _passing(touched, nt, counts, need)
    big = np.int64(counts.size + 1)
    order = np.argsort((shared.max() + 1 - shared) * big + slots) if slots.size else slots
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


# --- the bulk reprint stream (match.detect) ---

BITMAP_SHIFT = np.uint64(50)  # 2**14 bits: a few percent set by a text of a few hundred shingles


@njit(cache=True)
def _shared_with(sh, lo, hi, tbl, gen, stamp, mask, bound, bits):
    """How many of ``sh[lo:hi]`` are in the table of the current text; ``-1`` as soon as fewer
    than ``bound`` can be (the pair cannot be a reprint). ``bits``: a bitmap of the current
    text's shingles by their top bits, which turns away most absent ones in one test."""
    k = 0
    for p in range(lo, hi):
        if (p - lo) & 31 == 0 and k + hi - p < bound:
            return -1
        h = sh[p]
        b = h >> BITMAP_SHIFT
        if (bits[b >> np.uint64(6)] >> (b & np.uint64(63))) & np.uint64(1) == 0:
            continue
        s = np.int64(h & np.uint64(mask))
        while gen[s] == stamp:
            if tbl[s] == h:
                k += 1
                break
            s = (s + 1) & mask
    return k if k >= bound else -1


@njit(cache=True)
def stream_batch(tab, ent, runs, key_head, key_size, counts, touched, n_ent,
            sh, sh_off, tok, tok_s, tok_e, tok_off, lengths, days, first, last,
            n, modulus, min_shared, divisor, max_df, max_cand, window, rules):
    """Shingle, query, verify and add texts ``first..last - 1`` (their tokens are stored; their
    distinct shingles are written to ``sh``, in first-seen order). Returns found (a, b, kind,
    shared) rows, the new entry count and the number of table slots added."""
    out = np.empty((max(1, (last - first) * max_cand), 4), dtype=np.int64)
    n_out = 0
    new_slots = 0
    mod = np.uint64(modulus)
    q = np.empty(1024, dtype=np.uint64)
    raw = np.empty(1024, dtype=np.uint64)
    tbl = np.zeros(2048, dtype=np.uint64)
    gen = np.zeros(2048, dtype=np.int64)
    bits = np.zeros(1 << 8, dtype=np.uint64)
    for d in range(first, last):
        t0 = tok_off[d]
        t1 = tok_off[d + 1]
        if t1 - t0 + 1 > raw.size:
            raw = np.empty(t1 - t0 + 1, dtype=np.uint64)
            q = np.empty(t1 - t0 + 1, dtype=np.uint64)
        m = raw_shingles(tok, t0, t1, n, raw, 0)
        size = 16
        while size < 2 * m:
            size *= 2
        if size > tbl.size:
            tbl = np.zeros(size, dtype=np.uint64)
            gen = np.zeros(size, dtype=np.int64)
        mask = size - 1
        stamp = d + 1
        # distinct shingles through the table, which then answers the candidates' probes
        lo = sh_off[d]
        w = lo
        nq = 0
        bits[:] = 0
        for r in range(m):
            h = raw[r]
            s = np.int64(h & np.uint64(mask))
            while gen[s] == stamp and tbl[s] != h:
                s = (s + 1) & mask
            if gen[s] == stamp:
                continue
            gen[s] = stamp
            tbl[s] = h
            sh[w] = h
            w += 1
            b = h >> BITMAP_SHIFT
            bits[b >> np.uint64(6)] |= np.uint64(1) << (b & np.uint64(63))
            if h % mod == 0:
                q[nq] = h
                nq += 1
        hi = w
        sh_off[d + 1] = hi
        anchors = q[:nq]
        nt = count_shared(tab, ent, runs, anchors, max_df, counts, touched)
        need = max(1, min(min_shared, nq // divisor))
        slots, _ = ranked_slots(touched, nt, counts, need)
        taken = 0
        for c in slots:
            if taken == max_cand:
                break
            if not (math.isnan(days[d]) or math.isnan(days[c]) or abs(days[d] - days[c]) <= window):
                continue
            taken += 1
            nc = sh_off[c + 1] - sh_off[c]
            bound = lower_bound(nc, hi - lo, rules)
            inter = _shared_with(sh, sh_off[c], sh_off[c + 1], tbl, gen, stamp, mask, bound, bits)
            if inter < 0:
                continue
            ca = tok_off[c]
            cb = tok_off[c + 1]
            kind = classify(
                inter, nc, hi - lo, tok[ca:cb], tok[t0:t1],
                tok_s[ca:cb], tok_e[ca:cb], lengths[c], tok_s[t0:t1], tok_e[t0:t1], lengths[d],
                rules,
            )
            if kind != NONE:
                out[n_out, 0] = c
                out[n_out, 1] = d
                out[n_out, 2] = kind
                out[n_out, 3] = inter
                n_out += 1
        n_ent, new = postings_add(tab, ent, key_head, key_size, n_ent, d, anchors)
        new_slots += new
    return out[:n_out], n_ent, new_slots
