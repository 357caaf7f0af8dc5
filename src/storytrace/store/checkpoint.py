"""Copying the write-ahead log into the database file on a thread of its own.

SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that commit
then copies 64 MiB of pages and syncs the file, about 100 ms on a 10k store, while every other
commit takes a few. Here the writer's automatic checkpoint is off and a second connection runs a
PASSIVE checkpoint (it never blocks the writer or readers) on a daemon thread, which the sqlite3
module lets run beside the writer because it releases the GIL while SQLite works.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

log = logging.getLogger(__name__)

WAL_BYTES = 64 << 20  # as the automatic checkpoint of 16384 pages it replaces
HARD_BYTES = 3 * WAL_BYTES  # past this the writer checkpoints and truncates the log itself
# The bound docs/reliability.md promises: the hard threshold plus the transaction in flight when
# it is crossed (one batch's writes, far less than WAL_BYTES).
WAL_BOUND_BYTES = HARD_BYTES + WAL_BYTES


class BackgroundCheckpoint:
    """Checkpoints ``path``'s WAL once it holds ``wal_bytes``, on a thread started on first need.

    The writer calls :meth:`after_commit` after each commit. The WAL's file size tells how much
    it holds because ``journal_size_limit`` truncates the file to half the threshold whenever
    SQLite restarts the log after a complete checkpoint. Should the thread fail, the writer
    checkpoints itself, as SQLite would have.

    A passive checkpoint copies only the frames committed when it began; a writer that keeps
    committing can keep the log from ever restarting, and the file grows. Past ``hard_bytes``
    the writer therefore runs a TRUNCATE checkpoint between two transactions (it waits for
    readers up to the busy timeout): the log restarts, and the file is bounded.
    """

    def __init__(self, path: str, wal_bytes: int = WAL_BYTES, hard_bytes: int = HARD_BYTES) -> None:
        self.path = path
        self.wal_bytes = wal_bytes
        self.hard_bytes = max(hard_bytes, wal_bytes)
        self.truncations = 0  # TRUNCATE checkpoints the writer ran
        self.checkpoints = 0  # completed by the thread
        self.error: BaseException | None = None
        self._state = threading.Condition()
        self._asked = 0  # checkpoints asked for
        self._done = 0  # what ``_asked`` was when the last completed checkpoint began
        self._closing = False
        self._thread: threading.Thread | None = None

    @classmethod
    def for_writer(
        cls,
        writer: sqlite3.Connection,
        path: str,
        wal_bytes: int = WAL_BYTES,
        hard_bytes: int = HARD_BYTES,
    ) -> BackgroundCheckpoint:
        """Turn the writer's own checkpoint off, bound the WAL file it leaves, and take over."""
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute(f"PRAGMA journal_size_limit={wal_bytes // 2:d}")
        return cls(path, wal_bytes, hard_bytes)

    def after_commit(self, writer: sqlite3.Connection) -> None:
        try:
            size = os.stat(self.path + "-wal").st_size
        except OSError:
            return
        if size < self.wal_bytes:
            return
        if size >= self.hard_bytes:
            writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            self.truncations += 1
            return
        if self.error is not None:
            writer.execute("PRAGMA wal_checkpoint(PASSIVE)")
            return
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="storytrace-checkpoint", daemon=True
            )
            self._thread.start()
        with self._state:
            self._asked += 1
            self._state.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every checkpoint asked for has run (True), or ``timeout`` passes."""
        with self._state:
            return self._state.wait_for(
                lambda: self._done >= self._asked or self.error is not None, timeout
            )

    def close(self) -> None:
        """Finish the running checkpoint and stop the thread (closing the writer does the last)."""
        if self._thread is not None:
            with self._state:
                self._closing = True
                self._state.notify_all()
            self._thread.join()
            self._thread = None

    def _loop(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            try:
                while True:
                    with self._state:
                        self._state.wait_for(lambda: self._closing or self._asked > self._done)
                        if self._closing:
                            return
                        asked = self._asked
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    with self._state:
                        self.checkpoints += 1
                        self._done = asked
                        self._state.notify_all()
            finally:
                conn.close()
        except Exception as exc:  # the writer takes over: the WAL must not grow without end
            log.warning(
                "background checkpoint of %s failed, the writer checkpoints instead: %s",
                self.path,
                exc,
            )
            with self._state:
                self.error = exc
                self._state.notify_all()
