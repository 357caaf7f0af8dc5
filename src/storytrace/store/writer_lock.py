"""One writing process per database file.

Two ingests into one file would each keep their own picture of the stories and the candidate
index between batches, and interleave their batches: SQLite keeps each transaction whole, but
not that picture. So a writer takes an exclusive ``flock`` on ``FILE.lock`` for as long as it
is open, and removes the file when it closes; the operating system releases the lock however
the process ends (``kill -9`` included), so a lock file left behind locks nothing. Readers
never take it.
"""

from __future__ import annotations

import os

from ..errors import StoreBusy, StoreError

try:
    import fcntl
except ImportError:  # Windows: no flock; one writer at a time is then the user's care
    fcntl = None  # type: ignore[assignment]


class WriterLock:
    """Held from construction until :meth:`release`; StoreBusy when another process holds it."""

    def __init__(self, db_path: str) -> None:
        self.path = f"{db_path}.lock"
        self._fd: int | None = None
        if fcntl is None:
            return
        while self._fd is None:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            except FileNotFoundError:
                return  # no such folder: opening the database says so in its own words
            except OSError as exc:
                raise StoreError(
                    f"cannot write the database {db_path}: {exc.strerror or exc} ({self.path})"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _holder(fd)
                os.close(fd)
                who = f" (process {holder})" if holder else ""
                raise StoreBusy(
                    f"{db_path} is being written by another storytrace run{who}; "
                    "wait for it to finish, or give another --db"
                ) from None
            if _same_file(fd, self.path):
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                self._fd = fd
            else:
                os.close(fd)  # the holder removed it as we opened it: take the new one

    def release(self) -> None:
        """Remove the lock file, then drop the lock (in that order, see _same_file)."""
        if self._fd is not None:
            try:
                os.unlink(self.path)
            except OSError:
                pass
            os.close(self._fd)
            self._fd = None


def _same_file(fd: int, path: str) -> bool:
    """Whether ``fd`` is still the file at ``path``: a lock taken on a file its holder unlinked
    in the meantime guards nothing, since the next run creates and locks a new one."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


def _holder(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
