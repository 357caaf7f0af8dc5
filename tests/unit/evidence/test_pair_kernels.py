"""The native pair score gives the Python definition's score: ``similarity(a, b).score``."""

from __future__ import annotations

import math
import pickle
import random
from dataclasses import replace
from itertools import product

import numpy as np
import pytest
from numba import njit

from storytrace.evidence import FEATURES, Entity, Evidence, extract_evidence, similarity
from storytrace.evidence import _pair_kernels as kernels
from storytrace.evidence.similarity import similarity_score, similarity_scores

TEXTS = [
    "Strong earthquake hits eastern Turkey\nA magnitude 6.1 earthquake struck Malatya province "
    "on March 5, 2020, killing 12 people. Governor Aydin Barus said 300 buildings were damaged. "
    '"We are doing everything we can to reach the people under the debris," Barus said.',
    "Powerful earthquake strikes Indonesia\nA magnitude 7.2 earthquake struck off Sulawesi on "
    "April 22, 2019, killing 40 people. Spokesman Raditya Jati said 1,200 homes were destroyed. "
    '"The main need now is tents and clean water for the survivors," Jati said.',
    "Quake in Turkey\nRescuers searched the rubble in Malatya after the magnitude 6.1 quake on "
    "5 March. Barus said: \"We are doing everything we can to reach the people\". 12 people "
    "died and 300 buildings were damaged, officials said on 2020-03-05.",
    "Foreign Minister Ivica Dacic met Sergey Lavrov in Moscow on 11/30/09. Prices rose 12 "
    "percent to $30,000 in 2021 and 2009, the central bank said on Tuesday.",
    "Rates\nThe Bank of England kept rates at 0.1% on March 6. Four people said 40 more.",
    "short",
    "",
]
TIMES = [None, "2020-03-05T08:00:00Z", "2020-03-06T20:00", "2021-03-05", "2019-04-22"]
WEIGHTS = {"bias": -1.0, "terms_cos": 3.0, "passages": 2.0, "time_far": -4.0, "quotes": 0.7}


