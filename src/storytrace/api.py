"""The Python API. Each CLI command calls the function of the same name here.

>>> import storytrace
>>> report = storytrace.ingest(["examples/corpus"], db="demo.db")   # doctest: +SKIP
>>> storytrace.stories(db="demo.db")[0]["title"]                     # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .config import DEFAULT_DB, Config, FetchSettings, WatchSettings
from .errors import InputError
from .pipeline.ingest import ingest
from .pipeline.rebuild import RebuildReport
from .pipeline.report import IngestReport
from .since import parse_since
from .store import SCHEMA_VERSION, Store, views
from .store.db import schema_version

if TYPE_CHECKING:
    from .live.watch import PassReport


def stories(
    *,
    db: str = DEFAULT_DB,
    limit: int | None = None,
    outlet: str | None = None,
    min_articles: int = 1,
    since: str | None = None,
) -> list[dict[str, Any]]:
    """List stories: ``[{"id", "title", "articles", "outlets", "first_seen", "last_seen",
    "updated"}, ...]``, largest first. ``since`` ("2026-12-01T09:00", "2026-12-01", "1h",
    "2d"): only the stories that gained an article since then, by ingest time, the latest
    update first."""
    after = None
    if since:
        try:
            after = parse_since(since, datetime.now(UTC))
        except ValueError as exc:
            raise InputError(str(exc)) from None
    with Store(db, read_only=True) as store:
        return views.list_stories(
            store, limit=limit, outlet=outlet, min_articles=min_articles, since=after
        )


def story(story_id: int, *, db: str = DEFAULT_DB) -> dict[str, Any]:
    """One story: members (with why each belongs), reprint groups, shared passages, history."""
    with Store(db, read_only=True) as store:
        return views.story_detail(store, story_id)


def article(article_id: int, *, db: str = DEFAULT_DB, raw: bool = False) -> dict[str, Any]:
    """One article: metadata, cleaned text, removed boilerplate with reasons, story, reprints."""
    with Store(db, read_only=True) as store:
        return views.article_detail(store, article_id, raw=raw)


def rejects(*, db: str = DEFAULT_DB, limit: int | None = None) -> list[dict[str, Any]]:
    """Inputs that could not be ingested, newest first, with the reason."""
    with Store(db, read_only=True) as store:
        return views.list_rejects(store, limit=limit)


def compare(
    first: int,
    second: int | None = None,
    *,
    db: str = DEFAULT_DB,
    agencies: Sequence[str] = (),
    config: str | None = None,
) -> dict[str, Any]:
    """Coverage report: of story ``first``, or of articles ``first`` and ``second`` when given.

    ``agencies`` adds news agencies (``"Meridian Press=MP"``) to the packaged list and to
    ``[coverage] agencies`` of ``config`` (default ./storytrace.toml). Dict shape: docs/coverage.md;
    ``storytrace.coverage.render_html(report)`` makes the HTML page.
    """
    from .coverage import compare_articles, compare_story, load_agencies

    ag = load_agencies(agencies, config=config)
    with Store(db, read_only=True) as store:
        if second is None:
            return compare_story(store, first, agencies=ag)
        return compare_articles(store, first, second, agencies=ag)


def rebuild(
    *,
    db: str = DEFAULT_DB,
    config: Config | None = None,
    shingle_size: int | None = None,
    anchor_modulus: int | None = None,
    progress: bool = False,
) -> RebuildReport:
    """Re-derive the database ``db`` from its stored articles under ``config`` (default
    :class:`Config`), with ``shingle_size`` and ``anchor_modulus`` when given: the way to change
    the settings fixed per database (docs/schema.md), or to bring a file of an older schema up
    to date. Every stored article is ingested again in its original order into a new file,
    which then replaces the old one; the run history and rejects are kept.
    """
    from .pipeline.rebuild import rebuild as run_rebuild

    config = (config or Config()).with_overrides(
        shingle_size=shingle_size, anchor_modulus=anchor_modulus
    )
    return run_rebuild(db, config=config, progress=progress)


def watch(
    sources: Sequence[str] = (),
    *,
    db: str = DEFAULT_DB,
    config: Config | None = None,
    fetch: FetchSettings | None = None,
    settings: WatchSettings | None = None,
    once: bool = False,
    progress: bool = False,
    on_pass: Callable[[PassReport], None] | None = None,
) -> PassReport | None:
    """Follow feeds, sitemaps and home pages (``sources``, then ``settings.sources``): each pass
    fetches what they list that is not stored yet and ingests it like HTML files, under
    ``config``; pages are fetched under ``fetch`` (robots.txt, host delay, time-outs, sizes).
    One pass with ``once``, else a pass every ``settings.every`` seconds until interrupted;
    ``on_pass`` gets each pass's report (``storytrace.live.watch.PassReport``), and the last
    one is returned. See docs/live.md.
    """
    from .live.watch import watch as run_watch

    return run_watch(
        sources,
        db=db,
        config=config or Config(),
        fetch=fetch or FetchSettings(),
        settings=settings or WatchSettings(),
        once=once,
        progress=progress,
        on_pass=on_pass or (lambda report: None),
    )


def migrate(*, db: str = DEFAULT_DB) -> dict[str, Any]:
    """Bring the database ``db`` of an earlier schema version up to date in place (what every
    writing command does when it opens one): ``{"db", "from", "to"}``. A file older than the
    migrations is refused with what to do (``rebuild``)."""
    before = schema_version(db)
    with Store(db):
        pass
    return {"db": db, "from": before, "to": SCHEMA_VERSION}


__all__ = [
    "DEFAULT_DB",
    "Config",
    "IngestReport",
    "RebuildReport",
    "article",
    "compare",
    "ingest",
    "migrate",
    "rebuild",
    "rejects",
    "stories",
    "story",
    "watch",
]
