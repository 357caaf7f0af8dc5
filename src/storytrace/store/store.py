"""The SQLite store: the write side used by the runner. Reads for people live in ``views``."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import Config
from ..model import MAX_ROW_ID, Article, Removed, Reprint
from . import settings
from .candidates import SQLiteCandidateIndex
from .checkpoint import BackgroundCheckpoint
from .db import connect, select_in, transaction
from .story_state import SQLiteStoryState
from .web import WebState
from .writer_lock import WriterLock


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fits_row_id(value: int) -> bool:
    """Whether ``value`` can be an id in the store (SQLite cannot even bind a larger one)."""
    return 0 <= value <= MAX_ROW_ID


class Store:
    """One storytrace database file. Use as a context manager, or call :meth:`close`.

    ``read_only``: open an existing file for reading only (a missing file is a
    :class:`~storytrace.errors.StoreError`; nothing is created). ``config``: the run's
    :class:`~storytrace.Config`, see :meth:`use_config`.
    """

    def __init__(
        self,
        path: str | Path = "storytrace.db",
        *,
        config: Config | None = None,
        read_only: bool = False,
    ) -> None:
        self.path = str(path)
        self.read_only = read_only
        on_disk = self.path not in ("", ":memory:") and not self.path.startswith("file:")
        self._lock = WriterLock(self.path) if on_disk and not read_only else None
        try:
            self.conn: sqlite3.Connection = connect(self.path, read_only=read_only)
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        self.checkpoint: BackgroundCheckpoint | None = None
        try:
            if self.path not in ("", ":memory:") and not read_only:
                self.checkpoint = BackgroundCheckpoint.for_writer(self.conn, self.path)
            self.candidates = SQLiteCandidateIndex(self.conn)
            self.stories = SQLiteStoryState(self.conn)
            self.web = WebState(self.conn)
            if config is not None:
                self.use_config(config)
        except BaseException:
            self.close()
            raise

    def use_config(self, config: Config) -> None:
        """Check the settings fixed in this file (shingle size, anchor sampling, shingle scheme)
        against ``config``, recording them in a new file (:mod:`storytrace.store.settings`;
        a :class:`~storytrace.errors.ConfigError` when they differ), and apply the settings the
        store reads itself."""
        if not self.read_only:
            wanted = settings.asked(config)
            held = settings.stored(self.conn)
            settings.check(held, wanted, self.path)
            if set(held) != set(wanted):
                with self.transaction():
                    settings.record(self.conn, {k: v for k, v in wanted.items() if k not in held})
        self.stories.window_days = config.story_window_days

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.checkpoint is not None:
            self.checkpoint.close()
        self.conn.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            with transaction(self.conn) as conn:
                yield conn
        except BaseException:
            self.stories.clear_cache()
            raise
        if self.checkpoint is not None:
            self.checkpoint.after_commit(self.conn)

    # runs -----------------------------------------------------------------------------------

    def start_run(self, command: str, config: Mapping[str, Any]) -> int:
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO runs (command, started, config) VALUES (?, ?, ?)",
                (command, now(), json.dumps(config, sort_keys=True, default=str)),
            )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, stats: Mapping[str, Any], status: str = "done") -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE runs SET finished = ?, status = ?, stats = ? WHERE id = ?",
                (now(), status, json.dumps(stats, sort_keys=True), run_id),
            )

    # inputs and rejects ---------------------------------------------------------------------

    def seen_input(self, source: str, fingerprint: str) -> str | None:
        """The status an input got in an earlier run, if it was processed with the same content."""
        row = self.conn.execute(
            "SELECT status, fingerprint FROM inputs WHERE source = ?", (source,)
        ).fetchone()
        if row is None or row["fingerprint"] != fingerprint:
            return None
        return str(row["status"])

    def record_input(
        self, source: str, fingerprint: str, status: str, article_id: int | None, run_id: int
    ) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO inputs (source, fingerprint, status, article_id, run_id)"
            " VALUES (?, ?, ?, ?, ?)",
            (source, fingerprint, status, article_id, run_id),
        )

    def add_reject(self, run_id: int, source: str, reason: str, detail: str) -> None:
        self.conn.execute(
            "INSERT INTO rejects (run_id, source, reason, detail, at) VALUES (?, ?, ?, ?, ?)",
            (run_id, source, reason, detail, now()),
        )

    # articles -------------------------------------------------------------------------------

    def find_duplicate(self, url: str | None, body_key: str) -> int | None:
        """The id of an article with the same URL, or the same outlet and normalised body."""
        if url:
            row = self.conn.execute("SELECT id FROM articles WHERE url = ?", (url,)).fetchone()
            if row:
                return int(row[0])
        row = self.conn.execute(
            "SELECT id FROM articles WHERE body_key = ?", (body_key,)
        ).fetchone()
        return int(row[0]) if row else None

    def add_article(self, fields: Mapping[str, Any]) -> int:
        columns = (
            "source kind external_id url outlet published title raw body text body_key meta "
            "evidence shingles added run_id"
        ).split()
        values = [fields.get(c) for c in columns]
        values[columns.index("added")] = now()
        placeholders = ", ".join("?" for _ in columns)
        cur = self.conn.execute(
            f"INSERT INTO articles ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608 - fixed column names
            values,
        )
        article_id = int(cur.lastrowid or 0)
        self.web.add_urls([(article_id, fields.get("url"))])
        return article_id

    def replace_cleaned(self, article_id: int, text: str, removed: Sequence[Removed]) -> None:
        """Store a new cleaning of an article: its text and the removed blocks with reasons."""
        self.conn.execute("UPDATE articles SET text = ? WHERE id = ?", (text, article_id))
        self.conn.execute("DELETE FROM removed WHERE article_id = ?", (article_id,))
        self.add_removed(article_id, removed)

    def add_removed(self, article_id: int, removed: Iterable[Removed]) -> None:
        self.conn.executemany(
            "INSERT INTO removed (article_id, start, end, text, reason) VALUES (?, ?, ?, ?, ?)",
            [(article_id, r.start, r.end, r.text, r.reason) for r in removed],
        )

    def article_row(self, article_id: int) -> sqlite3.Row | None:
        if not fits_row_id(article_id):
            return None
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT * FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return row

    def link_row(self, article_id: int) -> sqlite3.Row | None:
        """What reprint linking reads of an article: not its raw input or body, which can be
        whole web pages."""
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT id, published, text, shingles FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return row

    def shingles_of(self, ids: Sequence[int]) -> dict[int, bytes]:
        """The stored shingle blobs of articles (those that have some), in one query per 900:
        reprint linking verifies its candidates on them before it reads any text."""
        sql = "SELECT id, shingles FROM articles WHERE id IN ({marks}) AND shingles IS NOT NULL"
        return {int(i): bytes(blob) for i, blob in select_in(self.conn, sql, ids, size=900)}

    def article(self, article_id: int) -> Article | None:
        row = self.article_row(article_id)
        if row is None:
            return None
        return Article(
            id=row["id"],
            outlet=row["outlet"],
            url=row["url"],
            published=row["published"],
            title=row["title"],
            text=row["text"],
            meta=json.loads(row["meta"] or "{}"),
        )

    def iter_articles(
        self, *, since: str | None = None, outlet: str | None = None
    ) -> Iterator[Article]:
        sql = "SELECT id FROM articles WHERE 1 = 1"
        params: list[Any] = []
        if since:
            sql += " AND published >= ?"
            params.append(since)
        if outlet:
            sql += " AND outlet = ?"
            params.append(outlet)
        for (article_id,) in self.conn.execute(sql + " ORDER BY id", params).fetchall():
            art = self.article(article_id)
            if art is not None:
                yield art

    def published_of(self, ids: Sequence[int]) -> dict[int, str | None]:
        """Publication dates of articles (as stored), in one query per 900."""
        sql = "SELECT id, published FROM articles WHERE id IN ({marks})"
        return {int(i): published for i, published in select_in(self.conn, sql, ids, size=900)}

    def set_signature(self, article_id: int, shingles: bytes, evidence: str) -> None:
        """Replace an article's shingles and evidence (after its text was cleaned again)."""
        self.conn.execute(
            "UPDATE articles SET shingles = ?, evidence = ? WHERE id = ?",
            (shingles, evidence, article_id),
        )
        self.stories.evidence_changed(article_id)

    def live_stories(self) -> int:
        """Stories that hold articles (not merged away)."""
        row = self.conn.execute(
            "SELECT count(*) FROM stories WHERE merged_into IS NULL AND articles > 0"
        ).fetchone()
        return int(row[0])

    def story_of_sources(self) -> dict[str, int]:
        """The story of each recorded input that was stored as an article (source -> story)."""
        rows = self.conn.execute(
            "SELECT i.source, m.story_id FROM inputs i"
            " JOIN story_members m ON m.article_id = i.article_id"
        ).fetchall()
        return {str(source): int(story) for source, story in rows}

    def text_of(self, article_id: int) -> str:
        row = self.conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
        return str(row[0]) if row else ""

    # site boilerplate -----------------------------------------------------------------------

    def outlet_articles(self, outlet: str) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM articles WHERE outlet = ?", (outlet,)
        ).fetchone()
        return int(row[0])

    def site_patterns(self, outlet: str) -> dict[str, int]:
        """Learned boilerplate block keys of an outlet, with the number of articles seen in."""
        rows = self.conn.execute(
            "SELECT p.key, b.articles FROM site_patterns p JOIN site_blocks b"
            " ON b.outlet = p.outlet AND b.key = p.key WHERE p.outlet = ?",
            (outlet,),
        ).fetchall()
        return {str(k): int(n) for k, n in rows}

    def count_blocks(
        self, outlet: str, article_id: int, blocks: Mapping[str, str]
    ) -> dict[str, int]:
        """Count an article's distinct block keys for its outlet; returns the new counts."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO article_blocks (article_id, key) VALUES (?, ?)",
            [(article_id, key) for key in blocks],
        )
        self.conn.executemany(
            "INSERT INTO site_blocks (outlet, key, articles, example) VALUES (?, ?, 1, ?)"
            " ON CONFLICT (outlet, key) DO UPDATE SET articles = articles + 1",
            [(outlet, key, example[:500]) for key, example in blocks.items()],
        )
        return self.block_counts(outlet, list(blocks))

    def block_counts(self, outlet: str, keys: Sequence[str]) -> dict[str, int]:
        sql = "SELECT key, articles FROM site_blocks WHERE outlet = ? AND key IN ({marks})"
        return {str(k): int(n) for k, n in select_in(self.conn, sql, keys, before=[outlet])}

    def add_site_patterns(self, outlet: str, keys: Iterable[str], run_id: int) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO site_patterns (outlet, key, learned, run_id) VALUES (?, ?, ?, ?)",
            [(outlet, key, now(), run_id) for key in keys],
        )

    def articles_with_blocks(self, outlet: str, keys: Sequence[str]) -> list[int]:
        sql = (
            "SELECT DISTINCT b.article_id FROM article_blocks b JOIN articles a"
            " ON a.id = b.article_id WHERE a.outlet = ? AND b.key IN ({marks})"
        )
        return sorted({int(r[0]) for r in select_in(self.conn, sql, keys, before=[outlet])})

    # reprints -------------------------------------------------------------------------------

    def add_reprint(self, a: int, b: int, reprint: Reprint) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO reprints (a, b, kind, jaccard, containment_ab, containment_ba)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (a, b, reprint.kind, reprint.jaccard, reprint.containment_ab, reprint.containment_ba),
        )
        self.conn.execute("DELETE FROM passages WHERE a = ? AND b = ?", (a, b))
        self.conn.executemany(
            "INSERT INTO passages (a, b, a_start, a_end, b_start, b_end, words)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(a, b, p.a_start, p.a_end, p.b_start, p.b_end, p.words) for p in reprint.passages],
        )

    def forget_reprints(self, article_id: int) -> None:
        for table in ("reprints", "passages"):
            self.conn.execute(
                f"DELETE FROM {table} WHERE a = ? OR b = ?",  # noqa: S608 - fixed table names
                (article_id, article_id),
            )

    def reprint_partners(self, article_id: int) -> list[tuple[int, str]]:
        rows = self.conn.execute(
            "SELECT a, kind FROM reprints WHERE b = ? UNION SELECT b, kind FROM reprints WHERE a = ?",
            (article_id, article_id),
        ).fetchall()
        return [(int(r[0]), str(r[1])) for r in rows]
