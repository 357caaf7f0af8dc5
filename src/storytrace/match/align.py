"""Passage alignment: the stretches of text two articles share, as character offsets.

Seed and extend over word tokens:

1. Seeds: word k-grams (k = min(5, min_words)) present in both texts, found by sorting hashes.
2. Blocks: seeds on one diagonal (``j - i``) at consecutive positions make one maximal exact
   match of folded words.
3. Chains: blocks taken in order of position in ``a`` are joined to an open chain when the gap
   between them is small: on the same diagonal, at most ``max_gap`` differing words (substituted
   words); on another diagonal, at most ``max_gap`` words skipped on each side (an insertion, a
   deletion or a rephrased word or two). Otherwise a block opens a new chain.
4. Passages: chains with at least ``min_words`` exactly matched words; passages whose ``a`` and
   ``b`` ranges both lie inside a bigger passage (echoes of repeated phrases) are dropped.

Everything is O(n + m + seeds); a k-gram that occurs many times in both texts pairs only its
r-th occurrence in ``a`` with its r-th in ``b`` (a full cross product would explode).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..model import Passage
from ..normalize import tokens_with_spans
from .shingle import ngram_hashes, token_hashes

MAX_SEED_PAIRS = 64  # above this (occurrences in a) x (in b), pair r-th with r-th occurrence
SEED_SIZE = 5


def tokens(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Folded words of ``text`` with their spans; equals :func:`normalize.words` token for token
    ("per cent" is one "%" token spanning both words)."""
    toks, spans = tokens_with_spans(text)
    out_t: list[str] = []
    out_s: list[tuple[int, int]] = []
    for t, s in zip(toks, spans, strict=True):
        if t == "cent" and out_t and out_t[-1] == "per":
            out_t[-1] = "%"
            out_s[-1] = (out_s[-1][0], s[1])
            continue
        out_t.append(t)
        out_s.append(s)
    return out_t, out_s


@dataclass(slots=True)
class _Chain:
    a_start: int
    a_end: int  # token index, exclusive
    b_start: int
    b_end: int
    matched: int


def _seed_pairs(ha: npt.NDArray[np.uint64], hb: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    """(i, j) pairs with ``ha[i] == hb[j]``, as an (n, 2) array sorted by diagonal then i."""
    if ha.size == 0 or hb.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    ob = np.argsort(hb, kind="stable")
    sb = hb[ob]
    lo = np.searchsorted(sb, ha, side="left")
    hi = np.searchsorted(sb, ha, side="right")
    cnt_b = hi - lo
    # occurrences of each a k-gram in a, and the rank of each occurrence among them
    oa = np.argsort(ha, kind="stable")
    sa = ha[oa]
    first_a = np.searchsorted(sa, ha, side="left")
    cnt_a = np.searchsorted(sa, ha, side="right") - first_a
    rank_a = np.empty(ha.size, dtype=np.int64)
    rank_a[oa] = np.arange(ha.size) - first_a[oa]
    full = (cnt_b > 0) & (cnt_a * cnt_b <= MAX_SEED_PAIRS)
    # a phrase repeated many times in both: pair the r-th occurrences only (keeps verbatim copies
    # of repetitive texts aligned without the cross product)
    ranked = (cnt_b > 0) & ~full & (rank_a < cnt_b)
    ia = np.flatnonzero(full)
    reps = cnt_b[ia]
    i = np.repeat(ia, reps)
    # j: for each a position, its run lo..hi-1 in the sorted b order (ascending positions)
    offs = np.arange(i.size) - np.repeat(np.cumsum(reps) - reps, reps)
    j = ob[np.repeat(lo[ia], reps) + offs]
    ir = np.flatnonzero(ranked)
    i = np.concatenate((i, ir))
    j = np.concatenate((j, ob[lo[ir] + rank_a[ir]]))
    if i.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    order = np.lexsort((i, j - i))
    return np.stack((i[order], j[order]), axis=1).astype(np.int64)


def _blocks(pairs: npt.NDArray[np.int64], k: int) -> list[tuple[int, int, int]]:
    """Maximal exact matches ``(a_start, b_start, length)`` from seed pairs, ordered by a_start."""
    if pairs.size == 0:
        return []
    i, j = pairs[:, 0], pairs[:, 1]
    d = j - i
    new = np.ones(i.size, dtype=bool)
    new[1:] = (d[1:] != d[:-1]) | (i[1:] != i[:-1] + 1)
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], i.size) - 1
    out = list(
        zip(
            i[starts].tolist(),
            j[starts].tolist(),
            (i[ends] - i[starts] + k).tolist(),
            strict=True,
        )
    )
    out.sort()
    return out


