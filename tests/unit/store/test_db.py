from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from storytrace.errors import StoreError
from storytrace.store import SCHEMA_VERSION, Store, connect, transaction
from storytrace.store import db as db_module
from storytrace.store.candidates import SQLiteCandidateIndex
from storytrace.store.db import schema_version


def test_new_database_is_wal_and_at_current_version(tmp_path: Path) -> None:
    conn = connect(tmp_path / "x.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "articles",
        "removed",
        "reprints",
        "passages",
        "stories",
        "story_members",
        "story_events",
        "rejects",
        "inputs",
        "runs",
    } <= tables


def test_reopening_keeps_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with Store(path) as store:
        store.start_run("test", {})
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 1


def test_older_schema_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY)")
    raw.execute("PRAGMA user_version = 5")
    raw.commit()
    raw.close()
    for read_only in (False, True):
        with pytest.raises(
            StoreError, match=r"older storytrace .*storytrace --db .*old.db rebuild"
        ):
            connect(path, read_only=read_only)


def test_reader_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "typo.db"
    with pytest.raises(
        StoreError, match=r"^no database at .*typo.db \(run storytrace ingest first\)$"
    ):
        Store(path, read_only=True)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_reader_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    Store(path).close()
    with Store(path, read_only=True) as store:
        assert store.checkpoint is None
        with pytest.raises(sqlite3.OperationalError):
            store.conn.execute(
                "INSERT INTO rejects (run_id, source, reason, detail, at) VALUES (1, 's', 'r', 'd', 'now')"
            )


