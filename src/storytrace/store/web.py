"""What the store knows about web addresses: the pages already stored or tried, and the state
of each feed, sitemap and home page that ``storytrace watch`` reads (``web_sources``)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..urls import url_key


@dataclass(frozen=True, slots=True)
class PageRecord:
    """What earlier runs did with a page, by its normalised URL.

    ``stored``: an article has this URL, or a fetch of it became an article or a duplicate of
    one. ``extracted_nothing``: it was fetched and its content rejected (no article in it, too
    short...). ``failures``: the reasons of its rejects, oldest first.
    """

    stored: bool = False
    extracted_nothing: bool = False
    failures: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceState:
    """A feed's, sitemap's or home page's row in ``web_sources``."""

    url: str
    kind: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    links: tuple[str, ...] = field(default_factory=tuple)
    checked: str = ""
    changed: str | None = None
    status: str = ""
    detail: str = ""


class WebState:
    """Reads and writes of ``article_urls`` and ``web_sources`` (writes inside the caller's
    transaction)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def add_urls(self, rows: Iterable[tuple[int, str | None]]) -> None:
        """Record the normalised URL of each ``(article_id, url)``; the first article with a
        key keeps it."""
        keyed = [(key, article_id) for article_id, url in rows if url and (key := url_key(url))]
        self.conn.executemany(
            "INSERT OR IGNORE INTO article_urls (key, article_id) VALUES (?, ?)", keyed
        )

    def page(self, key: str) -> PageRecord:
        """What earlier runs did with the page whose normalised URL is ``key``."""
        stored = (
            self.conn.execute("SELECT 1 FROM article_urls WHERE key = ?", (key,)).fetchone()
            is not None
        )
        row = self.conn.execute("SELECT status FROM inputs WHERE source = ?", (key,)).fetchone()
        status = str(row[0]) if row else None
        failures = tuple(
            str(r[0])
            for r in self.conn.execute(
                "SELECT reason FROM rejects WHERE source = ? ORDER BY id", (key,)
            )
        )
        return PageRecord(
            stored=stored or status in ("added", "duplicate"),
            extracted_nothing=status == "rejected",
            failures=failures,
        )

    def source(self, url: str) -> SourceState | None:
        row = self.conn.execute("SELECT * FROM web_sources WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        links = json.loads(row["links"] or "[]")
        return SourceState(
            url=str(row["url"]),
            kind=row["kind"],
            etag=row["etag"],
            last_modified=row["last_modified"],
            links=tuple(str(u) for u in links if isinstance(u, str)),
            checked=str(row["checked"]),
            changed=row["changed"],
            status=str(row["status"]),
            detail=str(row["detail"]),
        )

    def save_source(self, state: SourceState) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO web_sources"
            " (url, kind, etag, last_modified, links, checked, changed, status, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                state.url,
                state.kind,
                state.etag,
                state.last_modified,
                json.dumps(list(state.links)),
                state.checked,
                state.changed,
                state.status,
                state.detail,
            ),
        )

    def sources(self) -> list[SourceState]:
        """Every source document's state, by URL."""
        urls = [str(r[0]) for r in self.conn.execute("SELECT url FROM web_sources ORDER BY url")]
        return [s for u in urls if (s := self.source(u)) is not None]


__all__ = ["PageRecord", "SourceState", "WebState"]
