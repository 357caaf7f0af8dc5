"""The issue's Done-when, through the command line, against the news site on 127.0.0.1:

``storytrace watch FEED --once`` twice stores each allowed article once, fetches none of them
again on the second pass, never fetches a disallowed page, and rejects the hanging page and
the 404 with reasons that name the time-out and the status; ``storytrace ingest URL`` stores a
page."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from storytrace.cli.main import main

from ..live_server import ARTICLES, NewsSite, loopback_only, news_site

__all__ = ["loopback_only", "news_site"]

SETTINGS = """
[ingest]
workers = 1
max_bytes = 200000

[fetch]
delay = 0
timeout = 0.5
deadline = 2
"""


@pytest.fixture(autouse=True)
def _loopback(loopback_only: None) -> None:
    """No test here reaches an address but 127.0.0.1."""


@pytest.fixture
def toml(tmp_path: Path) -> str:
    path = tmp_path / "storytrace.toml"
    path.write_text(SETTINGS, encoding="utf-8")
    return str(path)


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute(sql)]


@pytest.mark.slow  # two passes with a time-out in each
def test_watch_a_feed_twice(
    news_site: NewsSite, tmp_path: Path, toml: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "live.db"
    feed = news_site.url("/feed.xml")
    args = ["--db", str(db), "watch", feed, "--once", "--config", toml]

    assert main(args) == 0
    first = capsys.readouterr()
    assert first.out.startswith(
        "watch pass 1: sources 1 read, 0 not modified, 0 failed; 8 article links"
    )
    assert len(first.out.strip().splitlines()) == 1
    allowed = sorted(news_site.url(path) for path in ARTICLES)
    assert sorted(r[0] for r in rows(db, "SELECT url FROM articles")) == allowed
    rejects = dict(rows(db, "SELECT source, reason || ': ' || detail FROM rejects"))
    assert rejects == {
        news_site.url("/news/hang.html"): "fetch-timeout: time-out: no data for 0.5 s",
        news_site.url("/news/missing.html"): "http-404: HTTP 404 Not Found",
        news_site.url("/news/huge.html"): "too-large: more than the limit of 200000 bytes",
        news_site.url("/news/report.pdf"): "not-html: not HTML (content-type application/pdf)",
        news_site.url("/private/secret.html"): (
            f"robots-disallowed: disallowed by robots.txt of {news_site.base}"
        ),
    }

    assert main([*args, "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["added"] == 0 and second["known"] == 7
    assert second["requests"] == 3  # robots.txt, the feed, the page that hung
    assert sorted(r[0] for r in rows(db, "SELECT url FROM articles")) == allowed  # each once
    for path in [*ARTICLES, "/news/moved.html", "/news/missing.html", "/news/huge.html"]:
        assert news_site.hits[path] == 1, path  # none fetched again
    assert news_site.hits["/private/secret.html"] == 0  # never fetched
    # The hanging page failed for a passing reason: tried again, until max_attempts.
    assert news_site.hits["/news/hang.html"] == 2
    assert second["new"] == 1 and second["rejected_by_reason"] == {"fetch-timeout": 1}
    assert [d["status"] for d in second["documents"]] == ["read"]

    # Through the same pipeline as HTML files: extracted, cleaned, placed in stories.
    texts = [str(r[0]) for r in rows(db, "SELECT text FROM articles")]
    assert all("Erzincan" in t and "All rights reserved" not in t for t in texts)
    assert rows(db, "SELECT count(*) FROM story_members") == [(3,)]


def test_ingest_a_url_stores_the_page_once(
    news_site: NewsSite, tmp_path: Path, toml: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "live.db"
    url = news_site.url("/news/moved.html")
    text = tmp_path / "note.txt"
    text.write_text(
        "Library reopens\n\nThe Riverbend library reopened on Monday after a two-year"
        " renovation, the council said, with longer opening hours and a new children's wing.\n",
        encoding="utf-8",
    )
    assert main(["--db", str(db), "ingest", url, str(text), "--config", toml]) == 0
    out = capsys.readouterr().out
    assert "2 inputs; 2 added" in out
    final = news_site.url("/news/quake-tents.html")
    got = rows(db, "SELECT source, url, outlet, title FROM articles WHERE kind = 'html'")
    assert got == [(url, final, "127.0.0.1", got[0][3])]
    assert "Erzincan" in str(got[0][3]) or "earthquake" in str(got[0][3]).lower()

    assert main(["--db", str(db), "ingest", url, final, "--config", toml]) == 0
    assert "2 inputs; 0 added; 0 already stored (same URL or body); 2 already ingested" in (
        capsys.readouterr().out
    )
    assert news_site.hits["/news/moved.html"] == 1 and news_site.hits["/news/quake-tents.html"] == 1


def test_ingest_a_url_that_fails_is_a_reject(
    news_site: NewsSite, tmp_path: Path, toml: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "live.db"
    args = ["--db", str(db), "ingest", news_site.url("/news/missing.html"), "ftp://127.0.0.1/x"]
    assert main([*args, "--config", toml, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rejected_by_reason"] == {"bad-url": 1, "http-404": 1}
    assert main(["--db", str(db), "rejects", "--json"]) == 0
    listed = {r["reason"]: r["detail"] for r in json.loads(capsys.readouterr().out)}
    assert listed["http-404"] == "HTTP 404 Not Found"
    assert "only http and https" in listed["bad-url"]


def test_watch_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "x.db"), "watch", "--once", "examples/corpus"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "not a feed, sitemap or home page URL" in err
    assert main(["watch", "--once", "--every", "soon", "https://news.example/feed.xml"]) == 1
    assert "--every must be a duration" in capsys.readouterr().err
