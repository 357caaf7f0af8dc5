"""Same-story score of two articles: features a journalist would check, a logistic model,
and the reasons in plain words.

Every feature is in [0, 1]. Overlap-style measures (shared mass over the smaller side) keep a
short rewrite close to the long original; conflicts (same unit, other figure; dates or
publication times far apart) carry negative weights. Weights live in ``weights.json`` and can
be refitted with :func:`fit_weights`.

:func:`pair_features` is the definition, for one article against many at once: each
article's evidence is read as sorted key arrays (:mod:`.pairkeys`), the others' arrays are
concatenated, and each kind of evidence is intersected with numpy and summed per article. The
score is the logistic of the features times the weights; :func:`similarity` is the first row
of the same computation, with the reasons worded from its feature values.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np

from storytrace.evidence import pairkeys as pk
from storytrace.evidence.core import Evidence
from storytrace.evidence.dates import describe_gap
from storytrace.evidence.numbers import compare, describe
from storytrace.evidence.quotes import COVER

FEATURES: tuple[str, ...] = (
    "terms_cos",
    "terms_overlap",
    "grams_cos",
    "grams_overlap",
    "lead",
    "title",
    "entities",
    "entities_n",
    "entities_top",
    "names_differ",
    "quotes",
    "passages",
    "numbers_shared",
    "numbers_conflict",
    "date_match",
    "date_conflict",
    "years_conflict",
    "last_year_differs",
    "time_close",
    "time_far",
)
# Only scored when both articles carry a sentence embedding (the optional extra).
EMBED_FEATURES: tuple[str, ...] = ("embed_cos",)
COLUMNS: tuple[str, ...] = FEATURES + EMBED_FEATURES  # the columns of pair_features()
_AT = {k: i for i, k in enumerate(COLUMNS)}
_LOG8 = math.log(8)
_LOG60 = math.log(60)
_LOG_YEAR_IN_WEEKS = math.log(365 / 7)


@dataclass(frozen=True)
class Similarity:
    score: float
    features: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


@lru_cache(maxsize=2)
def default_weights(embedded: bool = False) -> dict[str, float]:
    """Shipped weights; ``embedded``: those for pairs where both sides carry an embedding."""
    name = "weights_embed.json" if embedded else "weights.json"
    text = resources.files("storytrace.evidence").joinpath(name).read_text("utf-8")
    return {k: float(v) for k, v in json.loads(text).items() if not k.startswith("_")}


# --- the features -------------------------------------------------------------------------


@dataclass(frozen=True)
class PairMatrix:
    """:func:`pair_features` with what the reasons quote: per other article, the shared quotes,
    the closest mentioned dates (days apart, inf when one side has none), the publication
    times (days apart, NaN when one is unknown) and whether both sides carry an embedding."""

    features: np.ndarray  # (len(others), len(COLUMNS))
    quotes: np.ndarray
    date_gap: np.ndarray
    days: np.ndarray
    embedded: np.ndarray


class _Others:
    """The :class:`~.pairkeys.PairKeys` of many articles end to end."""

    def __init__(self, keys: Sequence[pk.PairKeys]) -> None:
        self.n = len(keys)
        self.keys = np.concatenate([k.keys for k in keys])
        self.values = np.concatenate([k.values for k in keys])
        self.bounds = np.stack([k.bounds for k in keys])
        self.sizes = np.diff(self.bounds, axis=1)  # (n, channels)
        total = self.bounds[:, -1]
        self.starts = np.cumsum(total) - total
        self.stats = np.stack([k.stats for k in keys])

    def channel(self, c: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(owner, keys, values) of channel ``c`` of every article: ``owner`` is the article."""
        lengths = self.sizes[:, c]
        at = pk.ranges(self.starts + self.bounds[:, c], lengths)
        return np.repeat(np.arange(self.n), lengths), self.keys[at], self.values[at]

    def owners(self) -> np.ndarray:
        """The article of each entry."""
        return np.repeat(np.arange(self.n, dtype=np.int32), self.bounds[:, -1])


def _ratio(num: np.ndarray, den: np.ndarray, ok: np.ndarray) -> np.ndarray:
    ok = ok & (den > 0)
    return np.where(ok, num / np.where(ok, den, 1.0), 0.0)


