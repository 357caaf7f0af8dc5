"""URLs on the command line, and the one normalised form a page is known by."""

from __future__ import annotations

import pytest

from storytrace.urls import is_web_url, url_key, url_scheme


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("HTTP://WWW.Example.com:80/a/b?z=1&a=2#frag", "http://www.example.com/a/b?a=2&z=1"),
        ("https://example.com/a?utm_source=rss&id=3", "https://example.com/a?id=3"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com/a#!/route", "https://example.com/a#!/route"),
        ("  https://example.com/a  ", "https://example.com/a"),
    ],
)
def test_spellings_of_one_page_share_a_key(url: str, key: str) -> None:
    assert url_key(url) == key


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/a", "http:///a", "http://[::1/a", "news.html", "https://" + "a" * 5000],
)
def test_what_is_not_a_web_page_has_no_key(url: str) -> None:
    assert url_key(url) is None


def test_urls_are_told_from_paths() -> None:
    assert is_web_url("https://example.com/x") and is_web_url("HTTP://example.com")
    assert not is_web_url("examples/corpus") and not is_web_url("ftp://example.com/x")
    assert url_scheme("ftp://example.com/x") == "ftp"
    assert url_scheme("C:\\news\\a.html") is None
