"""The story steps: place each stored article in a story as it arrives, and re-check the
touched stories every ``recheck_every`` inputs and at the end of a run.

The rules are pure: :func:`storytrace.stories.decide` places an article among the candidate
stories, :meth:`StoryClusterer.regroup` regroups a set of stories and
:func:`storytrace.stories.plan_regrouping` turns the groups into moves. These steps read the
candidates and members from the store and write the outcome back, with the reasons.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..config import Config
from ..store import Store
from ..stories import StoryClusterer, compared_members, decide, plan_regrouping
from .evidence_cache import EvidenceCache
from .steps import Step


class _StoryStep(Step):
    def __init__(
        self, store: Store, config: Config, clusterer: StoryClusterer, evidence: EvidenceCache
    ) -> None:
        super().__init__()
        self.store = store
        self.config = config
        # One clusterer for both steps: the decisions fill the pair-score memory the re-check
        # reads.
        self.clusterer = clusterer
        self.evidence = evidence


class AssignStories(_StoryStep):
    name = "stories"

    def __init__(
        self, store: Store, config: Config, clusterer: StoryClusterer, evidence: EvidenceCache
    ) -> None:
        super().__init__(store, config, clusterer, evidence)
        self.rules = config.stories.decide_config()

    def __call__(self, article_id: int) -> int:
        """Put the article in a story: its reprint source's, the best matching one, or a new
        one. Returns the story id."""
        with self.timed():
            return self._assign(article_id)

    def _assign(self, article_id: int) -> int:
        state = self.store.stories
        ev = self.evidence.get(article_id)
        keys = ev.index_keys()
        for partner_id, kind in self.store.reprint_partners(article_id):
            story = state.story_of(partner_id)
            if story is not None:
                self.counts["joined"] += 1
                self.counts["joined_as_reprint"] += 1
                return state.add(
                    story, article_id, keys, score=1.0,
                    reasons=[f"{kind} reprint of article {partner_id}"],
                )  # fmt: skip
        candidate_ids = state.candidates(keys, ev.published, limit=self.config.max_story_candidates)
        candidates = {
            sid: self.evidence.many(compared_members(state.member_ids(sid), self.rules))
            for sid in candidate_ids
        }
        scorer = self.clusterer
        decision = decide(
            ev, candidates, config=self.rules, score=scorer.score_values, matrix=scorer.score_matrix
        )
        reasons = list(decision.reasons)
        if decision.story is None:
            reasons.insert(0, "first article of this story")
        story_id = state.add(
            decision.story, article_id, keys, score=decision.score, reasons=reasons
        )
        self.counts["new" if decision.story is None else "joined"] += 1
        for other in decision.merge:
            if other != story_id:
                state.merge(story_id, other)
                self.counts["merged"] += 1
        return story_id


class RecheckStories(_StoryStep):
    """Regroup the touched stories with their nearest neighbours (split what joined on topical
    vocabulary alone, merge what belongs together), so the stored result depends on the set of
    articles, not on their arrival order, as ``storytrace eval clusters`` measures."""

    name = "recheck"

    def __call__(self, touched: set[int]) -> None:
        with self.timed():
            self._recheck(touched)

    def _chosen(self, touched: set[int]) -> list[int]:
        """The touched stories and their neighbours, smallest first, within the article budget:
        huge stories (thousands of reprints) are stable and costly to regroup."""
        state = self.store.stories
        hood: set[int] = set(state.live(touched))
        for sid in sorted(hood):
            hood.update(state.neighbours(sid, limit=self.config.recheck_neighbours))
        total = 0
        chosen: list[int] = []
        for sid in sorted(hood, key=lambda s: (state.size(s), s)):
            size = state.size(sid)
            if total + size > self.config.recheck_max_articles:
                continue
            chosen.append(sid)
            total += size
        return chosen if total >= 2 else []

    def _recheck(self, touched: set[int]) -> None:
        state = self.store.stories
        chosen = self._chosen(touched)
        if not chosen:
            return
        self.counts["checks"] += 1
        stories = {sid: self.evidence.many(state.member_ids(sid)) for sid in chosen}
        current = {key: sid for sid, members in stories.items() for key, _ in members}
        recent = state.recent_articles(exclude=set(current), limit=self.config.recheck_background)
        background = [ev for _, ev in self.evidence.many(recent)]
        groups = self.clusterer.regroup(stories, background)
        changed: set[int] = set()
        for group in plan_regrouping(groups, current):
            target = group.story
            for key in group.moves:
                reason = (
                    f"moved by the re-check: closer to the members of story {target}"
                    if target is not None
                    else "split off by the re-check: apart from its former story's members"
                )
                changed.add(current[key])
                target = state.move(key, target, reason)
                self.counts["moved"] += 1
            assert target is not None
            changed.add(target)
        for sid in sorted(changed):
            state.refresh(sid)
            members = self.evidence.many(state.member_ids(sid))
            state.rebuild_keys(sid, {k for _, ev in members for k in ev.index_keys()})
        for sid in sorted(changed):
            if state.size(sid) == 0:
                takers = Counter(state.story_of(k) for k, s in current.items() if s == sid)
                into = takers.most_common(1)[0][0] if takers else None
                state.retire(sid, into)
                self.counts["retired"] += 1


class StoryRounds:
    """When the touched stories are re-checked: once ``recheck_every`` inputs were processed
    since the last re-check, and at the end of a run. Each call runs inside the caller's
    transaction, so a killed run keeps its touched stories pending for the next one."""

    def __init__(self, store: Store, config: Config, recheck: RecheckStories) -> None:
        self.store = store
        self.every = config.recheck_every
        self.recheck = recheck
        self.since = 0  # inputs processed since the last re-check

    def after_batch(self, touched: set[int], inputs: int) -> None:
        """A batch of ``inputs`` placed articles in the ``touched`` stories."""
        if touched:
            self.store.stories.mark_pending(touched)
        self.since += inputs
        if self.since >= self.every:
            self.finish()

    def skip(self, batches: int, size: int) -> None:
        """``batches`` batches of ``size`` inputs each that stored no article (a Spark time
        block holds only some of a run's inputs): what as many calls of :meth:`after_batch`
        would do, at once. The first round they make due re-checks what is pending; the later
        ones find nothing and only restart the count."""
        if batches <= 0:
            return
        due_after = -(-(self.every - self.since) // size)
        if batches < due_after:
            self.since += batches * size
            return
        self.finish()
        per_round = -(-self.every // size)
        self.since = ((batches - due_after) % per_round) * size

    def finish(self) -> None:
        """Re-check what is pending now (the end of a run, or a round that is due)."""
        pending = self.store.stories.pending()
        if pending:
            self.recheck(pending)
            self.store.stories.clear_pending()
        self.since = 0


@dataclass(frozen=True)
class EmptyBatches:
    """In the batches given to :func:`assign_in_order`: ``count`` batches of ``size`` inputs
    in a row that stored no article."""

    count: int
    size: int


def assign_in_order(
    store: Store,
    config: Config,
    batches: Iterable[tuple[Sequence[int], int] | EmptyBatches],
    evidence: EvidenceCache | None = None,
) -> tuple[AssignStories, RecheckStories]:
    """Place stored articles in stories one at a time, in order, with the local ingest's
    rounds: each batch (the ids of the articles an ingest batch stored, and how many inputs
    it read, or :class:`EmptyBatches`) in one transaction, re-checks as :class:`StoryRounds`
    says, and a last one at the end. What ``storytrace ingest`` does after storing and linking
    them; the Spark job's story stage runs it over each time block of the articles it
    prepared."""
    clusterer = StoryClusterer(**config.stories.clusterer_args())
    evidence = evidence or EvidenceCache(store.stories)
    assign = AssignStories(store, config, clusterer, evidence)
    recheck = RecheckStories(store, config, clusterer, evidence)
    rounds = StoryRounds(store, config, recheck)
    for batch in batches:
        with store.transaction():
            if isinstance(batch, EmptyBatches):
                rounds.skip(batch.count, batch.size)
            else:
                ids, inputs = batch
                rounds.after_batch({assign(i) for i in ids}, inputs)
    with store.transaction():
        rounds.finish()
    return assign, recheck
