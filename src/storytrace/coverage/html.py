"""A self-contained HTML page for a coverage report: inline CSS, a few lines of inline JS.

Every string that comes from an article (text, titles, outlets, quotes, names, claims) goes
through :func:`html.escape` with ``quote=True`` before it reaches the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 1.5rem 3rem;color:#222;background:#fafafa}
h1{font-size:1.4rem;margin:1rem 0 .2rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;background:#fff;margin:.3rem 0}
th,td{border:1px solid #ddd;padding:.25rem .45rem;vertical-align:top;text-align:left;font-size:.9rem}
th{background:#f0f0f0}.cols{display:flex;gap:1rem;overflow-x:auto;align-items:flex-start}
.col{flex:0 0 26rem;background:#fff;border:1px solid #ddd;padding:.6rem .8rem;border-radius:4px}
.col h3{font-size:1rem;margin:.2rem 0}.meta{color:#666;font-size:.85rem}
.text p{margin:.4rem 0}mark{padding:0 1px;border-radius:2px}
mark.share-all{background:#c8e6c9}mark.share-some{background:#fff3b0}
span.only{background:#fde0dc}mark.hot{outline:2px solid #1565c0}
.changed{color:#b71c1c;font-weight:600}.legend span{padding:0 .4rem;margin-right:.5rem}
svg text{font:11px system-ui,sans-serif}.tag{font-size:.8rem;color:#555}
"""

_JS = """
document.querySelectorAll('mark[data-p]').forEach(function(m){
  m.addEventListener('mouseenter',function(){document.querySelectorAll('mark[data-p="'+m.dataset.p+'"]').forEach(function(x){x.classList.add('hot')})});
  m.addEventListener('mouseleave',function(){document.querySelectorAll('mark.hot').forEach(function(x){x.classList.remove('hot')})});
});
document.body.setAttribute('data-marks', String(document.querySelectorAll('mark').length));
"""


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _label(art: Mapping[str, Any]) -> str:
    return f"{art['id']} · {art.get('outlet') or 'unknown outlet'}"


def _highlighted(text: str, spans: Sequence[tuple[int, int, str, str]]) -> str:
    """``text`` as escaped paragraphs, with ``(start, end, css class, passage id)`` spans marked."""
    out: list[str] = []
    pos = 0
    for s, t, cls, pid in sorted(spans):
        if s < pos:
            continue
        out.append(e(text[pos:s]))
        seg = e(text[s:t])
        if pid:
            out.append(f'<mark class="{cls}" data-p="{e(pid)}">{seg}</mark>')
        else:
            out.append(f'<span class="{cls}">{seg}</span>')
        pos = t
    out.append(e(text[pos:]))
    body = "".join(out)
    paras = [p for p in body.split("\n") if p.strip()]
    return "".join(f"<p>{p}</p>" for p in paras)


def _detail(evidence: Mapping[str, Any]) -> str:
    """An edge's kind of copy, or why its direction; and an uncertain order, said so."""
    detail = str(evidence.get("variant") or evidence.get("direction") or "")
    order = str(evidence.get("order") or "")
    if "uncertain" in order and order not in detail:
        detail += f" ({order})"
    return detail


