"""Readers that run beside a writer: a plain-SQL reader and the read API, every half second,
counting their reads and failures (used by the kill test and the WAL benchmark)."""

from __future__ import annotations

import os
import sqlite3
import threading

import storytrace


class Readers:
    """Reads ``db`` on a thread every ``every`` seconds until the block ends."""

    def __init__(self, db: str, every: float = 0.5) -> None:
        self.db = db
        self.every = every
        self.reads = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Readers:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            if not os.path.exists(self.db):
                continue
            try:
                conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
                try:
                    conn.execute("SELECT count(*) FROM articles").fetchone()
                    conn.execute("SELECT count(*) FROM story_members").fetchone()
                finally:
                    conn.close()
                storytrace.stories(db=self.db)
                self.reads += 1
            except Exception as exc:  # the schema may not exist yet in the first instants
                if "no such table" not in str(exc) and "no database" not in str(exc):
                    self.failures.append(f"{type(exc).__name__}: {exc}")
