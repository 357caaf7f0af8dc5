from __future__ import annotations

import random

import pytest

from storytrace.evidence import Evidence, extract_evidence, similarity
from storytrace.stories import (
    Decision,
    MemoryStoryState,
    StoryClusterer,
    StoryConfig,
    StoryState,
    cluster,
    decide,
)

from .corpus import QUAKE_A, QUAKE_B, corpus


def _partition(labels: dict[int, int]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for k, s in labels.items():
        groups.setdefault(s, set()).add(k)
    return {frozenset(g) for g in groups.values()}


def _items() -> tuple[list[tuple[int, Evidence]], set[frozenset[int]]]:
    items, gold, key = [], set(), 0
    for _, evs in corpus():
        group = set()
        for ev in evs:
            items.append((key, ev))
            group.add(key)
            key += 1
        gold.add(frozenset(group))
    return items, gold


def test_memory_state_is_a_story_state() -> None:
    assert isinstance(MemoryStoryState(), StoryState)


def test_constructed_corpus_partition() -> None:
    items, gold = _items()
    model = StoryClusterer().partial_fit(items)
    assert _partition(model.labels_) == gold
    assert any(e[0] == "join" for e in model.events_)


def test_earthquakes_and_visits_kept_apart() -> None:
    groups = dict(corpus())
    quakes = groups["quake-a"][:1] + groups["quake-b"][:1]
    assert len(set(cluster(quakes))) == 2
    visits = groups["visit-1"] + groups["visit-2"]
    labels = cluster(visits)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]


def test_arrival_order_does_not_matter() -> None:
    items, gold = _items()
    for seed in range(4):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        model = StoryClusterer().partial_fit(shuffled)
        assert _partition(model.labels_) == gold


def test_partial_fit_in_batches_matches_one_batch() -> None:
    items, gold = _items()
    model = StoryClusterer()
    for i in range(0, len(items), 3):
        model.partial_fit(items[i : i + 3])
    assert _partition(model.labels_) == gold


def test_no_chaining_through_a_mixed_article() -> None:
    # C reports both earthquakes; it may join one story but must not merge the two.
    mix = (
        "Two earthquakes: Malatya and Sulawesi\nA magnitude 6.1 earthquake struck Malatya in "
        "Turkey, killing 12 people, Governor Aydin Barus said, and a magnitude 7.2 earthquake "
        'struck Sulawesi, killing 40 people in Palu, spokesman Raditya Jati said. "We are doing '
        'everything we can to reach the people under the debris," Barus said. "The main need '
        'now is tents and clean water for the survivors," Jati said.'
    )
    a = [extract_evidence(t, published=p) for p, t in QUAKE_A]
    b = [extract_evidence(t, published=p) for p, t in QUAKE_B]
    c = extract_evidence(mix, published="2020-04-23T12:00")
    for order in ([*a, *b, c], [c, *a, *b], [a[0], c, b[0], *a[1:], *b[1:]]):
        labels = cluster(order)
        ka = {labels[order.index(x)] for x in a}
        kb = {labels[order.index(x)] for x in b}
        assert len(ka) == 1 and len(kb) == 1 and ka != kb


def test_decide_is_pure_and_explains() -> None:
    a = [extract_evidence(t, published=p) for p, t in QUAKE_A]
    b = [extract_evidence(t, published=p) for p, t in QUAKE_B]
    cands = {1: list(enumerate(a[:2])), 2: list(enumerate(b[:2], start=10))}
    d = decide(a[2], cands)
    assert isinstance(d, Decision) and d.story == 1 and d.merge == [] and d.reasons
    assert decide(a[2], cands) == d
    lonely = decide(a[2], {2: cands[2]})
    assert lonely.story is None
    strict = decide(a[2], cands, config=StoryConfig(join=0.999))
    assert strict.story is None


def test_decide_merges_strongly_linked_stories() -> None:
    a = [extract_evidence(t, published=p) for p, t in QUAKE_A]
    d = decide(a[2], {1: [(0, a[0])], 2: [(1, a[1])]})
    assert d.story in (1, 2) and len(d.merge) == 1


