"""The story page's panels as plain data: timeline and provenance layout, comparison of two
articles with shared passages, quote/people/places/number tables.

The coverage comparison (``storytrace.coverage``) supplies provenance and the tables when it is
installed and works; otherwise they are built here from the store (reprint links, passages and
each article's stored evidence). Templates only place these values; they escape every string.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from ..match.align import align
from ..published import published_interval, uncertainty
from ..store.listing import evidence_json, pair_passages

log = logging.getLogger(__name__)

MAX_ALIGN_CHARS = 200_000  # align larger texts only when stored passages exist
TABLE_ROWS = 40


def _span(published: str | None) -> tuple[float, float] | None:
    """Publication as (start, end) timestamps: equal for an exact time, the day for a bare date."""
    found = published_interval(published)
    return None if found is None else (found.start.timestamp(), found.end.timestamp())


def sparkline(published: list[str | None], width: float = 120.0) -> list[float]:
    """x positions (0..width) of publication times within their own span, for small timelines
    (a date without a time at the middle of its day)."""
    times = sorted((s + e) / 2 for s, e in filter(None, map(_span, published)))
    if not times:
        return []
    lo, hi = times[0], times[-1]
    if hi == lo:
        return [width / 2] * len(times)
    return [round(4 + (t - lo) / (hi - lo) * (width - 8), 1) for t in times]


def segments(text: str, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cut ``text`` at every span edge: ``[{"text", "marks": [span, ...]}]`` covering it all."""
    cuts = {0, len(text)}
    for s in spans:
        cuts.update(
            (max(0, min(len(text), int(s["start"]))), max(0, min(len(text), int(s["end"]))))
        )
    edges = sorted(cuts)
    out: list[dict[str, Any]] = []
    for lo, hi in zip(edges, edges[1:], strict=False):
        if hi <= lo:
            continue
        marks = [s for s in spans if int(s["start"]) <= lo and int(s["end"]) >= hi]
        out.append({"text": text[lo:hi], "marks": marks})
    return out


def layout(articles: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, Any]:
    """Positions for the timeline and provenance SVGs: one lane per outlet, x by publication.

    A date without a time is "some time that day": its node sits at the middle of the day and
    a bar (``x_from`` to ``x_to``) spans the whole day, so an arrow into it never looks like a
    known step back in time."""
    lane_w, left, top, row_h = 640.0, 170.0, 24.0, 28.0
    spans = {a["id"]: _span(a.get("published")) for a in articles}
    known = [t for span in spans.values() if span is not None for t in span]
    lo, hi = (min(known), max(known)) if known else (0.0, 0.0)

    def at(t: float) -> float:
        return left + lane_w / 2 if hi == lo else left + (t - lo) / (hi - lo) * lane_w

    lanes: list[str] = []
    for a in articles:  # articles come in publication order: lanes in order of first article
        name = a.get("outlet") or "(no outlet)"
        if name not in lanes:
            lanes.append(name)
    nodes = []
    per_spot: dict[tuple[int, float], int] = defaultdict(int)
    for a in articles:
        span = spans[a["id"]]
        lane = lanes.index(a.get("outlet") or "(no outlet)")
        bar = None
        if span is None:
            x = left + lane_w + 40  # undated: a column of its own at the right
        else:
            x = at((span[0] + span[1]) / 2)
            if span[1] > span[0]:
                bar = (round(at(span[0]), 1), round(at(span[1]), 1))
        spot = (lane, round(x))
        x += 9 * per_spot[spot]  # same outlet, same moment: side by side
        per_spot[spot] += 1
        published = a.get("published") or "undated"
        nodes.append(
            {
                "id": a["id"],
                "x": round(x, 1),
                "y": top + lane * row_h + row_h / 2,
                "x_from": bar[0] if bar else None,
                "x_to": bar[1] if bar else None,
                "title": a.get("title") or "",
                "outlet": a.get("outlet") or "",
                "published": published + (" (time unknown)" if bar else ""),
            }
        )
    where = {n["id"]: n for n in nodes}
    lines = [
        {
            **e,
            "x1": where[e["source"]]["x"],
            "y1": where[e["source"]]["y"],
            "x2": where[e["target"]]["x"],
            "y2": where[e["target"]]["y"],
        }
        for e in edges
        if e.get("source") in where and e.get("target") in where
    ]
    ticks = []
    if known and hi > lo:
        for i in range(5):
            moment = lo + (hi - lo) * i / 4
            ticks.append(
                {
                    "x": left + lane_w * i / 4,
                    "label": datetime.fromtimestamp(moment, UTC).strftime("%d %b %H:%M"),
                }
            )
    elif known:
        ticks.append(
            {
                "x": left + lane_w / 2,
                "label": datetime.fromtimestamp(lo, UTC).strftime("%d %b %Y %H:%M"),
            }
        )
    return {
        "width": left + lane_w + 90,
        "height": top + len(lanes) * row_h + 30,
        "left": left,
        "right": left + lane_w,
        "lanes": [{"name": n, "y": top + i * row_h + row_h / 2} for i, n in enumerate(lanes)],
        "nodes": nodes,
        "edges": lines,
        "ticks": ticks,
        "axis_y": top + len(lanes) * row_h + 8,
    }


