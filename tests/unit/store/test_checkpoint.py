from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest

from storytrace.store import Store
from storytrace.store import checkpoint as checkpoint_module
from storytrace.store.checkpoint import BackgroundCheckpoint

WAL_BYTES = 64 << 10
ROWS = 150


def _small_wal_store(path: Path) -> tuple[Store, BackgroundCheckpoint]:
    store = Store(path)
    with store.transaction() as conn:
        conn.execute("CREATE TABLE scratch (i INTEGER PRIMARY KEY, body BLOB)")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the schema's pages: start empty
    store.checkpoint = BackgroundCheckpoint.for_writer(store.conn, str(path), WAL_BYTES)
    return store, store.checkpoint


def _write_rows(store: Store, checkpoint: BackgroundCheckpoint, path: Path) -> int:
    """One row of 4 KB per transaction; returns the largest WAL file seen after a commit."""
    largest = 0
    for i in range(ROWS):
        with store.transaction() as conn:
            conn.execute("INSERT INTO scratch (i, body) VALUES (?, ?)", (i, os.urandom(4096)))
        assert checkpoint.wait(10)
        largest = max(largest, os.stat(f"{path}-wal").st_size)
    return largest


def _rows_after_reopening(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(conn.execute("SELECT count(*) FROM scratch").fetchone()[0])
    finally:
        conn.close()


def test_a_thread_checkpoints_and_the_wal_stays_bounded(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    store, checkpoint = _small_wal_store(path)
    assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    largest = _write_rows(store, checkpoint, path)
    # 150 commits of 4 KB each would leave a WAL of 600 KB and more with no checkpoint.
    assert checkpoint.checkpoints > 0
    assert checkpoint.error is None
    assert largest <= 2 * WAL_BYTES
    store.close()
    assert not [t for t in threading.enumerate() if t.name == "storytrace-checkpoint"]
    assert _rows_after_reopening(path) == ROWS


def test_the_writer_checkpoints_when_the_thread_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.db"
    store, checkpoint = _small_wal_store(path)

    def refuse(*args: object, **kwargs: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(checkpoint_module.sqlite3, "connect", refuse)
    largest = _write_rows(store, checkpoint, path)
    assert isinstance(checkpoint.error, sqlite3.OperationalError)
    assert checkpoint.checkpoints == 0
    assert largest <= 2 * WAL_BYTES
    monkeypatch.undo()
    store.close()
    assert _rows_after_reopening(path) == ROWS


def test_no_thread_until_the_wal_is_large(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.db")  # the default threshold: 64 MiB
    with store.transaction() as conn:
        conn.execute("CREATE TABLE scratch (i INTEGER)")
    assert store.checkpoint is not None
    assert store.checkpoint._thread is None
    store.close()


def test_an_in_memory_store_has_no_checkpoint() -> None:
    with Store(":memory:") as store:
        assert store.checkpoint is None


def test_the_writer_truncates_the_log_when_the_thread_falls_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A passive checkpoint that never completes (as under a writer that never pauses): past
    # the hard bound the writer restarts and truncates the log itself.
    monkeypatch.setattr(BackgroundCheckpoint, "_loop", lambda self: None)
    path = tmp_path / "x.db"
    store = Store(path)
    with store.transaction() as conn:
        conn.execute("CREATE TABLE scratch (i INTEGER PRIMARY KEY, body BLOB)")
    checkpoint = BackgroundCheckpoint.for_writer(store.conn, str(path), WAL_BYTES, 4 * WAL_BYTES)
    store.checkpoint = checkpoint
    largest = 0
    for i in range(ROWS):
        with store.transaction() as conn:
            conn.execute("INSERT INTO scratch (i, body) VALUES (?, ?)", (i, os.urandom(4096)))
        largest = max(largest, os.stat(f"{path}-wal").st_size)
    assert checkpoint.checkpoints == 0 and checkpoint.truncations > 0
    assert largest <= 4 * WAL_BYTES + 3 * 4096 + 8192  # one transaction past the bound at most
    store.close()
    assert _rows_after_reopening(path) == ROWS
