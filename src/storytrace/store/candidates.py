"""Reprint candidate index in SQLite: an inverted index of sampled shingle hashes.

Implements :class:`storytrace.match.CandidateIndex` with the semantics of
``MemoryCandidateIndex``; the index lives in the ``anchors`` table, so it persists and grows
with the database instead of being rebuilt in memory.

Compact layout: one row per anchor *key*, holding the anchor's posting list: the ids of the
articles that have it, ascending, as little-endian unsigned 32-bit integers (``np.frombuffer``
and ``tobytes``, no header). A key is the two halves of the 64-bit anchor hash XORed, an
unsigned 32-bit value, and is the table's rowid. A row per (anchor, article) cost about 13
bytes in SQLite; a list spends 4 bytes per article plus about 10 per key. There is no index by
article: :meth:`SQLiteCandidateIndex.remove` finds an
article's lists from the keys of its stored shingles (its anchors are some of them). Anchors are
compared by key, so two distinct anchors with the same key count as one (about one pair in four
billion; a candidate is verified on its full shingles anyway).

Batches (:meth:`SQLiteCandidateIndex.batch`): one query loads the lists of every key the
batch's articles may ask for into an in-memory :class:`MemoryCandidateIndex`; queries are then
answered in memory (keys not loaded, e.g. of a text re-cleaned in the batch, are loaded on
demand), and the lists that gained articles are rewritten with one ``executemany`` when the
batch ends.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
import numpy.typing as npt

from ..match import MemoryCandidateIndex, effective_min_shared, unpack_hashes
from ..match.index import grouped_rows

I64 = npt.NDArray[np.int64]
ID = np.dtype("<u4")  # an article id in a posting list
_CHUNK = 900  # host parameters per statement (SQLite's default limit is 999 before 3.32)
_SCAN = 100_000  # lists per fetch when a whole-table scan is needed
_UPSERT = (
    "INSERT INTO anchors (key, articles) VALUES (?, ?)"
    " ON CONFLICT (key) DO UPDATE SET articles = excluded.articles"
)


def anchor_keys(anchors: np.ndarray) -> I64:
    """Sorted distinct keys: each uint64 hash's halves XORed, an unsigned 32-bit value."""
    h = np.asarray(anchors, dtype=np.uint64)
    folded = (h ^ (h >> np.uint64(32))).astype(np.uint32)  # keeps the low 32 bits
    return np.unique(folded).astype(np.int64)


