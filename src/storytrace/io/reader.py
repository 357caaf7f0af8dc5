"""``read_inputs``: every supported input, streamed as Documents and Rejects."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from storytrace.errors import InputError
from storytrace.io.discover import InputFile, expand
from storytrace.io.meta import MetaIndex, load_meta_file
from storytrace.io.parquet import read_parquet
from storytrace.io.single import read_single
from storytrace.io.tabular import read_csv, read_jsonl
from storytrace.io.warc import read_warc
from storytrace.model import Document, Reject, Source


def read_inputs(
    paths: Iterable[str],
    *,
    meta_file: str | None = None,
    fields: Mapping[str, str] | None = None,
    max_bytes: int = 10_000_000,
) -> Iterator[Document | Reject]:
    """Read articles from files, folders and glob patterns, one Document or Reject at a time.

    ``paths``: files, folders (walked recursively in sorted order, skipping hidden entries,
    ``*.json`` sidecars and unknown file types) and glob patterns (``**`` recurses).

    Supported files, by extension (case-insensitive):

    - ``.txt`` (plain text) and ``.html``/``.htm`` (each also ``.gz``): one article per file.
      Metadata comes from a sidecar ``NAME.json`` and from ``meta_file``; the meta file wins.
    - ``.jsonl``/``.ndjson`` and ``.csv``/``.tsv`` (each also ``.gz``): one article per line or
      row, with fields ``id``, ``url``, ``outlet``, ``published``, ``title`` and ``text`` or
      ``html``. ``Source.line`` is the line number.
    - ``.parquet``: one article per row, the same fields as JSONL (needs pyarrow, in the
      ``spark`` extra). ``Source.line`` is the row number.
    - ``.warc``/``.warc.gz``: HTML response records with status 200; ``Source.record`` is the
      WARC-Record-ID.

    ``meta_file``: JSONL or CSV/TSV with one row per article file, keyed by a ``file`` (or
    ``name``/``path``) column holding the file's path or name. ``fields`` maps a documented
    field name to the column that holds it, e.g. ``{"text": "body", "published": "date"}``;
    it applies to JSONL/CSV inputs and to the meta file.

    ``max_bytes`` caps one article: a whole file for ``.txt``/``.html``, one line or record
    for JSONL, CSV and WARC (such files may be larger).

    A bad input never raises: it yields a :class:`~storytrace.model.Reject` whose ``reason``
    is one of ``unreadable``, ``unsupported``, ``too-large``, ``empty``, ``binary``,
    ``decode-error``, ``malformed-json``, ``malformed-csv``, ``malformed-warc`` and
    ``missing-text``, and reading goes on. Only bad options raise
    :class:`~storytrace.errors.InputError`, at call time: an unreadable or malformed
    ``meta_file``, or a ``max_bytes`` below 1.
    """
    if isinstance(paths, str):
        paths = [paths]  # a lone path, not an iterable of characters
    if max_bytes < 1:
        raise InputError(f"max_bytes must be at least 1, not {max_bytes}")
    index = load_meta_file(meta_file, fields) if meta_file else None
    return _read_all(list(paths), index, dict(fields or {}), max_bytes)


def _read_all(
    paths: list[str], index: MetaIndex | None, fields: Mapping[str, str], max_bytes: int
) -> Iterator[Document | Reject]:
    for item in expand(paths):
        if isinstance(item, Reject):
            yield item
        else:
            yield from _read_file(item, index, fields, max_bytes)


def _read_file(
    item: InputFile, index: MetaIndex | None, fields: Mapping[str, str], max_bytes: int
) -> Iterator[Document | Reject]:
    try:
        if item.kind in ("text", "html"):
            yield read_single(item.path, item.kind, meta_index=index, max_bytes=max_bytes)
        elif item.kind == "jsonl":
            yield from read_jsonl(item.path, fields=fields, max_bytes=max_bytes)
        elif item.kind == "csv":
            yield from read_csv(item.path, fields=fields, max_bytes=max_bytes)
        elif item.kind == "parquet":
            yield from read_parquet(item.path, fields=fields, max_bytes=max_bytes)
        else:
            yield from read_warc(item.path, max_bytes=max_bytes)
    except Exception as exc:  # a reader bug must not end the whole run
        yield Reject(Source(item.path), "unreadable", f"{type(exc).__name__}: {exc}")
