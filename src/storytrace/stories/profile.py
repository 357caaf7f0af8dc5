"""Contrastive evidence for story decisions: what sets an article apart within a collection.

Two events of one type (two rehab check-ins, two title fights of one boxer) share their event
vocabulary, so the pair score of :func:`storytrace.evidence.similarity` rates them alike. What
tells them apart is what is rare *in the collection at hand*: the other boxer, the other
minister, the rehab clinic. :func:`contrast_vectors` re-weights each article's own evidence
(its content terms and entity heads, already weighted by general-language rarity) by how few
articles of the collection share each key, so the vocabulary common to a topic fades and the
participants stand out. The cosine of two such vectors is the *contrast* of the pair; the story
decisions multiply it with the pair score, so a join needs both the same-story evidence and
agreement on what is specific.

The collection is whatever the caller holds: the articles of the in-memory state at re-check
time. No corpus statistics are shipped and nothing is fitted here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from storytrace.evidence import Evidence

Vector = dict[str, float]
STRAY_SHARE = 0.25  # conflict veto: a signature named by this share of the other group is absent
ENTITY_SHARE = 0.5  # share of the vector's mass given to entity heads (the rest: terms)


def _unit(v: Mapping[str, float]) -> Vector:
    n = math.sqrt(sum(x * x for x in v.values()))
    return {k: x / n for k, x in v.items()} if n > 0 else {}


def _keys(ev: Evidence) -> tuple[Mapping[str, float], Mapping[str, float]]:
    return ev.terms, ev.entity_heads


def collection_idf(df: Counter[str], n: int, key: str) -> float:
    """Smoothed rarity in a collection of ``n`` articles: small collections stay gentle."""
    return math.log((n + 1) / (df[key] + 0.5))


def contrast_vectors(evs: Sequence[Evidence], background: Sequence[Evidence] = ()) -> list[Vector]:
    """One unit vector per article: its terms and entity heads, each weighted by its evidence
    weight times its rarity in ``evs`` plus ``background`` (other articles that only count
    for rarity, so a small set of near stories is not judged against itself alone); terms and
    entities get equal mass."""
    df: Counter[str] = Counter()
    for ev in (*evs, *background):
        terms, heads = _keys(ev)
        df.update("t:" + k for k in terms)
        df.update("e:" + k for k in heads)
    n = len(evs) + len(background)
    out: list[Vector] = []
    for ev in evs:
        terms, heads = _keys(ev)
        tv = _unit({"t:" + k: w * collection_idf(df, n, "t:" + k) for k, w in terms.items()})
        hv = _unit({"e:" + k: w * collection_idf(df, n, "e:" + k) for k, w in heads.items()})
        if not hv or not tv:
            out.append(tv or hv)
            continue
        a, b = math.sqrt(1 - ENTITY_SHARE), math.sqrt(ENTITY_SHARE)
        out.append({**{k: a * x for k, x in tv.items()}, **{k: b * x for k, x in hv.items()}})
    return out


def dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return max(0.0, min(1.0, sum(x * b.get(k, 0.0) for k, x in a.items())))


def contrast_pairs(vectors: Sequence[Vector], floor: float) -> dict[tuple[int, int], float]:
    """``{(i, j): cosine}`` for ``i < j`` with cosine >= ``floor``, through an inverted index
    (pairs sharing no key are never visited; a native loop, as a re-check holds thousands)."""
    import numpy as np

    from ._kernels import sparse_self_dots

    vocabulary: dict[str, int] = {}
    indptr = np.zeros(len(vectors) + 1, dtype=np.int64)
    keys: list[int] = []
    values: list[float] = []
    for i, v in enumerate(vectors):
        keys.extend(vocabulary.setdefault(k, len(vocabulary)) for k in v)
        values.extend(v.values())
        indptr[i + 1] = len(keys)
    rows, cols, dots = sparse_self_dots(
        indptr,
        np.array(keys, dtype=np.int64),
        np.array(values, dtype=np.float64),
        len(vocabulary),
        float(floor),
    )
    return {
        (i, j): min(1.0, c)
        for i, j, c in zip(rows.tolist(), cols.tolist(), dots.tolist(), strict=True)
    }


def agglomerate(
    sims: Mapping[tuple[int, int], float],
    groups: Sequence[Sequence[int]],
    threshold: float,
    veto: Callable[[Sequence[int], Sequence[int]], bool] | None = None,
) -> list[list[int]]:
    """Average-linkage agglomeration of ``groups`` (lists of item indices), best pair first,
    while the mean pair similarity between two groups is >= ``threshold``. ``sims`` holds
    ``(i, j)`` with ``i < j``; a missing pair counts as 0. ``veto(a, b)``: True blocks that
    merge (re-asked once either group has grown). Deterministic for given groups."""
    import numpy as np

    out: list[list[int]] = [list(g) for g in groups if g]
    if len(out) < 2:
        return out
    of = {i: gi for gi, g in enumerate(out) for i in g}
    n = len(out)
    total = np.zeros((n, n))
    for (i, j), s in sims.items():
        a, b = of.get(i), of.get(j)
        if a is None or b is None or a == b:
            continue
        total[a, b] += s
        total[b, a] += s
    size = np.array([len(g) for g in out], dtype=float)
    alive = np.ones(n, dtype=bool)
    blocked = np.zeros((n, n), dtype=bool)
    while True:
        link = total / np.outer(size, size)
        link[~alive, :] = -1.0
        link[:, ~alive] = -1.0
        link[blocked] = -1.0
        np.fill_diagonal(link, -1.0)
        flat = int(np.argmax(link))
        a, b = divmod(flat, n)
        if link[a, b] < threshold:
            break
        a, b = min(a, b), max(a, b)
        if veto is not None and veto(out[a], out[b]):
            blocked[a, b] = blocked[b, a] = True
            continue
        blocked[a, :] = blocked[:, a] = False
        out[a].extend(out[b])
        out[b] = []
        total[a, :] += total[b, :]
        total[:, a] += total[:, b]
        total[a, a] = 0.0
        total[b, :] = 0.0
        total[:, b] = 0.0
        size[a] += size[b]
        alive[b] = False
    return [sorted(g) for g in out if g]


def reassign(
    sims: Mapping[tuple[int, int], float],
    groups: Sequence[Sequence[int]],
    rounds: int = 2,
    margin: float = 0.0,
) -> list[list[int]]:
    """Move each article of a group of two or more to the other such group it is closest to on
    average (by more than ``margin``), all moves of a round at once. Agglomeration fixes an
    article early, before the two events of a type have drawn apart; this undoes that."""
    import numpy as np

    out = [list(g) for g in groups if g]
    items = sorted(i for g in out for i in g)
    if len(out) < 2 or not items:
        return out
    pos = {i: k for k, i in enumerate(items)}
    m = np.zeros((len(items), len(items)))
    for (i, j), v in sims.items():
        if i in pos and j in pos:
            m[pos[i], pos[j]] = m[pos[j], pos[i]] = v
    for _ in range(rounds):
        member = np.zeros((len(items), len(out)))
        for gi, g in enumerate(out):
            member[[pos[i] for i in g], gi] = 1.0
        size = member.sum(axis=0)
        total = m @ member  # an item's summed similarity to each group (itself excluded: m[i,i]=0)
        own = member.astype(bool)
        mean = total / np.maximum(size - own, 1)
        mean[:, size < 2] = -1.0
        moved = False
        new: list[list[int]] = [[] for _ in out]
        for i in items:
            k = pos[i]
            cur = int(np.argmax(member[k]))
            best = int(np.argmax(mean[k]))
            if size[cur] >= 2 and best != cur and mean[k, best] > mean[k, cur] + margin:
                new[best].append(i)
                moved = True
            else:
                new[cur].append(i)
        out = [g for g in new if g]
        if not moved:
            break
    return [sorted(g) for g in out]


def signatures(evs: Sequence[Evidence], share: float, min_weight: float) -> dict[str, float]:
    """Entity heads named by at least ``share`` of ``evs`` (with rarity >= ``min_weight``):
    the participants that make a story this story. Returns head -> share of articles."""
    c: Counter[str] = Counter()
    for ev in evs:
        c.update(h for h, w in ev.entity_heads.items() if w >= min_weight)
    return {h: k / len(evs) for h, k in c.items() if k / len(evs) >= share}


def conflicting(
    a: Sequence[Evidence], b: Sequence[Evidence], *, share: float, min_weight: float, both: bool
) -> bool:
    """Two groups name different key participants: a signature of one is named by at most
    :data:`STRAY_SHARE` of the other's articles (on both sides when ``both``). The tolerance
    keeps one article that reports both events from hiding the conflict."""

    def missing(x: Sequence[Evidence], y: Sequence[Evidence]) -> bool:
        named: Counter[str] = Counter(h for ev in y for h in ev.entity_heads)
        return any(named[h] <= STRAY_SHARE * len(y) for h in signatures(x, share, min_weight))

    ab, ba = missing(a, b), missing(b, a)
    return (ab and ba) if both else (ab or ba)


def _when(ev: Evidence, months: bool) -> set[str]:
    keys = {f"y:{y}" for y in ev.years}
    if months:
        keys.update(f"m:{m}" for m in ev.months)
    return keys


def time_signatures(evs: Sequence[Evidence], share: float, months: bool = True) -> dict[str, float]:
    """When a story happened: the latest year named by at least ``share`` of ``evs`` (older
    years are background: "in 2010 she was ...") and, with ``months``, the most named month
    if it reaches ``share``. Returns ``"y:2013"`` / ``"m:9"`` -> share of articles."""
    n = len(evs)
    years: Counter[int] = Counter(y for ev in evs for y in set(ev.years))
    out = {}
    common = [y for y, k in years.items() if k / n >= share]
    if common:
        out[f"y:{max(common)}"] = years[max(common)] / n
    if months:
        ms: Counter[int] = Counter(m for ev in evs for m in set(ev.months))
        top = ms.most_common(1)
        if top and top[0][1] / n >= share:
            out[f"m:{top[0][0]}"] = top[0][1] / n
    return out


def time_conflicting(
    a: Sequence[Evidence],
    b: Sequence[Evidence],
    *,
    share: float,
    months: bool = True,
) -> bool:
    """One group keeps naming a year (or month) that the other hardly names (at most
    :data:`STRAY_SHARE` of its articles): two events of one type at different times. Either
    way round (one-sided), as the articles of an older event often name no year at all."""

    def missing(x: Sequence[Evidence], y: Sequence[Evidence]) -> bool:
        named: Counter[str] = Counter(k for ev in y for k in _when(ev, months))
        return any(named[k] <= STRAY_SHARE * len(y) for k in time_signatures(x, share, months))

    return missing(a, b) or missing(b, a)
