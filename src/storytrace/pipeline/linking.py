"""Per-article work after storing: signatures, reprint links and story assignment."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import numpy as np

from ..clean import clean_page
from ..config import Config
from ..match import anchors, compare, may_reprint, pack_hashes, shared_shingles, unpack_hashes
from ..match.window import days_since_epoch, within
from ..store import Store
from ..stories import StoryClusterer, decide
from ..stories.decide import MatrixFn, ScoreFn
from .prepare import Prepared, sign
from .report import IngestReport

log = logging.getLogger(__name__)


class ArticleLinker:
    def __init__(self, store: Store, config: Config, report: IngestReport) -> None:
        self.store = store
        self.config = config
        self.report = report
        self.run_id = 0
        self._days: dict[int, float | None] = {}
        self.story_config = config.stories.decide_config()

    # signatures -----------------------------------------------------------------------------

    def sign(self, article_id: int) -> None:
        """Recompute and store the shingles and evidence of an article's (re-)cleaned text."""
        row = self.store.article_row(article_id)
        assert row is not None
        hashes, evidence = sign(
            row["text"], row["title"], row["published"], shingle_size=self.config.shingle_size
        )
        self.store.conn.execute(
            "UPDATE articles SET shingles = ?, evidence = ? WHERE id = ?",
            (pack_hashes(hashes), evidence, article_id),
        )
        self.store.stories.forget(article_id)

    def reclean(self, article_id: int, patterns: Mapping[str, int], *, relink: bool) -> None:
        """Clean an article again with newly learned site patterns; refresh what depends on it."""
        row = self.store.article_row(article_id)
        assert row is not None
        from_html = bool(json.loads(row["meta"] or "{}").get("from_html"))
        cleaned = clean_page(row["body"], title=row["title"], site_blocks=patterns, extracted=from_html)
        unchanged = cleaned.text == row["text"]
        # The reasons change even when the text does not (a block the page rules already
        # removed is now known as site boilerplate): always store them.
        self.store.replace_cleaned(article_id, cleaned.text, cleaned.removed)
        if relink and not unchanged:
            # Offsets of passages point into the cleaned text: recompute this article's links.
            self.store.candidates.remove(article_id, unpack_hashes(row["shingles"]))
            self.store.forget_reprints(article_id)
            self.sign(article_id)
            self.link_reprints(article_id, count=False)

    # reprints -------------------------------------------------------------------------------

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

    def link_reprints(self, article_id: int, *, count: bool = True) -> int:
        """Find the stored articles this one reprints or is reprinted by; store links and passages."""
        row = self.store.link_row(article_id)
        assert row is not None
        mine = unpack_hashes(row["shingles"])
        keys = self.anchors_of(mine)
        hits = self.store.candidates.query(keys, min_shared=2, max_df=self.config.max_anchor_df)
        when = days_since_epoch(row["published"])
        if when is not None and hits:
            days = self._published_days([i for i, _ in hits])
            window = self.config.reprint_window_days
            hits = [(i, n) for i, n in hits if within(when, days.get(i), window)]
        found = 0
        chosen = [i for i, _ in hits[: self.config.max_reprint_candidates] if i != article_id]
        # Most candidates share a few anchors and no passage: their shingles alone rule them
        # out (the rules of `compare`), without reading their text.
        theirs = self.store.shingles_of(chosen)
        for other_id in chosen:
            blob = theirs.get(other_id)
            if blob is None:
                continue
            other_shingles = unpack_hashes(blob)
            if not may_reprint(shared_shingles(mine, other_shingles), mine.size, other_shingles.size):
                continue
            other = self.store.link_row(other_id)
            if other is None:
                continue
            first, second = _chronological(other, row)
            a_shingles, b_shingles = (other_shingles, mine) if first is other else (mine, other_shingles)
            rep = compare(first["text"], second["text"], a_shingles=a_shingles, b_shingles=b_shingles)
            if rep is None:
                continue
            self.store.add_reprint(int(first["id"]), int(second["id"]), rep)
            found += 1
        self.store.candidates.add(article_id, keys)
        if count:
            self.report.reprints += found
        return found

    def _published_days(self, ids: list[int]) -> dict[int, float | None]:
        """Publication times (days) of articles, cached for the batch (they never change)."""
        if len(self._days) > 100_000:  # outside batches nothing else bounds the cache
            self._days = {}
        todo = [i for i in ids if i not in self._days]
        for start in range(0, len(todo), 900):
            chunk = todo[start : start + 900]
            marks = ", ".join("?" for _ in chunk)
            for article_id, published in self.store.conn.execute(
                f"SELECT id, published FROM articles WHERE id IN ({marks})",  # noqa: S608 - placeholders only
                chunk,
            ):
                self._days[int(article_id)] = days_since_epoch(published)
        return self._days

    # stories --------------------------------------------------------------------------------

    def assign_story(
        self, article_id: int, score: ScoreFn | None = None, matrix: MatrixFn | None = None
    ) -> int:
        """Put the article in a story: its reprint source's, the best matching one, or a new one.

        ``score``: the scores of one article with several others (default
        :func:`~storytrace.evidence.similarity.similarity_scores`), ``matrix`` those of several
        with several (see :func:`~storytrace.stories.decide`); the runner passes the
        re-check's cached ones.
        """
        state = self.store.stories
        ev = state.evidence(article_id)
        partners = self.store.reprint_partners(article_id)
        for partner_id, kind in partners:
            story = state.story_of(partner_id)
            if story is not None:
                self.report.joined += 1
                return state.add(
                    story, article_id, ev, score=1.0,
                    reasons=[f"{kind} reprint of article {partner_id}"],
                )
        candidate_ids = state.candidates(ev, limit=self.config.max_story_candidates)
        candidates = {sid: state.members(sid) for sid in candidate_ids}
        decision = decide(ev, candidates, config=self.story_config, score=score, matrix=matrix)
        reasons = list(decision.reasons)
        if decision.story is None:
            reasons.insert(0, "first article of this story")
        story_id = state.add(decision.story, article_id, ev, score=decision.score, reasons=reasons)
        if decision.story is None:
            self.report.new_stories += 1
        else:
            self.report.joined += 1
        for other in decision.merge:
            if other != story_id:
                state.merge(story_id, other)
                self.report.merges += 1
        return story_id