def find(keys: np.ndarray, needles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The needles found in ``keys`` (sorted, distinct): their indexes, and their positions in
    ``keys``.

    Many needles against a few keys (one article's keys against those of hundreds): a table
    of 2^16 slots says where the key with each value of 16 bits of a needle is (the keys are
    salted, so any bits are as good as others), and only needles whose slot several keys share
    are searched by bisection."""
    none = np.zeros(0, dtype=np.int64)
    if not len(keys) or not len(needles):
        return none, none
    if len(needles) <= 16 * len(keys):
        pos = np.searchsorted(keys, needles)
        np.minimum(pos, len(keys) - 1, out=pos)
        hit = keys[pos] == needles
        return np.flatnonzero(hit), pos[hit]
    slot = keys.view(np.uint16)[::4]
    table = np.full(1 << 16, -1, dtype=np.int64)
    table[slot] = np.arange(len(keys))
    shared = np.bincount(slot, minlength=1 << 16) > 1
    table[shared] = -2
    where = table[needles.view(np.uint16)[::4]]
    at = np.flatnonzero(where >= 0)
    pos = where[at]
    hit = keys[pos] == needles[at]
    at, pos = at[hit], pos[hit]
    maybe = np.flatnonzero(where == -2)
    if len(maybe):
        p = np.searchsorted(keys, needles[maybe])
        np.minimum(p, len(keys) - 1, out=p)
        ok = keys[p] == needles[maybe]
        at = np.concatenate([at, maybe[ok]])
        pos = np.concatenate([pos, p[ok]])
    return at, pos


def pair_matrix(a: Evidence, others: Sequence[Evidence]) -> PairMatrix:
    """:func:`pair_features` and what the reasons quote (see :class:`PairMatrix`)."""
    n = len(others)
    f = np.zeros((n, len(COLUMNS)))
    if not n:
        empty = np.zeros(0)
        return PairMatrix(f, empty, empty, empty, empty.astype(bool))
    ka = a.pair_keys
    o = _Others([b.pair_keys for b in others])
    sa, sb = ka.stats, o.stats
    size_a, size_b = np.diff(ka.bounds), o.sizes

    def per(owner: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(owner, weights=w, minlength=n).astype(np.float64)

    # One pass over every key of the others for the channels whose keys are salted apart.
    end = int(ka.bounds[pk.MAIN])
    order = np.argsort(ka.keys[:end], kind="stable")
    main_keys = ka.keys[:end][order]
    main_channel = np.repeat(np.arange(pk.MAIN, dtype=np.int8), size_a[: pk.MAIN])[order]
    at, pos = find(main_keys, o.keys)
    owner_all = o.owners()[at]
    # An entry of the others past their main channels is a lede gram (salted as the grams), a
    # leading name (salted as the names), or nothing found here.
    local = at - o.starts[owner_all]
    after = [o.bounds[owner_all, c] for c in (pk.MAIN, pk.LEAD + 1, pk.TOP + 1, pk.FIRST + 1)]
    kind = np.where(
        local < after[0], main_channel[pos], pk.LEAD + (local >= after[1]) + (local >= after[2])
    ).astype(np.int8)
    keep = local < after[3]
    at, pos, owner_all, kind = at[keep], pos[keep], owner_all[keep], kind[keep]
    by_kind = np.argsort(kind, kind="stable")
    at, pos, owner_all = at[by_kind], order[pos[by_kind]], owner_all[by_kind]
    split = np.zeros(pk.FIRST + 2, dtype=np.int64)
    np.cumsum(np.bincount(kind, minlength=pk.FIRST + 1), out=split[1:])

    def hits(
        c: int, in_a: int | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For each key of channel ``c`` of the others found in channel ``in_a`` (default:
        ``c``) of ``a``: its owner, ``a``'s value, the other's value and its position in
        ``a``'s channel."""
        lo, hi = split[c], split[c + 1]
        p = pos[lo:hi]
        base = ka.bounds[c if in_a is None else in_a]
        return owner_all[lo:hi], ka.values[p], o.values[at[lo:hi]], p - base

    def col(name: str) -> np.ndarray:
        out: np.ndarray = f[:, _AT[name]]
        return out

    # Terms, character grams and the lede. Square roots: the human scale is concave in raw
    # lexical overlap.
    def cosine_and_overlap(
        name: str, hit: tuple[np.ndarray, ...], norm: int, mass: int, both: np.ndarray
    ) -> None:
        """``{name}_cos`` and ``{name}_overlap`` (shared mass over the smaller side's)."""
        owner, va, vb = hit[:3]
        col(f"{name}_cos")[:] = np.sqrt(_ratio(per(owner, va * vb), sa[norm] * sb[:, norm], both))
        col(f"{name}_overlap")[:] = np.sqrt(
            _ratio(per(owner, np.minimum(va, vb)), np.minimum(sa[mass], sb[:, mass]), both)
        )

    both = (size_a[pk.TERMS] > 0) & (size_b[:, pk.TERMS] > 0)
    cosine_and_overlap("terms", hits(pk.TERMS), pk.TERMS_NORM, pk.TERMS_MASS, both)
    words_a, words_b = sa[pk.HAS_WORDS] > 0, sb[:, pk.HAS_WORDS] > 0
    gram_hits = hits(pk.GRAMS)
    owner, va, vb, p = gram_hits
    cosine_and_overlap("grams", gram_hits, pk.GRAMS_NORM, pk.GRAMS_MASS, words_a & words_b)
    # Is each article's headline and lede told in the other one? (grams, so inflections count)
    grams_a, _ = ka.channel(pk.GRAMS)
    lead_keys, lead_weights = ka.channel(pk.LEAD)
    lead_at = np.zeros(len(grams_a))  # a's lede weight of each of its grams
    lead_at[np.searchsorted(grams_a, lead_keys)] = lead_weights
    lead_a, lead_b = size_a[pk.LEAD] > 0, size_b[:, pk.LEAD] > 0
    title_ab = np.sqrt(_ratio(
        per(owner, np.minimum(lead_at[p], vb)),
        np.minimum(sa[pk.LEAD_MASS], sb[:, pk.GRAMS_MASS]),
        lead_a & words_b,
    ))  # fmt: skip
    owner, va, vb, p = hits(pk.LEAD, pk.GRAMS)
    title_ba = np.sqrt(_ratio(
        per(owner, np.minimum(va, vb)), np.minimum(sb[:, pk.LEAD_MASS], sa[pk.GRAMS_MASS]), lead_b & words_a
    ))  # fmt: skip
    col("title")[:] = np.maximum(title_ab, title_ba)
    col("lead")[:] = np.sqrt(
        _ratio(per(owner, lead_at[p] * vb), sa[pk.LEAD_NORM] * sb[:, pk.LEAD_NORM], lead_a & lead_b)
    )

    # Names: shared weight, rare names in common, each one's leading names in the other, and
    # leading names that only one of the two mentions.
    both = (size_a[pk.HEADS] > 0) & (size_b[:, pk.HEADS] > 0)
    owner, va, vb, p = hits(pk.HEADS)
    low = np.minimum(va, vb)
    col("entities")[:] = np.sqrt(
        _ratio(per(owner, low), np.minimum(sa[pk.HEADS_MASS], sb[:, pk.HEADS_MASS]), both)
    )
    rare = per(owner, (low >= 3.0).astype(np.float64))
    col("entities_n")[:] = np.where(both, np.minimum(1.0, np.log1p(rare) / _LOG8), 0.0)
    heads_a, _ = ka.channel(pk.HEADS)
    top_at = np.zeros(len(heads_a), dtype=bool)
    top_at[np.searchsorted(heads_a, ka.channel(pk.TOP)[0])] = True
    first_at = np.zeros(len(heads_a), dtype=bool)
    first_at[np.searchsorted(heads_a, ka.channel(pk.FIRST)[0])] = True
    top_a_in_b = per(owner, top_at[p].astype(np.float64))
    only_a = size_a[pk.FIRST] - per(owner, first_at[p].astype(np.float64))
    top_b_in_a = per(hits(pk.TOP, pk.HEADS)[0])
    only_b = size_b[:, pk.FIRST] - per(hits(pk.FIRST, pk.HEADS)[0])
    col("entities_top")[:] = np.where(
        both,
        (top_a_in_b / max(size_a[pk.TOP], 1) + top_b_in_a / np.maximum(size_b[:, pk.TOP], 1)) / 2,
        0.0,
    )
    col("names_differ")[:] = np.where(
        both & (only_a > 0) & (only_b > 0), np.minimum(only_a, only_b) / 3, 0.0
    )

    quotes = _shared_quotes(ka, o)
    col("quotes")[:] = np.minimum(1.0, quotes / 3)

    owner = hits(pk.SHINGLES)[0]
    n_a, n_b = size_a[pk.SHINGLES], size_b[:, pk.SHINGLES]
    col("passages")[:] = _ratio(per(owner), np.minimum(n_a, n_b), (n_a >= 3) & (n_b >= 3))

    # Figures: the same figure of a unit in both, or a unit both mention with no figure in
    # common (a conflict).
    owner, _, unit, _ = hits(pk.FIGURES)
    col("numbers_shared")[:] = np.minimum(1.0, per(owner) / 3)
    stride = int(size_b[:, pk.UNITS].max()) + 1
    agreed = np.unique(owner * stride + unit.astype(np.int64)) // stride
    conflicts = per(hits(pk.UNITS)[0]) - per(agreed)
    col("numbers_conflict")[:] = np.minimum(1.0, conflicts / 2)

    date_gap = _closest_dates(ka, o)
    col("date_match")[:] = date_gap <= 1
    far = np.isfinite(date_gap) & (date_gap > 3)
    col("date_conflict")[:] = np.where(
        far, np.minimum(1.0, np.log1p(np.where(far, date_gap, 0.0)) / _LOG60), 0.0
    )

    both = (size_a[pk.YEARS] > 0) & (size_b[:, pk.YEARS] > 0)
    col("years_conflict")[:] = both & (per(hits(pk.YEARS)[0]) == 0)
    col("last_year_differs")[:] = both & (sa[pk.LAST_YEAR] != sb[:, pk.LAST_YEAR])

    days = np.abs(sb[:, pk.PUBLISHED] - sa[pk.PUBLISHED]) / 86400
    known = ~np.isnan(days)
    col("time_close")[:] = known & (days <= 2)
    far = known & (days > 7)
    col("time_far")[:] = np.where(
        far, np.minimum(1.0, np.log(np.where(far, days, 7.0) / 7) / _LOG_YEAR_IN_WEEKS), 0.0
    )

    embedded = np.zeros(n, dtype=bool)
    if ka.embedding is not None:
        rows = [
            i for i, b in enumerate(others) if b.embedding and len(b.embedding) == len(ka.embedding)
        ]
        if rows:
            vectors = np.stack([others[i].pair_keys.embedding for i in rows])  # type: ignore[misc]
            col("embed_cos")[rows] = vectors @ ka.embedding
            embedded[rows] = True
    np.clip(f, 0.0, 1.0, out=f)
    return PairMatrix(f, quotes, date_gap, days, embedded)


def _shared_quotes(ka: pk.PairKeys, o: _Others) -> np.ndarray:
    """Per other article: the quotes of one side told in a quote of the other (most of a
    quote's word trigrams found in one quote), counted on the side that has more."""
    n = o.n
    out = np.zeros(n)
    keys_a, quote_a = ka.channel(pk.QUOTES)
    if not len(keys_a) or not o.sizes[:, pk.QUOTES].any():
        return out
    owner, keys_b, quote_b = o.channel(pk.QUOTES)
    # Each quote of the others numbered end to end; each trigram found in every quote of a.
    n_quotes = np.zeros(n, dtype=np.int64)
    np.maximum.at(n_quotes, owner, quote_b.astype(np.int64) + 1)
    quote = (np.cumsum(n_quotes) - n_quotes)[owner] + quote_b.astype(np.int64)
    left = np.searchsorted(keys_a, keys_b, "left")
    found = np.searchsorted(keys_a, keys_b, "right") - left
    which = np.repeat(np.arange(len(keys_b)), found)
    in_a = quote_a[pk.ranges(left[found > 0], found[found > 0])].astype(np.int64)
    na, nb = int(quote_a.max()) + 1, int(n_quotes.sum())
    # The trigrams each pair of quotes (one of a's, one of the others') has in common.
    pair, common = np.unique(in_a * nb + quote[which], return_counts=True)
    i, j = pair // nb, pair % nb
    size_a = np.bincount(quote_a.astype(np.int64), minlength=na)
    size_b = np.bincount(quote, minlength=nb)
    of = np.repeat(np.arange(n), n_quotes)  # the owner of each quote of the others
    a_told = common >= COVER * size_a[i]
    told_a = np.bincount(np.unique(of[j[a_told]] * na + i[a_told]) // na, minlength=n)
    told_b = np.bincount(of[np.unique(j[common >= COVER * size_b[j]])], minlength=n)
    return np.maximum(told_a, told_b).astype(np.float64)


def _closest_dates(ka: pk.PairKeys, o: _Others) -> np.ndarray:
    """Per other article, the days between the closest two dates the pair mentions (full
    dates by the calendar, "MM-DD" ones within a year), inf when one side mentions none."""
    out = np.full(o.n, np.inf)
    md_a, day_a = ka.channel(pk.DATES)
    if not len(md_a) or not o.sizes[:, pk.DATES].any():
        return out
    owner, md_b, day_b = o.channel(pk.DATES)
    apart = np.abs(md_a.astype(np.float64)[:, None] - md_b.astype(np.float64)[None, :])
    apart = np.minimum(apart, 372 - apart)
    days = np.abs(day_a[:, None] - day_b[None, :])  # NaN unless both dates are full
    gap = np.where(np.isnan(days), apart, days).min(axis=0)
    np.minimum.at(out, owner, gap)
    return out


def pair_features(a: Evidence, others: Sequence[Evidence]) -> np.ndarray:
    """The features of ``a`` with each of ``others``: shape ``(len(others), len(COLUMNS))``,
    every value in [0, 1] (``embed_cos`` is 0 unless both sides carry an embedding)."""
    return pair_matrix(a, others).features


def _vector(weights: Mapping[str, float]) -> np.ndarray:
    return np.array([weights.get(k, 0.0) for k in COLUMNS], dtype=np.float64)


@lru_cache(maxsize=2)
def _default_vector(embedded: bool) -> tuple[float, np.ndarray]:
    w = default_weights(embedded)
    return w.get("bias", 0.0), _vector(w)


def _logistic(z: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
    return out


def scores(m: PairMatrix, weights: Mapping[str, float] | None = None) -> np.ndarray:
    """The score of each row of ``m``, rounded to 4 decimals: the logistic of the features
    times ``weights`` (default: the shipped ones, those of embedded pairs where both sides
    carry an embedding)."""
    if weights is not None:
        z = weights.get("bias", 0.0) + m.features @ _vector(weights)
    else:
        bias, w = _default_vector(False)
        z = bias + m.features @ w
        if m.embedded.any():
            bias_e, w_e = _default_vector(True)
            z = np.where(m.embedded, bias_e + m.features @ w_e, z)
    return np.round(_logistic(z), 4)


def combine(f: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """The unrounded score of one row of features given as a mapping."""
    z = weights.get("bias", 0.0) + sum(weights.get(k, 0.0) * v for k, v in f.items())
    return float(_logistic(np.array(z)))


def similarity_scores(
    a: Evidence, others: Sequence[Evidence], *, weights: Mapping[str, float] | None = None
) -> list[float]:
    """The score of ``a`` with each of ``others`` (one :func:`pair_matrix`)."""
    out: list[float] = scores(pair_matrix(a, others), weights).tolist()
    return out


def similarity_score(
    a: Evidence, b: Evidence, *, weights: Mapping[str, float] | None = None
) -> float:
    """``similarity(a, b, weights=weights).score`` without the reasons."""
    return similarity_scores(a, [b], weights=weights)[0]


# --- the reasons --------------------------------------------------------------------------


def _names(heads: Iterable[str], ev: Evidence, limit: int = 4) -> str:
    longest: dict[str, str] = {}
    for e in ev.entities:
        if len(e.name) > len(longest.get(e.head, "")):
            longest[e.head] = e.name
    return ", ".join(longest.get(h, h) for h in list(heads)[:limit])


def _row(m: PairMatrix, i: int) -> dict[str, float]:
    names = COLUMNS if m.embedded[i] else FEATURES
    return dict(zip(names, m.features[i, : len(names)].tolist(), strict=True))


def reasons(a: Evidence, b: Evidence, m: PairMatrix, i: int = 0) -> list[str]:
    """The notable features of row ``i`` of ``m`` (``a`` against ``b``) in plain words, with
    the names, figures and years they are about."""
    f = _row(m, i)
    why: list[str] = []
    if f["lead"] >= 0.6:
        why.append(f"similar headline and lede ({f['lead']:.0%})")
    if f["title"] >= 0.5:
        why.append(f"headline words found in the other article ({f['title']:.0%})")
    ha, hb = a.entity_heads, b.entity_heads
    if f["entities"] > 0:
        shared = sorted(ha.keys() & hb.keys(), key=lambda h: (-(ha[h] + hb[h]), h))
        why.append(f"shared names: {_names(shared, a)}")
    if f["names_differ"] > 0:
        only_a = [h for h in pk.first_heads(a) if h not in hb]
        only_b = [h for h in pk.first_heads(b) if h not in ha]
        why.append(f"different names: {_names(only_a, a, 2)} vs {_names(only_b, b, 2)}")
    n_q = int(m.quotes[i])
    if n_q:
        why.append(f"{n_q} shared quote{'s' if n_q > 1 else ''}")
    if f["passages"] >= 0.2:
        why.append(f"shared passages (~{f['passages']:.0%} of the shorter text)")
    if f["numbers_shared"] or f["numbers_conflict"]:
        same, conflicts = compare(list(a.numbers), list(b.numbers))
        same = sorted(s for s in same if s[0] != "#")
        if same:
            why.append("same figures: " + ", ".join(describe(u, v) for u, v in same[:4]))
        for u, va, vb in sorted(conflicts)[:2]:
            why.append(f"different figures: {describe(u, va[0])} vs {describe(u, vb[0])}")
    if f["date_match"]:
        why.append("same date mentioned")
    elif f["date_conflict"]:
        why.append(f"dates mentioned {describe_gap(float(m.date_gap[i]))} apart")
    if f["years_conflict"]:
        why.append(f"different years: {a.years[-1]} vs {b.years[-1]}")
    if not math.isnan(m.days[i]):
        why.append(f"published {describe_gap(float(m.days[i]))} apart")
    return why


def features(
    a: Evidence, b: Evidence, *, explain: bool = True
) -> tuple[dict[str, float], list[str]]:
    """Feature values in [0, 1] (:data:`FEATURES`, and ``embed_cos`` when both sides carry an
    embedding) and the human reasons behind the notable ones (none when not ``explain``)."""
    m = pair_matrix(a, [b])
    return _row(m, 0), reasons(a, b, m) if explain else []


def _round4(v: float) -> float:
    return v if v == 0.0 or v == 1.0 else round(v, 4)


def similarity(
    a: Evidence, b: Evidence, *, weights: Mapping[str, float] | None = None
) -> Similarity:
    """Same-story score in [0, 1] with its features and the reasons behind it."""
    m = pair_matrix(a, [b])
    f = _row(m, 0)
    score = float(scores(m, weights)[0])
    return Similarity(score, {k: _round4(v) for k, v in f.items()}, reasons(a, b, m))


# Set by hand: the training pairs hardly show them (few shared quotes or passages, no
# publication times), yet a reprint or a shared quote is strong evidence and an event a year
# older is another story.
FIXED_WEIGHTS: dict[str, float] = {
    "quotes": 1.5,
    "passages": 1.0,
    "time_close": 0.5,
    "time_far": -4.0,
    # The last year mentioned is often a copyright line or a "related" link; the data fits it
    # a positive weight, which makes two same-type events in different years look alike.
    "last_year_differs": 0.0,
}


def fit_weights(
    pairs: Iterable[tuple[Mapping[str, float], float]],
    *,
    l2: float = 1.0,
    iterations: int = 50,
    fixed: Mapping[str, float] | None = None,
    names: Sequence[str] = FEATURES,
) -> dict[str, float]:
    """Logistic regression (Newton steps, L2) from ``(features, label)`` pairs.

    ``label`` is in [0, 1]; soft labels are fine (e.g. ``(4 - Overall) / 3`` for SemEval).
    ``fixed``: weights held at given values (an offset in the fit), e.g. :data:`FIXED_WEIGHTS`.
    ``names``: the features to fit (add :data:`EMBED_FEATURES` for the embeddings model).
    Returns weights in the form of ``weights.json`` (a ``bias`` plus one weight per feature).
    """
    rows = list(pairs)
    fixed = dict(fixed or {})
    free = [k for k in names if k not in fixed]
    x = np.array([[r[0].get(k, 0.0) for k in free] for r in rows], dtype=float)
    off = np.array([sum(v * r[0].get(k, 0.0) for k, v in fixed.items()) for r in rows])
    y = np.array([r[1] for r in rows], dtype=float)
    x = np.hstack([np.ones((len(rows), 1)), x])
    w = np.zeros(x.shape[1])
    reg = np.full(x.shape[1], l2)
    reg[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w + off, -30, 30)))
        grad = x.T @ (p - y) + reg * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(reg) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    learned = dict(zip(free, (float(v) for v in w[1:]), strict=True))
    out = {"bias": round(float(w[0]), 4)}
    out.update({k: round(fixed.get(k, learned.get(k, 0.0)), 4) for k in names})
    return out
