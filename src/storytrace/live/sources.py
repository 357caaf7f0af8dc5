"""What a watched document lists: the article pages of a feed or sitemap, the sitemaps of a
sitemap index, the feeds a home page links to.

Pure functions of the fetched bytes. The content decides the kind, not the URL or the
Content-Type (both are often wrong): RSS (0.9x, 1.0 RDF, 2.0) and Atom feeds, sitemaps
(``urlset``, news sitemaps included; plain-text sitemaps of one URL per line) and sitemap
indexes, gzipped or not, and HTML pages, whose ``<link rel="alternate">`` name their feeds.

XML is parsed by lxml with entities left unexpanded, no DTD or network access and the
default size caps (no ``huge_tree``), and in recovery mode, since real feeds are often a little
broken. Only http and https links are kept, made absolute against the document's own URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import urljoin

import lxml.etree

from ..extract.html import parse_html
from ..extract.meta import normalize_date
from ..urls import is_web_url, url_key
from .body import CorruptData, TooLarge, unpack_gzip

Kind = Literal["feed", "sitemap", "sitemap-index", "home"]
MAX_LINKS = 50_000
"""Links read from one document: the sitemap protocol's own limit per file."""
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
XML_ROOTS = frozenset({"rss", "RDF", "feed", "urlset", "sitemapindex"})
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_FIRST_ELEMENT = re.compile(rb"<([A-Za-z][\w.:-]*)")  # not <?xml ...?> nor <!DOCTYPE ...>
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.I)


class NotASource(Exception):
    """The document is none of the kinds storytrace reads, or cannot be read."""


@dataclass(frozen=True)
class Listing:
    """What one document lists."""

    kind: Kind
    pages: tuple[str, ...] = ()
    """Article pages: a feed's in its own order, a sitemap's newest first (undated last)."""
    documents: tuple[str, ...] = field(default_factory=tuple)
    """Further documents to read: an index's sitemaps (most recently changed first) or a home
    page's feeds."""


def read_listing(body: bytes, url: str, *, max_bytes: int) -> Listing:
    """The listing of a document fetched from ``url`` (its final URL, the base of relative
    links); :class:`NotASource` when it is none of the kinds above."""
    try:
        data = unpack_gzip(body, max_bytes)
    except TooLarge as exc:
        raise NotASource(f"unpacks to more than {exc.limit} bytes") from None
    except CorruptData as exc:
        raise NotASource(str(exc)) from None
    head = _COMMENT.sub(b"", data[:4096])
    first = _FIRST_ELEMENT.search(head)
    if first and first.group(1).decode("ascii").rsplit(":", 1)[-1] in XML_ROOTS:
        return _xml_listing(data, url)
    if _HTML_START.search(head):
        return _home_listing(data, url)
    pages = _plain_sitemap(data, url)
    if pages:
        return Listing("sitemap", pages)
    raise NotASource("not a feed, a sitemap or a web page")


def _xml_listing(data: bytes, url: str) -> Listing:
    parser = lxml.etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = lxml.etree.fromstring(data, parser=parser)
    except (lxml.etree.LxmlError, ValueError) as exc:
        raise NotASource(f"cannot parse the XML: {exc}") from None
    if root is None:
        raise NotASource("cannot parse the XML: no root element")
    name = _local(root)
    if name == "urlset":
        return Listing("sitemap", _newest_first(_sitemap_entries(root, "url"), url))
    if name == "sitemapindex":
        children = _newest_first(_sitemap_entries(root, "sitemap"), url)
        return Listing("sitemap-index", documents=children)
    if name in ("rss", "RDF", "feed"):
        return Listing("feed", _feed_pages(root, url))
    raise NotASource(f"an XML document of another kind (<{name}>)")


def _feed_pages(root: lxml.etree._Element, base: str) -> tuple[str, ...]:
    links = (_item_link(item) for item in _elements(root) if _local(item) in ("item", "entry"))
    return _unique(base, (link for link in links if link))


