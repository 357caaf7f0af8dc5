"""``storytrace watch``: read feeds, sitemaps and home pages, and ingest the article pages they
list that the store does not hold yet, one pass after another.

A pass:

1. reads each source document with a conditional request (the ETag and Last-Modified of its
   last complete read, from ``web_sources``): a 304 costs one request and nothing else. A home
   page leads to the feeds it links to (else to the sitemaps its robots.txt names, else to
   ``/sitemap.xml``), a sitemap index to its sitemaps, the most recently changed first;
2. keeps the article links worth fetching (:func:`~.pages.worth_fetching`: not stored, not
   given up), at most ``max_new`` per document;
3. fetches them and ingests them through the normal runner, which commits them in batches;
4. records each document's state. Its validators are kept only when every page it listed is
   now stored or given up, so that a page that waited, timed out or met a server error is
   listed again by the next pass's full read.

A document that fails (a time-out, a 404, not a feed) is reported and the pass goes on with
the others. An interrupted pass keeps the batches it committed and records no document state,
so the next pass reads every document in full and skips what was stored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from ..config import Config, FetchSettings, WatchSettings
from ..errors import InputError, StoreBusy
from ..model import Document, Reject
from ..pipeline.ingest import Ingester, progress_bar
from ..pipeline.report import IngestReport
from ..store import Store
from ..store.web import SourceState
from ..urls import is_web_url, url_key
from .fetch import Fetcher, FetchFailed, transient
from .pacing import interleave
from .pages import PAGES_PER_BATCH, fetch_pages, host_of, page_key, worth_fetching
from .robots import origin_of
from .sources import Listing, NotASource, read_listing

log = logging.getLogger(__name__)
MAX_DEPTH = 2
"""Documents followed from a source: a home page -> its sitemap index -> the sitemaps."""


@dataclass
class DocumentRead:
    """One feed, sitemap or home page read in a pass."""

    url: str
    kind: str | None
    status: str
    """``read``, ``not-modified`` or ``failed``."""
    detail: str = ""
    links: int = 0
    """Article links it lists (when read)."""
    new: int = 0
    """Of them, fetched in this pass."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "kind": self.kind,
            "status": self.status,
            "detail": self.detail,
            "links": self.links,
            "new": self.new,
        }


@dataclass
class PassReport:
    """What one pass did."""

    number: int = 1
    started: str = ""
    documents: list[DocumentRead] = field(default_factory=list)
    links: int = 0
    """Distinct article links in the documents read."""
    new: int = 0
    """Pages fetched."""
    known: int = 0
    """Links skipped: stored already, or given up."""
    waiting: int = 0
    """Links left for the next pass (over ``max_new`` for their document)."""
    ingest: IngestReport = field(default_factory=IngestReport)
    requests: int = 0
    """HTTP requests sent, robots.txt included."""
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for d in self.documents if d.status == status)

    def to_dict(self) -> dict[str, Any]:
        ingest = self.ingest.to_dict()
        return {
            "pass": self.number,
            "started": self.started,
            "sources": {
                "read": self.count("read"),
                "not_modified": self.count("not-modified"),
                "failed": self.count("failed"),
            },
            "links": self.links,
            "new": self.new,
            "known": self.known,
            "waiting": self.waiting,
            "added": ingest["added"],
            "duplicates": ingest["duplicates"],
            "rejected": ingest["rejected"],
            "rejected_by_reason": ingest["rejected_by_reason"],
            "stories": ingest["stories"],
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "documents": [d.to_dict() for d in self.documents],
            "ingest": ingest,
        }

    def summary(self) -> str:
        """One line: sources, links, what was added and rejected."""
        r = self.ingest
        rejected = sum(r.rejected.values())
        reasons = ", ".join(f"{k} {n}" for k, n in sorted(r.rejected.items()))
        parts = [
            f"sources {self.count('read')} read, {self.count('not-modified')} not modified, "
            f"{self.count('failed')} failed",
            f"{self.links} article links, {self.new} new, {self.known} already stored or given up"
            + (f", {self.waiting} wait for the next pass" if self.waiting else ""),
            f"{r.added} added, {r.duplicates} already stored (same URL or body), "
            f"{rejected} rejected" + (f" ({reasons})" if reasons else ""),
            f"{r.new_stories} new stories, {r.joined} joined",
            f"{r.stories} stories in store",
        ]
        return f"watch pass {self.number}: " + "; ".join(parts) + f"; {self.seconds:.1f} s"


