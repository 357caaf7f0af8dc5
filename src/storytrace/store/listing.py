"""Read queries of the web app: list pages filtered, sorted and paginated (fast at 100,000
stories), and the rows its other pages read.

No SQL is built from input: values go through placeholders and the sort key picks one of the
fixed ORDER BY clauses in ``SORTS``. Pagination fetches one row more than a page to know whether
there is a next page, instead of counting every matching story on each request.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from ..since import parse_since
from .db import select_in
from .store import Store, fits_row_id

PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 100_000

# sort key -> (FROM clause, ORDER BY clause); each ORDER BY has an index (store/schema.py).
SORTS: dict[str, tuple[str, str]] = {
    # The same order as `storytrace stories` (store.views.list_stories).
    "size": ("stories s", "s.articles DESC, s.last_seen DESC, s.id"),
    "recent": ("stories s", "s.last_seen DESC, s.id DESC"),
    # Latest ingest first: what gained articles most recently.
    "updated": ("stories s", "s.updated DESC, s.id DESC"),
    "outlets": (
        "story_stats c JOIN stories s ON s.id = c.story_id",
        "c.outlets DESC, c.articles DESC, c.story_id",
    ),
}


class ReadStore(Store):
    """A :class:`Store` over a read-only connection (``mode=ro``): no writes possible."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path, read_only=True)


@dataclass(frozen=True)
class StoryQuery:
    """The stories list's parameters, validated (bad values fall back to the defaults)."""

    q: str = ""
    outlet: str = ""
    date_from: str = ""
    date_to: str = ""
    since: str = ""
    """Only stories that gained an article at or after this ingest time (stored form, UTC)."""
    sort: str = "size"
    page: int = 1
    per_page: int = PER_PAGE
    problems: tuple[str, ...] = field(default=())

    @classmethod
    def parse(cls, params: dict[str, str], now: datetime | None = None) -> StoryQuery:
        """``now``: what an age (``since=1h``) counts back from; the present by default."""
        problems: list[str] = []
        since = (params.get("since") or "").strip()
        if since:
            try:
                since = parse_since(since[:100], now or datetime.now(UTC))
            except ValueError as exc:
                problems.append(f"{exc}; ignored")
                since = ""
        # Asked what is new, the list shows the latest updates first unless told otherwise.
        default_sort = "updated" if since else "size"
        sort = params.get("sort", default_sort) or default_sort
        if sort not in SORTS:
            problems.append(f"unknown sort {sort!r}; using {default_sort}")
            sort = default_sort
        page = _int(params.get("page"), 1, 1, MAX_PAGE, "page", problems)
        per_page = _int(params.get("per_page"), PER_PAGE, 1, MAX_PER_PAGE, "per_page", problems)
        dates = []
        for name in ("from", "to"):
            value = (params.get(name) or "").strip()
            if value:
                try:
                    value = date.fromisoformat(value).isoformat()
                except ValueError:
                    problems.append(f"{name} must be a date like 2026-03-10; ignored")
                    value = ""
            dates.append(value)
        return cls(
            q=(params.get("q") or "").strip()[:500],
            outlet=(params.get("outlet") or "").strip(),
            date_from=dates[0],
            date_to=dates[1],
            since=since,
            sort=sort,
            page=page,
            per_page=per_page,
            problems=tuple(problems),
        )

    def params(self, **changes: Any) -> dict[str, Any]:
        """Query parameters of this list with some changed, defaults left out (for links)."""
        values = {
            "q": self.q,
            "outlet": self.outlet,
            "from": self.date_from,
            "to": self.date_to,
            "since": self.since,
            "sort": self.sort,
            "page": self.page,
            "per_page": self.per_page,
        }
        values.update(changes)
        defaults = {
            "sort": "updated" if values["since"] else "size",
            "page": 1,
            "per_page": PER_PAGE,
        }
        return {k: v for k, v in values.items() if v not in ("", None) and defaults.get(k) != v}


def _int(raw: str | None, default: int, low: int, high: int, name: str, problems: list[str]) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"{name} must be a whole number; using {default}")
        return default
    return min(max(value, low), high)


_WORD = re.compile(r"[\w'’-]+\*?", re.UNICODE)


def fts_query(text: str) -> str:
    """User words -> an FTS5 query: every word quoted (so no FTS syntax gets through), all
    required; a trailing ``*`` on a word keeps prefix matching."""
    parts = []
    for word in _WORD.findall(text)[:20]:
        prefix = word.endswith("*")
        word = word.rstrip("*").replace('"', '""')
        if word:
            parts.append(f'"{word}"' + ("*" if prefix else ""))
    return " ".join(parts)


