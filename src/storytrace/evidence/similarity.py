"""Same-story score of two articles: features a journalist would check, a logistic model,
and the reasons in plain words.

Every feature is in [0, 1]. Overlap-style measures (shared mass over the smaller side) keep a
short rewrite close to the long original; conflicts (same unit, other figure; dates or
publication times far apart) carry negative weights. Weights live in ``weights.json`` and can
be refitted with :func:`fit_weights`.

:func:`features` is the definition; the score-only paths (:func:`similarity_score`, and
:func:`similarity_scores` for one article against many) replay it in native code on packed
forms of the evidence (:mod:`._pair_kernels`) and give the same floats.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import repeat
from operator import mul

import numpy as np

from storytrace.evidence._pair_kernels import many_scores, pair_score
from storytrace.evidence.core import Evidence
from storytrace.evidence.dates import date_distance_days, describe_gap
from storytrace.evidence.numbers import compare_units, describe
from storytrace.evidence.quotes import shared_quotes
from storytrace.evidence.vectors import features as lexical_features

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
_LOG8 = math.log(8)
# Only scored when both articles carry a sentence embedding (the optional extra).
EMBED_FEATURES: tuple[str, ...] = ("embed_cos",)


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


def _names(heads: Iterable[str], ev: Evidence, limit: int = 4) -> str:
    return ", ".join(ev.head_names.get(h, h) for h in list(heads)[:limit])


def features(
    a: Evidence, b: Evidence, *, explain: bool = True
) -> tuple[dict[str, float], list[str]]:
    """Feature values in [0, 1] and the human reasons behind the notable ones.

    ``explain=False``: the same values and no reasons (an empty list). Wording the reasons
    costs as much as the features themselves, and most callers only need the score.
    """
    f = dict.fromkeys(FEATURES, 0.0)
    why: list[str] = []
    # Square roots: the human scale is concave in raw lexical overlap (Pearson 0.77 -> 0.82).
    # All lexical intersections of the pair in one pass over precomputed sorted vectors.
    terms_cos, terms_overlap, grams_cos, grams_overlap, lead, title_ab, title_ba = lexical_features(
        a.lexical, b.lexical
    )  # one native call: every lexical intersection of the pair and its measures
    f["terms_cos"] = terms_cos
    f["terms_overlap"] = terms_overlap
    if a.words and b.words:
        f["grams_cos"] = grams_cos
        f["grams_overlap"] = grams_overlap
    if a.lead and b.lead:
        f["lead"] = lead
        if explain and lead >= 0.6:
            why.append(f"similar headline and lede ({lead:.0%})")
    if a.embedding and b.embedding and len(a.embedding) == len(b.embedding):
        dot = sum(x * y for x, y in zip(a.embedding, b.embedding, strict=True))
        f["embed_cos"] = max(0.0, min(1.0, dot))

    # Is each article's headline and lede told in the other one? (grams, so inflections count)
    titles = []
    if a.lead:
        titles.append(title_ab)
    if b.lead:
        titles.append(title_ba)
    if not titles:  # evidence stored before version 2
        for x, y in ((a, b), (b, a)):
            if x.title_terms:
                titles.append(sum(t in y.terms for t in x.title_terms) / len(x.title_terms))
    if titles:
        f["title"] = max(titles)
        if explain and f["title"] >= 0.5:
            why.append(f"headline words found in the other article ({f['title']:.0%})")

    ha, hb = a.entity_heads, b.entity_heads
    if ha and hb:
        mass_a, top_a, first_a = a.entity_summary
        mass_b, top_b, first_b = b.entity_summary
        shared_set = ha.keys() & hb.keys()
        # Summed in the set's own order (as before), with C-level maps instead of generators.
        lows = list(map(min, map(ha.__getitem__, shared_set), map(hb.__getitem__, shared_set)))
        mass = sum(lows)
        f["entities"] = math.sqrt(mass / min(mass_a, mass_b))
        rare = sum(v >= 3.0 for v in lows)
        f["entities_n"] = min(1.0, math.log1p(rare) / _LOG8)
        f["entities_top"] = (
            sum(map(hb.__contains__, top_a)) / len(top_a)
            + sum(map(ha.__contains__, top_b)) / len(top_b)
        ) / 2
        if explain and shared_set:
            shared_heads = sorted(shared_set, key=lambda h: -(ha[h] + hb[h]))
            why.append(f"shared names: {_names(shared_heads, a)}")
        only_a = [h for h in first_a if h not in hb and ha[h] >= 4]
        only_b = [h for h in first_b if h not in ha and hb[h] >= 4]
        if only_a and only_b:
            f["names_differ"] = min(len(only_a), len(only_b)) / 3
            if explain:
                why.append(f"different names: {_names(only_a, a, 2)} vs {_names(only_b, b, 2)}")

    if a.quotes and b.quotes:
        n_q = max(
            len(shared_quotes(a.quote_grams, b.quote_grams)),
            len(shared_quotes(b.quote_grams, a.quote_grams)),
        )
        f["quotes"] = min(1.0, n_q / 3)
        if explain and n_q:
            why.append(f"{n_q} shared quote{'s' if n_q > 1 else ''}")

    sa, sb = a.shingle_set, b.shingle_set
    if len(sa) >= 3 and len(sb) >= 3:
        f["passages"] = len(sa & sb) / min(len(sa), len(sb))
        if explain and f["passages"] >= 0.2:
            why.append(f"shared passages (~{f['passages']:.0%} of the shorter text)")

    shared, conflicts = compare_units(a.unit_values, b.unit_values)
    shared = [s for s in shared if s[0] != "#"]
    f["numbers_shared"] = min(1.0, len(shared) / 3)
    f["numbers_conflict"] = min(1.0, len(conflicts) / 2)
    if explain:
        if shared:
            why.append("same figures: " + ", ".join(describe(u, v) for u, v in shared[:4]))
        for u, va, vb in conflicts[:2]:
            why.append(f"different figures: {describe(u, va[0])} vs {describe(u, vb[0])}")

    if a.dates and b.dates:
        gaps = [date_distance_days(x, y) for x in a.dates for y in b.dates]
        best = min(g for g in gaps if g is not None)
        if best <= 1:
            f["date_match"] = 1.0
            if explain:
                why.append("same date mentioned")
        elif best > 3:
            f["date_conflict"] = min(1.0, math.log1p(best) / math.log(60))
            if explain:
                why.append(f"dates mentioned {describe_gap(best)} apart")
    if a.years and b.years and not a.year_set & b.year_set:
        f["years_conflict"] = 1.0
        if explain:
            why.append(f"different years: {a.years[-1]} vs {b.years[-1]}")
    if a.years and b.years and a.years[-1] != b.years[-1]:
        f["last_year_differs"] = 1.0

    pa, pb = a.published_dt, b.published_dt
    if pa is not None and pb is not None:
        days = abs((pa - pb).total_seconds()) / 86400
        if days <= 2:
            f["time_close"] = 1.0
        elif days > 7:
            f["time_far"] = min(1.0, math.log(days / 7) / math.log(365 / 7))
        if explain:
            why.append(f"published {describe_gap(days)} apart")
    return f, why


def combine(f: Mapping[str, float], weights: Mapping[str, float]) -> float:
    # The same products summed in the same order as a generator would, without one.
    products = map(mul, map(weights.get, f.keys(), repeat(0.0)), f.values())
    z = weights.get("bias", 0.0) + sum(products)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _round4(v: float) -> float:
    return v if v == 0.0 or v == 1.0 else round(v, 4)


def _score(f: Mapping[str, float], weights: Mapping[str, float] | None) -> float:
    """The rounded score of unrounded features (the rounding of :attr:`Similarity.features`
    is for display only)."""
    if weights is None:
        weights = default_weights("embed_cos" in f)
    return round(combine(f, weights), 4)


def similarity(
    a: Evidence, b: Evidence, *, weights: Mapping[str, float] | None = None
) -> Similarity:
    """Same-story score in [0, 1] with its features and the reasons behind it."""
    f, why = features(a, b)
    # Most features are exactly 0 or 1, which rounding leaves as they are.
    return Similarity(_score(f, weights), dict(zip(f, map(_round4, f.values()), strict=True)), why)


def _weight_vector(weights: Mapping[str, float]) -> np.ndarray:
    """The bias then the weight of each of FEATURES, as the pair kernels read them."""
    return np.array(
        [weights.get("bias", 0.0), *(weights.get(k, 0.0) for k in FEATURES)], dtype=np.float64
    )


@lru_cache(maxsize=1)
def _default_vector() -> np.ndarray:
    return _weight_vector(default_weights(False))


def _embedded(a: Evidence, b: Evidence) -> bool:
    return bool(a.embedding and b.embedding and len(a.embedding) == len(b.embedding))


def similarity_score(
    a: Evidence, b: Evidence, *, weights: Mapping[str, float] | None = None
) -> float:
    """``similarity(a, b, weights=weights).score`` (the same float) without the reasons and the
    rounded features: one native call on the articles' packed forms (see
    :mod:`._pair_kernels`). Pairs it does not model (both embedded, or a field beyond it)
    take the Python definition."""
    fa = a.pair_form
    fb = b.pair_form
    if fa is None or fb is None or _embedded(a, b):
        return _score(features(a, b, explain=False)[0], weights)
    w = _default_vector() if weights is None else _weight_vector(weights)
    score: float = pair_score(fa.keys, fa.weights, fa.blob, fb.keys, fb.weights, fb.blob, w)
    return score


def similarity_scores(
    a: Evidence, others: Sequence[Evidence], *, weights: Mapping[str, float] | None = None
) -> list[float]:
    """``[similarity_score(a, b, weights=weights) for b in others]`` (the same floats) in one
    native call: ``a``'s indexes are built once, and each other article is read in place."""
    fa = a.pair_form
    if fa is None:
        return [similarity_score(a, b, weights=weights) for b in others]
    forms = [b.pair_form for b in others]
    slow: set[int] = set()  # pairs for similarity_score: an article not packed, or embeddings
    if None in forms or a.embedding:
        pairs = enumerate(zip(others, forms, strict=True))
        slow = {i for i, (b, fb) in pairs if fb is None or _embedded(a, b)}
    rows = b"".join([fb.row for i, fb in enumerate(forms) if fb is not None and i not in slow])
    w = _default_vector() if weights is None else _weight_vector(weights)
    out = np.empty(len(others) - len(slow), dtype=np.float64)
    table = np.frombuffer(rows, dtype=np.int64).reshape(-1, 5)
    many_scores(fa.keys, fa.weights, fa.blob, table, w, out)
    scores: list[float] = out.tolist()
    for i in sorted(slow):  # in increasing order, each lands at its own index
        scores.insert(i, similarity_score(a, others[i], weights=weights))
    return scores


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
