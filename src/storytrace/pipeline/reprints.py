"""The reprint step: link each stored article with the earlier or later articles it copies or
that copy it, with the passages they share.

The rules are pure functions of :mod:`storytrace.match`: candidates are articles sharing at
least two sampled shingle hashes (anchors) with it, within ``reprint_window_days`` of it,
the best ``max_reprint_candidates`` first; :func:`~storytrace.match.may_reprint` rules most of
them out from their shingles alone, and :func:`verify` decides the rest on their texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np

from ..config import Config
from ..match import anchors, compare, may_reprint, shared_shingles, unpack_hashes
from ..match.window import days_since_epoch, within
from ..model import Reprint
from ..published import order
from ..store import Store
from .prepare import Prepared
from .steps import Step


class Linkable(NamedTuple):
    """What verification reads of one article."""

    id: int
    published: str | None
    text: str
    shingles: np.ndarray


def source_first(x: Linkable, y: Linkable) -> tuple[Linkable, Linkable]:
    """The likely source first: the one published certainly earlier (see
    :func:`storytrace.published.order`); a dated one before an undated one; otherwise (the same
    day, or both undated) the one with more shingles, which holds more of the other's text than
    the other holds of its own; ties by id."""
    when = order(x.published, y.published)
    if when == "before":
        return x, y
    if when == "after":
        return y, x
    if when == "unknown" and (x.published is None) != (y.published is None):
        return (x, y) if y.published is None else (y, x)
    fuller = (-x.shingles.size, x.id) <= (-y.shingles.size, y.id)
    return (x, y) if fuller else (y, x)


def verify(x: Linkable, y: Linkable) -> tuple[int, int, Reprint] | None:
    """The reprint link between two articles, the likely source first, or None."""
    first, second = source_first(x, y)
    rep = compare(first.text, second.text, a_shingles=first.shingles, b_shingles=second.shingles)
    return None if rep is None else (first.id, second.id, rep)


def in_window(
    when: float | None,
    hits: Sequence[tuple[int, int]],
    days: Callable[[int], float | None],
    window: float,
) -> list[tuple[int, int]]:
    """The candidate hits published within ``window`` days of ``when`` (undated always are)."""
    if when is None:
        return list(hits)
    return [(i, n) for i, n in hits if within(when, days(i), window)]


class LinkReprints(Step):
    name = "reprints"

    def __init__(self, store: Store, config: Config) -> None:
        super().__init__()
        self.store = store
        self.config = config
        self._days: dict[int, float | None] = {}

    def anchors_of(self, shingles: np.ndarray) -> np.ndarray:
        return anchors(shingles, modulus=self.config.anchor_modulus)

    @contextmanager
    def batch(self, prepared: Sequence[object]) -> Iterator[None]:
        """Link the articles of one ingest batch: their candidate rows are loaded with one query
        and the new rows written with one statement when the block ends (see
        :meth:`SQLiteCandidateIndex.batch`); the links are those of one article at a time."""
        wanted = [self.anchors_of(p.shingles) for p in prepared if isinstance(p, Prepared)]
        self._days = {}
        with self.store.candidates.batch(wanted):
            yield

    def __call__(self, article_id: int, *, count: bool = True) -> int:
        """Store the reprint links of a stored article; returns how many were found."""
        with self.timed():
            return self._link(article_id, count)

    def _link(self, article_id: int, count: bool) -> int:
        row = self.store.link_row(article_id)
        assert row is not None
        mine = Linkable(article_id, row["published"], row["text"], unpack_hashes(row["shingles"]))
        keys = self.anchors_of(mine.shingles)
        hits = self.store.candidates.query(keys, min_shared=2, max_df=self.config.max_anchor_df)
        when = days_since_epoch(mine.published)
        if when is not None and hits:
            days = self._published_days([i for i, _ in hits])
            hits = in_window(when, hits, days.get, self.config.reprint_window_days)
        chosen = [i for i, _ in hits[: self.config.max_reprint_candidates] if i != article_id]
        self.counts["candidates"] += len(chosen)
        # Most candidates share a few anchors and no passage: their shingles alone rule them
        # out, without reading their text.
        theirs = self.store.shingles_of(chosen)
        found = 0
        for other_id in chosen:
            blob = theirs.get(other_id)
            if blob is None:
                continue
            other_shingles = unpack_hashes(blob)
            shared = shared_shingles(mine.shingles, other_shingles)
            if not may_reprint(shared, mine.shingles.size, other_shingles.size):
                continue
            other = self.store.link_row(other_id)
            if other is None:
                continue
            self.counts["verified"] += 1
            link = verify(
                mine, Linkable(other_id, other["published"], other["text"], other_shingles)
            )
            if link is None:
                continue
            self.store.add_reprint(*link)
            found += 1
        self.store.candidates.add(article_id, keys)
        if count:
            self.counts["links"] += found
        return found

    def unlink(self, article_id: int, shingles: np.ndarray) -> None:
        """Forget an article's links and index entries (its text is about to change)."""
        self.store.candidates.remove(article_id, shingles)
        self.store.forget_reprints(article_id)

    def _published_days(self, ids: list[int]) -> dict[int, float | None]:
        """Publication times (days) of articles, cached for the batch (they never change)."""
        if len(self._days) > 100_000:  # outside batches nothing else bounds the cache
            self._days = {}
        todo = [i for i in ids if i not in self._days]
        for article_id, published in self.store.published_of(todo).items():
            self._days[article_id] = days_since_epoch(published)
        return self._days