def list_stories(conn: sqlite3.Connection, query: StoryQuery) -> tuple[list[dict[str, Any]], bool]:
    """One page of stories as ``storytrace stories --json`` rows, and whether a next page exists."""
    source, order = SORTS[query.sort]
    where = ["s.merged_into IS NULL"]
    params: list[Any] = []
    if query.q:
        match = fts_query(query.q)
        if not match:
            return [], False
        where.append(
            "s.id IN (SELECT m.story_id FROM articles_fts f JOIN story_members m"
            " ON m.article_id = f.rowid WHERE articles_fts MATCH ?)"
        )
        params.append(match)
    if query.outlet:
        # One pass over the outlet's articles (index), not a probe per story scanned.
        where.append(
            "s.id IN (SELECT m.story_id FROM articles a JOIN story_members m"
            " ON m.article_id = a.id WHERE a.outlet = ?)"
        )
        params.append(query.outlet)
    if query.since:
        where.append("s.updated >= ?")
        params.append(query.since)
    if query.date_from:
        where.append("s.last_seen >= ?")
        params.append(query.date_from)
    if query.date_to and query.date_to != date.max.isoformat():  # the last day bounds nothing
        where.append("s.first_seen < ?")
        params.append((date.fromisoformat(query.date_to) + timedelta(days=1)).isoformat())
    sql = (
        f"SELECT s.id, s.title, s.articles, s.first_seen, s.last_seen, s.updated FROM {source}"  # noqa: S608 - fixed fragments
        f" WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ? OFFSET ?"
    )
    params += [query.per_page + 1, (query.page - 1) * query.per_page]
    rows = conn.execute(sql, params).fetchall()
    has_next = len(rows) > query.per_page
    rows = rows[: query.per_page]
    members = story_members(conn, [int(r["id"]) for r in rows])
    out = []
    for r in rows:
        sid = int(r["id"])
        out.append(
            {
                "id": sid,
                "title": r["title"],
                "articles": int(r["articles"]),
                **member_summary(members.get(sid, [])),
                "first_seen": r["first_seen"],
                "last_seen": r["last_seen"],
                "updated": r["updated"],
            }
        )
    return out, has_next


def story_status(conn: sqlite3.Connection, story_id: int) -> dict[str, Any] | None:
    """What a story page polls to see whether a watch added to it: the id the story lives on
    (after merges), its article count and last update; None when there is no such story."""
    seen: set[int] = set()
    while fits_row_id(story_id) and story_id not in seen:
        seen.add(story_id)
        row = conn.execute(
            "SELECT id, articles, updated, last_seen, merged_into FROM stories WHERE id = ?",
            (story_id,),
        ).fetchone()
        if row is None:
            return None
        if row["merged_into"] is None:
            return {k: row[k] for k in ("id", "articles", "updated", "last_seen")}
        story_id = int(row["merged_into"])
    return None


class Member(NamedTuple):
    """What story listings show of one member article."""

    outlet: str | None
    published: str | None
    lang: str | None


def story_members(conn: sqlite3.Connection, ids: list[int]) -> dict[int, list[Member]]:
    """The members of each story, for outlet and language lists and small timelines."""
    found: dict[int, list[Member]] = defaultdict(list)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        for sid, outlet, published, lang in conn.execute(
            "SELECT m.story_id, a.outlet, a.published, a.lang FROM story_members m"  # noqa: S608 - placeholders only
            f" JOIN articles a ON a.id = m.article_id WHERE m.story_id IN ({marks})",
            chunk,
        ):
            found[int(sid)].append(Member(outlet, published, lang))
    return found


def member_summary(members: Iterable[Member]) -> dict[str, list[str]]:
    """A story's outlets and languages, each sorted."""
    members = list(members)
    return {
        "outlets": sorted({m.outlet for m in members if m.outlet}),
        "languages": sorted({m.lang for m in members if m.lang}),
    }


