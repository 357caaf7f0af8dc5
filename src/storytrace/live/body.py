"""Response bodies under a size limit, unpacked from gzip (or zlib) as they arrive.

The limit holds on the unpacked size: a few kilobytes of gzip can unpack to gigabytes, so the
bytes are unpacked a bounded piece at a time and reading stops once the limit is passed.
"""

from __future__ import annotations

import zlib

GZIP_MAGIC = b"\x1f\x8b"
_GZIP_OR_ZLIB = 32 + zlib.MAX_WBITS  # zlib reads either header


class TooLarge(Exception):
    """More than the limit; ``limit`` is the limit in bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"over the limit of {limit} bytes")
        self.limit = limit


class CorruptData(Exception):
    """Bytes that do not unpack."""


class BoundedBody:
    """Collects at most ``limit`` bytes (:class:`TooLarge` past it), unpacked when ``unpack``."""

    def __init__(self, limit: int, *, unpack: bool = False) -> None:
        self.limit = limit
        self.size = 0
        self._parts: list[bytes] = []
        self._unpacker = zlib.decompressobj(_GZIP_OR_ZLIB) if unpack else None

    def feed(self, data: bytes) -> None:
        if self._unpacker is None:
            self._keep(data)
            return
        try:
            while data:
                # At most one byte past the limit per step: enough to know it is too large.
                out = self._unpacker.decompress(data, self.limit + 1 - self.size)
                self._keep(out)
                data = self._unpacker.unconsumed_tail
                if self._unpacker.eof and self._unpacker.unused_data:
                    # Another gzip member follows (concatenated .gz files are valid gzip).
                    data = self._unpacker.unused_data
                    self._unpacker = zlib.decompressobj(_GZIP_OR_ZLIB)
        except zlib.error as exc:
            raise CorruptData(f"corrupt compressed data: {exc}") from None

    def finish(self) -> bytes:
        """The bytes collected; :class:`CorruptData` when a compressed body was cut short."""
        if self._unpacker is not None:
            try:
                self._keep(self._unpacker.flush())
            except zlib.error as exc:
                raise CorruptData(f"corrupt compressed data: {exc}") from None
            if not self._unpacker.eof and self.size:
                raise CorruptData("compressed data cut short")
        return b"".join(self._parts)

    def partial(self) -> bytes:
        """What was collected so far, up to the limit."""
        return b"".join(self._parts)[: self.limit]

    def _keep(self, data: bytes) -> None:
        if not data:
            return
        self.size += len(data)
        self._parts.append(data)
        if self.size > self.limit:
            raise TooLarge(self.limit)


def unpack_gzip(data: bytes, limit: int) -> bytes:
    """``data`` unpacked when it is gzip (a ``.xml.gz`` sitemap), else as it is; at most
    ``limit`` bytes either way (:class:`TooLarge`, :class:`CorruptData`)."""
    if not data.startswith(GZIP_MAGIC):
        if len(data) > limit:
            raise TooLarge(limit)
        return data
    body = BoundedBody(limit, unpack=True)
    body.feed(data)
    return body.finish()


__all__ = ["GZIP_MAGIC", "BoundedBody", "CorruptData", "TooLarge", "unpack_gzip"]
