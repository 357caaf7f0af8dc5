"""Native loops (numba, compiled on first use and cached on disk): the postings of the native
candidate index (:mod:`._postings`)."""

from __future__ import annotations

import numpy as np
from numba import njit

# --- postings: the native inverted index of MemoryCandidateIndex ---

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