def store_provenance(detail: dict[str, Any]) -> dict[str, Any]:
    """Provenance from stored reprint links: an edge from each link's source (the earlier
    article, or on the same day the fuller one) to its copy."""
    published = {a["id"]: a.get("published") for a in detail["articles"]}
    edges = []
    for link in detail["reprints"]:
        words = sum(int(p["words"]) for p in link["passages"])
        doubt = uncertainty(published.get(link["a"]), published.get(link["b"]))
        edges.append(
            {
                "source": link["a"],
                "target": link["b"],
                "kind": link["kind"],
                "evidence": f"{link['kind']}: Jaccard {link['jaccard']}, "
                f"{len(link['passages'])} shared passages ({words} words)"
                + (f" ({doubt})" if doubt else ""),
            }
        )
    targets = {e["target"] for e in edges}
    sources = [e["source"] for e in edges if e["source"] not in targets]
    return {
        "nodes": [a["id"] for a in detail["articles"]],
        "edges": edges,
        "original": sources[0] if sources else None,
        "wire": None,
    }


def evidence_tables(conn: sqlite3.Connection, ids: list[int]) -> dict[str, list[dict[str, Any]]]:
    """Quotes, people/places/organisations and numbers: which articles carry each one."""
    quotes: dict[str, set[int]] = defaultdict(set)
    entities: dict[str, set[int]] = defaultdict(set)
    names: dict[str, str] = {}
    numbers: dict[str, set[int]] = defaultdict(set)
    for article_id, raw in evidence_json(conn, ids).items():
        try:
            ev = json.loads(raw or "{}")
        except ValueError:
            continue
        for q in ev.get("quotes") or []:
            quotes[str(q)].add(int(article_id))
        for e in ev.get("entities") or []:
            if isinstance(e, list) and len(e) >= 3:
                entities[str(e[0])].add(int(article_id))
                names.setdefault(str(e[0]), str(e[2]))
        for n in ev.get("numbers") or []:
            if isinstance(n, list) and len(n) == 2:
                value = n[1]
                shown = f"{value:g}" if isinstance(value, float | int) else str(value)
                numbers[f"{shown} {n[0]}".strip()].add(int(article_id))

    def rows(
        found: dict[str, set[int]], label: dict[str, str] | None = None
    ) -> list[dict[str, Any]]:
        ranked = sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:TABLE_ROWS]
        return [{"item": (label or {}).get(k, k), "articles": sorted(v)} for k, v in ranked]

    return {"quotes": rows(quotes), "entities": rows(entities, names), "numbers": rows(numbers)}


def coverage_report(store: Any, story_id: int) -> dict[str, Any] | None:
    """``storytrace.coverage.compare_story`` when that module is there and works, else None."""
    try:
        from .. import coverage  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    compare_story = getattr(coverage, "compare_story", None)
    if not callable(compare_story):  # the module exists but is not complete yet
        return None
    try:
        report = compare_story(store, story_id)
    except Exception:  # a bug there must not take the story page down: fall back to the store
        log.exception("coverage.compare_story failed for story %s; using stored links", story_id)
        return None
    return report if isinstance(report, dict) else None


