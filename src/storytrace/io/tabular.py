"""Readers for many-article files: JSONL/NDJSON and CSV/TSV (each optionally ``.gz``).

One line (JSONL) or row (CSV) is one article, with the documented fields ``id``, ``url``,
``outlet``, ``published``, ``title`` and the body in ``text`` (plain text) or ``html``. When a
row has both, ``text`` is used. ``fields`` renames columns (``{"text": "body"}`` reads the body
from ``body``). Other columns are kept in ``Document.meta``.

Files are streamed line by line; ``max_bytes`` applies to each line/record, so a bad or huge
record is rejected on its own and the rest of the file is still read.
"""

from __future__ import annotations

import csv
import gzip
import json
import zlib
from collections.abc import Iterator, Mapping
from typing import IO, Any

from storytrace.io.decode import binary_reason
from storytrace.io.files import open_binary
from storytrace.io.meta import apply_fields, clean_meta
from storytrace.model import Document, InputKind, Reject, Source

_DRAIN = 1 << 20


def _first_line(fh: IO[bytes]) -> bytes:
    """The first line of a stream (at most its first 8 KB), without consuming it; empty if it
    cannot peek. A line file is binary when its first line is: a bad line further on is that
    line's reject, and the valid lines around it are still read."""
    peek = getattr(fh, "peek", None)
    head = peek(8192)[:8192] if peek is not None else b""
    return head.split(b"\n", 1)[0]


MAX_BLANK_RUN = 100_000
"""Blank lines in a row past which a line file is not read on: no real file has them, and a
gzip bomb of newlines would otherwise be read one line at a time."""


class BlankRun(OSError):
    """A line file with more than MAX_BLANK_RUN blank lines in a row."""


