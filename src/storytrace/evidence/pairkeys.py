"""What the pair score reads of one article, as sorted arrays (:attr:`Evidence.pair_keys`).

Each kind of evidence is a *channel*: a run of sorted 64-bit keys with one float per key (a
weight, or the quote or unit the key belongs to). All channels sit end to end in one array,
so scoring one article against many concatenates the others' arrays once and intersects each
channel with numpy (:mod:`.similarity`). Keys are hashes; two different strings share one
with probability 2^-64 per pair.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import xxhash

from storytrace.evidence.embed import unit_vector
from storytrace.evidence.quotes import trigrams
from storytrace.evidence.terms import GRAM

if TYPE_CHECKING:
    from storytrace.evidence.core import Evidence

# Channels, in their order in the arrays. The first MAIN ones are looked up together in one
# pass (their keys are salted apart); the others are read channel by channel.
TERMS = 0  # content terms -> weight
GRAMS = 1  # character grams of the content words (and of the lede) -> weight
HEADS = 2  # entity heads -> weight
SHINGLES = 3  # sampled word 5-gram hashes
FIGURES = 4  # (unit, value) of the figures, "#" left out -> the unit's index in UNITS
UNITS = 5  # units of those figures
YEARS = 6  # years mentioned
MAIN = 7
LEAD = 7  # character grams of the lede words -> weight (salted as GRAMS)
TOP = 8  # the 3 heaviest heads by (weight, head) (salted as HEADS)
FIRST = 9  # of the 3 heaviest heads by weight then first mention, those of weight >= 4
QUOTES = 10  # word trigrams of the quotes -> the quote's index (a trigram may repeat)
DATES = 11  # mentioned dates as month * 31 + day (not salted) -> day ordinal of a full date,
# else NaN
N_CHANNELS = 12
_SALT_OF = {LEAD: GRAMS, TOP: HEADS, FIRST: HEADS}

# Per-article numbers: norms and masses (sums of weights) of the weighted channels, ...
TERMS_NORM, TERMS_MASS, GRAMS_NORM, GRAMS_MASS, LEAD_NORM, LEAD_MASS, HEADS_MASS = range(7)
HAS_WORDS = 7  # 1 when the article has content words (GRAMS also holds the lede's grams)
LAST_YEAR = 8  # the last year mentioned, NaN when none
PUBLISHED = 9  # publication time in seconds since 1970, NaN when unknown
N_STATS = 10

FIRST_WEIGHT = 4.0  # a leading name counts as "only in one article" from this weight
_GOLDEN = 0x9E3779B97F4A7C15
_MASK64 = (1 << 64) - 1
_EMPTY_KEYS = np.zeros(0, dtype=np.uint64)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True, slots=True, eq=False)
class PairKeys:
    """``keys[bounds[c]:bounds[c + 1]]`` (sorted) and ``values`` alike: channel ``c``."""

    keys: np.ndarray  # uint64
    values: np.ndarray  # float64
    bounds: np.ndarray  # int64, N_CHANNELS + 1
    stats: np.ndarray  # float64, N_STATS
    embedding: np.ndarray | None  # float64, when the evidence carries one

    def channel(self, c: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = int(self.bounds[c]), int(self.bounds[c + 1])
        return self.keys[a:b], self.values[a:b]


def _hash(s: str) -> int:
    return xxhash.xxh3_64_intdigest(s.encode())


def _hashes(strings: list[str]) -> np.ndarray:
    return np.fromiter(map(_hash, strings), np.uint64, count=len(strings))


def _sorted(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``keys`` sorted, distinct, with the ``values`` of equal keys added up."""
    if len(keys) < 2:
        return keys, values
    keys, inverse = np.unique(keys, return_inverse=True)
    return keys, np.bincount(inverse.reshape(-1), weights=values, minlength=len(keys))


