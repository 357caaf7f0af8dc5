"""The site boilerplate step: count each article's blocks for its outlet, learn the blocks that
recur in enough of the outlet's articles (:func:`storytrace.clean.site_boilerplate`), and clean
again the outlet's articles that hold a newly learned block (their shingles, evidence and
reprint links follow the new text)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from ..clean import clean_page, site_boilerplate
from ..config import Config
from ..evidence import Evidence
from ..evidence.core import embedding_input
from ..match import pack_hashes, unpack_hashes
from ..store import Store
from .evidence_cache import EvidenceCache
from .prepare import Prepared, sign
from .reprints import LinkReprints
from .steps import Step


class LearnSiteBoilerplate(Step):
    name = "site"

    def __init__(
        self, store: Store, config: Config, reprints: LinkReprints, evidence: EvidenceCache
    ) -> None:
        super().__init__()
        self.store = store
        self.config = config
        self.reprints = reprints
        self.evidence = evidence
        self.run_id = 0
        # Articles per outlet, counted once per run and then kept up to date: a count per
        # article would grow with the store.
        self.outlet_sizes: dict[str, int] = {}

    def snapshot(self, outlets: set[str]) -> dict[str, dict[str, int]]:
        """Known site boilerplate of these outlets, for cleaning in the workers."""
        return {o: p for o in outlets if o and (p := self.store.site_patterns(o))}

    def rollback(self) -> None:
        """The batch was rolled back: its articles no longer count."""
        self.outlet_sizes.clear()

    def __call__(self, article_id: int, item: Prepared) -> None:
        outlet = item.draft.outlet
        if not outlet:
            return
        with self.timed():
            if outlet in self.outlet_sizes:
                self.outlet_sizes[outlet] += 1
            patterns = self.store.site_patterns(outlet)
            if set(patterns) != item.site_keys:
                # Patterns were learned after the snapshot this article was cleaned with.
                before = self.reclean(article_id, patterns, relink=False)
                if before is not None:
                    self.resign(article_id, before)
            self._learn(outlet, article_id, item.blocks)

    def _learn(self, outlet: str, article_id: int, examples: Mapping[str, str]) -> None:
        counts = self.store.count_blocks(outlet, article_id, examples)
        known = self.store.site_patterns(outlet)
        judged = site_boilerplate(
            counts, self._outlet_size(outlet), min_articles=self.config.site_min_articles
        )
        learned = [k for k in judged if k not in known]
        if not learned:
            return
        self.store.add_site_patterns(outlet, learned, self.run_id)
        self.counts["patterns"] += len(learned)
        patterns = self.store.site_patterns(outlet)
        for other in self.store.articles_with_blocks(outlet, learned):
            if other == article_id:
                before = self.reclean(other, patterns, relink=False)
                if before is not None:
                    self.resign(other, before)
            else:
                self.counts["recleaned"] += 1
                self.reclean(other, patterns, relink=True)

    def _outlet_size(self, outlet: str) -> int:
        if outlet not in self.outlet_sizes:
            self.outlet_sizes[outlet] = self.store.outlet_articles(outlet)
        return self.outlet_sizes[outlet]

    def resign(self, article_id: int, before: str) -> None:
        """Recompute and store the shingles and evidence of an article's re-cleaned text
        (``before``: its text until then, whose sentence embedding is kept when the headline
        and lead it reads did not change)."""
        row = self.store.article_row(article_id)
        assert row is not None
        kept = None
        if row["evidence"] and embedding_input(before, row["title"]) == embedding_input(
            row["text"], row["title"]
        ):
            kept = Evidence.from_json(row["evidence"]).embedding or None
        hashes, evidence = sign(
            row["text"],
            row["title"],
            row["published"],
            shingle_size=self.config.shingle_size,
            embed=self.config.embeddings,
            embedding=kept,
        )
        self.store.set_signature(article_id, pack_hashes(hashes), evidence)
        self.evidence.forget(article_id)

    def reclean(self, article_id: int, patterns: Mapping[str, int], *, relink: bool) -> str | None:
        """Clean an article again with newly learned site patterns; refresh what depends on it
        (``relink``: its signature and reprint links too). Returns the text it had before if
        the cleaning changed it."""
        row = self.store.article_row(article_id)
        assert row is not None
        from_html = bool(json.loads(row["meta"] or "{}").get("from_html"))
        cleaned = clean_page(
            row["body"], title=row["title"], site_blocks=patterns, extracted=from_html
        )
        unchanged = cleaned.text == row["text"]
        # The reasons change even when the text does not (a block the page rules already
        # removed is now known as site boilerplate): always store them.
        self.store.replace_cleaned(article_id, cleaned.text, cleaned.removed)
        if relink and not unchanged:
            # Offsets of passages point into the cleaned text: recompute this article's links.
            self.reprints.unlink(article_id, unpack_hashes(row["shingles"]))
            self.resign(article_id, row["text"])
            self.reprints(article_id, count=False)
        return None if unchanged else str(row["text"])
