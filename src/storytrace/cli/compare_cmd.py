"""``storytrace compare STORY_ID`` / ``storytrace compare ARTICLE_ID ARTICLE_ID``."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import click

from ..config import DEFAULT_DB
from ..errors import InputError
from .format import clip, table
from .options import ROW_ID, db_option


def _ids(values: tuple[int, ...]) -> tuple[int, int | None]:
    if len(values) == 1:
        return values[0], None
    if len(values) == 2:
        return values[0], values[1]
    raise InputError("compare takes a STORY_ID, or two ARTICLE_IDs")


def report_text(r: dict[str, Any]) -> str:
    """The report for the terminal: provenance, quotes, names, figures, what only one has."""
    out: list[str] = []
    story = r.get("story")
    out.append(
        f"Story {story['id']}: {story['title']}"
        if story
        else "Articles " + " vs ".join(str(a["id"]) for a in r["articles"])
    )
    out.append("\nHeadlines")
    out.append(
        table(
            [(h["article"], h["outlet"] or "?", h["title"]) for h in r["headlines"]],
            ["id", "outlet", "headline"],
            [5, 24, 70],
        )
    )
    prov = r["provenance"]
    wire = prov["wire"]
    out.append("\nProvenance")
    out.append(
        f"  original: {prov['original']}   wire: "
        + (f"{wire['agency']} ({wire['code']})" if isinstance(wire, dict) else "unknown")
    )
    for why in prov["original_evidence"]:
        out.append(f"    - {clip(why, 110)}")
    for e in prov["edges"]:
        detail = e["evidence"].get("variant") or ""
        if "uncertain" in (e["evidence"].get("order") or ""):
            detail += f" ({e['evidence']['order']})"
        out.append(
            f"  {e['source']} -> {e['target']}  {e['kind']} {detail}: {clip(e['evidence'].get('why'), 90)}"
        )
        for q in e["evidence"].get("shared_quotes", []):
            out.append(f"      “{clip(q, 100)}”")
    for n in prov["nodes"]:
        if n["role"] == "independent":
            out.append(f"  {n['id']} ({n['outlet'] or '?'}): independent report")
    out.append("\nAttribution")
    for aid, claims in r["attribution"].items():
        txt = "; ".join(f"{c['kind']} {c['agency'] or c['source']}" for c in claims) or "none"
        out.append(f"  {aid}: {clip(txt, 110)}")
    out.append("\nQuotes")
    for q in r["quotes"]:
        changed = [
            f"{c['article']} {c['status']}" for c in q["carriers"] if c["status"] != "verbatim"
        ]
        out.append(
            f"  [{', '.join(map(str, q['articles']))}] {q['speaker'] or '?'}: “{clip(q['text'], 90)}”"
            + (f"  ({'; '.join(changed)})" if changed else "")
        )
    out.append("\nNames written differently")
    varied = [x for x in r["entities"] if x["spelling_variants"]]
    for x in varied:
        out.append(
            f"  {x['name']} ({x['kind']}): "
            + " / ".join(f"{v} [{', '.join(map(str, ids))}]" for v, ids in x["variants"].items())
        )
    if not varied:
        out.append("  none")
    out.append("\nFigures shared under different wordings")
    for f in r["numbers"]["figures"]:
        if len(f["wordings"]) > 1:
            out.append(
                f"  {f['label']}: {' = '.join(f['wordings'])} [{', '.join(map(str, f['article_ids']))}]"
            )
    for c in r["numbers"]["conflicts"]:
        out.append(
            f"  CONFLICT {c['unit']}: {c['a']} says {', '.join(c['a_labels'])}; "
            f"{c['b']} says {', '.join(c['b_labels'])}"
        )
    out.append("\nSentences only one article has")
    for aid, items in r["only_in"].items():
        for it in items:
            out.append(
                textwrap.fill(
                    it["text"],
                    110,
                    initial_indent=f"  {aid}: ",
                    subsequent_indent=" " * (len(aid) + 4),
                )
            )
    return "\n".join(out)


@click.command()
@click.argument("ids", nargs=-1, type=ROW_ID, required=True)
@db_option
@click.option(
    "--agency",
    "agencies",
    multiple=True,
    metavar="NAME=CODE",
    help="Add a news agency, e.g. 'Meridian Press=MP' (repeatable; '@domain' for its site).",
)
@click.option(
    "--config", "config_path", metavar="FILE", help="Settings file (default ./storytrace.toml)."
)
@click.option(
    "--html", "html_path", metavar="FILE", help="Also write a self-contained HTML report."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def compare(
    ctx: click.Context,
    ids: tuple[int, ...],
    db: str | None,
    agencies: tuple[str, ...],
    config_path: str | None,
    html_path: str | None,
    as_json: bool,
) -> None:
    """Compare a story's coverage (STORY_ID) or two articles (ARTICLE_ID ARTICLE_ID).

    Attribution (datelines, agency credits), provenance (who reprinted or rewrote whom),
    shared passages, quotes and speakers, names with spelling variants, figures, and the
    sentences only one article has.
    """
    first, second = _ids(ids)
    from .. import api
    from ..coverage import render_html

    dbpath = db or (ctx.obj or {}).get("db") or DEFAULT_DB
    report = api.compare(first, second, db=dbpath, agencies=agencies, config=config_path)
    if html_path:
        Path(html_path).write_text(render_html(report), encoding="utf-8")
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(report_text(report))
        if html_path:
            click.echo(f"\nHTML report written to {html_path}")
