"""robots.txt as RFC 9309 and Google read it: found, missing, or unreadable."""

from __future__ import annotations

import pytest

from storytrace.live.robots import HostRules, RobotsCache, RobotsUnreadable, origin_of

RULES = b"""User-agent: otherbot
Disallow: /

User-agent: *
Disallow: /private/
Allow: /private/open$
Crawl-delay: 2.5
Sitemap: https://news.example/sitemap.xml
"""


def cache(answer: object) -> tuple[RobotsCache, list[str]]:
    asked: list[str] = []

    def fetch(url: str) -> tuple[int, bytes]:
        asked.append(url)
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[return-value]

    return RobotsCache(fetch), asked


def test_found_rules_are_obeyed_and_read_once_per_origin() -> None:
    robots, asked = cache((200, RULES))
    rules = robots.rules("https://news.example/world/a.html")
    assert rules.allows("https://news.example/world/a.html")
    assert not rules.allows("https://news.example/private/b.html")
    assert rules.allows("https://news.example/private/open")  # the longest match wins
    assert rules.crawl_delay() == 2.5
    assert rules.sitemaps == ("https://news.example/sitemap.xml",)
    robots.rules("https://news.example/other")
    robots.rules("https://NEWS.example:443/x")
    assert asked == ["https://news.example/robots.txt"]
    robots.rules("http://news.example/x")  # another scheme is another origin
    assert asked[-1] == "http://news.example/robots.txt"


@pytest.mark.parametrize("status", [404, 410, 401, 403])
def test_a_missing_robots_txt_allows_everything(status: int) -> None:
    robots, _ = cache((status, b""))
    rules = robots.rules("https://news.example/a")
    assert rules.allows("https://news.example/private/a") and rules.crawl_delay() is None


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ((503, b""), "HTTP 503"),
        ((429, b""), "HTTP 429"),
        (RobotsUnreadable("time-out"), "time-out"),
    ],
)
def test_an_unreadable_robots_txt_forbids_the_host(answer: object, why: str) -> None:
    robots, _ = cache(answer)
    rules = robots.rules("https://news.example/a")
    assert not rules.allows("https://news.example/a")
    assert rules.unreadable == why


def test_origins() -> None:
    assert origin_of("HTTPS://News.Example:443/a?b") == "https://news.example"
    assert origin_of("http://news.example:8080/a") == "http://news.example:8080"
    assert origin_of("http://[::1]:8080/a") == "http://[::1]:8080"
    assert HostRules("http://x").allows("http://x/anything")
