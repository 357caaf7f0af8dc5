"""Names and figures across articles: spelling variants grouped, figures matched across wordings.

Entities come from :func:`storytrace.evidence.entities.extract_entities`, whose keys are
consonant skeletons that survive transliteration ("Sergey"/"Sergei", "Dacic"/"Dačić"). A bare
surname joins the full name it abbreviates. The ``kind`` (person, place, organisation) is a
rule of thumb: speakers and titled names are people, names with institutional words or in
capitals are organisations, names after "in"/"near"/"from" or in a dateline are places.

Figures come from :func:`storytrace.evidence.numbers.extract_numbers`, sentence by sentence,
so "100%" and "100 percent" are the same ``(%, 100)``; dates from ``extract_dates``. The same
unit with disjoint values in two articles is a conflict ("at least 19 people" vs "23 people").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ..evidence.dates import extract_dates
from ..evidence.entities import extract_entities
from ..evidence.numbers import describe, extract_numbers, parse_value
from ..normalize import tokenize, unify_punctuation
from .quotes import strip_titles
from .text import sentences

_ORG_WORDS = frozenset(
    "ministry agency authority association bank council union press party company corp inc ltd "
    "group committee commission court office department institute university police army navy "
    "federation organization organisation fund service services news parliament government "
    "assembly board network society league".split()
)
_PLACE_BEFORE = re.compile(r"\b(?:in|near|from|to|at|across|outside|off)\s+(?:the\s+)?$")


def _share(k: int, n: int) -> str:
    return "all" if k >= n and n > 1 else ("one" if k <= 1 else "some")


def _kind(name: str, texts: Sequence[str], speakers: set[str]) -> str:
    ws = name.split()
    if name in speakers or any(name.endswith(s.split()[-1]) and len(ws) >= 2 for s in speakers):
        return "person"
    if any(w.lower() in _ORG_WORDS for w in ws) or (name.isupper() and len(name) >= 2):
        return "organisation"
    for t in texts:
        for m in re.finditer(re.escape(name), t):
            if _PLACE_BEFORE.search(t[max(0, m.start() - 12) : m.start()]):
                return "place"
    if len(ws) >= 2 and all(w[:1].isupper() for w in ws) and not ws[-1].endswith(("an", "ese")):
        return "person"
    return "other"


def group_entities(
    texts: Mapping[int, str], speakers: set[str] | None = None
) -> list[dict[str, Any]]:
    """Named entities across articles: one group per entity with each article's spellings."""
    speakers = speakers or set()
    per: dict[int, list[Any]] = {
        i: extract_entities(unify_punctuation(t)) for i, t in texts.items()
    }
    # key -> head, and which keys are multi-word (full names)
    heads: dict[str, str] = {}
    for ents in per.values():
        for e in ents:
            heads[e.key] = e.head
    full_by_head: dict[str, set[str]] = {}
    for k, h in heads.items():
        if " " in k:
            full_by_head.setdefault(h, set()).add(k)

    def group_key(key: str) -> str:
        if " " not in key:
            full = full_by_head.get(heads[key], set())
            if len(full) == 1:
                return next(iter(full))  # "Lavrov" joins "Sergey Lavrov"
        return key

    groups: dict[str, dict[str, Any]] = {}
    for art, ents in per.items():
        for e in ents:
            g = groups.setdefault(
                group_key(e.key), {"variants": {}, "articles": set(), "weight": 0.0, "mentions": 0}
            )
            g["variants"].setdefault(e.name, set()).add(art)
            g["articles"].add(art)
            g["weight"] = max(g["weight"], e.weight)
            g["mentions"] += e.mentions
    n = len(texts)
    out = []
    for key, g in groups.items():
        variants = {name: sorted(arts) for name, arts in g["variants"].items()}
        full = [v for v in variants if " " in v] or list(variants)
        counts = Counter({v: len(variants[v]) for v in full})
        name = strip_titles(max(full, key=lambda v: (counts[v], len(v))))
        # spelling variants: distinct full forms once titles are stripped ("Sergey"/"Sergei")
        forms = {strip_titles(v) for v in full}
        out.append(
            {
                "key": key,
                "name": name,
                "kind": _kind(name, list(texts.values()), speakers),
                "variants": variants,
                "spelling_variants": sorted(forms) if len(forms) > 1 else [],
                "articles": sorted(g["articles"]),
                "share": _share(len(g["articles"]), n),
                "weight": round(g["weight"], 2),
            }
        )
    out.sort(key=lambda g: (-len(g["articles"]), -g["weight"], g["name"]))
    return out


