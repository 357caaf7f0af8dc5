"""``storytrace rebuild``: re-derive a whole database under new settings.

Every stored article is ingested again, in the order it was added, from its stored input
(``articles.raw`` with its ``kind``, ``source`` and ``meta``: extraction, cleaning, shingles,
reprints and stories are all made again) by the normal ingest runner, into a new file beside
the old one. The run history and the rejected inputs are copied over, and the new file then
replaces the old one (see :func:`storytrace.store.rebuild.replace`). Nothing is lost when the
rebuild stops half-way: the old file is untouched until the new one is complete.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import StoreError
from ..model import Document, Source
from ..store import Store
from ..store import rebuild as files
from ..store.settings import asked
from ..store.writer_lock import WriterLock
from .ingest import Ingester
from .report import IngestReport

DERIVED_META = (
    "from_html", "outlet_name", "outlet_source", "outlet_evidence", "published_raw",
)  # fmt: skip
"""Keys the runner adds to an input's metadata (see ``build_draft``); they are made again."""


@dataclass
class RebuildReport:
    """What a rebuild did: the database, its new settings, and the rebuilding run's report."""

    db: str
    articles: int
    settings: dict[str, int]
    ingest: IngestReport = field(default_factory=IngestReport)

    def to_dict(self) -> dict[str, Any]:
        return {
            "db": self.db,
            "articles": self.articles,
            "stories": self.ingest.stories,
            "settings": dict(self.settings),
            "ingest": self.ingest.to_dict(),
        }

    def summary(self) -> str:
        values = ", ".join(f"{k}={v}" for k, v in self.settings.items())
        return (
            f"rebuilt {self.db}: {self.articles} articles, {self.ingest.stories} stories, "
            f"{self.ingest.reprints} reprint links ({values}) in {self.ingest.seconds:.1f} s"
        )


def rebuild(db: str, *, config: Config, progress: bool = False) -> RebuildReport:
    """Re-derive the database at ``db`` under ``config`` (its shingle size, anchor sampling and
    every other setting) and put the result in its place."""
    path = str(db)
    backup, new = path + ".bak", path + ".rebuild"
    lock = WriterLock(path)  # no ingest into the old file while its replacement is built
    try:
        return _rebuild(path, backup, new, config=config, progress=progress)
    finally:
        lock.release()


def _rebuild(path: str, backup: str, new: str, *, config: Config, progress: bool) -> RebuildReport:
    old = files.open_old(path)
    try:
        if Path(backup).exists():
            raise StoreError(
                f"{backup} exists (left by an interrupted rebuild?): check it, move it away and "
                "run rebuild again"
            )
        expected = files.article_count(old)
        files.remove_file(new)  # what an interrupted rebuild left
        try:
            with Store(new, config=config) as store:
                files.copy_runs_and_rejects(old, store)
                ingester = Ingester(store, config)
                report = ingester.run(
                    [],
                    inputs=_documents(old),
                    progress=progress,
                    command=f"rebuild {path} "
                    + " ".join(f"{k}={v}" for k, v in asked(config).items()),
                )
                if report.added != expected:
                    raise StoreError(_lost(expected, report, path))
                files.copy_other_inputs(old, store)
                files.copy_web_sources(old, store)
                files.copy_ingest_times(old, store)
        except BaseException:
            files.remove_file(new)
            raise
    finally:
        old.close()
    try:
        files.replace(path, new, backup)
    except BaseException:
        files.remove_file(new)
        raise
    return RebuildReport(path, report.added, asked(config), report)


def _documents(old: Any) -> Iterator[Document]:
    """The stored inputs as the runner first read them."""
    for row in files.stored_inputs(old):
        meta = json.loads(row["meta"] or "{}")
        from_html = bool(meta.get("from_html"))
        for key in DERIVED_META:
            meta.pop(key, None)
        yield Document(
            source=Source(str(row["source"])),
            kind=row["kind"],
            content=str(row["raw"]),
            is_html=from_html,
            meta=meta,
        )


def _lost(expected: int, report: IngestReport, path: str) -> str:
    why = []
    if report.rejected:
        why.append(", ".join(f"{n} {reason}" for reason, n in sorted(report.rejected.items())))
    if report.duplicates:
        why.append(f"{report.duplicates} now duplicates of another")
    if report.already_ingested:
        why.append(f"{report.already_ingested} with the source of another")
    return (
        f"the rebuild ingested {report.added} of the {expected} stored articles again "
        f"({'; '.join(why) or 'see the log'}); {path} is unchanged"
        + (" (a longer --timeout may help)" if "extract-timeout" in report.rejected else "")
    )
