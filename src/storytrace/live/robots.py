"""robots.txt: whether a URL may be fetched, the host's Crawl-delay and its sitemaps.

Read once per origin (scheme, host and port) and kept for the pass, as RFC 9309 says:

- a robots.txt that is found is obeyed (groups matched on the product token ``storytrace``,
  ``*`` and ``$`` patterns, the longest match wins: protego reads it as Google does);
- one that does not exist (any 4xx but 429) allows everything;
- one that cannot be read (5xx, 429, a time-out, a refused connection) forbids the whole host
  for this pass: the server is struggling or the rules are unknown.

Only the first 500 KiB are read, as RFC 9309 allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from protego import Protego

ROBOTS_BYTES = 500 * 1024
PRODUCT_TOKEN = "storytrace"


class RobotsUnreadable(Exception):
    """robots.txt could not be read; the message says why (an HTTP status, a time-out...)."""


@dataclass(frozen=True)
class HostRules:
    """The robots.txt rules of one origin."""

    origin: str
    parser: Protego | None = None
    """None: there is no robots.txt, everything is allowed."""
    unreadable: str | None = None
    """Why robots.txt could not be read: nothing of the origin is fetched this pass."""
    sitemaps: tuple[str, ...] = field(default_factory=tuple)

    def allows(self, url: str) -> bool:
        if self.unreadable is not None:
            return False
        return self.parser is None or bool(self.parser.can_fetch(url, PRODUCT_TOKEN))

    def crawl_delay(self) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(PRODUCT_TOKEN)
        return float(delay) if delay is not None and delay >= 0 else None


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL (lower-cased, default port dropped)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


class RobotsCache:
    """The rules of each origin, fetched on first use with ``fetch(robots_url)``.

    ``fetch`` returns ``(status, body)`` after redirects, the body cut to :data:`ROBOTS_BYTES`,
    or raises :class:`RobotsUnreadable` when no answer came (a time-out, a refused connection).
    """

    def __init__(self, fetch: Callable[[str], tuple[int, bytes]]) -> None:
        self._fetch = fetch
        self._rules: dict[str, HostRules] = {}

    def rules(self, url: str) -> HostRules:
        origin = origin_of(url)
        if origin not in self._rules:
            self._rules[origin] = self._read(origin)
        return self._rules[origin]

    def _read(self, origin: str) -> HostRules:
        try:
            status, body = self._fetch(origin + "/robots.txt")
        except RobotsUnreadable as exc:
            return HostRules(origin, unreadable=str(exc))
        if status == 429 or status >= 500:
            return HostRules(origin, unreadable=f"HTTP {status}")
        if status >= 400:
            return HostRules(origin)
        if not 200 <= status < 300:
            return HostRules(origin, unreadable=f"HTTP {status}")
        text = body[:ROBOTS_BYTES].decode("utf-8", errors="replace")
        try:
            parser = Protego.parse(text)
        except Exception as exc:  # a parser bug must not let a hostile file stop the pass
            return HostRules(origin, unreadable=f"cannot parse it: {type(exc).__name__}")
        return HostRules(origin, parser, sitemaps=tuple(str(s) for s in parser.sitemaps))


__all__ = [
    "PRODUCT_TOKEN",
    "ROBOTS_BYTES",
    "HostRules",
    "RobotsCache",
    "RobotsUnreadable",
    "origin_of",
]
