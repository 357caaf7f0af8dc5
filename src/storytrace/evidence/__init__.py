"""Same-story evidence of an article and the similarity of two articles."""

from storytrace.evidence.core import Evidence, extract_evidence
from storytrace.evidence.entities import Entity
from storytrace.evidence.similarity import (
    FEATURES,
    Similarity,
    default_weights,
    features,
    fit_weights,
    pair_features,
    similarity,
    similarity_scores,
)

__all__ = [
    "FEATURES",
    "Entity",
    "Evidence",
    "Similarity",
    "default_weights",
    "extract_evidence",
    "features",
    "fit_weights",
    "pair_features",
    "similarity",
    "similarity_scores",
]
