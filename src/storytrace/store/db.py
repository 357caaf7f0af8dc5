"""Opening the SQLite file: WAL mode for writers, read-only for readers, the schema version,
explicit transactions."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import StoreError
from .schema import MIGRATIONS, SCHEMA, SCHEMA_VERSION

log = logging.getLogger(__name__)


def disk_full(exc: sqlite3.Error) -> bool:
    """Whether SQLite failed for want of space (on the disk, or under ``max_page_count``)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code == sqlite3.SQLITE_FULL or "database or disk is full" in str(exc)


def connect(path: str | Path, *, read_only: bool = False) -> sqlite3.Connection:
    """Open a storytrace database; check its schema version.

    A writer creates the file (and its schema) when it does not exist. A reader
    (``read_only``) opens it with ``mode=ro`` and creates nothing: a missing file is a
    :class:`StoreError` that says to ingest first.
    """
    path = str(path)
    if read_only:
        return _connect_reader(path)
    if path != ":memory:":
        parent = Path(path).resolve().parent
        if not parent.is_dir():
            raise StoreError(
                f"cannot create database {path!r}: folder {str(parent)!r} does not exist"
            )
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        # 64 MiB of pages instead of SQLite's 2 MB: the story keys, members and anchors a
        # decision reads stay in memory.
        conn.execute("PRAGMA cache_size=-65536")
        # Checkpoint every 64 MiB of WAL instead of 4: an ingest batch rewrites the same index
        # pages, and each checkpoint copies them once. A Store hands its checkpoints to a thread
        # instead (see checkpoint.py).
        conn.execute("PRAGMA wal_autocheckpoint=16384")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open database {path!r}: {exc}") from exc
    conn.row_factory = sqlite3.Row
    try:
        ensure_schema(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def missing(path: str) -> StoreError:
    """The error of a read on a database file that does not exist."""
    return StoreError(f"no database at {path} (run storytrace ingest first)")


def _connect_reader(path: str) -> sqlite3.Connection:
    if path in ("", ":memory:") or not Path(path).is_file():
        raise missing(path)
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(
            uri, uri=True, isolation_level=None, timeout=30.0, check_same_thread=False
        )
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA busy_timeout=30000")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open database {path!r}: {exc}") from exc
    conn.row_factory = sqlite3.Row
    try:
        ensure_schema(conn, path, create=False)
    except BaseException:
        conn.close()
        raise
    return conn


def ensure_schema(conn: sqlite3.Connection, name: str = "database", *, create: bool = True) -> int:
    """Create the schema in a new (empty) file, or check that the file has this version.

    A writer (``create``) brings a file of a version :data:`MIGRATIONS` knows up to date in
    place; a reader cannot, and says how. A file older than the migrations is re-derived with
    ``storytrace rebuild``; one of a newer schema needs a newer storytrace.
    """
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{name!r} is not a SQLite database: {exc}") from exc
    if version == SCHEMA_VERSION:
        return version
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{name!r} has schema version {version}, newer than this storytrace "
            f"({SCHEMA_VERSION}); upgrade storytrace to read it"
        )
    if version == 0:
        if _has_foreign_tables(conn):
            raise StoreError(
                f"{name!r} is a SQLite database of some other program; use another --db path"
            )
        if not create:
            raise StoreError(
                f"{name!r} is an empty file, not a storytrace database (run storytrace ingest first)"
            )
        log.info("creating the storytrace schema in %s", name)
        with transaction(conn):
            for statement in _statements(SCHEMA):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
        return SCHEMA_VERSION
    if all(v in MIGRATIONS for v in range(version, SCHEMA_VERSION)):
        if not create:
            raise StoreError(
                f"{name!r} has schema version {version}; this storytrace reads {SCHEMA_VERSION}: "
                f"run `storytrace --db {name} migrate` to bring it up to date in place "
                "(the next ingest into it does the same)"
            )
        migrate(conn, version, name)
        return SCHEMA_VERSION
    raise StoreError(
        f"{name!r} was made by an older storytrace (schema version {version}; this one reads "
        f"{SCHEMA_VERSION}): run `storytrace --db {name} rebuild` to re-derive it from its stored "
        "articles, or ingest the inputs again into a new file"
    )


def migrate(conn: sqlite3.Connection, version: int, name: str = "database") -> None:
    """Take a file from schema ``version`` to :data:`SCHEMA_VERSION`, in one transaction: a
    failure (a full disk, a kill) leaves it at its old version, untouched."""
    log.info("migrating %s from schema version %d to %d", name, version, SCHEMA_VERSION)
    try:
        with transaction(conn):
            for step in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[step]):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
    except sqlite3.Error as exc:
        raise StoreError(
            f"could not bring {name!r} from schema version {version} to {SCHEMA_VERSION} "
            f"({exc}); the file is unchanged"
        ) from exc


def schema_version(path: str) -> int:
    """The schema version of the file at ``path``, read without checking or changing it."""
    if path in ("", ":memory:") or not Path(path).is_file():
        raise missing(path)
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=30.0)
        try:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path!r} is not a SQLite database: {exc}") from exc


def _has_foreign_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return bool(row[0])


def _statements(script: str) -> Iterator[str]:
    # executescript() would commit on its own; split so that the schema is one transaction.
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer
            buffer = ""
    if buffer.strip():
        raise StoreError("incomplete SQL statement in the schema")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (including KeyboardInterrupt)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        # SQLite has already rolled back after some errors (a full disk, an I/O error):
        # a second ROLLBACK would fail and hide the first error.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def select_in(
    conn: sqlite3.Connection,
    sql: str,
    values: Sequence[Any],
    *,
    before: Sequence[Any] = (),
    size: int = 500,
) -> Iterator[sqlite3.Row]:
    """The rows of ``sql`` for a list of values too long for one statement, ``size`` at a time.

    ``{marks}`` in ``sql`` (a fixed string of the caller's) stands for the placeholders of one
    chunk; ``before`` are the parameters that come ahead of them. No value is ever put in the
    SQL text."""
    for start in range(0, len(values), size):
        chunk = list(values[start : start + size])
        marks = ", ".join("?" for _ in chunk)
        yield from conn.execute(sql.format(marks=marks), [*before, *chunk])  # noqa: S608 - placeholders only
