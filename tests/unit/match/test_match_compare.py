"""compare(): constructed reprints of the AP seed story, and the rewrite that only shares quotes."""

from __future__ import annotations

import random

import pytest

from storytrace.match import align, compare, passage_coverage, shingles
from storytrace.model import Passage

BOILER = [
    "Home | World | Europe | Share this article",
    "Sign up for our newsletter to get the day's top stories delivered to your inbox every morning.",
    "Copyright 2019 The Associated Press. All rights reserved. This material may not be published, "
    "broadcast, rewritten or redistributed.",
    "Related: Kosovo premier resigns after war crimes summons; EU envoy visits Belgrade and "
    "Pristina; Opinion: why the Balkans matter again to Washington and to Brussels this year.",
]


def _edit(paras: list[str], *, subs: int, drop: int | None, change: int | None, seed: int) -> str:
    out = list(paras)
    if change is not None:
        out[change] = (
            "Officials gave no further details on the timetable for the next round of talks, "
            "which had been expected to resume in the spring."
        )
    if drop is not None:
        del out[drop]
    ws = "\n\n".join(out).split(" ")
    rnd = random.Random(seed)
    for _ in range(subs):
        ws[rnd.randrange(len(ws))] = rnd.choice(["officials", "new", "government", "state"])
    return " ".join(ws)


def test_exact_ignores_case_and_quote_style(story_paras: list[str]) -> None:
    a = "\n\n".join(story_paras)
    b = a.replace("’", "'").replace("“", '"').replace("”", '"').upper()
    r = compare(a, b)
    assert r is not None and r.kind == "exact"
    assert r.jaccard == r.containment_ab == r.containment_ba == 1.0
    assert len(r.passages) == 1


def test_verbatim_with_little_boilerplate_is_near_duplicate(story_paras: list[str]) -> None:
    a = "\n\n".join(story_paras)
    b = "\n\n".join([BOILER[0], *story_paras, BOILER[1]])
    r = compare(a, b)
    assert r is not None and r.kind == "near-duplicate"
    assert r.containment_ab == 1.0


def test_verbatim_inside_much_boilerplate_is_contained(story_paras: list[str]) -> None:
    a = "\n\n".join(story_paras[:5])
    b = "\n\n".join([*BOILER, *story_paras[:5], *BOILER[::-1]])
    r = compare(a, b)
    assert r is not None and r.kind == "contained"
    assert r.containment_ab == 1.0 and r.containment_ba < 0.8
    (p,) = r.passages
    assert b[p.b_start : p.b_end].startswith("BELGRADE")


def test_trimmed_copy_is_contained(story_paras: list[str]) -> None:
    a = "\n\n".join(story_paras)
    b = "\n\n".join(story_paras[:4])
    r = compare(a, b)
    assert r is not None and r.kind == "contained"
    assert r.containment_ba == 1.0 and r.containment_ab < 0.8
    assert passage_coverage(r.passages, len(b), "b") > 0.95


@pytest.mark.parametrize(
    ("subs", "drop", "change", "seed"),
    [(5, 5, 2, 1), (10, 5, 2, 2), (15, 3, 6, 3), (30, 5, 2, 4), (8, None, 1, 5)],
)
def test_edited_copy_is_edited(
    story_paras: list[str], subs: int, drop: int | None, change: int | None, seed: int
) -> None:
    a = "\n\n".join(story_paras)
    b = _edit(story_paras, subs=subs, drop=drop, change=change, seed=seed)
    r = compare(a, b)
    assert r is not None and r.kind == "edited", r
    assert r.jaccard < 0.8
    assert len(r.passages) >= 2
    assert passage_coverage(r.passages, len(b), "b") >= 0.4


def test_rewrite_sharing_quotes_is_not_a_reprint(seed_ap: str, seed_rewrite: str) -> None:
    assert compare(seed_ap, seed_rewrite) is None
    assert compare(seed_rewrite, seed_ap) is None
    # yet the shared quotes are found as passages
    assert len(align(seed_ap, seed_rewrite, min_words=6)) >= 2


def test_precomputed_shingles_give_same_result(story_paras: list[str]) -> None:
    a = "\n\n".join(story_paras)
    b = "\n\n".join(story_paras[:4])
    assert compare(a, b, a_shingles=shingles(a), b_shingles=shingles(b)) == compare(a, b)


def test_empty_texts() -> None:
    assert compare("", "something here") is None
    assert compare("...", "") is None


def test_passage_coverage() -> None:
    ps = [Passage(0, 10, 5, 15, 3), Passage(5, 20, 30, 40, 3)]
    assert passage_coverage(ps, 40, "a") == 0.5
    assert passage_coverage(ps, 40, "b") == 0.5
    assert passage_coverage(ps, 10, "a") == 1.0
    assert passage_coverage([], 10) == 0.0
    assert passage_coverage(ps, 0) == 0.0


def test_without_passages_same_kind_and_measures(story_paras: list[str]) -> None:
    a = "\n\n".join(story_paras)
    copies = [
        a,
        "\n\n".join(story_paras[:-2]),
        _edit(story_paras, subs=6, drop=2, change=None, seed=5),
        _edit(story_paras, subs=25, drop=1, change=3, seed=9),
        "\n\n".join(story_paras[:2]),
    ]
    kinds = set()
    for b in copies:
        full = compare(a, b)
        bare = compare(a, b, passages=False)
        assert (full is None) == (bare is None)
        if full is None or bare is None:
            continue
        kinds.add(full.kind)
        assert (bare.kind, bare.jaccard, bare.containment_ab, bare.containment_ba) == (
            full.kind,
            full.jaccard,
            full.containment_ab,
            full.containment_ba,
        )
        assert bare.passages == () and full.passages
    assert len(kinds) >= 2
