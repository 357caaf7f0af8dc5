"""Expanding command-line arguments (files, folders, glob patterns) into input files.

Folders are walked recursively in sorted order; hidden entries (names starting with ``.``)
and ``*.json`` sidecars are skipped, and so are files of unknown type. Only a file named
explicitly gets an ``unsupported`` reject. The same file reached twice is read once.
"""

from __future__ import annotations

import errno
import glob
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from storytrace.io.files import special_kind
from storytrace.model import InputKind, Reject, Source

log = logging.getLogger(__name__)

# Longest suffix first, so ".warc.gz" wins over ".gz".
_SUFFIXES: tuple[tuple[str, InputKind], ...] = (
    (".warc.gz", "warc"),
    (".html.gz", "html"),
    (".htm.gz", "html"),
    (".jsonl.gz", "jsonl"),
    (".ndjson.gz", "jsonl"),
    (".csv.gz", "csv"),
    (".tsv.gz", "csv"),
    (".txt.gz", "text"),
    (".warc", "warc"),
    (".parquet", "parquet"),
    (".html", "html"),
    (".htm", "html"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".csv", "csv"),
    (".tsv", "csv"),
    (".txt", "text"),
)
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file to read and the reader that handles it."""

    path: str
    kind: InputKind


def kind_of(path: str) -> InputKind | None:
    """The input kind for a file name, from its extension (case-insensitive), or None."""
    name = os.path.basename(path).lower()
    for suffix, kind in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return kind
    return None


def strip_suffix(path: str) -> str:
    """``path`` without its input extension (``a/b.html.gz`` -> ``a/b``)."""
    lower = path.lower()
    for suffix, _kind in _SUFFIXES:
        if lower.endswith(suffix):
            return path[: -len(suffix)]
    return os.path.splitext(path)[0]


def expand(paths: Iterable[str]) -> Iterator[InputFile | Reject]:
    """Yield each input file named by ``paths`` once, or a Reject for an argument that fails.

    An argument that exists is used as is (a file or a folder); otherwise, if it holds glob
    characters, it is expanded (``**`` recurses). A path or pattern that matches nothing
    gives ``Reject("unreadable", ...)``.
    """
    seen: set[str] = set()
    for arg in paths:
        if os.path.lexists(arg):
            yield from _entry(arg, explicit=True, seen=seen)
        elif _GLOB_CHARS & set(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                yield Reject(Source(arg), "unreadable", "no file matches this pattern")
            for match in matches:
                yield from _entry(match, explicit=False, seen=seen)
        else:
            yield Reject(Source(arg), "unreadable", "no such file or folder")


def _entry(path: str, *, explicit: bool, seen: set[str]) -> Iterator[InputFile | Reject]:
    if os.path.isdir(path):
        yield from _walk(path, seen)
        return
    kind = kind_of(path)
    if kind is None:
        if explicit:
            yield Reject(Source(path), "unsupported", _unsupported_detail(path))
        else:
            log.debug("skipping %s: unknown file type", path)
        return
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        why = "symbolic link loop" if exc.errno == errno.ELOOP else "broken symbolic link"
        if os.path.lexists(path) and not os.path.islink(path):
            why = f"cannot read file: {exc.strerror or exc}"
        yield Reject(Source(path), "unreadable", why)
        return
    if (what := special_kind(mode)) is not None:
        yield Reject(Source(path), "not-a-file", f"not a regular file: {what}")
        return
    real = os.path.realpath(path)
    if real not in seen:
        seen.add(real)
        yield InputFile(path, kind)


def _walk(folder: str, seen: set[str]) -> Iterator[InputFile | Reject]:
    real = os.path.realpath(folder)
    if real in seen:  # a symlink loop, or the same folder twice
        return
    seen.add(real)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield Reject(Source(folder), "unreadable", f"cannot list folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(folder, entry.name)
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(path, seen)
        elif entry.name.lower().endswith(".json"):
            continue  # a sidecar, read with the file it describes
        else:
            yield from _entry(path, explicit=False, seen=seen)


def _unsupported_detail(path: str) -> str:
    if path.lower().endswith(".json"):
        return (
            "a .json file is read only as the sidecar of an article file; "
            "use .jsonl for one article per line"
        )
    known = ", ".join(sorted({s for s, _ in _SUFFIXES}))
    return f"unknown file type; supported: {known}"
