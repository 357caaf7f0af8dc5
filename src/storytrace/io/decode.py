"""Turning raw bytes into text, and telling text from binary.

The rules, in order: a byte-order mark decides; else strict UTF-8; else an explicitly
declared charset (a sidecar ``encoding`` field, an HTTP ``Content-Type`` header, or an HTML
``<meta charset>``). Nothing is guessed: bytes that none of these decode are a
``decode-error`` that names the byte offset, so the user can fix the input or declare its
encoding.
"""

from __future__ import annotations

import codecs
import re

# Magic numbers of formats that are never article text.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or docx/xlsx/epub)"),
    (b"\x1f\x8b", "gzip data (name it .gz to have it unpacked)"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x7fELF", "ELF executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"\x28\xb5\x2f\xfd", "zstd data"),
    (b"OggS", "Ogg media"),
    (b"\x00\x00\x01\x00", "icon"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters that do not occur in text (tab, newlines, form feed and ESC excluded).
_CONTROL = frozenset([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_SNIFF = 8192
_MAX_CONTROL_SHARE = 0.05
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
# WHATWG: these labels mean windows-1252 in practice.
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
}


class DecodeError(ValueError):
    """Bytes that could not be decoded; ``offset`` is the first bad byte."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def bom_encoding(data: bytes) -> str | None:
    """The encoding named by a byte-order mark at the start of ``data``, if any."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` looks binary (a known magic number, NUL bytes, many control bytes), or None."""
    if bom_encoding(data) is not None:
        return None  # UTF-16/32 text has NUL bytes but is text
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return f"looks like a {what}"
    head = data[:_SNIFF]
    nul = head.find(b"\x00")
    if nul >= 0:
        return f"contains NUL bytes (first at byte {nul})"
    if head:
        control = sum(1 for b in head if b in _CONTROL)
        if control / len(head) > _MAX_CONTROL_SHARE:
            return f"{control} control bytes in the first {len(head)} bytes"
    return None


def canonical_charset(label: str | None) -> str | None:
    """A Python codec name for a declared charset label, or None when it is unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The charset of an HTTP ``Content-Type`` value (``text/html; charset=...``), if known."""
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return canonical_charset(m.group(1)) if m else None


def meta_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag in its first 4 KB, if known."""
    m = _META_CHARSET.search(data[:4096])
    return canonical_charset(m.group(1).decode("ascii", "replace")) if m else None


def decode(data: bytes, *, declared: tuple[str | None, ...] = ()) -> str:
    """Decode ``data``: BOM, then strict UTF-8, then each declared charset in turn.

    Raises :class:`DecodeError` (with the byte offset of the first bad byte) when none works.
    """
    bom = bom_encoding(data)
    if bom is not None:
        try:
            # utf-16/utf-32 without endianness consume the BOM themselves.
            return data.decode("utf-8-sig" if bom == "utf-8" else bom.rsplit("-", 1)[0])
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid {bom} at byte {exc.start}", exc.start) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first = exc
    tried: list[str] = []
    for label in declared:
        name = canonical_charset(label)
        if name is None or name in tried or name == "utf-8":
            continue
        tried.append(name)
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    bad = data[first.start : first.start + 1].hex()
    hint = f"nor as {', '.join(tried)}" if tried else "and no charset is declared"
    raise DecodeError(f"not valid UTF-8 at byte {first.start} (0x{bad}), {hint}", first.start)
