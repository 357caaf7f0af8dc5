"""Reader for Parquet files (``.parquet``): one row is one article, with the fields of JSONL and
CSV rows (``id``, ``url``, ``outlet``, ``published``, ``title``, ``text`` or ``html``;
``fields`` renames columns). Read with pyarrow, a batch of rows at a time; pyarrow comes with
the ``spark`` extra, and without it a Parquet file is a reject that says so."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterator, Mapping
from typing import IO, Any

from storytrace.io.files import open_regular
from storytrace.io.tabular import row_document
from storytrace.model import Document, Reject, Source

BATCH_ROWS = 1000
NEEDS = "reading Parquet needs pyarrow: pip install 'storytrace[spark]'"


def _plain(value: Any) -> Any:
    """Parquet dates and times as ISO 8601 text, as the other readers give them."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def read_parquet(
    path: str, *, fields: Mapping[str, str] | None, max_bytes: int
) -> Iterator[Document | Reject]:
    """Yield one Document (or Reject) per row; ``max_bytes`` caps a row's text or HTML."""
    if importlib.util.find_spec("pyarrow") is None:
        yield Reject(Source(path), "unsupported", NEEDS)
        return
    try:
        fh = open_regular(path)
    except OSError as exc:
        yield Reject(Source(path), "unreadable", f"cannot read file: {exc.strerror or exc}")
        return
    with fh:
        yield from _rows(fh, path, fields, max_bytes)


def _rows(
    fh: IO[bytes], path: str, fields: Mapping[str, str] | None, max_bytes: int
) -> Iterator[Document | Reject]:
    import pyarrow.parquet as pq

    try:
        data = pq.ParquetFile(fh)
    except Exception as exc:  # pyarrow raises its own error types for a bad file
        yield Reject(Source(path), "unreadable", f"not a readable Parquet file: {exc}")
        return
    line = 0
    try:
        for batch in data.iter_batches(batch_size=BATCH_ROWS):
            for row in batch.to_pylist():
                line += 1
                src = Source(path, line=line)
                body = [
                    v for k, v in row.items() if k in ("text", "html", *(fields or {}).values())
                ]
                if any(
                    isinstance(v, str) and len(v.encode("utf-8", "surrogatepass")) > max_bytes
                    for v in body
                ):
                    yield Reject(src, "too-large", f"row over the limit of {max_bytes} bytes")
                    continue
                yield row_document({k: _plain(v) for k, v in row.items()}, src, "parquet", fields)
    except Exception as exc:
        yield Reject(Source(path, line=line + 1), "unreadable", f"corrupt Parquet data: {exc}")
    if line == 0:
        yield Reject(Source(path), "empty", "the file holds no rows")
