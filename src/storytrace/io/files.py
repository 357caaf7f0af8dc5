"""Opening only regular files: a named pipe, a device or a socket among the inputs would block
a read forever (a FIFO without a writer) or never end (``/dev/zero``).

The check is made on the open file, not on the name beforehand, so that a file swapped for a
pipe between the check and the read cannot block: the file is opened without blocking, its
kind read with ``fstat``, and only a regular file is handed on.
"""

from __future__ import annotations

import gzip
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, cast

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFile(OSError):
    """The path names something other than a regular file."""

    def __init__(self, path: str, what: str) -> None:
        super().__init__(f"not a regular file: {what}")
        self.strerror = f"not a regular file: {what}"
        self.filename = path


def special_kind(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is not a regular file, else None."""
    if stat.S_ISREG(mode):
        return None
    for test, what in _KINDS:
        if test(mode):
            return what
    return "not a regular file"


def open_regular(path: str) -> IO[bytes]:
    """Open ``path`` for binary reading if it is a regular file (after symbolic links);
    NotRegularFile otherwise, OSError when it cannot be opened (a symbolic link loop too)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        what = special_kind(os.fstat(fd).st_mode)
        if what is not None:
            raise NotRegularFile(path, what)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


MAX_GZIP_RATIO = 200
"""A ``.gz`` file may unpack to this many times its size (text packs to a fifth or a tenth);
past it, it is a gzip bomb and its reading stops with an error."""


class GzipBomb(OSError):
    """A ``.gz`` file that unpacks to far more than text would."""


class _CappedGzip(gzip.GzipFile):
    """A GzipFile that raises GzipBomb once it has unpacked more than ``cap`` bytes."""

    cap = 0

    def _checked(self, data: bytes) -> bytes:
        if self.tell() > self.cap:
            raise GzipBomb(f"unpacks to more than {MAX_GZIP_RATIO} times its size (a gzip bomb?)")
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._checked(super().read(size))

    def read1(self, size: int = -1) -> bytes:
        return self._checked(super().read1(size))

    def readline(self, size: int | None = -1) -> bytes:
        return self._checked(super().readline(size))


@contextmanager
def open_binary(path: str) -> Iterator[IO[bytes]]:
    """A regular file opened for binary reading, unpacked when its name ends in ``.gz`` (up to
    :data:`MAX_GZIP_RATIO` times its size, then :class:`GzipBomb`)."""
    with open_regular(path) as fh:
        if path.lower().endswith(".gz"):
            with _CappedGzip(fileobj=fh, mode="rb") as gz:
                gz.cap = MAX_GZIP_RATIO * max(os.fstat(fh.fileno()).st_size, 1 << 16)
                yield cast(IO[bytes], gz)
        else:
            yield fh
