"""SQLiteCandidateIndex: the semantics of MemoryCandidateIndex, in and out of batches; migration 3."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.match import MemoryCandidateIndex, pack_hashes
from storytrace.store import Store
from storytrace.store.candidates import SQLiteCandidateIndex, anchor_keys
from storytrace.store.db import connect
from storytrace.store.schema import MIGRATIONS

# realistic anchors: mixed 64-bit hashes (distinct keys), a few shared between articles
POOL = np.random.default_rng(7).integers(0, 2**64 - 1, 60, dtype=np.uint64, endpoint=True)

_OP = st.one_of(
    st.tuples(st.just("add"), st.integers(1, 8), st.lists(st.integers(0, 59), max_size=20)),
    st.tuples(st.just("remove"), st.integers(1, 8), st.just([])),
    st.tuples(st.just("query"), st.integers(0, 3), st.lists(st.integers(0, 59), max_size=30)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_OP, max_size=40), st.integers(1, 3), st.booleans())
def test_sqlite_index_equals_memory_index(
    ops: list[tuple[str, int, list[int]]], max_df: int, batched: bool
) -> None:
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        "CREATE TABLE anchors (key INTEGER, article_id INTEGER, PRIMARY KEY (key, article_id))"
        " WITHOUT ROWID; CREATE TABLE articles (id INTEGER PRIMARY KEY, shingles BLOB);"
    )
    sql, mem = SQLiteCandidateIndex(conn), MemoryCandidateIndex()
    held: dict[int, set[int]] = {}

    def run() -> None:
        for op, key, picks in ops:
            values = POOL[picks]
            if op == "add":
                sql.add(key, values)
                mem.add(key, values)
                held.setdefault(key, set()).update(picks)
                # the article's stored shingles: a superset of its anchors
                conn.execute("INSERT OR REPLACE INTO articles VALUES (?, ?)",
                             (key, pack_hashes(np.sort(POOL[sorted(held[key])]))))
            elif op == "remove":
                sql.remove(key)
                mem.remove(key)
                held.pop(key, None)
            else:
                assert sql.query(values, min_shared=key, max_df=max_df) == mem.query(
                    values, min_shared=key, max_df=max_df
                )

    if batched:
        with sql.batch([POOL[:30]]):
            run()
    else:
        run()
    assert len(sql) == len(mem)


def _store_with(tmp_path: Path) -> tuple[Store, SQLiteCandidateIndex]:
    store = Store(tmp_path / "x.db")
    return store, store.candidates


def _rows(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM anchors").fetchone()[0])


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


def test_keys_are_folded_signed_32_bit() -> None:
    h = np.array([0, 16, 2**64 - 8, 2**63 + 5, (7 << 32) | 7], dtype=np.uint64)
    assert anchor_keys(h).tolist() == sorted([0, 16, 7, -(2**31) + 5])


def test_migration_3_converts_old_anchor_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:2]:
        raw.executescript(script)
    raw.execute("PRAGMA user_version = 2")
    hashes = np.concatenate([POOL[:20], np.array([8, 2**64 - 8], dtype=np.uint64)])
    old_rows = [(int(h), article) for article in (1, 2) for h in hashes.view(np.int64)[article * 2 :]]
    raw.executemany("INSERT INTO anchors (hash, article_id) VALUES (?, ?)", old_rows)
    raw.close()
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'anchors%'")}
    assert names == {"anchors"}  # no index by article any more
    rows = sorted(tuple(r) for r in conn.execute("SELECT key, article_id FROM anchors"))
    expected = sorted(
        (int(k), article) for article in (1, 2) for k in anchor_keys(hashes[article * 2 :]).tolist()
    )
    assert rows == expected
    index = SQLiteCandidateIndex(conn)
    assert index.query(hashes[4:]) == [(1, 18), (2, 18)]


def test_ingest_links_reprints_only_within_the_window(tmp_path: Path) -> None:
    import json

    import storytrace
    from storytrace import Config

    body = " ".join(f"Sentence {i} of the wire story about the harbour closure." for i in range(30))
    rows = [
        {"id": "a", "url": "https://one.example/a", "published": "2026-01-01T08:00:00Z", "text": body},
        {"id": "b", "url": "https://two.example/b", "published": "2026-02-10T08:00:00Z", "text": body},
        {"id": "c", "url": "https://three.example/c", "text": body},  # no date
    ]
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    def links(window: float, db: str) -> set[tuple[str, str]]:
        storytrace.ingest([str(data)], db=str(tmp_path / db), config=Config(reprint_window_days=window))
        conn = sqlite3.connect(tmp_path / db)
        found = conn.execute(
            "SELECT x.external_id, y.external_id FROM reprints r"
            " JOIN articles x ON x.id = r.a JOIN articles y ON y.id = r.b"
        ).fetchall()
        conn.close()
        return {tuple(sorted(p)) for p in found}  # type: ignore[misc]

    assert links(30, "w30.db") == {("a", "c"), ("b", "c")}  # 40 days apart: not candidates
    assert links(60, "w60.db") == {("a", "b"), ("a", "c"), ("b", "c")}
