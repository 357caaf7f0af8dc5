"""The web app's read queries and the full-text search and story stats the schema keeps."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storytrace.store import Store
from storytrace.store import listing as queries
from storytrace.store.listing import ReadStore, StoryQuery, fts_query


def test_fts_query_quotes_every_word() -> None:
    assert fts_query("coral reef") == '"coral" "reef"'
    assert fts_query('say "hi" AND (x OR y)') == '"say" "hi" "AND" "x" "OR" "y"'
    assert fts_query("reef*") == '"reef"*'
    assert fts_query("\"'; --") == '"\'" "--"'  # every token quoted: no FTS syntax survives
    assert fts_query('a"b') == '"a" "b"'
    assert fts_query("   ") == ""


def test_story_query_falls_back_on_bad_values() -> None:
    q = StoryQuery.parse(
        {"sort": "id; DROP TABLE x", "page": "-3", "per_page": "99999", "from": "soon"}
    )
    assert q.sort == "size" and q.page == 1 and q.per_page == queries.MAX_PER_PAGE
    assert q.date_from == "" and len(q.problems) == 2
    assert StoryQuery.parse({"page": "x"}).page == 1
    assert StoryQuery.parse({"to": "2026-03-01", "sort": "recent"}).params(page=2) == {
        "to": "2026-03-01",
        "sort": "recent",
        "page": 2,
    }


def test_every_sort_has_a_fixed_order_clause() -> None:
    assert set(queries.SORTS) == {"size", "recent", "outlets", "updated"}


def _small_db(path: Path) -> None:
    """A database with one story of two articles, written row by row."""
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO runs (id, command, started, config) VALUES (1, 'ingest', 'now', '{}')"
    )
    for i, (outlet, title, text) in enumerate(
        [
            ("a.example", "Volcano erupts", "Lava reached the village of Sarn"),
            ("b.example", "Eruption", "Ash fell over Sarn and the coast"),
        ],
        start=1,
    ):
        conn.execute(
            "INSERT INTO articles (id, source, kind, outlet, published, title, raw, body, text,"
            " body_key, added, run_id) VALUES (?, 's', 'text', ?, '2026-01-0' || ?, ?, '', '', ?, ?, 'now', 1)",
            (i, outlet, i, title, text, f"k{i}"),
        )
    conn.execute(
        "INSERT INTO stories (id, title, created, first_seen, last_seen, articles)"
        " VALUES (1, 'Volcano erupts', 'now', '2026-01-01', '2026-01-02', 0)"
    )
    conn.executemany("INSERT INTO story_members VALUES (?, 1, 1.0, '[]', 'now')", [(1,), (2,)])
    conn.execute("UPDATE stories SET articles = 2 WHERE id = 1")
    conn.commit()
    conn.close()


def test_triggers_keep_search_and_story_stats_in_step(tmp_path: Path) -> None:
    db = tmp_path / "small.db"
    _small_db(db)
    with Store(db) as store:
        conn = store.conn
        found = conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'sarn'"
        ).fetchall()
        assert sorted(r[0] for r in found) == [1, 2]
        assert tuple(
            conn.execute("SELECT outlets, articles FROM story_stats WHERE story_id = 1").fetchone()
        ) == (2, 2)
        # triggers keep the index in step with inserts and re-cleaning
        conn.execute("UPDATE articles SET text = 'Nothing about volcanoes' WHERE id = 2")
        conn.execute(
            "INSERT INTO articles (id, source, kind, outlet, title, raw, body, text, body_key, added, run_id)"
            " VALUES (3, 's', 'text', 'c.example', 'Sarn again', '', '', 'x', 'k3', 'now', 1)"
        )
        found = conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'sarn'"
        ).fetchall()
        assert sorted(r[0] for r in found) == [1, 3]
        conn.execute("INSERT INTO story_members VALUES (3, 1, 1.0, '[]', 'now')")
        store.stories.refresh(1)
        assert (
            conn.execute("SELECT outlets, articles FROM story_stats WHERE story_id = 1").fetchone()[
                0
            ]
            == 3
        )


def test_list_stories_filters_and_sorts(tmp_path: Path) -> None:
    db = tmp_path / "small.db"
    _small_db(db)
    store = ReadStore(db)
    try:
        rows, more = queries.list_stories(store.conn, StoryQuery.parse({"q": "lava"}))
        assert [r["id"] for r in rows] == [1] and not more
        assert rows[0]["outlets"] == ["a.example", "b.example"]
        assert (
            queries.list_stories(store.conn, StoryQuery.parse({"q": "lava", "outlet": "z"}))[0]
            == []
        )
        assert queries.list_stories(store.conn, StoryQuery.parse({"from": "2026-02-01"}))[0] == []
        assert queries.list_stories(
            store.conn, StoryQuery.parse({"to": "2026-01-01", "sort": "outlets"})
        )[0]
        with pytest.raises(sqlite3.OperationalError):  # read-only: the web app cannot write
            store.conn.execute("DELETE FROM stories")
    finally:
        store.close()


def test_since_keeps_the_stories_that_gained_articles_then(tmp_path: Path) -> None:
    db = tmp_path / "small.db"
    _small_db(db)
    with Store(db) as store, store.transaction():
        store.conn.execute("UPDATE articles SET added = '2026-12-01T08:00:00Z' WHERE id = 1")
        store.conn.execute("UPDATE articles SET added = '2026-12-01T10:00:00Z' WHERE id = 2")
        store.stories.refresh(1)  # every membership change ends in a refresh
        assert store.conn.execute("SELECT updated FROM stories WHERE id = 1").fetchone()[0] == (
            "2026-12-01T10:00:00Z"
        )
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    store = ReadStore(db)
    try:
        for since, found in (("3h", [1]), ("1h", []), ("2026-12-01T10:00", [1])):
            query = StoryQuery.parse({"since": since}, now)
            assert query.sort == "updated"  # asked what is new: the latest update first
            rows, _ = queries.list_stories(store.conn, query)
            assert [r["id"] for r in rows] == found, since
        assert rows[0]["updated"] == "2026-12-01T10:00:00Z"
        # a resolved age is carried to the next page as a time, not as an age
        assert StoryQuery.parse({"since": "3h"}, now).params(page=2) == {
            "since": "2026-12-01T09:00:00Z",
            "page": 2,
        }
        bad = StoryQuery.parse({"since": "soon"}, now)
        assert bad.since == "" and bad.sort == "size" and "since must be" in bad.problems[0]
    finally:
        store.close()
