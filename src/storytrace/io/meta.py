"""Metadata for single-article files: sidecar JSON files and a ``--meta`` file.

A sidecar is ``NAME.json`` next to ``NAME.txt`` / ``NAME.html`` / ``NAME.html.gz`` (also
accepted: ``NAME.txt.json``). A meta file is JSONL or CSV/TSV with one row per article file,
keyed by a ``file`` column (or ``name`` / ``path``). When both give a field, the meta file wins:
it is the explicit choice of the user.

Documented fields: ``id``, ``url``, ``outlet``, ``published``, ``title``; for plain text also
``encoding`` (the charset of the file). Other fields are kept as they are.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping
from typing import Any

from storytrace.errors import InputError
from storytrace.io.discover import strip_suffix
from storytrace.io.files import open_regular

DOCUMENTED = ("id", "url", "outlet", "published", "title")
KEY_COLUMNS = ("file", "name", "path")
MAX_SIDECAR_BYTES = 1 << 20


class SidecarError(ValueError):
    """A sidecar file that exists but is not a JSON object."""


def apply_fields(row: Mapping[str, Any], fields: Mapping[str, str] | None) -> dict[str, Any]:
    """Rename columns to documented names: ``fields`` maps NAME -> COLUMN (``{"text": "body"}``).

    The renamed column is consumed; other columns keep their names. A documented name whose
    column is absent from the row is left unset.
    """
    out = dict(row)
    for name, column in (fields or {}).items():
        if column == name or column not in row:
            continue
        out.pop(column, None)
        out[name] = row[column]
    return out


def clean_meta(row: Mapping[str, Any]) -> dict[str, Any]:
    """Drop empty values (None, blank strings) so that they do not override real ones."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        out[str(key)] = value.strip() if isinstance(value, str) else value
    return out


def sidecar_path(path: str) -> str | None:
    """The sidecar JSON file of an article file, if one exists."""
    for candidate in (strip_suffix(path) + ".json", path + ".json"):
        if os.path.isfile(candidate):
            return candidate
    return None


def read_sidecar(path: str) -> dict[str, Any]:
    """The sidecar fields of an article file (``{}`` without one); SidecarError if malformed."""
    side = sidecar_path(path)
    if side is None:
        return {}
    try:
        with open_regular(side) as fh:
            raw = fh.read(MAX_SIDECAR_BYTES + 1)
        if len(raw) > MAX_SIDECAR_BYTES:
            raise ValueError(f"over the limit of {MAX_SIDECAR_BYTES} bytes")
        data = json.loads(raw.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SidecarError(f"sidecar {os.path.basename(side)}: {exc}") from None
    if not isinstance(data, dict):
        raise SidecarError(f"sidecar {os.path.basename(side)}: not a JSON object")
    return clean_meta(data)


class MetaIndex:
    """Rows of a meta file, looked up by article file path.

    Lookup tries the path as written (relative to the current folder or to the meta file's
    folder), then the file name, then the name without extension; a name shared by several
    rows is ambiguous and matches nothing.
    """

    def __init__(self, rows: list[tuple[str, dict[str, Any]]], base: str) -> None:
        self._by_path: dict[str, dict[str, Any]] = {}
        by_name: dict[str, list[dict[str, Any]]] = {}
        by_stem: dict[str, list[dict[str, Any]]] = {}
        for key, row in rows:
            for full in {os.path.abspath(key), os.path.abspath(os.path.join(base, key))}:
                self._by_path[os.path.normcase(full)] = row
            name = os.path.basename(key)
            by_name.setdefault(name, []).append(row)
            by_stem.setdefault(os.path.basename(strip_suffix(key)), []).append(row)
        self._by_name = {k: v[0] for k, v in by_name.items() if len(v) == 1}
        self._by_stem = {k: v[0] for k, v in by_stem.items() if len(v) == 1}

    def __len__(self) -> int:
        return len(self._by_name)

    def lookup(self, path: str) -> dict[str, Any]:
        """The meta row for ``path``, or ``{}``."""
        row = self._by_path.get(os.path.normcase(os.path.abspath(path)))
        if row is None:
            row = self._by_name.get(os.path.basename(path))
        if row is None:
            row = self._by_stem.get(os.path.basename(strip_suffix(path)))
        return dict(row) if row else {}


def load_meta_file(path: str, fields: Mapping[str, str] | None = None) -> MetaIndex:
    """Read a ``--meta`` file (``.jsonl``/``.ndjson`` or ``.csv``/``.tsv``) into a MetaIndex.

    Raises :class:`InputError` when it cannot be read, a line is malformed, or a row has no
    ``file`` (or ``name``/``path``) value.
    """
    lower = path.lower()
    try:
        with io.TextIOWrapper(open_regular(path), encoding="utf-8-sig", newline="") as fh:
            if lower.endswith((".jsonl", ".ndjson", ".json")):
                raw = list(_jsonl_rows(fh, path))
            elif lower.endswith((".csv", ".tsv")):
                raw = list(_csv_rows(fh, path, "\t" if lower.endswith(".tsv") else ","))
            else:
                raise InputError(f"meta file {path}: use .jsonl or .csv/.tsv")
    except OSError as exc:
        raise InputError(f"meta file {path}: cannot read it ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"meta file {path}: not UTF-8 at byte {exc.start}") from None
    rows: list[tuple[str, dict[str, Any]]] = []
    for line, row in raw:
        row = apply_fields(row, fields)
        key = next((str(row[c]).strip() for c in KEY_COLUMNS if row.get(c)), None)
        if not key:
            raise InputError(f"meta file {path} line {line}: no 'file' (or 'name'/'path') value")
        meta = clean_meta({k: v for k, v in row.items() if k not in KEY_COLUMNS})
        rows.append((key, meta))
    return MetaIndex(rows, os.path.dirname(os.path.abspath(path)))


def _jsonl_rows(fh: Any, path: str) -> Any:
    for n, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise InputError(f"meta file {path} line {n}: not JSON ({exc})") from None
        if not isinstance(row, dict):
            raise InputError(f"meta file {path} line {n}: not a JSON object")
        yield n, row


def _csv_rows(fh: Any, path: str, delimiter: str) -> Any:
    reader = csv.reader(fh, delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise InputError(f"meta file {path}: no header row")
    for row in reader:
        if not row:
            continue
        if len(row) != len(header):
            raise InputError(
                f"meta file {path} line {reader.line_num}: {len(row)} fields, "
                f"header has {len(header)}"
            )
        yield reader.line_num, dict(zip(header, row, strict=True))
