"""Reader for web archives (``.warc``, ``.warc.gz``) written by crawlers.

Only ``response`` records with HTTP status 200 and an HTML content type become Documents;
other records (requests, metadata, images, redirects) are skipped. ``WARC-Target-URI`` gives
``meta["url"]``; ``WARC-Date`` is the crawl time, kept as ``meta["crawled"]`` and never used
as the publication date. A truncated or corrupt archive ends with ``malformed-warc``; the
records read before the damage are kept.
"""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Iterator
from contextlib import redirect_stderr
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storytrace.io.decode import DecodeError, binary_reason, decode, header_charset, meta_charset
from storytrace.io.files import MAX_GZIP_RATIO, open_regular
from storytrace.model import Document, Reject, Source

_HTML_TYPES = ("text/html", "application/xhtml+xml")


class _Damaged(Exception):
    """The archive is damaged from here on."""


def read_warc(path: str, *, max_bytes: int) -> Iterator[Document | Reject]:
    """Yield a Document (``is_html=True``) or Reject per HTML response record of a WARC file."""
    count = given = 0
    try:
        with open_regular(path) as fh:
            records = ArchiveIterator(fh)
            # What the records may unpack to in all: a gzip bomb inside a record's member
            # would otherwise be unpacked in full to reach the next record.
            budget = MAX_GZIP_RATIO * max(os.fstat(fh.fileno()).st_size, 1 << 16)
            while True:
                # warcio prints warnings about damaged records to stderr; we report them instead.
                with redirect_stderr(io.StringIO()):
                    record = next(records, None)
                if record is None:
                    break
                if getattr(records, "err_count", 0):
                    raise _Damaged("a record does not end where its Content-Length says")
                if record.format != "warc":
                    raise _Damaged("not a WARC record")
                item = _record(path, record, max_bytes)
                budget -= _drain(record, budget)
                count += 1
                if item is not None:
                    given += 1
                    yield item
            # warcio stops quietly at a truncated gzip member; the offset shows it.
            if getattr(records, "offset", 0) < os.fstat(fh.fileno()).st_size:
                raise _Damaged("the data after the last complete record is cut off")
        if count == 0:
            yield Reject(Source(path), "empty", "the archive holds no records")
        elif given == 0:  # an input must not vanish without a word
            yield Reject(
                Source(path), "empty", f"no HTML response with status 200 among {count} records"
            )
    except (_Damaged, ArchiveLoadFailed, EOFError, zlib.error, ValueError) as exc:
        yield Reject(
            Source(path), "malformed-warc", f"archive damaged after {count} records: {exc}"
        )
    except OSError as exc:
        yield Reject(Source(path), "unreadable", f"cannot read file: {exc.strerror or exc}")
    except Exception as exc:  # warcio fails on garbage headers in many ways (AttributeError, ...)
        yield Reject(
            Source(path),
            "malformed-warc",
            f"archive damaged after {count} records: {type(exc).__name__}: {exc}",
        )


def _drain(record: Any, budget: int) -> int:
    """Read the rest of a record, at most ``budget`` bytes; how many were read. _Damaged if it
    is shorter than its Content-Length, or longer than the budget."""
    raw = record.raw_stream
    read = 0
    while chunk := raw.read(1 << 16):
        read += len(chunk)
        if read > budget:
            raise _Damaged(f"records unpack to more than {MAX_GZIP_RATIO} times the file's size")
    if getattr(raw, "limit", 0) > 0:
        raise _Damaged("the last record is truncated")
    return read


def _record(path: str, record: Any, max_bytes: int) -> Document | Reject | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = record.http_headers.get_statuscode()
    content_type = record.http_headers.get_header("Content-Type") or ""
    if status != "200" or content_type.lower().split(";")[0].strip() not in _HTML_TYPES:
        return None
    rec_id = record.rec_headers.get_header("WARC-Record-ID") or ""
    src = Source(path, record=rec_id.strip("<>") or None)
    data = record.content_stream().read(max_bytes + 1)
    if len(data) > max_bytes:
        return Reject(src, "too-large", f"record body over the limit of {max_bytes} bytes")
    if not data.strip():
        return Reject(src, "empty", "the response body is empty")
    why = binary_reason(data)
    if why is not None:
        return Reject(src, "binary", f"served as HTML but {why}")
    try:
        html = decode(data, declared=(header_charset(content_type), meta_charset(data)))
    except DecodeError as exc:
        return Reject(src, "decode-error", str(exc))
    meta: dict[str, Any] = {}
    url = record.rec_headers.get_header("WARC-Target-URI")
    if url:
        meta["url"] = url.strip("<> ")
    crawled = record.rec_headers.get_header("WARC-Date")
    if crawled:
        meta["crawled"] = crawled
    return Document(source=src, kind="warc", content=html, is_html=True, meta=meta)
