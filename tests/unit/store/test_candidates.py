"""SQLiteCandidateIndex: the semantics of MemoryCandidateIndex, in and out of batches; its
posting lists."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.match import MemoryCandidateIndex, pack_hashes
from storytrace.store import Store
from storytrace.store.candidates import SQLiteCandidateIndex, anchor_keys, decode_lists, merge_lists

# realistic anchors: mixed 64-bit hashes (distinct keys), a few shared between articles
POOL = np.random.default_rng(7).integers(0, 2**64 - 1, 60, dtype=np.uint64, endpoint=True)

_OP = st.one_of(
    st.tuples(st.just("add"), st.integers(1, 8), st.lists(st.integers(0, 59), max_size=20)),
    st.tuples(st.just("remove"), st.integers(1, 8), st.just([])),
    st.tuples(st.just("query"), st.integers(0, 3), st.lists(st.integers(0, 59), max_size=30)),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_OP, max_size=40), st.integers(1, 3), st.integers(0, 40), st.booleans())
def test_sqlite_index_equals_memory_index(
    ops: list[tuple[str, int, list[int]]], max_df: int, split: int, batched: bool
) -> None:
    """``ops[:split]`` outside a batch, the rest inside one (when ``batched``): a batch starts
    on what earlier ones stored."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        "CREATE TABLE anchors (key INTEGER PRIMARY KEY, articles BLOB NOT NULL);"
        " CREATE TABLE articles (id INTEGER PRIMARY KEY, shingles BLOB);"
    )
    sql, mem = SQLiteCandidateIndex(conn), MemoryCandidateIndex()
    held: dict[int, set[int]] = {}

    def run(part: list[tuple[str, int, list[int]]]) -> None:
        for op, key, picks in part:
            values = POOL[picks]
            if op == "add":
                sql.add(key, values)
                mem.add(key, values)
                held.setdefault(key, set()).update(picks)
                # the article's stored shingles: a superset of its anchors
                conn.execute(
                    "INSERT OR REPLACE INTO articles VALUES (?, ?)",
                    (key, pack_hashes(np.sort(POOL[sorted(held[key])]))),
                )
            elif op == "remove":
                sql.remove(key)
                mem.remove(key)
                held.pop(key, None)
            else:
                assert sql.query(values, min_shared=key, max_df=max_df) == mem.query(
                    values, min_shared=key, max_df=max_df
                )

    if batched:
        run(ops[:split])
        with sql.batch([POOL[:10]]):
            run(ops[split:])
    else:
        run(ops)
    assert len(sql) == len(mem)


def _store_with(tmp_path: Path) -> tuple[Store, SQLiteCandidateIndex]:
    store = Store(tmp_path / "x.db")
    return store, store.candidates


def _pairs(conn: sqlite3.Connection) -> list[tuple[int, int]]:
    """The stored (key, article) postings, decoded."""
    rows = conn.execute("SELECT key, articles FROM anchors").fetchall()
    pairs = []
    for key, blob in rows:
        ids, _ = decode_lists([blob])
        pairs += [(int(key), int(i)) for i in ids]
    return sorted(pairs)


def _rows(store: Store) -> int:
    return len(_pairs(store.conn))


@pytest.mark.slow  # many hypothesis examples
@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=12), min_size=1, max_size=6),
    st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=12), min_size=6, max_size=6),
    st.one_of(st.just(-1), st.integers(0, 2**32 - 1)),
)
def test_posting_lists_merge_and_decode(
    old: list[list[int]], new: list[list[int]], drop: int
) -> None:
    """merge_lists then decode_lists gives each list's union with its new ids, less ``drop``,
    ascending; a list is 4 bytes per id."""
    new = new[: len(old)]
    lists = merge_lists(
        [b""] * len(old),
        np.array([i for ids in old for i in sorted(set(ids))], dtype=np.int64),
        np.cumsum([0] + [len(set(ids)) for ids in old]).astype(np.int64),
    )
    flat_new = [sorted(set(ids)) for ids in new]
    lists = merge_lists(
        lists,
        np.array([i for ids in flat_new for i in ids], dtype=np.int64),
        np.cumsum([0] + [len(ids) for ids in flat_new]).astype(np.int64),
        drop,
    )
    ids, counts = decode_lists(lists)
    expected = [sorted((set(a) | set(b)) - {drop}) for a, b in zip(old, new, strict=True)]
    assert counts.tolist() == [len(e) for e in expected]
    assert ids.tolist() == [i for e in expected for i in e]
    assert [len(b) for b in lists] == [4 * len(e) for e in expected]


