"""The story re-check: regroup a set of stories from their members' evidence.

Articles are placed one by one as they arrive (:func:`storytrace.stories.decide`). The re-check
then makes the result depend on the set of articles, not on their arrival order, and keeps the
two events of one type apart: over the members of the stories checked, pairs are scored
``similarity x contrast`` (:mod:`storytrace.stories.profile`: the same evidence, re-weighted by
rarity in the collection); each story is re-agglomerated from its own members (split), then
stories are merged by average linkage at ``contrast``, except two groups of at least
``veto_size`` articles whose key participants conflict (each names, in at least ``veto_share``
of its articles, an entity the other never names), or of at least ``time_size`` articles where
one keeps naming a year (the latest named by ``time_share`` of it) that the other hardly names:
the two events of one type usually happened in different years, and articles on the older one
often name no year, so this check is one-sided. Last, ``reassign_rounds`` rounds move each
article to the group it is closest to on average (agglomeration fixes an article early).

The thresholds were chosen by leave-topics-out cross-validation on ECB+ dev (see
docs/evaluation.md). :func:`plan_regrouping` turns the groups into moves of articles between
stories; the ingest applies them to the store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from storytrace.evidence import Evidence
from storytrace.evidence.similarity import similarity_scores
from storytrace.stories.pair_scores import PairScores, content_keys
from storytrace.stories.profile import (
    Pairs,
    agglomerate,
    conflicting,
    contrast_matrix,
    matrix_pair_arrays,
    reassign,
    time_conflicting,
)

# Contrast pairs scored: at least this share of the threshold (a lower floor scores many more
# pairs for the same ECB+ result; docs/evaluation.md).
CONTRAST_FLOOR = 0.75


class StoryClusterer:
    """The contrastive re-check of a set of stories (scikit-learn style: ``__init__`` only
    stores the thresholds; the pair-score memory is fitted state, ``cache_``)."""

    def __init__(
        self,
        weights: dict[str, float] | None = None,
        contrast: float = 0.06,
        veto_size: int = 3,
        veto_share: float = 0.8,
        veto_weight: float = 5.0,
        veto_both: bool = True,
        time_share: float | None = 0.7,
        time_size: int = 3,
        time_months: bool = False,
        reassign_rounds: int = 3,
        reassign_margin: float = 0.0,
    ) -> None:
        self.weights = weights
        self.contrast = contrast
        self.veto_size = veto_size
        self.veto_share = veto_share
        self.veto_weight = veto_weight
        self.veto_both = veto_both
        self.time_share = time_share
        self.time_size = time_size
        self.time_months = time_months
        self.reassign_rounds = reassign_rounds
        self.reassign_margin = reassign_margin

    def get_params(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if not k.endswith("_")}

    def score_value(self, a: Evidence, b: Evidence) -> float:
        """The pair score, remembered by :class:`PairScores`: the ingest runner's decisions
        score the pairs the re-check needs next."""
        return self.score_values(a, [b])[0]

    def score_values(self, a: Evidence, others: Sequence[Evidence]) -> list[float]:
        """:meth:`score_value` of ``a`` with each of ``others``; the pairs not remembered are
        scored in one call of :func:`similarity_scores`."""
        n = len(others)  # a is item 0, the others items 1 to n
        values: list[float] = self.pair_values(
            [a, *others], np.zeros(n, dtype=np.int64), np.arange(1, n + 1)
        ).tolist()
        return values

    def score_matrix(self, rows: Sequence[Evidence], cols: Sequence[Evidence]) -> list[list[float]]:
        """:meth:`score_value` of each of ``rows`` with each of ``cols``, in one lookup."""
        n, m = len(rows), len(cols)
        left = np.repeat(np.arange(n), m)
        right = np.tile(np.arange(n, n + m), n)
        values: list[list[float]] = (
            self.pair_values([*rows, *cols], left, right).reshape(n, m).tolist()
        )
        return values

    def pair_values(
        self, evs: Sequence[Evidence], rows: np.ndarray, cols: np.ndarray
    ) -> np.ndarray:
        """:meth:`score_value` of each pair ``(evs[rows[i]], evs[cols[i]])``: the remembered
        ones looked up, the rest scored one article against its partners at a time (one call
        of :func:`similarity_scores` each, each pair under whichever of its two articles has
        more pairs to score, so that the calls are few) and remembered."""
        cache = self._pair_scores()
        keys = content_keys(evs)
        firsts, seconds = keys[rows], keys[cols]
        out, known = cache.pair_scores(firsts, seconds)
        todo = np.flatnonzero(~known)
        if len(todo):
            left, right = rows[todo], cols[todo]
            degree = np.bincount(np.concatenate([left, right]), minlength=len(evs))
            flip = degree[right] > degree[left]
            head, tail = np.where(flip, right, left), np.where(flip, left, right)
            order = np.argsort(head, kind="stable")  # each article's pairs together
            todo, head, tail = todo[order], head[order], tail[order]
            fresh = np.empty(len(todo), dtype=np.float64)
            starts = np.flatnonzero(np.diff(head, prepend=-1)).tolist()
            for a, b in pairwise([*starts, len(todo)]):
                partners = [evs[j] for j in tail[a:b].tolist()]
                fresh[a:b] = similarity_scores(evs[int(head[a])], partners, weights=self.weights)
            cache.remember_pairs(firsts[todo], seconds[todo], fresh)
            out[todo] = fresh
        return out

    def _pair_scores(self) -> PairScores:
        if not hasattr(self, "cache_"):
            self.cache_ = PairScores()
        return self.cache_

    def regroup(
        self,
        stories: Mapping[int, Sequence[tuple[int, Evidence]]],
        background: Sequence[Evidence] = (),
    ) -> list[list[int]]:
        """Regroup a set of stories (story id -> ``(article key, evidence)`` members).

        Over all the members, pairs are scored ``similarity x contrast``; each story is first
        re-agglomerated from its own members (an article that joined on topical vocabulary
        alone falls out), then the groups are merged best pair first by average linkage at
        ``contrast`` (with the vetoes), then each article may move to the group it is closest
        to on average. The result depends on the set of articles, not on their arrival order.
        ``background``: other articles, counted only for the rarity of terms and names (see
        :func:`contrast_matrix`). Returns the article keys grouped into stories, each sorted.
        """
        members = [(sid, key, ev) for sid, ms in sorted(stories.items()) for key, ev in ms]
        members.sort(key=lambda m: m[1])
        keys = [key for _, key, _ in members]
        if len(keys) < 2:
            return [keys] if keys else []
        evs = [ev for _, _, ev in members]
        story_at = np.array([sid for sid, _, _ in members], dtype=np.int64)
        sims = self._contrast_sims(evs, background)
        veto = self._veto(evs)
        # Each story's own pairs, together and in their order.
        of_row = story_at[sims.rows]
        inner = np.flatnonzero(of_row == story_at[sims.cols])
        inner = inner[np.argsort(of_row[inner], kind="stable")]
        ids, starts = np.unique(of_row[inner], return_index=True)
        ends = [*starts[1:].tolist(), len(inner)][: len(starts)]
        spans = dict(zip(ids.tolist(), zip(starts.tolist(), ends, strict=True), strict=True))
        by_story: dict[int, list[int]] = {}
        for i, sid in enumerate(story_at.tolist()):
            by_story.setdefault(sid, []).append(i)
        groups: list[list[int]] = []
        for sid in sorted(by_story, key=lambda s: by_story[s][0]):
            a, b = spans.get(sid, (0, 0))
            groups += agglomerate(
                sims.select(inner[a:b]), [[i] for i in by_story[sid]], self.contrast, veto
            )
        groups.sort(key=lambda g: g[0])
        final = agglomerate(sims, groups, self.contrast, veto)
        if self.reassign_rounds:
            final = reassign(sims, final, self.reassign_rounds, self.reassign_margin)
        return [sorted(keys[i] for i in g) for g in final]

    def _veto(self, evs: Sequence[Evidence]) -> Callable[[Sequence[int], Sequence[int]], bool]:
        def veto(a: Sequence[int], b: Sequence[int]) -> bool:
            smaller = min(len(a), len(b))
            share = self.time_share if smaller >= self.time_size else None
            if share is None and smaller < self.veto_size:
                return False  # most merges: of a small group, read nothing
            xa, xb = [evs[i] for i in a], [evs[i] for i in b]
            if share is not None and time_conflicting(xa, xb, share=share, months=self.time_months):
                return True
            if smaller < self.veto_size:
                return False
            return conflicting(
                xa, xb,
                share=self.veto_share, min_weight=self.veto_weight, both=self.veto_both,
            )  # fmt: skip

        return veto

    def _contrast_sims(self, evs: Sequence[Evidence], background: Sequence[Evidence]) -> Pairs:
        # Pairs below the floor cannot reach the threshold (score <= 1), so are never scored.
        floor = self.contrast * CONTRAST_FLOOR
        rows, cols, cosines = matrix_pair_arrays(contrast_matrix(evs, background), floor)
        langs = np.array([ev.lang for ev in evs])
        if (langs != langs[0]).any():
            # Two languages share names, not words: their pairs are contrasted on names alone.
            same = langs[rows] == langs[cols]
            names = contrast_matrix(evs, background, names_only=True)
            r2, c2, cos2 = matrix_pair_arrays(names, floor)
            cross = langs[r2] != langs[c2]
            rows = np.concatenate([rows[same], r2[cross]])
            cols = np.concatenate([cols[same], c2[cross]])
            cosines = np.concatenate([cosines[same], cos2[cross]])
            order = np.lexsort((cols, rows))
            rows, cols, cosines = rows[order], cols[order], cosines[order]
        return Pairs(rows, cols, self.pair_values(evs, rows, cols) * cosines)


@dataclass(frozen=True)
class Regrouping:
    """One group of the re-check as moves: the story that keeps it (``None``: a new story)
    and the articles that move into it."""

    story: int | None
    moves: tuple[int, ...]


def plan_regrouping(
    groups: Sequence[Sequence[int]], story_of: Mapping[int, int]
) -> list[Regrouping]:
    """How to turn the current stories (``story_of``: article key -> story id) into ``groups``
    with the fewest moves: largest groups first, each keeps the story holding most of its
    members (the lower id of equals) unless an earlier group kept it; a group whose stories
    were all kept by larger groups becomes a new story. A group already in place has no
    moves."""
    used: set[int] = set()
    plan: list[Regrouping] = []
    for group in sorted(groups, key=lambda g: (-len(g), min(g))):
        held = Counter(story_of[k] for k in group)
        free = [s for s, _ in sorted(held.items(), key=lambda kv: (-kv[1], kv[0])) if s not in used]
        target = free[0] if free else None
        moves = tuple(k for k in sorted(group) if story_of[k] != target)
        if target is not None:
            used.add(target)
        plan.append(Regrouping(target, moves))
    return plan
