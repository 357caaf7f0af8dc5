from __future__ import annotations

from storytrace.evidence import Evidence, extract_evidence
from storytrace.stories.profile import (
    agglomerate,
    conflicting,
    contrast_pairs,
    contrast_vectors,
    signatures,
)

from .corpus import QUAKE_A, QUAKE_B


def _evs(group: list[tuple[str, str]]) -> list[Evidence]:
    return [extract_evidence(t, published=p) for p, t in group]


def test_contrast_is_high_within_an_event_and_low_across() -> None:
    a, b = _evs(QUAKE_A), _evs(QUAKE_B)
    vecs = contrast_vectors(a + b)
    pairs = contrast_pairs(vecs, 0.0)
    within = min(pairs.get((i, j), 0.0) for i in range(3) for j in range(i + 1, 3))
    across = max(pairs.get((i, j), 0.0) for i in range(3) for j in range(3, 6))
    assert within > across


def test_agglomerate_merges_above_threshold_and_honours_veto() -> None:
    sims = {(0, 1): 0.9, (2, 3): 0.8, (1, 2): 0.5}
    groups = [[0], [1], [2], [3]]
    assert sorted(agglomerate(sims, groups, 0.1)) == [[0, 1, 2, 3]]
    assert sorted(agglomerate(sims, groups, 0.6)) == [[0, 1], [2, 3]]
    vetoed = agglomerate(sims, groups, 0.1, veto=lambda x, y: len(x) + len(y) > 2)
    assert sorted(vetoed) == [[0, 1], [2, 3]]


def test_conflicting_participants() -> None:
    a, b = _evs(QUAKE_A), _evs(QUAKE_B)
    assert signatures(a, 0.6, 3.0)
    assert conflicting(a, b, share=0.6, min_weight=3.0, both=True)
    assert not conflicting(a[:2], a[2:], share=0.6, min_weight=3.0, both=True)
