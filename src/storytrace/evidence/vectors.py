"""Sparse vectors of an article's terms, character grams and lede grams, built once per
:class:`~storytrace.evidence.Evidence`, and one pass that compares two of them.

The dict-based :func:`~storytrace.evidence.terms.cosine` and
:func:`~storytrace.evidence.terms.overlap` walk hundreds of grams per pair in Python. Here each
dict becomes a sorted array of 64-bit key hashes with its weights (float64, so the values only
differ from the dict sums by the order of additions), and the five intersections a pair needs
(terms, grams, lede, and each lede against the other's grams) are merged in one native call
(numba, when installed; numpy's ``searchsorted`` otherwise). Norms and masses are summed once,
in the dicts' own order.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xxhash

try:  # numba is a dependency of storytrace.match; stay usable without it
    from numba import njit
except ImportError:  # pragma: no cover - exercised only where numba is missing
    njit = None  # type: ignore[assignment,unused-ignore]


@dataclass(frozen=True, slots=True)
class Segment:
    """Norm and mass (sum of weights) of one sparse vector; 0 when it is empty."""

    size: int
    norm: float
    mass: float


@dataclass(frozen=True, slots=True)
class Lexical:
    """Terms, grams and lede grams of one article, each sorted by key hash, end to end."""

    keys: np.ndarray  # uint64
    weights: np.ndarray  # float64
    bounds: np.ndarray  # int64: [0, end of terms, end of grams, end of lede]
    terms: Segment
    grams: Segment
    lead: Segment
    # [terms, grams, lede] norms then masses: what :func:`features` reads in native code
    stats: np.ndarray  # float64



def _segment(d: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray, Segment]:
    n = len(d)
    keys = np.fromiter(map(xxhash.xxh3_64_intdigest, map(str.encode, d)), np.uint64, count=n)
    weights = np.fromiter(d.values(), np.float64, count=n)
    order = np.argsort(keys, kind="stable")
    keys, weights = keys[order], weights[order]
    if n > 1 and bool((keys[1:] == keys[:-1]).any()):  # a 64-bit collision: add up the weights
        keys, inverse = np.unique(keys, return_inverse=True)
        weights = np.bincount(inverse, weights=weights, minlength=len(keys)).astype(np.float64)
    # The same expressions as terms.cosine / terms.overlap, so norms and masses are identical.
    norm = math.sqrt(sum(v * v for v in d.values()))
    mass = sum(d.values())
    return keys, weights, Segment(n, norm, mass)


def _word_grams(word: str, n: int) -> np.ndarray:
    """Key hashes of the character ``n``-grams of a padded word, as in ``terms.char_grams``."""
    p = f"_{word}_"
    k = max(1, len(p) - n + 1)
    return np.fromiter(
        (xxhash.xxh3_64_intdigest(p[i : i + n].encode()) for i in range(k)), np.uint64, count=k
    )


class _GramTable:
    """The gram key hashes of every word seen, end to end in one array, so that one native
    call builds an article's gram vector (hashing is in Python: once per word and process).
    Bounded: past ``max_words`` words it starts again. Thread-safe, as the cache it replaces
    was (the Python API may score pairs in threads): words are added under a lock, and a
    caller reads the arrays it got with its slots, which later additions never change."""

    def __init__(self, n: int, max_words: int = 262_144) -> None:
        self.n = n
        self.max_words = max_words
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self.slot: dict[str, int] = {}
        self.flat = np.zeros(1 << 16, np.uint64)
        self.size = 0
        self.bounds = np.zeros(1 << 12, np.int64)  # word slot i: flat[bounds[i]:bounds[i + 1]]

    def slots(self, words: Iterable[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The slot of each word (its grams hashed first when it is new), with the gram array
        and the bounds array those slots index."""
        words = list(words)
        with self._lock:
            if len(self.slot) + len(words) > self.max_words:
                self._clear()
            slot = self.slot
            out = [slot.get(w, -1) for w in words]
            for i, w in enumerate(words):
                if out[i] < 0:
                    out[i] = slot.get(w, -1)  # a word given twice
                    if out[i] < 0:
                        out[i] = self._add(w)
            return np.array(out, dtype=np.int64), self.flat, self.bounds

    def _add(self, word: str) -> int:
        grams = _word_grams(word, self.n)
        i = len(self.slot)
        end = self.size + grams.size
        if end > self.flat.size:
            grown = np.zeros(max(end, 2 * self.flat.size), np.uint64)
            grown[: self.size] = self.flat[: self.size]
            self.flat = grown
        if i + 2 > self.bounds.size:
            self.bounds = np.concatenate([self.bounds, np.zeros(self.bounds.size, np.int64)])
        self.flat[self.size : end] = grams
        self.size = end
        self.bounds[i + 1] = end
        self.slot[word] = i
        return i


