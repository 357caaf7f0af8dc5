"""Readers for one-article files: plain text (``.txt``) and HTML (``.html``, ``.htm``, ``.gz``)."""

from __future__ import annotations

import gzip
import os
import zlib
from typing import Any

from storytrace.io.decode import DecodeError, binary_reason, decode, meta_charset
from storytrace.io.files import open_binary
from storytrace.io.meta import MetaIndex, SidecarError, read_sidecar
from storytrace.model import Document, InputKind, Reject, Source


def read_single(
    path: str, kind: InputKind, *, meta_index: MetaIndex | None, max_bytes: int
) -> Document | Reject:
    """Read one ``.txt`` or ``.html`` file (optionally gzipped) into a Document, or a Reject.

    Metadata: the sidecar JSON, overridden field by field by the meta-file row.
    """
    src = Source(path)
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        return Reject(src, "unreadable", f"cannot stat file: {exc.strerror or exc}")
    if size > max_bytes:
        return Reject(src, "too-large", f"{size} bytes, over the limit of {max_bytes}")
    try:
        meta: dict[str, Any] = read_sidecar(path)
    except SidecarError as exc:
        return Reject(src, "malformed-json", str(exc))
    if meta_index is not None:
        meta.update(meta_index.lookup(path))
    data = _read_bytes(path, src, max_bytes)
    if isinstance(data, Reject):
        return data
    if not data.strip():
        return Reject(src, "empty", "the file is empty or holds only whitespace")
    why = binary_reason(data)
    if why is not None:
        return Reject(src, "binary", f"not a text file: {why}")
    is_html = kind == "html"
    declared = (meta.get("encoding"),) + ((meta_charset(data),) if is_html else ())
    try:
        text = decode(data, declared=tuple(str(d) if d else None for d in declared))
    except DecodeError as exc:
        return Reject(src, "decode-error", str(exc))
    if not text.strip():
        return Reject(src, "empty", "the file holds only whitespace")
    meta.pop("encoding", None)
    return Document(source=src, kind=kind, content=text, is_html=is_html, meta=meta)


def _read_bytes(path: str, src: Source, max_bytes: int) -> bytes | Reject:
    try:
        with open_binary(path) as fh:
            data = fh.read(max_bytes + 1)
        if len(data) > max_bytes:  # it unpacks to more, or grew after the size check
            return Reject(src, "too-large", f"more than the limit of {max_bytes} bytes")
        return data
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        return Reject(src, "unreadable", f"corrupt gzip data: {exc}")
    except OSError as exc:
        return Reject(src, "unreadable", f"cannot read file: {exc.strerror or exc}")
