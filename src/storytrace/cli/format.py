"""Plain-text rendering of the read views for the terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any


def clip(value: Any, width: int) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def table(rows: Sequence[Sequence[Any]], header: Sequence[str], widths: Sequence[int]) -> str:
    """A fixed-width table; cells are clipped to their column width."""
    lines = ["  ".join(clip(h, w).ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(
            "  ".join(clip(c, w).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        )
    return "\n".join(lines)


def day(iso: str | None) -> str:
    return (iso or "")[:10] or "?"


def minute(iso: str | None) -> str:
    return (iso or "")[:16].replace("T", " ") or "?"


def stories_table(stories: list[dict[str, Any]], *, updated: bool = False) -> str:
    """The story list; ``updated`` adds when each story last gained an article (ingest time)."""
    if not stories:
        if updated:
            return "no story gained articles in that time"
        return "no stories yet: run `storytrace ingest PATH...` first"
    rows = [
        (
            s["id"],
            s["title"],
            s["articles"],
            len(s["outlets"]),
            ", ".join(s["outlets"]),
            " ".join(s["languages"]),
            day(s["first_seen"]),
            day(s["last_seen"]),
            *([minute(s["updated"])] if updated else []),
        )
        for s in stories
    ]
    header = [
        "id",
        "title",
        "articles",
        "outlets",
        "outlet names",
        "languages",
        "first seen",
        "last seen",
    ]
    widths = [5, 48, 8, 7, 34, 9, 10, 10]
    if updated:
        header.append("updated (UTC)")
        widths.append(16)
    return table(rows, header, widths)


def story_report(s: dict[str, Any]) -> str:
    out = [f"Story {s['id']}: {s['title']}"]
    out.append(
        f"{len(s['articles'])} articles from {len(s['outlets'])} outlets, "
        f"in {', '.join(s['languages']) or '?'}, {day(s['first_seen'])} to {day(s['last_seen'])}"
    )
    out.append("")
    out.append("Members (why each belongs)")
    for a in s["articles"]:
        out.append(
            f"  [{a['id']}] {day(a['published'])}  {a['outlet'] or '?'}  {a['lang'] or '?'}  "
            f"{clip(a['title'], 70)}"
        )
        out.append(f"      score {a['score']:.2f}: " + "; ".join(a["why"]))
    out.append("")
    if s["reprint_groups"]:
        out.append("Reprint groups")
        for group in s["reprint_groups"]:
            out.append("  articles " + ", ".join(str(i) for i in group))
        out.append("")
        out.append("Reprint links and shared passages")
        for link in s["reprints"]:
            out.append(
                f"  {link['a']} -> {link['b']}: {link['kind']}, {len(link['passages'])} passages, "
                f"containment {link['containment_ab']:.2f}/{link['containment_ba']:.2f}"
            )
            for p in link["passages"][:5]:
                out.append(
                    f"    [{p['a_start']}:{p['a_end']}] ~ [{p['b_start']}:{p['b_end']}] "
                    f'{p["words"]} words: "{clip(p["text"], 90)}"'
                )
            if len(link["passages"]) > 5:
                out.append(f"    ... {len(link['passages']) - 5} more (see --json)")
    else:
        out.append("No reprints among the members: each was written independently.")
    return "\n".join(out)


def article_report(a: dict[str, Any]) -> str:
    out = [f"Article {a['id']}: {a['title']}"]
    for label in ("outlet", "url", "published", "source", "story"):
        out.append(f"  {label + ':':11}{a[label] if a[label] is not None else '?'}")
        if label == "outlet" and a.get("outlet_evidence"):
            out.append(f"  {'':11}inferred from “{clip(a['outlet_evidence'], 100)}”")
    if a["reprints"]:
        out.append(
            "  reprints:  " + ", ".join(f"{r['article']} ({r['kind']})" for r in a["reprints"])
        )
    out.append("")
    out.append("Text")
    for para in a["text"].split("\n\n"):
        out.append(textwrap.fill(para, width=100, initial_indent="  ", subsequent_indent="  "))
        out.append("")
    out.append(f"Removed boilerplate ({len(a['removed'])} blocks)")
    for r in a["removed"]:
        out.append(f"  [{r['reason']}] {clip(r['text'], 110)}")
    return "\n".join(out)


def rejects_table(rejects: list[dict[str, Any]]) -> str:
    if not rejects:
        return "no rejected inputs"
    rows = [(r["at"], r["reason"], r["source"], r["detail"]) for r in rejects]
    return table(rows, ["when", "reason", "input", "detail"], [20, 16, 40, 70])
