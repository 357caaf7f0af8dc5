"""The HTTP client against the news site on 127.0.0.1: every politeness and safety rule, and
the reason each failure is given."""

from __future__ import annotations

import gzip
import socket

import pytest

from storytrace import __version__
from storytrace.config import FetchSettings
from storytrace.live.fetch import Fetcher, FetchFailed, transient, user_agent

from ...live_server import NewsSite, Resource, redirect

FAST = FetchSettings(delay=0, timeout=2.0, deadline=5.0, max_redirects=3)
LIMIT = 200_000


def failure(site: NewsSite, path: str, settings: FetchSettings = FAST, **kw: object) -> FetchFailed:
    with Fetcher(settings) as fetcher, pytest.raises(FetchFailed) as err:
        fetcher.get(site.url(path), max_bytes=LIMIT, html=True, **kw)  # type: ignore[arg-type]
    return err.value


def test_a_page_is_fetched_with_a_user_agent_that_names_storytrace(news_site: NewsSite) -> None:
    with Fetcher(FetchSettings(delay=0, contact="mailto:desk@news.example")) as fetcher:
        got = fetcher.get(news_site.url("/news/quake.html"), max_bytes=LIMIT, html=True)
    assert got.status == 200 and b"Erzincan" in got.body
    assert got.final_url == news_site.url("/news/quake.html")
    agents = {headers["user-agent"] for _, _, headers in news_site.log}
    assert agents == {
        f"storytrace/{__version__} (+https://storytrace.example/crawler; mailto:desk@news.example)"
    }
    assert news_site.requested() == ["/robots.txt", "/news/quake.html"]
    assert user_agent().startswith("storytrace/")


def test_redirects_are_followed_and_the_final_url_kept(news_site: NewsSite) -> None:
    with Fetcher(FAST) as fetcher:
        got = fetcher.get(news_site.url("/news/moved.html"), max_bytes=LIMIT, html=True)
    assert got.final_url == news_site.url("/news/quake-tents.html")
    assert got.url == news_site.url("/news/moved.html")
    assert news_site.requested() == [
        "/robots.txt",
        "/news/moved.html",
        "/r/1",
        "/news/quake-tents.html",
    ]


def test_a_redirect_loop_ends(news_site: NewsSite) -> None:
    err = failure(news_site, "/loop")
    assert err.reason == "too-many-redirects" and "more than 3 redirects" in err.detail
    assert news_site.hits["/loop"] == 4


def test_a_disallowed_page_is_never_requested(news_site: NewsSite) -> None:
    err = failure(news_site, "/private/secret.html")
    assert err.reason == "robots-disallowed" and "disallowed by robots.txt" in err.detail
    assert not err.transient
    news_site.routes["/go-private"] = redirect("/private/secret.html")
    err = failure(news_site, "/go-private")
    assert err.reason == "robots-disallowed"  # a redirect target is checked too
    assert news_site.hits["/private/secret.html"] == 0


def test_http_errors_name_the_status(news_site: NewsSite) -> None:
    err = failure(news_site, "/news/missing.html")
    assert (err.reason, err.detail, err.transient) == ("http-404", "HTTP 404 Not Found", False)
    news_site.routes["/busy"] = Resource(b"busy", status=503)
    err = failure(news_site, "/busy")
    assert (err.reason, err.detail, err.transient) == (
        "http-503",
        "HTTP 503 Service Unavailable",
        True,
    )


def test_a_page_that_never_answers_times_out(news_site: NewsSite) -> None:
    err = failure(news_site, "/news/hang.html", FetchSettings(delay=0, timeout=0.3, deadline=5))
    assert err.reason == "fetch-timeout" and err.detail == "time-out: no data for 0.3 s"
    assert err.transient


def test_a_page_that_trickles_is_cut_off_at_the_deadline(news_site: NewsSite) -> None:
    err = failure(
        news_site, "/news/trickle.html", FetchSettings(delay=0, timeout=0.3, deadline=0.6)
    )
    assert err.reason == "fetch-timeout"
    assert err.detail == "time-out: the response took longer than the deadline of 0.6 s"


def test_a_huge_page_is_stopped_by_its_streamed_size(news_site: NewsSite) -> None:
    err = failure(news_site, "/news/huge.html")
    assert (err.reason, err.detail) == ("too-large", f"more than the limit of {LIMIT} bytes")
    news_site.routes["/big"] = Resource(b"<p>" + b"x" * (LIMIT + 1))
    err = failure(news_site, "/big")  # refused on its Content-Length, before the body
    assert err.reason == "too-large" and "Content-Length" in err.detail


def test_a_compressed_page_is_unpacked_and_its_unpacked_size_limited(news_site: NewsSite) -> None:
    page = b"<html><body><p>" + b"compressed words " * 100 + b"</p></body></html>"
    news_site.routes["/gz"] = Resource(gzip.compress(page), headers={"Content-Encoding": "gzip"})
    with Fetcher(FAST) as fetcher:
        assert fetcher.get(news_site.url("/gz"), max_bytes=LIMIT, html=True).body == page
    assert news_site.log[-1][2]["accept-encoding"] == "gzip"
    bomb = gzip.compress(b"<p>" + b"a" * (LIMIT * 20))
    news_site.routes["/bomb"] = Resource(bomb, headers={"Content-Encoding": "gzip"})
    assert failure(news_site, "/bomb").reason == "too-large"