def test_pair_scores_remember_by_content() -> None:
    from storytrace.stories.pair_scores import PairScores

    a, b, c = (
        extract_evidence(f"Storm damage at the {w} harbour.") for w in ("Oslo", "Bergen", "Tromso")
    )
    assert len({a.fingerprint, b.fingerprint, c.fingerprint}) == 3
    twin = Evidence.from_json(a.to_json())  # equal content, another object (parsed again)
    scores = PairScores(capacity=4)
    scores.put(a, b, 0.5)
    assert scores.get(b, a) == 0.5
    assert scores.get(twin, b) == 0.5
    assert scores.get(a, c) is None
    scores.put(c, a, 0.25)
    assert scores.lookup(a, [b, c, a]) == [0.5, 0.25, None]


def test_pair_scores_stay_within_capacity_and_keep_what_is_read() -> None:
    from storytrace.stories.pair_scores import PairScores

    evs = [extract_evidence(f"Storm number {i} reached the coast of region {i}.") for i in range(40)]
    hot = (evs[0], evs[1])
    scores = PairScores(capacity=10)
    scores.put(*hot, 0.5)
    for i in range(2, 40):
        scores.put(evs[i - 1], evs[i], i / 100)
        assert 0 < len(scores) <= 10
        assert scores.get(*hot) == 0.5  # read at every step: never the least recent
    assert len(scores) >= 5  # at least half the capacity stays
    assert scores.get(evs[1], evs[2]) is None  # long unread: dropped
    assert scores.lookup(evs[39], [evs[38], evs[0]]) == [0.39, None]


def test_pair_scores_tell_changed_evidence_apart() -> None:
    from storytrace.stories.pair_scores import PairScores

    a, b = (extract_evidence(f"Storm damage at the {w} harbour.") for w in ("Oslo", "Bergen"))
    edited = extract_evidence("Storm damage at the Oslo harbour and its ferry pier.")
    scores = PairScores()
    scores.put(a, b, 0.5)
    assert edited.fingerprint != a.fingerprint
    assert scores.get(edited, b) is None


def test_pair_scores_do_not_keep_evidence_alive() -> None:
    import gc
    import weakref

    from storytrace.stories.pair_scores import PairScores

    a, b = (extract_evidence(f"Article {w} about the harbour.") for w in ("one", "two"))
    scores = PairScores()
    scores.put(a, b, 0.5)
    gone = weakref.ref(a)
    del a
    gc.collect()
    assert gone() is None


def test_clusterer_remembers_pair_scores() -> None:
    (pa, ta), (pb, tb), (pc, tc) = QUAKE_A[0], QUAKE_A[1], QUAKE_B[0]
    a, b = extract_evidence(ta, published=pa), extract_evidence(tb, published=pb)
    c = extract_evidence(tc, published=pc)
    model = StoryClusterer()
    assert model.score_value(a, b) == similarity(a, b).score
    assert model.score_value(b, a) == similarity(a, b).score
    assert len(model.cache_) == 1  # the second call read the first one's entry
    assert model.score_value(c, a) == similarity(a, c).score
    assert len(model.cache_) == 2


def test_decide_explains_the_best_match_of_the_chosen_story() -> None:
    a = [extract_evidence(t, published=p) for p, t in QUAKE_A]
    d = decide(a[2], {7: [(0, a[0]), (1, a[1])]})
    assert d.story == 7
    best = max((a[0], a[1]), key=lambda m: similarity(a[2], m).score)
    assert similarity(a[2], best).reasons[0] in d.reasons


def test_a_state_without_index_keeps_members_and_refuses_lookups() -> None:
    a, b = (extract_evidence(t, published=p) for p, t in QUAKE_A[:2])
    state = MemoryStoryState(index=False)
    first = state.add(None, 1, a)
    second = state.add(None, 2, b)
    state.add(first, 2, b)  # a move
    assert state.members(first) == [(1, a), (2, b)]
    assert second not in state.stories()
    with pytest.raises(RuntimeError, match="no index"):
        state.candidates(a, limit=3)
