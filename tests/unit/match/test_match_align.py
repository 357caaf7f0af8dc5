"""align(): passage bounds, offsets, verbatim/trimmed/edited copies and shared quotes."""

from __future__ import annotations

from collections import Counter

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from storytrace.match import align, ngram_hashes, token_hashes
from storytrace.match.align import seed_blocks, token_table
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
    hashes, _, starts, ends = token_table("a 100 per cent rise")
    assert hashes.tolist() == token_hashes(["a", "100", "%", "rise"]).tolist()
    assert (int(starts[2]), int(ends[2])) == (6, 14)


def _brute_blocks(ta: list[int], tb: list[int], k: int) -> list[tuple[int, int, int]]:
    """Maximal runs of equal k-grams on each diagonal, by comparing every pair of positions."""
    ga = [tuple(ta[i : i + k]) for i in range(len(ta) - k + 1)]
    gb = [tuple(tb[j : j + k]) for j in range(len(tb) - k + 1)]
    seeds = {(i, j) for i in range(len(ga)) for j in range(len(gb)) if ga[i] == gb[j]}
    return sorted(
        (i, j, _run(seeds, i, j) + k - 1) for i, j in seeds if (i - 1, j - 1) not in seeds
    )


def _run(seeds: set[tuple[int, int]], i: int, j: int) -> int:
    n = 0
    while (i + n, j + n) in seeds:
        n += 1
    return n


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 6), max_size=60),
    st.lists(st.integers(0, 6), max_size=60),
    st.integers(1, 5),
)
def test_seed_blocks_are_the_maximal_exact_matches(a: list[int], b: list[int], k: int) -> None:
    # with no cap on the seed pairs, the blocks are every maximal run of shared k-grams
    ta, tb = [str(x) for x in a], [str(x) for x in b]
    got = seed_blocks(ngram_hashes(ta, k), ngram_hashes(tb, k), k, max_pairs=10**9)
    assert [tuple(r) for r in got.tolist()] == _brute_blocks(a, b, k)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 3), max_size=80), st.lists(st.integers(0, 3), max_size=80))
def test_capped_seeds_pair_the_rth_occurrences(a: list[int], b: list[int]) -> None:
    # a frequent k-gram pairs its r-th occurrence in a with its r-th in b only: the blocks are
    # still exact matches, and fewer than the uncapped ones
    k = 2
    ha, hb = ngram_hashes([str(x) for x in a], k), ngram_hashes([str(x) for x in b], k)
    capped = seed_blocks(ha, hb, k, max_pairs=4).tolist()
    for a0, b0, n in capped:
        assert a[a0 : a0 + n] == b[b0 : b0 + n] and n >= k
    full = seed_blocks(ha, hb, k, max_pairs=10**9)
    assert sum(n for *_, n in capped) <= int(full[:, 2].sum()) if full.size else not capped


@settings(max_examples=100, deadline=None)
@given(word_texts(min_size=10), st.integers(1, 10), st.integers(0, 4))
def test_a_text_aligns_with_itself_in_one_passage(a: str, min_words: int, max_gap: int) -> None:
    n = len(words(a))
    ps = align(a, a, min_words=min_words, max_gap=max_gap)
    assert (
        any(p.a_start == p.b_start == 0 and p.a_end == p.b_end == len(a) for p in ps)
        or n < min_words
    )


def test_a_frequent_kgram_is_capped_when_the_other_text_has_it_once() -> None:
    # "0 1" ten times in a, once in b: with at most 4 seed pairs per k-gram only the first
    # occurrence in a pairs with b's
    ta = ["0", "1"] * 10
    tb = ["0", "1", "5"]
    blocks = seed_blocks(ngram_hashes(ta, 2), ngram_hashes(tb, 2), 2, max_pairs=4)
    assert blocks.tolist() == [[0, 0, 2]]
    uncapped = seed_blocks(ngram_hashes(ta, 2), ngram_hashes(tb, 2), 2, max_pairs=100)
    assert uncapped.tolist() == [[i, 0, 2] for i in range(0, 20, 2)]