def test_empty_file_is_not_a_database_for_a_reader(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    with pytest.raises(StoreError, match="empty file"):
        Store(path, read_only=True)
    assert path.stat().st_size == 0


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer"):
        connect(path)


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE t (x)")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="some other program"):
        connect(path)


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        connect(path)


def test_missing_folder_gives_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        connect(tmp_path / "nope" / "x.db")


def test_transaction_rolls_back_on_interrupt(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.db")
    run = store.start_run("test", {})
    with pytest.raises(KeyboardInterrupt), store.transaction():
        store.add_reject(run, "a.txt", "empty", "nothing here")
        raise KeyboardInterrupt
    assert store.conn.execute("SELECT count(*) FROM rejects").fetchone()[0] == 0
    with transaction(store.conn):
        store.add_reject(run, "a.txt", "empty", "nothing here")
    assert store.conn.execute("SELECT count(*) FROM rejects").fetchone()[0] == 1


def test_sqlite_candidate_index_counts_shared_anchors_and_caps_df(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.db")
    index = SQLiteCandidateIndex(store.conn)
    # 10 anchors (so two must be shared), including values that are negative as int64.
    big = np.array([2**63 + 5, 2**64 - 8, 16, 24, 32, 40, 48, 56, 64, 72], dtype=np.uint64)
    with store.transaction():
        index.add(1, big)
        index.add(2, big[:2])
        index.add(3, np.array([16, 999], dtype=np.uint64))
    assert len(index) == 3
    hits = index.query(big, min_shared=2)
    assert hits[0] == (1, 10)
    assert (2, 2) in hits
    assert all(k != 3 for k, _ in hits)  # shares only one anchor
    # A short query (under 8 anchors) needs only one shared anchor.
    assert index.query(np.array([16, 1000], dtype=np.uint64), min_shared=2) == [(1, 1), (3, 1)]
    # 16 is in 2 articles: with max_df=1 it is ignored; only the rarer 999 still matches.
    assert index.query(np.array([16, 999], dtype=np.uint64), min_shared=2, max_df=1) == [(3, 1)]
    assert index.query(np.array([16], dtype=np.uint64), min_shared=1, max_df=1) == []
    with store.transaction():
        index.remove(1)
    assert all(k != 1 for k, _ in index.query(big, min_shared=1))


def test_a_second_writer_is_refused_and_readers_are_not(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = str(tmp_path / "w.db")
    first = Store(db)
    try:
        # Another process (flock is per open file): the second writer is refused by name.
        code = (
            "import sys; from storytrace.store import Store; from storytrace.errors import StoreError\n"
            "try:\n    Store(sys.argv[1]).close()\nexcept StoreError as e:\n    print(e); sys.exit(3)"
        )
        out = subprocess.run([sys.executable, "-c", code, db], capture_output=True, text=True)
        assert out.returncode == 3 and "being written by another storytrace run" in out.stdout
        assert str(os.getpid()) in out.stdout
        with Store(db, read_only=True) as reader:
            assert reader.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    finally:
        first.close()
    Store(db).close()  # released on close
    # A writer killed without closing leaves no lock behind.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys,time; from storytrace.store import Store; "
            "s = Store(sys.argv[1]); print('held', flush=True); time.sleep(60)",
            db,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(StoreError):
        Store(db)
    holder.kill()
    holder.wait()
    Store(db).close()


def _previous_version(path: Path) -> None:
    """A file as storytrace wrote it at the schema version before this one: one story of two
    articles ingested at different times, and no ``stories.updated`` (version 8 added it, with
    its index)."""
    with Store(path) as store:
        run = store.start_run("test", {})
        with store.transaction():
            for i, added in ((1, "2026-12-01T08:00:00Z"), (2, "2026-12-01T10:00:00Z")):
                store.conn.execute(
                    "INSERT INTO articles (id, source, kind, raw, body, text, body_key, added,"
                    " run_id) VALUES (?, 's', 'text', '', '', 'x', ?, ?, ?)",
                    (i, f"k{i}", added, run),
                )
            store.conn.execute(
                "INSERT INTO stories (id, title, created, articles) VALUES (1, 't', 'now', 2)"
            )
            store.conn.executemany(
                "INSERT INTO story_members VALUES (?, 1, 1.0, '[]', 'now')", [(1,), (2,)]
            )
    raw = sqlite3.connect(path)
    raw.execute("DROP INDEX stories_by_update")
    raw.execute("ALTER TABLE stories DROP COLUMN updated")
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    raw.commit()
    raw.close()


def _shape(conn: sqlite3.Connection) -> tuple[list[tuple[str, str]], list[str]]:
    columns = [(r[1], r[2]) for r in conn.execute("PRAGMA table_info(stories)")]
    indexes = sorted(r[1] for r in conn.execute("PRAGMA index_list(stories)"))
    return columns, indexes


def test_a_file_of_the_previous_version_is_migrated_in_place_by_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _previous_version(path)
    old = SCHEMA_VERSION - 1
    with pytest.raises(
        StoreError, match=rf"schema version {old}.*storytrace --db .*old.db migrate"
    ):
        Store(path, read_only=True)
    assert schema_version(str(path)) == old  # a reader changes nothing
    with Store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        row = store.conn.execute("SELECT updated, articles FROM stories WHERE id = 1").fetchone()
        assert tuple(row) == ("2026-12-01T10:00:00Z", 2)  # the latest ingest of its members
        migrated = _shape(store.conn)
    with Store(tmp_path / "fresh.db") as fresh:
        assert migrated == _shape(fresh.conn)
    with Store(path, read_only=True) as reader:  # and now it opens for reading
        assert reader.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 2


def test_a_failed_migration_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    _previous_version(path)
    broken = "ALTER TABLE stories ADD COLUMN updated TEXT;\nSELECT no_such_function();\n"
    monkeypatch.setitem(db_module.MIGRATIONS, SCHEMA_VERSION - 1, broken)
    old = SCHEMA_VERSION - 1
    with pytest.raises(StoreError, match=rf"from schema version {old} to .*the file is unchanged"):
        connect(path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == old
    assert "updated" not in {r[1] for r in raw.execute("PRAGMA table_info(stories)")}
    raw.close()