def test_only_html_pages_are_read(news_site: NewsSite) -> None:
    err = failure(news_site, "/news/report.pdf")
    assert (err.reason, err.detail) == ("not-html", "not HTML (content-type application/pdf)")


def test_only_http_and_https(news_site: NewsSite) -> None:
    news_site.routes["/to-ftp"] = redirect("ftp://127.0.0.1/file")
    err = failure(news_site, "/to-ftp")
    assert err.reason == "bad-url" and "only http and https" in err.detail
    with Fetcher(FAST) as fetcher, pytest.raises(FetchFailed, match="only http and https"):
        fetcher.get("file:///etc/passwd", max_bytes=LIMIT)


def test_private_addresses_only_when_the_user_named_one(news_site: NewsSite) -> None:
    err = failure(news_site, "/news/quake.html", private_ok=False)
    assert (
        err.reason == "private-address" and "127.0.0.1 is a private or local address" in err.detail
    )
    assert news_site.log == []  # not even robots.txt was asked
    news_site.routes["/to-metadata"] = redirect("http://169.254.169.254/latest/meta-data/")
    err = failure(news_site, "/to-metadata", private_ok=False)
    assert err.reason == "private-address"
    with Fetcher(FAST) as fetcher:
        assert fetcher.on_private_network(news_site.url("/"))


def test_a_refused_connection_is_named(news_site: NewsSite) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Fetcher(FAST) as fetcher, pytest.raises(FetchFailed) as err:
        fetcher.get(f"http://127.0.0.1:{port}/news/a.html", max_bytes=LIMIT)
    assert err.value.reason == "robots-unavailable" and "connection refused" in err.value.detail


def test_robots_txt_that_fails_forbids_the_host_for_the_pass(news_site: NewsSite) -> None:
    news_site.routes["/robots.txt"] = Resource(b"down", status=500)
    err = failure(news_site, "/news/quake.html")
    assert err.reason == "robots-unavailable" and "HTTP 500" in err.detail and err.transient
    assert news_site.hits["/news/quake.html"] == 0


def test_a_missing_robots_txt_allows_all(news_site: NewsSite) -> None:
    del news_site.routes["/robots.txt"]
    with Fetcher(FAST) as fetcher:
        assert fetcher.get(news_site.url("/private/secret.html"), max_bytes=LIMIT).status == 200


def test_crawl_delay_and_delay_space_the_requests_to_a_host(news_site: NewsSite) -> None:
    news_site.routes["/robots.txt"] = Resource(
        b"User-agent: *\nCrawl-delay: 0.3\n", content_type="text/plain"
    )
    with Fetcher(FetchSettings(delay=0.1)) as fetcher:
        for path in ("/news/quake.html", "/news/quake-cold.html", "/news/quake-tents.html"):
            fetcher.get(news_site.url(path), max_bytes=LIMIT)
    times = [t for t, path, _ in news_site.log if path.startswith("/news/")]
    assert len(times) == 3
    # The server sees the next request only after the Crawl-delay (the longer one) has passed.
    assert all(b - a >= 0.3 for a, b in zip(times, times[1:], strict=False))


def test_a_conditional_request_gets_304_and_no_body(news_site: NewsSite) -> None:
    with Fetcher(FAST) as fetcher:
        first = fetcher.get(news_site.url("/feed.xml"), max_bytes=LIMIT)
        assert first.status == 200 and first.etag == '"feed-1"' and first.last_modified
        again = fetcher.get(
            news_site.url("/feed.xml"),
            max_bytes=LIMIT,
            etag=first.etag,
            last_modified=first.last_modified,
        )
    assert again.status == 304 and again.body == b""
    assert news_site.log[-1][2]["if-none-match"] == '"feed-1"'


def test_which_failures_pass() -> None:
    assert transient("fetch-timeout") and transient("http-503") and transient("http-429")
    assert (
        not transient("http-404")
        and not transient("too-large")
        and not transient("robots-disallowed")
    )
    assert not transient("extract-failed")


def test_checking_ahead_reads_each_robots_txt_once_and_raises_nothing(news_site: NewsSite) -> None:
    with Fetcher(FAST) as fetcher:
        fetcher.check_ahead(
            [
                (news_site.url("/private/secret.html"), True),  # disallowed: kept for the request
                (news_site.url("/news/quake.html"), True),
            ]
        )
        assert news_site.requested() == ["/robots.txt"]
        with pytest.raises(FetchFailed, match="disallowed"):
            fetcher.get(news_site.url("/private/secret.html"), max_bytes=LIMIT)
    assert news_site.requested() == ["/robots.txt"]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:99999/a", "http://[::1/a", "http://:80/a", "http://127.0.0.1:0/"]
)
def test_unusable_urls_are_refused_before_any_request(url: str) -> None:
    with Fetcher(FAST) as fetcher:
        with pytest.raises(FetchFailed) as err:
            fetcher.get(url, max_bytes=LIMIT, private_ok=True)
    assert err.value.reason == "bad-url" and fetcher.requests == 0
