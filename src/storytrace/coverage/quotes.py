"""Quotations with their speaker, and the same quote across articles (verbatim, shortened, altered).

The speaker is who the sentence says is speaking: a name next to a speech verb ("Dacic said",
"said Ioana Petrescu", "Lavrov said Wednesday"), the nearest one to the quote when there are
several; "he said" and unattributed follow-on quotes take the previous speaker. Names are
resolved to the fullest form the article uses ("Dacic" -> "Ivica Dacic").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from wordfreq import zipf_frequency

from ..evidence.entities import extract_entities, skeleton
from ..normalize import unify_punctuation, words
from .text import UPPER, Sentence, quote_spans, sentences

MIN_WORDS = 3
_VERB = (
    r"(?:said|says|say|told|tells|added|adds|adding|stated|states|warned|warns|insisted|"
    r"explained|noted|notes|wrote|writes|declared|argued|asked|replied|announced|recalled|"
    r"acknowledged|admitted|conceded|stressed|urged|cautioned)"
)
_NAME = (
    r"["
    + UPPER
    + r"][\w'’.-]*(?:\s+(?:(?:de|da|van|von|al|bin|del)\s+)?["
    + UPPER
    + r"][\w'’.-]*)*"
)
_ADV = r"(?:\s+(?:also|later|then|previously|repeatedly|earlier|again|once|has|had|have|was|is))*"
_BEFORE = re.compile(
    r"(?P<name>" + _NAME + r"|\b[Hh]e|\b[Ss]he|\b[Tt]hey)" + _ADV + r"\s+" + _VERB + r"\b"
)
_AFTER = re.compile(r"\b" + _VERB + r"\s+(?P<name>" + _NAME + r")")
_PRONOUNS = frozenset({"he", "she", "they"})


@dataclass(frozen=True, slots=True)
class Quote:
    article: int
    start: int  # offsets of the quoted words (without the marks) in the article text
    end: int
    text: str
    words: tuple[str, ...]
    speaker: str | None


_DEMONYM = re.compile(r"(?:ian|ean|ese|ish|ian's|i)$")


def strip_titles(name: str) -> str:
    """ "Romanian Transport Minister Adrian Voinea" -> "Adrian Voinea" (titles are common words)."""
    ws = name.split()
    while len(ws) > 2 and (zipf_frequency(ws[0].lower(), "en") >= 4.0 or _DEMONYM.search(ws[0])):
        ws = ws[1:]
    return " ".join(ws)


def _canonical(raw: str, names: Mapping[str, str]) -> str | None:
    """The article's fullest name for ``raw`` ("Serbia's Foreign Minister Ivica Dacic" -> "Ivica Dacic")."""
    raw = re.split(r"['’]s\s+", raw)[-1].strip(" .,")
    ws = raw.split()
    while len(ws) > 1 and zipf_frequency(ws[0].lower(), "en") >= 4.3:
        ws = ws[1:]  # titles: "Foreign Minister", "Transport Minister", "President"
    if not ws or ws[0].lower() in ("the", "a", "an"):
        return None
    head = skeleton(ws[-1].replace("’", "'").removesuffix("'s"))
    return names.get(head, " ".join(ws))


def _speakers_in(
    sentence: str, qspans: list[tuple[int, int]], names: Mapping[str, str]
) -> list[tuple[int, str | None]]:
    """(position, speaker) candidates of one sentence; speaker None stands for a pronoun."""
    masked = list(sentence)
    for s, e in qspans:
        masked[s:e] = "\x00" * (e - s)
    m_text = "".join(masked)
    out: list[tuple[int, str | None]] = []
    for m in _BEFORE.finditer(m_text):
        raw = m.group("name")
        if raw.lower() in _PRONOUNS:
            out.append((m.start(), None))
        else:
            name = _canonical(raw, names)
            if name:
                out.append((m.end(), name))
    if not any(n for _, n in out):
        for m in _AFTER.finditer(m_text):
            name = _canonical(m.group("name"), names)
            if name:
                out.append((m.start(), name))
    return out


def _first_name(sentence: str, names: Mapping[str, str]) -> str | None:
    """The first known multi-word name in a sentence (what "he said" refers back to)."""
    for m in re.finditer(_NAME, sentence):
        cand = _canonical(m.group(), names)
        if cand and " " in cand:
            return cand
        if cand and cand in names.values():
            return cand
    return None


