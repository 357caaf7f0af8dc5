"""Attribution: the sources an article claims, from its text, its removed boilerplate and metadata.

Kinds of claim, strongest first:

* ``outlet``: the article is on the agency's own site (or its metadata names the agency as outlet).
* ``dateline``: "BELGRADE, Serbia (AP) —", "LONDON, March 3 (Reuters) -" near the top.
* ``byline``: a "By ..." line (or ``author``/``byline`` metadata) naming an agency.
* ``credit``: "this Associated Press story", "Meridian Press contributed to this report",
  "© Reuters", "provided by AFP", a ``source``/``credit`` metadata field.
* ``reporting``: "based on reporting by ...", "with reporting from/by ...".
* ``according-to``: "according to the Russian TASS news agency", "according to AFAD" (any named
  source, agency or not: the claimed source of one statement, not of the article).
* ``reported-by``: "TASS reported", "told Reuters".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .agencies import Agencies, default_agencies
from .text import UPPER

STRONG = ("outlet", "dateline", "byline", "credit", "reporting")


@dataclass(frozen=True, slots=True)
class Claim:
    """One claimed source. ``agency`` is the canonical agency name when the source is a known
    agency, else None; ``start``/``end`` are offsets into the text (-1 outside the text)."""

    kind: str
    source: str
    agency: str | None
    code: str | None
    evidence: str
    where: str  # "text", "boilerplate" or "meta"
    start: int = -1
    end: int = -1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_DATELINE = re.compile(
    r"^(?P<place>[" + UPPER + r"][^\n()]{1,80}?)\s*\((?P<code>[^()\n]{1,40})\)\s*[-–—:]+\s",
    re.MULTILINE,
)
_BYLINE = re.compile(r"^\s*By\s+(?P<who>[^\n]{2,120})$", re.MULTILINE)
_ACCORDING = re.compile(r"\baccording to\s+(?P<rest>[^.;:\n]{1,100})", re.IGNORECASE)


def _snippet(text: str, start: int, end: int, width: int = 60) -> str:
    s = max(0, start - width)
    e = min(len(text), end + width)
    return (
        ("…" if s else "") + text[s:e].replace("\n", " ").strip() + ("…" if e < len(text) else "")
    )


def _claim(
    kind: str, written: str, ag: Agencies, text: str, where: str, s: int, e: int, offsets: bool
) -> Claim:
    agency = ag.lookup(written)
    return Claim(
        kind=kind,
        source=written.strip(),
        agency=agency.name if agency else None,
        code=agency.code if agency else None,
        evidence=_snippet(text, s, e),
        where=where,
        start=s if offsets else -1,
        end=e if offsets else -1,
    )


def _datelines(text: str, ag: Agencies, where: str, offsets: bool) -> list[Claim]:
    out = []
    head = text[:600]
    for m in _DATELINE.finditer(head):
        place, code = m.group("place").strip(), m.group("code").strip()
        first = place.split()[0].strip(",")
        # a dateline place is in capitals ("BELGRADE") or short and comma-separated
        if not (first.isupper() and len(first) >= 2) and "," not in place:
            continue
        if len(place.split()) > 8:
            continue
        known = ag.lookup(code)
        if known is None and not re.fullmatch(r"[" + UPPER + r"][\w./&' -]{0,24}", code):
            continue
        c = _claim("dateline", code, ag, text, where, m.start(), m.end(), offsets)
        out.append(c)
    return out


def _agency_in(fragment: str, ag: Agencies) -> str | None:
    pat = ag.pattern()
    if not pat:
        return None
    m = re.search(r"(?<![\w-])(?:" + pat + r")(?![\w-])", fragment)
    return m.group() if m else None


def _prose(text: str, ag: Agencies, where: str, offsets: bool) -> list[Claim]:
    out: list[Claim] = []
    pat = ag.pattern()
    form = r"(?P<ag>" + pat + r")" if pat else r"(?P<ag>(?!x)x)"
    rules = [
        (
            "reporting",
            r"\b(?i:based\s+on|with|additional|contains)\s+(?i:additional\s+)?(?i:reporting)\s+(?i:by|from)\s+(?:the\s+)?"
            r"(?P<who>[" + UPPER + r"][^.;\n]{1,80})",
        ),
        (
            "credit",
            r"(?P<who>["
            + UPPER
            + r"][\w.&'’ -]{1,60}?)\s+contributed\s+to\s+this\s+(?:report|story|article)",
        ),
        (
            "credit",
            r"\b(?:this|an?|the)\s+"
            + form
            + r"\s+(?:story|report|article|dispatch|wire\s+story)\b",
        ),
        ("credit", r"(?:©|\bCopyright)\s*(?:©\s*)?(?:\d{4}\s+)?(?:The\s+)?" + form + r"(?![\w-])"),
        (
            "credit",
            r"\b(?:provided|supplied|distributed|written)\s+by\s+(?:the\s+)?" + form + r"(?![\w-])",
        ),
        (
            "reported-by",
            r"(?<![\w-])" + form + r"\s+(?:news\s+agency\s+)?(?:reported|said\s+in\s+a\s+report)\b",
        ),
        (
            "reported-by",
            r"\b(?:told|quoted\s+by|cited\s+by|in\s+an\s+interview\s+with)\s+(?:the\s+)?"
            + form
            + r"(?![\w-])",
        ),
    ]
    for kind, rx in rules:
        for m in re.finditer(rx, text):
            written = m.group("ag") if "ag" in m.groupdict() and m.group("ag") else m.group("who")
            if kind in ("reporting", "credit") and "who" in m.groupdict() and m.group("who"):
                # "reporting by Meridian Press and staff" -> the agency if one is named
                written = _agency_in(m.group("who"), ag) or m.group("who").strip()
            out.append(_claim(kind, written, ag, text, where, m.start(), m.end(), offsets))
    for m in _ACCORDING.finditer(text):
        rest = m.group("rest")
        found = _agency_in(rest, ag)
        if found is None:
            # a named source: "according to Turkey's Disaster ... Authority", "according to AFAD"
            words = rest.split(",")[0].split()
            if not words or not any(w[:1].isupper() for w in words[:4]):
                continue
            found = " ".join(words[:8]).rstrip(",")
        out.append(_claim("according-to", found, ag, text, where, m.start(), m.end(), offsets))
    for m in _BYLINE.finditer(text):
        who = _agency_in(m.group("who"), ag)
        if who:
            out.append(_claim("byline", who, ag, text, where, m.start(), m.end(), offsets))
    return out


_META_FIELDS = ("author", "byline", "source", "credit", "creator", "publisher", "copyright")


def _meta(meta: Mapping[str, Any], outlet: str | None, ag: Agencies) -> list[Claim]:
    out: list[Claim] = []
    name = meta.get("outlet") or meta.get("site_name")
    for a in ag.items:
        if a.owns(outlet, str(name) if name else None):
            out.append(
                Claim(
                    "outlet",
                    str(name or outlet),
                    a.name,
                    a.code,
                    f"published by {name or outlet}",
                    "meta",
                )
            )
            break
    for key in _META_FIELDS:
        val = meta.get(key)
        vals = val if isinstance(val, list) else [val]
        for v in vals:
            if isinstance(v, str) and v.strip():
                found = _agency_in(v, ag) or (v if ag.lookup(v) else None)
                if found:
                    kind = "byline" if key in ("author", "byline", "creator") else "credit"
                    out.append(_claim(kind, found, ag, f"{key}: {v}", "meta", 0, 0, False))
    return out


def attribution(
    text: str,
    meta: Mapping[str, Any] | None = None,
    *,
    outlet: str | None = None,
    boilerplate: Sequence[str] = (),
    agencies: Agencies | None = None,
) -> list[Claim]:
    """The sources ``text`` (a cleaned body) claims; ``boilerplate`` are blocks removed from it
    (disclaimers and credit lines usually end up there); ``meta`` the article's metadata."""
    ag = agencies or default_agencies()
    claims = _meta(meta or {}, outlet, ag)
    claims += _datelines(text, ag, "text", True)
    claims += _prose(text, ag, "text", True)
    for block in boilerplate:
        claims += _datelines(block, ag, "boilerplate", False)
        claims += _prose(block, ag, "boilerplate", False)
    # one claim per (kind, source, where, start): rules can overlap
    seen: set[tuple[str, str, str, int]] = set()
    out = []
    for c in claims:
        k = (c.kind, c.agency or c.source, c.where, c.start)
        if k not in seen:
            seen.add(k)
            out.append(c)
    return out


def wire_claims(claims: Sequence[Claim]) -> list[Claim]:
    """Claims that say the article is (a copy of) an agency's story, not just cites it."""
    return [c for c in claims if c.agency and c.kind in STRONG]
