"""MemoryCandidateIndex semantics (the SQLite index must match them)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.match import CandidateIndex, MemoryCandidateIndex, effective_min_shared


def arr(*xs: int) -> np.ndarray:
    return np.array(xs, dtype=np.uint64)


def test_is_a_candidate_index() -> None:
    assert isinstance(MemoryCandidateIndex(), CandidateIndex)


def test_add_query_counts_and_order() -> None:
    ix = MemoryCandidateIndex()
    ix.add(1, arr(*range(0, 80, 8)))  # 10 anchors
    ix.add(2, arr(*range(0, 40, 8)))  # 5 of them
    ix.add(3, arr(8, 999))
    q = arr(*range(0, 80, 8))
    assert ix.query(q) == [(1, 10), (2, 5)]  # 3 shares 1 < min_shared 2
    # at most a quarter of the query's 10 anchors is required: 6 is capped to 2
    assert ix.query(q, min_shared=6) == [(1, 10), (2, 5)]
    ix.add(4, arr(*range(0, 8 * 40, 8)))
    assert ix.query(arr(*range(0, 8 * 40, 8)), min_shared=6) == [(4, 40), (1, 10)]
    assert len(ix) == 4


def test_ties_sorted_by_key() -> None:
    ix = MemoryCandidateIndex()
    for key in (7, 3, 5):
        ix.add(key, arr(*range(0, 80, 8)))
    assert ix.query(arr(*range(0, 80, 8))) == [(3, 10), (5, 10), (7, 10)]


def test_duplicate_anchors_count_once_and_add_is_union() -> None:
    ix = MemoryCandidateIndex()
    ix.add(1, arr(8, 8, 16))
    ix.add(1, arr(16, 24))
    many = arr(*range(8, 8 * 41, 8))  # 40 distinct anchors -> min_shared stays 2
    assert ix.query(np.concatenate([many, many])) == [(1, 3)]
    assert len(ix) == 1


def test_remove() -> None:
    ix = MemoryCandidateIndex()
    ix.add(1, arr(*range(0, 80, 8)))
    ix.add(2, arr(*range(0, 80, 8)))
    ix.remove(1)
    ix.remove(42)  # unknown: no-op
    assert ix.query(arr(*range(0, 80, 8))) == [(2, 10)]
    assert len(ix) == 1
    assert ix.document_frequency(0) == 1
    ix.remove(2)
    assert len(ix) == 0 and ix.query(arr(*range(0, 80, 8))) == []


def test_max_df_ignores_frequent_anchors() -> None:
    ix = MemoryCandidateIndex()
    common = arr(*range(1000, 1000 + 8 * 10, 8))
    for key in range(20):
        ix.add(key, common)  # boilerplate shared by 20 texts
    ix.add(99, np.concatenate([common, arr(16, 24, 32)]))
    q = np.concatenate([common, arr(16, 24, 32)])
    hits = ix.query(q, max_df=10)
    assert hits == [(99, 3)]
    assert len(ix.query(q, max_df=21)) == 21
    # df exactly max_df is still used
    assert len(ix.query(q, max_df=21)) == len(ix.query(q, max_df=1000))


def test_short_query_lowers_min_shared() -> None:
    ix = MemoryCandidateIndex()
    ix.add(1, arr(8, 16, 24))
    ix.add(2, arr(8))
    # 3 distinct query anchors: need only 1
    assert ix.query(arr(8, 40, 48)) == [(1, 1), (2, 1)]
    # 8 distinct anchors: need 2 (the default)
    assert ix.query(arr(8, 40, 48, 56, 64, 72, 80, 88)) == []


def test_effective_min_shared_rule() -> None:
    assert effective_min_shared(0, 2) == 1
    assert effective_min_shared(7, 2) == 1
    assert effective_min_shared(8, 2) == 2
    assert effective_min_shared(100, 2) == 2
    assert effective_min_shared(20, 10) == 5
    assert effective_min_shared(100, 0) == 1


class _Reference:
    """The plain-dict index the native one replaced (the documented semantics, literally)."""

    def __init__(self) -> None:
        self.keys: dict[int, set[int]] = {}

    def add(self, key: int, anchors: np.ndarray) -> None:
        values = set(np.asarray(anchors, dtype=np.uint64).tolist())
        if values:
            self.keys.setdefault(key, set()).update(values)

    def remove(self, key: int) -> None:
        self.keys.pop(key, None)

    def query(self, anchors: np.ndarray, min_shared: int, max_df: int) -> list[tuple[int, int]]:
        values = set(np.asarray(anchors, dtype=np.uint64).tolist())
        df = {a: sum(a in held for held in self.keys.values()) for a in values}
        usable = {a for a in values if df[a] <= max_df}
        need = effective_min_shared(len(values), min_shared)
        hits = [(k, len(held & usable)) for k, held in self.keys.items()]
        return sorted(
            ((k, n) for k, n in hits if n >= need and n > 0), key=lambda kn: (-kn[1], kn[0])
        )


_ANCHOR = st.sampled_from([0, 1, 8, 2**63, 2**64 - 1, *range(16, 400, 8)])
_OP = st.one_of(
    st.tuples(st.just("add"), st.integers(-3, 12), st.lists(_ANCHOR, max_size=30)),
    st.tuples(st.just("remove"), st.integers(-3, 12), st.just([])),
    st.tuples(st.just("query"), st.integers(0, 4), st.lists(_ANCHOR, max_size=40)),
)


@pytest.mark.slow  # 300 hypothesis examples
@settings(max_examples=300, deadline=None)
@given(st.lists(_OP, max_size=60), st.integers(1, 4))
def test_index_equals_reference(ops: list[tuple[str, int, list[int]]], max_df: int) -> None:
    """Adds, removals, keys added again, queries: the same answers as the plain definition."""
    ix, ref = MemoryCandidateIndex(), _Reference()
    for op, key, values in ops:
        arr_ = np.array(values, dtype=np.uint64)
        if op == "add":
            ix.add(key, arr_)
            ref.add(key, arr_)
        elif op == "remove":
            ix.remove(key)
            ref.remove(key)
        else:
            assert ix.query(arr_, min_shared=key, max_df=max_df) == ref.query(arr_, key, max_df)
        assert len(ix) == len(ref.keys)
        for a in (8, 16, 2**63):
            assert ix.document_frequency(a) == sum(a in h for h in ref.keys.values())


def test_index_grows_past_its_first_tables() -> None:
    ix = MemoryCandidateIndex()
    rng = np.random.default_rng(3)
    docs = [rng.integers(0, 2**63, 50, dtype=np.uint64) for _ in range(300)]
    for key, doc in enumerate(docs):
        ix.add(key, doc)
    for key in range(0, 300, 7):
        assert ix.query(docs[key])[0] == (key, 50)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 6), st.integers(0, 30)), max_size=80),
    st.lists(st.tuples(st.integers(1, 6), st.lists(st.integers(0, 30), max_size=10)), max_size=4),
    st.lists(st.integers(1, 6), max_size=2),
)
def test_add_rows_is_add_per_key(
    rows: list[tuple[int, int]], before: list[tuple[int, list[int]]], removed: list[int]
) -> None:
    """Bulk rows (repeats, keys already holding some of the anchors, removed keys) index what
    one ``add`` per key indexes."""
    pool = np.random.default_rng(3).integers(0, 2**64 - 1, 31, dtype=np.uint64, endpoint=True)
    bulk, one = MemoryCandidateIndex(), MemoryCandidateIndex()
    for index in (bulk, one):
        for key, held in before:
            index.add(key, pool[held])
        for key in removed:
            index.remove(key)
    bulk.add_rows(np.array([k for k, _ in rows], dtype=np.int64), pool[[a for _, a in rows]])
    for key in sorted({k for k, _ in rows}):
        one.add(key, pool[[a for k, a in rows if k == key]])
    assert len(bulk) == len(one)
    for probe in range(31):
        q = pool[probe : probe + 6]
        assert bulk.query(q, min_shared=1) == one.query(q, min_shared=1)
    assert [bulk.document_frequency(int(h)) for h in pool] == [
        one.document_frequency(int(h)) for h in pool
    ]
