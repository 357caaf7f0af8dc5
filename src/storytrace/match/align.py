"""Passage alignment: the stretches of text two articles share, as character offsets.

Seed and extend over word tokens:

1. Seeds: word k-grams (k = min(5, min_words)) present in both texts, found by sorting hashes
   (tokens and seeds in native loops, :mod:`._kernels`; tokens compared by their hashes).
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
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from ..model import Passage
from ..normalize import tokens_with_spans
from . import _kernels
from .shingle import U64, ngram_hashes, token_table

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


def _blocks(ha: U64, hb: U64, k: int) -> list[tuple[int, int, int]]:
    """Maximal exact matches ``(a_start, b_start, length)`` of k-gram seeds, ordered by a_start.

    Seeds: pairs with ``ha[i] == hb[j]``; a k-gram occurring many times in both pairs only its
    r-th occurrence in ``a`` with its r-th in ``b`` (keeps verbatim copies of repetitive texts
    aligned without the cross product). Seeds on one diagonal at consecutive positions make one
    block.
    """
    if ha.size == 0 or hb.size == 0:
        return []
    out = [tuple(r) for r in _kernels.seed_blocks(ha, hb, k, MAX_SEED_PAIRS).tolist()]
    out.sort()
    return out


@lru_cache(maxsize=256)
def _table(text: str) -> tuple[U64, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    # texts are aligned against several others in a row (a story's copies): tokenise once
    return token_table(text)


def _gap_ok(c: _Chain, a0: int, b0: int, ta: U64, tb: U64, max_gap: int, k: int) -> bool:
    ga, gb = a0 - c.a_end, b0 - c.b_end
    # small overlaps happen when a repeated word starts the next block
    if ga < -(k - 1) or gb < -(k - 1):
        return False
    if ga == gb and ga > 0:  # same diagonal: count substituted words
        diff = int(np.count_nonzero(ta[c.a_end : a0] != tb[c.b_end : b0]))
        return diff <= max_gap
    return max(ga, 0) <= max_gap and max(gb, 0) <= max_gap


def _chains(
    blocks: list[tuple[int, int, int]], ta: U64, tb: U64, max_gap: int, k: int
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
    ta, a_starts, a_ends = _table(a)
    tb, b_starts, b_ends = _table(b)
    k = min(SEED_SIZE, min_words)
    if ta.size < k or tb.size < k:
        return []
    blocks = _blocks(ngram_hashes(ta, k), ngram_hashes(tb, k), k)
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
            a_start=int(a_starts[c.a_start]),
            a_end=int(a_ends[c.a_end - 1]),
            b_start=int(b_starts[c.b_start]),
            b_end=int(b_ends[c.b_end - 1]),
            words=c.matched,
        )
        for c in kept
    ]
