"""Reprint detection in bulk: a stream of texts, each matched against the texts before it.

The same rules as one :func:`.compare.compare` per candidate from a :class:`CandidateIndex`
query, done by one compiled loop per batch (``_kernels.stream_batch``): tokens of the batch
come from one native pass, each text's distinct shingles and anchors are computed in the loop,
the anchors query the native postings (:mod:`._postings`), the best candidates are verified
natively (passages are aligned only when they decide ``edited``), then the anchors are added. Texts inside a batch see the texts before
them in the batch, so the result does not depend on how the stream is cut into batches.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from ..model import ReprintKind
from . import _kernels, _postings
from .align import MAX_SEED_PAIRS, SEED_SIZE
from .compare import (
    CONTAINED,
    CONTAINED_MARGIN,
    EDITED_CONTAINMENT,
    EDITED_COVERAGE,
    MIN_SHARED_SHINGLES,
    NEAR_DUPLICATE_JACCARD,
)
from .index import SHORT_QUERY_DIVISOR
from .shingle import _chunks, _tokenize

KINDS: dict[int, ReprintKind] = {
    _kernels.EXACT: "exact",
    _kernels.NEAR_DUPLICATE: "near-duplicate",
    _kernels.CONTAINED: "contained",
    _kernels.EDITED: "edited",
}
ALIGN_MIN_WORDS = 8
ALIGN_MAX_GAP = 3


class Found(NamedTuple):
    """Text ``a`` (earlier in the stream) and text ``b`` are reprints: ``kind``, and how many
    shingles they share."""

    a: int
    b: int
    kind: ReprintKind
    shared_shingles: int


class _Column:
    """A growable flat array (amortised doubling: at 1M texts the token columns are gigabytes,
    and a copy holds the old array and the new one at once)."""

    def __init__(self, dtype: npt.DTypeLike) -> None:
        self.data = np.zeros(1024, dtype=dtype)
        self.size = 0

    def reserve(self, end: int) -> None:
        if end > self.data.size:
            grown = np.empty(max(end, 2 * self.data.size), dtype=self.data.dtype)
            grown[: self.size] = self.data[: self.size]
            self.data = grown

    def extend(self, values: np.ndarray) -> None:
        end = self.size + values.size
        self.reserve(end)
        self.data[self.size : end] = values
        self.size = end


class ReprintStream:
    """Streaming reprint detection with the candidate rules of the ingest pipeline.

    ``add(texts)`` gives the texts the next indexes (0, 1, ...) and returns the reprint pairs
    each new text forms with texts before it: the candidates are the texts sharing at least
    ``effective_min_shared`` anchors (1 in ``modulus`` shingles; anchors held by more than
    ``max_df`` texts ignored), the ``max_candidates`` sharing most (ties: earlier first) among
    those published within ``window_days`` of the new text (texts without a date are always
    candidates); each is verified by the rules of :func:`.compare.compare` with the earlier text
    as ``a``.
    """

    def __init__(
        self,
        *,
        shingle_size: int = 5,
        modulus: int = 8,
        min_shared: int = 2,
        max_df: int = 1000,
        max_candidates: int = 50,
        window_days: float | None = None,
    ) -> None:
        if shingle_size < 1 or modulus < 1 or max_candidates < 1:
            raise ValueError("shingle_size, modulus and max_candidates must be >= 1")
        self.shingle_size = shingle_size
        self.modulus = modulus
        self.min_shared = min_shared
        self.max_df = max_df
        self.max_candidates = max_candidates
        self.window = math.inf if window_days is None else float(window_days)
        self.postings = _postings.Postings()
        self.shingles = _Column(np.uint64)
        self.sh_off = _Column(np.int64)
        self.sh_off.extend(np.zeros(1, dtype=np.int64))
        self.tokens = _Column(np.uint64)
        self.tok_start = _Column(np.int32)
        self.tok_end = _Column(np.int32)
        self.tok_off = _Column(np.int64)
        self.tok_off.extend(np.zeros(1, dtype=np.int64))
        self.lengths = _Column(np.int64)
        self.days = _Column(np.float64)
        self.rules = np.array(
            [MIN_SHARED_SHINGLES, NEAR_DUPLICATE_JACCARD, CONTAINED, CONTAINED_MARGIN,
             EDITED_CONTAINMENT, EDITED_COVERAGE, SEED_SIZE, ALIGN_MIN_WORDS, ALIGN_MAX_GAP,
             MAX_SEED_PAIRS],
            dtype=np.float64,
        )

    def __len__(self) -> int:
        return self.lengths.size

    def add(self, texts: Sequence[str], days: Sequence[float | None] | None = None) -> list[Found]:
        """Match ``texts`` (in order) against everything before them, then index them.

        ``days``: each text's publication time in days (any epoch), ``None`` when unknown.
        """
        if days is not None and len(days) != len(texts):
            raise ValueError("days must give one value per text")
        found: list[Found] = []
        for a, b in _chunks(texts):
            part_days = None if days is None else days[a:b]
            found.extend(self._add_chunk(texts[a:b], part_days))
        return found

    def _add_chunk(self, texts: Sequence[str], days: Sequence[float | None] | None) -> list[Found]:
        first = len(self)
        tok, starts, ends, tok_doc = _tokenize(texts)
        tok_bounds = np.searchsorted(tok_doc, np.arange(1, len(texts) + 1))
        self.tokens.extend(tok)
        self.tok_start.extend(starts)
        self.tok_end.extend(ends)
        self.tok_off.extend(tok_bounds + self.tok_off.data[first])
        self.lengths.extend(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
        when = [math.nan if d is None else float(d) for d in days or [None] * len(texts)]
        self.days.extend(np.array(when, dtype=np.float64))
        last = len(self)
        # room for every text's shingles (at most one per token, or one for a short text)
        self.sh_off.extend(np.zeros(len(texts), dtype=np.int64))
        self.shingles.reserve(self.sh_off.data[first] + tok.size + len(texts))
        p = self.postings
        p.reserve(last, tok.size + len(texts))
        rows, p.n_ent, new_slots = _kernels.stream_batch(
            p.tab, p.ent, p.runs, p.key_head, p.key_size, p.counts, p.touched, p.n_ent,
            self.shingles.data, self.sh_off.data, self.tokens.data, self.tok_start.data,
            self.tok_end.data, self.tok_off.data, self.lengths.data, self.days.data,
            first, last, self.shingle_size, self.modulus, self.min_shared, SHORT_QUERY_DIVISOR,
            self.max_df,
            self.max_candidates, self.window, self.rules,
        )
        p.n_used += new_slots
        p.compact()
        self.shingles.size = int(self.sh_off.data[last])
        kinds = KINDS
        return [Found(a, b, kinds[k], s) for a, b, k, s in rows.tolist()]
