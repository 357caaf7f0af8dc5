"""Passage alignment: the stretches of text two articles share, as character offsets.

Seed and extend over word tokens:

1. Seeds: word k-grams (k = min(5, min_words)) present in both texts, found by sorting hashes
   (tokens, seeds and chains in native loops, :mod:`._kernels`; tokens compared by their
   hashes).
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

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from ..model import Passage
from ..normalize import tokens_with_spans
from . import _kernels
from .shingle import U64, token_table

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


@lru_cache(maxsize=256)
def _table(text: str) -> tuple[U64, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    # texts are aligned against several others in a row (a story's copies): tokenise once
    return token_table(text)


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
    chains = _kernels.align_chains(ta, tb, k, min_words, max_gap, MAX_SEED_PAIRS).tolist()
    return [
        Passage(
            a_start=int(a_starts[a0]),
            a_end=int(a_ends[a1 - 1]),
            b_start=int(b_starts[b0]),
            b_end=int(b_ends[b1 - 1]),
            words=matched,
        )
        for a0, a1, b0, b1, matched in chains
    ]
