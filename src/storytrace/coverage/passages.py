"""Shared passages at sentence level: which sentences each article shares with which others.

Two sentences are "the same passage" when :func:`storytrace.match.align` aligns them (it bridges
a changed word or two: "Sergey"/"Sergei", "meeting"/"talks with") or, for sentences the
alignment missed, when their normalised forms are close (rapidfuzz ratio >= 85). Sentences are
grouped across all articles (union-find); a group is shared by all, by some or by one article.
The story's common core is the groups carried by at least half of the articles (and by two).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from rapidfuzz import fuzz

from ..match import align
from ..model import Passage
from .text import Sentence, sentences

FUZZY = 85
MIN_OVERLAP = 0.5


def _share(k: int, n: int) -> str:
    return "all" if k >= n and n > 1 else ("one" if k <= 1 else "some")


def _overlap(s: Sentence, start: int, end: int) -> int:
    return max(0, min(s.end, end) - max(s.start, start))


def _at(sents: Sequence[Sentence], pos: int) -> int | None:
    for k, s in enumerate(sents):
        if s.start <= pos < s.end + 2:
            return k
    return None


def pair_matches(
    sa: Sequence[Sentence], sb: Sequence[Sentence], passages: Sequence[Passage]
) -> set[tuple[int, int]]:
    """(sentence of a, sentence of b) pairs that are the same passage."""
    found: set[tuple[int, int]] = set()
    for p in passages:
        la, lb = max(1, p.a_end - p.a_start), max(1, p.b_end - p.b_start)
        for k, s in enumerate(sa):
            ov = _overlap(s, p.a_start, p.a_end)
            if ov < MIN_OVERLAP * (s.end - s.start):
                continue
            mid = (max(s.start, p.a_start) + min(s.end, p.a_end)) / 2
            pos = p.b_start + int((mid - p.a_start) * lb / la)
            t = _at(sb, pos)
            if t is not None and _overlap(sb[t], p.b_start, p.b_end) >= MIN_OVERLAP * (
                sb[t].end - sb[t].start
            ):
                found.add((k, t))
    done_a = {k for k, _ in found}
    done_b = {t for _, t in found}
    keys_b = [(t, s.key) for t, s in enumerate(sb) if t not in done_b and len(s.key.split()) >= 5]
    for k, s in enumerate(sa):
        if k in done_a or len(s.key.split()) < 5:
            continue
        best = max(keys_b, key=lambda tk: fuzz.ratio(s.key, tk[1]), default=None)
        if best is not None and fuzz.ratio(s.key, best[1]) >= FUZZY:
            found.add((k, best[0]))
    return found


def sentence_groups(
    texts: Mapping[int, str],
    aligned: Mapping[tuple[int, int], Sequence[Passage]] | None = None,
    reference: int | None = None,
) -> dict[str, Any]:
    """``{"passages", "only_in", "coverage", "spans"}`` for the articles ``texts``.

    ``aligned`` may give precomputed passages per pair ``(a, b)`` with ``a < b``; missing pairs
    are aligned here. ``reference`` (the original, if known) provides each group's text.
    """
    ids = sorted(texts)
    sents = {i: sentences(texts[i]) for i in ids}
    nodes = [(i, k) for i in ids for k in range(len(sents[i]))]
    index = {n: x for x, n in enumerate(nodes)}
    parent = list(range(len(nodes)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, a in enumerate(ids):
        for b in ids[x + 1 :]:
            ps = (aligned or {}).get((a, b))
            if ps is None:
                ps = align(texts[a], texts[b], min_words=6)
            for k, t in pair_matches(sents[a], sents[b], ps):
                parent[find(index[(a, k)])] = find(index[(b, t)])
    comps: dict[int, list[tuple[int, int]]] = {}
    for n in nodes:
        comps.setdefault(find(index[n]), []).append(n)
    n_art = len(ids)
    core_min = max(2, math.ceil(n_art / 2))
    groups: list[dict[str, Any]] = []
    for members in comps.values():
        arts = sorted({a for a, _ in members})
        rep_art = reference if reference in arts else arts[0]
        rep = min((k for a, k in members if a == rep_art))
        groups.append(
            {
                "articles": arts,
                "share": _share(len(arts), n_art),
                "core": len(arts) >= core_min,
                "text": sents[rep_art][rep].text,
                "exact": len({sents[a][k].key for a, k in members}) == 1,
                "spans": {
                    str(a): [
                        [sents[a][k].start, sents[a][k].end] for a2, k in sorted(members) if a2 == a
                    ]
                    for a in arts
                },
                "_order": (min(a for a in arts), min(k for a, k in members if a == arts[0])),
            }
        )
    groups.sort(key=lambda g: (-len(g["articles"]), g["_order"]))
    for gid, g in enumerate(groups):
        g["id"] = gid
        del g["_order"]
    shared = [g for g in groups if len(g["articles"]) > 1]
    only_in: dict[str, list[dict[str, Any]]] = {str(i): [] for i in ids}
    for g in groups:
        if len(g["articles"]) == 1:
            a = g["articles"][0]
            for s, e in g["spans"][str(a)]:
                only_in[str(a)].append({"start": s, "end": e, "text": texts[a][s:e]})
    for v in only_in.values():
        v.sort(key=lambda d: d["start"])
    coverage: dict[str, dict[str, Any]] = {}
    core = [g for g in groups if g["core"]]
    for i in ids:
        mine = [g for g in groups if i in g["articles"]]
        if n_art == 2:
            other = next(x for x in ids if x != i)
            omits = [g["text"] for g in groups if g["articles"] == [other]]
        else:
            omits = [g["text"] for g in core if i not in g["articles"]]
        n_sent = max(1, len(sents[i]))
        coverage[str(i)] = {
            "sentences": len(sents[i]),
            "in_core": sum(len(g["spans"][str(i)]) for g in mine if g["core"]),
            "core_share": round(
                sum(len(g["spans"][str(i)]) for g in mine if g["core"]) / n_sent, 3
            ),
            "adds": [texts[i][s:e] for g in mine if not g["core"] for s, e in g["spans"][str(i)]],
            "omits": omits,
        }
    return {"passages": shared, "only_in": only_in, "coverage": coverage, "groups": groups}