def _gram_vector_py(flat, bounds, slots, weights):  # type: ignore[no-untyped-def,unused-ignore]
    """Distinct gram keys (sorted) and their weights: each word's weight spread evenly over its
    grams, a gram's shares added in the words' order (as ``np.bincount`` adds them)."""
    total = 0
    for w in slots:
        total += bounds[w + 1] - bounds[w]
    keys = np.empty(total, np.uint64)
    shares = np.empty(total, np.float64)
    at = 0
    for i in range(slots.size):
        a, b = bounds[slots[i]], bounds[slots[i] + 1]
        share = weights[i] / (b - a)
        for j in range(a, b):
            keys[at] = flat[j]
            shares[at] = share
            at += 1
    order = np.argsort(keys, kind="mergesort")  # stable: equal keys keep the words' order
    out_keys = np.empty(total, np.uint64)
    out_weights = np.zeros(total, np.float64)
    m = -1
    for o in order:
        if m < 0 or keys[o] != out_keys[m]:
            m += 1
            out_keys[m] = keys[o]
        out_weights[m] += shares[o]
    return out_keys[: m + 1], out_weights[: m + 1]


_GRAM_TABLES: dict[int, _GramTable] = {}


def _gram_segment(words: Mapping[str, float], n: int) -> tuple[np.ndarray, np.ndarray, Segment]:
    """:func:`_segment` of ``char_grams(words)`` without building the dict (one native call over
    the words' gram hashes, kept per process: :class:`_GramTable`)."""
    if not words:
        return np.zeros(0, np.uint64), np.zeros(0, np.float64), Segment(0, 0.0, 0.0)
    table = _GRAM_TABLES.get(n)
    if table is None:
        table = _GRAM_TABLES.setdefault(n, _GramTable(n))
    slots, flat, bounds = table.slots(words)
    weights = np.fromiter(words.values(), np.float64, count=len(words))
    keys, summed = _gram_vector(flat, bounds, slots, weights)
    return keys, summed, Segment(len(keys), math.sqrt(float(summed @ summed)), float(summed.sum()))


def build_from_words(
    terms: Mapping[str, float], words: Mapping[str, float], lead: Sequence[str], n: int
) -> Lexical:
    """The :class:`Lexical` of terms, ``char_grams(words)`` and ``char_grams(lead)``."""
    return _assemble(
        [_segment(terms), _gram_segment(words, n), _gram_segment(dict.fromkeys(lead, 1.0), n)]
    )


def build(terms: Mapping[str, float], grams: Mapping[str, float], lead: Mapping[str, float]) -> Lexical:
    return _assemble([_segment(d) for d in (terms, grams, lead)])


def _assemble(parts: list[tuple[np.ndarray, np.ndarray, Segment]]) -> Lexical:
    sizes = [len(p[0]) for p in parts]
    bounds = np.array([0, sizes[0], sizes[0] + sizes[1], sum(sizes)], dtype=np.int64)
    segs = [p[2] for p in parts]
    return Lexical(
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        bounds,
        segs[0],
        segs[1],
        segs[2],
        np.array([g.norm for g in segs] + [g.mass for g in segs], dtype=np.float64),
    )


def _merge_py(ka, wa, a0, a1, kb, wb, b0, b1):  # type: ignore[no-untyped-def,unused-ignore]
    """(dot, sum of minima) over the keys two sorted segments share."""
    dot = 0.0
    low = 0.0
    i, j = a0, b0
    while i < a1 and j < b1:
        x, y = ka[i], kb[j]
        if x < y:
            i += 1
        elif y < x:
            j += 1
        else:
            u, v = wa[i], wb[j]
            dot += u * v
            low += u if u < v else v
            i += 1
            j += 1
    return dot, low


