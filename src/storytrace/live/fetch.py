"""Fetching one URL politely and safely, with urllib3.

Every request, robots.txt included:

- names storytrace in its User-Agent (with the version, a page about the crawler, and the
  operator's ``[fetch] contact`` when set);
- goes only to http and https URLs, and to a private or local address (127.0.0.1, 10.x,
  169.254.x...) only when the URL the user named is on one: a page or a feed found on the
  internet cannot send storytrace into the user's own network;
- is allowed by the host's robots.txt (:mod:`.robots`), every redirect target too;
- waits for the host's delay (:mod:`.pacing`): ``[fetch] delay``, or a longer Crawl-delay;
- is cut off after ``timeout`` seconds without data and ``deadline`` seconds in all, and once
  its body passes the size limit (counted after unpacking).

A failure is a :class:`FetchFailed` whose ``reason`` is a short code and whose ``detail``
names the HTTP status, the time-out or the rule; :func:`transient` says whether trying again
later may succeed.
"""

from __future__ import annotations

import http
import http.client
import ipaddress
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    LocationValueError,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from .. import __version__
from ..config import FetchSettings
from ..urls import MAX_URL_CHARS, WEB_SCHEMES, url_scheme
from .body import BoundedBody, CorruptData, TooLarge
from .pacing import HostPacer
from .robots import ROBOTS_BYTES, HostRules, RobotsCache, RobotsUnreadable, origin_of

PROJECT_URL = "https://storytrace.example/crawler"
"""A page about the crawler for site owners: a placeholder until the project has a public one."""
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


def user_agent(contact: str = "") -> str:
    """``storytrace/VERSION (+PROJECT_URL[; contact])``."""
    extra = f"; {contact}" if contact else ""
    return f"storytrace/{__version__} (+{PROJECT_URL}{extra})"


_TRANSIENT = frozenset({"fetch-timeout", "fetch-failed", "robots-unavailable"})


def transient(reason: str) -> bool:
    """Whether a fetch that failed for ``reason`` may work later: a time-out, a failed
    connection, a robots.txt that could not be read, HTTP 408, 429 and 5xx. Another client
    error (404, 410...), a refusal by robots.txt, a page too large or not HTML will not."""
    if reason in _TRANSIENT:
        return True
    if reason.startswith("http-") and reason[5:].isdigit():
        status = int(reason[5:])
        return status >= 500 or status in (408, 429)
    return False