def test_an_id_beyond_32_bits_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bits"):
        merge_lists([b""], np.array([2**32], dtype=np.int64), np.array([0, 1], dtype=np.int64))


def test_batch_writes_once_at_the_end(tmp_path: Path) -> None:
    store, index = _store_with(tmp_path)
    with store.transaction(), index.batch([POOL[:10]]):
        index.add(1, POOL[:10])
        assert _rows(store) == 0  # pending
        assert index.query(POOL[:10]) == [(1, 10)]  # but answered
        index.add(2, POOL[5:15])  # keys 10..14 were not preloaded: loaded on demand
        assert index.query(POOL[:15]) == [(1, 10), (2, 10)]
    assert _rows(store) == 20
    assert index.query(POOL[:15]) == [(1, 10), (2, 10)]


def test_batch_rows_are_dropped_with_the_transaction(tmp_path: Path) -> None:
    store, index = _store_with(tmp_path)
    with pytest.raises(RuntimeError), store.transaction(), index.batch([POOL[:10]]):
        index.add(1, POOL[:10])
        raise RuntimeError("killed")
    assert _rows(store) == 0 and len(index) == 0


def test_remove_mid_batch_then_add_again(tmp_path: Path) -> None:
    store, index = _store_with(tmp_path)
    with store.transaction():
        index.add(1, POOL[:10])
        index.add(2, POOL[:10])
    with store.transaction(), index.batch([POOL[:10]]):
        index.add(3, POOL[:10])
        index.remove(1, np.sort(POOL[:20]))  # its shingles, a superset of its anchors
        assert index.query(POOL[:10]) == [(2, 10), (3, 10)]
        index.add(1, POOL[10:20])  # re-cleaned: new anchors
        assert index.query(POOL[10:20]) == [(1, 10)]
    assert index.query(POOL[:20]) == [(1, 10), (2, 10), (3, 10)]
    assert _rows(store) == 30


def test_remove_mid_batch_keeps_the_other_articles_of_keys_not_loaded(tmp_path: Path) -> None:
    store, index = _store_with(tmp_path)
    with store.transaction():
        index.add(1, POOL[20:30])
        index.add(2, POOL[20:30])
    with store.transaction(), index.batch([POOL[:10]]):  # keys of POOL[20:30] not loaded
        index.remove(2, np.sort(POOL[20:30]))
        assert index.query(POOL[20:30]) == [(1, 10)]


def test_keys_are_folded_unsigned_32_bit() -> None:
    h = np.array([0, 16, 2**64 - 8, 2**63 + 5, (7 << 32) | 7], dtype=np.uint64)
    assert anchor_keys(h).tolist() == sorted([0, 16, 7, 2**31 + 5])


def test_ingest_links_reprints_only_within_the_window(tmp_path: Path) -> None:
    import json

    import storytrace
    from storytrace import Config

    body = " ".join(f"Sentence {i} of the wire story about the harbour closure." for i in range(30))
    rows = [
        {
            "id": "a",
            "url": "https://one.example/a",
            "published": "2026-01-01T08:00:00Z",
            "text": body,
        },
        {
            "id": "b",
            "url": "https://two.example/b",
            "published": "2026-02-10T08:00:00Z",
            "text": body,
        },
        {"id": "c", "url": "https://three.example/c", "text": body},  # no date
    ]
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    def links(window: float, db: str) -> set[tuple[str, str]]:
        storytrace.ingest(
            [str(data)], db=str(tmp_path / db), config=Config(reprint_window_days=window)
        )
        conn = sqlite3.connect(tmp_path / db)
        found = conn.execute(
            "SELECT x.external_id, y.external_id FROM reprints r"
            " JOIN articles x ON x.id = r.a JOIN articles y ON y.id = r.b"
        ).fetchall()
        conn.close()
        return {tuple(sorted(p)) for p in found}  # type: ignore[misc]

    assert links(30, "w30.db") == {("a", "c"), ("b", "c")}  # 40 days apart: not candidates
    assert links(60, "w60.db") == {("a", "b"), ("a", "c"), ("b", "c")}
