"""The coverage report: pure :func:`compare_texts` and the thin store loaders around it.

The report is a JSON-able dict, documented in docs/coverage.md. Keys that map article ids to
values use the id as a string (JSON object keys are strings).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import InputError, NotFoundError
from ..model import Article
from ..store import Store, views
from .agencies import Agencies, Agency, load_agencies
from .attribution import attribution
from .facts import group_entities, group_figures
from .passages import sentence_groups
from .provenance import provenance
from .quotes import article_quotes, group_quotes

MAX_ARTICLES = 60  # pairwise alignment is quadratic; bigger stories keep the earliest 60


def compare_texts(
    articles: Sequence[Article],
    links: Sequence[Mapping[str, Any]] = (),
    *,
    agencies: Agencies | None = None,
    boilerplate: Mapping[int, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Compare articles of one story (pure: articles and reprint links in, a report dict out)."""
    ag = agencies or load_agencies(use_config=False)
    arts = list(articles)
    ids = [a.id for a in arts]
    if len(set(ids)) != len(ids):
        raise InputError("compare: the same article twice")
    texts = {a.id: a.text for a in arts}
    claims = {
        a.id: attribution(
            a.text,
            a.meta,
            outlet=a.outlet,
            agencies=ag,
            boilerplate=(boilerplate or {}).get(a.id, ()),
        )
        for a in arts
    }
    quotes = {a.id: article_quotes(a.id, a.text) for a in arts}
    graph = provenance(arts, links, claims=claims, quotes=quotes)
    reference = graph.original if isinstance(graph.original, int) else None
    groups = sentence_groups(texts, reference=reference)
    speakers = {q.speaker for qs in quotes.values() for q in qs if q.speaker}
    return {
        "articles": [
            {
                "id": a.id,
                "outlet": a.outlet or a.meta.get("outlet"),
                "title": a.title,
                "published": a.published,
                "url": a.url,
                "text": a.text,
            }
            for a in arts
        ],
        "headlines": [
            {
                "article": a.id,
                "outlet": a.outlet or a.meta.get("outlet"),
                "title": a.title,
                "published": a.published,
            }
            for a in arts
        ],
        "attribution": {str(i): [c.to_dict() for c in cs] for i, cs in claims.items()},
        "provenance": graph.to_dict(),
        "passages": groups["passages"],
        "quotes": group_quotes(quotes, reference, len(arts)),
        "entities": group_entities(texts, speakers),
        "numbers": group_figures(texts),
        "only_in": groups["only_in"],
        "coverage": groups["coverage"],
    }


def _load(store: Store, ids: Iterable[int]) -> tuple[list[Article], dict[int, list[str]]]:
    arts: list[Article] = []
    removed: dict[int, list[str]] = {}
    for i in ids:
        a = store.article(i)
        if a is None:
            raise NotFoundError(f"no article {i} in {store.path}; `storytrace story ID` lists them")
        arts.append(a)
        removed[i] = views.removed_texts(store, i)
    return arts, removed


def _agencies(agencies: Agencies | Sequence[str | Agency] | None) -> Agencies:
    if isinstance(agencies, Agencies):
        return agencies
    return load_agencies(agencies or ())


def compare_story(
    store: Store, story_id: int, *, agencies: Agencies | Sequence[str | Agency] | None = None
) -> dict[str, Any]:
    """The coverage report of one story (its members, earliest first)."""
    detail = views.story_detail(store, story_id)
    ids = [int(a["id"]) for a in detail["articles"]][:MAX_ARTICLES]
    arts, removed = _load(store, ids)
    report = compare_texts(
        arts, views.reprint_links(store, ids), agencies=_agencies(agencies), boilerplate=removed
    )
    report["story"] = {
        "id": detail["id"],
        "title": detail["title"],
        "articles": len(detail["articles"]),
        "compared": len(ids),
    }
    return report


def compare_articles(
    store: Store, a_id: int, b_id: int, *, agencies: Agencies | Sequence[str | Agency] | None = None
) -> dict[str, Any]:
    """The coverage report of two articles (of one story or not)."""
    if a_id == b_id:
        raise InputError("compare: give two different article ids")
    arts, removed = _load(store, [a_id, b_id])
    report = compare_texts(
        arts,
        views.reprint_links(store, [a_id, b_id]),
        agencies=_agencies(agencies),
        boilerplate=removed,
    )
    report["story"] = None
    return report


def to_json(report: Mapping[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, default=str)