def _surface(text: str, value: float, unit: str) -> str | None:
    """The words that wrote a figure ("100%", "100 percent", "$196 million")."""
    toks, spans = tokenize(text)
    for i, t in enumerate(toks):
        v = parse_value(t)
        if v is None or (
            abs(v - value) > 1e-9
            and abs(v * 1e3 - value) > 1e-6
            and abs(v * 1e6 - value) > 1e-3
            and abs(v * 1e9 - value) > 1
        ):
            continue
        s, e = spans[i]
        j = i + 1
        while (
            j < len(toks)
            and j <= i + 2
            and toks[j] in ("%", "million", "billion", "thousand", "m", "bn", "per", "cent")
        ):
            e = spans[j][1]
            j += 1
        if (
            unit not in ("%", "$", "€", "£", "¥", "#")
            and j < len(toks)
            and not unit.startswith("magnitu")
        ):
            e = spans[j][1]
        if s and text[s - 1] in "$€£¥":
            s -= 1
        if unit.startswith("magnitu") and i:
            s = spans[i - 1][0]
        return text[s:e]
    return None


def article_figures(text: str) -> list[dict[str, Any]]:
    """Figures of one article, each with the words that wrote it and its sentence."""
    out: dict[tuple[str, float], dict[str, Any]] = {}
    for sent in sentences(text):
        u = unify_punctuation(sent.text)
        toks, spans = tokenize(u)
        for unit, value in extract_numbers(toks, spans, u):
            item = out.setdefault(
                (unit, value),
                {
                    "unit": unit,
                    "value": value,
                    "label": describe(unit, value),
                    "written": [],
                    "context": sent.text,
                },
            )
            w = _surface(sent.text, value, unit)
            if w and w not in item["written"]:
                item["written"].append(w)
        dates, _, _, _ = extract_dates(toks, u)
        for d in dates:
            out.setdefault(
                ("date", hash(d) % 10**9),
                {"unit": "date", "value": d, "label": d, "written": [], "context": sent.text},
            )
    return list(out.values())


def group_figures(texts: Mapping[int, str]) -> dict[str, Any]:
    """``{"figures": [...], "conflicts": [...]}``: each figure with how each article writes it."""
    per = {i: article_figures(t) for i, t in texts.items()}
    groups: dict[tuple[str, Any], dict[str, Any]] = {}
    for art, figs in per.items():
        for f in figs:
            g = groups.setdefault(
                (f["unit"], f["value"]),
                {"unit": f["unit"], "value": f["value"], "label": f["label"], "articles": {}},
            )
            g["articles"][art] = {"written": f["written"], "context": f["context"]}
    n = len(texts)
    figures = []
    for g in groups.values():
        written = {w for a in g["articles"].values() for w in a["written"]}
        figures.append(
            {
                **g,
                "articles": {str(k): v for k, v in sorted(g["articles"].items())},
                "article_ids": sorted(g["articles"]),
                "share": _share(len(g["articles"]), n),
                "wordings": sorted(written),
            }
        )
    figures.sort(key=lambda f: (-len(f["article_ids"]), f["unit"], str(f["value"])))
    # conflicts: a unit two articles both use, with no value in common
    conflicts = []
    by_unit: dict[str, dict[int, set[Any]]] = {}
    for f in figures:
        if f["unit"] in ("#", "date"):
            continue
        for a in f["article_ids"]:
            by_unit.setdefault(f["unit"], {}).setdefault(a, set()).add(f["value"])
    for unit, arts in sorted(by_unit.items()):
        ids = sorted(arts)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if arts[a].isdisjoint(arts[b]):
                    conflicts.append(
                        {
                            "unit": unit,
                            "a": a,
                            "b": b,
                            "a_values": sorted(arts[a]),
                            "b_values": sorted(arts[b]),
                            "a_labels": [describe(unit, v) for v in sorted(arts[a])],
                            "b_labels": [describe(unit, v) for v in sorted(arts[b])],
                        }
                    )
    return {"figures": figures, "conflicts": conflicts}
