"""A news site on 127.0.0.1 for the tests of fetching from the web, and a guard that lets the
tests reach no other address.

:class:`NewsSite` serves a feed (RSS and Atom), a sitemap index with a news sitemap and a
gzipped one, a home page that links to its feed, a robots.txt that disallows ``/private/``
and sets a Crawl-delay, article pages made from the example corpus, and the pages that go
wrong: one that never answers, one that trickles a byte at a time, a 404, a redirect chain, a
redirect loop, a huge page, a PDF. It counts every request by path (``hits``), keeps them in
order with their time (``log``), and answers a conditional request for an unchanged feed or
sitemap with 304.
"""

from __future__ import annotations

import email.utils
import gzip
import html
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
LOOPBACK = "127.0.0.1"


@dataclass
class Resource:
    """A fixed answer: status, content type, body, extra headers; ``etag`` makes it answer a
    matching conditional request with 304."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None


Route = Resource | Callable[[BaseHTTPRequestHandler, "NewsSite"], None]


def article_page(name: str, *, site: str = "The Test Gazette") -> bytes:
    """Corpus article ``name`` (``a05``) as a web page with a nav bar and a footer."""
    text = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
    title, _, body = text.strip().partition("\n")
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    ps = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | {site}</title>
<meta property="og:site_name" content="{site}"></head>
<body><header><a href="/">{site}</a><nav><a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>{html.escape(title)}</h1>
{ps}
</article></main>
<footer><p>&copy; 2026 {site}. All rights reserved.</p></footer></body></html>
""".encode()


def rss(items: list[str], base: str) -> bytes:
    entries = "\n".join(
        f"<item><title>{html.escape(path)}</title><link>{base}{path}</link></item>"
        for path in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>The Test Gazette</title><link>{base}/</link>
{entries}
</channel></rss>""".encode()


def atom(items: list[str], base: str) -> bytes:
    entries = "\n".join(
        f'<entry><title>{path}</title><link rel="alternate" href="{path}"/><id>tag:{path}</id></entry>'
        for path in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base}/"><title>The Test Gazette</title>
{entries}
</feed>""".encode()


def sitemap(entries: list[tuple[str, str]], base: str, *, news: bool = False) -> bytes:
    rows = []
    for path, date in entries:
        extra = (
            f"<news:news><news:publication><news:name>The Test Gazette</news:name>"
            f"<news:language>en</news:language></news:publication>"
            f"<news:publication_date>{date}</news:publication_date></news:news>"
            if news
            else f"<lastmod>{date}</lastmod>"
        )
        rows.append(f"<url><loc>{base}{path}</loc>{extra}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        + "\n".join(rows)
        + "\n</urlset>"
    ).encode()


def sitemap_index(entries: list[tuple[str, str]], base: str) -> bytes:
    rows = "\n".join(
        f"<sitemap><loc>{base}{path}</loc><lastmod>{date}</lastmod></sitemap>"
        for path, date in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}\n</sitemapindex>'
    ).encode()


class NewsSite:
    """The site; ``routes`` may be changed by a test before or between requests."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.log: list[tuple[float, str, dict[str, str]]] = []
        self.stop = threading.Event()
        self.routes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((LOOPBACK, 0), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base = f"http://{LOOPBACK}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> NewsSite:
        self._thread.start()
        return self

    def close(self) -> None:
        self.stop.set()  # let a hanging or trickling answer end
        self._server.shutdown()
        self._server.server_close()

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.hits[path] += 1
            self.log.append((time.monotonic(), path, headers))

    def requested(self, prefix: str = "") -> list[str]:
        return [path for _, path, _ in self.log if path.startswith(prefix)]


def _handler(site: NewsSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            path = self.path.split("?", 1)[0]
            site.record(path, {k.lower(): v for k, v in self.headers.items()})
            route = site.routes.get(path)
            if route is None:
                self._answer(Resource(b"<html><body>Not here</body></html>", status=404))
            elif isinstance(route, Resource):
                self._answer(route)
            else:
                route(self, site)

        def _answer(self, r: Resource) -> None:
            conditional = r.etag and self.headers.get("If-None-Match") == r.etag
            dated = r.last_modified and self.headers.get("If-Modified-Since") == r.last_modified
            if conditional or (dated and not self.headers.get("If-None-Match")):
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(r.status)
            if r.content_type:
                self.send_header("Content-Type", r.content_type)
            if r.etag:
                self.send_header("ETag", r.etag)
            if r.last_modified:
                self.send_header("Last-Modified", r.last_modified)
            for k, v in r.headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(r.body)))
            self.end_headers()
            try:
                self.wfile.write(r.body)
            except OSError:
                pass  # the client hung up (a test of a limit)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler


# -- answers that go wrong ----------------------------------------------------------------------


def hang(handler: BaseHTTPRequestHandler, site: NewsSite) -> None:
    """Never answer (until the site stops)."""
    site.stop.wait(10)


def trickle(handler: BaseHTTPRequestHandler, site: NewsSite) -> None:
    """Headers at once, then a byte every 50 ms, for ever (until the site stops)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    try:
        handler.wfile.write(b"<html><body><p>")
        while not site.stop.wait(0.05):
            handler.wfile.write(b"x")
            handler.wfile.flush()
    except OSError:
        pass