def _gap_ok(
    c: _Chain, a0: int, b0: int, ta: list[str], tb: list[str], max_gap: int, k: int
) -> bool:
    ga, gb = a0 - c.a_end, b0 - c.b_end
    # small overlaps happen when a repeated word starts the next block
    if ga < -(k - 1) or gb < -(k - 1):
        return False
    if ga == gb and ga > 0:  # same diagonal: count substituted words
        diff = sum(1 for x, y in zip(ta[c.a_end : a0], tb[c.b_end : b0], strict=True) if x != y)
        return diff <= max_gap
    return max(ga, 0) <= max_gap and max(gb, 0) <= max_gap


def _chains(
    blocks: list[tuple[int, int, int]], ta: list[str], tb: list[str], max_gap: int, k: int
) -> list[_Chain]:
    done: list[_Chain] = []
    open_: list[_Chain] = []
    for a0, b0, n in blocks:
        # chains that ended far before this block can no longer grow
        still: list[_Chain] = []
        for c in open_:
            (still if a0 - c.a_end <= max_gap else done).append(c)
        open_ = still
        best: _Chain | None = None
        best_cost = 0
        for c in open_:
            if c.a_end >= a0 + n or c.b_end >= b0 + n:
                continue  # the block adds nothing to this chain
            if _gap_ok(c, a0, b0, ta, tb, max_gap, k):
                cost = abs(a0 - c.a_end) + abs(b0 - c.b_end)
                if best is None or cost < best_cost:
                    best, best_cost = c, cost
        if best is None:
            open_.append(_Chain(a0, a0 + n, b0, b0 + n, n))
            continue
        best.matched += a0 + n - max(a0, best.a_end)
        best.a_end = a0 + n
        best.b_end = max(best.b_end, b0 + n)
    return done + open_


def align(a: str, b: str, *, min_words: int = 8, max_gap: int = 3) -> list[Passage]:
    """Passages shared by ``a`` and ``b`` (character offsets into the original strings).

    ``Passage.words`` counts the words of the passage matched exactly (words inside bridged gaps
    are not counted); a passage needs at least ``min_words`` of them. Ordered by position in ``a``.
    """
    if min_words < 1:
        raise ValueError("min_words must be >= 1")
    ta, sa = tokens(a)
    tb, sb = tokens(b)
    k = min(SEED_SIZE, min_words)
    if len(ta) < k or len(tb) < k:
        return []
    ha = ngram_hashes(token_hashes(ta), k)
    hb = ngram_hashes(token_hashes(tb), k)
    blocks = _blocks(_seed_pairs(ha, hb), k)
    chains = [c for c in _chains(blocks, ta, tb, max_gap, k) if c.matched >= min_words]
    # drop echoes: a chain whose a and b ranges both lie inside bigger chains
    chains.sort(key=lambda c: (-c.matched, c.a_start, c.b_start))
    kept: list[_Chain] = []
    for c in chains:
        in_a = any(o.a_start <= c.a_start and c.a_end <= o.a_end for o in kept)
        in_b = any(o.b_start <= c.b_start and c.b_end <= o.b_end for o in kept)
        if not (in_a and in_b):
            kept.append(c)
    kept.sort(key=lambda c: (c.a_start, c.b_start))
    return [
        Passage(
            a_start=sa[c.a_start][0],
            a_end=sa[c.a_end - 1][1],
            b_start=sb[c.b_start][0],
            b_end=sb[c.b_end - 1][1],
            words=c.matched,
        )
        for c in kept
    ]