def _compare_py(ka, wa, oa, kb, wb, ob):  # type: ignore[no-untyped-def,unused-ignore]
    dt, mt = _merge(ka, wa, oa[0], oa[1], kb, wb, ob[0], ob[1])
    dg, mg = _merge(ka, wa, oa[1], oa[2], kb, wb, ob[1], ob[2])
    dl, _ = _merge(ka, wa, oa[2], oa[3], kb, wb, ob[2], ob[3])
    _, lg_ab = _merge(ka, wa, oa[2], oa[3], kb, wb, ob[1], ob[2])
    _, lg_ba = _merge(kb, wb, ob[2], ob[3], ka, wa, oa[1], oa[2])
    return dt, mt, dg, mg, dl, lg_ab, lg_ba


def _features_py(ka, wa, oa, sa, kb, wb, ob, sb):  # type: ignore[no-untyped-def,unused-ignore]
    """The seven lexical features of a pair, square roots taken (see :func:`features`)."""
    dt, mt, dg, mg, dl, lg_ab, lg_ba = _compare(ka, wa, oa, kb, wb, ob)
    terms = oa[1] > oa[0] and ob[1] > ob[0]
    grams = oa[2] > oa[1] and ob[2] > ob[1]
    lead = oa[3] > oa[2] and ob[3] > ob[2]
    # The same operations as :func:`cosine` and :func:`overlap`, so the same floats.
    terms_cos = math.sqrt(dt / (sa[0] * sb[0]) if terms and sa[0] and sb[0] else 0.0)
    terms_overlap = math.sqrt(mt / min(sa[3], sb[3]) if terms else 0.0)
    grams_cos = math.sqrt(dg / (sa[1] * sb[1]) if grams and sa[1] and sb[1] else 0.0)
    grams_overlap = math.sqrt(mg / min(sa[4], sb[4]) if grams else 0.0)
    lead_cos = math.sqrt(dl / (sa[2] * sb[2]) if lead and sa[2] and sb[2] else 0.0)
    ab = oa[3] > oa[2] and ob[2] > ob[1]
    ba = ob[3] > ob[2] and oa[2] > oa[1]
    title_ab = math.sqrt(lg_ab / min(sa[5], sb[4]) if ab else 0.0)
    title_ba = math.sqrt(lg_ba / min(sb[5], sa[4]) if ba else 0.0)
    return terms_cos, terms_overlap, grams_cos, grams_overlap, lead_cos, title_ab, title_ba


def _merge_np(ka, wa, a0, a1, kb, wb, b0, b1):  # type: ignore[no-untyped-def,unused-ignore]
    xa, xb = ka[a0:a1], kb[b0:b1]
    if not len(xa) or not len(xb):
        return 0.0, 0.0
    idx = np.searchsorted(xb, xa)
    np.minimum(idx, len(xb) - 1, out=idx)
    hit = xb[idx] == xa
    u, v = wa[a0:a1][hit], wb[b0:b1][idx[hit]]
    return float(u @ v), float(np.minimum(u, v).sum())


if njit is not None:
    _gram_vector = njit(cache=True, nogil=True)(_gram_vector_py)
    _merge = njit(cache=True, nogil=True)(_merge_py)
    _compare = njit(cache=True, nogil=True)(_compare_py)
    _features = njit(cache=True, nogil=True)(_features_py)
else:  # pragma: no cover
    _gram_vector = _gram_vector_py
    _merge = _merge_np
    _compare = _compare_py
    _features = _features_py


def compare(a: Lexical, b: Lexical) -> tuple[float, ...]:
    """(terms dot, terms shared mass, grams dot, grams shared mass, lede dot,
    shared mass of a's lede in b's grams, of b's lede in a's grams)."""
    out: tuple[float, ...] = _compare(a.keys, a.weights, a.bounds, b.keys, b.weights, b.bounds)
    return out


def features(a: Lexical, b: Lexical) -> tuple[float, ...]:
    """sqrt of (terms cosine, terms overlap, grams cosine, grams overlap, lede cosine, overlap
    of a's lede in b's grams, of b's lede in a's grams): :func:`compare` and the measures below
    in one native call."""
    out: tuple[float, ...] = _features(
        a.keys, a.weights, a.bounds, a.stats, b.keys, b.weights, b.bounds, b.stats
    )
    return out


def cosine(dot: float, a: Segment, b: Segment) -> float:
    if not a.size or not b.size:
        return 0.0
    return dot / (a.norm * b.norm) if a.norm and b.norm else 0.0


def overlap(shared: float, a: Segment, b: Segment) -> float:
    if not a.size or not b.size:
        return 0.0
    return shared / min(a.mass, b.mass)
