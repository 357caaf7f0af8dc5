"""Feeds, sitemaps and home pages: what each lists, read from hostile bytes safely."""

from __future__ import annotations

import gzip
import time

import pytest

from storytrace.live import sources
from storytrace.live.sources import NotASource, read_listing

BASE = "https://news.example/feed.xml"
LIMIT = 1_000_000


def listing(data: bytes, url: str = BASE):  # type: ignore[no-untyped-def]
    return read_listing(data, url, max_bytes=LIMIT)


def test_rss_items_give_their_links_in_order_each_once() -> None:
    rss = b"""<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="/rss.xsl"?>
<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel>
<item><link>https://news.example/a.html?utm_source=rss</link></item>
<item><link>/b.html</link></item>
<item><guid>https://news.example/c.html</guid></item>
<item><guid isPermaLink="false">https://news.example/not-a-link</guid></item>
<item><link>https://feeds.example/~r/x</link><feedburner:origLink>https://news.example/e.html</feedburner:origLink></item>
<item><link>javascript:alert(1)</link></item>
<item><link>https://news.example/a.html</link></item>
</channel></rss>"""
    got = listing(rss)
    assert got.kind == "feed"
    assert got.pages == (
        "https://news.example/a.html?utm_source=rss",
        "https://news.example/b.html",
        "https://news.example/c.html",
        "https://news.example/e.html",
    )


def test_atom_and_rss_1_0() -> None:
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="edit" href="/e1"/>
<link href="/news/x"/></entry><entry><link rel="alternate" type="text/html"
href="https://news.example/news/y"/></entry></feed>"""
    assert listing(atom).pages == ("https://news.example/news/x", "https://news.example/news/y")
    rdf = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/"><channel/><item rdf:about="https://news.example/r1">
<link>https://news.example/r1</link></item><item rdf:about="https://news.example/r2"/></rdf:RDF>"""
    assert listing(rdf).pages == ("https://news.example/r1", "https://news.example/r2")


def test_a_news_sitemap_lists_the_newest_first_and_gzip_is_unpacked() -> None:
    sm = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/old</loc><lastmod>2020-01-01</lastmod></url>
<url><loc>https://news.example/undated</loc></url>
<url><loc>https://news.example/new</loc><news:news><news:publication_date>2026-05-01T10:00:00+02:00</news:publication_date></news:news></url>
</urlset>"""
    expected = (
        "https://news.example/new",
        "https://news.example/old",
        "https://news.example/undated",
    )
    assert listing(sm).kind == "sitemap" and listing(sm).pages == expected
    assert listing(gzip.compress(sm), "https://news.example/s.xml.gz").pages == expected


def test_a_sitemap_index_lists_its_sitemaps_most_recent_first() -> None:
    idx = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example/s1.xml</loc><lastmod>2021-01-01</lastmod></sitemap>
<sitemap><loc>https://news.example/s2.xml.gz</loc><lastmod>2025-01-01T00:00:00Z</lastmod></sitemap>
</sitemapindex>"""
    got = listing(idx)
    assert got.kind == "sitemap-index" and got.pages == ()
    assert got.documents == ("https://news.example/s2.xml.gz", "https://news.example/s1.xml")


def test_a_home_page_names_its_feeds() -> None:
    home = b"""<!doctype html><html><head>
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="alternate" type="application/atom+xml; charset=utf-8" href="https://news.example/atom">
<link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
<link rel="stylesheet" href="/s.css"></head><body><p>News</p></body></html>"""
    got = listing(home, "https://news.example/")
    assert got.kind == "home"
    assert got.documents == ("https://news.example/feed.xml", "https://news.example/atom")


def test_a_plain_text_sitemap() -> None:
    got = listing(
        b"https://news.example/a\n\nhttps://news.example/b\n", "https://news.example/s.txt"
    )
    assert got.kind == "sitemap" and got.pages == (
        "https://news.example/a",
        "https://news.example/b",
    )


def test_entities_are_not_expanded() -> None:
    laughs = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>
<rss><channel><item><link>https://news.example/&i;</link></item></channel></rss>"""
    started = time.process_time()
    got = listing(laughs)
    assert time.process_time() - started < 5  # expanding &i; would make 10^10 characters
    assert all(len(page) < 100 for page in got.pages)


def test_external_entities_are_not_read() -> None:
    feed = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY ext SYSTEM "file:///etc/passwd">
<!ENTITY net SYSTEM "http://127.0.0.1:9/evil">]><rss><channel>
<item><link>https://news.example/a&ext;</link></item>
<item><link>https://news.example/b&net;</link></item></channel></rss>"""
    got = listing(feed)
    assert got.pages == ("https://news.example/a", "https://news.example/b")


def test_links_per_document_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_LINKS", 50)
    rows = "".join(f"<url><loc>https://news.example/{i}</loc></url>" for i in range(60))
    got = listing(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'.encode()
    )
    assert len(got.pages) == 50 and got.pages[-1] == "https://news.example/49"
    items = "".join(f"<item><link>https://news.example/{i}</link></item>" for i in range(60))
    assert len(listing(f"<rss><channel>{items}</channel></rss>".encode()).pages) == 50


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"just some text", "not a feed, a sitemap or a web page"),
        (b"<?xml version='1.0'?><svg/>", "not a feed, a sitemap or a web page"),
        (b"\x1f\x8bnot really gzip", "corrupt compressed data"),
        (gzip.compress(b"<urlset>" + b" " * 2_000_000 + b"</urlset>"), "unpacks to more than"),
        (b"\x00\x01\x02", "not a feed"),
    ],
)
def test_what_is_not_a_source_says_why(data: bytes, why: str) -> None:
    with pytest.raises(NotASource, match=why):
        listing(data)