def _chunks(values: list[int], size: int = _CHUNK) -> Iterator[list[int]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def decode_lists(lists: list[bytes]) -> tuple[I64, I64]:
    """The article ids of posting lists, flat, and each list's count."""
    ids = np.frombuffer(b"".join(lists), dtype=ID).astype(np.int64)
    return ids, np.fromiter(map(len, lists), dtype=np.int64, count=len(lists)) // ID.itemsize


def encode_lists(ids: I64, bounds: I64) -> list[bytes]:
    """Posting list ``g`` of ``ids[bounds[g]:bounds[g + 1]]`` (ascending, distinct) as bytes."""
    if ids.size and (ids.min() < 0 or ids.max() > np.iinfo(ID).max):
        raise ValueError("an article id does not fit in a posting list (unsigned 32 bits)")
    data = ids.astype(ID).tobytes()
    cut = (bounds * ID.itemsize).tolist()
    return [data[cut[g] : cut[g + 1]] for g in range(len(cut) - 1)]


def merge_lists(old: list[bytes], ids: I64, bounds: I64, drop: int = -1) -> list[bytes]:
    """List ``g`` rewritten: ``old[g]`` united with ``ids[bounds[g]:bounds[g + 1]]``, less
    ``drop`` (an article id, or -1 for none)."""
    old_ids, counts = decode_lists(old)
    groups = np.arange(len(old), dtype=np.int64)
    g = np.concatenate([np.repeat(groups, counts), np.repeat(groups, np.diff(bounds))])
    v = np.concatenate([old_ids, ids])
    keep = v != drop
    found, merged, cut = grouped_rows(g[keep], v[keep])
    out = [b""] * len(old)
    for at, data in zip(found.tolist(), encode_lists(merged, cut), strict=True):
        out[at] = data
    return out


def _decoded(keys: list[int], lists: list[bytes]) -> tuple[I64, I64]:
    """The (key, article id) rows of encoded lists, as two arrays."""
    ids, counts = decode_lists(lists)
    return np.repeat(np.array(keys, dtype=np.int64), counts), ids


class _Batch:
    """The lists of the keys a batch needs (in memory, and as stored), and its new rows."""

    def __init__(self) -> None:
        self.index = MemoryCandidateIndex()
        self.loaded: set[int] = set()  # keys whose lists are in the index
        self.stored: dict[int, bytes] = {}  # key -> its list as in the table (b"": no row)
        self.pending: list[tuple[int, int]] = []  # (key, article) rows not yet written


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
            rows = np.array(batch.pending, dtype=np.int64)
            batch.pending = []
            keys, ids, bounds = grouped_rows(rows[:, 0], rows[:, 1])
            self._rewrite(keys, ids, bounds, batch.stored)

    def _load(self, keys: list[int]) -> None:
        batch = self._batch
        assert batch is not None
        todo = [k for k in keys if k not in batch.loaded]
        if not todo:
            return
        self.flush()  # the table must hold what the batch index holds
        found = self._fetch(todo)
        batch.stored.update((k, found.get(k, b"")) for k in todo)
        batch.loaded.update(todo)
        if found:
            # A batch loads tens of thousands of postings: added in one call, not one per
            # article. Keys are uint64 values in the memory index.
            keys_of, ids = _decoded(list(found), list(found.values()))
            batch.index.add_rows(ids, keys_of.view(np.uint64))

    # storage ----------------------------------------------------------------------------------

    def _fetch(self, keys: list[int]) -> dict[int, bytes]:
        """The stored lists of ``keys`` that have a row."""
        found: dict[int, bytes] = {}
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples, whatever the connection's factory
        for chunk in _chunks(keys):
            marks = ", ".join("?" for _ in chunk)
            found.update(
                cursor.execute(
                    f"SELECT key, articles FROM anchors WHERE key IN ({marks})",  # noqa: S608 - placeholders only
                    chunk,
                ).fetchall()
            )
        return found

    def _rewrite(
        self, keys: I64, ids: I64, bounds: I64, stored: dict[int, bytes] | None, drop: int = -1
    ) -> None:
        """Unite the list of ``keys[g]`` with ``ids[bounds[g]:bounds[g + 1]]``, less ``drop``,
        and write the lists that changed. ``stored``: lists known to be current (updated)."""
        key_list = keys.tolist()
        known = stored if stored is not None else {}
        missing = [k for k in key_list if k not in known]
        if missing:
            found = self._fetch(missing)
            known.update((k, found.get(k, b"")) for k in missing)
        old = [known[k] for k in key_list]
        changed = []
        emptied = []
        for g, (key, new) in enumerate(
            zip(key_list, merge_lists(old, ids, bounds, drop), strict=True)
        ):
            if new == old[g]:
                continue
            known[key] = new
            if new:
                changed.append((key, new))
            else:
                emptied.append((key,))
        if changed:
            self.conn.executemany(_UPSERT, changed)
        if emptied:
            self.conn.executemany("DELETE FROM anchors WHERE key = ?", emptied)

    def _scan(self) -> Iterator[tuple[I64, I64]]:
        """Every (key, article id) row of the table, in chunks of lists."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        cursor.execute("SELECT key, articles FROM anchors")
        while rows := cursor.fetchmany(_SCAN):
            keys, lists = zip(*rows, strict=True)
            yield _decoded(list(keys), list(lists))

    # the CandidateIndex protocol --------------------------------------------------------------

    def add(self, key: int, anchors: np.ndarray) -> None:
        keys = anchor_keys(anchors)
        if self._batch is not None:
            self._batch.index.add(key, keys.view(np.uint64))
            self._batch.pending.extend((k, key) for k in keys.tolist())
            return
        ids = np.full(keys.size, key, dtype=np.int64)
        self._rewrite(keys, ids, np.arange(keys.size + 1, dtype=np.int64), None)

    def remove(self, key: int, shingles: np.ndarray | None = None) -> None:
        """Delete the article from the lists of the keys of its shingles (its anchors are some
        of them). ``shingles``: the shingles it was indexed with, when the stored ones have
        already been replaced; by default the stored ones. A key that is no article with
        shingles is looked for in every list (a scan of the table)."""
        if shingles is None:
            row = self.conn.execute("SELECT shingles FROM articles WHERE id = ?", (key,)).fetchone()
            shingles = unpack_hashes(row[0]) if row and row[0] else None
        self.flush()
        if shingles is None:
            keys = np.unique(
                np.concatenate(
                    [k[ids == key] for k, ids in self._scan()] or [np.zeros(0, dtype=np.int64)]
                )
            )
        else:
            keys = anchor_keys(shingles)
        stored = self._batch.stored if self._batch is not None else None
        none = np.zeros(keys.size + 1, dtype=np.int64)
        self._rewrite(keys, np.zeros(0, dtype=np.int64), none, stored, drop=int(key))
        if self._batch is not None:
            self._batch.index.remove(key)

    def __len__(self) -> int:
        self.flush()
        held = [np.unique(ids) for _, ids in self._scan()]
        return int(np.unique(np.concatenate(held)).size) if held else 0

    def query(
        self, anchors: np.ndarray, *, min_shared: int = 2, max_df: int = 1000
    ) -> list[tuple[int, int]]:
        keys = anchor_keys(anchors)
        if self._batch is not None:
            self._load(keys.tolist())
            return self._batch.index.query(
                keys.view(np.uint64), min_shared=min_shared, max_df=max_df
            )
        if not keys.size:
            return []
        found = self._fetch(keys.tolist())
        ids, df = decode_lists(list(found.values()))
        usable = np.repeat(df <= max_df, df)  # a key held by too many articles is ignored
        articles, shared = np.unique(ids[usable], return_counts=True)
        need = effective_min_shared(keys.size, min_shared)
        keep = shared >= need
        order = np.lexsort((articles[keep], -shared[keep]))
        return list(zip(articles[keep][order].tolist(), shared[keep][order].tolist(), strict=True))
