"""A news story breaking on this machine: fictional outlets that publish the example corpus's
articles over time, for trying ``storytrace watch`` and ``storytrace ingest URL`` without
touching the internet (docs/live.md shows a session with it).

Each outlet is served from its own loopback address (127.0.0.2, 127.0.0.3, ...), so that each
is an outlet of its own to storytrace, with a home page, an RSS feed, a robots.txt and the
article pages; one outlet has no feed link but a news sitemap named in its robots.txt. The
wire agency publishes first and the others follow, a step every ``--publish-every`` seconds:
two stories (a grain deal on the Danube, an earthquake in Turkey) grow as the watch reads
them. Two links go wrong on purpose: one into a folder robots.txt disallows, one to a page
that is gone.

    python examples/live_demo.py --port 8765 --publish-every 30

Linux routes all of 127.0.0.0/8 to the loopback interface. On macOS, add the addresses first:
``for i in 2 3 4 5 6 7 8; do sudo ifconfig lo0 alias 127.0.0.$i up; done``.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import html
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

CORPUS = Path(__file__).resolve().parent / "corpus"


@dataclass(frozen=True)
class Outlet:
    address: str
    name: str
    feed: bool = True
    """Whether its home page links to an RSS feed (else: a news sitemap in robots.txt)."""
    robots: str = "User-agent: *\nAllow: /\n"


OUTLETS = {
    "meridianpress": Outlet("127.0.0.2", "Meridian Press"),
    "harbortimes": Outlet("127.0.0.3", "The Harbor Times"),
    "coastpost": Outlet("127.0.0.4", "Coast Post", robots="User-agent: *\nDisallow: /drafts/\n"),
    "valleyledger": Outlet(
        "127.0.0.5", "The Valley Ledger", robots="User-agent: *\nCrawl-delay: 2\n"
    ),
    "worlddispatch": Outlet("127.0.0.6", "World Dispatch"),
    "metroherald": Outlet("127.0.0.7", "Metro Herald"),
    "northgazette": Outlet("127.0.0.8", "Northern Gazette", feed=False),
}

# (outlet, corpus file) published at each step; the wire agency's copy comes first.
STEPS = [
    [("meridianpress", "a24"), ("harbortimes", "a05")],
    [("harbortimes", "a04"), ("coastpost", "a21"), ("coastpost", "a14")],
    [
        ("valleyledger", "a23"),
        ("worlddispatch", "a30"),
        ("worlddispatch", "a07"),
        ("northgazette", "page-1"),
    ],
    [("metroherald", "a31")],
]
# Links that go wrong, listed from the second step on.
BROKEN = {
    "coastpost": "/drafts/danube-deal-notes",
    "valleyledger": "/news/world/retracted-grain-story",
}


@dataclass(frozen=True)
class Article:
    outlet: str
    path: str
    title: str
    published: str
    page: bytes


def load(outlet: str, name: str) -> Article:
    """A corpus article as its outlet's web page, at the path of its URL in the corpus."""
    if name.startswith("page-"):
        raw = (CORPUS / f"{name}.html").read_bytes()
        text = raw.decode("utf-8")
        path = urlsplit(text.split('rel="canonical" href="', 1)[1].split('"', 1)[0]).path
        title = text.split("<title>", 1)[1].split("</title>", 1)[0]
        published = text.split('article:published_time" content="', 1)[1].split('"', 1)[0]
        return Article(outlet, path, title, published, raw)
    meta = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
    title, _, body = (CORPUS / f"{name}.txt").read_text(encoding="utf-8").strip().partition("\n")
    site = OUTLETS[outlet].name
    paragraphs = "\n".join(
        f"    <p>{html.escape(p.strip())}</p>" for p in body.split("\n\n") if p.strip()
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
  <title>{html.escape(title)} | {site}</title>
  <meta property="og:site_name" content="{site}">
  <meta property="article:published_time" content="{meta["published"]}">
  <link rel="alternate" type="application/rss+xml" href="/feed.xml">
</head><body>
  <header><a href="/">{site}</a> <nav><a href="/world">World</a> <a href="/business">Business</a></nav></header>
  <main><article>
    <h1>{html.escape(title)}</h1>
    <time datetime="{meta["published"]}">{meta["published"][:10]}</time>
{paragraphs}
  </article></main>
  <footer>&copy; 2026 {site}</footer>
</body></html>
"""
    return Article(outlet, urlsplit(meta["url"]).path, title, meta["published"], page.encode())


class Newsroom:
    """What each outlet has published so far."""

    def __init__(self, publish_every: float) -> None:
        self.started = time.time()
        self.publish_every = publish_every
        self.steps = [[load(outlet, name) for outlet, name in step] for step in STEPS]

    def step(self) -> int:
        return min(int((time.time() - self.started) // self.publish_every), len(STEPS) - 1)

    def published(self, outlet: str) -> list[Article]:
        """Newest first."""
        out = [a for step in self.steps[: self.step() + 1] for a in step if a.outlet == outlet]
        return out[::-1]

    def when(self, step: int) -> str:
        return email.utils.formatdate(self.started + step * self.publish_every, usegmt=True)


def handler(outlet: str, room: Newsroom) -> type[BaseHTTPRequestHandler]:
    site = OUTLETS[outlet]
    base = f"http://{site.address}:{{port}}"

    class Handler(BaseHTTPRequestHandler):
        server_version = "live-demo"

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            here = base.format(port=self.server.server_address[1])
            path = self.path.split("?", 1)[0]
            articles = room.published(outlet)
            broken = BROKEN.get(outlet) if room.step() >= 1 else None
            if path == "/robots.txt":
                robots = site.robots + (
                    f"Sitemap: {here}/news-sitemap.xml\n" if not site.feed else ""
                )
                return self.send(robots.encode(), "text/plain")
            if path == "/":
                link = (
                    '<link rel="alternate" type="application/rss+xml" href="/feed.xml">'
                    if site.feed
                    else ""
                )
                items = "".join(
                    f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>' for a in articles
                )
                page = f"<!doctype html><html><head><title>{site.name}</title>{link}</head><body><h1>{site.name}</h1><ul>{items}</ul></body></html>"
                return self.send(page.encode(), "text/html; charset=utf-8")
            if path == "/feed.xml" and site.feed:
                links = [here + a.path for a in articles] + ([here + broken] if broken else [])
                items = "".join(
                    f"<item><title>{i}</title><link>{u}</link></item>" for i, u in enumerate(links)
                )
                feed = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{site.name}</title>{items}</channel></rss>'
                return self.send(feed.encode(), "application/rss+xml", dated=True)
            if path == "/news-sitemap.xml" and not site.feed:
                rows = "".join(
                    f"<url><loc>{here}{a.path}</loc><news:news><news:publication_date>{a.published}"
                    "</news:publication_date></news:news></url>"
                    for a in articles
                )
                sitemap = (
                    '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
                    f' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{rows}</urlset>'
                )
                return self.send(sitemap.encode(), "application/xml", dated=True)
            for a in articles:
                if a.path == path:
                    return self.send(a.page, "text/html; charset=utf-8")
            self.send(b"<html><body><h1>Not found</h1></body></html>", "text/html", status=404)

        def send(self, body: bytes, kind: str, *, status: int = 200, dated: bool = False) -> None:
            tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if dated and self.headers.get("If-None-Match") == tag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            if dated:
                self.send_header("ETag", tag)
                self.send_header("Last-Modified", room.when(room.step()))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            print(f"  {site.address} {self.requestline} -> {args[1]}", flush=True)

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--publish-every", type=float, default=30.0, metavar="SECONDS")
    parser.add_argument("--quiet", action="store_true", help="Do not print each request.")
    args = parser.parse_args()
    room = Newsroom(args.publish_every)
    servers = []
    for outlet, site in OUTLETS.items():
        server = ThreadingHTTPServer((site.address, args.port), handler(outlet, room))
        if args.quiet:
            server.RequestHandlerClass.log_message = lambda *a: None  # type: ignore[method-assign]
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        how = "feed at /feed.xml" if site.feed else "news sitemap named in /robots.txt"
        print(f"{site.name:<18} http://{site.address}:{args.port}/  ({how})", flush=True)
    print(
        f"publishing {len(STEPS)} steps, one every {args.publish_every:g} s; Ctrl-C stops",
        flush=True,
    )
    shown = -1
    try:
        while True:
            if room.step() != shown:
                shown = room.step()
                names = ", ".join(
                    f"{OUTLETS[a.outlet].name}: {a.title[:40]}" for a in room.steps[shown]
                )
                print(f"step {shown + 1} published: {names}", flush=True)
            time.sleep(0.5)
    except KeyboardInterrupt:
        for server in servers:
            server.shutdown()


if __name__ == "__main__":
    main()
