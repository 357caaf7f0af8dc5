"""Read views for people and scripts: plain dicts, the same for the CLI's --json and the API."""

from __future__ import annotations

import json
from typing import Any

from ..errors import NotFoundError
from ..groups import connected_groups
from ..published import sort_key
from .listing import member_summary, story_members
from .store import Store, fits_row_id


def list_stories(
    store: Store,
    *,
    limit: int | None = None,
    outlet: str | None = None,
    min_articles: int = 1,
    since: str | None = None,
) -> list[dict[str, Any]]:
    """Stories, largest and most recent first: id, title, article count, outlets, first/last
    seen, last update (the latest ingest time of its articles). ``since`` (a stored time, see
    :func:`storytrace.since.parse_since`): only the stories that gained an article then or
    later, the latest update first."""
    sql = (
        "SELECT s.id, s.title, s.articles, s.first_seen, s.last_seen, s.updated FROM stories s"
        " WHERE s.merged_into IS NULL AND s.articles >= ?"
    )
    params: list[Any] = [min_articles]
    if since:
        sql += " AND s.updated >= ?"
        params.append(since)
    if outlet:
        sql += (
            " AND EXISTS (SELECT 1 FROM story_members m JOIN articles a ON a.id = m.article_id"
            " WHERE m.story_id = s.id AND a.outlet = ?)"
        )
        params.append(outlet)
    if since:
        sql += " ORDER BY s.updated DESC, s.id DESC"
    else:
        sql += " ORDER BY s.articles DESC, s.last_seen DESC, s.id"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    rows = store.conn.execute(sql, params).fetchall()
    members = story_members(store.conn, [int(r["id"]) for r in rows])
    return [
        {
            "id": int(r["id"]),
            "title": r["title"],
            "articles": int(r["articles"]),
            **member_summary(members.get(int(r["id"]), [])),
            "first_seen": r["first_seen"],
            "last_seen": r["last_seen"],
            "updated": r["updated"],
        }
        for r in rows
    ]


def resolve_story(store: Store, story_id: int) -> int:
    """Follow merges: the id a (possibly merged) story lives on under."""
    seen = set()
    while True:
        row = None
        if fits_row_id(story_id):
            row = store.conn.execute(
                "SELECT merged_into FROM stories WHERE id = ?", (story_id,)
            ).fetchone()
        if row is None:
            raise NotFoundError(
                f"no story {story_id} in {store.path}; `storytrace stories` lists them"
            )
        if row[0] is None or story_id in seen:
            return story_id
        seen.add(story_id)
        story_id = int(row[0])


def story_detail(store: Store, story_id: int) -> dict[str, Any]:
    """A story: members in publication order (see :func:`storytrace.published.sort_key`) with
    why each belongs and when each was ingested (``added``), reprint groups, shared passages,
    history."""
    story_id = resolve_story(store, story_id)
    head = store.conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
    members = store.conn.execute(
        "SELECT a.id, a.outlet, a.lang, a.title, a.url, a.published, a.added, m.score, m.reasons"
        " FROM story_members m JOIN articles a ON a.id = m.article_id WHERE m.story_id = ?",
        (story_id,),
    ).fetchall()
    members.sort(key=lambda m: (sort_key(m["published"]), int(m["id"])))
    ids = [int(m["id"]) for m in members]
    links = _links_among(store, ids)
    return {
        "id": story_id,
        "title": head["title"],
        "first_seen": head["first_seen"],
        "last_seen": head["last_seen"],
        "updated": head["updated"],
        "outlets": sorted({m["outlet"] for m in members if m["outlet"]}),
        "languages": sorted({m["lang"] for m in members if m["lang"]}),
        "articles": [
            {
                "id": int(m["id"]),
                "outlet": m["outlet"],
                "lang": m["lang"],
                "title": m["title"],
                "url": m["url"],
                "published": m["published"],
                "added": m["added"],
                "score": round(float(m["score"]), 3),
                "why": json.loads(m["reasons"] or "[]"),
            }
            for m in members
        ],
        "reprint_groups": _groups(ids, links),
        "reprints": links,
        "history": [
            dict(r)
            for r in store.conn.execute(
                "SELECT at, kind, article_id, other_story_id, score FROM story_events"
                " WHERE story_id = ? OR other_story_id = ? ORDER BY id",
                (story_id, story_id),
            )
        ],
    }