def _articles(seeds: tuple[str, str]) -> list[Evidence]:
    texts = TEXTS + list(seeds)
    for seed in seeds:  # paragraphs of the seeds: rewrites that share a little or a lot
        parts = [p for p in seed.split("\n") if p.strip()]
        texts += ["\n".join(parts[: len(parts) // 2]), "\n".join(parts[len(parts) // 3 :])]
    return [extract_evidence(t, published=TIMES[i % len(TIMES)]) for i, t in enumerate(texts)]


def _handmade() -> list[Evidence]:
    people = (
        Entity("brs", "brs", "Barus", 3, 5.0),
        Entity("adn brs", "brs", "Aydin Barus", 1, 4.5),
        Entity("jt", "jt", "Jati", 2, 4.0),
        Entity("mlty", "mlty", "Malatya", 1, 2.0),
    )
    lake = Entity("vn", "vn", "Van", 2, 3.0)
    return [
        Evidence(),
        Evidence(terms={"quake": 1.0}, title_terms=("quake", "turkey")),  # version 1: no lede
        Evidence(terms={"turkey": 2.0, "quake": 1.0}, title_terms=("turkey",), version=1),
        Evidence(entities=people, numbers=(("#", 4.0), ("%", 12.0), ("people", 12.0))),
        Evidence(entities=people[2:], numbers=(("#", 4.0), ("%", 13.0), ("people", 12.0))),
        Evidence(quotes=("we are doing everything we can", "we are doing everything we can")),
        Evidence(quotes=("a b", "we are doing everything"), shingles=(8, 16, 24)),
        Evidence(shingles=(8, 16), years=(2020, 2019), dates=("03-05",)),
        Evidence(shingles=(24, 16, 8, 32), years=(2019,), dates=("2020-03-07", "12-30")),
        Evidence(dates=("2019-03-05",), years=(2021, 2019), published="2020-01-01"),
        Evidence(published="2021-06-30T23:59:59.999999+02:00", lead=("x",), words={"x": 1.0}),
        # Boundaries: 4 days apart across new year, published 2.25 days apart, a weight of 3.
        Evidence(dates=("12-29",), published="2020-03-07T14:00", entities=people[3:]),
        Evidence(dates=("01-02",), published="2020-03-05T08:00", entities=(lake,)),
        Evidence(published="2020-03-13T08:00", entities=(lake, people[1])),
    ]


@pytest.fixture(scope="module")
def articles(seeds: tuple[str, str]) -> list[Evidence]:
    return _articles(seeds) + _handmade()


def test_every_pair_scores_as_the_python_definition(articles: list[Evidence]) -> None:
    assert all(a.pair_form is not None for a in articles)
    for a, b in product(articles, repeat=2):
        assert similarity_score(a, b) == similarity(a, b).score
        assert similarity_score(a, b, weights=WEIGHTS) == similarity(a, b, weights=WEIGHTS).score


def test_one_against_many_is_the_pairs_one_by_one(articles: list[Evidence]) -> None:
    for a in articles:
        assert similarity_scores(a, articles) == [similarity_score(a, b) for b in articles]
        got = similarity_scores(a, articles[::-1], weights=WEIGHTS)
        assert got == [similarity(a, b, weights=WEIGHTS).score for b in articles[::-1]]
    assert similarity_scores(articles[0], []) == []


def test_embedded_pairs_and_unpacked_articles_take_the_python_path(
    articles: list[Evidence],
) -> None:
    embedded = [replace(a, embedding=(0.6, 0.8)) for a in articles[:4]]
    embedded.append(replace(articles[4], embedding=(1.0,)))  # another length: no embed_cos
    # A full date that is no date: the Python definition raises for it, so it is not packed.
    odd = replace(articles[0], dates=("2020-02-30",))
    assert odd.pair_form is None
    others = [*embedded, *articles[4:9]]
    for a in embedded:
        expected = [similarity(a, b).score for b in others]
        assert [similarity_score(a, b) for b in others] == expected
        assert similarity_scores(a, others) == expected
    no_dates = [b for b in articles if not b.dates]
    assert similarity_scores(odd, no_dates) == [similarity(odd, b).score for b in no_dates]
    assert similarity_scores(no_dates[0], [odd]) == [similarity(no_dates[0], odd).score]
    with pytest.raises(ValueError):
        similarity_score(odd, replace(articles[0], dates=("2020-03-01",)))


def test_feature_count_matches() -> None:
    assert kernels.N_FEATURES == len(FEATURES)


def test_round4_rounds_like_python() -> None:
    rng = random.Random(11)
    values = [rng.random() for _ in range(20000)] + [0.0, 1.0, 1 / 32, 3 / 32, 0.99995]
    for k in range(0, 10001, 7):  # halfway between two multiples of 1e-4, give or take ulps
        middle = (k + 0.5) / 10000
        values += [middle, math.nextafter(middle, 0.0), math.nextafter(middle, 1.0)]
    got = [kernels.round4(v) for v in values]
    assert got == [round(v, 4) for v in values]


def test_weighted_sum_adds_like_builtin_sum() -> None:
    @njit
    def python_sum(xs: np.ndarray) -> float:
        total = 0.0
        comp = 0.0
        for x in xs:
            total, comp = kernels._add(total, comp, x)
        return kernels._total(total, comp)

    rng = random.Random(3)
    for _ in range(300):
        xs = [rng.uniform(-5, 5) * 10 ** rng.randint(-8, 8) for _ in range(rng.randint(0, 25))]
        assert python_sum(np.array(xs, dtype=np.float64)) == sum(xs)


def test_a_copied_form_reads_its_own_arrays(articles: list[Evidence]) -> None:
    form = articles[0].pair_form
    assert form is not None
    copy = pickle.loads(pickle.dumps(form))
    row = np.frombuffer(copy.row, dtype=np.int64)
    assert row.tolist() == [
        copy.keys.ctypes.data,
        copy.weights.ctypes.data,
        copy.blob.ctypes.data,
        copy.keys.size,
        copy.blob.size,
    ]
    assert np.array_equal(copy.blob, form.blob) and copy.blob.ctypes.data != form.blob.ctypes.data
