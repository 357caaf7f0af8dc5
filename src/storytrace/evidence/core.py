"""The :class:`Evidence` of one article and the pure function that computes it."""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cached_property
from typing import Any

import numpy as np
import xxhash

from storytrace.evidence.dates import extract_dates, parse_published
from storytrace.evidence.embed import MAX_CHARS, embed_texts, embeds, quantize
from storytrace.evidence.entities import Entity, extract_entities
from storytrace.evidence.language import detect_language, wordlist_lang
from storytrace.evidence.numbers import extract_numbers
from storytrace.evidence.pairkeys import PairKeys, pair_keys
from storytrace.evidence.quotes import extract_quotes
from storytrace.evidence.terms import idf, terms_and_words, terms_of_counts
from storytrace.match.shingle import anchors, token_shingles
from storytrace.normalize import tokenize, unify_punctuation

SHINGLE = 5
SHINGLE_MOD = 8  # keep 1 in 8 shingles (match.anchors), so two texts keep the same ones
MAX_SHINGLES = 160
MAX_INDEX_KEYS = 30
LEAD_WORDS = 20  # headline plus the start of the lede: what a reader compares first
VERSION = 3  # bumped when fields are added; older stored evidence still loads


@dataclass(frozen=True)
class Evidence:
    """What a journalist would compare between two articles, precomputed for one article.

    ``terms``: content term -> weight (wordfreq IDF x log tf); ``title_terms``: terms of the
    headline; ``entities``: named entities with spelling-robust keys; ``quotes``: normalised
    quotations; ``numbers``: (unit, value) figures; ``dates``: mentioned dates ("YYYY-MM-DD" or
    "MM-DD"); ``years``/``months``/``weekdays`` mentioned; ``shingles``: a hash-sampled subset
    of word 5-gram hashes (shared passages); ``published``: ISO timestamp or None.
    """

    lang: str = "en"
    terms: dict[str, float] = field(default_factory=dict)
    title_terms: tuple[str, ...] = ()
    entities: tuple[Entity, ...] = ()
    quotes: tuple[str, ...] = ()
    numbers: tuple[tuple[str, float], ...] = ()
    dates: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    months: tuple[int, ...] = ()
    weekdays: tuple[int, ...] = ()
    shingles: tuple[int, ...] = ()
    published: str | None = None
    n_words: int = 0
    words: dict[str, float] = field(default_factory=dict)
    lead: tuple[str, ...] = ()
    embedding: bytes = b""
    """The headline and lead's sentence embedding, quantised (:mod:`.embed`); empty when the
    language has none or the run was asked for none."""
    version: int = VERSION

    # Derived views, computed once per instance (not part of equality or the JSON form).
    @cached_property
    def entity_heads(self) -> dict[str, float]:
        """head key -> weight; a bare surname and the full name share a head."""
        out: dict[str, float] = {}
        for e in self.entities:
            out[e.head] = max(out.get(e.head, 0.0), e.weight)
        return out

    @cached_property
    def collection_keys(self) -> tuple[np.ndarray, np.ndarray, int]:
        """The terms, then the entity heads, as stable 64-bit hashes of ``"t:term"`` and
        ``"e:head"``; their weights; and how many of them are terms. The pair score
        (:attr:`pair_keys`) and the re-check's rarity statistics
        (:func:`storytrace.stories.profile.contrast_matrix`) read these arrays."""
        names = [*("t:" + k for k in self.terms), *("e:" + k for k in self.entity_heads)]
        hashes = np.array([xxhash.xxh3_64_intdigest(k.encode()) for k in names], dtype=np.uint64)
        weights = np.array([*self.terms.values(), *self.entity_heads.values()], dtype=np.float64)
        return hashes.view(np.int64), weights, len(self.terms)

    @cached_property
    def published_dt(self) -> datetime | None:
        return parse_published(self.published)

    @cached_property
    def pair_keys(self) -> PairKeys:
        """What the pair score reads of this article, as sorted arrays (see :mod:`.pairkeys`)."""
        return pair_keys(self)

    @cached_property
    def fingerprint(self) -> bytes:
        """A 128-bit digest of the content: equal evidence parsed twice shares it, so a cache
        of pair scores stays valid when a store's evidence cache parses an article again."""
        return _digest(self.to_json())

    @cached_property
    def content_key(self) -> int:
        """The first 64 bits of :attr:`fingerprint`, as a signed integer: the key of this
        content in native tables (two contents share one with probability 2^-64 per pair)."""
        return int.from_bytes(self.fingerprint[:8], "little", signed=True)

    def index_keys(self) -> frozenset[str]:
        """A few discriminative keys to find candidate stories: entities, rare terms, quotes."""
        return self._index_keys

    @cached_property
    def _index_keys(self) -> frozenset[str]:
        # Cached: every story add, move and re-check reads them again.
        keys: list[str] = []
        keys += ["q:" + _h(q) for q in self.quotes[:6]]
        heads = sorted(self.entity_heads.items(), key=lambda kv: (-kv[1], kv[0]))
        keys += ["e:" + h for h, _ in heads[:12]]
        # Keys any language shares: the full dates and the telling figures an article
        # mentions, so that a translation whose names are translated too is still found.
        keys += ["d:" + d for d in self.dates if len(d) == 10][:2]
        keys += ["v:" + _figure(v) for v in _telling_figures(self.numbers)][:3]
        rare = sorted(self.terms.items(), key=lambda kv: (-kv[1], kv[0]))
        keys += ["t:" + t for t, _ in rare[: MAX_INDEX_KEYS - len(keys)]]
        share = _SHARED.setdefault
        return frozenset(share(k, k) for k in keys[:MAX_INDEX_KEYS])

    def to_json(self) -> str:
        # Fields read directly (dataclasses.asdict deep-copies every dict and tuple).
        d: dict[str, Any] = {}
        for name in _FIELDS:
            v = getattr(self, name)
            if v not in _EMPTY or name in ("lang", "version"):
                d[name] = v
        if "entities" in d:
            d["entities"] = [list(e) for e in self.entities]
        if "embedding" in d:
            d["embedding"] = base64.b64encode(self.embedding).decode("ascii")
        return json.dumps(d, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, s: str) -> Evidence:
        d: dict[str, Any] = json.loads(s)
        d.setdefault("version", 1)  # evidence stored before versions existed
        tuples = (
            "title_terms", "quotes", "dates", "years", "months", "weekdays", "shingles", "lead",
        )  # fmt: skip
        for k in tuples:
            if k in d:
                d[k] = tuple(d[k])
        if "entities" in d:
            d["entities"] = tuple(Entity(*e) for e in d["entities"])
        _share_strings(d)
        if "numbers" in d:
            d["numbers"] = tuple((u, float(v)) for u, v in d["numbers"])
        if "embedding" in d:
            d["embedding"] = _embedding(d["embedding"])
        ev = cls(**d)
        # The stored text names the content as well as to_json() would, and costs nothing more.
        ev.__dict__["fingerprint"] = _digest(s)
        return ev

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Unpickled from an ingest worker: its words join the ones the cache already holds.
        _share_strings(state)
        self.__dict__.update(state)


