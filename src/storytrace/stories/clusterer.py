"""Incremental story clustering, scikit-learn style, over a :class:`MemoryStoryState`.

Each article is placed by :func:`decide` as it arrives. A re-check pass then makes the result
depend little on arrival order: (1) stories whose average linkage is over ``merge`` are merged,
best pair first (average-linkage agglomeration over stories); (2) a member whose mean
similarity to another story beats its own story's by ``move_margin`` (and passes ``join``
there) is moved; repeat until nothing changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Self

from storytrace.evidence import Evidence, Similarity, similarity
from storytrace.stories.decide import StoryConfig, average_linkage, decide
from storytrace.stories.profile import agglomerate, contrast_pairs, contrast_vectors
from storytrace.stories.state import MemoryStoryState

CONTRAST_FLOOR = 0.5  # contrast pairs kept: at least this share of the threshold


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
        contrast: float = 0.075,
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
        self.contrast = contrast

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
        """Contrastive re-check over all articles held: split, then merge, by average linkage
        of ``score x contrast`` (see :mod:`storytrace.stories.profile`) at ``contrast``.

        Each story is first re-agglomerated from its own members (an article that joined on
        topical vocabulary alone falls out), then stories are merged best pair first. The
        result depends on the set of articles, not on their arrival order.
        """
        keys = sorted(self.state_.labels())
        if len(keys) < 2:
            self.labels_ = self.state_.labels()
            return
        evs = self._evidence(keys)
        sims = self._contrast_sims(evs)
        index = {k: i for i, k in enumerate(keys)}
        by_story: dict[int, list[int]] = {}
        for k in keys:
            sid = self.state_.story_of(k)
            assert sid is not None
            by_story.setdefault(sid, []).append(index[k])
        groups: list[list[int]] = []
        for sid in sorted(by_story, key=lambda s: by_story[s][0]):
            members = by_story[sid]
            inner = {p: v for p, v in sims.items() if p[0] in set(members) and p[1] in set(members)}
            groups += agglomerate(inner, [[i] for i in members], self.contrast)
        groups.sort(key=lambda g: g[0])
        final = agglomerate(sims, groups, self.contrast)
        self._apply([[keys[i] for i in g] for g in final], evs, index)
        self.labels_ = self.state_.labels()

    def _evidence(self, keys: Sequence[int]) -> list[Evidence]:
        by_key: dict[int, Evidence] = {}
        for sid in self.state_.stories():
            by_key.update(self.state_.members(sid))
        return [by_key[k] for k in keys]

    def _contrast_sims(self, evs: Sequence[Evidence]) -> dict[tuple[int, int], float]:
        # Pairs below the floor cannot reach the threshold (score <= 1), so are never scored.
        pairs = contrast_pairs(contrast_vectors(evs), self.contrast * CONTRAST_FLOOR)
        return {(i, j): self._score(evs[i], evs[j]).score * c for (i, j), c in pairs.items()}

    def _apply(
        self, groups: Sequence[Sequence[int]], evs: Sequence[Evidence], index: dict[int, int]
    ) -> None:
        used: set[int] = set()
        for g in sorted(groups, key=lambda g: (-len(g), g[0])):
            held = Counter(self.state_.story_of(k) for k in g)
            free = [s for s, _ in sorted(held.items(), key=lambda kv: (-kv[1], kv[0] or 0))]
            free = [s for s in free if s is not None and s not in used]
            sid: int | None = free[0] if free else None
            for k in g:
                if sid is not None and self.state_.story_of(k) == sid:
                    continue
                before = self.state_.story_of(k)
                sid = self.state_.add(sid, k, evs[index[k]])
                self.events_.append(("move", k, before, sid))
            assert sid is not None
            used.add(sid)


def cluster(evidences: Sequence[Evidence], **config: Any) -> list[int]:
    """Story label of each evidence (labels are story ids, stable for a given input)."""
    model = StoryClusterer(**config).partial_fit(enumerate(evidences))
    return [model.labels_[i] for i in range(len(evidences))]
