"""``storytrace.watch`` against the news site on 127.0.0.1: discovery, conditional requests,
retries, limits, failing sources, interruptions."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import storytrace
from storytrace import Config, FetchSettings, WatchSettings
from storytrace.errors import StoreBusy
from storytrace.live import pages as live_pages
from storytrace.live.watch import PassReport
from storytrace.store.writer_lock import WriterLock

from ..live_server import NewsSite, Resource, loopback_only, news_site, rss

__all__ = ["loopback_only", "news_site"]

CONFIG = Config(workers=1, max_bytes=200_000)
FETCH = FetchSettings(delay=0, timeout=0.5, deadline=2.0)


@pytest.fixture(autouse=True)
def _loopback(loopback_only: None) -> None:
    """No test here reaches an address but 127.0.0.1."""


def one_pass(db: Path, *sources: str, **settings: Any) -> PassReport:
    report = storytrace.watch(
        sources,
        db=str(db),
        config=CONFIG,
        fetch=FETCH,
        settings=WatchSettings(**settings),
        once=True,
    )
    assert report is not None
    return report


def stored_urls(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return sorted(r[0] for r in conn.execute("SELECT url FROM articles"))


def test_a_home_page_leads_to_its_feed_and_a_second_pass_costs_three_requests(
    news_site: NewsSite, tmp_path: Path
) -> None:
    db = tmp_path / "w.db"
    news_site.routes["/feed.xml"] = Resource(
        rss(["/news/quake.html", "/news/quake-cold.html"], news_site.base),
        content_type="application/rss+xml",
        etag='"two"',
    )
    first = one_pass(db, news_site.url("/"))
    assert [(d.kind, d.status) for d in first.documents] == [("home", "read"), ("feed", "read")]
    assert (first.links, first.new, first.ingest.added) == (2, 2, 2)
    assert stored_urls(db) == [
        news_site.url("/news/quake-cold.html"),
        news_site.url("/news/quake.html"),
    ]
    before = len(news_site.log)
    second = one_pass(db, news_site.url("/"))
    # robots.txt, the home page and the feed, the last two answered 304.
    assert news_site.requested()[before:] == ["/robots.txt", "/", "/feed.xml"]
    assert [d.status for d in second.documents] == ["read", "not-modified"]
    assert second.new == 0 and second.ingest.added == 0
    assert "sources 1 read, 1 not modified, 0 failed" in second.summary()


def test_a_sitemap_index_leads_to_its_sitemaps_gzipped_or_not(
    news_site: NewsSite, tmp_path: Path
) -> None:
    db = tmp_path / "w.db"
    report = one_pass(db, news_site.url("/sitemap-index.xml"))
    kinds = [(d.url.rsplit("/", 1)[1], d.kind, d.links) for d in report.documents]
    assert kinds == [
        ("sitemap-index.xml", "sitemap-index", 0),
        ("sitemap-news.xml", "sitemap", 2),
        ("sitemap-old.xml.gz", "sitemap", 1),
    ]
    assert report.ingest.added == 3
    # The news sitemap lists the newest first; pages are fetched in that order.
    assert news_site.requested("/news/") == [
        "/news/quake-cold.html",
        "/news/quake.html",
        "/news/reef.html",
    ]
    with sqlite3.connect(db) as conn:
        states = dict(conn.execute("SELECT url, status FROM web_sources").fetchall())
    assert states == {
        news_site.url("/sitemap-index.xml"): "read",
        news_site.url("/sitemap-news.xml"): "read",
        news_site.url("/sitemap-old.xml.gz"): "read",
    }


def test_a_home_page_without_feeds_falls_back_to_the_robots_txt_sitemaps(
    news_site: NewsSite, tmp_path: Path
) -> None:
    news_site.routes["/"] = Resource(b"<!doctype html><html><body><h1>Gazette</h1></body></html>")
    report = one_pass(tmp_path / "w.db", news_site.url("/"))
    assert [d.kind for d in report.documents] == ["home", "sitemap-index", "sitemap", "sitemap"]
    assert report.ingest.added == 3


def test_new_pages_past_max_new_wait_for_the_next_pass(news_site: NewsSite, tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    news_site.routes["/feed.xml"] = Resource(
        rss(["/news/quake.html", "/news/quake-cold.html", "/news/reef.html"], news_site.base),
        content_type="application/rss+xml",
        etag='"three"',
    )
    first = one_pass(db, news_site.url("/feed.xml"), max_new=2)
    assert (first.new, first.waiting, first.ingest.added) == (2, 1, 2)
    assert "1 wait for the next pass" in first.summary()
    # Not complete: no validators kept, so the next pass reads the feed in full.
    second = one_pass(db, news_site.url("/feed.xml"), max_new=2)
    assert news_site.log[-2][2].get("if-none-match") is None
    assert (second.new, second.waiting, second.ingest.added) == (1, 0, 1)
    third = one_pass(db, news_site.url("/feed.xml"), max_new=2)
    assert third.documents[0].status == "not-modified"
    assert len(stored_urls(db)) == 3


def test_a_page_that_failed_for_a_passing_reason_is_tried_max_attempts_times(
    news_site: NewsSite, tmp_path: Path
) -> None:
    db = tmp_path / "w.db"
    news_site.routes["/busy.html"] = Resource(b"busy", status=503)
    news_site.routes["/feed.xml"] = Resource(
        rss(["/busy.html", "/news/missing.html"], news_site.base),
        content_type="application/rss+xml",
        etag='"busy"',
    )
    for _ in range(4):
        one_pass(db, news_site.url("/feed.xml"), max_attempts=2)
    assert news_site.hits["/busy.html"] == 2  # then given up
    assert news_site.hits["/news/missing.html"] == 1  # a 404 is not tried again
    assert news_site.hits["/feed.xml"] == 4
    with sqlite3.connect(db) as conn:
        status = conn.execute("SELECT status FROM web_sources").fetchone()[0]
        reasons = [r[0] for r in conn.execute("SELECT reason FROM rejects ORDER BY id")]
    assert status == "not-modified"  # complete once the page was given up: 304 from then on
    assert reasons == ["http-503", "http-404", "http-503"]


@pytest.mark.slow  # waits out a time-out
def test_a_failing_source_does_not_stop_the_others(news_site: NewsSite, tmp_path: Path) -> None:
    news_site.routes["/feed.xml"] = Resource(
        rss(["/news/quake.html"], news_site.base), content_type="application/rss+xml"
    )
    report = one_pass(
        tmp_path / "w.db",
        news_site.url("/gone.xml"),
        news_site.url("/news/report.pdf"),
        news_site.url("/news/hang.html"),
        news_site.url("/feed.xml"),
    )
    outcome = [(d.status, d.detail) for d in report.documents]
    assert outcome == [
        ("failed", "HTTP 404 Not Found"),
        ("failed", "not a feed, a sitemap or a web page"),
        ("failed", "time-out: no data for 0.5 s"),
        ("read", ""),
    ]
    assert report.ingest.added == 1
    assert report.to_dict()["sources"] == {"read": 1, "not_modified": 0, "failed": 3}


def test_sources_must_be_web_urls_and_come_from_the_arguments_or_the_settings(
    tmp_path: Path,
) -> None:
    with pytest.raises(storytrace.InputError, match="not a feed, sitemap or home page URL"):
        one_pass(tmp_path / "w.db", "examples/corpus")
    with pytest.raises(storytrace.InputError, match="no sources"):
        one_pass(tmp_path / "w.db")


def test_an_interrupted_pass_keeps_what_it_committed_and_no_source_state(
    news_site: NewsSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "w.db"
    news_site.routes["/feed.xml"] = Resource(
        rss(["/news/quake.html", "/news/quake-cold.html", "/news/reef.html"], news_site.base),
        content_type="application/rss+xml",
        etag='"three"',
    )
    monkeypatch.setattr(live_pages, "PAGES_PER_BATCH", 1)
    monkeypatch.setattr("storytrace.live.watch.PAGES_PER_BATCH", 1)
    real = live_pages.page_document
    seen: list[str] = []

    def interrupted(response: Any, key: str) -> Any:
        seen.append(key)
        if len(seen) == 3:
            raise KeyboardInterrupt
        return real(response, key)

    monkeypatch.setattr(live_pages, "page_document", interrupted)
    with pytest.raises(KeyboardInterrupt):
        one_pass(db, news_site.url("/feed.xml"))
    # The first page's batch was committed when the second began; the second was rolled back.
    assert stored_urls(db) == [news_site.url("/news/quake.html")]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM web_sources").fetchone()[0] == 0
        assert conn.execute("SELECT status FROM runs").fetchone()[0] == "interrupted"
    monkeypatch.setattr(live_pages, "page_document", real)
    again = one_pass(db, news_site.url("/feed.xml"))
    assert (again.known, again.new, again.ingest.added) == (1, 2, 2)
    assert news_site.hits["/news/quake.html"] == 1


def test_the_loop_runs_a_pass_every_period_and_stops_cleanly_between_passes(
    news_site: NewsSite, tmp_path: Path
) -> None:
    news_site.routes["/feed.xml"] = Resource(
        rss([], news_site.base), content_type="application/rss+xml"
    )
    passes: list[int] = []
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            raise KeyboardInterrupt  # Ctrl-C, or SIGTERM through main()'s handler

    from storytrace.live.watch import watch as loop

    last = loop(
        [news_site.url("/feed.xml")],
        db=str(tmp_path / "w.db"),
        config=CONFIG,
        fetch=FETCH,
        settings=WatchSettings(every="30s"),
        on_pass=lambda r: passes.append(r.number),
        sleep=sleep,
    )
    assert passes == [1, 2] and last is not None and last.number == 2
    assert len(waits) == 2 and all(25 < w <= 30 for w in waits)


def test_a_pass_into_a_database_another_run_writes_is_skipped(
    news_site: NewsSite, tmp_path: Path
) -> None:
    from storytrace.live.watch import watch as loop

    db = tmp_path / "w.db"
    lock = WriterLock(str(db))
    try:
        with pytest.raises(StoreBusy):
            one_pass(db, news_site.url("/feed.xml"))
        waits: list[float] = []

        def sleep(seconds: float) -> None:
            waits.append(seconds)
            raise KeyboardInterrupt

        assert (
            loop(
                [news_site.url("/feed.xml")],
                db=str(db),
                config=CONFIG,
                fetch=FETCH,
                settings=WatchSettings(),
                sleep=sleep,
            )
            is None
        )
        assert waits and news_site.log == []
    finally:
        lock.release()
