"""Reprint candidate index in SQLite: an inverted index of sampled shingle hashes.

Implements :class:`storytrace.match.CandidateIndex` with the same semantics as
``MemoryCandidateIndex``; rows live in the ``anchors`` table, so the index persists and grows
with the database instead of being rebuilt in memory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import numpy as np


def _signed(hashes: np.ndarray) -> list[int]:
    # SQLite integers are signed 64-bit: store the uint64 bit pattern as int64.
    return [int(h) for h in np.asarray(hashes, dtype=np.uint64).view(np.int64)]


def _chunks(values: list[int], size: int = 900) -> Iterator[list[int]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


class SQLiteCandidateIndex:
    """``anchor hash -> article ids`` in the ``anchors`` table. Writes join the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def add(self, key: int, anchors: np.ndarray) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO anchors (hash, article_id) VALUES (?, ?)",
            [(h, key) for h in _signed(anchors)],
        )

    def remove(self, key: int) -> None:
        self.conn.execute("DELETE FROM anchors WHERE article_id = ?", (key,))

    def __len__(self) -> int:
        return int(self.conn.execute("SELECT count(DISTINCT article_id) FROM anchors").fetchone()[0])

    def query(
        self, anchors: np.ndarray, *, min_shared: int = 2, max_df: int = 1000
    ) -> list[tuple[int, int]]:
        from ..match import effective_min_shared

        values = sorted(set(_signed(anchors)))
        if not values:
            return []
        shared: dict[int, int] = {}
        for chunk in _chunks(values):
            marks = ", ".join("?" for _ in chunk)
            frequent = {
                int(h)
                for (h,) in self.conn.execute(
                    f"SELECT hash FROM anchors WHERE hash IN ({marks})"  # noqa: S608 - placeholders only
                    " GROUP BY hash HAVING count(*) > ?",
                    [*chunk, max_df],
                )
            }
            usable = [h for h in chunk if h not in frequent]
            if not usable:
                continue
            marks = ", ".join("?" for _ in usable)
            for article_id, n in self.conn.execute(
                f"SELECT article_id, count(*) FROM anchors WHERE hash IN ({marks})"  # noqa: S608
                " GROUP BY article_id",
                usable,
            ):
                shared[int(article_id)] = shared.get(int(article_id), 0) + int(n)
        need = effective_min_shared(len(values), min_shared)
        hits = [(k, n) for k, n in shared.items() if n >= need]
        hits.sort(key=lambda kn: (-kn[1], kn[0]))
        return hits