class FetchFailed(Exception):
    """A fetch that gave nothing to ingest: ``reason`` (a reject code), ``detail`` (a
    sentence that names the HTTP status, the time-out or the rule)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail

    @property
    def transient(self) -> bool:
        return transient(self.reason)


def http_failure(status: int, phrase: str = "") -> FetchFailed:
    """The failure of an HTTP status that is not a success: ``http-404`` "HTTP 404 Not Found"."""
    return FetchFailed(f"http-{status}", f"HTTP {status} {phrase or _phrase(status)}".rstrip())


@dataclass(frozen=True)
class Response:
    """A successful answer (2xx), or 304 Not Modified to a conditional request."""

    url: str
    """As requested."""
    final_url: str
    """After redirects."""
    status: int
    content_type: str | None
    etag: str | None
    last_modified: str | None
    body: bytes


class Fetcher:
    """One pass's HTTP client: its robots.txt cache and per-host pacing. Close it (or use it
    as a context manager) to drop its connections."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.user_agent = user_agent(settings.contact)
        self._clock = clock
        self._pacer = HostPacer(clock, sleep)
        self._pool = urllib3.PoolManager(
            num_pools=32,
            headers={"User-Agent": self.user_agent},
            retries=False,
            ca_certs=certifi.where(),
        )
        self.robots = RobotsCache(self._robots_txt)
        self.requests = 0
        """Requests sent (robots.txt included): ``storytrace watch --json`` reports them."""

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._pool.clear()

    # -- the one public request --------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        max_bytes: int,
        html: bool = False,
        private_ok: bool | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Response:
        """GET ``url`` under every rule above; :class:`FetchFailed` when there is nothing to use.

        ``html``: refuse any content type but HTML (before reading the body). ``private_ok``:
        whether private and local addresses may be reached (default: whether ``url`` itself is
        on one, for a URL the user named). ``etag`` and ``last_modified`` make the request
        conditional: the answer may then be a 304 with no body.
        """
        if private_ok is None:
            private_ok = self.on_private_network(url)
        headers = {"Accept-Encoding": "gzip"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            rules = self.check(current, private_ok=private_ok)
            delay = min(rules.crawl_delay() or 0.0, self.settings.max_delay)
            result = self._request(
                current,
                headers,
                max_bytes=max_bytes,
                html=html,
                delay=delay,
                conditional=bool(etag or last_modified),
            )
            if isinstance(result, str):
                current = result
                continue
            status, resp_headers, body = result
            return Response(
                url=url,
                final_url=current,
                status=status,
                content_type=resp_headers.get("content-type"),
                etag=resp_headers.get("etag"),
                last_modified=resp_headers.get("last-modified"),
                body=body,
            )
        raise FetchFailed(
            "too-many-redirects", f"more than {self.settings.max_redirects} redirects"
        )

    def check(self, url: str, *, private_ok: bool) -> HostRules:
        """The rules a request to ``url`` must pass before it is sent (the URL, the address,
        robots.txt, read on first use for its origin); :class:`FetchFailed` when one refuses
        it. Called ahead for the URLs of a round, it reads each host's robots.txt while the
        other hosts' delays pass."""
        _check_url(url)
        self._check_address(url, private_ok)
        rules = self.robots.rules(url)
        if rules.unreadable is not None:
            raise FetchFailed(
                "robots-unavailable",
                f"robots.txt of {rules.origin} could not be read ({rules.unreadable}):"
                " nothing of that host is fetched this pass",
            )
        if not rules.allows(url):
            raise FetchFailed("robots-disallowed", f"disallowed by robots.txt of {rules.origin}")
        return rules

    def check_ahead(self, urls: Iterable[tuple[str, bool]]) -> None:
        """:meth:`check` the first of each origin's ``(url, private_ok)`` now, keeping no
        failure (the request itself raises it again): each robots.txt is read before any
        host has to wait for its delay."""
        origins: set[str] = set()
        for url, private_ok in urls:
            try:
                origin = origin_of(url)
            except ValueError:
                continue
            if origin in origins:
                continue
            origins.add(origin)
            try:
                self.check(url, private_ok=private_ok)
            except FetchFailed:
                pass

    def on_private_network(self, url: str) -> bool:
        """Whether ``url``'s host is a private, local or otherwise non-public address (or a
        name that resolves to one)."""
        try:
            parts = urlsplit(url)
            host, port = parts.hostname, parts.port
            return bool(host) and not all(ip.is_global for ip in _addresses(str(host), port))
        except (OSError, ValueError):
            return False

    # -- steps -------------------------------------------------------------------------------

    def _check_address(self, url: str, private_ok: bool) -> None:
        if private_ok:
            return
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            found = _addresses(host, parts.port)
        except OSError as exc:
            raise FetchFailed("fetch-failed", f"host name {host} not found ({exc})") from None
        bad = next((ip for ip in found if not ip.is_global), None)
        if bad is not None:
            where = host if host.strip("[]") == str(bad) else f"{host} ({bad})"
            raise FetchFailed(
                "private-address",
                f"{where} is a private or local address, reached from a page or feed on the"
                " internet",
            )

    def _request(
        self,
        url: str,
        headers: Mapping[str, str],
        *,
        max_bytes: int,
        html: bool,
        delay: float,
        conditional: bool,
        truncate: bool = False,
    ) -> tuple[int, dict[str, str], bytes] | str:
        """One request: ``(status, headers, body)``, or the URL a redirect points to."""
        host = (urlsplit(url).hostname or "").lower()
        self._pacer.wait(host)
        started = self._clock()
        deadline = started + self.settings.deadline
        self.requests += 1
        resp: Any = None
        complete = False
        try:
            resp = self._pool.urlopen(
                "GET",
                url,
                headers={**self._pool.headers, **headers},
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=False,
                timeout=urllib3.Timeout(
                    connect=self.settings.timeout,
                    read=max(min(self.settings.timeout, deadline - started), 0.001),
                ),
            )
            status = int(resp.status)
            got = {k.lower(): v for k, v in resp.headers.items()}
            if status in REDIRECTS and got.get("location"):
                return urljoin(url, got["location"].strip())
            if status == 304 and conditional:
                complete = True
                return status, got, b""
            if not 200 <= status < 300:
                raise http_failure(status, str(getattr(resp, "reason", "") or ""))
            mime = (got.get("content-type") or "").split(";")[0].strip().lower()
            if html and mime and mime not in HTML_TYPES:
                raise FetchFailed("not-html", f"not HTML (content-type {mime})")
            length = got.get("content-length", "")
            if length.isdigit() and int(length) > max_bytes and not truncate:
                raise FetchFailed(
                    "too-large",
                    f"{int(length)} bytes (Content-Length), over the limit of {max_bytes}",
                )
            body = self._read_body(resp, got, max_bytes, deadline, truncate)
            complete = True
            return status, got, body
        except FetchFailed:
            raise
        except Exception as exc:
            raise _network_failure(exc, self.settings) from None
        finally:
            if resp is not None:
                if not complete:  # a body left unread: the connection cannot be used again
                    resp.close()
                resp.release_conn()
            self._pacer.done(host, max(self.settings.delay, delay))

    def _read_body(
        self, resp: Any, headers: Mapping[str, str], limit: int, deadline: float, truncate: bool
    ) -> bytes:
        encoding = (headers.get("content-encoding") or "identity").strip().lower()
        if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
            raise FetchFailed("fetch-failed", f"unsupported content encoding {encoding!r}")
        body = BoundedBody(limit, unpack=encoding != "identity")
        try:
            while True:
                left = deadline - self._clock()
                if left <= 0:
                    raise _Deadline
                wait = min(self.settings.timeout, left)
                _set_read_timeout(resp, wait)
                try:
                    chunk = resp.read1(_CHUNK)
                except (ReadTimeoutError, TimeoutError):
                    if wait < self.settings.timeout:
                        raise _Deadline from None
                    raise
                if not chunk:
                    return body.finish()
                body.feed(chunk)
        except TooLarge:
            if truncate:
                return body.partial()
            raise FetchFailed("too-large", f"more than the limit of {limit} bytes") from None
        except CorruptData as exc:
            raise FetchFailed("fetch-failed", str(exc)) from None

    def _robots_txt(self, url: str) -> tuple[int, bytes]:
        """robots.txt: status and body after redirects (not checked against robots.txt)."""
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            try:
                result = self._request(
                    current,
                    {},
                    max_bytes=ROBOTS_BYTES,
                    html=False,
                    delay=0.0,
                    conditional=False,
                    truncate=True,
                )
            except FetchFailed as exc:
                if exc.reason.startswith("http-"):
                    return int(exc.reason[5:]), b""
                raise RobotsUnreadable(exc.detail) from None
            if isinstance(result, str):
                if url_scheme(result) not in WEB_SCHEMES:
                    return 404, b""  # nowhere storytrace can follow: as if there were none
                current = result
                continue
            return result[0], result[2]
        raise RobotsUnreadable(f"more than {self.settings.max_redirects} redirects")


class _Deadline(Exception):
    """The response's deadline passed."""


def _check_url(url: str) -> None:
    scheme = url_scheme(url)
    if scheme not in WEB_SCHEMES:
        raise FetchFailed("bad-url", f"{url[:200]!r}: only http and https URLs are fetched")
    try:
        parts = urlsplit(url)
        usable = len(url) <= MAX_URL_CHARS and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a port out of range, a malformed IPv6 address
        usable = False
    if not usable:
        raise FetchFailed("bad-url", f"{url[:200]!r} is not a usable URL")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise FetchFailed("bad-url", f"{url[:200]!r} holds spaces or control characters")


def _addresses(host: str, port: int | None) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port or 80, proto=socket.IPPROTO_TCP)
    out = []
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]  # an IPv6 zone id
        out.append(ipaddress.ip_address(address))
    return out


