from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.evidence import Evidence, extract_evidence
from storytrace.stories.profile import (
    agglomerate,
    conflicting,
    contrast_matrix,
    reassign,
    signatures,
    time_conflicting,
    time_signatures,
)

from .corpus import QUAKE_A, QUAKE_B
from .views import contrast_pairs, contrast_vectors, matrix_pairs


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


def _average_linkage(
    sims: dict[tuple[int, int], float], groups: list[list[int]], threshold: float, veto
) -> list[list[int]]:
    """Average linkage as written in a textbook: every mean link recomputed at every step."""
    out = [list(g) for g in groups]
    blocked: set[tuple[int, int]] = set()
    while True:
        best: tuple[float, int, int] | None = None
        for a in range(len(out)):
            for b in range(a + 1, len(out)):
                if not out[a] or not out[b] or (a, b) in blocked:
                    continue
                total = sum(sims.get((min(i, j), max(i, j)), 0.0) for i in out[a] for j in out[b])
                mean = total / (len(out[a]) * len(out[b]))
                if best is None or mean > best[0]:
                    best = (mean, a, b)
        if best is None or best[0] < threshold:
            return sorted(sorted(g) for g in out if g)
        _, a, b = best
        if veto(out[a], out[b]):
            blocked.add((a, b))
            continue
        blocked = {p for p in blocked if a not in p}  # a grows: its pairs are asked again
        out[a] += out[b]
        out[b] = []


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 9).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.dictionaries(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(
                    lambda p: p[0] < p[1]
                ),
                st.integers(1, 8).map(lambda k: k / 8),  # eighths: sums and means are exact
            ),
        )
    ),
    st.sampled_from([0.0, 0.1, 0.3, 0.5]),
    st.integers(0, 4),
)
def test_agglomerate_equals_textbook_average_linkage(
    case: tuple[int, dict[tuple[int, int], float]], threshold: float, salt: int
) -> None:
    n, sims = case

    def veto(x: list[int], y: list[int]) -> bool:  # arbitrary, but a function of the groups
        return salt > 0 and (sum(x) * 7 + sum(y) * 3 + salt) % 4 == 0

    groups = [[i] for i in range(n)]
    got = sorted(agglomerate(sims, groups, threshold, veto=veto))
    assert got == _average_linkage(sims, groups, threshold, veto)


def test_conflicting_participants() -> None:
    a, b = _evs(QUAKE_A), _evs(QUAKE_B)
    assert signatures(a, 0.6, 3.0)
    assert conflicting(a, b, share=0.6, min_weight=3.0, both=True)
    assert not conflicting(a[:2], a[2:], share=0.6, min_weight=3.0, both=True)


def test_time_signature_is_the_latest_common_year() -> None:
    evs = [extract_evidence(t) for t in (
        "The fire of March 2013 was the worst since 2010, officials said.",
        "In 2013 the fire destroyed the plant; a smaller one hit it in 2010.",
        "The 2013 blaze gutted the factory.",
    )]  # fmt: skip
    assert time_signatures(evs, 0.6, months=False) == {"y:2013": 1.0}
    old = [extract_evidence(t) for t in (
        "A fire destroyed the plant on Tuesday.",
        "Firefighters fought the blaze at the plant for hours.",
        "The plant burned down, the company said.",
    )]  # fmt: skip
    assert time_conflicting(evs, old, share=0.6, months=False)  # one-sided: old names no year
    assert not time_conflicting(evs[:2], evs[2:], share=0.6, months=False)


def test_reassign_moves_an_article_to_the_group_it_is_closest_to() -> None:
    sims = {(0, 1): 0.1, (0, 2): 0.9, (0, 3): 0.9, (1, 2): 0.0, (1, 3): 0.0, (2, 3): 0.9}
    assert sorted(reassign(sims, [[0, 1], [2, 3]])) == [[0, 2, 3], [1]]
    assert sorted(reassign(sims, [[0, 1], [2, 3]], margin=0.9)) == [[0, 1], [2, 3]]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.sampled_from("abcdefgh"), st.floats(0.0, 1.0), max_size=6),
        max_size=12,
    ),
    st.sampled_from([0.0, 0.2, 0.5]),
)
def test_contrast_pairs_equal_every_pairwise_dot_product(vectors: list, floor: float) -> None:
    got = contrast_pairs(vectors, floor)
    want = {}
    for i in range(len(vectors)):
        for j in range(i + 1, len(vectors)):
            shared = vectors[i].keys() & vectors[j].keys()
            dot = sum(vectors[i][k] * vectors[j][k] for k in shared)
            if dot > 0 and dot >= floor:  # the cosine of contrast vectors is positive
                want[(i, j)] = min(1.0, dot)
    assert got.keys() == want.keys()
    assert all(abs(got[p] - want[p]) < 1e-9 for p in want)


def _reference_vector(ev: Evidence, evs: list[Evidence], n: int) -> dict[str, float]:
    """The contrast vector by its definition, one key at a time."""

    def idf(key: str) -> float:
        df = sum((key[2:] in (e.terms if key[0] == "t" else e.entity_heads)) for e in evs)
        return math.log((n + 1) / (df + 0.5))

    parts = []
    for prefix, weights in (("t:", ev.terms), ("e:", ev.entity_heads)):
        raw = {prefix + k: w * idf(prefix + k) for k, w in weights.items()}
        norm = math.sqrt(sum(x * x for x in raw.values()))
        parts.append({k: x / norm for k, x in raw.items()} if norm else {})
    terms, heads = parts
    if not terms or not heads:
        return terms or heads
    return {**{k: x * math.sqrt(0.5) for k, x in terms.items()},
            **{k: x * math.sqrt(0.5) for k, x in heads.items()}}  # fmt: skip


def test_contrast_vectors_follow_their_definition() -> None:
    texts = [t for _, t in QUAKE_A + QUAKE_B] + ["", "Prices rose.", "Angela Merkel met Macron."]
    evs = [extract_evidence(t) for t in texts]
    held, background = evs[:5], evs[5:]
    got = contrast_vectors(held, background)
    for ev, vec in zip(held, got, strict=True):
        want = _reference_vector(ev, evs, len(evs))
        assert vec.keys() == want.keys()
        assert all(abs(vec[k] - want[k]) < 1e-12 for k in want)
    assert contrast_vectors([extract_evidence("")]) == [{}]
    matrix = contrast_matrix(held, background)
    assert matrix_pairs(matrix, 0.0) == pytest.approx(contrast_pairs(got, 0.0))
