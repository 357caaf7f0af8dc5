"""The score-only path gives exactly the score of :func:`similarity`."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.evidence import Evidence, extract_evidence, features, similarity
from storytrace.evidence.similarity import similarity_score

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


@st.composite
def evidence(draw: st.DrawFn) -> Evidence:
    parts = draw(st.lists(st.sampled_from(FRAGMENTS), max_size=6))
    title = draw(st.sampled_from(["", FRAGMENTS[0] + "\n", "Quake news\n"]))
    return extract_evidence(title + " ".join(parts), published=draw(st.sampled_from(TIMES)))


@settings(max_examples=150, deadline=None)
@given(evidence(), evidence())
def test_score_only_path_gives_the_same_score(a: Evidence, b: Evidence) -> None:
    full, why = features(a, b)
    quick, none = features(a, b, explain=False)
    assert quick == full and list(quick) == list(full) and none == []
    assert similarity_score(a, b) == similarity(a, b).score
    weights = {"bias": -1.0, "terms_cos": 3.0, "passages": 2.0, "time_far": -4.0}
    assert similarity_score(a, b, weights=weights) == similarity(a, b, weights=weights).score


def test_embedded_pairs_use_the_embedding_weights() -> None:
    text = " ".join(FRAGMENTS[:6])
    a = replace(extract_evidence(text), embedding=(0.6, 0.8))
    b = replace(extract_evidence(FRAGMENTS[2]), embedding=(0.8, 0.6))
    s = similarity(a, b)
    assert "embed_cos" in s.features
    assert similarity_score(a, b) == s.score