class StoryRecheck:
    """The contrastive re-check of :class:`storytrace.stories.StoryClusterer`, on the store.

    Every ``recheck_every`` inputs and at the end of a run, the stories touched since the last
    re-check (``recheck_pending``) and their nearest neighbours are regrouped
    from their members' evidence (split what joined on topical vocabulary alone, merge what
    belongs together), so the stored result depends on the set of articles, not on their
    arrival order, and matches what ``storytrace eval clusters`` measures.
    """

    def __init__(self, store: Store, config: Config, report: IngestReport) -> None:
        self.store = store
        self.config = config
        self.report = report
        # One clusterer for the whole run: it keeps pair scores between batches.
        self.clusterer = StoryClusterer(**config.stories.clusterer_args())

    def run(self, touched: set[int]) -> None:
        state = self.store.stories
        hood: set[int] = set(state.live(touched))
        for sid in sorted(hood):
            hood.update(state.neighbours(sid, limit=self.config.recheck_neighbours))
        total = 0
        chosen: list[int] = []
        # Smallest first: huge stories (thousands of reprints) are stable and costly to regroup.
        for sid in sorted(hood, key=lambda s: (state.size(s), s)):
            size = state.size(sid)
            if total + size > self.config.recheck_max_articles:
                continue
            chosen.append(sid)
            total += size
        if len(chosen) < 1 or total < 2:
            return
        stories = {sid: state.all_members(sid) for sid in chosen}
        current = {key: sid for sid, members in stories.items() for key, _ in members}
        background = state.background(exclude=set(current), limit=self.config.recheck_background)
        groups = self.clusterer.regroup(stories, background)
        used: set[int] = set()
        changed: set[int] = set()
        for group in sorted(groups, key=lambda g: (-len(g), min(g))):
            held = Counter(current[k] for k in group)
            free = [s for s, _ in sorted(held.items(), key=lambda kv: (-kv[1], kv[0])) if s not in used]
            target: int | None = free[0] if free else None
            for key in sorted(group):
                if current[key] == target:
                    continue
                reason = (
                    f"moved by the re-check: closer to the members of story {target}"
                    if target is not None
                    else "split off by the re-check: apart from its former story's members"
                )
                changed.add(current[key])
                target = state.move(key, target, reason)
                self.report.moved += 1
            assert target is not None
            used.add(target)
            changed.add(target)
        for sid in sorted(changed):
            state.refresh(sid)
            state.rebuild_keys(sid)
        for sid in sorted(changed):
            if state.size(sid) == 0:
                takers = Counter(state.story_of(k) for k, s in current.items() if s == sid)
                into = takers.most_common(1)[0][0] if takers else None
                state.retire(sid, into)
                self.report.merges += 1


def _chronological(x: sqlite3.Row, y: sqlite3.Row) -> tuple[sqlite3.Row, sqlite3.Row]:
    """Order two article rows: earlier publication first; unknown dates and ties by id."""

    def key(r: sqlite3.Row) -> tuple[int, str, int]:
        published = r["published"]
        return (0 if published else 1, str(published or ""), int(r["id"]))

    return (x, y) if key(x) <= key(y) else (y, x)