def _set_read_timeout(resp: Any, seconds: float) -> None:
    """Wait at most ``seconds`` for the next piece of the body, so that the deadline holds even
    while a server trickles a byte at a time."""
    sock = getattr(getattr(resp, "connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.001))


def _network_failure(exc: BaseException, settings: FetchSettings) -> FetchFailed:
    """The FetchFailed for an exception raised while connecting or reading."""
    if isinstance(exc, MaxRetryError) and exc.reason is not None:
        exc = exc.reason
    if isinstance(exc, _Deadline):
        return FetchFailed(
            "fetch-timeout",
            f"time-out: the response took longer than the deadline of {settings.deadline:g} s",
        )
    # NameResolutionError is a NewConnectionError, which is a ConnectTimeoutError: most
    # specific first.
    if isinstance(exc, NameResolutionError):
        return FetchFailed("fetch-failed", "host name not found")
    if isinstance(exc, NewConnectionError):
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, ConnectionRefusedError) or "refused" in str(exc).lower():
            return FetchFailed("fetch-failed", "connection refused")
        if not isinstance(cause, TimeoutError | socket.timeout):
            return FetchFailed("fetch-failed", f"cannot connect: {_short(exc)}")
    if isinstance(exc, ConnectTimeoutError):
        return FetchFailed(
            "fetch-timeout", f"time-out: no connection within {settings.timeout:g} s"
        )
    if isinstance(exc, ReadTimeoutError | TimeoutError | socket.timeout):
        return FetchFailed("fetch-timeout", f"time-out: no data for {settings.timeout:g} s")
    if isinstance(exc, SSLError):
        return FetchFailed("fetch-failed", f"TLS error: {_short(exc)}")
    if isinstance(exc, LocationValueError):
        return FetchFailed("bad-url", f"not a usable URL: {_short(exc)}")
    if isinstance(exc, ProtocolError | HTTPError | OSError | http.client.HTTPException):
        return FetchFailed("fetch-failed", f"connection broken: {_short(exc)}")
    return FetchFailed("fetch-failed", f"{type(exc).__name__}: {_short(exc)}")


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or type(exc).__name__


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


__all__ = [
    "HTML_TYPES",
    "PROJECT_URL",
    "FetchFailed",
    "Fetcher",
    "Response",
    "http_failure",
    "transient",
    "user_agent",
]
