"""The ingest runner: read -> prepare (extract, clean, sign, evidence) -> store -> site
boilerplate -> reprints -> stories -> re-check.

Each step is a small object with its own counters (:mod:`.steps`); the rules are pure
functions in ``storytrace.io``, ``extract``, ``clean``, ``match``, ``evidence`` and
``stories``. This module only batches, runs the workers, shows progress, and holds the
transactions: each batch is one transaction, and every input is recorded with a fingerprint of
its content, so a killed run leaves the database as it was after the last full batch and the
next run skips what is done.
"""

from __future__ import annotations

import itertools
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..batches import batched
from ..config import Config, FetchSettings
from ..errors import StoreError
from ..extract import outlet_from_url
from ..io import read_inputs
from ..match import pack_hashes
from ..model import Document, Reject
from ..store import Store
from ..store.db import disk_full
from ..stories import StoryClusterer
from ..urls import url_scheme
from .collection import fewer_collections
from .evidence_cache import EvidenceCache
from .extract_pool import ExtractionPool
from .prepare import Prepared, body_key, fingerprint
from .report import IngestReport
from .reprints import LinkReprints
from .sites import LearnSiteBoilerplate
from .steps import Step
from .stories import AssignStories, RecheckStories, StoryRounds

log = logging.getLogger(__name__)
SHOWN_REJECTS = 20
"""Rejects of a run printed as they happen; the rest go to the debug log (all are stored)."""


def ingest(
    paths: Iterable[str],
    *,
    db: str = "storytrace.db",
    meta: str | None = None,
    fields: Mapping[str, str] | None = None,
    config: Config | None = None,
    progress: bool = False,
    fetch: FetchSettings | None = None,
) -> IngestReport:
    """Ingest files, folders, globs and web pages (``http://`` and ``https://`` URLs, fetched
    under ``fetch``: see :mod:`storytrace.live`) into the database at ``db`` and return what
    happened. A page whose URL is stored already is not fetched again."""
    config = config or Config()
    paths = [paths] if isinstance(paths, str) else list(paths)
    urls = [p for p in paths if url_scheme(p)]
    if not urls:
        with Store(db) as store:
            return Ingester(store, config).run(paths, meta=meta, fields=fields, progress=progress)
    from ..live.fetch import Fetcher
    from ..live.pages import PAGES_PER_BATCH, requested_pages

    files = [p for p in paths if not url_scheme(p)]
    # Read first: a bad --meta file is an error before anything is fetched.
    items = read_inputs(files, meta_file=meta, fields=fields, max_bytes=config.max_bytes)
    config = config.with_overrides(batch_size=min(config.batch_size, PAGES_PER_BATCH))
    with Store(db) as store, Fetcher(fetch or FetchSettings()) as fetcher:
        ingester = Ingester(store, config)

        def skipped(url: str) -> None:
            log.info("%s is stored already: not fetched again", url)
            ingester.report.inputs += 1
            ingester.report.already_ingested += 1

        pages = requested_pages(urls, store, fetcher, max_bytes=config.max_bytes, skipped=skipped)
        return ingester.run(
            paths,
            meta=meta,
            fields=fields,
            progress=progress,
            inputs=itertools.chain(items, pages),
        )


