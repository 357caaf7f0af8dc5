"""Shingles and anchors: folding, containment properties, bulk == single, serialisation."""

from __future__ import annotations

import numpy as np
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.match import (
    anchors,
    ngram_hashes,
    pack_hashes,
    shingles,
    shingles_many,
    token_hashes,
    unpack_hashes,
)
from storytrace.normalize import tokenize, words

PINNED = [1203178063, 4149701080]  # shingles of "serbia seeks talks with kosovo today" (XXH32)
WORDS = [
    "serbia",
    "Dačić",
    "Kosovo",
    "talks",
    "100",
    "percent",
    "per",
    "cent",
    "U.S",
    "don’t",
    "1,000",
    "%",
    "café",
    "ÉTÉ",
    "the",
    "of",
    "Straße",
    "pct",
    "x",
]
word = st.sampled_from(WORDS) | st.text(alphabet="abcdé’'.,%0123", min_size=1, max_size=6)
seps = st.sampled_from([" ", "  ", "\n\n", ", ", " — ", "“", "” ", "'", " (", ") ", "."])


@st.composite
def texts(draw: st.DrawFn, max_words: int = 40) -> str:
    ws = draw(st.lists(word, max_size=max_words))
    out = []
    for w in ws:
        out.append(w)
        out.append(draw(seps))
    return "".join(out)


@settings(max_examples=200, deadline=None)
@given(texts())
def test_token_hashes_follow_the_folded_tokens(text: str) -> None:
    # equal folded tokens hash equal, different ones differently
    toks, _ = tokenize(text)
    h = token_hashes(toks).tolist()
    assert len(h) == len(toks)
    assert len(dict(zip(toks, h, strict=True))) == len(set(toks)) == len(set(h))


def test_hashes_are_a_fixed_function_of_the_words() -> None:
    # stored shingles must keep matching new ones: the scheme is pinned
    assert token_hashes(["serbia"]).tolist() == [xxhash.xxh32_intdigest(b"serbia")]
    got = shingles("Serbia seeks talks with Kosovo today").tolist()
    assert got == sorted(got) and len(got) == 2
    assert got == shingles("serbia SEEKS talks, with Kosovo — today!").tolist()
    assert got == PINNED


@given(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=30), st.integers(1, 6))
def test_ngram_hashes_equal_exactly_for_equal_ngrams(ws: list[str], n: int) -> None:
    h = ngram_hashes(ws, n).tolist()
    assert h == [xxhash.xxh32_intdigest(" ".join(ws[i : i + n]).encode()) for i in range(len(h))]
    assert len(h) == max(len(ws) - n + 1, 0)
    grams = [tuple(ws[i : i + n]) for i in range(len(h))]
    assert len(dict(zip(grams, h, strict=True))) == len(set(grams)) == len(set(h))


def test_short_text_shingle_is_all_its_words() -> None:
    (short,) = shingles("a b c", 5).tolist()
    assert short == xxhash.xxh32_intdigest(b"a b c")
    assert short not in shingles("a b c d e f", 5).tolist()  # it holds fewer words than an n-gram
    assert shingles("", 5).size == 0


@settings(max_examples=100, deadline=None)
@given(texts())
def test_folding_case_accents_quotes_insensitive(text: str) -> None:
    variant = text.upper().replace("’", "'").replace("“", '"').replace("”", '"')
    variant = variant.replace("é", "e").replace("É", "E").replace("č", "c").replace("Č", "C")
    assert np.array_equal(shingles(text), shingles(variant))


def test_percent_forms_are_equal() -> None:
    base = shingles("prices rose 100% in Serbia this year")
    assert np.array_equal(base, shingles("Prices rose 100 percent in Serbia this year"))
    assert np.array_equal(base, shingles("prices rose 100 per cent in serbia this year"))
    assert not np.array_equal(base, shingles("prices rose 100 in Serbia this year"))


@settings(max_examples=100, deadline=None)
@given(texts(60), st.integers(0, 60), st.integers(0, 60), st.integers(1, 6))
def test_substring_shingles_are_contained(text: str, i: int, j: int, n: int) -> None:
    ws = words(text)
    sub = ws[i : i + j]
    if len(sub) < n:
        return
    whole = shingles(text, n)
    part = shingles(" ".join(sub), n)
    assert np.isin(part, whole).all()


@settings(max_examples=50, deadline=None)
@given(texts(60), st.integers(5, 60))
def test_prefix_containment_is_one(text: str, cut: int) -> None:
    ws = words(text)
    if len(ws) < 5:
        return
    prefix = " ".join(ws[:cut])
    ps = shingles(prefix)
    inter = np.intersect1d(ps, shingles(text)).size
    assert inter / ps.size == 1.0


def test_shingles_sorted_unique_uint64() -> None:
    h = shingles("a b c d e f a b c d e f g")
    assert h.dtype == np.uint64
    assert np.all(h[1:] > h[:-1])
    assert h.size == 7  # 9 windows, two repeated


def test_short_and_empty_texts() -> None:
    assert shingles("").size == 0
    assert shingles(" — ... ").size == 0
    one = shingles("Serbia seeks talks")
    assert one.size == 1
    assert np.array_equal(one, shingles("serbia SEEKS talks!"))
    assert not np.array_equal(one, shingles("Serbia seeks"))


@settings(max_examples=50, deadline=None)
@given(st.lists(texts(30), max_size=8), st.integers(1, 6))
def test_batch_equals_single(batch: list[str], n: int) -> None:
    many = shingles_many(batch, n)
    assert len(many) == len(batch)
    for got, text in zip(many, batch, strict=True):
        assert np.array_equal(got, shingles(text, n))


@given(st.lists(st.integers(0, 2**64 - 1), max_size=200), st.integers(1, 64))
def test_anchors_subset_and_mod_rule(values: list[int], modulus: int) -> None:
    h = np.unique(np.array(values, dtype=np.uint64))
    a = anchors(h, modulus=modulus)
    assert np.isin(a, h).all()
    assert all(int(x) % modulus == 0 for x in a)
    assert sum(int(x) % modulus == 0 for x in h) == a.size


def test_anchors_sample_about_one_in_modulus() -> None:
    text = " ".join(f"w{i}" for i in range(4000))
    h = shingles(text)
    rate = anchors(h, modulus=8).size / h.size
    assert 0.09 < rate < 0.16


@given(st.lists(st.integers(0, 2**64 - 1), max_size=50))
def test_pack_round_trip(values: list[int]) -> None:
    h = np.array(values, dtype=np.uint64)
    data = pack_hashes(h)
    assert len(data) == 8 * h.size
    assert np.array_equal(unpack_hashes(data), h)
    assert unpack_hashes(None).size == 0
