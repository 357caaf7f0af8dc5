"""Which story an article belongs to: a pure decision over candidate stories.

The rule (all thresholds in :class:`StoryConfig`):

1. For each candidate story, score the article against (a sample of) its members.
   *link* = mean of the article's ``top_k`` best similarities to members; *profile* = mean of
   all its similarities to the sampled members.
2. The article joins the story with the best *link* if ``link >= join`` **and**
   ``profile >= profile``. The profile check means agreeing with one member is not enough:
   it must fit the story as a whole, so one borderline article cannot chain two stories.
3. Otherwise it starts a new story (``Decision.story is None``).
4. Other stories the article also links to are merged into the chosen one only when the two
   stories are themselves close: the average linkage (mean similarity over all member pairs,
   without the new article) is ``>= merge``. An article mixing two events therefore never
   merges them; it only joins the nearer one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from storytrace.evidence import Evidence, similarity
from storytrace.evidence.similarity import similarity_scores

T = TypeVar("T")
ScoreFn = Callable[[Evidence, Sequence[Evidence]], Sequence[float]]
"""The same-story scores of one article with each of several others (default
:func:`similarity_scores`; the clusterer passes its cached one). One call for all the
candidates' members: they are scored together. Only the chosen story's best match is explained, with
:func:`similarity`."""
MatrixFn = Callable[[Sequence[Evidence], Sequence[Evidence]], Sequence[Sequence[float]]]
"""The scores of each of several articles (rows) with each of several others (columns): the
merge check's average linkage in one call (default: a :data:`ScoreFn` call per row)."""


@dataclass(frozen=True)
class StoryConfig:
    join: float = 0.6  # mean of the top-k similarities to a story's members
    profile: float = 0.33  # mean similarity to all (sampled) members
    merge: float = 0.55  # average linkage between two stories to merge them
    top_k: int = 3
    max_members: int = 24  # members compared per story (evenly spaced sample)
    window: int = 60  # ... of the earliest and latest halves of this many members


@dataclass(frozen=True)
class Decision:
    story: int | None
    score: float
    reasons: list[str] = field(default_factory=list)
    merge: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Linkage:
    link: float  # mean of the top-k similarities
    profile: float  # mean of all similarities
    best: Evidence | None  # the member scored highest (the first of equals)


def sample(members: Sequence[T], limit: int) -> list[T]:
    """An evenly spaced, deterministic sample of at most ``limit`` members."""
    if len(members) <= limit:
        return list(members)
    step = len(members) / limit
    return [members[int(i * step)] for i in range(limit)]


def compared_members(ids_in_order: Sequence[int], config: StoryConfig) -> list[int]:
    """The members of a story a decision compares an article with, from all its members in
    publication order: an evenly spaced sample of ``max_members`` from the earliest and the
    latest ``window // 2`` (the earliest define the story; the latest show where it went)."""
    ids = list(ids_in_order)
    if len(ids) > config.window:
        half = config.window // 2
        ids = ids[:half] + ids[-half:]
    return sample(ids, config.max_members)


def linkage(
    ev: Evidence, members: Sequence[tuple[int, Evidence]], config: StoryConfig, score: ScoreFn
) -> Linkage:
    chosen = sample(members, config.max_members)
    return _linkage(list(score(ev, [m for _, m in chosen])), chosen, config)


def _linkage(
    scores: list[float], chosen: Sequence[tuple[int, Evidence]], config: StoryConfig
) -> Linkage:
    """:func:`linkage` from the scores with the sampled members ``chosen``."""
    if not scores:
        return Linkage(0.0, 0.0, None)
    best = max(range(len(scores)), key=scores.__getitem__)
    values = sorted(scores, reverse=True)
    top = values[: config.top_k]
    return Linkage(sum(top) / len(top), sum(values) / len(values), chosen[best][1])


def average_linkage(
    a: Sequence[tuple[int, Evidence]],
    b: Sequence[tuple[int, Evidence]],
    config: StoryConfig,
    score: ScoreFn,
    matrix: MatrixFn | None = None,
) -> float:
    pa, pb = sample(a, config.max_members), sample(b, config.max_members)
    if not pa or not pb:
        return 0.0
    rows, others = [x for _, x in pa], [y for _, y in pb]
    scores = matrix(rows, others) if matrix is not None else [score(x, others) for x in rows]
    return sum(sum(row) for row in scores) / (len(pa) * len(pb))


def decide(
    ev: Evidence,
    candidates: Mapping[int, Sequence[tuple[int, Evidence]]],
    *,
    config: StoryConfig | None = None,
    score: ScoreFn | None = None,
    matrix: MatrixFn | None = None,
) -> Decision:
    """Join the best strongly linked story, start a new one, and say which stories to merge.
    ``score`` and ``matrix``: how pairs are scored (see :data:`ScoreFn`, :data:`MatrixFn`)."""
    cfg = config or StoryConfig()
    fn: ScoreFn = score or similarity_scores
    # All candidates' sampled members scored in one call (one native call, one cache lookup).
    sampled = {sid: sample(ms, cfg.max_members) for sid, ms in candidates.items() if ms}
    flat = [m for ms in sampled.values() for _, m in ms]
    scores = list(fn(ev, flat)) if flat else []
    links: dict[int, Linkage] = {}
    start = 0
    for sid, ms in sampled.items():
        links[sid] = _linkage(scores[start : start + len(ms)], ms, cfg)
        start += len(ms)
    strong = sorted(
        (sid for sid, lk in links.items() if lk.link >= cfg.join and lk.profile >= cfg.profile),
        key=lambda sid: (-links[sid].link, sid),
    )
    if not strong:
        best_score = max((lk.link for lk in links.values()), default=0.0)
        why = ["no story close enough" if links else "no candidate story"]
        if links:
            near = max(links, key=lambda s: (links[s].link, -s))
            why.append(f"nearest story {near}: linkage {links[near].link:.2f} < {cfg.join:.2f}")
        return Decision(None, round(best_score, 4), why, [])
    chosen = strong[0]
    lk = links[chosen]
    why = [f"linkage {lk.link:.2f} to story {chosen} (fits its profile: {lk.profile:.2f})"]
    if lk.best is not None:
        why += similarity(ev, lk.best).reasons[:4]
    merge = [
        sid
        for sid in strong[1:]
        if average_linkage(candidates[chosen], candidates[sid], cfg, fn, matrix) >= cfg.merge
    ]
    if merge:
        why.append(f"stories {', '.join(map(str, merge))} are the same story: merged")
    return Decision(chosen, round(lk.link, 4), why, merge)
