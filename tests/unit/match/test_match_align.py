"""align(): passage bounds, offsets, verbatim/trimmed/edited copies and shared quotes."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from storytrace.match import align, ngram_hashes
from storytrace.match._kernels import seed_blocks
from storytrace.match.align import tokens
from storytrace.match.shingle import token_table
from storytrace.model import Passage
from storytrace.normalize import normalize, words

VOCAB = [f"w{i}" for i in range(200)]


@st.composite
def word_texts(draw: st.DrawFn, min_size: int = 0, max_size: int = 120) -> str:
    ws = draw(st.lists(st.sampled_from(VOCAB), min_size=min_size, max_size=max_size))
    return " ".join(ws)


def _check_bounds(a: str, b: str, min_words: int = 8) -> None:
    for p in align(a, b, min_words=min_words):
        assert 0 <= p.a_start < p.a_end <= len(a)
        assert 0 <= p.b_start < p.b_end <= len(b)
        assert p.words >= min_words
        assert len(words(a[p.a_start : p.a_end])) >= p.words


@settings(max_examples=100, deadline=None)
@given(word_texts(), word_texts(), st.integers(1, 10))
def test_passages_within_bounds(a: str, b: str, min_words: int) -> None:
    _check_bounds(a, b, min_words)


@settings(max_examples=100, deadline=None)
@given(word_texts(min_size=20), word_texts(), word_texts(), st.data())
def test_verbatim_subspan_is_found(core: str, pre: str, post: str, data: st.DataObject) -> None:
    # Natural text: no 5-word phrase repeats more than a few times. Degenerate repetition
    # (one word twenty times) is aligned only approximately, by design (see align's docs).
    every = f"{pre} {core} {post}".split()
    grams = Counter(tuple(every[k : k + 5]) for k in range(len(every) - 4))
    assume(not grams or max(grams.values()) <= 3)
    ws = core.split()
    i = data.draw(st.integers(0, len(ws) - 12))
    j = data.draw(st.integers(i + 12, len(ws)))
    span = " ".join(ws[i:j])
    b = f"{pre} ZZ1 {span} ZZ2 {post}".strip()
    passages = align(core, b)
    # some passage covers the whole span on both sides, and the aligned texts normalise equal
    hit = [p for p in passages if normalize(span) in normalize(core[p.a_start : p.a_end])]
    assert hit
    assert any(normalize(span) in normalize(b[p.b_start : p.b_end]) for p in hit)


def test_offsets_map_to_same_words(story_paras: list[str]) -> None:
    a = "\n\n".join(story_paras)
    b = "READ MORE\n\n" + a.upper().replace("’", "'")
    (p,) = align(a, b)
    assert words(a[p.a_start : p.a_end]) == words(b[p.b_start : p.b_end])
    assert p.a_start == 0 and p.a_end == len(a.rstrip(".”\"' "))
    assert p.words == len(words(a))


def test_reordered_paragraphs_give_one_passage_per_block(story_paras: list[str]) -> None:
    a = "\n\n".join(story_paras)
    b = "\n\n".join(story_paras[4:] + story_paras[:4])
    ps = align(a, b)
    assert len(ps) == 2
    assert [p.a_start for p in ps] == sorted(p.a_start for p in ps)
    assert a[ps[0].a_start : ps[0].a_end].startswith("BELGRADE")
    assert b[ps[0].b_start : ps[0].b_end].startswith("BELGRADE")


def test_trimmed_copy(story_paras: list[str]) -> None:
    a = "\n\n".join(story_paras)
    b = "\n\n".join(story_paras[:4])
    (p,) = align(a, b)
    assert (p.b_start, p.b_end) == (0, len(b.rstrip(".”")))
    assert words(a[p.a_start : p.a_end]) == words(b)


def test_changed_sentence_splits_passage(story_paras: list[str]) -> None:
    paras = list(story_paras)
    paras[3] = (
        "Talks between the two sides were expected to resume in the coming weeks, diplomats said."
    )
    a = "\n\n".join(story_paras)
    b = "\n\n".join(paras)
    ps = align(a, b)
    assert len(ps) == 2
    changed = a.index(story_paras[3])
    assert ps[0].a_end <= changed + 5 and ps[1].a_start >= changed + len(story_paras[3]) - 5


def test_substituted_words_are_bridged(story_paras: list[str]) -> None:
    a = story_paras[4]
    b = a.replace("most of the West", "most Western nations").replace("bloody", "violent")
    (p,) = align(a, b)
    assert p.a_start == 0 and p.b_start == 0
    assert p.words < len(words(a))


def test_shared_quotes_between_rewrites(seed_ap: str, seed_rewrite: str) -> None:
    quotes = [
        "Serbia cannot defend its state interests without the assistance of the Russian Federation",
        "would not do anything without consulting Russia",
        "Russia is our biggest friend",
    ]
    for min_words in (6, 5):
        ps = align(seed_ap, seed_rewrite, min_words=min_words)
        for q in quotes:
            nq = normalize(q)
            hits = [
                p
                for p in ps
                if nq in normalize(seed_ap[p.a_start : p.a_end])
                and nq in normalize(seed_rewrite[p.b_start : p.b_end])
            ]
            assert hits, (min_words, q)
    # the quotes sit in one passage here because the sentences around them are shared too
    # (minus "also"); a 5-word quote alone needs min_words <= 5: check that directly
    a = "He said: “Russia is our biggest friend,” and left the building at noon."
    b = "Officers reported that 'Russia is our biggest friend' was heard outside."
    assert align(a, b, min_words=6) == []
    (p,) = align(a, b, min_words=5)
    assert words(a[p.a_start : p.a_end]) == words("Russia is our biggest friend")
    assert words(b[p.b_start : p.b_end]) == words("Russia is our biggest friend")


def test_long_texts_align(story_paras: list[str]) -> None:
    a = "\n\n".join(story_paras * 32)  # about 10k words, repetitive
    assert len(words(a)) > 9000
    ps = align(a, a)
    assert len(ps) == 1 and ps[0].words == len(words(a))


def test_tokens_merge_per_cent_with_span() -> None:
    toks, spans = tokens("a 100 per cent rise")
    assert toks == ["a", "100", "%", "rise"]
    assert spans[2] == (6, 14)


def _reference_align(a: str, b: str, min_words: int, max_gap: int) -> list[Passage]:
    """align() as it was in Python before its chains moved to a native loop (the model)."""
    ta, a_starts, a_ends = token_table(a)
    tb, b_starts, b_ends = token_table(b)
    k = min(5, min_words)
    if ta.size < k or tb.size < k:
        return []
    blocks = sorted(
        tuple(r) for r in seed_blocks(ngram_hashes(ta, k), ngram_hashes(tb, k), k, 64).tolist()
    )
    done: list[list[int]] = []
    open_: list[list[int]] = []  # [a_start, a_end, b_start, b_end, matched]
    for a0, b0, n in blocks:
        still = []
        for c in open_:
            (still if a0 - c[1] <= max_gap else done).append(c)
        open_ = still
        best, best_cost = None, 0
        for c in open_:
            if c[1] >= a0 + n or c[3] >= b0 + n:
                continue
            ga, gb = a0 - c[1], b0 - c[3]
            if ga < -(k - 1) or gb < -(k - 1):
                ok = False
            elif ga == gb and ga > 0:
                ok = int(np.count_nonzero(ta[c[1] : a0] != tb[c[3] : b0])) <= max_gap
            else:
                ok = max(ga, 0) <= max_gap and max(gb, 0) <= max_gap
            if ok and (best is None or abs(ga) + abs(gb) < best_cost):
                best, best_cost = c, abs(ga) + abs(gb)
        if best is None:
            open_.append([a0, a0 + n, b0, b0 + n, n])
        else:
            best[4] += a0 + n - max(a0, best[1])
            best[1] = a0 + n
            best[3] = max(best[3], b0 + n)
    chains = sorted((c for c in done + open_ if c[4] >= min_words), key=lambda c: (-c[4], c[0], c[2]))
    kept: list[list[int]] = []
    for c in chains:
        in_a = any(o[0] <= c[0] and c[1] <= o[1] for o in kept)
        in_b = any(o[2] <= c[2] and c[3] <= o[3] for o in kept)
        if not (in_a and in_b):
            kept.append(c)
    kept.sort(key=lambda c: (c[0], c[2]))
    return [
        Passage(int(a_starts[c[0]]), int(a_ends[c[1] - 1]), int(b_starts[c[2]]), int(b_ends[c[3] - 1]), c[4])
        for c in kept
    ]


@settings(max_examples=300, deadline=None)
@given(st.data(), st.integers(1, 10), st.integers(0, 4))
def test_native_chains_equal_reference(data: st.DataObject, min_words: int, max_gap: int) -> None:
    vocab = VOCAB[: data.draw(st.integers(3, 200))]
    words = st.lists(st.sampled_from(vocab), max_size=150)
    a = " ".join(data.draw(words))
    if data.draw(st.booleans()):  # a copy with edits: long shared passages
        ws = a.split()
        edits = data.draw(st.lists(st.tuples(st.integers(0, 200), st.sampled_from(vocab)), max_size=8))
        for at, w in edits:
            if ws:
                ws[at % len(ws)] = w
        b = " ".join(ws[data.draw(st.integers(0, 10)) :])
    else:
        b = " ".join(data.draw(words))
    assert align(a, b, min_words=min_words, max_gap=max_gap) == _reference_align(a, b, min_words, max_gap)
