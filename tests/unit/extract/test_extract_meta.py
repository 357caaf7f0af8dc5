"""Outlet from URL and date normalisation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from storytrace.extract import normalize_date, outlet_from_url


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://www.Example.COM/news/1", "example.com"),
        ("http://m.bbc.co.uk:8080/a?b=c", "bbc.co.uk"),
        ("https://amp.theguardian.com/x", "theguardian.com"),
        ("https://www.news.bbc.co.uk/x", "news.bbc.co.uk"),
        ("https://edition.cnn.com/x", "edition.cnn.com"),
        ("https://www2.example.org/", "example.org"),
        ("//cdn.example.net/x", "cdn.example.net"),
        ("example.com/path", "example.com"),
        ("https://m.com/", "m.com"),
        ("https://user:pw@www.site.org./a", "site.org"),
        ("mailto:someone@example.com", None),
        ("not a url", None),
        ("", None),
        (None, None),
        ("http://[::1/", None),
    ],
)
def test_outlet_from_url(url: str | None, outlet: str | None) -> None:
    assert outlet_from_url(url) == outlet


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2019-11-19", "2019-11-19"),
        ("2019-11-19T10:20:30Z", "2019-11-19T10:20:30Z"),
        ("2019-11-19T12:20:30+02:00", "2019-11-19T10:20:30Z"),
        ("2019-11-19 10:20:30", "2019-11-19T10:20:30Z"),
        ("2019-11-19T10:20:30.123456Z", "2019-11-19T10:20:30Z"),
        ("Tue, 19 Nov 2019 10:20:30 GMT", "2019-11-19T10:20:30Z"),
        ("2019/11/19", "2019-11-19"),
        ("19.11.2019", "2019-11-19"),
        ("19 November 2019", "2019-11-19"),
        ("November 19, 2019", "2019-11-19"),
        ("Tuesday, November 19, 2019", "2019-11-19"),
        ("20191119", "2019-11-19"),
        (1574158830, "2019-11-19T10:20:30Z"),
        (1574158830000, "2019-11-19T10:20:30Z"),
        (date(2019, 11, 19), "2019-11-19"),
        (
            datetime(2019, 11, 19, 11, 20, 30, tzinfo=timezone(timedelta(hours=1))),
            "2019-11-19T10:20:30Z",
        ),
        (datetime(2019, 11, 19, 10, 20, 30, tzinfo=UTC), "2019-11-19T10:20:30Z"),
        ("yesterday", None),
        ("2019-13-45", None),
        ("0001-01-01", None),
        (2019, None),
        (True, None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_date(value: object, iso: str | None) -> None:
    assert normalize_date(value) == iso