def _svg(prov: Mapping[str, Any], arts: Mapping[int, Mapping[str, Any]]) -> str:
    """The provenance graph as a layered SVG: sources on top, copies and rewrites below."""
    nodes = [n["id"] for n in prov["nodes"]]
    edges = prov["edges"]
    parent = {ed["target"]: ed["source"] for ed in edges}
    depth: dict[int, int] = {}

    def d(n: int, seen: frozenset[int] = frozenset()) -> int:
        if n not in depth:
            p = parent.get(n)
            depth[n] = 0 if p is None or p in seen else d(p, seen | {n}) + 1
        return depth[n]

    rows: dict[int, list[int]] = {}
    for n in nodes:
        rows.setdefault(d(n), []).append(n)
    w, h, gx, gy = 170, 46, 24, 60
    width = max(len(r) for r in rows.values()) * (w + gx) + gx if rows else 200
    height = (max(rows) + 1) * (h + gy) + gy if rows else 80
    pos: dict[int, tuple[int, int]] = {}
    for depth_, row in rows.items():
        for k, n in enumerate(row):
            pos[n] = (gx + k * (w + gx), gy // 2 + depth_ * (h + gy))
    roles = {n["id"]: n["role"] for n in prov["nodes"]}
    colors = {
        "original": "#c8e6c9",
        "reprint": "#e3f2fd",
        "rewrite": "#fff3b0",
        "independent": "#eeeeee",
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="provenance graph">',
        '<defs><marker id="arr" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>',
    ]
    for ed in edges:
        if ed["source"] not in pos or ed["target"] not in pos:
            continue
        (x1, y1), (x2, y2) = pos[ed["source"]], pos[ed["target"]]
        dash = ' stroke-dasharray="5,4"' if ed["kind"] == "rewrite" else ""
        parts.append(
            f'<line class="edge {e(ed["kind"])}" x1="{x1 + w // 2}" y1="{y1 + h}" '
            f'x2="{x2 + w // 2}" y2="{y2}" stroke="#555"{dash} marker-end="url(#arr)">'
            f"<title>{e(ed['kind'])}: {e(ed['evidence'].get('why', ''))}</title></line>"
        )
    for n in nodes:
        x, y = pos[n]
        a = arts.get(n, {})
        title = str(a.get("title") or "")
        parts.append(
            f'<g class="node {e(roles[n])}"><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="5" '
            f'fill="{colors.get(roles[n], "#eee")}" stroke="#777"/>'
            f'<text x="{x + 6}" y="{y + 16}">{e(_label(a) if a else n)}</text>'
            f'<text x="{x + 6}" y="{y + 32}">{e(roles[n])}: {e(title[:26])}</text>'
            f"<title>{e(title)}</title></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], cls: str) -> str:
    th = "".join(f"<th>{e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def render_html(report: Mapping[str, Any]) -> str:
    """The report as one self-contained HTML page (all article text escaped)."""
    arts = {int(a["id"]): a for a in report["articles"]}
    story = report.get("story")
    title = (
        f"Story {story['id']}: {story.get('title') or ''}"
        if story
        else "Articles " + " vs ".join(str(i) for i in arts)
    )
    spans: dict[int, list[tuple[int, int, str, str]]] = {i: [] for i in arts}
    for p in report["passages"]:
        for aid, ss in p["spans"].items():
            for s, t in ss:
                spans[int(aid)].append((s, t, f"p{p['id']} share-{p['share']}", str(p["id"])))
    for aid, items in report["only_in"].items():
        for it in items:
            spans[int(aid)].append((it["start"], it["end"], "only", ""))
    prov = report["provenance"]
    cols = []
    for i, a in arts.items():
        claims = report["attribution"].get(str(i), [])
        claim_txt = "; ".join(f"{c['kind']}: {c['agency'] or c['source']}" for c in claims)
        role = next((n["role"] for n in prov["nodes"] if n["id"] == i), "")
        cols.append(
            f'<div class="col" id="article-{i}"><h3>{e(a.get("title"))}</h3>'
            f'<div class="meta">{e(_label(a))} · {e(a.get("published") or "no date")} · {e(role)}</div>'
            f'<div class="meta">claims: {e(claim_txt or "none")}</div>'
            f'<div class="text">{_highlighted(a.get("text") or "", spans[i])}</div></div>'
        )
    orig = prov.get("original")
    wire = prov.get("wire")
    wire_txt = (
        f"{wire.get('agency')} ({wire.get('code')})" if isinstance(wire, Mapping) else "unknown"
    )
    edge_rows = [
        [
            e(ed["source"]),
            e(ed["target"]),
            e(ed["kind"]),
            e(_detail(ed["evidence"])),
            e(ed["evidence"].get("why", ""))
            + (
                "<br>" + "<br>".join(f"“{e(q)}”" for q in ed["evidence"].get("shared_quotes", []))
                if ed["evidence"].get("shared_quotes")
                else ""
            ),
        ]
        for ed in prov["edges"]
    ]
    quote_rows = []
    for q in report["quotes"]:
        versions = "<br>".join(
            f'{e(c["article"])}: <span class="{"changed" if c["status"] != "verbatim" else ""}">'
            f"{e(c['status'])}</span> “{e(c['text'])}”"
            for c in q["carriers"]
        )
        quote_rows.append(
            [
                f"“{e(q['text'])}”",
                e(q["speaker"] or "?"),
                e(", ".join(map(str, q["articles"]))),
                versions,
            ]
        )
    ent_rows = [
        [
            e(x["name"]),
            e(x["kind"]),
            "<br>".join(
                f"{e(v)} ({e(', '.join(map(str, ids)))})" for v, ids in x["variants"].items()
            ),
            e(", ".join(x["spelling_variants"])),
            e(x["share"]),
        ]
        for x in report["entities"]
    ]
    num_rows = [
        [
            e(f["label"]),
            e(", ".join(f["wordings"])),
            e(", ".join(map(str, f["article_ids"]))),
            e(f["share"]),
        ]
        for f in report["numbers"]["figures"]
    ]
    conf_rows = [
        [
            e(c["unit"]),
            f"{e(c['a'])}: {e(', '.join(c['a_labels']))}",
            f"{e(c['b'])}: {e(', '.join(c['b_labels']))}",
        ]
        for c in report["numbers"]["conflicts"]
    ]
    head_rows = [
        [e(h["article"]), e(h["outlet"]), e(h["published"]), e(h["title"])]
        for h in report["headlines"]
    ]
    only_rows = [
        [e(aid), e(it["text"])] for aid, items in report["only_in"].items() for it in items
    ]
    return "".join(
        [
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
            f"<title>{e(title)} · storytrace</title><style>{_CSS}</style></head><body>",
            f"<h1>{e(title)}</h1>",
            f'<p class="tag">original: {e(orig)} · wire: {e(wire_txt)} · '
            f"{len(arts)} articles · generated by storytrace compare</p>",
            "<h2>Headlines</h2>",
            _table(["article", "outlet", "published", "headline"], head_rows, "headlines"),
            "<h2>Provenance</h2>",
            _svg(prov, arts),
            _table(["source", "target", "kind", "detail", "evidence"], edge_rows, "edges"),
            "<h2>Texts</h2>",
            '<p class="legend"><mark class="share-all">shared by all</mark>'
            '<mark class="share-some">shared by some</mark><span class="only">only here</span></p>',
            f'<div class="cols">{"".join(cols)}</div>',
            "<h2>Quotes</h2>",
            _table(["quote", "speaker", "articles", "versions"], quote_rows, "quotes"),
            "<h2>People, places, organisations</h2>",
            _table(
                ["name", "kind", "written as (articles)", "spelling variants", "share"],
                ent_rows,
                "entities",
            ),
            "<h2>Figures</h2>",
            _table(["figure", "written as", "articles", "share"], num_rows, "numbers"),
            "<h3>Conflicting figures</h3>",
            _table(["unit", "one article", "other article"], conf_rows, "conflicts"),
            "<h2>Sentences only one article has</h2>",
            _table(["article", "sentence"], only_rows, "only-in"),
            f"<script>{_JS}</script></body></html>",
        ]
    )