def _item_link(item: lxml.etree._Element) -> str | None:
    """An RSS item's or Atom entry's article URL: FeedBurner's ``origLink`` (the publisher's
    own URL behind a tracking one), else ``<link>`` (Atom: the ``alternate`` one), else a
    ``<guid>`` that is a permalink, else RDF's ``rdf:about``."""
    links: dict[str, str] = {}
    for child in _elements(item, children=True):
        name = _local(child)
        text = (child.text or "").strip()
        if name == "origLink" and text:
            links.setdefault("orig", text)
        elif name == "link":
            href = child.get("href")
            if href is not None:
                rel = (child.get("rel") or "alternate").strip().lower()
                if rel == "alternate":
                    links.setdefault("link", href.strip())
            elif text:
                links.setdefault("link", text)
        elif name in ("guid", "id") and text and child.get("isPermaLink", "true") != "false":
            links.setdefault("guid", text)
    about = next((v for k, v in item.attrib.items() if str(k).endswith("}about")), None)
    for key in ("orig", "link", "guid"):
        if key in links and is_web_url(urljoin("http://x/", links[key])):
            return links[key]
    return str(about) if about else None


def _sitemap_entries(root: lxml.etree._Element, entry: str) -> list[tuple[str, str | None]]:
    """``(loc, date)`` of each ``<url>`` or ``<sitemap>``: the date is the news sitemap's
    publication date, else ``<lastmod>``."""
    found: list[tuple[str, str | None]] = []
    for node in _elements(root, children=True):
        if _local(node) != entry:
            continue
        loc = published = lastmod = None
        for child in _elements(node):
            name = _local(child)
            text = (child.text or "").strip()
            if name == "loc" and loc is None and text:
                loc = text
            elif name == "publication_date" and text:
                published = text
            elif name == "lastmod" and text:
                lastmod = text
        if loc:
            found.append((loc, published or lastmod))
            if len(found) >= MAX_LINKS:
                break
    return found


def _newest_first(entries: list[tuple[str, str | None]], base: str) -> tuple[str, ...]:
    def when(entry: tuple[str, str | None]) -> float:
        iso = normalize_date(entry[1]) if entry[1] else None
        if iso is None:
            return float("-inf")
        try:
            return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return float("-inf")

    # sorted() is stable: undated entries and equal dates keep the document's order.
    return _unique(base, (url for url, _ in sorted(entries, key=when, reverse=True)))


def _home_listing(data: bytes, url: str) -> Listing:
    try:
        tree = parse_html(data.decode("utf-8", errors="replace"))
    except (lxml.etree.LxmlError, ValueError, RecursionError) as exc:
        raise NotASource(f"cannot parse the page: {exc}") from None
    feeds: list[str] = []
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rels and kind in FEED_TYPES and href:
            feeds.append(href)
    return Listing("home", documents=_unique(url, feeds))


def _plain_sitemap(data: bytes, url: str) -> tuple[str, ...]:
    """A text sitemap: one URL per line and nothing else (blank lines aside)."""
    text = data.decode("utf-8", errors="replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or not all(is_web_url(line) for line in lines):
        return ()
    return _unique(url, lines)


def _unique(base: str, links: Iterable[str]) -> tuple[str, ...]:
    """Links made absolute against ``base``, in order, each page once (by its normalised
    URL), only http(s) ones, at most :data:`MAX_LINKS`."""
    seen: set[str] = set()
    out: list[str] = []
    for link in links:
        try:
            absolute = urljoin(base, link.strip())
        except ValueError:
            continue
        key = url_key(absolute)
        if key is not None and key not in seen:
            seen.add(key)
            out.append(absolute)
            if len(out) >= MAX_LINKS:
                break
    return tuple(out)


def _elements(node: lxml.etree._Element, *, children: bool = False) -> list[lxml.etree._Element]:
    """Element children (``children``) or descendants, without entity references and the like."""
    found = node.iterchildren() if children else node.iterdescendants()
    return [e for e in found if isinstance(e.tag, str)]


def _local(node: lxml.etree._Element) -> str:
    tag = node.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


__all__ = ["FEED_TYPES", "MAX_LINKS", "Kind", "Listing", "NotASource", "read_listing"]
