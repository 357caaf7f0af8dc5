"""Extraction of a batch of documents, in worker processes when there is HTML to parse."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial

from ..extract import to_draft
from ..model import Document, Draft, Reject

log = logging.getLogger(__name__)


class ExtractionPool:
    """Runs :func:`storytrace.extract.to_draft` over batches; a pool is started only when needed.

    HTML extraction dominates the cost of a crawl, so it goes to one process per core; plain
    text is cheap and stays in-process. A worker that dies (hostile input can crash a parser)
    turns its documents into rejects and the pool is restarted for the next batch.
    """

    def __init__(self, *, workers: int = 0, timeout: float = 10.0) -> None:
        self.workers = workers if workers > 0 else (os.cpu_count() or 1)
        self.timeout = timeout
        self._executor: Executor | None = None

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None

    def run(self, docs: Sequence[Document]) -> list[Draft | Reject]:
        extract = partial(to_draft, timeout=self.timeout)
        html = sum(1 for d in docs if d.is_html)
        if self.workers <= 1 or html < 2:
            return [self._safe(extract, d) for d in docs]
        if self._executor is None:
            self._executor = ProcessPoolExecutor(max_workers=self.workers)
        futures = [self._executor.submit(extract, d) for d in docs]
        results: list[Draft | Reject] = []
        broken = False
        for doc, future in zip(docs, futures, strict=True):
            try:
                results.append(future.result())
            except BrokenProcessPool:
                broken = True
                results.append(Reject(doc.source, "extract-failed", "the extraction worker crashed on this input"))
            except Exception as exc:  # a bug or parser failure on one input must not end the run
                results.append(Reject(doc.source, "extract-failed", f"{type(exc).__name__}: {exc}"))
        if broken:
            self.close()
        return results

    @staticmethod
    def _safe(extract: partial[Draft | Reject], doc: Document) -> Draft | Reject:
        try:
            return extract(doc)
        except Exception as exc:
            log.debug("extraction failed for %s", doc.source, exc_info=True)
            return Reject(doc.source, "extract-failed", f"{type(exc).__name__}: {exc}")
