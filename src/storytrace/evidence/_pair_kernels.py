"""The same-story score of a pair in one native call (numba), from packed forms of evidence.

:func:`pair_form` packs what :func:`~storytrace.evidence.similarity.features` reads of one
:class:`~storytrace.evidence.Evidence` into plain arrays, once per article: the lexical vectors
as they are (sorted uint64 keys, float64 weights) and one int64 ``blob`` for the rest (entity
heads, quote trigrams, shingles, figures, dates, years, publication time; floats stored by
their bits). :func:`pair_score` and :func:`many_scores` replay ``features(a, b)``, ``combine``
and ``round(score, 4)`` on them with the same floating-point operations in the same order, so
they return the same floats. Two exceptions, both documented where they happen: strings are
compared by 64-bit hashes (a collision could merge two names, quotes or figures' units), and
the shared entity weight is summed in hash order instead of the order of a Python set (the
Python order depends on the process's string hashes; the sum may differ in its last bit).

Lexical intersections are not merges: the first article's segments get a bucket index (its
keys padded and bucketed by their top bits), and each key of the other article is looked up
in it without branching on the outcome. Matches come out in key order, so the sums are the
ones a merge adds up. Everything stays in this file: numba's disk cache of a function is only
invalidated by changes to its own file.
"""

from __future__ import annotations

import math
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import numba
import numpy as np
import xxhash
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from storytrace.evidence.quotes import trigrams

if TYPE_CHECKING:
    from storytrace.evidence.core import Evidence

N_FEATURES = 20  # len(similarity.FEATURES); the kernel writes them in that order
# Python 3.12 made ``sum`` of floats compensated (Neumaier); the kernel sums as this one does.
_COMPENSATED = sys.version_info >= (3, 12)
_LOG8 = math.log(8)
_LOG60 = math.log(60)
_LOG_YEAR_IN_WEEKS = math.log(365 / 7)
_QUOTE_COVER = 0.6  # quotes.shared_quotes' default
_U0 = np.uint64(0)
_U1 = np.uint64(1)
_U2 = np.uint64(2)
# Pads bucket indexes; an article with a key equal to it is not packed.
_MAX_KEY = np.uint64(0xFFFFFFFFFFFFFFFF)
# Shingles are 32-bit hashes: multiplied by an odd constant (a bijection of uint64, so the same
# matches), their top bits spread over the buckets of an index.
_MIX = 0x9E3779B97F4A7C15
_TWO64 = 1 << 64
_MASK64 = _TWO64 - 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# Header of the blob: fixed slots, then the sections they point to (absolute offsets).
H_WORDS = 0  # 1 when the article has content words (grams)
H_LEAD = 1  # 1 when it has a lede
H_BOUNDS = 2  # 4 slots: Lexical.bounds
H_STATS = 6  # 6 slots: Lexical.stats (float bits)
H_TITLE_N, H_TITLE_AT = 12, 13  # hashes of title_terms, as the lexical term keys hash them
H_HEADS_N, H_HEADS_AT = 14, 15  # sorted head hashes, then their weights (float bits)
H_MASS = 16  # sum of the head weights, summed by Python (float bits)
H_TOP_N, H_TOP_AT = 17, 18  # the 3 heaviest heads by (weight, head): their positions
H_FIRST_N, H_FIRST_AT = 19, 20  # the 3 heaviest by weight then mention: their positions
H_QUOTES_N, H_QUOTES_AT = 21, 22  # n + 1 bounds of each quote's sorted trigram hashes
H_SHINGLES_N, H_SHINGLES_AT = 23, 24  # distinct shingles, mixed (_MIX) and sorted as uint64
H_UNITS_N, H_UNITS_AT = 25, 26  # sorted unit hashes ("#" left out), n + 1 bounds of values
H_DATES_N, H_DATES_AT = 27, 28  # per date: full (1/0), day ordinal, month * 31 + day
H_YEARS_N, H_YEARS_AT, H_LAST_YEAR = 29, 30, 31  # distinct years, sorted; years[-1]
H_HAS_TIME, H_TIME = 32, 33  # publication time in microseconds since 1970
H_TRIGRAMS_N, H_TRIGRAMS_AT = 34, 35  # every quote's trigram hashes, sorted as uint64
HEADER = 36


