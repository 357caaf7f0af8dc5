"""The Python API. Each CLI command calls the function of the same name here.

>>> import storytrace
>>> report = storytrace.ingest(["examples/corpus"], db="demo.db")   # doctest: +SKIP
>>> storytrace.stories(db="demo.db")[0]["title"]                     # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .config import Config
from .pipeline.ingest import ingest
from .pipeline.report import IngestReport
from .store import Store, views

DEFAULT_DB = "storytrace.db"


def stories(
    *, db: str = DEFAULT_DB, limit: int | None = None, outlet: str | None = None, min_articles: int = 1
) -> list[dict[str, Any]]:
    """List stories: ``[{"id", "title", "articles", "outlets", "first_seen", "last_seen"}, ...]``."""
    with Store(db, read_only=True) as store:
        return views.list_stories(store, limit=limit, outlet=outlet, min_articles=min_articles)


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


__all__ = [
    "DEFAULT_DB", "Config", "IngestReport", "article", "compare", "ingest", "rejects", "stories",
    "story",
]
