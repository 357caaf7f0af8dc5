"""Provenance within a story: who copied whom, who rewrote whom, who reported independently.

1. Reprints: articles joined by reprint links (the store's ``reprints``, or
   :func:`storytrace.match.compare` for pairs without one) form groups. Each group's root is,
   chosen among the members no other member was certainly published before (a date without a
   time is "some time that day", see :mod:`storytrace.published`), first match wins: the
   agency's own article (its outlet is the agency's), a dated one, the one that contains most
   of the others, the earliest. Every other member copies the member not published after it
   that holds most of its text; the root wins ties, so a star around the wire original is the
   default. No copy is ever drawn as published before its source; when their times overlap
   (the same day) the edge says the order is uncertain.
2. Rewrites: an article outside a reprint group that keeps at least two of a group's quotations
   verbatim, or one quotation or passage while crediting that group's agency ("based on reporting
   by ..."), rewrites the group's root, provided it was not published earlier (with no times, or
   times of the same day, the side with the wire dateline, or with the longer version of a
   shared quote, is the source).
3. Everything else is an independent report.

The wire is the agency the root claims (own site, dateline, byline, credit); the original is the
root of the group the rest of the story descends from, when the evidence names one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..groups import connected_groups
from ..match import compare
from ..model import Article
from ..published import order, sort_key, uncertainty
from .attribution import STRONG, Claim
from .quotes import Quote, relation

VERBATIM_SHARE = 0.95
TRIMMED_SHARE = 0.9
MIN_REWRITE_QUOTES = 2


@dataclass
class Edge:
    source: int
    target: int
    kind: str  # "reprint" or "rewrite"
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class Graph:
    nodes: list[dict[str, Any]]
    edges: list[Edge]
    original: int | str  # article id, or "unknown"
    original_evidence: list[str]
    wire: dict[str, Any] | str  # {"agency", "code", "article", "evidence"} or "unknown"

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": self.nodes,
            "edges": [asdict(e) for e in self.edges],
            "original": self.original,
            "original_evidence": self.original_evidence,
            "wire": self.wire,
        }


def _order_words(source: Article, copy: Article) -> str:
    """How the source's publication stands to the copy's, for the edge's evidence."""
    found = order(source.published, copy.published)
    if found == "before":
        return "published earlier"
    return uncertainty(source.published, copy.published) or "order unknown (undated)"


def _links(
    articles: Sequence[Article], links: Sequence[Mapping[str, Any]], compute: bool
) -> dict[tuple[int, int], dict[str, Any]]:
    """(x, y) -> {"kind", "c_xy": share of x's text in y, "passages"} for both orders."""
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for ln in links:
        a, b = int(ln["a"]), int(ln["b"])
        n = len(ln.get("passages") or ())
        out[(a, b)] = {"kind": ln["kind"], "c_xy": float(ln["containment_ab"]), "passages": n}
        out[(b, a)] = {"kind": ln["kind"], "c_xy": float(ln["containment_ba"]), "passages": n}
    if compute:
        for i, x in enumerate(articles):
            for y in articles[i + 1 :]:
                if (x.id, y.id) in out:
                    continue
                r = compare(x.text, y.text)
                if r is not None:
                    n = len(r.passages)
                    out[(x.id, y.id)] = {"kind": r.kind, "c_xy": r.containment_ab, "passages": n}
                    out[(y.id, x.id)] = {"kind": r.kind, "c_xy": r.containment_ba, "passages": n}
    return out


def _wire_of(claims: Sequence[Claim]) -> Claim | None:
    strong = [c for c in claims if c.agency and c.kind in STRONG]
    strong.sort(key=lambda c: STRONG.index(c.kind))
    return strong[0] if strong else None


def _shared_quotes(qa: Sequence[Quote], qb: Sequence[Quote]) -> list[tuple[Quote, Quote, str]]:
    out = []
    for x in qa:
        for y in qb:
            rel = relation(x.words, y.words)
            if (
                rel in ("verbatim", "shortened", "extended")
                and min(len(x.words), len(y.words)) >= 4
            ):
                out.append((x, y, rel))
                break
    return out


