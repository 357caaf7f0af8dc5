"""Reprint detection: shingles, candidate index, passage alignment, classification."""

from .align import align
from .compare import (
    CONTAINED,
    EDITED_CONTAINMENT,
    EDITED_COVERAGE,
    NEAR_DUPLICATE_JACCARD,
    compare,
    may_reprint,
    passage_coverage,
    shared_shingles,
)
from .index import CandidateIndex, MemoryCandidateIndex, effective_min_shared
from .shingle import (
    anchors,
    ngram_hashes,
    pack_hashes,
    shingles,
    shingles_many,
    token_hashes,
    token_shingles,
    unpack_hashes,
)

__all__ = [
    "CONTAINED",
    "EDITED_CONTAINMENT",
    "EDITED_COVERAGE",
    "NEAR_DUPLICATE_JACCARD",
    "CandidateIndex",
    "MemoryCandidateIndex",
    "align",
    "anchors",
    "compare",
    "effective_min_shared",
    "may_reprint",
    "ngram_hashes",
    "pack_hashes",
    "passage_coverage",
    "shared_shingles",
    "shingles",
    "shingles_many",
    "token_hashes",
    "token_shingles",
    "unpack_hashes",
]
