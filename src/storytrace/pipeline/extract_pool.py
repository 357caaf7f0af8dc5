"""Runs :func:`storytrace.pipeline.prepare.prepare` over a batch, in worker processes when it pays."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial

from ..model import Document, Reject
from .lifeline import die_with_parent
from .prepare import Prepared, prepare, with_embeddings

log = logging.getLogger(__name__)

SiteSnapshot = Mapping[str, Mapping[str, int]]


class ExtractionPool:
    """Extraction, cleaning, shingling and evidence for a batch of documents.

    These are the CPU-heavy, store-independent stages, so they go to one process per core
    (HTML extraction alone runs at about 25 pages per second per core). Small batches stay
    in-process, where starting workers would cost more than it saves. A worker that dies
    (hostile input can crash a parser) turns its documents into rejects, and the pool is
    started afresh for the next batch.
    """

    def __init__(
        self, *, workers: int = 0, timeout: float = 10.0, shingle_size: int = 5, embed: bool = True
    ) -> None:
        self.workers = workers if workers > 0 else (os.cpu_count() or 1)
        self.timeout = timeout
        self.shingle_size = shingle_size
        self.embed = embed
        self._executor: Executor | None = None

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None

    def run(
        self, docs: Sequence[Document], site: SiteSnapshot | None = None
    ) -> list[Prepared | Reject]:
        return self.submit(docs, site)()

    def submit(
        self, docs: Sequence[Document], site: SiteSnapshot | None = None
    ) -> Callable[[], list[Prepared | Reject]]:
        """Start preparing a batch; the returned function waits for and returns the results.

        With worker processes, the next batch is prepared while the runner stores this one.
        """
        # The sentence embeddings are added per chunk, in one pass of the encoder.
        work = partial(
            prepare,
            site_blocks=site or {},
            timeout=self.timeout,
            shingle_size=self.shingle_size,
            embed=False,
        )
        embed = self.embed
        if self.workers <= 1 or len(docs) < 4 * self.workers:
            return lambda: _run_chunk(work, list(docs), embed)
        if self._executor is None:
            self._executor = _executor(self.workers)
        chunk = max(1, len(docs) // (4 * self.workers))
        starts = range(0, len(docs), chunk)
        futures = [
            self._executor.submit(_run_chunk, work, list(docs[i : i + chunk]), embed)
            for i in starts
        ]

        def collect() -> list[Prepared | Reject]:
            results: list[Prepared | Reject] = []
            broken = False
            for i, future in zip(starts, futures, strict=True):
                try:
                    results.extend(future.result())
                except BrokenProcessPool:
                    broken = True
                    results.extend(self._isolate(work, docs[i : i + chunk], embed))
            if broken:
                self.close()
            return results

        return collect

    @staticmethod
    def _isolate(
        work: partial[Prepared | Reject], docs: Sequence[Document], embed: bool
    ) -> list[Prepared | Reject]:
        """Redo a chunk whose worker died, one input per fresh process, to find the culprit."""
        out: list[Prepared | Reject] = []
        for doc in docs:
            with _executor(1) as single:
                try:
                    out.append(single.submit(_run_chunk, work, [doc], embed).result()[0])
                except BrokenProcessPool:
                    out.append(
                        Reject(
                            doc.source, "extract-failed", "the worker process crashed on this input"
                        )
                    )
        return out

    @staticmethod
    def _safe(work: partial[Prepared | Reject], doc: Document) -> Prepared | Reject:
        try:
            return work(doc)
        except Exception as exc:  # one bad input must not end the run
            log.debug("preparing %s failed", doc.source, exc_info=True)
            return Reject(doc.source, "extract-failed", f"{type(exc).__name__}: {exc}")


def _executor(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)
    )


def _run_chunk(
    work: partial[Prepared | Reject], docs: list[Document], embed: bool
) -> list[Prepared | Reject]:
    prepared = [ExtractionPool._safe(work, d) for d in docs]
    return with_embeddings(prepared) if embed else prepared
