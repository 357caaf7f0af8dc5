"""The fast paths of block measuring and scoring give exactly what the plain definitions give."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.clean import block_key
from storytrace.clean import lexicon as lx
from storytrace.clean.blocks import key_of
from storytrace.clean.features import (
    _all_caps,
    _digit_count,
    _list_runs,
    _sentence_end,
    _urlish,
    _window_means,
    measure,
)
from storytrace.clean.gbdt import Ensemble, _leaf_values

# Letters of several scripts and cases, digits beyond ASCII, closers, arrows and URL pieces.
_CHARS = "aZzéÉǅß中Ⅷ7²٣.!?…:;\"'”’)]\n@/wcom|»• "
texts = st.text(alphabet=_CHARS, max_size=40)


@settings(max_examples=400)
@given(texts)
def test_sentence_end_is_the_regex(text: str) -> None:
    assert _sentence_end(text) == bool(lx.SENTENCE_END.search(text))


def test_sentence_end_edge_cases() -> None:
    assert _sentence_end("He left.”)")
    assert _sentence_end("Done.\n")  # ``$`` also matches before a final newline
    assert not _sentence_end("Done.\n\n")
    assert _sentence_end('"')
    assert not _sentence_end("")
    assert not _sentence_end("No end")


@settings(max_examples=400)
@given(st.text(alphabet="aw.:/@comh tps", max_size=30))
def test_urlish_is_the_regex(text: str) -> None:
    assert _urlish(text) == bool(lx.URLISH.search(text))


@settings(max_examples=400)
@given(texts)
def test_all_caps_and_digits_are_the_plain_definitions(text: str) -> None:
    letters = [c for c in text if c.isalpha()]
    assert _all_caps(text) == (len(letters) >= 4 and all(c.isupper() for c in letters))
    assert _digit_count(text) == sum(c.isdigit() for c in text)


@settings(max_examples=200)
@given(texts)
def test_measure_token_shape_is_the_plain_definition(text: str) -> None:
    b = measure.__wrapped__(text)
    alpha = [t for t in text.split() if t[:1].isalpha()]
    assert b.cap_ratio == (sum(t[0].isupper() for t in alpha) / len(alpha) if alpha else 0.0)
    assert b.arrows == sum(c in lx.ARROWS for c in text)
    assert measure(text) == b  # the cached measure is the same value


def test_site_key_from_measures_is_block_key() -> None:
    for text in ["Follow us on Mastodon", "Dačić  said 100 per cent", "“Quoted” — line", "x"]:
        b = measure(text)
        assert key_of(b.n_words, b.key) == block_key(text)


def _window_reference(a: np.ndarray, i: int, k: int) -> float:
    """The row-by-row definition the weights were fitted with."""
    lo, hi = max(0, i - k), min(len(a), i + k + 1)
    vals = np.concatenate([a[lo:i], a[i + 1 : hi]])
    return float(vals.mean()) if len(vals) else 0.0


@given(
    st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=30), st.integers(1, 3)
)
def test_window_means_equal_numpy_bit_for_bit(values: list[int], k: int) -> None:
    a = np.array(values, dtype=np.float64)
    got = _window_means(values, k)
    assert got == [_window_reference(a, i, k) for i in range(len(values))]
    assert [math.log1p(v) for v in got] == [
        math.log1p(_window_reference(a, i, k)) for i in range(len(values))
    ]


@given(st.lists(st.booleans(), min_size=1, max_size=30))
def test_list_runs_count_back_from_the_block_and_on_from_the_next(listy: list[bool]) -> None:
    n = len(listy)
    expected = []
    for i in range(n):
        run, j = 0, i
        while j >= 0 and listy[j]:
            run, j = run + 1, j - 1
        j = i + 1
        while j < n and listy[j]:
            run, j = run + 1, j + 1
        expected.append(run)
    assert _list_runs(listy) == expected


def _walk(feats: np.ndarray, thrs: np.ndarray, leaves: np.ndarray, row: np.ndarray) -> float:
    """One row down every tree, one node at a time: the definition of the ensemble's output."""
    n_inner = feats.shape[1]
    total = 0.0
    for t in range(feats.shape[0]):
        node = 0
        while node < n_inner:
            node = 2 * node + (2 if row[feats[t, node]] > thrs[t, node] else 1)
        total += leaves[t, node - n_inner]
    return total


def test_vectorised_tree_walk_equals_one_row_at_a_time() -> None:
    rng = np.random.default_rng(7)
    n_trees, depth, n_feat = 40, 4, 9
    n_inner = 2**depth - 1
    thrs = rng.normal(size=(n_trees, n_inner))
    thrs[rng.random(thrs.shape) < 0.2] = np.inf  # nodes that did not split
    thrs[:, 0] = rng.normal(size=n_trees)
    spec = {
        "base": 0.3,
        "feature": rng.integers(0, n_feat, size=(n_trees, n_inner)).tolist(),
        "threshold": [[None if np.isinf(v) else v for v in r] for r in thrs.tolist()],
        "leaf": rng.normal(size=(n_trees, 2**depth)).tolist(),
    }
    model = Ensemble(spec)
    x = rng.normal(size=(57, n_feat))
    for t in range(5):  # a value equal to the root's threshold goes left
        x[t, model.feats[t, 0]] = model.thrs[t, 0]
    raw = _leaf_values(model.feats, model.thrs, model.leaves, x)
    walked = [_walk(model.feats, model.thrs, model.leaves, row) for row in x]
    assert np.allclose(raw, walked, rtol=0, atol=1e-12)
    expected = 1.0 / (1.0 + np.exp(-np.clip(0.3 + raw, -30, 30)))
    assert np.array_equal(model.predict(x), expected)
    assert model.predict(np.zeros((0, n_feat))).shape == (0,)
