"""The store's side of ``storytrace rebuild``: read an old file's inputs, copy its history into
the new file, and put the new file in the old one's place without ever losing either.

The reads use only the columns of ``articles``, ``runs``, ``rejects`` and ``inputs`` that every
schema version has had, so a file of an older schema can be rebuilt too; ``web_sources`` is
copied when the old file has it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ..errors import StoreError
from .db import missing
from .schema import SCHEMA_VERSION, STORY_UPDATED
from .store import Store


def open_old(path: str) -> sqlite3.Connection:
    """A read-only connection to the database to rebuild (of this or an older schema)."""
    if not Path(path).is_file():
        raise missing(path)
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30.0)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA query_only = ON")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path!r} is not a SQLite database: {exc}") from exc
    if version > SCHEMA_VERSION:
        conn.close()
        raise StoreError(
            f"{path!r} has schema version {version}, newer than this storytrace "
            f"({SCHEMA_VERSION}); upgrade storytrace to rebuild it"
        )
    if version == 0:
        conn.close()
        raise StoreError(f"{path!r} is not a storytrace database")
    return conn


def article_count(old: sqlite3.Connection) -> int:
    return int(old.execute("SELECT count(*) FROM articles").fetchone()[0])


def stored_inputs(old: sqlite3.Connection) -> Iterator[sqlite3.Row]:
    """Every stored article's input, in the order it was added: ``id``, ``source``, ``kind``,
    ``raw``, ``meta``, ``url``, ``outlet``, ``published``, ``title``."""
    cursor = old.cursor()  # its own cursor: the rebuild reads while it writes the new file
    cursor.execute(
        "SELECT id, source, kind, raw, meta, url, outlet, published, title FROM articles ORDER BY id"
    )
    while rows := cursor.fetchmany(200):
        yield from rows


def copy_runs_and_rejects(old: sqlite3.Connection, new: Store) -> None:
    """The old file's run history and rejected inputs, with their ids (before the rebuild's run,
    which then gets the next id)."""
    runs = old.execute(
        "SELECT id, command, started, finished, status, config, stats FROM runs ORDER BY id"
    ).fetchall()
    rejects = old.execute(
        "SELECT id, run_id, source, reason, detail, at FROM rejects ORDER BY id"
    ).fetchall()
    with new.transaction():
        new.conn.executemany(
            "INSERT INTO runs (id, command, started, finished, status, config, stats)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [tuple(r) for r in runs],
        )
        new.conn.executemany(
            "INSERT INTO rejects (id, run_id, source, reason, detail, at) VALUES (?, ?, ?, ?, ?, ?)",
            [tuple(r) for r in rejects],
        )


def copy_other_inputs(old: sqlite3.Connection, new: Store) -> None:
    """The inputs that did not become an article (duplicates, rejects), so that ingesting them
    again is still skipped; a duplicate points to its article's new id."""
    new_id = {
        str(source): int(article_id)
        for source, article_id in new.conn.execute(
            "SELECT source, article_id FROM inputs WHERE status = 'added'"
        )
    }
    old_source = {int(i): str(s) for i, s in old.execute("SELECT id, source FROM articles")}
    rows = []
    for source, fp, status, article_id, run_id in old.execute(
        "SELECT source, fingerprint, status, article_id, run_id FROM inputs WHERE status != 'added'"
    ):
        mapped = new_id.get(old_source.get(int(article_id), "")) if article_id is not None else None
        rows.append((source, fp, status, mapped, run_id))
    with new.transaction():
        new.conn.executemany(
            "INSERT OR IGNORE INTO inputs (source, fingerprint, status, article_id, run_id)"
            " VALUES (?, ?, ?, ?, ?)",
            rows,
        )


def copy_web_sources(old: sqlite3.Connection, new: Store) -> None:
    """The state of the feeds and sitemaps ``storytrace watch`` reads (schema 7 on), so that the
    next pass still sends its conditional requests."""
    has = old.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'web_sources'"
    ).fetchone()
    if has is None:
        return
    columns = "url, kind, etag, last_modified, links, checked, changed, status, detail"
    rows = [tuple(r) for r in old.execute(f"SELECT {columns} FROM web_sources")]  # noqa: S608 - fixed names
    with new.transaction():
        new.conn.executemany(
            f"INSERT INTO web_sources ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - fixed names
            rows,
        )


def copy_ingest_times(old: sqlite3.Connection, new: Store) -> None:
    """Each article's ingest time (``articles.added``) from the old file, and the stories' last
    updates from them: a rebuild re-derives articles, it does not make them new."""
    new_id = {
        str(source): int(article_id)
        for source, article_id in new.conn.execute(
            "SELECT source, article_id FROM inputs WHERE status = 'added'"
        )
    }
    rows = [
        (str(added), new_id[str(source)])
        for source, added in old.execute("SELECT source, added FROM articles")
        if str(source) in new_id
    ]
    with new.transaction():
        new.conn.executemany("UPDATE articles SET added = ? WHERE id = ?", rows)
        new.conn.execute(f"UPDATE stories SET updated = {STORY_UPDATED}")  # noqa: S608 - a fixed subquery


def remove_file(path: str) -> None:
    """Remove a database file and its WAL, shared-memory and writer-lock files, if there."""
    for name in (path, path + "-wal", path + "-shm", path + "-journal", path + ".lock"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def self_contained(path: str) -> None:
    """Leave ``path`` as one file (rollback journal, no WAL beside it), or say it is in use."""
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
        try:
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        raise StoreError(
            f"{path} is in use by another program (storytrace serve or ingest?): stop it and run "
            f"rebuild again ({exc})"
        ) from exc
    if str(mode).lower() != "delete" or Path(path + "-wal").exists():
        raise StoreError(
            f"{path} is in use by another program (storytrace serve or ingest?): stop it and run "
            "rebuild again"
        )


def replace(path: str, new: str, backup: str) -> None:
    """Put ``new`` in ``path``'s place atomically; the old file stays as ``backup`` until then.

    ``path`` names a complete database at every moment: the old one (also linked as
    ``backup``), then the new one. ``backup`` is removed last."""
    self_contained(new)
    self_contained(path)
    try:
        os.link(path, backup)
    except OSError:  # a file system without hard links
        shutil.copy2(path, backup)
    os.replace(new, path)
    os.unlink(backup)
