"""Rows made elsewhere (the Spark job's Parquet output) written into a store, ids kept.

Each function writes one table's rows inside the caller's transaction; ``storytrace load``
(:mod:`storytrace.spark.load`) calls them in order: articles first, then what refers to them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from .store import now
from .web import WebState

ARTICLE_COLUMNS = (
    "id", "source", "kind", "external_id", "url", "outlet", "published", "title", "raw", "body",
    "text", "body_key", "meta", "evidence", "shingles",
)  # fmt: skip


def _insert(
    conn: sqlite3.Connection, table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]
) -> int:
    marks = ", ".join("?" for _ in columns)
    cur = conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608 - fixed names
        rows,
    )
    return int(cur.rowcount)


def add_articles(conn: sqlite3.Connection, rows: Iterable[Mapping[str, Any]], run_id: int) -> int:
    """Articles with their own ids, and their normalised URLs; ``raw`` may be missing (the job
    keeps it on request)."""
    rows = list(rows)
    columns = (*ARTICLE_COLUMNS, "added", "run_id")
    at = now()
    values = (
        tuple(r.get(c) if c != "raw" else (r.get("raw") or "") for c in ARTICLE_COLUMNS)
        + (at, run_id)
        for r in rows
    )
    added = _insert(conn, "articles", columns, values)
    WebState(conn).add_urls((int(r["id"]), r.get("url")) for r in rows)
    return added


def add_removed(conn: sqlite3.Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    columns = ("article_id", "start", "end", "text", "reason")
    return _insert(conn, "removed", columns, (tuple(r[c] for c in columns) for r in rows))


def add_site_patterns(
    conn: sqlite3.Connection, rows: Iterable[Mapping[str, Any]], run_id: int
) -> int:
    """Learned site boilerplate: the block counts and the patterns (no example text)."""
    rows = list(rows)
    conn.executemany(
        "INSERT INTO site_blocks (outlet, key, articles, example) VALUES (?, ?, ?, '')"
        " ON CONFLICT (outlet, key) DO UPDATE SET articles = max(articles, excluded.articles)",
        [(r["outlet"], r["key"], r["articles"]) for r in rows],
    )
    at = now()
    return _insert(
        conn,
        "site_patterns",
        ("outlet", "key", "learned", "run_id"),
        ((r["outlet"], r["key"], at, run_id) for r in rows),
    )


def add_reprints(conn: sqlite3.Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    columns = ("a", "b", "kind", "jaccard", "containment_ab", "containment_ba")
    return _insert(conn, "reprints", columns, (tuple(r[c] for c in columns) for r in rows))


def add_passages(conn: sqlite3.Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    columns = ("a", "b", "a_start", "a_end", "b_start", "b_end", "words")
    return _insert(conn, "passages", columns, (tuple(r[c] for c in columns) for r in rows))


def add_stories(conn: sqlite3.Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    columns = ("id", "title", "first_seen", "last_seen", "articles", "merged_into")
    at = now()
    return _insert(
        conn, "stories", (*columns, "created"), (tuple(r[c] for c in columns) + (at,) for r in rows)
    )


def add_members(conn: sqlite3.Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    columns = ("article_id", "story_id", "score", "reasons")
    at = now()
    return _insert(
        conn,
        "story_members",
        (*columns, "joined"),
        (tuple(r[c] for c in columns) + (at,) for r in rows),
    )