# One object per distinct word, name or index key among the evidence a process holds: the
# ingest's evidence cache holds tens of thousands of articles that share most of their words,
# and shared strings take less memory per cached article, so that more of the time window
# stays parsed. Bounded: past
# _MAX_SHARED strings the table starts again (the strings already shared stay shared).
_SHARED: dict[str, str] = {}
_MAX_SHARED = 1 << 20


def _share_strings(d: dict[str, Any]) -> None:
    """Replace, in ``d`` (``Evidence`` fields by name), each string by its shared object."""
    if len(_SHARED) > _MAX_SHARED:
        _SHARED.clear()
    share = _SHARED.setdefault
    for name in ("words", "terms"):
        if name in d:
            d[name] = {share(k, k): v for k, v in d[name].items()}
    for name in ("title_terms", "lead"):
        if name in d:
            d[name] = tuple(share(w, w) for w in d[name])
    if "entities" in d:
        d["entities"] = tuple(
            Entity(
                share(e.key, e.key),
                share(e.head, e.head),
                share(e.name, e.name),
                e.mentions,
                e.weight,
            )
            for e in d["entities"]
        )
    if "_index_keys" in d:
        d["_index_keys"] = frozenset(share(k, k) for k in d["_index_keys"])


_FIELDS = tuple(f.name for f in fields(Evidence))


