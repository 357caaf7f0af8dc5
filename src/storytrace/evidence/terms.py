"""Weighted content terms with a corpus-free IDF taken from wordfreq.

A word's weight is how rare it is in the language at large (``7 - zipf``), so no corpus
statistics are needed and an article's evidence can be computed on its own. Very frequent
words (zipf >= 5.6, i.e. function words and "said") are dropped as stop words.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from wordfreq import zipf_frequency

STOP_ZIPF = 5.6
MAX_IDF = 6.0
MAX_TERMS = 80
_PREFIX = 7  # a crude stemmer that works in most European languages


@lru_cache(maxsize=262144)
def idf(word: str, lang: str = "en") -> float:
    """Rarity of a folded word: 0 for the commonest words, up to MAX_IDF for unknown ones."""
    z = zipf_frequency(word, lang)
    if z == 0.0 and lang != "en":
        # Names and loan words are often only known in English.
        z = zipf_frequency(word, "en")
    return max(0.0, min(MAX_IDF, 7.0 - z))


@lru_cache(maxsize=262144)
def term_key(word: str) -> str:
    """A light stem: plural "s" dropped, then cut to a prefix ("sentenced" ~ "sentences")."""
    if len(word) >= 5 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word[:_PREFIX]


@lru_cache(maxsize=262144)
def is_content(word: str, lang: str = "en") -> bool:
    if len(word) < 2 or not word.isalpha():
        return False
    return zipf_frequency(word, lang) < STOP_ZIPF


def weighted_terms(tokens: list[str], lang: str = "en", limit: int = MAX_TERMS) -> dict[str, float]:
    """``term -> (1 + log tf) * idf`` for the ``limit`` heaviest content terms."""
    return terms_of_counts(Counter(tokens), lang, limit)


@lru_cache(maxsize=262144)
def _info(word: str, lang: str) -> tuple[str, float] | None:
    """(term key, idf) of a content word, None for other tokens: one cached lookup per word."""
    if not is_content(word, lang):
        return None
    return term_key(word), idf(word, lang)


def terms_of_counts(
    counts: Mapping[str, int], lang: str = "en", limit: int = MAX_TERMS
) -> dict[str, float]:
    """:func:`weighted_terms` from token counts (each distinct token looked up once)."""
    tf: dict[str, int] = {}
    rarity: dict[str, float] = {}
    for w, c in counts.items():
        info = _info(w, lang)
        if info is None:
            continue
        k, r = info
        tf[k] = tf.get(k, 0) + c
        if r > rarity.get(k, -1.0):
            rarity[k] = r
    scored = {k: (1.0 + math.log(c)) * rarity[k] for k, c in tf.items() if rarity[k] > 0.5}
    top = sorted(scored.items(), key=_by_weight)[:limit]
    return {k: round(v, 2) for k, v in top}


def _by_weight(kv: tuple[str, float]) -> tuple[float, str]:
    return -kv[1], kv[0]


MAX_WORDS = 160
GRAM = 4


def weighted_words(tokens: list[str], lang: str = "en", limit: int = MAX_WORDS) -> dict[str, float]:
    """Unstemmed content words ``-> (1 + log tf) * idf`` (their character grams do the stemming)."""
    return words_of_counts(Counter(tokens), lang, limit)


def words_of_counts(
    counts: Mapping[str, int], lang: str = "en", limit: int = MAX_WORDS
) -> dict[str, float]:
    """:func:`weighted_words` from token counts."""
    scored: list[tuple[str, float]] = []
    for w, c in counts.items():
        info = _info(w, lang)
        if info is not None:
            v = (1.0 + math.log(c)) * info[1]
            if v > 0.5:
                scored.append((w, v))
    scored.sort(key=_by_weight)
    return {w: round(v, 2) for w, v in scored[:limit]}


_LOG_TF = [0.0] + [1.0 + math.log(c) for c in range(1, 512)]  # the tf factor of small counts
_MISS: Any = object()  # a word not looked up yet
_WORD_INFO: dict[str, dict[str, tuple[str, float, float] | None]] = {}
_MAX_CACHED = 262144


def _word_info(lang: str) -> dict[str, tuple[str, float, float] | None]:
    """word -> (term key, idf, idf rounded to 2 decimals) or None, for one language."""
    cache = _WORD_INFO.get(lang)
    if cache is None or len(cache) > _MAX_CACHED:
        cache = _WORD_INFO[lang] = {}
    return cache


def terms_and_words(
    counts: Mapping[str, int],
    lang: str = "en",
    term_limit: int = MAX_TERMS,
    word_limit: int = MAX_WORDS,
) -> tuple[dict[str, float], dict[str, float]]:
    """``(terms_of_counts(counts), words_of_counts(counts))`` in one pass over the tokens.

    The values are computed with the same float operations in the same order, so they are
    identical: ``(1 + log 1) * idf`` is ``idf`` itself, and a tie in weight is broken by the
    key in both (sorting ``(-weight, key)`` tuples instead of calling a key function).
    """
    cache = _word_info(lang)
    get = cache.get
    log_tf = _LOG_TF
    small = len(log_tf)
    tf: dict[str, int] = {}
    rarity: dict[str, float] = {}
    scored: list[tuple[float, str, float | None]] = []
    for w, c in counts.items():
        info = get(w, _MISS)
        if info is _MISS:
            info = cache[w] = _info_rounded(w, lang)
        if info is None:
            continue
        k, r, r2 = info
        if c == 1:
            if r > 0.5:
                scored.append((-r, w, r2))
        else:
            v = (log_tf[c] if c < small else 1.0 + math.log(c)) * r
            if v > 0.5:
                scored.append((-v, w, None))
        old = tf.get(k)
        if old is None:
            tf[k] = c
            rarity[k] = r
        else:
            tf[k] = old + c
            if r > rarity[k]:
                rarity[k] = r
    scored.sort()
    words = {w: round(-nv, 2) if rv is None else rv for nv, w, rv in scored[:word_limit]}
    ranked = sorted(
        (-((log_tf[c] if c < small else 1.0 + math.log(c)) * rarity[k]), k)
        for k, c in tf.items()
        if rarity[k] > 0.5
    )
    terms = {k: round(-nv, 2) for nv, k in ranked[:term_limit]}
    return terms, words


def _info_rounded(word: str, lang: str) -> tuple[str, float, float] | None:
    info = _info(word, lang)
    return None if info is None else (info[0], info[1], round(info[1], 2))


def positions(tokens: list[str], tok: str) -> list[int]:
    """Every index of ``tok`` in ``tokens`` (``list.index`` in C, so sparse tokens are cheap)."""
    out: list[int] = []
    i = -1
    while True:
        try:
            i = tokens.index(tok, i + 1)
        except ValueError:
            return out
        out.append(i)
