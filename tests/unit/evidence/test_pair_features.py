"""The pair score's one definition: one article against many (:func:`pair_features`), and
the single pair (:func:`similarity`) as the first row of the same computation."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.evidence import Entity, Evidence, extract_evidence, features, similarity
from storytrace.evidence import pairkeys as pk
from storytrace.evidence.embed import quantize
from storytrace.evidence.quotes import COVER, trigrams
from storytrace.evidence.similarity import (
    COLUMNS,
    FEATURES,
    find,
    pair_features,
    pair_matrix,
    similarity_score,
    similarity_scores,
)
from storytrace.evidence.terms import GRAM

from .oracles import char_grams, cosine, overlap

# Fragments carrying every kind of evidence: names, figures with units, dates, years, quotes.
FRAGMENTS = [
    "Strong earthquake hits eastern Turkey",
    "A magnitude 6.1 earthquake struck Malatya province on March 5, 2020.",
    "A magnitude 7.2 earthquake struck off Sulawesi on April 22, 2019.",
    "Governor Aydin Barus said 300 buildings were damaged.",
    "Spokesman Raditya Jati said 1,200 homes were destroyed.",
    '"We are doing everything we can to reach the people under the debris," Barus said.',
    '"The main need now is tents and clean water for the survivors," Jati said.',
    "Foreign Minister Ivica Dacic met Sergey Lavrov in Moscow on 2020-03-05.",
    "Prices rose 12 percent to $30,000 in 2021, the central bank said on Tuesday.",
    "The Bank of England kept rates at 0.1% on 11/30/09.",
    "Rescuers searched the rubble through the night in the cold.",
    "Four people were killed and 40 injured, officials said.",
]
TIMES = [None, "2020-03-05T08:00", "2020-03-06T20:00", "2020-04-22T20:00", "2021-03-05"]
WEIGHTS = {"bias": -1.0, "terms_cos": 3.0, "passages": 2.0, "time_far": -4.0, "quotes": 0.7}


@st.composite
def evidence(draw: st.DrawFn) -> Evidence:
    parts = draw(st.lists(st.sampled_from(FRAGMENTS), max_size=6))
    title = draw(st.sampled_from(["", FRAGMENTS[0] + "\n", "Quake news\n"]))
    return extract_evidence(title + " ".join(parts), published=draw(st.sampled_from(TIMES)))


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
        Evidence(terms={"quake": 1.0}, title_terms=("quake", "turkey")),
        Evidence(entities=people, numbers=(("#", 4.0), ("%", 12.0), ("people", 12.0))),
        Evidence(entities=people[2:], numbers=(("#", 4.0), ("%", 13.0), ("people", 12.0))),
        Evidence(quotes=("we are doing everything we can", "we are doing everything we can")),
        Evidence(quotes=("a b", "we are doing everything"), shingles=(8, 16, 24)),
        Evidence(shingles=(8, 16), years=(2020, 2019), dates=("03-05",)),
        Evidence(shingles=(24, 16, 8, 32), years=(2019,), dates=("2020-03-07", "12-30")),
        Evidence(dates=("2019-03-05", "2020-02-30"), years=(2021, 2019), published="2020-01-01"),
        Evidence(published="2021-06-30T23:59:59.999999+02:00", lead=("x", "y"), words={"x": 1.0}),
        Evidence(dates=("12-29",), published="2020-03-07T14:00", entities=people[3:]),
        Evidence(dates=("01-02",), published="2020-03-05T08:00", entities=(lake,)),
        Evidence(published="2020-03-13T08:00", entities=(lake, people[1])),
    ]


@pytest.fixture(scope="module")
def articles(seeds: tuple[str, str]) -> list[Evidence]:
    texts = [" ".join(FRAGMENTS[i : i + 4]) for i in range(0, len(FRAGMENTS), 2)] + list(seeds)
    for seed in seeds:  # paragraphs of the seeds: rewrites that share a little or a lot
        parts = [p for p in seed.split("\n") if p.strip()]
        texts += ["\n".join(parts[: len(parts) // 2]), "\n".join(parts[len(parts) // 3 :])]
    made = [extract_evidence(t, published=TIMES[i % len(TIMES)]) for i, t in enumerate(texts)]
    return made + _handmade()


def test_each_row_of_the_matrix_is_the_single_pair(articles: list[Evidence]) -> None:
    for a in articles:
        matrix = pair_features(a, articles)
        assert matrix.shape == (len(articles), len(COLUMNS))
        assert ((matrix >= 0) & (matrix <= 1)).all()
        for row, b in zip(matrix, articles, strict=True):
            f, _ = features(a, b)
            assert list(f) == list(FEATURES)
            assert row[: len(FEATURES)].tolist() == list(f.values())
        assert similarity_scores(a, articles) == [similarity(a, b).score for b in articles]
        got = similarity_scores(a, articles[::-1], weights=WEIGHTS)
        assert got == [similarity(a, b, weights=WEIGHTS).score for b in articles[::-1]]
    assert similarity_scores(articles[0], []) == []
    assert pair_features(articles[0], []).shape == (0, len(COLUMNS))


def test_the_pair_score_is_symmetric(articles: list[Evidence]) -> None:
    for a in articles:
        ab = pair_features(a, articles)
        ba = np.stack([pair_features(b, [a])[0] for b in articles])
        assert np.allclose(ab, ba, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(evidence(), evidence(), evidence())
def test_features_are_bounded_and_one_call_scores_many(
    a: Evidence, b: Evidence, c: Evidence
) -> None:
    f, why = features(a, b)
    quick, none = features(a, b, explain=False)
    assert quick == f and none == []
    assert all(0.0 <= v <= 1.0 for v in f.values())
    assert similarity_scores(a, [b, c, b]) == [similarity_score(a, x) for x in (b, c, b)]
    assert similarity_score(a, b) == similarity(a, b).score
    assert 0.0 <= similarity(a, b).score <= 1.0


def test_lexical_features_are_the_dict_measures() -> None:
    a = extract_evidence(" ".join(FRAGMENTS[:6]))
    b = extract_evidence(" ".join(FRAGMENTS[1:4] + FRAGMENTS[8:]))
    f, _ = features(a, b)
    grams_a, grams_b = char_grams(a.words), char_grams(b.words)
    lead_a, lead_b = (char_grams(dict.fromkeys(x.lead, 1.0)) for x in (a, b))
    expected = {
        "terms_cos": cosine(a.terms, b.terms),
        "terms_overlap": overlap(a.terms, b.terms),
        "grams_cos": cosine(grams_a, grams_b),
        "grams_overlap": overlap(grams_a, grams_b),
        "lead": cosine(lead_a, lead_b),
        "title": max(overlap(lead_a, grams_b), overlap(lead_b, grams_a)),
    }
    for name, value in expected.items():
        assert math.isclose(f[name], math.sqrt(value), abs_tol=1e-12), name
    assert f["grams_cos"] > 0.2  # the texts do share grams


def test_gram_vector_is_char_grams() -> None:
    """One key per distinct gram (short words' grams apart from longer ones), each gram's
    weight summed over the words that hold it, as ``char_grams`` sums them."""
    words = {**extract_evidence(" ".join(FRAGMENTS)).words, "erdbeben": 2.5, "erdbebens": 1.25,
             "zürich": 0.75, "x": 3.0, "xy": 1.0, "beben": 0.5}  # fmt: skip
    keys, weights = pk.gram_vector(words)
    grams = char_grams(words, GRAM)
    assert len(keys) == len(grams) and (keys[1:] > keys[:-1]).all()
    per_word = {w: pk.gram_vector({w: 1.0})[0] for w in words}
    assert all(len(per_word[w]) == len(char_grams({w: 1.0}, GRAM)) for w in words)
    assert set(keys.tolist()) == {k for v in per_word.values() for k in v.tolist()}
    assert sorted(np.round(weights, 9).tolist()) == sorted(round(v, 9) for v in grams.values())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 2**64 - 1), max_size=300, unique=True),
    st.lists(st.integers(0, 2**64 - 1), max_size=3000),
    st.integers(0, 2**16 - 1),
)
def test_find_is_a_plain_lookup(keys: list[int], needles: list[int], low: int) -> None:
    # Keys sharing their low 16 bits (one slot of the table) are found by bisection.
    keys = sorted(set(keys + [(k & ~0xFFFF) | low for k in keys[:5]]))
    needles = needles + keys[::2] + keys[1:3] * 40
    k = np.array(keys, dtype=np.uint64)
    at, pos = find(k, np.array(needles, dtype=np.uint64))
    where = {x: i for i, x in enumerate(keys)}
    expected = sorted((i, where[x]) for i, x in enumerate(needles) if x in where)
    assert sorted(zip(at.tolist(), pos.tolist(), strict=True)) == expected


def test_reasons_name_what_the_pair_shares(seeds: tuple[str, str]) -> None:
    a, b = (extract_evidence(s) for s in seeds)
    s = similarity(a, b)
    assert any("shared quotes" in r for r in s.reasons)
    assert any(r.startswith("shared names:") and "Dacic" in r for r in s.reasons)
    quake = extract_evidence(FRAGMENTS[1] + " " + FRAGMENTS[3], published=TIMES[1])
    other = extract_evidence(FRAGMENTS[2] + " " + FRAGMENTS[4], published=TIMES[3])
    why = similarity(quake, other).reasons
    assert "different figures: magnitude 6.1 vs magnitude 7.2" in why
    assert "published 2 months apart" in why


def test_embedded_pairs_use_the_embedding_weights() -> None:
    text = " ".join(FRAGMENTS[:6])
    a = replace(extract_evidence(text), embedding=quantize(np.array([0.6, 0.8])))
    b = replace(extract_evidence(FRAGMENTS[2]), embedding=quantize(np.array([0.8, 0.6])))
    c = replace(extract_evidence(FRAGMENTS[2]), embedding=quantize(np.ones(1)))  # not comparable
    s = similarity(a, b)
    assert abs(s.features["embed_cos"] - 0.96) < 0.01
    assert "embed_cos" not in similarity(a, c).features
    assert similarity_scores(a, [b, c]) == [s.score, similarity(a, c).score]
    plain = similarity(replace(a, embedding=b""), b).score
    assert s.score != plain


def _told(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """How many quotes of ``a`` have most of their word trigrams in one quote of ``b``."""
    grams_b = [trigrams(q) for q in b]
    return sum(any(len(trigrams(q) & g) >= COVER * len(trigrams(q)) for g in grams_b) for q in a)


QUOTES = [
    "we are doing everything we can to reach the people",
    "we are doing everything we can",
    "the main need now is tents and clean water",
    "tents and clean water for the survivors of the quake",
    "a b c",
    "nothing in common with any other quote here at all",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(QUOTES), max_size=4, unique=True), min_size=1, max_size=6))
def test_shared_quotes_follow_their_definition(quote_sets: list[list[str]]) -> None:
    evs = [Evidence(quotes=tuple(q)) for q in quote_sets]
    a, others = evs[0], evs[1:] or evs[:1]
    got = pair_matrix(a, others).quotes
    want = [max(_told(a.quotes, b.quotes), _told(b.quotes, a.quotes)) for b in others]
    assert got.tolist() == want
