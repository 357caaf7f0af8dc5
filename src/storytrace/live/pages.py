"""Article pages from the web, read as the HTML files of ``storytrace ingest`` are: a fetched
page becomes a :class:`~storytrace.model.Document` that goes through the same extraction,
cleaning, reprint and story steps; a failed fetch becomes a
:class:`~storytrace.model.Reject` stored with the other rejects.

A page's input source (``inputs.source``, ``rejects.source``, ``articles.source``) is the
normalised URL it was asked for (:func:`storytrace.urls.url_key`); its article's ``url`` is
the URL it was finally read from, after redirects, so its outlet is that URL's domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit

from ..io.decode import DecodeError, binary_reason, decode, header_charset, meta_charset
from ..model import Document, Reject, Source
from ..store import Store
from ..store.web import PageRecord
from ..urls import url_key
from .fetch import Fetcher, FetchFailed, Response, transient
from .pacing import interleave

PAGES_PER_BATCH = 10
"""Pages arrive at the pace of the network and the hosts' delays: a run from the web commits
every this many, so that a reader (``storytrace serve``) sees them soon and an interrupted run
fetches few again."""


def worth_fetching(record: PageRecord, *, max_attempts: int | None) -> bool:
    """Whether to fetch a page, given what earlier runs did with it.

    A stored page never is. ``max_attempts`` None (``storytrace ingest URL``: the user asks for
    this page): every other page is. Otherwise (``storytrace watch``): not a page whose
    content held no article, nor one rejected for a lasting reason (404, disallowed by
    robots.txt, too large, not HTML...), nor one that failed ``max_attempts`` times already.
    """
    if record.stored:
        return False
    if max_attempts is None:
        return True
    if record.extracted_nothing or any(not transient(r) for r in record.failures):
        return False
    return len(record.failures) < max_attempts


def page_key(url: str) -> str:
    """The source name of a page: its normalised URL (the URL itself when it has none)."""
    return url_key(url) or url.strip()


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def fetch_pages(
    urls: Iterable[str],
    fetcher: Fetcher,
    *,
    max_bytes: int,
    private_ok: Callable[[str], bool | None] = lambda url: None,
    done: Callable[[str, Document | Reject], None] = lambda url, item: None,
) -> Iterator[Document | Reject]:
    """Fetch each page (hosts taken in turn, so that one host's delay passes while another is
    read) and yield it as a Document, or a Reject that says why not. ``private_ok(url)`` is
    passed to :meth:`Fetcher.get`; ``done(url, item)`` is called for each page fetched."""
    ordered = interleave(list(urls), host_of)
    fetcher.check_ahead(
        (url, private_ok(url) or fetcher.on_private_network(url)) for url in ordered
    )
    for url in ordered:
        key = page_key(url)
        try:
            response = fetcher.get(url, max_bytes=max_bytes, html=True, private_ok=private_ok(url))
        except FetchFailed as exc:
            item: Document | Reject = Reject(Source(key), exc.reason, exc.detail)
        else:
            item = page_document(response, key)
        done(url, item)
        yield item


def requested_pages(
    urls: Iterable[str],
    store: Store,
    fetcher: Fetcher,
    *,
    max_bytes: int,
    skipped: Callable[[str], None] = lambda url: None,
) -> Iterator[Document | Reject]:
    """The pages a user named (``storytrace ingest URL...``), each once, fetched unless the
    store holds it already (then ``skipped(url)``). Lazy: the store is asked when the first
    page is wanted, after the inputs ahead of it were ingested."""
    wanted: dict[str, str] = {}
    for url in urls:
        key = page_key(url)
        if key in wanted:
            continue
        if not worth_fetching(store.web.page(key), max_attempts=None):
            skipped(url)
            continue
        wanted[key] = url
    yield from fetch_pages(wanted.values(), fetcher, max_bytes=max_bytes)


def page_document(response: Response, key: str) -> Document | Reject:
    """A fetched page as an HTML Document (its final URL as ``url``), decoded by the rules of
    HTML files (:mod:`storytrace.io.decode`) with the Content-Type charset declared first."""
    src = Source(key)
    data = response.body
    if not data.strip():
        return Reject(src, "empty", "the page is empty")
    why = binary_reason(data)
    if why is not None:
        return Reject(src, "binary", f"not a text page: {why}")
    declared = (header_charset(response.content_type), meta_charset(data))
    try:
        text = decode(data, declared=declared)
    except DecodeError as exc:
        return Reject(src, "decode-error", str(exc))
    fetched = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Document(
        source=src,
        kind="html",
        content=text,
        is_html=True,
        meta={"url": response.final_url, "fetched": fetched},
    )


__all__ = [
    "PAGES_PER_BATCH",
    "fetch_pages",
    "host_of",
    "page_document",
    "page_key",
    "requested_pages",
    "worth_fetching",
]
