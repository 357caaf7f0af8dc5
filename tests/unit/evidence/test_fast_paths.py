"""The faster extraction paths give what the plain definitions give."""

from __future__ import annotations

import random
from collections import Counter

import xxhash

from storytrace.evidence import core
from storytrace.evidence.dates import extract_dates
from storytrace.evidence.entities import _TOKEN, _capitalised_spans
from storytrace.evidence.terms import terms_and_words, terms_of_counts, words_of_counts
from storytrace.normalize import tokenize, unify_punctuation

TEXTS = [
    "Foreign Minister Ivica Dacic met Sergey Lavrov of Russia in Moscow on 2020-03-05.",
    "A 100 per cent rise: 1,000 homes, $30,000 and 6.1 percent; U.S. don't 30.11.2009 pct",
    "Ivica Dačić a rencontré «Sergueï Lavrov» à Moscou le 5/3/20 — 12 % de hausse.",
    'He said: "The Bank of England will act." The BREAKING news Jean-Pierre de la Fontaine',
    "x'2020-01-05 a'1.2.2020 and 11/30/09 and 2021-13-40 İstanbul straße ＡＢＣ",
]


def _random_texts(n: int) -> list[str]:
    rng = random.Random(3)
    alphabet = "aZ09'’.,-%_ \n\"é\u0301١:$Ab Of de"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40))) for _ in range(n)]


def test_shingles_match_hashing_each_window() -> None:
    tokens = "the quick brown fox jumps over the lazy dog near the river bank at dawn".split() * 3
    windows = {" ".join(tokens[i : i + 5]) for i in range(len(tokens) - 4)}
    hashes = sorted(h for w in windows if (h := xxhash.xxh32_intdigest(w.encode())) % 8 == 0)
    assert hashes and core._shingles(tokens) == tuple(hashes[: core.MAX_SHINGLES])
    accented = ["Dačić", "met", "Лавров", "in", "Moscow", "today"]
    windows = [" ".join(accented[i : i + 5]) for i in range(2)]
    expected = sorted({h for w in windows if (h := xxhash.xxh32_intdigest(w.encode())) % 8 == 0})
    assert core._shingles(accented) == tuple(expected)


def test_terms_and_words_match_separate_functions() -> None:
    for raw in TEXTS:
        counts = Counter(tokenize(unify_punctuation(raw))[0] * 3 + ["moscow"])
        terms, words = terms_and_words(counts, "en")
        assert list(terms.items()) == list(terms_of_counts(counts, "en").items())
        assert list(words.items()) == list(words_of_counts(counts, "en").items())


def test_capitalised_spans_keep_connectors_and_drop_shouted_words() -> None:
    spans = _capitalised_spans("Talks. The Bank of England met BREAKING Jean-Pierre Dupont")
    assert (["The", "Bank", "of", "England"], True) in spans
    assert (["Jean-Pierre", "Dupont"], False) in spans
    assert all("BREAKING" not in ws for ws, _ in spans)
    assert all(len(_TOKEN.findall(" ".join(ws))) == len(ws) for ws, _ in spans)


def test_numeric_dates() -> None:
    text = "On 2020-03-05, 11/30/09 and 30.11.2009, not a2020-01-05 or 2021-13-40."
    tokens, _ = tokenize(text)
    dates, years, _, _ = extract_dates(tokens, text)
    assert dates == ["2009-11-30", "2020-03-05"]
    assert 2020 in years and 2009 in years
