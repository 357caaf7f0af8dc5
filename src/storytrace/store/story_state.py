"""Stories in SQLite: members, the key index, events, and the re-check's pending list.

Stories are found through an inverted index of evidence keys (``story_keys``) and, when the
article has a publication time, only among stories seen within ``window_days`` of it: reprints
and follow-ups appear within days, and the window keeps lookups cheap on a large store. This
module holds no story rule (those are in ``storytrace.stories``) and no parsed evidence (the
runner's :class:`~storytrace.pipeline.evidence_cache.EvidenceCache` holds it): it reads and
writes rows, and keeps the member order of recently read stories.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from .db import select_in
from .schema import STORY_UPDATED


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    return str(value)


def _shift(iso: str, days: float) -> str:
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return (moment + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S")


class _Order(NamedTuple):
    """A story's member ids in publication order and their sort keys (:func:`_sort_key`)."""

    keys: list[tuple[bool, str, int]]
    ids: list[int]


def _sort_key(published: str | None, article_id: int) -> tuple[bool, str, int]:
    """``ORDER BY published IS NULL, published, id`` in Python (SQLite compares text bytewise,
    which for UTF-8 is the order of code points, as Python compares strings)."""
    return (published is None, published or "", article_id)


class SQLiteStoryState:
    """Stories, members and the key index; writes join the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection, *, window_days: float = 30.0) -> None:
        self.conn = conn
        self.window_days = window_days
        self.run_id = 0
        # Member ids of recently read stories in publication order, with their sort keys: each
        # decision reads the members of several candidate stories, and a story is read far more
        # often than it changes. Adds keep an entry up to date; merges and moves drop it.
        self._orders: OrderedDict[int, _Order] = OrderedDict()
        self._ordered_members = 0
        self.order_cache_members = 300_000

    def candidates(
        self, index_keys: Iterable[str], published: Any, *, limit: int = 20
    ) -> list[int]:
        """Live stories sharing index keys with an article, most shared first, within the
        time window of its publication time (when it has one)."""
        keys = sorted(set(index_keys))
        if not keys:
            return []
        marks = ", ".join("?" for _ in keys)
        sql = (
            "SELECT k.story_id, count(*) AS shared FROM story_keys k"  # noqa: S608 - placeholders only
            " JOIN stories s ON s.id = k.story_id"
            f" WHERE k.key IN ({marks}) AND s.merged_into IS NULL"
        )
        params: list[Any] = list(keys)
        published = _iso(published)
        if published:
            sql += (
                " AND (s.last_seen IS NULL OR s.last_seen >= ?)"
                " AND (s.first_seen IS NULL OR s.first_seen <= ?)"
            )
            params += [_shift(published, -self.window_days), _shift(published, self.window_days)]
        sql += " GROUP BY k.story_id ORDER BY shared DESC, k.story_id LIMIT ?"
        params.append(limit)
        return [int(r[0]) for r in self.conn.execute(sql, params)]

    def member_ids(self, story_id: int) -> list[int]:
        """Member ids with evidence in publication order (undated last): no evidence is read,
        so a decision on a story of thousands of reprints reads only the members it compares
        with."""
        order = self._orders.get(story_id)
        if order is not None:
            self._orders.move_to_end(story_id)
            return list(order.ids)
        rows = self.conn.execute(
            "SELECT a.published, a.id FROM story_members m JOIN articles a ON a.id = m.article_id"
            " WHERE m.story_id = ? AND a.evidence IS NOT NULL"
            " ORDER BY a.published IS NULL, a.published, a.id",
            (story_id,),
        ).fetchall()
        ids = [int(r[1]) for r in rows]
        if all(isinstance(r[0], str | None) for r in rows):  # else SQLite's order is not Python's
            self._orders[story_id] = _Order([_sort_key(p, int(i)) for p, i in rows], ids)
            self._ordered_members += len(ids)
            while self._ordered_members > self.order_cache_members and len(self._orders) > 1:
                _, dropped = self._orders.popitem(last=False)
                self._ordered_members -= len(dropped.ids)
        return list(ids)

    def _drop_order(self, story_id: int | None) -> None:
        order = self._orders.pop(story_id, None) if story_id is not None else None
        if order is not None:
            self._ordered_members -= len(order.ids)

    def _add_to_order(self, story_id: int, article_id: int) -> None:
        """Put a new member into its story's cached order, as the query would have placed it."""
        order = self._orders.get(story_id)
        if order is None:
            return
        row = self.conn.execute(
            "SELECT published, evidence IS NOT NULL FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None or not isinstance(row[0], str | None):
            self._drop_order(story_id)
            return
        if not row[1]:
            return  # no evidence: not a member a decision compares with
        key = _sort_key(row[0], article_id)
        at = bisect.bisect_left(order.keys, key)
        order.keys.insert(at, key)
        order.ids.insert(at, article_id)
        self._ordered_members += 1

    def evidence_json(self, ids: Sequence[int]) -> dict[int, str]:
        """The stored evidence (JSON) of articles, in one query per 900."""
        sql = "SELECT id, evidence FROM articles WHERE id IN ({marks}) AND evidence IS NOT NULL"
        return {int(i): str(blob) for i, blob in select_in(self.conn, sql, ids, size=900)}

    def evidence_changed(self, article_id: int) -> None:
        """An article's evidence was replaced: its story's cached member order may differ."""
        self._drop_order(self.story_of(article_id))

    def clear_cache(self) -> None:
        """After a rollback: ids of rolled-back articles will be given out again."""
        self._orders.clear()
        self._ordered_members = 0

    def add(
        self,
        story_id: int | None,
        key: int,
        index_keys: Iterable[str],
        *,
        score: float = 1.0,
        reasons: Iterable[str] = (),
    ) -> int:
        """Put article ``key`` in a story (``None``: a new one), indexed under its keys."""
        from .store import now

        reasons_json = json.dumps(list(reasons))
        self._drop_order(self.story_of(key))  # a member of another story until now
        if story_id is None:
            cur = self.conn.execute("INSERT INTO stories (created) VALUES (?)", (now(),))
            story_id = int(cur.lastrowid or 0)
            self._event("new", story_id, key, None, score, reasons_json)
        else:
            self._event("join", story_id, key, None, score, reasons_json)
        self.conn.execute(
            "INSERT OR REPLACE INTO story_members (article_id, story_id, score, reasons, joined)"
            " VALUES (?, ?, ?, ?, ?)",
            (key, story_id, score, reasons_json, now()),
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO story_keys (key, story_id) VALUES (?, ?)",
            [(k, story_id) for k in sorted(set(index_keys))],
        )
        self._add_to_order(story_id, key)
        self.refresh(story_id)
        return story_id

    def merge(self, keep: int, drop: int) -> None:
        if keep == drop:
            return
        self._drop_order(keep)
        self._drop_order(drop)
        self.conn.execute("UPDATE story_members SET story_id = ? WHERE story_id = ?", (keep, drop))
        self.conn.execute(
            "INSERT OR IGNORE INTO story_keys (key, story_id)"
            " SELECT key, ? FROM story_keys WHERE story_id = ?",
            (keep, drop),
        )
        self.conn.execute("DELETE FROM story_keys WHERE story_id = ?", (drop,))
        self.conn.execute("UPDATE stories SET merged_into = ? WHERE id = ?", (keep, drop))
        self.conn.execute("UPDATE stories SET merged_into = ? WHERE merged_into = ?", (keep, drop))
        self._event("merge", keep, None, drop, None, None)
        self.refresh(keep)
        self.refresh(drop)

    # re-check support ----------------------------------------------------------------------

    def mark_pending(self, story_ids: Iterable[int]) -> None:
        """Remember stories for the next re-check (kept in the database across runs)."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO recheck_pending (story_id) VALUES (?)",
            [(int(s),) for s in sorted(set(story_ids))],
        )

    def pending(self) -> set[int]:
        return {int(r[0]) for r in self.conn.execute("SELECT story_id FROM recheck_pending")}

    def clear_pending(self) -> None:
        self.conn.execute("DELETE FROM recheck_pending")

    def live(self, story_ids: Iterable[int]) -> list[int]:
        """The ids among these that are stories with members (not merged away)."""
        ids = sorted(set(story_ids))
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        rows = self.conn.execute(
            f"SELECT id FROM stories WHERE id IN ({marks})"  # noqa: S608 - placeholders only
            " AND merged_into IS NULL AND articles > 0",
            ids,
        )
        return [int(r[0]) for r in rows]

    def neighbours(self, story_id: int, *, limit: int) -> list[int]:
        """Live stories sharing the most evidence keys with this one, within the time window."""
        row = self.conn.execute(
            "SELECT first_seen, last_seen FROM stories WHERE id = ?", (story_id,)
        ).fetchone()
        sql = (
            "SELECT k.story_id, count(*) AS shared FROM story_keys k JOIN stories s ON s.id = k.story_id"
            " WHERE k.key IN (SELECT key FROM story_keys WHERE story_id = ?) AND k.story_id != ?"
            " AND s.merged_into IS NULL AND s.articles > 0"
        )
        params: list[Any] = [story_id, story_id]
        if row is not None and row[0] and row[1]:
            sql += " AND (s.last_seen IS NULL OR s.last_seen >= ?) AND (s.first_seen IS NULL OR s.first_seen <= ?)"
            params += [
                _shift(str(row[0]), -self.window_days),
                _shift(str(row[1]), self.window_days),
            ]
        sql += " GROUP BY k.story_id ORDER BY shared DESC, k.story_id LIMIT ?"
        params.append(limit)
        return [int(r[0]) for r in self.conn.execute(sql, params)]

    def size(self, story_id: int) -> int:
        row = self.conn.execute("SELECT articles FROM stories WHERE id = ?", (story_id,)).fetchone()
        return int(row[0]) if row else 0

    def recent_articles(self, *, exclude: set[int], limit: int) -> list[int]:
        """Up to ``limit`` of the latest articles with evidence outside ``exclude``."""
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE evidence IS NOT NULL ORDER BY id DESC LIMIT ?",
            (limit + len(exclude),),
        )
        return [i for (i,) in rows if i not in exclude][:limit]

    def move(self, article_id: int, story_id: int | None, reason: str) -> int:
        """Move an article to another story (None: a new one), as the re-check decided."""
        from .store import now

        before = self.story_of(article_id)
        self._drop_order(before)
        self._drop_order(story_id)
        if story_id is None:
            cur = self.conn.execute("INSERT INTO stories (created) VALUES (?)", (now(),))
            story_id = int(cur.lastrowid or 0)
            self._event("new", story_id, article_id, before, None, json.dumps([reason]))
        self.conn.execute(
            "UPDATE story_members SET story_id = ?, reasons = ? WHERE article_id = ?",
            (story_id, json.dumps([reason]), article_id),
        )
        self._event("move", story_id, article_id, before, None, json.dumps([reason]))
        return story_id

    def rebuild_keys(self, story_id: int, keys: set[str]) -> None:
        """Index a story under its current members' keys only (writes only the difference:
        a big story's key set hardly changes when a few members move)."""
        held = {
            str(r[0])
            for r in self.conn.execute("SELECT key FROM story_keys WHERE story_id = ?", (story_id,))
        }
        self.conn.executemany(
            "DELETE FROM story_keys WHERE key = ? AND story_id = ?",
            [(k, story_id) for k in sorted(held - keys)],
        )
        self.conn.executemany(
            "INSERT INTO story_keys (key, story_id) VALUES (?, ?)",
            [(k, story_id) for k in sorted(keys - held)],
        )

    def retire(self, story_id: int, into: int | None) -> None:
        """Mark a story emptied by the re-check as merged into the one that took its members."""
        self.conn.execute("UPDATE stories SET merged_into = ? WHERE id = ?", (into, story_id))
        if into is not None:
            self.conn.execute(
                "UPDATE stories SET merged_into = ? WHERE merged_into = ?", (into, story_id)
            )
            self._event("merge", into, None, story_id, None, None)

    # helpers --------------------------------------------------------------------------------

    def story_of(self, article_id: int) -> int | None:
        row = self.conn.execute(
            "SELECT story_id FROM story_members WHERE article_id = ?", (article_id,)
        ).fetchone()
        return int(row[0]) if row else None

    def refresh(self, story_id: int) -> None:
        """Recompute a story's counts, time span, last update and title from its members."""
        row = self.conn.execute(
            "SELECT count(*), min(a.published), max(a.published) FROM story_members m"
            " JOIN articles a ON a.id = m.article_id WHERE m.story_id = ?",
            (story_id,),
        ).fetchone()
        count, first, last = int(row[0]), row[1], row[2]
        # The title of the earliest article: usually the original or the wire copy.
        title_row = self.conn.execute(
            "SELECT a.title FROM story_members m JOIN articles a ON a.id = m.article_id"
            " WHERE m.story_id = ? AND a.title IS NOT NULL AND a.title != ''"
            " ORDER BY a.published IS NULL, a.published, a.id LIMIT 1",
            (story_id,),
        ).fetchone()
        self.conn.execute(
            "UPDATE stories SET articles = ?, first_seen = ?, last_seen = ?, title = ?,"  # noqa: S608 - a fixed subquery
            f" updated = {STORY_UPDATED} WHERE id = ?",
            (count, first, last, title_row[0] if title_row else None, story_id),
        )

    def _event(
        self,
        kind: str,
        story_id: int,
        article_id: int | None,
        other: int | None,
        score: float | None,
        reasons: str | None,
    ) -> None:
        from .store import now

        self.conn.execute(
            "INSERT INTO story_events (at, run_id, kind, story_id, article_id, other_story_id,"
            " score, reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (now(), self.run_id, kind, story_id, article_id, other, score, reasons),
        )

    def story_rows(self) -> list[dict[str, Any]]:
        """Every story (merged ones included, with ``merged_into``), for an export."""
        cur = self.conn.execute(
            "SELECT id, title, first_seen, last_seen, articles, merged_into FROM stories ORDER BY id"
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur]

    def member_rows(self) -> list[dict[str, Any]]:
        """Every article's story, score and reasons (JSON), for an export."""
        cur = self.conn.execute(
            "SELECT article_id, story_id, score, reasons FROM story_members ORDER BY article_id"
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur]
