"""The ingest runner: read -> extract -> clean -> sign -> match -> cluster -> store.

The stages are pure functions from ``storytrace.io``, ``extract``, ``clean``, ``match``,
``evidence`` and ``stories``; this module only batches, persists, counts and reports. Each batch
is one transaction, and every input is recorded with a fingerprint of its content, so a killed
run leaves the database as it was after the last full batch and the next run skips what is done.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..clean import site_boilerplate
from ..config import Config
from ..extract import outlet_from_url
from ..io import read_inputs
from ..match import pack_hashes
from ..model import Document, Reject
from ..store import Store
from .collection import fewer_collections
from .extract_pool import ExtractionPool
from .linking import ArticleLinker, StoryRecheck
from .prepare import Prepared, body_key, fingerprint
from .report import IngestReport

log = logging.getLogger(__name__)


def ingest(
    paths: Iterable[str],
    *,
    db: str = "storytrace.db",
    meta: str | None = None,
    fields: Mapping[str, str] | None = None,
    config: Config | None = None,
    progress: bool = False,
) -> IngestReport:
    """Ingest files, folders or globs into the database at ``db`` and return what happened."""
    config = config or Config()
    with Store(db) as store:
        return Ingester(store, config).run(paths, meta=meta, fields=fields, progress=progress)


class Ingester:
    """Drives one ingest run over an open store."""

    def __init__(self, store: Store, config: Config) -> None:
        self.store = store
        self.config = config
        store.use_config(config)  # the settings fixed in the file, the story window
        self.report = IngestReport()
        self.run_id = 0
        self.linker = ArticleLinker(store, config, self.report)
        self.recheck = StoryRecheck(store, config, self.report)
        self.touched: set[int] = set()
        self.sources: set[str] = set()
        self.outlet_sizes: dict[str, int] = {}
        self.since_recheck = 0  # inputs processed since the last re-check

    def run(
        self,
        paths: Iterable[str],
        *,
        meta: str | None = None,
        fields: Mapping[str, str] | None = None,
        progress: bool = False,
        inputs: Iterable[Document | Reject] | None = None,
        command: str | None = None,
    ) -> IngestReport:
        """Ingest ``paths``; or, when given, the ``inputs`` already read (``storytrace rebuild``
        passes the stored ones), recorded in ``runs`` as ``command``."""
        paths = list(paths)
        self.run_id = self.store.start_run(
            command or "ingest " + " ".join(paths),
            {"config": self.config.to_dict(), "meta": meta, "fields": dict(fields or {})},
        )
        self.store.stories.run_id = self.run_id
        self.linker.run_id = self.run_id
        started = time.monotonic()
        items = inputs if inputs is not None else read_inputs(
            paths, meta_file=meta, fields=fields, max_bytes=self.config.max_bytes
        )
        bar = _progress_bar(progress)
        status = "failed"
        try:
            with fewer_collections(), ExtractionPool(
                workers=self.config.workers,
                timeout=self.config.extract_timeout,
                shingle_size=self.config.shingle_size,
            ) as pool:
                # The next batch is prepared in the workers while this one is stored.
                pending: _Started | None = None
                for batch in _batches(items, self.config.batch_size):
                    started_batch = self._start(batch, pool)
                    if pending is not None:
                        self._finish(pending, bar)
                    pending = started_batch
                if pending is not None:
                    self._finish(pending, bar)
            # What the last inputs touched, and what a killed earlier run left pending.
            with self.store.transaction():
                self._recheck_pending()
            status = "done"
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        finally:
            bar.close()
            self.report.seconds = time.monotonic() - started
            self.report.stories = self.store.conn.execute(
                "SELECT count(*) FROM stories WHERE merged_into IS NULL AND articles > 0"
            ).fetchone()[0]
            self.store.finish_run(self.run_id, self.report.to_dict(), status)
        return self.report

    def _run_batch(self, batch: list[Document | Reject], pool: ExtractionPool) -> None:
        """Prepare and store one batch (used for single articles; ``run`` overlaps batches)."""
        self._finish(self._start(batch, pool), None)

    def _start(self, batch: list[Document | Reject], pool: ExtractionPool) -> _Started:
        todo: list[tuple[Document, str]] = []
        rejects: list[tuple[Reject, str]] = []
        for item in batch:
            self.report.inputs += 1
            if isinstance(item, Reject):
                rejects.append((item, ""))
                continue
            source = str(item.source)
            fp = fingerprint(item.content)
            if source in self.sources or self.store.seen_input(source, fp) is not None:
                self.report.already_ingested += 1
                continue
            self.sources.add(source)
            todo.append((item, fp))
        site = self._site_snapshot(todo)
        return _Started(len(batch), todo, rejects, pool.submit([doc for doc, _ in todo], site))

    def _finish(self, started: _Started, bar: Any) -> None:
        timed = self.report.timed
        with timed("wait"):
            prepared = started.results()
        try:
            with self.store.transaction(), self.linker.batch(prepared):
                for reject, fp in started.rejects:
                    self._reject(reject, fp)
                for (_doc, fp), result in zip(started.todo, prepared, strict=True):
                    if isinstance(result, Reject):
                        self._reject(result, fp)
                    else:
                        self.report.add_times(result.seconds)
                        self._add(result, fp)
                if self.touched:
                    self.store.stories.mark_pending(self.touched)
                    self.touched = set()
                self.since_recheck += len(started.todo)
                if self.since_recheck >= self.config.recheck_every:
                    self._recheck_pending()
                work_done = time.perf_counter()
        except BaseException:
            self.outlet_sizes.clear()  # counted articles of the rolled-back batch
            raise
        # the batch's pending writes (reprint anchors) and the commit itself
        self.report.stage_seconds["commit"] += time.perf_counter() - work_done
        if bar is not None:
            bar.update(started.size)
            bar.set_postfix_str(self.report.short(), refresh=False)

    def _recheck_pending(self) -> None:
        """Re-check the stories touched since the last re-check (inside the caller's
        transaction, so a killed run keeps them pending)."""
        pending = self.store.stories.pending()
        if pending:
            with self.report.timed("recheck"):
                self.recheck.run(pending)
            self.store.stories.clear_pending()
        self.since_recheck = 0

    def _site_snapshot(self, todo: list[tuple[Document, str]]) -> dict[str, dict[str, int]]:
        """Known site boilerplate of the outlets in a batch, for cleaning in the workers."""
        outlets = {str(doc.meta.get("outlet") or "") for doc, _ in todo}
        outlets |= {outlet_from_url(str(doc.meta.get("url") or "")) or "" for doc, _ in todo}
        return {o: p for o in outlets if o and (p := self.store.site_patterns(o))}

    def _reject(self, reject: Reject, fp: str) -> None:
        self.report.rejected[reject.reason] += 1
        log.warning("rejected %s: %s (%s)", reject.source, reject.detail, reject.reason)
        self.store.add_reject(self.run_id, str(reject.source), reject.reason, reject.detail)
        if fp:
            self.store.record_input(str(reject.source), fp, "rejected", None, self.run_id)

    def _add(self, item: Prepared, fp: str) -> None:
        with self.report.timed("store"):
            article_id = self._store(item, fp)
        if article_id is None:
            return
        self.store.stories.remember(article_id, item.parsed)
        draft = item.draft
        if draft.outlet:
            if draft.outlet in self.outlet_sizes:
                self.outlet_sizes[draft.outlet] += 1
            with self.report.timed("site"):
                patterns = self.store.site_patterns(draft.outlet)
                if set(patterns) != item.site_keys:
                    # Patterns were learned after the snapshot this article was cleaned with.
                    self.linker.reclean(article_id, patterns, relink=False)
                    self.linker.sign(article_id)
                self._learn_site(draft.outlet, article_id, item.blocks)
        with self.report.timed("reprints"):
            self.linker.link_reprints(article_id)
        with self.report.timed("stories"):
            clusterer = self.recheck.clusterer
            story = self.linker.assign_story(article_id, clusterer.score_values, clusterer.score_matrix)
        self.touched.add(story)

    def _store(self, item: Prepared, fp: str) -> int | None:
        """Store a prepared article; None when the store already holds it (counted)."""
        draft = item.draft
        source = str(draft.source)
        key = item.body_key
        duplicate = self.store.find_duplicate(draft.url, key)
        if duplicate is not None:
            self.report.duplicates += 1
            self.store.record_input(source, fp, "duplicate", duplicate, self.run_id)
            return None
        article_id = self.store.add_article(
            {
                "source": source,
                "kind": draft.kind,
                "external_id": draft.external_id,
                "url": draft.url,
                "outlet": draft.outlet,
                "published": draft.published,
                "title": draft.title,
                "raw": draft.raw,
                "body": draft.text,
                "text": item.cleaned.text,
                "body_key": key,
                "meta": _json({**draft.meta, "from_html": True} if item.from_html else draft.meta),
                "evidence": item.evidence,
                "shingles": pack_hashes(item.shingles),
                "run_id": self.run_id,
            }
        )
        self.store.add_removed(article_id, item.cleaned.removed)
        self.store.record_input(source, fp, "added", article_id, self.run_id)
        self.report.added += 1
        return article_id

    def _outlet_size(self, outlet: str) -> int:
        # Counted once per run, then kept up to date: a count per article would grow with the store.
        if outlet not in self.outlet_sizes:
            self.outlet_sizes[outlet] = self.store.outlet_articles(outlet)
        return self.outlet_sizes[outlet]

    def _learn_site(self, outlet: str, article_id: int, examples: Mapping[str, str]) -> None:
        """Count the body's blocks for its outlet; re-clean the outlet's articles on new patterns."""
        counts = self.store.count_blocks(outlet, article_id, examples)
        known = self.store.site_patterns(outlet)
        judged = site_boilerplate(
            counts,
            self._outlet_size(outlet),
            min_articles=self.config.site_min_articles,
        )
        learned = [k for k in judged if k not in known]
        if not learned:
            return
        self.store.add_site_patterns(outlet, learned, self.run_id)
        self.report.site_patterns += len(learned)
        patterns = self.store.site_patterns(outlet)
        for other in self.store.articles_with_blocks(outlet, learned):
            if other == article_id:
                self.linker.reclean(other, patterns, relink=False)
                self.linker.sign(other)
            else:
                self.report.recleaned += 1
                self.linker.reclean(other, patterns, relink=True)


@dataclass
class _Started:
    """A batch whose inputs are being prepared in the workers."""

    size: int
    todo: list[tuple[Document, str]]
    rejects: list[tuple[Reject, str]]
    results: Callable[[], list[Prepared | Reject]]


def _json(value: Mapping[str, Any]) -> str:
    import json

    return json.dumps(dict(value), ensure_ascii=False, sort_keys=True, default=str)


def _batches(items: Iterable[Document | Reject], size: int) -> Iterator[list[Document | Reject]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _progress_bar(enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(desc="ingest", unit=" inputs", disable=not enabled, leave=False, dynamic_ncols=True)


__all__ = ["Ingester", "body_key", "fingerprint", "ingest"]
