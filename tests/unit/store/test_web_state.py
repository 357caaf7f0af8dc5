"""What the store keeps about web addresses: articles by normalised URL, pages tried, and the
state of watched feeds and sitemaps."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storytrace.store import Store
from storytrace.store import rebuild as files
from storytrace.store.imports import add_articles
from storytrace.store.web import PageRecord, SourceState

ARTICLE = {
    "source": "a.html",
    "kind": "html",
    "raw": "<p>x</p>",
    "body": "x",
    "text": "x",
    "body_key": "k1",
    "meta": "{}",
}


def test_every_stored_url_is_found_by_its_normalised_form(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        run = store.start_run("test", {})
        with store.transaction():
            first = store.add_article(
                {**ARTICLE, "url": "HTTPS://News.Example/a?utm_source=rss#top", "run_id": run}
            )
            store.add_article({**ARTICLE, "body_key": "k2", "url": None, "run_id": run})
            add_articles(
                store.conn,
                [{**ARTICLE, "id": 50, "body_key": "k3", "url": "https://news.example/b"}],
                run,
            )
        assert store.web.page("https://news.example/a") == PageRecord(stored=True)
        assert store.web.page("https://news.example/b").stored
        assert not store.web.page("https://news.example/c").stored
        keys = dict(store.conn.execute("SELECT key, article_id FROM article_urls").fetchall())
    assert keys == {"https://news.example/a": first, "https://news.example/b": 50}


def test_a_page_record_tells_stored_rejected_and_failed(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        run = store.start_run("test", {})
        with store.transaction():
            store.record_input("https://news.example/dup", "fp", "duplicate", None, run)
            store.record_input("https://news.example/empty", "fp", "rejected", None, run)
            store.add_reject(run, "https://news.example/empty", "too-short", "3 letters")
            store.add_reject(run, "https://news.example/slow", "fetch-timeout", "time-out")
            store.add_reject(run, "https://news.example/slow", "http-503", "HTTP 503")
        assert store.web.page("https://news.example/dup") == PageRecord(stored=True)
        assert store.web.page("https://news.example/empty") == PageRecord(
            extracted_nothing=True, failures=("too-short",)
        )
        assert store.web.page("https://news.example/slow") == PageRecord(
            failures=("fetch-timeout", "http-503")
        )


def test_source_states_are_kept_and_copied_by_a_rebuild(tmp_path: Path) -> None:
    state = SourceState(
        url="https://news.example/feed.xml",
        kind="feed",
        etag='"v1"',
        last_modified="Sun, 18 Jan 2026 06:10:00 GMT",
        links=("https://news.example/s.xml",),
        checked="2026-01-18T06:11:00Z",
        changed="2026-01-18T06:11:00Z",
        status="read",
    )
    with Store(tmp_path / "old.db") as store:
        with store.transaction():
            store.web.save_source(state)
        assert store.web.source(state.url) == state
        assert store.web.source("https://news.example/other") is None
        assert store.web.sources() == [state]
    old = sqlite3.connect(tmp_path / "old.db")
    with Store(tmp_path / "new.db") as new:
        files.copy_web_sources(old, new)
        assert new.web.sources() == [state]
    old.close()
