"""Opening the SQLite file: WAL mode, versioned migrations, explicit transactions."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import StoreError
from .schema import MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) a storytrace database and bring its schema up to date."""
    path = str(path)
    if path != ":memory:":
        parent = Path(path).resolve().parent
        if not parent.is_dir():
            raise StoreError(f"cannot create database {path!r}: folder {str(parent)!r} does not exist")
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        # 64 MiB of pages instead of SQLite's 2 MB: the story keys, members and anchors a
        # decision reads stay in memory (a 10k ingest ran 6% faster).
        conn.execute("PRAGMA cache_size=-65536")
        # Checkpoint every 64 MiB of WAL instead of 4: an ingest batch rewrites the same index
        # pages, and each checkpoint copies them once (commits took 30% less time on 10k).
        # A Store hands its checkpoints to a thread instead (see checkpoint.py).
        conn.execute("PRAGMA wal_autocheckpoint=16384")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open database {path!r}: {exc}") from exc
    conn.row_factory = sqlite3.Row
    migrate(conn, path)
    return conn


def migrate(conn: sqlite3.Connection, name: str = "database") -> int:
    """Apply the migrations the file has not seen yet, each in its own transaction."""
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{name!r} is not a SQLite database: {exc}") from exc
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{name!r} has schema version {version}, newer than this storytrace "
            f"({SCHEMA_VERSION}); upgrade storytrace to read it"
        )
    if version == 0 and _has_foreign_tables(conn):
        raise StoreError(f"{name!r} is a SQLite database of some other program; use another --db path")
    for number in range(version + 1, SCHEMA_VERSION + 1):
        log.info("applying schema migration %d to %s", number, name)
        step = MIGRATIONS[number - 1]
        with transaction(conn):
            if callable(step):
                step(conn)
            else:
                for statement in _statements(step):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number:d}")
    return SCHEMA_VERSION


def _has_foreign_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return bool(row[0])


def _statements(script: str) -> Iterator[str]:
    # executescript() would commit on its own; split so that a migration is one transaction.
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer
            buffer = ""
    if buffer.strip():
        raise StoreError("incomplete SQL statement in a migration")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (including KeyboardInterrupt)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
