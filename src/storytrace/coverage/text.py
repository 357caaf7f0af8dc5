"""Sentences with offsets, and the quote and name spans coverage needs (no model, just rules)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..normalize import normalize

UPPER = "".join(chr(c) for c in range(0x41, 0x250) if chr(c).isupper())
_ABBREV = frozenset(
    "mr mrs ms dr st jr sr gen gov sen rep lt col sgt capt prof no vs etc inc corp co ltd jan feb "
    "mar apr jun jul aug sep sept oct nov dec mt ft rev est approx fig dept univ".split()
)
# end of a sentence: . ! ? then closing quotes/brackets, whitespace, then an opening of a new one
_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"“‘(\[]?[" + UPPER + r"0-9])")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int

    @property
    def key(self) -> str:
        return normalize(self.text)


def _is_abbrev(text: str, dot: int) -> bool:
    """Whether the '.' at ``dot`` ends an abbreviation ("U.S.", "Mr.", "Gen.")."""
    m = re.search(r"([\w.]+)$", text[:dot])
    if not m:
        return False
    word = m.group(1)
    if re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", word):  # U.S, U.N, J
        return True
    return word.lower() in _ABBREV


def sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with offsets; paragraphs (split at line breaks) never merge."""
    out: list[Sentence] = []
    para = 0
    for pm in re.finditer(r"[^\n]+", text):
        p_start, chunk = pm.start(), pm.group()
        if not chunk.strip():
            continue
        cut = 0
        quoted = quote_spans(chunk)
        for m in _END.finditer(chunk):
            if chunk[m.start()] == "." and _is_abbrev(chunk, m.start()):
                continue
            if any(s < m.end() - 1 < e - 1 for s, e, _ in quoted):
                continue  # inside a quotation: "... in weeks. The channel is ...," said X
            end = m.end()
            _add(out, text, p_start + cut, p_start + end, para)
            cut = end
        _add(out, text, p_start + cut, p_start + len(chunk), para)
        para += 1
    return out


def _add(out: list[Sentence], text: str, start: int, end: int, para: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end], para))


# Quotes: “…”, "…", «…», „…“ on one line.
_QUOTE = re.compile(r"“([^“”\n]+)”|\"([^\"\n]+)\"|«([^«»\n]+)»|„([^„“”\n]+)[“”]")


def quote_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, inner text)`` of each double-quoted span (the marks included in the span)."""
    out = []
    for m in _QUOTE.finditer(text):
        inner = next(g for g in m.groups() if g is not None)
        out.append((m.start(), m.end(), inner))
    return out


def inside(spans: list[tuple[int, int, str]], pos: int) -> bool:
    return any(s <= pos < e for s, e, _ in spans)