class Ingester:
    """Drives one ingest run over an open store: batching, workers, progress, transactions."""

    def __init__(self, store: Store, config: Config) -> None:
        self.store = store
        self.config = config
        store.use_config(config)  # the settings fixed in the file, the story window
        self.report = IngestReport()
        # One clusterer for the run: it remembers pair scores across batches.
        clusterer = StoryClusterer(**config.stories.clusterer_args())
        self.evidence = EvidenceCache(store.stories)
        self.save = StoreArticles(store)
        self.reprints = LinkReprints(store, config)
        self.site = LearnSiteBoilerplate(store, config, self.reprints, self.evidence)
        self.stories = AssignStories(store, config, clusterer, self.evidence)
        self.recheck = RecheckStories(store, config, clusterer, self.evidence)
        self.steps: list[Step] = [self.save, self.site, self.reprints, self.stories, self.recheck]
        self.rounds = StoryRounds(store, config, self.recheck)
        self.touched: set[int] = set()
        self.sources: set[str] = set()
        self.run_id = 0

    @property
    def run_id(self) -> int:
        """The run whose rows the steps write (``runs.id``)."""
        return self.save.run_id

    @run_id.setter
    def run_id(self, run_id: int) -> None:
        self.store.stories.run_id = self.save.run_id = self.site.run_id = run_id

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
        started = time.monotonic()
        items = (
            inputs
            if inputs is not None
            else read_inputs(paths, meta_file=meta, fields=fields, max_bytes=self.config.max_bytes)
        )
        bar = progress_bar(progress)
        status = "failed"
        try:
            with (
                fewer_collections(),
                ExtractionPool(
                    workers=self.config.workers,
                    timeout=self.config.extract_timeout,
                    shingle_size=self.config.shingle_size,
                    embed=self.config.embeddings,
                ) as pool,
            ):
                # The next batch is prepared in the workers while this one is stored.
                pending: _Started | None = None
                for batch in batched(items, self.config.batch_size):
                    started_batch = self._start(batch, pool)
                    if pending is not None:
                        self._finish(pending, bar)
                    pending = started_batch
                if pending is not None:
                    self._finish(pending, bar)
            # What the last inputs touched, and what a killed earlier run left pending.
            with self.store.transaction():
                self.rounds.finish()
            status = "done"
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        except sqlite3.OperationalError as exc:
            if not disk_full(exc):
                raise
            status = "disk-full"
            kept = self.store.conn.execute(
                "SELECT count(*) FROM inputs WHERE run_id = ? AND status = 'added'",
                (self.run_id,),
            ).fetchone()[0]
            raise StoreError(
                f"the disk holding {self.store.path} is full ({exc}): the batch in progress was"
                f" rolled back and the {kept} articles this run stored before it are kept;"
                " free some space and run the same command again to resume"
            ) from exc
        finally:
            bar.close()
            self.report.seconds = time.monotonic() - started
            self.report.collect(self.steps)
            try:
                self.report.stories = self.store.live_stories()
                self.store.finish_run(self.run_id, self.report.to_dict(), status)
            except sqlite3.OperationalError as exc:
                # Still full: the run stays marked as running, which the next run handles as
                # it does a killed one.
                if not disk_full(exc):
                    raise
                log.warning("could not record the end of the run: %s", exc)
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
        outlets = {str(doc.meta.get("outlet") or "") for doc, _ in todo}
        outlets |= {outlet_from_url(str(doc.meta.get("url") or "")) or "" for doc, _ in todo}
        site = self.site.snapshot(outlets)
        return _Started(len(batch), todo, rejects, pool.submit([doc for doc, _ in todo], site))

    def _finish(self, started: _Started, bar: Any) -> None:
        with self.report.timed("wait"):
            prepared = started.results()
        try:
            with self.store.transaction(), self.reprints.batch(prepared):
                for reject, fp in started.rejects:
                    self.save.reject(reject, fp)
                for (_doc, fp), result in zip(started.todo, prepared, strict=True):
                    if isinstance(result, Reject):
                        self.save.reject(result, fp)
                    else:
                        self.report.add_times(result.seconds)
                        self._add(result, fp)
                self.rounds.after_batch(self.touched, len(started.todo))
                self.touched = set()
                work_done = time.perf_counter()
        except BaseException:
            self.site.rollback()
            self.evidence.clear()
            raise
        # the batch's pending writes (reprint anchors) and the commit itself
        self.report.stage_seconds["commit"] += time.perf_counter() - work_done
        self.report.collect(self.steps)
        if bar is not None:
            bar.update(started.size)
            bar.set_postfix_str(self.report.short(), refresh=False)

    def _add(self, item: Prepared, fp: str) -> None:
        article_id = self.save(item, fp)
        if article_id is None:
            return
        self.evidence.remember(article_id, item.parsed)
        self.site(article_id, item)
        self.reprints(article_id)
        self.touched.add(self.stories(article_id))


class StoreArticles(Step):
    """Store each prepared article unless the store already holds it (same URL, or the same
    outlet and normalised body), and each reject with its reason."""

    name = "store"

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.run_id = 0

    def reject(self, reject: Reject, fp: str) -> None:
        self.counts["rejected:" + reject.reason] += 1
        shown = sum(n for k, n in self.counts.items() if k.startswith("rejected:"))
        # The first few on the terminal; all of them in the store (`storytrace rejects`).
        level = logging.WARNING if shown <= SHOWN_REJECTS else logging.DEBUG
        log.log(level, "rejected %s: %s (%s)", reject.source, reject.detail, reject.reason)
        if shown == SHOWN_REJECTS + 1:
            log.warning("more inputs rejected: `storytrace rejects` lists them all")
        self.store.add_reject(self.run_id, str(reject.source), reject.reason, reject.detail)
        if fp:
            self.store.record_input(str(reject.source), fp, "rejected", None, self.run_id)

    def __call__(self, item: Prepared, fp: str) -> int | None:
        """The new article's id; None when the store already holds it (counted)."""
        with self.timed():
            return self._store(item, fp)

    def _store(self, item: Prepared, fp: str) -> int | None:
        draft = item.draft
        source = str(draft.source)
        key = item.body_key
        duplicate = self.store.find_duplicate(draft.url, key)
        if duplicate is not None:
            self.counts["duplicates"] += 1
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
        self.counts["added"] += 1
        return article_id


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


def progress_bar(enabled: bool, *, desc: str = "ingest", unit: str = " inputs") -> Any:
    """A tqdm bar on stderr, or one that shows nothing when not ``enabled``."""
    from tqdm import tqdm

    return tqdm(desc=desc, unit=unit, disable=not enabled, leave=False, dynamic_ncols=True)


__all__ = ["Ingester", "body_key", "fingerprint", "ingest", "progress_bar"]
