"""Where stories live: the :class:`StoryState` protocol and an in-memory implementation.

The SQLite store implements the same protocol, so the decision logic never sees storage.
"""

from __future__ import annotations

from collections import Counter
from typing import Protocol, runtime_checkable

from storytrace.evidence import Evidence


@runtime_checkable
class StoryState(Protocol):
    def candidates(self, ev: Evidence, *, limit: int) -> list[int]:
        """Story ids sharing index keys with ``ev``, most shared keys first."""
        ...

    def members(self, story_id: int) -> list[tuple[int, Evidence]]: ...

    def add(self, story_id: int | None, key: int, ev: Evidence) -> int:
        """Put article ``key`` in a story; ``None`` creates a story. Returns the story id."""
        ...

    def merge(self, keep: int, drop: int) -> None: ...


class MemoryStoryState:
    """Stories in dicts, with an inverted index from evidence keys to stories.

    ``window_days``: when set, only stories with a member published within that many days of
    the article are candidates (articles without a publication time are never filtered).
    """

    def __init__(self, window_days: float | None = None, *, index: bool = True) -> None:
        self.window_days = window_days
        self.indexed = index  # False: no candidate lookups (a re-check only regroups)
        self._members: dict[int, dict[int, Evidence]] = {}
        self._story_of: dict[int, int] = {}
        self._index: dict[str, Counter[int]] = {}
        self._next = 1

    # protocol -------------------------------------------------------------------------------
    def candidates(self, ev: Evidence, *, limit: int) -> list[int]:
        if not self.indexed:
            raise RuntimeError("this story state keeps no index: it cannot find candidates")
        hits: Counter[int] = Counter()
        for k in ev.index_keys():
            for sid in self._index.get(k, ()):
                hits[sid] += 1
        ranked = sorted(hits, key=lambda s: (-hits[s], s))
        if self.window_days is not None and ev.published_dt is not None:
            ranked = [s for s in ranked if self._in_window(s, ev)]
        return ranked[:limit]

    def members(self, story_id: int) -> list[tuple[int, Evidence]]:
        return sorted(self._members.get(story_id, {}).items())

    def add(self, story_id: int | None, key: int, ev: Evidence) -> int:
        if story_id is None or story_id not in self._members:
            story_id = self._next
            self._next += 1
            self._members[story_id] = {}
        old = self._story_of.get(key)
        if old is not None and old != story_id:
            self.remove(key)
        self._members[story_id][key] = ev
        self._story_of[key] = story_id
        if self.indexed:
            for k in ev.index_keys():
                self._index.setdefault(k, Counter())[story_id] += 1
        return story_id

    def merge(self, keep: int, drop: int) -> None:
        if keep == drop or drop not in self._members:
            return
        for key, ev in list(self._members[drop].items()):
            self.add(keep, key, ev)
        self._members.pop(drop, None)

    # extras used by the re-check pass -------------------------------------------------------
    def remove(self, key: int) -> None:
        sid = self._story_of.pop(key, None)
        if sid is None:
            return
        ev = self._members[sid].pop(key)
        for k in ev.index_keys() if self.indexed else ():
            c = self._index.get(k)
            if c is not None:
                c[sid] -= 1
                if c[sid] <= 0:
                    del c[sid]
        if not self._members[sid]:
            del self._members[sid]

    def story_of(self, key: int) -> int | None:
        return self._story_of.get(key)

    def stories(self) -> list[int]:
        return sorted(self._members)

    def labels(self) -> dict[int, int]:
        return dict(self._story_of)

    def _in_window(self, sid: int, ev: Evidence) -> bool:
        assert ev.published_dt is not None and self.window_days is not None
        times = [m.published_dt for m in self._members[sid].values() if m.published_dt]
        if not times:
            return True
        return any(
            abs((t - ev.published_dt).total_seconds()) <= self.window_days * 86400 for t in times
        )