@dataclass(frozen=True, slots=True, eq=False)
class PairForm:
    """One article's arrays for the pair kernels. ``row``: their addresses and lengths (5
    int64), through which :func:`many_scores` reads them in place; they live as long as this
    object."""

    keys: np.ndarray  # uint64: the Evidence's Lexical.keys (shared, not copied)
    weights: np.ndarray  # float64: Lexical.weights
    blob: np.ndarray  # int64
    row: bytes

    @classmethod
    def of(cls, keys: np.ndarray, weights: np.ndarray, blob: np.ndarray) -> PairForm:
        keys, weights, blob = (np.ascontiguousarray(x) for x in (keys, weights, blob))
        row = [keys.ctypes.data, weights.ctypes.data, blob.ctypes.data, keys.size, blob.size]
        return cls(keys, weights, blob, np.array(row, dtype=np.int64).tobytes())

    def __reduce__(self) -> tuple[object, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        # A copy (pickle, copy.copy) has new arrays: read their addresses, never copy them.
        return (PairForm.of, (self.keys, self.weights, self.blob))


def _hash(s: str) -> int:
    """xxh3-64 of ``s`` as an int64 (sections sort and compare these as int64)."""
    h = xxhash.xxh3_64_intdigest(s.encode())
    return h - _TWO64 if h >> 63 else h


def _bits(values: Sequence[float]) -> list[int]:
    """The float64 bits of ``values``, as int64."""
    n = len(values)
    return list(struct.unpack(f"{n}q", struct.pack(f"{n}d", *values)))


def pair_form(ev: Evidence) -> PairForm | None:
    """The packed form of ``ev``, or None when a field has a value the kernel does not model
    (a full date that is no date, a year or shingle beyond int64, a NaN figure...): pairs with
    such an article are scored by the Python definition, which also raises where it raises."""
    try:
        return _pack(ev)
    except (ValueError, OverflowError, TypeError, UnicodeError):
        return None


def _pack(ev: Evidence) -> PairForm:
    """Python lists first, one array at the end: a numpy call per section would cost more
    than the rest of the packing."""
    lex = ev.lexical
    blob = [0] * HEADER

    def section(values: Iterable[int]) -> int:
        start = len(blob)
        blob.extend(values)
        return start

    blob[H_WORDS] = bool(ev.words)
    blob[H_LEAD] = bool(ev.lead)
    blob[H_BOUNDS : H_BOUNDS + 4] = lex.bounds.tolist()
    blob[H_STATS : H_STATS + 6] = lex.stats.view(np.int64).tolist()
    blob[H_TITLE_N] = len(ev.title_terms)
    blob[H_TITLE_AT] = section(map(_hash, ev.title_terms))

    heads = ev.entity_heads
    mass, top, first = ev.entity_summary
    by_hash = sorted((_hash(h), h) for h in heads)
    position = {h: i for i, (_, h) in enumerate(by_hash)}
    blob[H_HEADS_N] = len(by_hash)
    blob[H_HEADS_AT] = section(x for x, _ in by_hash)
    section(_bits([heads[h] for _, h in by_hash]))
    blob[H_MASS] = _bits([mass])[0]
    blob[H_TOP_N] = len(top)
    blob[H_TOP_AT] = section(position[h] for h in top)
    blob[H_FIRST_N] = len(first)
    blob[H_FIRST_AT] = section(position[h] for h in first)

    # Trigrams are tuples of whitespace-free words: joined by spaces they stay distinct.
    grams = [sorted({_hash(" ".join(g)) for g in trigrams(q)}) for q in ev.quotes]
    blob[H_QUOTES_N] = len(grams)
    blob[H_QUOTES_AT] = section([0] * (len(grams) + 1))
    for i, g in enumerate(grams):
        blob[blob[H_QUOTES_AT] + i] = section(g)
    blob[blob[H_QUOTES_AT] + len(grams)] = len(blob)
    # Their union: a quote is only found in the other article's through a shared trigram.
    union = sorted({h & _MASK64 for g in grams for h in g})
    blob[H_TRIGRAMS_N] = len(union)
    blob[H_TRIGRAMS_AT] = section([u - _TWO64 if u >> 63 else u for u in union])

    if ev.shingles and not -(1 << 63) <= min(ev.shingles) <= max(ev.shingles) < 1 << 63:
        raise ValueError("a shingle beyond int64")
    shingles = sorted({x * _MIX & _MASK64 for x in ev.shingles})
    blob[H_SHINGLES_N] = len(shingles)
    blob[H_SHINGLES_AT] = section([u - _TWO64 if u >> 63 else u for u in shingles])

    # compare_units: a unit both mention counts its common figures, or a conflict; "#" never
    # counts (its shared figures are dropped and it is never a conflict).
    units: dict[int, set[float]] = {}
    for unit, value in ev.numbers:
        if unit != "#":
            units.setdefault(_hash(unit), set()).add(value)
    order = sorted(units)
    values = [sorted(map(float, units[u])) for u in order]
    apart = (len(set(v)) == len(units[u]) for u, v in zip(order, values, strict=True))
    if not all(apart) or any(math.isnan(x) for v in values for x in v):
        raise ValueError("figures that float64 does not keep apart")
    blob[H_UNITS_N] = len(order)
    blob[H_UNITS_AT] = section(order)
    bounds = section([0] * (len(order) + 1))
    for i, v in enumerate(values):
        blob[bounds + i] = section(_bits(v))
    blob[bounds + len(order)] = len(blob)

    blob[H_DATES_N] = len(ev.dates)
    blob[H_DATES_AT] = len(blob)
    for d in ev.dates:
        full = len(d) == 10
        ordinal = 0
        if full:  # as date_distance_days reads them: midnight datetimes, days apart
            dt = datetime.fromisoformat(d)
            if dt.tzinfo is not None or dt.time() != time():
                raise ValueError(d)
            ordinal = dt.toordinal()
        section([full, ordinal, int(d[-5:-3]) * 31 + int(d[-2:])])

    years = [int(y) for y in ev.years]
    if years != list(ev.years):
        raise ValueError("years that are not integers")
    distinct = sorted(set(years))
    blob[H_YEARS_N] = len(distinct)
    blob[H_YEARS_AT] = section(distinct)
    blob[H_LAST_YEAR] = years[-1] if years else 0

    published = ev.published_dt
    blob[H_HAS_TIME] = published is not None
    if published is not None:
        blob[H_TIME] = (published - _EPOCH) // _MICROSECOND
    # The padding of bucket indexes must equal no key.
    if _MASK64 in union or _MASK64 in shingles or (lex.keys.size and lex.keys.max() == _MAX_KEY):
        raise ValueError("a key equal to the padding")
    return PairForm.of(lex.keys, lex.weights, np.fromiter(blob, np.int64, len(blob)))


# --- native part --------------------------------------------------------------------------


@intrinsic
def _address_as_pointer(typingctx, address):
    """An int64 address as a void pointer, to view another article's arrays in place."""

    def codegen(context, builder, signature, args):
        return builder.inttoptr(args[0], cgutils.voidptr_t)

    return types.voidptr(types.int64), codegen


# Typed as what it does in compiled code (as a Python object it takes a typing context).
_pointer: Any = _address_as_pointer


@njit(cache=True)
def _bucket_index(keys, s0, s1):
    """``keys[s0:s1]`` (sorted) padded with two maximal keys, where each bucket of their top
    bits starts (about half a key per bucket), and the shift that gives a key's bucket."""
    n = s1 - s0
    bits = 1
    while (1 << bits) < 2 * n:
        bits += 1
    shift = np.uint64(64 - bits)
    padded = np.empty(n + 2, dtype=np.uint64)
    starts = np.zeros((1 << bits) + 1, dtype=np.int32)
    for p in range(n):
        x = keys[s0 + p]
        padded[p] = x
        starts[(x >> shift) + _U1] += 1
    padded[n] = _MAX_KEY
    padded[n + 1] = _MAX_KEY
    total = 0  # a running sum in a register, not a chain of loads and stores
    for t in range(1, (1 << bits) + 1):
        total += starts[t]
        starts[t] = total
    return padded, starts, shift


@njit(cache=True, inline="always")
def _find(padded, starts, shift, x):
    """Position of ``x`` in an indexed segment, or -1."""
    t = np.int64(x >> shift)
    for k in range(starts[t], starts[t + 1]):
        if padded[k] == x:
            return k
    return -1


@njit(cache=True)
def _probe(padded, starts, shift, keys, j0, j1, at_b, at_a):
    """Matches of ``keys[j0:j1]`` in an indexed segment, in key order: their positions in
    ``keys`` (``at_b``) and in the segment (``at_a``); returns how many.

    The two keys from the start of a key's bucket decide almost every lookup (a key past the
    bucket is larger than any key in it, and the padding ends the array) without a branch on
    the outcome; only a bucket of 3 keys or more is searched on. Unsigned indexes: numba
    checks signed ones for wraparound, which costs a third of the loop."""
    c = _U0
    for j in range(np.uint64(j0), np.uint64(j1)):
        x = keys[j]
        t = x >> shift
        lo = np.uint64(starts[t])
        second = padded[lo + _U1] == x
        hit = (padded[lo] == x) | second
        k = lo + np.uint64(second)
        end = np.uint64(starts[t + _U1])
        if end - lo > _U2 and not hit:
            for q in range(lo + _U2, end):
                if padded[q] == x:
                    k = np.uint64(q)
                    hit = True
                    break
        at_b[c] = np.int64(j)
        at_a[c] = np.int64(k)
        c += np.uint64(hit)
    return np.int64(c)


@njit(cache=True, inline="always")
def _sums(wa, a0, wb, at_b, at_a, c):
    """(sum of products, sum of minima) of the matched weights, added in key order."""
    dot = 0.0
    low = 0.0
    for q in range(c):
        u = wa[a0 + at_a[q]]
        v = wb[at_b[q]]
        dot += u * v
        low += u if u < v else v
    return dot, low


@njit(cache=True, inline="always")
def _search(keys, lo, hi, x):
    """Position of ``x`` in sorted ``keys[lo:hi]``, or -1."""
    end = hi
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < end and keys[lo] == x else -1


@njit(cache=True, inline="always")
def _found(xs, at, n, ys, lo, hi):
    """How many of ``xs[at:at + n]`` are in sorted ``ys[lo:hi]``."""
    hits = 0
    for i in range(n):
        hits += _search(ys, lo, hi, xs[at + i]) >= 0
    return hits


@njit(cache=True, inline="always")
def _common(xs, i, i1, ys, j, j1):
    """How many values two sorted sections share."""
    c = 0
    while i < i1 and j < j1:
        x = xs[i]
        y = ys[j]
        if x < y:
            i += 1
        elif y < x:
            j += 1
        else:
            c += 1
            i += 1
            j += 1
    return c


@njit(cache=True, inline="always")
def _add(total, comp, x):
    """One step of Python's ``sum`` of floats: plain before 3.12, then Neumaier's."""
    if not _COMPENSATED:
        return total + x, comp
    t = total + x
    if abs(total) >= abs(x):
        comp += (total - t) + x
    else:
        comp += (x - t) + total
    return t, comp


@njit(cache=True, inline="always")
def _total(total, comp):
    if _COMPENSATED and comp != 0.0 and math.isfinite(comp):
        return total + comp
    return total


@njit(cache=True)
def round4(x):
    """``round(x, 4)`` for 0 <= x < 2**40 as Python rounds: the multiple of 1e-4 nearest to
    the exact value of ``x`` (ties to even), then the double nearest to that."""
    p = x * 10000.0
    # The exact error of the product (Dekker's two-product; 10000 needs no split).
    c = 134217729.0 * x
    high = c - (c - x)
    err = (high * 10000.0 - p) + (x - high) * 10000.0
    k = math.floor(p)
    d = p - k  # exact, and the exact product is p + err
    if d > 0.5 or (d == 0.5 and (err > 0.0 or (err == 0.0 and k % 2.0 == 1.0))):
        k += 1.0
    return k / 10000.0


@njit(cache=True)
def _prepare(ka, blob_a):
    """The first article's bucket indexes (terms, grams, lede; quote trigrams, shingles),
    where each lede key sits in its own grams (a lede's words are among the words: -1 for one
    that is not), and -1 for each gram (the scratch of :func:`_score`)."""
    a0 = blob_a[H_BOUNDS]
    a1 = blob_a[H_BOUNDS + 1]
    a2 = blob_a[H_BOUNDS + 2]
    a3 = blob_a[H_BOUNDS + 3]
    terms = _bucket_index(ka, a0, a1)
    grams = _bucket_index(ka, a1, a2)
    lead = _bucket_index(ka, a2, a3)
    lead_in_grams = np.empty(a3 - a2, dtype=np.int64)
    for i in range(a3 - a2):
        lead_in_grams[i] = _find(grams[0], grams[1], grams[2], ka[a2 + i])
    matched = np.full(a2 - a1, -1, dtype=np.int64)
    keys = blob_a.view(np.uint64)
    at = blob_a[H_TRIGRAMS_AT]
    trigrams = _bucket_index(keys, at, at + blob_a[H_TRIGRAMS_N])
    at = blob_a[H_SHINGLES_AT]
    shingles = _bucket_index(keys, at, at + blob_a[H_SHINGLES_N])
    return terms, grams, lead, lead_in_grams, matched, trigrams, shingles


@njit(cache=True)
def _score(ka, wa, blob_a, prep, kb, wb, blob_b, w, at_b, at_a, f):
    """``round(combine(features(a, b), w), 4)`` with ``a``'s indexes prepared once.

    ``at_b``/``at_a``: scratch as long as ``kb`` and ``blob_b``; ``f``: for the 20 features."""
    terms, grams, lead, lead_in_grams, matched, trigrams, shingles = prep
    ra = blob_a.view(np.float64)
    rb = blob_b.view(np.float64)
    a0 = blob_a[H_BOUNDS]
    a1 = blob_a[H_BOUNDS + 1]
    a2 = blob_a[H_BOUNDS + 2]
    a3 = blob_a[H_BOUNDS + 3]
    b0 = blob_b[H_BOUNDS]
    b1 = blob_b[H_BOUNDS + 1]
    b2 = blob_b[H_BOUNDS + 2]
    b3 = blob_b[H_BOUNDS + 3]
    sa = ra[H_STATS : H_STATS + 6]
    sb = rb[H_STATS : H_STATS + 6]
    f[:] = 0.0

    # Lexical (vectors.features): b's keys looked up in a's indexes.
    c = _probe(terms[0], terms[1], terms[2], kb, b0, b1, at_b, at_a)
    dt, mt = _sums(wa, a0, wb, at_b, at_a, c)
    c = _probe(grams[0], grams[1], grams[2], kb, b1, b2, at_b, at_a)
    dg, mg = _sums(wa, a1, wb, at_b, at_a, c)
    # a's lede in b's grams: each lede key through its own gram, if b shares that gram.
    for q in range(c):
        matched[at_a[q]] = at_b[q]
    lg_ab = 0.0
    for i in range(a3 - a2):
        g = lead_in_grams[i]
        j = matched[g] if g >= 0 else _search(kb, b1, b2, ka[a2 + i])
        if j >= 0:
            u = wa[a2 + i]
            v = wb[j]
            lg_ab += u if u < v else v
    for q in range(c):
        matched[at_a[q]] = -1
    c = _probe(lead[0], lead[1], lead[2], kb, b2, b3, at_b, at_a)
    dl = _sums(wa, a2, wb, at_b, at_a, c)[0]
    c = _probe(grams[0], grams[1], grams[2], kb, b2, b3, at_b, at_a)
    lg_ba = _sums(wa, a1, wb, at_b, at_a, c)[1]

    has_terms = a1 > a0 and b1 > b0
    has_grams = a2 > a1 and b2 > b1
    has_lead = a3 > a2 and b3 > b2
    f[0] = math.sqrt(dt / (sa[0] * sb[0]) if has_terms and sa[0] and sb[0] else 0.0)
    f[1] = math.sqrt(mt / min(sa[3], sb[3]) if has_terms else 0.0)
    if blob_a[H_WORDS] and blob_b[H_WORDS]:
        f[2] = math.sqrt(dg / (sa[1] * sb[1]) if has_grams and sa[1] and sb[1] else 0.0)
        f[3] = math.sqrt(mg / min(sa[4], sb[4]) if has_grams else 0.0)
    lead_a = blob_a[H_LEAD] != 0
    lead_b = blob_b[H_LEAD] != 0
    if lead_a and lead_b:
        f[4] = math.sqrt(dl / (sa[2] * sb[2]) if has_lead and sa[2] and sb[2] else 0.0)
    title = -1.0  # none yet
    if lead_a:
        title = math.sqrt(lg_ab / min(sa[5], sb[4]) if a3 > a2 and b2 > b1 else 0.0)
    if lead_b:
        title_ba = math.sqrt(lg_ba / min(sb[5], sa[4]) if b3 > b2 and a2 > a1 else 0.0)
        title = title_ba if title_ba > title else title
    if not lead_a and not lead_b:  # evidence stored before version 2: title terms in terms
        n = blob_a[H_TITLE_N]
        if n:
            title = _found(blob_a.view(np.uint64), blob_a[H_TITLE_AT], n, kb, b0, b1) / n
        n = blob_b[H_TITLE_N]
        if n:
            share = _found(blob_b.view(np.uint64), blob_b[H_TITLE_AT], n, ka, a0, a1) / n
            title = share if share > title else title
    if title >= 0.0:
        f[5] = title

    na = blob_a[H_HEADS_N]
    nb = blob_b[H_HEADS_N]
    if na and nb:
        ha = blob_a[H_HEADS_AT]
        hb = blob_b[H_HEADS_AT]
        hit_a = at_a  # the lexical scratch, free again: 1 for each head the other side has
        hit_b = at_b
        hit_a[:na] = 0
        hit_b[:nb] = 0
        # Shared weight summed in hash order (Python sums in its set's order: last bits).
        mass = 0.0
        comp = 0.0
        rare = 0
        i = 0
        j = 0
        while i < na and j < nb:
            x = blob_a[ha + i]
            y = blob_b[hb + j]
            if x < y:
                i += 1
            elif y < x:
                j += 1
            else:
                u = ra[ha + na + i]
                v = rb[hb + nb + j]
                low = v if v < u else u
                mass, comp = _add(mass, comp, low)
                rare += low >= 3.0
                hit_a[i] = 1
                hit_b[j] = 1
                i += 1
                j += 1
        mass = _total(mass, comp)
        f[6] = math.sqrt(mass / min(ra[H_MASS], rb[H_MASS]))
        f[7] = min(1.0, math.log1p(rare) / _LOG8)
        f[8] = (_top_shared(blob_a, hit_a) + _top_shared(blob_b, hit_b)) / 2
        only_a = _only_here(blob_a, ra, hit_a)
        only_b = _only_here(blob_b, rb, hit_b)
        if only_a and only_b:
            f[9] = min(only_a, only_b) / 3

    if blob_a[H_QUOTES_N] and blob_b[H_QUOTES_N]:
        at = blob_b[H_TRIGRAMS_AT]
        n_q = 0
        end = at + blob_b[H_TRIGRAMS_N]
        if _probe(
            trigrams[0], trigrams[1], trigrams[2], blob_b.view(np.uint64), at, end, at_b, at_a
        ):
            n_q = max(_quotes_found(blob_a, blob_b), _quotes_found(blob_b, blob_a))
        f[10] = min(1.0, n_q / 3)

    na = blob_a[H_SHINGLES_N]
    nb = blob_b[H_SHINGLES_N]
    if na >= 3 and nb >= 3:
        at = blob_b[H_SHINGLES_AT]
        keys = blob_b.view(np.uint64)
        shared = _probe(shingles[0], shingles[1], shingles[2], keys, at, at + nb, at_b, at_a)
        f[11] = shared / min(na, nb)

    same, conflicts = _figures(blob_a, ra, blob_b, rb)
    f[12] = min(1.0, same / 3)
    f[13] = min(1.0, conflicts / 2)

    na = blob_a[H_DATES_N]
    nb = blob_b[H_DATES_N]
    if na and nb:
        best = _closest_dates(blob_a, blob_b)
        if best <= 1:
            f[14] = 1.0
        elif best > 3:
            f[15] = min(1.0, math.log1p(best) / _LOG60)

    na = blob_a[H_YEARS_N]
    nb = blob_b[H_YEARS_N]
    if na and nb:
        ia = blob_a[H_YEARS_AT]
        ib = blob_b[H_YEARS_AT]
        if _common(blob_a, ia, ia + na, blob_b, ib, ib + nb) == 0:
            f[16] = 1.0
        if blob_a[H_LAST_YEAR] != blob_b[H_LAST_YEAR]:
            f[17] = 1.0

    if blob_a[H_HAS_TIME] and blob_b[H_HAS_TIME]:
        # timedelta.total_seconds() divides exact microseconds by 10**6; so does this below
        # 2**53 microseconds (285 years; beyond a year apart, time_far is 1.0 anyway).
        days = abs(float(blob_a[H_TIME] - blob_b[H_TIME]) / 1e6) / 86400
        if days <= 2:
            f[18] = 1.0
        elif days > 7:
            f[19] = min(1.0, math.log(days / 7) / _LOG_YEAR_IN_WEEKS)

    # combine: bias + sum(weight * feature) in FEATURES order, then the logistic.
    total = 0.0
    comp = 0.0
    for q in range(N_FEATURES):
        total, comp = _add(total, comp, w[q + 1] * f[q])
    z = w[0] + _total(total, comp)
    z = z if z < 30.0 else 30.0
    z = z if z > -30.0 else -30.0
    return round4(1.0 / (1.0 + math.exp(-z)))


@njit(cache=True, inline="always")
def _top_shared(blob, hit):
    """The share of an article's 3 heaviest heads that the other article has."""
    n = blob[H_TOP_N]
    at = blob[H_TOP_AT]
    shared = 0
    for i in range(n):
        shared += hit[blob[at + i]]
    return shared / n


@njit(cache=True, inline="always")
def _only_here(blob, reals, hit):
    """How many of an article's first 3 heads, weighing 4 or more, the other one lacks."""
    heads = blob[H_HEADS_AT]
    n_heads = blob[H_HEADS_N]
    at = blob[H_FIRST_AT]
    only = 0
    for i in range(blob[H_FIRST_N]):
        k = blob[at + i]
        only += hit[k] == 0 and reals[heads + n_heads + k] >= 4
    return only


@njit(cache=True)
def _quotes_found(x, y):
    """quotes.shared_quotes: how many of x's quotes have most of their trigrams in one quote
    of y's."""
    bx = x[H_QUOTES_AT]
    by = y[H_QUOTES_AT]
    hits = 0
    for i in range(x[H_QUOTES_N]):
        i0 = x[bx + i]
        i1 = x[bx + i + 1]
        for j in range(y[H_QUOTES_N]):
            if _common(x, i0, i1, y, y[by + j], y[by + j + 1]) >= _QUOTE_COVER * (i1 - i0):
                hits += 1
                break
    return hits


@njit(cache=True)
def _figures(blob_a, ra, blob_b, rb):
    """numbers.compare_units: (shared figures, units in conflict), "#" left out."""
    shared = 0
    conflicts = 0
    na = blob_a[H_UNITS_N]
    nb = blob_b[H_UNITS_N]
    ia = blob_a[H_UNITS_AT]
    ib = blob_b[H_UNITS_AT]
    i = 0
    j = 0
    while i < na and j < nb:
        x = blob_a[ia + i]
        y = blob_b[ib + j]
        if x < y:
            i += 1
        elif y < x:
            j += 1
        else:
            va = ia + na + i
            vb = ib + nb + j
            common = _common(ra, blob_a[va], blob_a[va + 1], rb, blob_b[vb], blob_b[vb + 1])
            if common:
                shared += common
            else:
                conflicts += 1
            i += 1
            j += 1
    return shared, conflicts


@njit(cache=True)
def _closest_dates(blob_a, blob_b):
    """The smallest date_distance_days between a date of each side."""
    ia = blob_a[H_DATES_AT]
    ib = blob_b[H_DATES_AT]
    best = math.inf
    for i in range(blob_a[H_DATES_N]):
        x = ia + 3 * i
        for j in range(blob_b[H_DATES_N]):
            y = ib + 3 * j
            if blob_a[x] and blob_b[y]:
                gap = abs(blob_a[x + 1] - blob_b[y + 1])
            else:
                diff = abs(blob_a[x + 2] - blob_b[y + 2])
                gap = min(diff, 372 - diff)
            best = min(best, float(gap))
    return best


@njit(cache=True)
def pair_score(ka, wa, blob_a, kb, wb, blob_b, w):
    """The rounded score of one pair; ``w``: bias then the FEATURES weights."""
    prep = _prepare(ka, blob_a)
    at_b = np.empty(max(kb.size, blob_b.size), dtype=np.int64)
    at_a = np.empty(max(kb.size, blob_b.size, blob_a.size), dtype=np.int64)
    f = np.empty(N_FEATURES, dtype=np.float64)
    return _score(ka, wa, blob_a, prep, kb, wb, blob_b, w, at_b, at_a, f)


@njit(cache=True)
def many_scores(ka, wa, blob_a, rows, w, out):
    """``out[i]``: the rounded score of ``a`` and the article of ``rows[i]`` (a
    :attr:`PairForm.row`: its arrays are read in place, alive as long as the caller holds
    the articles; the GIL is held throughout)."""
    prep = _prepare(ka, blob_a)
    longest = blob_a.size
    for r in range(rows.shape[0]):
        longest = max(longest, rows[r, 3], rows[r, 4])
    at_b = np.empty(longest, dtype=np.int64)
    at_a = np.empty(longest, dtype=np.int64)
    f = np.empty(N_FEATURES, dtype=np.float64)
    for r in range(rows.shape[0]):
        n = rows[r, 3]
        kb = numba.carray(_pointer(rows[r, 0]), (n,), dtype=np.uint64)
        wb = numba.carray(_pointer(rows[r, 1]), (n,), dtype=np.float64)
        blob_b = numba.carray(_pointer(rows[r, 2]), (rows[r, 4],), dtype=np.int64)
        out[r] = _score(ka, wa, blob_a, prep, kb, wb, blob_b, w, at_b, at_a, f)