def _telling_figures(numbers: tuple[tuple[str, float], ...]) -> list[float]:
    """Figures that tell one event from another: fractions and values of 100 or more that
    are not years (counts below 100 recur in every story)."""
    found: list[float] = []
    for _, v in numbers:
        year = v.is_integer() and 1900 <= v <= 2100
        if (not v.is_integer() or v >= 100) and not year and v not in found:
            found.append(v)
    return found


def _figure(v: float) -> str:
    return f"{v:g}"


_EMPTY: tuple[Any, ...] = ((), [], {}, None, 0, b"")


def _embedding(stored: str | list[float]) -> bytes:
    """Quantised bytes from the stored base64, or from a float list (evidence of version 2)."""
    if isinstance(stored, str):
        return base64.b64decode(stored)
    return quantize(np.array(stored, dtype=np.float64)) if stored else b""


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _h(s: str) -> str:
    return xxhash.xxh32_hexdigest(s.encode())


def _shingles(tokens: list[str]) -> tuple[int, ...]:
    """The anchors (1 in ``SHINGLE_MOD``) of the text's shingles, in match's one scheme,
    sorted; when there are too many, the smallest, a consistent sample across texts."""
    if len(tokens) < SHINGLE:
        return ()
    kept = anchors(token_shingles(tokens, SHINGLE), modulus=SHINGLE_MOD)
    return tuple(kept[:MAX_SHINGLES].astype(np.int64).tolist())


def _split_title(text: str) -> tuple[str | None, str]:
    """A short first line followed by a line break is the headline."""
    first, sep, rest = text.lstrip().partition("\n")
    if sep and 0 < len(first.split()) <= 25 and not first.rstrip().endswith(":"):
        return first.strip(), rest
    return None, text


def _with_title(text: str, title: str | None) -> tuple[str, str | None]:
    """The text with its headline on top, and the headline (found in the text when not given)."""
    text = unify_punctuation(text)
    if title is None:
        title, _ = _split_title(text)
    else:
        title = unify_punctuation(title)
        if not text.lstrip().startswith(title.strip()):
            text = title + "\n" + text
    return text, title


def embedding_input(text: str, title: str | None = None) -> str:
    """What the sentence embedding of an article reads: two cleanings of an article with the
    same input share the embedding (a re-cleaning that only drops a closing block)."""
    return _with_title(text, title)[0][:MAX_CHARS]


def extract_evidence(
    text: str,
    *,
    title: str | None = None,
    published: str | None = None,
    lang: str | None = None,
    embed: bool = False,
    embedding: bytes | None = None,
) -> Evidence:
    """Evidence of one cleaned article body (pure; no corpus statistics needed).

    ``lang``: the text's language when known, else detected. ``embed``: add the sentence
    embedding of the headline and lead (when the model knows the language); ``embedding``:
    one already computed for the same :func:`embedding_input`, used instead."""
    text, title = _with_title(text, title)
    lang = lang or detect_language(text)
    words_of = wordlist_lang(lang)
    tokens, spans = tokenize(text)
    counts = Counter(tokens)
    terms, words = terms_and_words(counts, words_of)
    title_terms: tuple[str, ...] = ()
    if title:
        tw = terms_of_counts(Counter(tokenize(title)[0]), words_of, limit=15)
        title_terms = tuple(sorted(tw, key=lambda k: -tw[k]))
    dates, years, months, weekdays = extract_dates(tokens, text, counts)
    lead = tuple(dict.fromkeys(t for t in tokens[:LEAD_WORDS] if t in words))
    return Evidence(
        lang=lang,
        embedding=(embedding or embed_texts([text])[0]) if embed and embeds(lang) else b"",
        terms=terms,
        title_terms=title_terms,
        entities=tuple(extract_entities(text, words_of)),
        quotes=tuple(extract_quotes(text)),
        numbers=tuple(extract_numbers(tokens, spans, text, words_of, counts)),
        dates=tuple(dates),
        years=tuple(years),
        months=tuple(months),
        weekdays=tuple(weekdays),
        shingles=_shingles(tokens),
        published=published,
        n_words=len(tokens),
        words=words,
        lead=lead,
    )


__all__ = ["Evidence", "Entity", "extract_evidence", "idf"]
