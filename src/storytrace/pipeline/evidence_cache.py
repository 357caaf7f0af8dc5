"""Parsed evidence of recently used articles, for the story steps.

Parsing an article's evidence (JSON) and the parts an :class:`Evidence` computes on first use
cost far more than scoring a pair, and a decision or re-check reads the same members again and
again: the runner keeps the most recently used ones, bounded, the least recently used dropped
first. A new article's evidence arrives parsed from the worker that computed it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from ..evidence import Evidence
from ..store.story_state import SQLiteStoryState


class EvidenceCache:
    def __init__(self, stories: SQLiteStoryState, capacity: int = 40_000) -> None:
        self.stories = stories
        self.capacity = capacity
        self._known: OrderedDict[int, Evidence] = OrderedDict()

    def __len__(self) -> int:
        return len(self._known)

    def remember(self, article_id: int, ev: Evidence) -> None:
        """Cache an article's evidence, already parsed: it must equal the stored one."""
        self._known[article_id] = ev
        self._known.move_to_end(article_id)
        while len(self._known) > self.capacity:
            self._known.popitem(last=False)

    def forget(self, article_id: int) -> None:
        """The article's stored evidence changed."""
        self._known.pop(article_id, None)

    def clear(self) -> None:
        """After a rollback: ids of rolled-back articles will be given out again."""
        self._known.clear()

    def get(self, article_id: int) -> Evidence:
        [(_, ev)] = self.many([article_id])
        return ev

    def many(self, ids: Sequence[int]) -> list[tuple[int, Evidence]]:
        """``(id, evidence)`` in the order of ``ids`` (articles without evidence left out):
        cached ones, the rest read in one query."""
        known = self._known
        todo = [i for i in ids if i not in known]
        parsed = {
            i: Evidence.from_json(blob) for i, blob in self.stories.evidence_json(todo).items()
        }
        out = []
        for i in ids:
            ev = known.get(i) or parsed.get(i)
            if ev is None:
                continue
            out.append((i, ev))
        for i, ev in out:
            self.remember(i, ev)
        return out
