"""Reprint candidate index in SQLite: an inverted index of sampled shingle hashes.

Implements :class:`storytrace.match.CandidateIndex` with the semantics of
``MemoryCandidateIndex``; rows live in the ``anchors`` table, so the index persists and grows
with the database instead of being rebuilt in memory.

Compact rows: an anchor is stored by its *key*, the two halves of its 64-bit hash XORed, as a
signed 32-bit integer (4 bytes in SQLite; the top half keeps keys uniform although
:func:`storytrace.match.anchors` samples on the low bits), and there is no index by article:
:meth:`SQLiteCandidateIndex.remove` finds an article's rows again from the keys of its stored
shingles (its anchors are some of them). Anchors are compared by key, so two distinct anchors
with the same key count as one (about one pair in four billion; a candidate is verified on its
full shingles anyway).

Batches (:meth:`SQLiteCandidateIndex.batch`): one query loads the rows of every key the
batch's articles may ask for into an in-memory :class:`MemoryCandidateIndex`; queries are then
answered in memory (keys not loaded, e.g. of a text re-cleaned in the batch, are loaded on
demand), additions are written with one ``executemany`` when the batch ends.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
import numpy.typing as npt

from ..match import MemoryCandidateIndex, effective_min_shared, unpack_hashes

_CHUNK = 900  # host parameters per statement (SQLite's default limit is 999 before 3.32)


def anchor_keys(anchors: np.ndarray) -> npt.NDArray[np.int64]:
    """Sorted distinct keys: each uint64 hash's halves XORed, as a signed 32-bit value."""
    h = np.asarray(anchors, dtype=np.uint64)
    folded = (h ^ (h >> np.uint64(32))).astype(np.uint32)  # keeps the low 32 bits
    return np.unique(folded.view(np.int32).astype(np.int64))


def _chunks(values: list[int], size: int = _CHUNK) -> Iterator[list[int]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


class _Batch:
    """The rows of the keys a batch needs, in memory, and the rows it added, not yet written."""

    def __init__(self) -> None:
        self.index = MemoryCandidateIndex()
        self.loaded: set[int] = set()
        self.pending: list[tuple[int, int]] = []


class SQLiteCandidateIndex:
    """``anchor key -> article ids`` in the ``anchors`` table. Writes join the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._batch: _Batch | None = None

    # batches ----------------------------------------------------------------------------------

    @contextmanager
    def batch(self, anchors: Iterable[np.ndarray] = ()) -> Iterator[None]:
        """Answer queries from memory until the block ends; preload the keys of ``anchors``
        (one array per article of the batch). The pending rows are written when the block
        ends normally (inside the caller's transaction); on an exception they are dropped with
        the transaction."""
        self.flush()
        self._batch = _Batch()
        try:
            wanted = [anchor_keys(a) for a in anchors]
            if wanted:
                self._load(np.unique(np.concatenate(wanted)).tolist())
            yield
            self.flush()
        finally:
            self._batch = None

    def flush(self) -> None:
        """Write the rows added in the current batch."""
        batch = self._batch
        if batch is not None and batch.pending:
            self.conn.executemany(
                "INSERT OR IGNORE INTO anchors (key, article_id) VALUES (?, ?)", batch.pending
            )
            batch.pending = []

    def _load(self, keys: list[int]) -> None:
        batch = self._batch
        assert batch is not None
        todo = [k for k in keys if k not in batch.loaded]
        if not todo:
            return
        self.flush()  # the table must hold what the batch index holds
        rows: list[tuple[int, int]] = []
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples, whatever the connection's factory
        for chunk in _chunks(todo):
            marks = ", ".join("?" for _ in chunk)
            rows += cursor.execute(
                f"SELECT key, article_id FROM anchors WHERE key IN ({marks})",  # noqa: S608 - placeholders only
                chunk,
            ).fetchall()
        if rows:
            # A batch loads tens of thousands of rows: added in one call, not one per article.
            # Keys are stored as uint64 bit patterns in the memory index.
            table = np.array(rows, dtype=np.int64)
            batch.index.add_rows(table[:, 1], table[:, 0].view(np.uint64))
        batch.loaded.update(todo)

    # the CandidateIndex protocol --------------------------------------------------------------

    def add(self, key: int, anchors: np.ndarray) -> None:
        keys = anchor_keys(anchors)
        if self._batch is not None:
            self._batch.index.add(key, keys.view(np.uint64))
            self._batch.pending.extend((k, key) for k in keys.tolist())
            return
        self.conn.executemany(
            "INSERT OR IGNORE INTO anchors (key, article_id) VALUES (?, ?)",
            [(k, key) for k in keys.tolist()],
        )

    def remove(self, key: int, shingles: np.ndarray | None = None) -> None:
        """Delete the article's rows: those of the keys of its shingles (its anchors are some of
        them). ``shingles``: the shingles it was indexed with, when the stored ones have
        already been replaced; by default the stored ones. A key that is no article with
        shingles has its rows found by a scan of the table."""
        if shingles is None:
            row = self.conn.execute("SELECT shingles FROM articles WHERE id = ?", (key,)).fetchone()
            shingles = unpack_hashes(row[0]) if row and row[0] else None
        self.flush()
        if shingles is None:
            self.conn.execute("DELETE FROM anchors WHERE article_id = ?", (key,))
        else:
            self.conn.executemany(
                "DELETE FROM anchors WHERE key = ? AND article_id = ?",
                [(k, key) for k in anchor_keys(shingles).tolist()],
            )
        if self._batch is not None:
            self._batch.index.remove(key)

    def __len__(self) -> int:
        self.flush()
        return int(self.conn.execute("SELECT count(DISTINCT article_id) FROM anchors").fetchone()[0])

    def query(
        self, anchors: np.ndarray, *, min_shared: int = 2, max_df: int = 1000
    ) -> list[tuple[int, int]]:
        keys = anchor_keys(anchors)
        if self._batch is not None:
            self._load(keys.tolist())
            return self._batch.index.query(keys.view(np.uint64), min_shared=min_shared, max_df=max_df)
        values = keys.tolist()
        if not values:
            return []
        shared: dict[int, int] = {}
        for chunk in _chunks(values):
            marks = ", ".join("?" for _ in chunk)
            frequent = {
                int(h)
                for (h,) in self.conn.execute(
                    f"SELECT key FROM anchors WHERE key IN ({marks})"  # noqa: S608 - placeholders only
                    " GROUP BY key HAVING count(*) > ?",
                    [*chunk, max_df],
                )
            }
            usable = [h for h in chunk if h not in frequent]
            if not usable:
                continue
            marks = ", ".join("?" for _ in usable)
            for article_id, n in self.conn.execute(
                f"SELECT article_id, count(*) FROM anchors WHERE key IN ({marks})"  # noqa: S608
                " GROUP BY article_id",
                usable,
            ):
                shared[int(article_id)] = shared.get(int(article_id), 0) + int(n)
        need = effective_min_shared(len(values), min_shared)
        hits = [(k, n) for k, n in shared.items() if n >= need]
        hits.sort(key=lambda kn: (-kn[1], kn[0]))
        return hits