def story_panels(store: Any, detail: dict[str, Any]) -> dict[str, Any]:
    """Timeline, provenance and evidence tables of a story (coverage comparison if available)."""
    report = coverage_report(store, detail["id"])
    provenance = store_provenance(detail)
    tables = None
    source = "store"
    if report is not None:
        prov = report.get("provenance")
        if isinstance(prov, dict) and isinstance(prov.get("edges"), list):
            provenance = {
                "nodes": prov.get("nodes", provenance["nodes"]),
                "edges": [_edge(e) for e in prov["edges"] if isinstance(e, dict)],
                "original": prov.get("original"),
                "wire": prov.get("wire"),
            }
            source = "coverage"
        tables = {k: _table(report.get(k)) for k in ("quotes", "entities", "numbers")}
    if tables is None or not any(tables.values()):
        tables = evidence_tables(store.conn, [a["id"] for a in detail["articles"]])
    return {
        "source": source,
        "timeline": layout(detail["articles"], []),
        "provenance": provenance,
        "provenance_layout": layout(detail["articles"], provenance["edges"]),
        **tables,
    }


def _edge(e: dict[str, Any]) -> dict[str, Any]:
    evidence = e.get("evidence")
    if isinstance(evidence, dict) and isinstance(evidence.get("why"), str):
        order = evidence.get("order")
        direction = evidence.get("direction")
        evidence = evidence["why"]
        if isinstance(direction, str) and "uncertain" in direction:
            evidence += f" ({direction})"
        elif isinstance(order, str) and "uncertain" in order:
            evidence += f" ({order})"
    if not isinstance(evidence, str):
        evidence = json.dumps(evidence, ensure_ascii=False, default=str)
    return {
        "source": e.get("source"),
        "target": e.get("target"),
        "kind": str(e.get("kind", "")),
        "evidence": evidence,
    }


def _table(value: Any) -> list[dict[str, Any]]:
    """A coverage table in whatever list shape it comes, as rows of {item, articles}."""
    rows: list[dict[str, Any]] = []
    if isinstance(value, dict):  # e.g. numbers: {"figures": [...], ...}
        value = next((v for v in value.values() if isinstance(v, list)), [])
    if not isinstance(value, list):
        return rows
    for entry in value[:TABLE_ROWS]:
        if isinstance(entry, dict):
            item = next(
                (
                    entry[k]
                    for k in ("text", "label", "name", "quote", "value", "item")
                    if k in entry
                ),
                "",
            )
            item = str(item)
            if entry.get("speaker"):
                item += f" — {entry['speaker']}"
            elif entry.get("kind") and "name" in entry:
                item += f" ({entry['kind']})"
            arts: Any = next((entry[k] for k in ("articles", "in", "found_in") if k in entry), [])
            ids = [_as_id(a) for a in arts]  # a list of ids, or a dict keyed by id
            rows.append({"item": item, "articles": [i for i in ids if i is not None]})
        else:
            rows.append({"item": str(entry), "articles": []})
    return rows


def compare(conn: sqlite3.Connection, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Side by side: both texts cut into segments, shared passages marked with a shared number."""
    passages = pair_passages(conn, a["id"], b["id"])
    computed = passages is None
    if passages is None:
        if len(a["text"]) > MAX_ALIGN_CHARS or len(b["text"]) > MAX_ALIGN_CHARS:
            passages = []
        else:
            passages = [
                {
                    "a_start": p.a_start,
                    "a_end": p.a_end,
                    "b_start": p.b_start,
                    "b_end": p.b_end,
                    "words": p.words,
                }
                for p in align(a["text"], b["text"])
            ]
    spans_a = [
        {"start": p["a_start"], "end": p["a_end"], "n": i + 1} for i, p in enumerate(passages)
    ]
    spans_b = [
        {"start": p["b_start"], "end": p["b_end"], "n": i + 1} for i, p in enumerate(passages)
    ]
    return {
        "a": a["id"],
        "b": b["id"],
        "computed": computed,
        "passages": passages,
        "a_segments": segments(a["text"], spans_a),
        "b_segments": segments(b["text"], spans_b),
    }


def _as_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