def list_outlets(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every outlet: articles, first and last publication, learned boilerplate blocks."""
    patterns = dict(
        conn.execute("SELECT outlet, count(*) FROM site_patterns GROUP BY outlet").fetchall()
    )
    rows = conn.execute(
        "SELECT outlet, count(*), min(published), max(published) FROM articles"
        " WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY count(*) DESC, outlet"
    ).fetchall()
    return [
        {
            "name": r[0],
            "articles": int(r[1]),
            "first_published": r[2],
            "last_published": r[3],
            "boilerplate_patterns": int(patterns.get(r[0], 0)),
        }
        for r in rows
    ]


def outlet_detail(
    conn: sqlite3.Connection, name: str, *, page: int = 1, per_page: int = PER_PAGE
) -> dict[str, Any] | None:
    """One outlet: counts, a page of its articles, learned boilerplate, whom it reprints."""
    head = conn.execute(
        "SELECT count(*), min(published), max(published) FROM articles WHERE outlet = ?", (name,)
    ).fetchone()
    boilerplate = [
        dict(r)
        for r in conn.execute(
            "SELECT p.key, p.learned, b.articles, b.example FROM site_patterns p"
            " LEFT JOIN site_blocks b ON b.outlet = p.outlet AND b.key = p.key"
            " WHERE p.outlet = ? ORDER BY b.articles DESC, p.key",
            (name,),
        )
    ]
    if not head[0] and not boilerplate:
        return None
    articles = conn.execute(
        "SELECT a.id, a.title, a.published, a.url, m.story_id FROM articles a"
        " LEFT JOIN story_members m ON m.article_id = a.id WHERE a.outlet = ?"
        " ORDER BY a.published DESC, a.id DESC LIMIT ? OFFSET ?",
        (name, per_page + 1, (page - 1) * per_page),
    ).fetchall()

    def whom(mine: str, theirs: str) -> list[dict[str, Any]]:
        # mine/theirs are the fixed column names "a" and "b" of reprints.
        return [
            {"outlet": r[0], "kind": r[1], "count": int(r[2])}
            for r in conn.execute(
                f"SELECT o.outlet, r.kind, count(*) FROM articles x JOIN reprints r ON r.{mine} = x.id"  # noqa: S608 - fixed names
                f" JOIN articles o ON o.id = r.{theirs} WHERE x.outlet = ? AND o.outlet IS NOT ?"
                " GROUP BY o.outlet, r.kind ORDER BY count(*) DESC, o.outlet, r.kind",
                (name, name),
            )
        ]

    return {
        "name": name,
        "articles": int(head[0]),
        "first_published": head[1],
        "last_published": head[2],
        "page": page,
        "has_next": len(articles) > per_page,
        "recent_articles": [dict(r) for r in articles[:per_page]],
        "boilerplate": boilerplate,
        # b is the later copy: as b, this outlet reprinted a's outlet.
        "reprints_from": whom("b", "a"),
        "reprinted_by": whom("a", "b"),
    }


def removed_of(conn: sqlite3.Connection, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Removed boilerplate of several articles, in body order."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        for r in conn.execute(
            "SELECT article_id, start, end, text, reason FROM removed"  # noqa: S608 - placeholders only
            f" WHERE article_id IN ({marks}) ORDER BY article_id, start",
            chunk,
        ):
            found[int(r["article_id"])].append(
                {"start": r["start"], "end": r["end"], "text": r["text"], "reason": r["reason"]}
            )
    return found


def passages_of(conn: sqlite3.Connection, article_id: int) -> list[dict[str, Any]]:
    """Stored shared passages of one article, as spans of its own text with the other article
    (its outlet, title and publication time)."""
    rows = conn.execute(
        "SELECT p.a_start AS start, p.a_end AS end, p.b AS other, p.words, r.kind, 'copied-by' AS role,"
        " o.outlet, o.title, o.published FROM passages p JOIN reprints r ON r.a = p.a AND r.b = p.b"
        " JOIN articles o ON o.id = p.b WHERE p.a = ?"
        " UNION ALL "
        "SELECT p.b_start, p.b_end, p.a, p.words, r.kind, 'copied-from', o.outlet, o.title, o.published"
        " FROM passages p JOIN reprints r ON r.a = p.a AND r.b = p.b"
        " JOIN articles o ON o.id = p.a WHERE p.b = ? ORDER BY 1, 2",
        (article_id, article_id),
    ).fetchall()
    return [dict(r) for r in rows]


def pair_passages(conn: sqlite3.Connection, a: int, b: int) -> list[dict[str, int]] | None:
    """Stored passages of a pair as offsets into (a, b), or None if the pair was never linked."""
    if conn.execute("SELECT 1 FROM reprints WHERE a = ? AND b = ?", (a, b)).fetchone():
        rows = conn.execute(
            "SELECT a_start, a_end, b_start, b_end, words FROM passages WHERE a = ? AND b = ?"
            " ORDER BY a_start",
            (a, b),
        ).fetchall()
        return [dict(r) for r in rows]
    if conn.execute("SELECT 1 FROM reprints WHERE a = ? AND b = ?", (b, a)).fetchone():
        rows = conn.execute(
            "SELECT b_start AS a_start, b_end AS a_end, a_start AS b_start, a_end AS b_end, words"
            " FROM passages WHERE a = ? AND b = ? ORDER BY b_start",
            (b, a),
        ).fetchall()
        return [dict(r) for r in rows]
    return None


def outlet_names(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY outlet"
    )
    return [str(r[0]) for r in rows]


def article_rows(conn: sqlite3.Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Outlet, title, publication date and cleaned text of articles, by id."""
    sql = "SELECT id, outlet, title, published, text FROM articles WHERE id IN ({marks})"
    return {int(r["id"]): dict(r) for r in select_in(conn, sql, ids)}


def evidence_json(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    """The stored evidence (JSON text) of articles, by id."""
    sql = "SELECT id, evidence FROM articles WHERE id IN ({marks})"
    return {int(i): str(raw or "{}") for i, raw in select_in(conn, sql, ids)}