def bounded_lines(fh: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield ``(line number, bytes)``; a line longer than ``limit`` is skipped and gives None.
    BlankRun past :data:`MAX_BLANK_RUN` blank lines in a row."""
    n = blank = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        n += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # drain the rest of the long line without keeping it
                more = fh.readline(_DRAIN)
                if not more or more.endswith(b"\n"):
                    break
            yield n, None
            continue
        blank = blank + 1 if not line.strip() else 0
        if blank > MAX_BLANK_RUN:
            raise BlankRun(
                f"more than {MAX_BLANK_RUN} blank lines in a row from line {n - blank + 1}"
            )
        yield n, line


def row_document(
    row: Mapping[str, Any], src: Source, kind: InputKind, fields: Mapping[str, str] | None
) -> Document | Reject:
    """A Document from one JSONL object or CSV row, or ``missing-text`` without a body."""
    data = apply_fields(row, fields)
    text, html = data.pop("text", None), data.pop("html", None)
    if isinstance(text, str) and text.strip():
        content, is_html = text, False
    elif isinstance(html, str) and html.strip():
        content, is_html = html, True
    else:
        hint = ' (map another column with fields={"text": COLUMN})' if not fields else ""
        return Reject(src, "missing-text", f"no non-empty 'text' or 'html' field{hint}")
    return Document(source=src, kind=kind, content=content, is_html=is_html, meta=clean_meta(data))


def jsonl_record(text: str, src: Source, fields: Mapping[str, str] | None) -> Document | Reject:
    """One decoded, non-blank JSONL line: a Document, or why it is not one."""
    try:
        obj = json.loads(text)
    except ValueError as exc:
        return Reject(src, "malformed-json", f"not valid JSON: {exc}")
    except RecursionError:
        return Reject(src, "malformed-json", "not valid JSON: nested too deeply")
    if not isinstance(obj, dict):
        return Reject(src, "malformed-json", f"a JSON {type(obj).__name__}, not an object")
    return row_document(obj, src, "jsonl", fields)


def jsonl_line(
    raw: bytes | None, src: Source, fields: Mapping[str, str] | None, *, max_bytes: int
) -> Document | Reject:
    """One non-blank line of a JSONL file as bytes (None when it ran past ``max_bytes``): a
    Document, or why it is not one. The Spark job reads lines with this rule too."""
    if raw is None or len(raw) > max_bytes:
        return Reject(src, "too-large", f"line longer than the limit of {max_bytes} bytes")
    try:
        text = raw.decode("utf-8-sig" if src.line == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        return Reject(src, "decode-error", f"not valid UTF-8 at byte {exc.start} of the line")
    return jsonl_record(text, src, fields)


def read_jsonl(
    path: str, *, fields: Mapping[str, str] | None, max_bytes: int
) -> Iterator[Document | Reject]:
    """Yield one Document (or Reject) per non-blank line of a JSONL file."""
    line = 0
    seen_any = False
    try:
        with open_binary(path) as fh:
            if why := binary_reason(_first_line(fh)):
                yield Reject(Source(path), "binary", f"not a text file: {why}")
                return
            for line, raw in bounded_lines(fh, max_bytes):
                src = Source(path, line=line)
                if raw is not None and not raw.strip():
                    continue
                seen_any = True
                yield jsonl_line(raw, src, fields, max_bytes=max_bytes)
        if not seen_any:
            yield Reject(Source(path), "empty", "the file holds no lines")
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield Reject(Source(path, line=line + 1), "unreadable", f"corrupt gzip data: {exc}")
    except OSError as exc:
        yield Reject(Source(path), "unreadable", f"cannot read file: {exc.strerror or exc}")


class _Lines:
    """Decoded lines for ``csv.reader``; a bad line becomes blank and its problem is noted."""

    def __init__(self, fh: IO[bytes], limit: int) -> None:
        self._fh = fh
        self._limit = limit
        self.problems: dict[int, tuple[str, str]] = {}

    def __iter__(self) -> Iterator[str]:
        for n, raw in bounded_lines(self._fh, self._limit):
            if raw is None:
                self.problems[n] = (
                    "too-large",
                    f"line longer than the limit of {self._limit} bytes",
                )
                yield "\n"
                continue
            try:
                yield raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                self.problems[n] = (
                    "decode-error",
                    f"not valid UTF-8 at byte {exc.start} of the line",
                )
                yield "\n"

    def take(self, first: int, last: int) -> tuple[str, str] | None:
        """The first problem noted on lines ``first..last``, forgetting those lines."""
        found = None
        for n in range(first, last + 1):
            problem = self.problems.pop(n, None)
            if problem is not None and found is None:
                found = problem
        return found


def read_csv(
    path: str, *, fields: Mapping[str, str] | None, max_bytes: int
) -> Iterator[Document | Reject]:
    """Yield one Document (or Reject) per data row of a CSV (``,``) or TSV (tab) file.

    The first row is the header. ``Source.line`` is the line where the record starts.
    """
    delimiter = "\t" if path.lower().removesuffix(".gz").endswith(".tsv") else ","
    # Bounds a runaway quoted field (an unclosed quote) to max_bytes.
    csv.field_size_limit(min(max_bytes + 1, 2**31 - 1))
    header: list[str] | None = None
    records = 0
    prev = 0
    try:
        with open_binary(path) as fh:
            if why := binary_reason(_first_line(fh)):
                yield Reject(Source(path), "binary", f"not a text file: {why}")
                return
            lines = _Lines(fh, max_bytes)
            reader = csv.reader(lines, delimiter=delimiter)
            while True:
                try:
                    row = next(reader)
                    error = None
                except StopIteration:
                    break
                except csv.Error as exc:
                    row, error = [], str(exc)
                start, prev = prev + 1, reader.line_num
                src = Source(path, line=start)
                problem = lines.take(start, prev)
                if problem is None and error is not None:
                    reason = "too-large" if "field limit" in error else "malformed-csv"
                    problem = (reason, f"cannot parse the record: {error}")
                if header is None:
                    if not any(f.strip() for f in row) and problem is None:
                        continue  # blank lines before the header
                    if problem is not None:
                        yield Reject(src, "malformed-csv", f"bad header: {problem[1]}")
                        return
                    header = [h.strip() for h in row]
                    continue
                if problem is None and (not row or (len(row) == 1 and not row[0].strip())):
                    continue  # blank line
                records += 1
                if problem is not None:
                    yield Reject(src, *problem)
                    continue
                if len(row) != len(header):
                    yield Reject(
                        src, "malformed-csv", f"{len(row)} fields, the header has {len(header)}"
                    )
                    continue
                if sum(len(f) for f in row) > max_bytes:
                    yield Reject(src, "too-large", f"record over the limit of {max_bytes} bytes")
                    continue
                yield row_document(dict(zip(header, row, strict=True)), src, "csv", fields)
            if header is None:
                yield Reject(Source(path), "empty", "the file holds no header row")
            elif records == 0:
                yield Reject(Source(path), "empty", "the file holds a header and no rows")
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield Reject(Source(path, line=prev + 1), "unreadable", f"corrupt gzip data: {exc}")
    except OSError as exc:
        yield Reject(Source(path), "unreadable", f"cannot read file: {exc.strerror or exc}")