def _links_among(store: Store, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = store.conn.execute(
        f"SELECT * FROM reprints WHERE a IN ({marks}) AND b IN ({marks}) ORDER BY a, b",  # noqa: S608
        ids + ids,
    ).fetchall()
    texts = {i: store.text_of(i) for i in ids}
    links = []
    for r in rows:
        a, b = int(r["a"]), int(r["b"])
        passages = store.conn.execute(
            "SELECT a_start, a_end, b_start, b_end, words FROM passages WHERE a = ? AND b = ?"
            " ORDER BY a_start",
            (a, b),
        ).fetchall()
        links.append(
            {
                "a": a,
                "b": b,
                "kind": r["kind"],
                "jaccard": round(float(r["jaccard"]), 3),
                "containment_ab": round(float(r["containment_ab"]), 3),
                "containment_ba": round(float(r["containment_ba"]), 3),
                "passages": [
                    {**dict(p), "text": texts[a][p["a_start"] : p["a_end"]]} for p in passages
                ],
            }
        )
    return links


def reprint_links(store: Store, ids: list[int]) -> list[dict[str, Any]]:
    """The reprint links among these articles (no passages), as the coverage report reads them."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = store.conn.execute(
        f"SELECT a, b, kind, containment_ab, containment_ba FROM reprints"  # noqa: S608 - placeholders only
        f" WHERE a IN ({marks}) AND b IN ({marks})",
        ids + ids,
    ).fetchall()
    return [dict(r) for r in rows]


def removed_texts(store: Store, article_id: int) -> list[str]:
    """The boilerplate removed from an article, in text order."""
    rows = store.conn.execute(
        "SELECT text FROM removed WHERE article_id = ? ORDER BY start", (article_id,)
    )
    return [str(r[0]) for r in rows]


def _groups(ids: list[int], links: list[dict[str, Any]]) -> list[list[int]]:
    """Connected groups of articles joined by reprint links (singletons left out)."""
    groups = connected_groups(ids, ((link["a"], link["b"]) for link in links))
    return sorted((sorted(g) for g in groups if len(g) > 1), key=lambda g: (-len(g), g))


def article_detail(store: Store, article_id: int, *, raw: bool = False) -> dict[str, Any]:
    """An article: metadata, cleaned text, removed boilerplate with reasons, story and reprints."""
    row = store.article_row(article_id)
    if row is None:
        raise NotFoundError(
            f"no article {article_id} in {store.path}; `storytrace story ID` lists them"
        )
    removed = store.conn.execute(
        "SELECT start, end, text, reason FROM removed WHERE article_id = ? ORDER BY start",
        (article_id,),
    ).fetchall()
    story = store.stories.story_of(article_id)
    meta = json.loads(row["meta"] or "{}")
    out: dict[str, Any] = {
        "id": int(row["id"]),
        "outlet": row["outlet"],
        # where the outlet came from: url, input, page or inferred (with the sentence)
        "outlet_source": meta.get("outlet_source"),
        "outlet_evidence": meta.get("outlet_evidence"),
        "title": row["title"],
        "url": row["url"],
        "published": row["published"],
        "source": row["source"],
        "kind": row["kind"],
        "story": resolve_story(store, story) if story is not None else None,
        "text": row["text"],
        "removed": [dict(r) for r in removed],
        "reprints": [
            {"article": other, "kind": kind} for other, kind in store.reprint_partners(article_id)
        ],
        "meta": meta,
    }
    if raw:
        out["body"] = row["body"]
        out["raw"] = row["raw"]
    return out


def list_rejects(store: Store, *, limit: int | None = None) -> list[dict[str, Any]]:
    sql = "SELECT source, reason, detail, at, run_id FROM rejects ORDER BY id DESC"
    params: list[Any] = []
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [dict(r) for r in store.conn.execute(sql, params)]
