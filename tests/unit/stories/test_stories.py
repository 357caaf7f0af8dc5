from __future__ import annotations

import json
import random
from pathlib import Path

from storytrace.config import Config
from storytrace.evidence import Evidence, extract_evidence, similarity
from storytrace.pipeline.ingest import ingest
from storytrace.store import Store
from storytrace.stories import (
    Decision,
    Regrouping,
    StoryClusterer,
    StoryConfig,
    decide,
    plan_regrouping,
)

from .corpus import QUAKE_A, QUAKE_B, VISIT_1, VISIT_2

GROUPS = {"quake-a": QUAKE_A, "quake-b": QUAKE_B, "visit-1": VISIT_1, "visit-2": VISIT_2}


def _stories(articles: list[tuple[str, str]], tmp: Path, *, batch: int = 200) -> list[int]:
    """The story of each ``(published, text)`` after a real ingest of them, in this order."""
    tmp.mkdir(parents=True, exist_ok=True)
    source = tmp / "articles.jsonl"
    with source.open("w", encoding="utf-8") as fh:
        for published, text in articles:
            title, body = text.split("\n", 1)
            fh.write(json.dumps({"title": title, "text": body, "published": published}) + "\n")
    db = tmp / "stories.db"
    config = Config(workers=1, batch_size=batch, recheck_every=batch)
    ingest([str(source)], db=str(db), config=config)
    with Store(db) as store:
        stories = store.story_of_sources()
    by_line = {int(src.rsplit(":", 1)[1]): sid for src, sid in stories.items()}
    return [by_line[n + 1] for n in range(len(articles))]


def _partition(labels: list[int], names: list[str]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for label, name in zip(labels, names, strict=True):
        groups.setdefault(label, set()).add(name)
    return {frozenset(g) for g in groups.values()}


def _items() -> tuple[list[tuple[str, str]], list[str]]:
    items = [(p, t) for group in GROUPS.values() for p, t in group]
    names = [f"{name}/{i}" for name, group in GROUPS.items() for i in range(len(group))]
    return items, names


def _gold(names: list[str]) -> set[frozenset[str]]:
    return _partition([hash(n.split("/")[0]) for n in names], names)


def test_constructed_corpus_partition(tmp_path: Path) -> None:
    items, names = _items()
    assert _partition(_stories(items, tmp_path), names) == _gold(names)


def test_earthquakes_and_visits_kept_apart(tmp_path: Path) -> None:
    quakes = QUAKE_A[:1] + QUAKE_B[:1]
    assert len(set(_stories(quakes, tmp_path / "q"))) == 2
    labels = _stories(VISIT_1 + VISIT_2, tmp_path / "v")
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]


def test_arrival_order_does_not_matter(tmp_path: Path) -> None:
    items, names = _items()
    for seed in range(3):
        order = list(range(len(items)))
        random.Random(seed).shuffle(order)
        labels = _stories([items[i] for i in order], tmp_path / str(seed))
        assert _partition(labels, [names[i] for i in order]) == _gold(names)


def test_small_batches_match_one_batch(tmp_path: Path) -> None:
    items, names = _items()
    assert _partition(_stories(items, tmp_path, batch=3), names) == _gold(names)


def test_no_chaining_through_a_mixed_article(tmp_path: Path) -> None:
    # C reports both earthquakes; it may join one story but must not merge the two.
    mix = (
        "Two earthquakes: Malatya and Sulawesi\nA magnitude 6.1 earthquake struck Malatya in "
        "Turkey, killing 12 people, Governor Aydin Barus said, and a magnitude 7.2 earthquake "
        'struck Sulawesi, killing 40 people in Palu, spokesman Raditya Jati said. "We are doing '
        'everything we can to reach the people under the debris," Barus said. "The main need '
        'now is tents and clean water for the survivors," Jati said.'
    )
    c = ("2020-04-23T12:00", mix)
    for n, order in enumerate(([*QUAKE_A, *QUAKE_B, c], [c, *QUAKE_A, *QUAKE_B])):
        labels = _stories(order, tmp_path / str(n))
        ka = {labels[order.index(x)] for x in QUAKE_A}
        kb = {labels[order.index(x)] for x in QUAKE_B}
        assert len(ka) == 1 and len(kb) == 1 and ka != kb


def test_regroup_splits_a_story_of_two_events() -> None:
    a = [extract_evidence(t, published=p) for p, t in QUAKE_A]
    b = [extract_evidence(t, published=p) for p, t in QUAKE_B]
    mixed = {5: [(i, ev) for i, ev in enumerate(a + b)]}
    groups = StoryClusterer().regroup(mixed)
    assert sorted(groups) == [[0, 1, 2], [3, 4, 5]]


def test_regroup_merges_one_event_told_twice() -> None:
    a = [extract_evidence(t, published=p) for p, t in QUAKE_A]
    stories = {1: [(0, a[0])], 2: [(1, a[1]), (2, a[2])]}
    assert StoryClusterer().regroup(stories) == [[0, 1, 2]]


def test_plan_regrouping_keeps_the_story_holding_most_members() -> None:
    story_of = {1: 10, 2: 10, 3: 20, 4: 20, 5: 20}
    # 3 leaves story 20 for story 10; 5 splits off into a new story.
    # [4] keeps story 20 (no moves), so [5] becomes a new story.
    plan = plan_regrouping([[1, 2, 3], [4], [5]], story_of)
    assert plan == [Regrouping(10, (3,)), Regrouping(20, ()), Regrouping(None, (5,))]
    in_place = plan_regrouping([[1, 2], [3, 4, 5]], story_of)
    assert in_place == [Regrouping(20, ()), Regrouping(10, ())]


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

    evs = [
        extract_evidence(f"Storm number {i} reached the coast of region {i}.") for i in range(40)
    ]
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
