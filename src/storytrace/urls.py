"""Web addresses: which command-line arguments are URLs, and the one form a URL is matched in.

Two spellings of one page (``HTTP://Example.com:80/a?b=2&a=1#top`` and
``http://example.com/a?a=1&b=2``, or a feed link carrying ``utm_source``) are the same page:
:func:`url_key` normalises them as trafilatura's courlan does (lower-case scheme and host, no
default port, sorted query without tracking parameters), and drops the fragment, which is never
sent to the server.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

WEB_SCHEMES = ("http", "https")
MAX_URL_CHARS = 4096
"""A longer "URL" in a feed or on the command line is not one anyone publishes."""
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def url_scheme(arg: str) -> str | None:
    """The scheme of an argument written as ``scheme://...`` (lower-cased), else None: a path."""
    m = _SCHEME.match(arg.strip())
    return m.group(1).lower() if m else None


def is_web_url(arg: str) -> bool:
    """Whether a command-line argument is an http or https URL (not a file path)."""
    return url_scheme(arg) in WEB_SCHEMES


def url_key(url: str) -> str | None:
    """The normalised form of an http(s) URL that identifies its page, or None for anything
    that is not one (another scheme, no host, unparseable, over :data:`MAX_URL_CHARS`)."""
    url = url.strip()
    if len(url) > MAX_URL_CHARS or not is_web_url(url):
        return None
    try:
        if not urlsplit(url).hostname:
            return None
        parts = urlsplit(normalize_url(url))
    except ValueError:
        return None
    # A "#!" fragment is a route of a script-driven page, part of its identity; others are not.
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit(parts._replace(fragment=fragment))


__all__ = ["MAX_URL_CHARS", "WEB_SCHEMES", "is_web_url", "url_key", "url_scheme"]