def watch_sources(given: Iterable[str], settings: WatchSettings) -> list[str]:
    """The sources of a watch: those given, then ``[watch] sources``, each once; InputError
    for one that is not an http(s) URL, or when there are none."""
    out: list[str] = []
    seen: set[str] = set()
    for source in [*given, *settings.sources]:
        key = url_key(source) if is_web_url(source) else None
        if key is None:
            raise InputError(f"{source!r} is not a feed, sitemap or home page URL (http or https)")
        if key not in seen:
            seen.add(key)
            out.append(source.strip())
    if not out:
        raise InputError(
            "no sources: name feeds, sitemaps or home pages, or list them in [watch] sources"
            " of storytrace.toml"
        )
    return out


def watch(
    sources: Sequence[str],
    *,
    db: str,
    config: Config,
    fetch: FetchSettings,
    settings: WatchSettings,
    once: bool = False,
    progress: bool = False,
    on_pass: Callable[[PassReport], None] = lambda report: None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> PassReport | None:
    """Run passes over ``sources`` (see :func:`watch_sources`) every ``settings.every``
    seconds, or one with ``once``; ``on_pass`` gets each pass's report. Returns the last one.

    Runs until interrupted. An interrupt (Ctrl-C, SIGTERM) while it waits between passes
    ends it normally; one during a pass propagates, after the batch in progress is rolled
    back. A pass that finds the database being written by another run is skipped (with
    ``once``, that is an error).
    """
    sources = watch_sources(sources, settings)
    last: PassReport | None = None
    number = 0
    while True:
        number += 1
        began = clock()
        try:
            last = run_pass(
                sources,
                db=db,
                config=config,
                fetch=fetch,
                settings=settings,
                number=number,
                progress=progress,
            )
        except StoreBusy as exc:
            if once:
                raise
            log.warning("pass %d skipped: %s", number, exc)
        else:
            on_pass(last)
        if once:
            return last
        try:
            sleep(max(0.0, settings.every - (clock() - began)))
        except KeyboardInterrupt:
            return last


def run_pass(
    sources: Sequence[str],
    *,
    db: str,
    config: Config,
    fetch: FetchSettings,
    settings: WatchSettings,
    number: int = 1,
    progress: bool = False,
) -> PassReport:
    """One pass over ``sources`` into the database ``db``."""
    with Store(db) as store, Fetcher(fetch) as fetcher:
        return WatchPass(store, fetcher, config=config, settings=settings).run(
            sources, number=number, progress=progress
        )


class WatchPass:
    """The steps of one pass over an open store, with one fetcher (its robots.txt cache and
    host delays last for the pass)."""

    def __init__(
        self, store: Store, fetcher: Fetcher, *, config: Config, settings: WatchSettings
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.config = config
        self.settings = settings
        self.report = PassReport()
        self._visited: set[str] = set()
        self._states: dict[str, SourceState] = {}
        self._before: dict[str, SourceState | None] = {}
        """Each document's state as the pass found it."""
        self._read_as: dict[str, DocumentRead] = {}
        self._pages_of: dict[str, list[str]] = {}
        """Each read document's article links, by the document's key."""
        self._private: dict[str, bool] = {}
        """Whether a page may be on a private address: its source was named on one."""

    def run(self, sources: Sequence[str], *, number: int = 1, progress: bool = False) -> PassReport:
        began = time.monotonic()
        self.report = PassReport(number=number, started=_now())
        bar = progress_bar(progress, desc="watch", unit=" requests")
        try:
            # Level by level (sources, then the documents they name...), hosts in turn.
            level = [(source, self.fetcher.on_private_network(source)) for source in sources]
            for _depth in range(MAX_DEPTH + 1):
                level = interleave(level, key=lambda item: host_of(item[0]))
                self.fetcher.check_ahead(level)
                level = [
                    (child, private_ok)
                    for url, private_ok in level
                    for child in self._read(url, private_ok=private_ok, bar=bar)
                ]
            chosen, incomplete = self._choose()
            failed = self._ingest(sources, chosen, bar)
            self._save(incomplete, failed)
        finally:
            bar.close()
            self.report.requests = self.fetcher.requests
            self.report.seconds = time.monotonic() - began
        return self.report

    # -- 1. documents ------------------------------------------------------------------------

    def _read(self, url: str, *, private_ok: bool, bar: Any) -> Sequence[str]:
        """Read one document; the documents it names."""
        key = url_key(url)
        if key is None or key in self._visited:
            return ()
        self._visited.add(key)
        old = self._before[key] = self.store.web.source(key)
        checked = _now()
        try:
            response = self.fetcher.get(
                url,
                max_bytes=self.fetcher.settings.max_source_bytes,
                private_ok=private_ok,
                etag=old.etag if old else None,
                last_modified=old.last_modified if old else None,
            )
        except FetchFailed as exc:
            self._failed(url, key, old, checked, exc.detail)
            return ()
        finally:
            bar.update(1)
        if response.status == 304:
            kind = old.kind if old else None
            children: Sequence[str] = old.links if old else ()
            self.report.documents.append(DocumentRead(url, kind, "not-modified"))
            state = old or SourceState(key, kind)
            self._states[key] = replace(state, checked=checked, status="not-modified", detail="")
        else:
            try:
                listing = read_listing(
                    response.body,
                    response.final_url,
                    max_bytes=self.fetcher.settings.max_source_bytes,
                )
            except NotASource as exc:
                self._failed(url, key, old, checked, str(exc))
                return ()
            children = self._children(listing, response.final_url)
            read = DocumentRead(url, listing.kind, "read", links=len(listing.pages))
            self.report.documents.append(read)
            self._read_as[key] = read
            self._pages_of[key] = list(listing.pages)
            for page in listing.pages:
                key_of_page = page_key(page)
                self._private[key_of_page] = self._private.get(key_of_page, False) or private_ok
            self._states[key] = SourceState(
                url=key,
                kind=listing.kind,
                etag=response.etag,
                last_modified=response.last_modified,
                links=tuple(children),
                checked=checked,
                changed=checked,
                status="read",
            )
        return children

    def _children(self, listing: Listing, url: str) -> list[str]:
        """The documents to read after this one."""
        if listing.kind == "sitemap-index":
            return list(listing.documents[: self.settings.max_sitemaps])
        if listing.kind == "home" and not listing.documents:
            # No feed on the page: the sitemaps robots.txt names, else the usual place.
            named = self.fetcher.robots.rules(url).sitemaps
            return list(named) if named else [origin_of(url) + "/sitemap.xml"]
        return list(listing.documents)

    def _failed(
        self, url: str, key: str, old: SourceState | None, checked: str, detail: str
    ) -> None:
        log.warning("source %s: %s", url, detail)
        self.report.documents.append(DocumentRead(url, old.kind if old else None, "failed", detail))
        state = old or SourceState(key)
        self._states[key] = replace(state, checked=checked, status="failed", detail=detail)

    # -- 2. which pages ----------------------------------------------------------------------

    def _choose(self) -> tuple[list[str], set[str]]:
        """The pages to fetch, and the documents some of whose new pages wait for the next
        pass."""
        worth: dict[str, bool] = {}
        chosen: dict[str, str] = {}
        waiting: set[str] = set()
        incomplete: set[str] = set()
        for doc_key, pages in self._pages_of.items():
            taken = 0
            for page in pages:
                key = page_key(page)
                if key not in worth:
                    record = self.store.web.page(key)
                    worth[key] = worth_fetching(record, max_attempts=self.settings.max_attempts)
                if not worth[key]:
                    continue
                if taken >= self.settings.max_new:
                    incomplete.add(doc_key)
                    waiting.add(key)
                    continue
                taken += 1
                chosen.setdefault(key, page)
            self._read_as[doc_key].new = taken
        self.report.links = len(worth)
        self.report.known = sum(1 for ok in worth.values() if not ok)
        self.report.new = len(chosen)
        self.report.waiting = len(waiting - chosen.keys())
        return list(chosen.values()), incomplete

    # -- 3. the pages ------------------------------------------------------------------------

    def _ingest(self, sources: Sequence[str], pages: list[str], bar: Any) -> set[str]:
        """Fetch and ingest ``pages``; the keys of those that failed for a passing reason."""
        failed: set[str] = set()
        if not pages:  # no run to record: the store is as it was
            self.report.ingest.stories = self.store.live_stories()
            return failed
        bar.total = bar.n + len(pages)
        bar.refresh()
        config = self.config.with_overrides(batch_size=min(self.config.batch_size, PAGES_PER_BATCH))
        ingester = Ingester(self.store, config)

        def done(url: str, item: Document | Reject) -> None:
            if isinstance(item, Reject) and transient(item.reason):
                failed.add(page_key(url))
            bar.update(1)
            bar.set_postfix_str(ingester.report.short(), refresh=False)

        items = fetch_pages(
            pages,
            self.fetcher,
            max_bytes=self.config.max_bytes,
            private_ok=lambda url: self._private.get(page_key(url), False),
            done=done,
        )
        self.report.ingest = ingester.run(
            list(sources), inputs=items, command="watch " + " ".join(sources)
        )
        return failed

    # -- 4. document states ------------------------------------------------------------------

    def _save(self, incomplete: set[str], failed: set[str]) -> None:
        states = []
        for key, state in self._states.items():
            pages = self._pages_of.get(key, [])
            left = key in incomplete or any(page_key(p) in failed for p in pages)
            if left and state.status == "read":
                old = self._before.get(key)
                # Not complete: the next pass reads it in full and lists what is left.
                state = replace(
                    state,
                    etag=old.etag if old else None,
                    last_modified=old.last_modified if old else None,
                )
            states.append(state)
        with self.store.transaction():
            for state in states:
                self.store.web.save_source(state)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["DocumentRead", "PassReport", "WatchPass", "run_pass", "watch", "watch_sources"]
