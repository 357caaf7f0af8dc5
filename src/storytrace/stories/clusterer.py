"""Incremental story clustering, scikit-learn style, over a :class:`MemoryStoryState`.

Each article is placed by :func:`decide` as it arrives. A re-check pass then makes the result
depend little on arrival order: (1) stories whose average linkage is over ``merge`` are merged,
best pair first (average-linkage agglomeration over stories); (2) a member whose mean
similarity to another story beats its own story's by ``move_margin`` (and passes ``join``
there) is moved; repeat until nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Self

from storytrace.evidence import Evidence, Similarity, similarity
from storytrace.stories.decide import StoryConfig, average_linkage, decide
from storytrace.stories.state import MemoryStoryState


class StoryClusterer:
    def __init__(
        self,
        join: float = 0.55,
        profile: float = 0.33,
        merge: float = 0.55,
        top_k: int = 3,
        max_members: int = 24,
        move_margin: float = 0.1,
        candidates: int = 20,
        recheck: bool = True,
        max_rounds: int = 5,
        window_days: float | None = None,
        weights: dict[str, float] | None = None,
    ) -> None:
        self.join = join
        self.profile = profile
        self.merge = merge
        self.top_k = top_k
        self.max_members = max_members
        self.move_margin = move_margin
        self.candidates = candidates
        self.recheck = recheck
        self.max_rounds = max_rounds
        self.window_days = window_days
        self.weights = weights

    # scikit-learn style ---------------------------------------------------------------------
    def get_params(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if not k.endswith("_")}

    @property
    def config(self) -> StoryConfig:
        return StoryConfig(
            self.join, self.profile, self.merge, self.top_k, self.max_members, self.move_margin
        )

    def _score(self, a: Evidence, b: Evidence) -> Similarity:
        key = (id(a), id(b)) if id(a) <= id(b) else (id(b), id(a))
        hit = self.cache_.get(key)
        if hit is None:
            hit = similarity(a, b, weights=self.weights)
            self.cache_[key] = hit
        return hit

    def partial_fit(self, items: Iterable[tuple[int, Evidence]]) -> Self:
        if not hasattr(self, "state_"):
            self.state_ = MemoryStoryState(self.window_days)
            self.cache_: dict[tuple[int, int], Similarity] = {}
            self.events_: list[tuple[Any, ...]] = []
        cfg = self.config
        for key, ev in items:
            ids = self.state_.candidates(ev, limit=self.candidates)
            cands = {sid: self.state_.members(sid) for sid in ids}
            d = decide(ev, cands, config=cfg, score=self._score)
            sid = self.state_.add(d.story, key, ev)
            self.events_.append(("new" if d.story is None else "join", key, sid, d.score))
            for other in d.merge:
                self.state_.merge(sid, other)
                self.events_.append(("merge", sid, other))
        if self.recheck:
            self.recheck_()
        self.labels_ = self.state_.labels()
        return self

    def fit(self, items: Iterable[tuple[int, Evidence]]) -> Self:
        for attr in ("state_", "cache_", "events_", "labels_"):
            self.__dict__.pop(attr, None)
        return self.partial_fit(items)

    # re-check pass --------------------------------------------------------------------------
    def recheck_(self) -> None:
        for _ in range(self.max_rounds):
            merged = self._merge_pass()
            moved = self._move_pass()
            if not merged and not moved:
                break
        self.labels_ = self.state_.labels()

    def _neighbours(self, sid: int) -> list[int]:
        out: set[int] = set()
        for _, ev in self.state_.members(sid):
            out.update(self.state_.candidates(ev, limit=self.candidates))
        out.discard(sid)
        return sorted(out)

    def _merge_pass(self) -> int:
        cfg = self.config
        merged = 0
        while True:
            best: tuple[float, int, int] | None = None
            for a in self.state_.stories():
                ma = self.state_.members(a)
                for b in self._neighbours(a):
                    if b < a:
                        continue
                    link = average_linkage(ma, self.state_.members(b), cfg, self._score)
                    if link >= cfg.merge and (best is None or link > best[0]):
                        best = (link, a, b)
            if best is None:
                return merged
            _, a, b = best
            self.state_.merge(a, b)
            self.events_.append(("merge", a, b))
            merged += 1

    def _mean(self, ev: Evidence, members: Sequence[tuple[int, Evidence]], skip: int) -> float:
        sims = [self._score(ev, m).score for k, m in members if k != skip]
        return sum(sims) / len(sims) if sims else 0.0

    def _move_pass(self) -> int:
        cfg = self.config
        moved = 0
        for key in sorted(self.state_.labels()):
            sid = self.state_.story_of(key)
            assert sid is not None
            members = self.state_.members(sid)
            ev = dict(members)[key]
            own = self._mean(ev, members, key) if len(members) > 1 else 0.0
            best, best_sid = own, sid
            for other in self.state_.candidates(ev, limit=self.candidates):
                if other == sid:
                    continue
                m = self._mean(ev, self.state_.members(other), key)
                if m >= cfg.join and m > best:
                    best, best_sid = m, other
            if best_sid != sid and best >= own + cfg.move_margin:
                self.state_.add(best_sid, key, ev)
                self.events_.append(("move", key, sid, best_sid))
                moved += 1
        return moved


def cluster(evidences: Sequence[Evidence], **config: Any) -> list[int]:
    """Story label of each evidence (labels are story ids, stable for a given input)."""
    model = StoryClusterer(**config).partial_fit(enumerate(evidences))
    return [model.labels_[i] for i in range(len(evidences))]
