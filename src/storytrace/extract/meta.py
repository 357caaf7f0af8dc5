"""Article metadata: outlet from URL, publication dates in ISO 8601, and merging.

Values given with the input (sidecar, meta file, JSONL/CSV fields) always win over values
found in the page itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from storytrace.model import Document, Draft

_PREFIX = re.compile(r"^(?:www\d*|m|amp)\.")
_HOST = re.compile(r"^[\w.-]+$")
_SCHEME_ONLY = re.compile(r"^[a-z][a-z0-9+-]*:(?!\d)", re.IGNORECASE)
_DATE_ONLY = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+(?=\w)", re.IGNORECASE)
_DATE_FORMATS = (
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%Y%m%d",
)
_DATETIME_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d.%m.%Y %H:%M",
    "%B %d, %Y %H:%M",
    "%Y-%m-%d %H:%M",
)
_MIN_YEAR, _MAX_YEAR = 1800, 2200

OUTLET_SOURCES = ("url", "input", "page", "inferred")
"""Where ``meta["outlet_source"]`` says an article's outlet came from: its URL's host, the
input's ``outlet`` field, the page's own site name (HTML metadata), or the page's words
(:func:`storytrace.pipeline.prepare.with_publisher`, which adds ``meta["outlet_evidence"]``)."""


def outlet_from_url(url: str | None) -> str | None:
    """The outlet of a URL: its host, lower-cased, without port and ``www.``/``m.``/``amp.``.

    Other subdomains are kept (``https://www.news.bbc.co.uk:443/x`` -> ``news.bbc.co.uk``).
    A URL without a scheme is read as a host name (``example.com/a`` -> ``example.com``).
    Returns None when there is no usable host.
    """
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    if url.startswith("//"):
        url = "http:" + url
    elif "://" not in url:
        if _SCHEME_ONLY.match(url):
            return None  # mailto:, urn:, javascript: ...
        url = "http://" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.rstrip(".").lower()
    if "." not in host or not _HOST.match(host):
        return None
    while (m := _PREFIX.match(host)) and "." in host[m.end() :]:
        host = host[m.end() :]
    return host


def normalize_date(value: Any) -> str | None:
    """A date as ISO 8601: ``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM:SSZ`` (UTC) when a time is known.

    Accepts ISO 8601 strings, RFC 2822 (e-mail/HTTP) dates, a few common written forms
    (``2019/01/02``, ``02.01.2019``, ``2 January 2019``, ``January 2, 2019``), Unix
    timestamps (seconds or milliseconds) and ``date``/``datetime`` objects. Times without a
    zone are taken as UTC. Returns None for anything else or a year outside 1800-2200.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, datetime):
        return _full(value)
    if isinstance(value, date):
        return _day(value)
    if isinstance(value, int | float):
        return _epoch(float(value))
    text = _WEEKDAY.sub("", str(value).strip())
    if not text:
        return None
    if _DATE_ONLY.match(text):
        try:
            return _day(date.fromisoformat(text.replace("-", "")))
        except ValueError:
            return None
    try:
        return _full(datetime.fromisoformat(text.replace("z", "Z")))
    except ValueError:
        pass
    try:
        return _full(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _DATE_FORMATS:
        try:
            return _day(datetime.strptime(text, fmt).date())
        except ValueError:
            continue
    for fmt in _DATETIME_FORMATS:
        try:
            return _full(datetime.strptime(text, fmt))
        except ValueError:
            continue
    return None


def _day(d: date) -> str | None:
    return d.isoformat() if _MIN_YEAR <= d.year <= _MAX_YEAR else None


def _full(dt: datetime) -> str | None:
    dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    if not _MIN_YEAR <= dt.year <= _MAX_YEAR:
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _epoch(seconds: float) -> str | None:
    if seconds < 1e8:  # a year or a day count, not a timestamp
        return None
    if seconds > 1e11:
        seconds /= 1000.0
    try:
        return _full(datetime.fromtimestamp(seconds, UTC))
    except (OverflowError, OSError, ValueError):
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def build_draft(
    doc: Document,
    body: str,
    *,
    title: str | None = None,
    page: Mapping[str, Any] | None = None,
) -> Draft:
    """A Draft from a Document and its body; ``page`` holds values found in the page itself.

    ``page`` keys: ``title``, ``url``, ``date``, ``sitename``. Input metadata wins over them.
    ``meta["outlet_name"]`` gets the display name (input ``outlet`` or the page's site name),
    ``meta["outlet_source"]`` where the outlet came from (``url``, ``input`` or ``page``; see
    :data:`OUTLET_SOURCES`); an unparseable input date is kept as ``meta["published_raw"]``.
    """
    page = page or {}
    meta = {k: v for k, v in doc.meta.items() if k not in ("outlet_source", "outlet_evidence")}
    url = _text(meta.get("url")) or _text(page.get("url"))
    given = _text(meta.get("outlet"))
    outlet_name = given or _text(page.get("sitename"))
    host = outlet_from_url(url)
    outlet = host or outlet_name
    if outlet_name:
        meta["outlet_name"] = outlet_name
    if outlet:
        meta["outlet_source"] = "url" if host else "input" if given else "page"
    raw_date = meta.get("published")
    published = normalize_date(raw_date)
    if raw_date is not None and published is None:
        meta["published_raw"] = str(raw_date)
    if published is None:
        published = normalize_date(page.get("date"))
    ext_id = _text(meta.get("id"))
    return Draft(
        source=doc.source,
        kind=doc.kind,
        raw=doc.content,
        text=body,
        title=_text(meta.get("title")) or title or _text(page.get("title")),
        url=url,
        outlet=outlet,
        published=published,
        external_id=ext_id,
        meta=meta,
    )