def huge(handler: BaseHTTPRequestHandler, site: NewsSite) -> None:
    """A page of 5 MB with no Content-Length: only a streamed count can stop it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    block = b"<p>" + b"word " * 2000 + b"</p>\n"
    try:
        handler.wfile.write(b"<html><body>")
        for _ in range(5_000_000 // len(block)):
            if site.stop.is_set():
                break
            handler.wfile.write(block)
    except OSError:
        pass


def redirect(to: str, status: int = 301) -> Resource:
    return Resource(status=status, content_type=None, headers={"Location": to})


# -- the site the tests read ------------------------------------------------------------------

ARTICLES = {
    "/news/quake.html": "a05",
    "/news/quake-cold.html": "a14",
    "/news/quake-tents.html": "a07",
}
"""Three articles of one story (an earthquake) from the example corpus."""
LATER = {"/news/reef.html": "a01"}
FEED_PATHS = [
    "/news/quake.html",
    "/news/moved.html",
    "/private/secret.html",
    "/news/hang.html",
    "/news/missing.html",
    "/news/huge.html",
    "/news/report.pdf",
    "/news/quake-cold.html",
]
"""The feed: two articles, one behind a redirect chain (to quake-tents), and a page of each
way to fail."""


def standard_site(site: NewsSite, *, crawl_delay: float = 0.05) -> NewsSite:
    base = site.base
    last_modified = email.utils.formatdate(time.time() - 3600, usegmt=True)
    for path, name in {**ARTICLES, **LATER}.items():
        site.routes[path] = Resource(article_page(name))
    site.routes["/private/secret.html"] = Resource(article_page("a03"))
    site.routes["/robots.txt"] = Resource(
        f"User-agent: *\nDisallow: /private/\nCrawl-delay: {crawl_delay}\n"
        f"Sitemap: {base}/sitemap-index.xml\n".encode(),
        content_type="text/plain",
    )
    site.routes["/"] = Resource(
        b"<!doctype html><html><head><title>The Test Gazette</title>"
        b'<link rel="alternate" type="application/rss+xml" title="News" href="/feed.xml">'
        b"</head><body><h1>The Test Gazette</h1></body></html>"
    )
    site.routes["/feed.xml"] = Resource(
        rss(FEED_PATHS, base),
        content_type="application/rss+xml",
        etag='"feed-1"',
        last_modified=last_modified,
    )
    site.routes["/atom.xml"] = Resource(
        atom(list(ARTICLES), base), content_type="application/atom+xml", etag='"atom-1"'
    )
    site.routes["/sitemap-index.xml"] = Resource(
        sitemap_index(
            [("/sitemap-news.xml", "2026-01-19T10:00:00Z"), ("/sitemap-old.xml.gz", "2025-06-01")],
            base,
        ),
        content_type="application/xml",
        etag='"index-1"',
    )
    site.routes["/sitemap-news.xml"] = Resource(
        sitemap(
            [
                ("/news/quake.html", "2026-01-18T06:10:00Z"),
                ("/news/quake-cold.html", "2026-01-18T14:05:00Z"),
            ],
            base,
            news=True,
        ),
        content_type="application/xml",
        etag='"news-1"',
    )
    site.routes["/sitemap-old.xml.gz"] = Resource(
        gzip.compress(sitemap([("/news/reef.html", "2025-05-05")], base)),
        content_type="application/x-gzip",
    )
    site.routes["/news/moved.html"] = redirect("/r/1")
    site.routes["/r/1"] = redirect(base + "/news/quake-tents.html", 302)
    site.routes["/loop"] = redirect("/loop")
    site.routes["/news/hang.html"] = hang
    site.routes["/news/trickle.html"] = trickle
    site.routes["/news/huge.html"] = huge
    site.routes["/news/report.pdf"] = Resource(b"%PDF-1.4 ...", content_type="application/pdf")
    return site


@pytest.fixture
def news_site() -> Iterator[NewsSite]:
    site = standard_site(NewsSite()).start()
    try:
        yield site
    finally:
        site.close()


@pytest.fixture(autouse=False)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any name lookup but 127.0.0.1's: no test reaches another address."""
    real = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name != LOOPBACK:
            raise socket.gaierror(socket.EAI_NONAME, f"the tests reach only {LOOPBACK}, not {name}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