def provenance(
    articles: Sequence[Article],
    links: Sequence[Mapping[str, Any]] = (),
    *,
    claims: Mapping[int, Sequence[Claim]] | None = None,
    quotes: Mapping[int, Sequence[Quote]] | None = None,
    compute_links: bool = True,
) -> Graph:
    """The provenance graph of the ``articles`` of one story (see the module docstring)."""
    from .quotes import article_quotes

    arts = {a.id: a for a in articles}
    ids = sorted(arts, key=lambda i: (sort_key(arts[i].published), i))
    claims = claims or {}
    qs = {
        i: list(quotes[i]) if quotes and i in quotes else article_quotes(i, arts[i].text)
        for i in ids
    }
    pairs = _links(articles, links, compute_links and len(articles) <= 40)
    wire = {i: _wire_of(claims.get(i, ())) for i in ids}
    owns = {i: any(c.kind == "outlet" for c in claims.get(i, ())) for i in ids}

    edges: list[Edge] = []
    role: dict[int, str] = {i: "independent" for i in ids}
    roots: dict[int, int] = {}  # member -> root of its reprint group
    for comp in connected_groups(ids, pairs):

        def contains_others(i: int, comp: list[int] = comp) -> float:
            return sum(pairs.get((o, i), {}).get("c_xy", 0.0) for o in comp if o != i)

        def preceded(i: int, comp: list[int] = comp) -> bool:
            return any(order(arts[o].published, arts[i].published) == "before" for o in comp)

        root = min(
            comp,
            key=lambda i: (
                preceded(i),
                not owns[i],
                arts[i].published is None,
                -contains_others(i),
                sort_key(arts[i].published),
                i,
            ),
        )
        placed = [root]
        # By the latest moment each may have been published: whatever was certainly published
        # before an article is placed before it.
        for c in sorted(comp, key=lambda i: (sort_key(arts[i].published), i)):
            roots[c] = root
            if c == root:
                continue
            best, best_score = root, pairs.get((c, root), {}).get("c_xy", 0.0) + 0.05
            for p in placed:
                if p == root or (c, p) not in pairs:
                    continue
                if order(arts[p].published, arts[c].published) == "after":
                    continue
                score = pairs[(c, p)]["c_xy"]
                if score > best_score:
                    best, best_score = p, score
            link = pairs.get((c, best)) or {"kind": "linked", "c_xy": 0.0, "passages": 0}
            c_in_p = link["c_xy"]
            p_in_c = pairs.get((best, c), {}).get("c_xy", 0.0)
            variant = (
                "verbatim"
                if p_in_c >= VERBATIM_SHARE
                else "trimmed"
                if c_in_p >= TRIMMED_SHARE
                else "edited"
            )
            edges.append(
                Edge(
                    best,
                    c,
                    "reprint",
                    {
                        "variant": variant,
                        "link": link["kind"],
                        "copy_in_source": round(c_in_p, 3),
                        "source_in_copy": round(p_in_c, 3),
                        "passages": link["passages"],
                        "order": _order_words(arts[best], arts[c]),
                        "why": f"{round(100 * c_in_p)}% of its text is in {best}'s; it holds "
                        f"{round(100 * p_in_c)}% of {best}'s ({link['kind']})",
                    },
                )
            )
            role[c] = "reprint"
            placed.append(c)

    # rewrites: group roots that reuse another group's quotes
    tops = [i for i in ids if roots.get(i, i) == i]
    for r in tops:
        best_src: tuple[int, list[tuple[Quote, Quote, str]], str] | None = None
        for p in tops:
            if p == r:
                continue
            members = [m for m in ids if roots.get(m, m) == p]
            shared = max((_shared_quotes(qs[m], qs[r]) for m in members), key=len, default=[])
            wp = wire[p]
            agency = wp.agency if wp else None
            credits = agency is not None and any(
                c.agency == agency and c.kind in ("reporting", "credit", "byline")
                for c in claims.get(r, ())
            )
            if len(shared) < MIN_REWRITE_QUOTES and not (credits and shared):
                continue
            direction = _direction(
                arts[p], arts[r], wire[p], wire[r], shared, ids.index(p) < ids.index(r)
            )
            if direction is None:
                continue
            if best_src is None or len(shared) > len(best_src[1]):
                best_src = (p, shared, direction)
        if best_src is None:
            continue
        p, shared, direction = best_src
        wsrc = wire[p]
        edges.append(
            Edge(
                p,
                r,
                "rewrite",
                {
                    # the words both carry: the shorter version when one was cut
                    "shared_quotes": [
                        (y if len(y.words) <= len(x.words) else x).text.strip(" ,.")
                        for x, y, _ in shared
                    ],
                    "quote_changes": [
                        {"quote": x.text.strip(" ,."), "change": rel}
                        for x, _, rel in shared
                        if rel != "verbatim"
                    ],
                    "direction": direction,
                    "order": _order_words(arts[p], arts[r]),
                    "agency": wsrc.agency if wsrc else None,
                    "credits": [
                        c.evidence for c in claims.get(r, ()) if c.kind in ("reporting", "credit")
                    ],
                    "why": f"reuses {len(shared)} of {p}'s quotes"
                    + (f" ({wsrc.agency} story)" if wsrc else ""),
                },
            )
        )
        role[r] = "rewrite"

    targets = {e.target for e in edges}
    sources = {e.source for e in edges}
    for i in ids:
        if i in sources and i not in targets:
            role[i] = "original"
    original: int | str = "unknown"
    why: list[str] = []
    top_sources = [i for i in ids if role[i] == "original"]
    if len(top_sources) == 1 or any(owns[i] for i in top_sources):
        o = next((i for i in top_sources if owns[i]), top_sources[0])
        original = o
        if owns[o]:
            why.append(
                f"{o} is on the agency's own site ({arts[o].outlet or arts[o].meta.get('outlet')})"
            )
        wo = wire[o]
        if wo:
            why.append(f"{o} carries the {wo.code} {wo.kind}: {wo.evidence}")
        why.append(
            f"{sum(1 for e in edges if e.source == o)} article(s) copy or rewrite {o}"
            " and it copies none"
        )
    wire_info: dict[str, Any] | str = "unknown"
    w = wire.get(original) if isinstance(original, int) else None
    if w is None:
        found = [c for c in wire.values() if c]
        if found and len({c.agency for c in found}) == 1:
            w = found[0]
    if w is not None:
        wire_info = {
            "agency": w.agency,
            "code": w.code,
            "article": original if isinstance(original, int) and owns.get(original) else None,
            "evidence": [
                f"{i}: {c.kind} {c.evidence}" for i, c in wire.items() if c and c.agency == w.agency
            ],
        }
    nodes = [
        {
            "id": i,
            "outlet": arts[i].outlet or arts[i].meta.get("outlet"),
            "title": arts[i].title,
            "published": arts[i].published,
            "role": role[i],
            "claims": sorted(
                {c.agency for c in claims.get(i, ()) if c.agency and c.kind in STRONG}
            ),
        }
        for i in ids
    ]
    return Graph(nodes, edges, original, why, wire_info)


def _direction(
    p: Article,
    r: Article,
    wp: Claim | None,
    wr: Claim | None,
    shared: Sequence[tuple[Quote, Quote, str]],
    listed_first: bool,
) -> str | None:
    """Why ``p`` is the source of ``r``, or None when the evidence says the opposite. Times
    decide when their order is certain; otherwise the wire attribution, then the quotes; with
    none of them, the one listed first (``listed_first``: by time order, then id), so that two
    articles never both rewrite each other."""
    when = order(p.published, r.published)
    if when == "before":
        return "published earlier"
    if when == "after":
        return None
    doubt = f"{uncertainty(p.published, r.published)}: " if when == "uncertain" else ""
    if wp is not None and wr is None:
        return f"{doubt}carries the {wp.code} {wp.kind}; the other does not"
    if wr is not None and wp is None:
        return None
    if any(rel == "shortened" for _, _, rel in shared):
        return f"{doubt}its quotes are the longer versions"
    if any(rel == "extended" for _, _, rel in shared):
        return None
    if not listed_first:
        return None
    if doubt:
        return f"{doubt[:-2]} (no attribution or quotes to tell)"
    return "direction unknown (no times, no attribution)"
