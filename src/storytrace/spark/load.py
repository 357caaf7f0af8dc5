"""``storytrace load DIR --db FILE``: the Spark job's Parquet output (or a slice of it) in a
SQLite store, so that ``stories``, ``story``, ``article``, ``compare`` and ``serve`` work on it.

Read with pyarrow (no Spark needed). Article, story and reprint ids are kept. The store is
made ready for local ingests that continue it: each story is indexed under its members'
evidence keys and each article's anchors go into the reprint candidate index.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from ..batches import batched
from ..config import Config
from ..errors import InputError, StorytraceError
from ..evidence import Evidence
from ..match import anchors, unpack_hashes
from ..store import Store, imports

LOAD_BATCH = 5000  # rows per transaction when loading a Spark run's articles

NEEDED = ("manifest.json", "articles")


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return "loaded " + ", ".join(f"{v:,} {k}" for k, v in self.counts.items())


def _table(root: str, name: str, filters: Any = None) -> list[dict[str, Any]]:
    import pyarrow.dataset as ds

    path = os.path.join(root, name)
    if not os.path.exists(path):
        return []
    data = ds.dataset(path, format="parquet", partitioning="hive")
    table = data.to_table(filter=filters) if filters is not None else data.to_table()
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def _latest(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The row of each ``key`` from the latest run: a run that continues others gives the
    stories it changed (and their members) again."""
    latest: dict[Any, dict[str, Any]] = {}
    for r in rows:
        held = latest.get(r[key])
        if held is None or int(r.get("run") or 0) > int(held.get("run") or 0):
            latest[r[key]] = r
    return list(latest.values())


def load(
    root: str,
    *,
    db: str,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
) -> LoadReport:
    """Load the output folder ``root`` of ``storytrace spark ingest`` into the store ``db``
    (articles published from ``since`` to ``until``, ISO dates, and of ``outlet`` only, when
    given; with what refers to them). The store must not hold articles yet."""
    try:
        import pyarrow.dataset as ds
    except ImportError as exc:
        raise StorytraceError(
            "storytrace load needs pyarrow: pip install 'storytrace[spark]'"
        ) from exc
    for name in NEEDED:
        if not os.path.exists(os.path.join(root, name)):
            raise InputError(
                f"{root} is not the output of a finished `storytrace spark ingest` (no {name})"
            )
    with open(os.path.join(root, "manifest.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    if "prepare" not in manifest.get("stages", {}):
        raise InputError(
            f"{root}: its last run has no articles yet (run `storytrace spark ingest` again)"
        )
    config = Config().with_overrides(**manifest.get("config", {}))
    wanted = None
    if since:
        wanted = ds.field("published") >= since
    if until:
        # an ISO date names the whole day
        last = ds.field("published") <= until + ("T23:59:59.999999" if len(until) == 10 else "")
        wanted = last if wanted is None else wanted & last
    if outlet:
        same = ds.field("outlet") == outlet
        wanted = same if wanted is None else wanted & same
    articles = _table(root, "articles", wanted)
    ids = {int(a["id"]) for a in articles}
    report = LoadReport()
    with Store(db, config=config) as store:
        if store.conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone():
            raise InputError(f"{db} already holds articles: load into a new database")
        run_id = store.start_run(f"load {root}", {"config": config.to_dict(), "manifest": manifest})
        with store.transaction():
            for batch in batched(articles, LOAD_BATCH):
                imports.add_articles(store.conn, batch, run_id)
            report.counts["articles"] = len(articles)
            removed = [r for r in _table(root, "removed") if r["article_id"] in ids]
            imports.add_removed(store.conn, removed)
            loaded_outlets = {a["outlet"] for a in articles}
            patterns = [p for p in _table(root, "site_patterns") if p["outlet"] in loaded_outlets]
            imports.add_site_patterns(store.conn, patterns, run_id)
            links = [r for r in _table(root, "reprints") if r["a"] in ids and r["b"] in ids]
            imports.add_reprints(store.conn, links)
            report.counts["reprints"] = len(links)
            passages = [p for p in _table(root, "passages") if p["a"] in ids and p["b"] in ids]
            imports.add_passages(store.conn, passages)
            members = [
                m
                for m in _latest(_table(root, "story_members"), "article_id")
                if m["article_id"] in ids
            ]
            held = {int(m["story_id"]) for m in members}
            # Merged-away stories point at the story they went into: kept with a whole output.
            whole = not (since or until or outlet)
            stories = [
                s
                for s in _latest(_table(root, "stories"), "id")
                if s["id"] in held or (whole and s["merged_into"] is not None)
            ]
            imports.add_stories(store.conn, stories)
            imports.add_members(store.conn, members)
            # What continuing ingests look up: story keys, reprint anchors, counts of a slice.
            keys: dict[int, set[str]] = {}
            by_article = {int(a["id"]): a for a in articles}
            for m in members:
                a = by_article[int(m["article_id"])]
                if a["evidence"]:
                    keys.setdefault(int(m["story_id"]), set()).update(
                        Evidence.from_json(a["evidence"]).index_keys()
                    )
            for sid in sorted(held):
                store.stories.rebuild_keys(sid, keys.get(sid, set()))
                store.stories.refresh(sid)
            for a in articles:
                store.candidates.add(
                    int(a["id"]),
                    anchors(unpack_hashes(a["shingles"]), modulus=config.anchor_modulus),
                )
            report.counts["stories"] = len(held)
        store.finish_run(run_id, report.counts)
    return report
