"""Figures with their unit or context: "100%" == "100 percent", "1,000" == "1000",
"$30,000", "magnitude 6.1", "four people".

A figure is ``(unit, value)`` where the unit is "%", a currency sign, or the (stemmed) word
right after the number ("4 people" -> "people") or a context word right before it
("magnitude 6.1"). The same unit with different values is a conflict: two earthquakes of
magnitude 6.1 and 7.2 are two stories.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Protocol

from wordfreq import zipf_frequency

from storytrace.evidence.dates import is_year, month_of
from storytrace.evidence.terms import positions, term_key

MAX_FIGURES = 40
_NUM = re.compile(r"^\d+(?:[.,]\d+)*$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_SCALE = {
    "thousand": 1e3, "million": 1e6, "millions": 1e6, "mln": 1e6, "m": 1e6, "billion": 1e9,
    "billions": 1e9, "bn": 1e9, "trillion": 1e12, "tausend": 1e3, "millionen": 1e6,
    "milliarden": 1e9, "mil": 1e3, "millones": 1e6, "milyon": 1e6, "milyar": 1e9, "mln.": 1e6,
    "mld": 1e9, "tys": 1e3,
}  # fmt: skip
_CURRENCY = {"$": "$", "€": "€", "£": "£", "¥": "¥"}
_CURRENCY_WORDS = {"dollars": "$", "dollar": "$", "usd": "$", "euros": "€", "euro": "€",
                   "eur": "€", "pounds": "£", "gbp": "£"}  # fmt: skip
_BEFORE = frozenset({"magnitude", "aged", "age", "number", "no", "score", "richter", "flight",
                     "route", "highway", "level", "category", "stufe", "magnitud"})  # fmt: skip
_WORD_NUMS = {w: float(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split()) if i >= 2}  # fmt: skip
_FUNCTION_ZIPF = 6.4


class Spans(Protocol):
    """(start, end) offsets of token ``i``: a list of pairs, or anything indexed alike."""

    def __getitem__(self, i: int, /) -> tuple[int, int]: ...


def parse_value(tok: str, lang: str = "en") -> float | None:
    if not _NUM.match(tok):
        return None
    m = _THOUSANDS.match(tok)
    if m and (m.group(1) == "," or lang != "en"):
        return float(tok.replace(",", "").replace(".", ""))
    try:
        return float(tok.replace(",", "."))
    except ValueError:
        return None


def _unit_word(tok: str, lang: str) -> str | None:
    if len(tok) < 3 or not tok.isalpha() or month_of(tok) is not None:
        return None
    if zipf_frequency(tok, lang) >= _FUNCTION_ZIPF:
        return None
    return term_key(tok)


def _candidates(tokens: list[str], distinct: Iterable[str], lang: str) -> list[int]:
    """Positions of the tokens that can be figures (start with a digit, or a number word)."""
    words = _WORD_NUMS if lang == "en" else {}
    wanted = [t for t in distinct if t[:1].isdigit() or t in words]
    if not wanted:
        return []
    return sorted(i for tok in wanted for i in positions(tokens, tok))


def extract_numbers(
    tokens: list[str],
    spans: Spans,
    text: str,
    lang: str = "en",
    counts: Mapping[str, int] | None = None,
) -> list[tuple[str, float]]:
    """``(unit, value)`` figures of folded ``tokens`` (spans index punctuation-unified ``text``).

    ``counts``: the tokens' counts when the caller has them (only distinct tokens are read).
    """
    out: dict[tuple[str, float], None] = {}
    n = len(tokens)
    distinct = counts.keys() if counts is not None else set(tokens)
    for i in _candidates(tokens, distinct, lang):
        tok = tokens[i]
        value = _WORD_NUMS.get(tok) if lang == "en" else None
        numeric = value is None
        if numeric:
            value = parse_value(tok, lang)
        if value is None:
            continue
        s, e = spans[i]
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < n else ""
        if numeric:
            if text[e : e + 1] == ":" or text[s - 1 : s] == ":":
                continue  # clock time
            if month_of(prev) is not None or month_of(nxt) is not None:
                continue  # part of a date
            if is_year(tok) and nxt != "%":
                continue
        j = i + 1
        if j < n and tokens[j] in _SCALE:
            value *= _SCALE[tokens[j]]
            j += 1
        nxt = tokens[j] if j < n else ""
        unit: str | None = None
        sign = text[s - 1 : s] if s else ""
        if sign in _CURRENCY and numeric:
            unit = _CURRENCY[sign]
        elif nxt == "%":
            unit = "%"
        elif nxt in _CURRENCY_WORDS:
            unit = _CURRENCY_WORDS[nxt]
        elif prev in _BEFORE and numeric:
            unit = term_key(prev)
        else:
            unit = _unit_word(nxt, lang)
            if unit is None and not numeric:
                continue
        if not numeric and unit is None:
            continue
        out[(unit or "#", round(value, 3))] = None
        if len(out) >= MAX_FIGURES:
            break
    return list(out)


def describe(unit: str, value: float) -> str:
    v = f"{value:g}" if value < 1e6 else f"{value:,.0f}"
    if unit == "%":
        return f"{v}%"
    if unit in ("$", "€", "£", "¥"):
        return f"{unit}{v}"
    if unit.startswith("magnitu"):
        return f"magnitude {v}"
    if unit in _BEFORE or unit.startswith("richter"):
        return f"{unit} {v}"
    if unit == "#":
        return v
    return f"{v} {unit}"


def compare(
    a: list[tuple[str, float]], b: list[tuple[str, float]]
) -> tuple[list[tuple[str, float]], list[tuple[str, list[float], list[float]]]]:
    """(shared figures, conflicts as (unit, a's values, b's values)) for units both mention."""
    ua: dict[str, set[float]] = {}
    ub: dict[str, set[float]] = {}
    for u, v in a:
        ua.setdefault(u, set()).add(v)
    for u, v in b:
        ub.setdefault(u, set()).add(v)
    return compare_units(ua, ub)


def compare_units(
    ua: Mapping[str, set[float]], ub: Mapping[str, set[float]]
) -> tuple[list[tuple[str, float]], list[tuple[str, list[float], list[float]]]]:
    """:func:`compare` on each side's unit -> figures map (built once per article)."""
    shared: list[tuple[str, float]] = []
    conflicts: list[tuple[str, list[float], list[float]]] = []
    for u in ua.keys() & ub.keys():
        common = ua[u] & ub[u]
        if common:
            shared.extend((u, v) for v in sorted(common))
        elif u != "#":
            conflicts.append((u, sorted(ua[u]), sorted(ub[u])))
    return shared, conflicts