def article_quotes(article_id: int, text: str, min_words: int = MIN_WORDS) -> list[Quote]:
    """The quotes of one article (``min_words`` or more words), each with its speaker or None."""
    names: dict[str, str] = {}
    for ent in extract_entities(unify_punctuation(text)):
        name = strip_titles(ent.name)
        if len(name) > len(names.get(ent.head, "")):
            names[ent.head] = name
    spans = quote_spans(text)
    out: list[Quote] = []
    last: str | None = None
    last_para = -1
    prev_sentence: Sentence | None = None
    for sent in sentences(text):
        if sent.paragraph > last_para + 1:
            last = None  # a speaker does not carry over a paragraph with no quote
        inner = [(s, e, q) for s, e, q in spans if sent.start <= s < sent.end]
        if not inner:
            prev_sentence = sent
            continue
        local = [(s - sent.start, min(e, sent.end) - sent.start) for s, e, _ in inner]
        cands = _speakers_in(sent.text, local, names)
        for (s, e, q), (ls, le) in zip(inner, local, strict=True):
            ws = tuple(words(q))
            if len(ws) < min_words:
                continue
            speaker: str | None = None
            if cands:
                pos, speaker = min(cands, key=lambda c: min(abs(c[0] - ls), abs(c[0] - le)))
            if speaker is None:
                speaker = last
                if speaker is None and prev_sentence is not None:
                    speaker = _first_name(prev_sentence.text, names)
            out.append(Quote(article_id, s + 1, e - 1, q, ws, speaker))
            last = speaker or last
        last_para = sent.paragraph
        prev_sentence = sent
    return out


def _contains(long: Sequence[str], short: Sequence[str]) -> bool:
    n = len(short)
    return any(tuple(long[i : i + n]) == tuple(short) for i in range(len(long) - n + 1))


def relation(a: Sequence[str], b: Sequence[str]) -> str | None:
    """How quote ``b`` relates to quote ``a``: verbatim, shortened, extended, altered or None."""
    if tuple(a) == tuple(b):
        return "verbatim"
    if len(b) < len(a) and _contains(a, b):
        return "shortened"
    if len(a) < len(b) and _contains(b, a):
        return "extended"
    sa, sb = " ".join(a), " ".join(b)
    if fuzz.ratio(sa, sb) >= 80 or (min(len(a), len(b)) >= 5 and fuzz.partial_ratio(sa, sb) >= 90):
        return "altered"
    return None


def group_quotes(
    quotes: Mapping[int, Sequence[Quote]],
    reference: int | None = None,
    n_articles: int | None = None,
) -> list[dict[str, Any]]:
    """The same quote across articles: one group per quotation, with each article's version.

    A version's ``status`` is relative to the group's reference version (the ``reference``
    article's, else the longest): verbatim, shortened (a part of it), extended, altered.
    """
    flat = [q for qs in quotes.values() for q in qs]
    parent = list(range(len(flat)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in range(len(flat)):
        for j in range(i + 1, len(flat)):
            if flat[i].article != flat[j].article and relation(flat[i].words, flat[j].words):
                parent[find(i)] = find(j)
    groups: dict[int, list[Quote]] = {}
    for i, q in enumerate(flat):
        groups.setdefault(find(i), []).append(q)
    n = n_articles if n_articles is not None else len(quotes)
    out: list[dict[str, Any]] = []
    for members in groups.values():
        ref = next((q for q in members if q.article == reference), None)
        if ref is None:
            ref = max(members, key=lambda q: (len(q.words), -q.article))
        carriers = []
        for q in sorted(members, key=lambda q: (q.article, q.start)):
            status = relation(ref.words, q.words) or "altered"
            carriers.append(
                {
                    "article": q.article,
                    "text": q.text,
                    "speaker": q.speaker,
                    "status": status,
                    "start": q.start,
                    "end": q.end,
                }
            )
        arts = sorted({q.article for q in members})
        speakers = Counter(q.speaker for q in members if q.speaker)
        out.append(
            {
                "text": ref.text,
                "speaker": speakers.most_common(1)[0][0] if speakers else None,
                "articles": arts,
                "share": _share(len(arts), n),
                "changed": any(c["status"] != "verbatim" for c in carriers),
                "carriers": carriers,
            }
        )
    out.sort(
        key=lambda g: (
            -len(g["articles"]),
            min(c["article"] for c in g["carriers"]),
            min(c["start"] for c in g["carriers"]),
        )
    )
    for i, g in enumerate(out):
        g["id"] = i
    return out


def _share(k: int, n: int) -> str:
    return "all" if k >= n and n > 1 else ("one" if k <= 1 else "some")
