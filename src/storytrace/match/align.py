"""Passage alignment: the stretches of text two articles share, as character offsets.

Seed and extend over word tokens (:func:`storytrace.normalize.tokenize`, compared by their
hashes, :mod:`.shingle`'s n-gram hashes of one and of k tokens):

1. Seeds: word k-grams (k = min(5, min_words)) present in both texts, found by sorting hashes.
2. Blocks: seeds on one diagonal (``j - i``) at consecutive positions make one maximal exact
   match of folded words.
3. Chains: blocks taken in order of position in ``a`` are joined to an open chain when the gap
   between them is small: on the same diagonal, at most ``max_gap`` differing words (substituted
   words); on another diagonal, at most ``max_gap`` words skipped on each side (an insertion, a
   deletion or a rephrased word or two). Otherwise a block opens a new chain.
4. Passages: chains with at least ``min_words`` exactly matched words; passages whose ``a`` and
   ``b`` ranges both lie inside a bigger passage (echoes of repeated phrases) are dropped.

Seeds and blocks are found with numpy in O((n + m) log(n + m) + seeds); chains by one pass over
the blocks (a few per passage). A k-gram that occurs many times in both texts pairs only its
r-th occurrence in ``a`` with its r-th in ``b`` (a full cross product would explode).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from ..model import Passage
from ..normalize import tokenize
from .shingle import U64, ngram_hashes, token_hashes

I64 = npt.NDArray[np.int64]
MAX_SEED_PAIRS = 64  # above this (occurrences in a) x (in b), pair r-th with r-th occurrence
SEED_SIZE = 5


def token_table(text: str) -> tuple[U64, U64, I64, I64]:
    """Hash of every token of ``text``, of every ``SEED_SIZE``-gram, and each token's start
    and end offset."""
    tokens, spans = tokenize(text)
    starts, ends = spans.arrays()
    return token_hashes(tokens), ngram_hashes(tokens, SEED_SIZE), starts, ends


@lru_cache(maxsize=256)
def _table(text: str) -> tuple[U64, U64, I64, I64]:
    # texts are aligned against several others in a row (a story's copies): tokenise once
    return token_table(text)


def _groups(values: U64) -> tuple[I64, I64, I64]:
    """For sorted ``values``: each one's group (run of equal values) as the index where the run
    starts, its rank in the run, and per start index the length of the run (elsewhere 0)."""
    n = values.size
    new = np.empty(n, dtype=bool)
    new[:1] = True
    np.not_equal(values[1:], values[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    lengths = np.diff(starts, append=n)
    group = np.repeat(starts, lengths)
    count = np.zeros(n, dtype=np.int64)
    count[starts] = lengths
    return group, np.arange(n) - group, count


def _capped_seeds(
    ha: U64, ia: I64, lo: I64, order_b: I64, sorted_b: U64, max_pairs: int
) -> tuple[I64, I64]:
    """The seeds (i, j) of :func:`seed_blocks`, by ascending i, when k-grams repeat."""
    _, _, count_b = _groups(sorted_b)
    cb = count_b[lo]
    # each position's rank among a's occurrences of its k-gram, and their number
    order_a = np.argsort(ha[ia], kind="stable")
    group_a, rank_sorted, count_a = _groups(ha[ia][order_a])
    rank = np.empty_like(order_a)
    rank[order_a] = rank_sorted
    ca = np.empty_like(order_a)
    ca[order_a] = count_a[group_a]
    full = ca * cb <= max_pairs
    count = np.where(full, cb, (rank < cb).astype(np.int64))
    first = np.where(full, lo, lo + rank)
    # expand: position i of a with each of its `count` b positions
    i = np.repeat(ia, count)
    within = np.arange(i.size) - np.repeat(np.cumsum(count) - count, count)
    return i, order_b[np.repeat(first, count) + within]


def seed_blocks(ha: U64, hb: U64, k: int, max_pairs: int = MAX_SEED_PAIRS) -> I64:
    """Maximal exact matches ``(a_start, b_start, length)`` in tokens, from the k-gram hashes of
    two texts, ordered by ``(a_start, b_start)``.

    Seeds are the pairs ``ha[i] == hb[j]``; a k-gram occurring ``ca`` times in a and ``cb`` in b
    gives all ``ca * cb`` pairs when that is at most ``max_pairs``, else only its r-th
    occurrence in a with its r-th in b. Seeds on one diagonal at consecutive positions form one
    block.
    """
    order_b = np.argsort(hb, kind="stable")  # b's positions grouped by k-gram, ascending within
    sorted_b = hb[order_b]
    lo = np.searchsorted(sorted_b, ha)  # where a's k-gram's group starts in b, if b has it
    found = lo < sorted_b.size
    found[found] = sorted_b[lo[found]] == ha[found]
    ia = np.flatnonzero(found)  # a's positions whose k-gram b has
    if not ia.size:
        return np.zeros((0, 3), dtype=np.int64)
    lo = lo[ia]
    distinct_b = not np.any(sorted_b[1:] == sorted_b[:-1])
    if distinct_b and (ia.size <= max_pairs or int(np.bincount(lo).max()) <= max_pairs):
        # b's k-grams are distinct and none of a's is frequent enough to be capped: each of
        # a's positions pairs with the one position of b (most texts)
        i, j = ia, order_b[lo]
    else:
        i, j = _capped_seeds(ha, ia, lo, order_b, sorted_b, max_pairs)
    # blocks: runs of consecutive i on one diagonal (the seeds come by ascending i)
    diagonal = j - i
    by_diagonal = np.argsort(diagonal, kind="stable")
    i, j, diagonal = i[by_diagonal], j[by_diagonal], diagonal[by_diagonal]
    new = np.empty(i.size, dtype=bool)
    new[:1] = True
    new[1:] = (diagonal[1:] != diagonal[:-1]) | (i[1:] != i[:-1] + 1)
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], i.size) - 1
    a0, b0 = i[starts], j[starts]
    order = np.argsort(a0 * (hb.size + 1) + b0)
    return np.stack([a0[order], b0[order], (i[ends] - a0 + k)[order]], axis=1).astype(np.int64)


def _gap_ok(
    ta: U64, tb: U64, a_end: int, b_end: int, a0: int, b0: int, max_gap: int, k: int
) -> bool:
    ga, gb = a0 - a_end, b0 - b_end
    # small overlaps happen when a repeated word starts the next block
    if ga < -(k - 1) or gb < -(k - 1):
        return False
    if ga == gb and ga > 0:  # same diagonal: count substituted words
        return int(np.count_nonzero(ta[a_end:a0] != tb[b_end:b0])) <= max_gap
    return max(ga, 0) <= max_gap and max(gb, 0) <= max_gap


def chains(
    ta: U64, tb: U64, ha: U64, hb: U64, k: int, max_gap: int, max_pairs: int = MAX_SEED_PAIRS
) -> list[list[int]]:
    """Chains ``[a_start, a_end, b_start, b_end, matched]`` (token ranges, ends exclusive) of the
    blocks of two texts given as token hashes (``ta``, ``tb``) and k-gram hashes (``ha``,
    ``hb``), in order of creation.

    Each block, in order of (a_start, b_start), joins the open chain with the smallest gap cost
    (the first such chain, in order of creation) or opens a new one; chains that ended more than
    ``max_gap`` words before the block close for good.
    """
    if ta.size < k or tb.size < k:
        return []
    blocks = seed_blocks(ha, hb, k, max_pairs)
    out: list[list[int]] = []
    open_: list[list[int]] = []
    for a0, b0, n in blocks.tolist():
        open_ = [c for c in open_ if a0 - c[1] <= max_gap]
        best: list[int] | None = None
        best_cost = 0
        for c in open_:
            if c[1] >= a0 + n or c[3] >= b0 + n:
                continue  # the block adds nothing to this chain
            if _gap_ok(ta, tb, c[1], c[3], a0, b0, max_gap, k):
                cost = abs(a0 - c[1]) + abs(b0 - c[3])
                if best is None or cost < best_cost:
                    best, best_cost = c, cost
        if best is None:
            chain = [a0, a0 + n, b0, b0 + n, n]
            out.append(chain)
            open_.append(chain)
            continue
        best[4] += a0 + n - max(a0, best[1])
        best[1] = a0 + n
        best[3] = max(best[3], b0 + n)
    return out


def align(a: str, b: str, *, min_words: int = 8, max_gap: int = 3) -> list[Passage]:
    """Passages shared by ``a`` and ``b`` (character offsets into the original strings).

    ``Passage.words`` counts the words of the passage matched exactly (words inside bridged gaps
    are not counted); a passage needs at least ``min_words`` of them. Ordered by position in ``a``.
    """
    if min_words < 1:
        raise ValueError("min_words must be >= 1")
    ta, ha, a_starts, a_ends = _table(a)
    tb, hb, b_starts, b_ends = _table(b)
    k = min(SEED_SIZE, min_words)
    if k < SEED_SIZE:  # shorter seeds than the table's
        ha, hb = (ngram_hashes(tokenize(t)[0], k) for t in (a, b))
    found = [c for c in chains(ta, tb, ha, hb, k, max_gap) if c[4] >= min_words]
    # drop echoes: biggest first, a chain whose a and b ranges both lie inside bigger ones
    kept: list[list[int]] = []
    for c in sorted(found, key=lambda c: (-c[4], c[0], c[2])):
        in_a = any(o[0] <= c[0] and c[1] <= o[1] for o in kept)
        in_b = any(o[2] <= c[2] and c[3] <= o[3] for o in kept)
        if not (in_a and in_b):
            kept.append(c)
    kept.sort(key=lambda c: (c[0], c[2]))
    return [
        Passage(
            a_start=int(a_starts[a0]),
            a_end=int(a_ends[a1 - 1]),
            b_start=int(b_starts[b0]),
            b_end=int(b_ends[b1 - 1]),
            words=matched,
        )
        for a0, a1, b0, b1, matched in kept
    ]
