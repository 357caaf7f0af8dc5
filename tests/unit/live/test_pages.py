"""Which pages are worth fetching, and a fetched page as an HTML Document."""

from __future__ import annotations

import pytest

from storytrace.live.fetch import Response
from storytrace.live.pages import page_document, page_key, worth_fetching
from storytrace.model import Document, Reject
from storytrace.store.web import PageRecord

URL = "https://news.example/a.html"


@pytest.mark.parametrize(
    ("record", "ingest", "watch"),
    [
        (PageRecord(), True, True),
        (PageRecord(stored=True), False, False),
        (PageRecord(extracted_nothing=True, failures=("too-short",)), True, False),
        (PageRecord(failures=("http-404",)), True, False),
        (PageRecord(failures=("robots-disallowed",)), True, False),
        (PageRecord(failures=("fetch-timeout",)), True, True),
        (PageRecord(failures=("fetch-timeout", "http-503")), True, True),
        (PageRecord(failures=("fetch-timeout", "http-503", "fetch-failed")), True, False),
    ],
)
def test_which_pages_are_fetched(record: PageRecord, ingest: bool, watch: bool) -> None:
    assert worth_fetching(record, max_attempts=None) is ingest  # storytrace ingest URL
    assert worth_fetching(record, max_attempts=3) is watch  # storytrace watch


def response(body: bytes, content_type: str | None = "text/html") -> Response:
    return Response(URL, URL + "?final", 200, content_type, None, None, body)


def test_a_page_becomes_an_html_document_with_its_final_url() -> None:
    doc = page_document(
        response("<p>Café</p>".encode("cp1252"), "text/html; charset=windows-1252"), "k"
    )
    assert isinstance(doc, Document)
    assert (doc.kind, doc.is_html, doc.content) == ("html", True, "<p>Café</p>")
    assert doc.meta["url"] == URL + "?final" and doc.meta["fetched"].endswith("Z")
    assert str(doc.source) == "k"


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b"  \n", "empty"), (b"\x89PNG\r\n\x1a\n....", "binary"), (b"<p>caf\xe9</p>", "decode-error")],
)
def test_a_page_that_is_not_text_is_rejected(body: bytes, reason: str) -> None:
    got = page_document(response(body), "k")
    assert isinstance(got, Reject) and got.reason == reason


def test_page_keys() -> None:
    assert page_key("HTTPS://News.Example/a.html?utm_medium=feed") == URL
    assert page_key("ftp://news.example/a") == "ftp://news.example/a"