def _fmix(x: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser (a bijection of uint64), element-wise."""
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> np.uint64(33))


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s, s + n) for s, n in zip(starts, lengths)])`` without a loop."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    return np.arange(total, dtype=np.int64) + np.repeat(starts - (ends - lengths), lengths)


def _word_grams(words: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """The key of each character ``n``-gram of each padded word ``_word_`` (as channel GRAMS
    holds them), word after word, and how many grams each word has.

    A gram's code points (zero-padded: no word holds U+0000, so a short gram stays apart from
    a longer one) are hashed with numpy, all words at once."""
    padded = [f"_{w}_" for w in words]
    lengths = np.fromiter(map(len, padded), np.int64, count=len(padded))
    per_word = np.maximum(1, lengths - n + 1)
    codes = np.frombuffer("".join(padded).encode("utf-32-le"), np.uint32).astype(np.uint64)
    codes = np.concatenate([codes, np.zeros(n, dtype=np.uint64)])
    starts = ranges(np.cumsum(lengths) - lengths, per_word)
    size = np.repeat(np.minimum(lengths, n), per_word)  # a gram's length: n, or the short word's
    key = np.zeros(len(starts), dtype=np.uint64)
    for j in range(n):
        c = np.where(j < size, codes[starts + j], np.uint64(0))
        key = _fmix(key ^ (c + np.uint64((j + 1) * _GOLDEN & _MASK64)))
    return salted(key, GRAMS), per_word


def gram_vector(words: Mapping[str, float], n: int = GRAM) -> tuple[np.ndarray, np.ndarray]:
    """``terms.char_grams(words, n)`` as sorted gram keys (as channel GRAMS holds them) and
    their weights: the character ``n``-grams of each padded word, its weight spread evenly
    over them."""
    if not words:
        return _EMPTY_KEYS, _EMPTY_WEIGHTS
    keys, per_word = _word_grams(list(words), n)
    weights = np.fromiter(words.values(), np.float64, count=len(words))
    return _sorted(keys, np.repeat(weights / per_word, per_word))


def _grams_and_lead(
    words: Mapping[str, float], lead: Sequence[str]
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """:func:`gram_vector` of ``words`` with the lede's grams among them (weight 0 where the
    words lack them), and :func:`gram_vector` of the lede (each word weighing 1), hashed once."""
    extra = [w for w in dict.fromkeys(lead) if w not in words]
    names = [*words, *extra]
    if not names:
        return (_EMPTY_KEYS, _EMPTY_WEIGHTS), (_EMPTY_KEYS, _EMPTY_WEIGHTS)
    keys, per_word = _word_grams(names, GRAM)
    weights = np.concatenate(
        [np.fromiter(words.values(), np.float64, count=len(words)), np.zeros(len(extra))]
    )
    grams = _sorted(keys, np.repeat(weights / per_word, per_word))
    at = {w: i for i, w in enumerate(names)}
    is_lead = np.zeros(len(names), dtype=bool)
    is_lead[[at[w] for w in lead]] = True
    n_lead = per_word[is_lead]
    lead_grams = _sorted(keys[np.repeat(is_lead, per_word)], np.repeat(1.0 / n_lead, n_lead))
    return grams, lead_grams


def first_heads(ev: Evidence) -> list[str]:
    """The heads that lead ``ev`` (the 3 heaviest, by weight then first mention) of weight
    :data:`FIRST_WEIGHT` or more: a name only one article of a pair leads with is a conflict."""
    heads = ev.entity_heads
    first = sorted(heads, key=lambda h: -heads[h])[:3]
    return [h for h in first if heads[h] >= FIRST_WEIGHT]


def top_heads(ev: Evidence) -> list[str]:
    """The 3 heaviest heads, ties broken by the head."""
    heads = ev.entity_heads
    return sorted(heads, key=lambda h: (-heads[h], h))[:3]


def _date_ordinal(d: str) -> float:
    if len(d) != 10:
        return math.nan
    try:
        return float(datetime.fromisoformat(d).toordinal())
    except ValueError:  # a full date that is no date ("2020-02-30"): compared by month and day
        return math.nan


def salted(keys: np.ndarray, channel: int) -> np.ndarray:
    """``keys`` of ``channel`` made apart from those of other channels (a bijection of uint64
    per channel, whose every bit depends on every bit of the key)."""
    salt = np.uint64((_SALT_OF.get(channel, channel) + 1) * _GOLDEN & _MASK64)
    return _fmix(keys.astype(np.uint64) ^ salt)


def pair_keys(ev: Evidence) -> PairKeys:
    """The :class:`PairKeys` of ``ev``."""
    hashes, head_weights, n_terms = ev.collection_keys
    terms = _sorted(salted(hashes[:n_terms], TERMS), head_weights[:n_terms])
    # The lede's grams are looked up through the content grams: any the words lack join them
    # with weight 0 (none do when the lede's words are content words, as extracted).
    grams, lead = _grams_and_lead(ev.words, ev.lead)
    head_keys_all = salted(hashes[n_terms:], HEADS)
    heads = _sorted(head_keys_all, head_weights[n_terms:])
    head_hash = dict(zip(ev.entity_heads, head_keys_all.tolist(), strict=True))

    def head_keys(names: list[str]) -> tuple[np.ndarray, np.ndarray]:
        keys = np.unique(np.array([head_hash[h] for h in names], dtype=np.uint64))
        return keys, np.zeros(len(keys))

    quote_keys: list[int] = []
    quote_of: list[int] = []
    for i, q in enumerate(ev.quotes):
        grams_of_q = {_hash(" ".join(g)) for g in trigrams(q)}
        quote_keys += grams_of_q
        quote_of += [i] * len(grams_of_q)
    q_keys = salted(np.array(quote_keys, dtype=np.uint64), QUOTES)
    order = np.argsort(q_keys, kind="stable")
    quotes = q_keys[order], np.array(quote_of, dtype=np.float64)[order]

    try:
        raw = np.array(ev.shingles, dtype=np.uint64)
    except OverflowError:  # signed 64-bit hashes
        raw = np.array(ev.shingles, dtype=np.int64).view(np.uint64)
    shingles = np.unique(salted(raw, SHINGLES))
    figures = sorted({(u, float(v)) for u, v in ev.numbers if u != "#"})
    unit_names = sorted({u for u, _ in figures})
    unit_keys = salted(_hashes(unit_names), UNITS)
    unit_order = np.argsort(unit_keys)
    unit_rank = dict(zip([unit_names[i] for i in unit_order], range(len(unit_names)), strict=True))
    fig = (
        salted(_hashes([f"{u}\x1f{v!r}" for u, v in figures]), FIGURES),
        np.array([unit_rank[u] for u, _ in figures], dtype=np.float64),
    )
    fig_order = np.argsort(fig[0])
    years = np.unique(salted(np.array([y & _MASK64 for y in ev.years], dtype=np.uint64), YEARS))
    dates = [(int(d[-5:-3]) * 31 + int(d[-2:]), _date_ordinal(d)) for d in ev.dates]
    date_keys = np.array([k for k, _ in dates], dtype=np.uint64)
    date_order = np.argsort(date_keys, kind="stable")

    channels = [
        terms,
        grams,
        heads,
        (shingles, np.zeros(len(shingles))),
        (fig[0][fig_order], fig[1][fig_order]),
        (unit_keys[unit_order], np.zeros(len(unit_keys))),
        (years, np.zeros(len(years))),
        lead,
        head_keys(top_heads(ev)),
        head_keys(first_heads(ev)),
        quotes,
        (date_keys[date_order], np.array([o for _, o in dates], dtype=np.float64)[date_order]),
    ]
    sizes = [len(k) for k, _ in channels]
    bounds = np.zeros(N_CHANNELS + 1, dtype=np.int64)
    np.cumsum(sizes, out=bounds[1:])
    published = ev.published_dt
    stats = np.array(
        [
            math.sqrt(float(terms[1] @ terms[1])), float(terms[1].sum()),
            math.sqrt(float(grams[1] @ grams[1])), float(grams[1].sum()),
            math.sqrt(float(lead[1] @ lead[1])), float(lead[1].sum()),
            float(heads[1].sum()),
            1.0 if ev.words else 0.0,
            float(ev.years[-1]) if ev.years else math.nan,
            published.timestamp() if published is not None else math.nan,
        ],
        dtype=np.float64,
    )  # fmt: skip
    return PairKeys(
        np.concatenate([k for k, _ in channels]).astype(np.uint64, copy=False),
        np.concatenate([v for _, v in channels]).astype(np.float64, copy=False),
        bounds,
        stats,
        unit_vector(ev.embedding) if ev.embedding else None,
    )
