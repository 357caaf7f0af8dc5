"""Contrastive evidence for story decisions: what sets an article apart within a collection.

Two events of one type (two rehab check-ins, two title fights of one boxer) share their event
vocabulary, so the pair score of :func:`storytrace.evidence.similarity` rates them alike. What
tells them apart is what is rare *in the collection at hand*: the other boxer, the other
minister, the rehab clinic. :func:`contrast_matrix` re-weights each article's own evidence
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
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import sparse

from storytrace.evidence import Evidence

Vector = dict[str, float]
STRAY_SHARE = 0.25  # conflict veto: a signature named by this share of the other group is absent
ENTITY_SHARE = 0.5  # share of the vector's mass given to entity heads (the rest: terms)


class Pairs(NamedTuple):
    """Scored pairs of items as arrays: ``values[p]`` for items ``rows[p] < cols[p]``."""

    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, sims: Mapping[tuple[int, int], float] | Pairs) -> Pairs:
        """The pairs of a ``{(i, j): value}`` mapping, in its order (or ``sims`` itself)."""
        if isinstance(sims, Pairs):
            return sims
        rows = np.fromiter((i for i, _ in sims), dtype=np.int64, count=len(sims))
        cols = np.fromiter((j for _, j in sims), dtype=np.int64, count=len(sims))
        return cls(rows, cols, np.fromiter(sims.values(), dtype=np.float64, count=len(sims)))

    def select(self, mask: np.ndarray) -> Pairs:
        return Pairs(self.rows[mask], self.cols[mask], self.values[mask])


def _positions(
    items: Sequence[int], pairs: Pairs, of: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """For both items of each pair (``rows``, ``cols``): ``of[k]`` where the item is
    ``items[k]``, -1 where it is not listed."""
    top = max(max(items, default=0), int(pairs.rows.max(initial=0)), int(pairs.cols.max(initial=0)))
    table = np.full(top + 1, -1, dtype=np.int64)
    table[np.asarray(items, dtype=np.int64)] = np.asarray(of, dtype=np.int64)
    return table[pairs.rows], table[pairs.cols]


def _both_ways(
    a: np.ndarray, b: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each pair as ``(a, b)`` then ``(b, a)``, interleaved: sums over them add up in pair order,
    as a loop over the pairs would."""
    return (
        np.stack([a, b], axis=1).reshape(-1),
        np.stack([b, a], axis=1).reshape(-1),
        np.repeat(values, 2),
    )


@dataclass(frozen=True)
class ContrastMatrix:
    """The contrast vectors of a collection as one sparse matrix (CSR): row ``i`` holds the
    keys (``keys[indptr[i]:indptr[i + 1]]``) and weights of article ``i``; key ``k`` is the
    term or head whose :attr:`Evidence.collection_keys` hash is ``vocabulary[k]``."""

    indptr: np.ndarray
    keys: np.ndarray
    values: np.ndarray
    vocabulary: np.ndarray


def contrast_matrix(
    evs: Sequence[Evidence], background: Sequence[Evidence] = (), *, names_only: bool = False
) -> ContrastMatrix:
    """Each article's terms and entity heads, each weighted by its evidence weight times its
    rarity in ``evs`` plus ``background`` (other articles that only count for rarity, so a
    small set of near stories is not judged against itself alone), as a unit vector in which
    terms and entities get equal mass. ``names_only``: the entity heads alone, the part of the
    evidence that survives translation. Built with array operations on each article's
    :attr:`Evidence.collection_keys`: a re-check holds thousands of articles."""
    rows = [ev.collection_keys for ev in evs]
    lengths = np.array([len(h) for h, _, _ in rows], dtype=np.int64)
    hashes = np.concatenate([h for h, _, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
    weights = np.concatenate([w for _, w, _ in rows]) if rows else np.zeros(0)
    vocabulary, keys = np.unique(hashes, return_inverse=True)
    keys = keys.reshape(-1).astype(np.int64)
    df = np.bincount(keys, minlength=len(vocabulary)).astype(np.float64)
    if background and len(vocabulary):  # only keys the collection itself holds matter
        other = np.concatenate([ev.collection_keys[0] for ev in background])
        at = np.minimum(np.searchsorted(vocabulary, other), len(vocabulary) - 1)
        held = vocabulary[at] == other
        df += np.bincount(at[held], minlength=len(vocabulary))
    n = len(evs) + len(background)
    values = weights * np.log((n + 1) / (df[keys] + 0.5))
    row = np.repeat(np.arange(len(evs)), lengths)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    n_terms = np.array([t for _, _, t in rows], dtype=np.int64)
    term = np.arange(len(keys)) - starts < n_terms[row]
    if names_only:
        values = np.where(term, 0.0, values)
    # Each row's terms and heads scaled to unit length, then to their share of the mass (a
    # row with only one kind keeps it at full length).
    squares = values * values
    term_norm = np.sqrt(np.bincount(row[term], squares[term], minlength=len(evs)))
    head_norm = np.sqrt(np.bincount(row[~term], squares[~term], minlength=len(evs)))
    both = (term_norm > 0) & (head_norm > 0)
    term_share = np.where(both, math.sqrt(1 - ENTITY_SHARE), 1.0)
    head_share = np.where(both, math.sqrt(ENTITY_SHARE), 1.0)
    term_scale = term_share / np.where(term_norm > 0, term_norm, 1.0)
    head_scale = head_share / np.where(head_norm > 0, head_norm, 1.0)
    values = values * np.where(term, term_scale[row], head_scale[row])
    keep = np.where(term, term_norm[row] > 0, head_norm[row] > 0)
    indptr = np.zeros(len(evs) + 1, dtype=np.int64)
    np.cumsum(np.bincount(row[keep], minlength=len(evs)), out=indptr[1:])
    return ContrastMatrix(indptr, keys[keep], values[keep], vocabulary)


def matrix_pair_arrays(
    matrix: ContrastMatrix, floor: float, block: int = 1024
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of rows ``i < j`` with a positive cosine >= ``floor`` as arrays ``(i, j,
    cosine)``, ordered by ``(i, j)``: a sparse product (pairs sharing no key are never
    visited), ``block`` rows at a time so that memory stays bounded."""
    n = len(matrix.indptr) - 1
    x = sparse.csr_matrix(
        (matrix.values, matrix.keys, matrix.indptr), shape=(n, max(1, len(matrix.vocabulary)))
    )
    xt = x.T.tocsr()
    rows, cols, dots = [], [], []
    for start in range(0, n, block):
        product = (x[start : start + block] @ xt).tocoo()
        i = product.row.astype(np.int64) + start
        j = product.col.astype(np.int64)
        keep = (j > i) & (product.data >= floor) & (product.data > 0)
        rows.append(i[keep])
        cols.append(j[keep])
        dots.append(product.data[keep])
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    i, j, d = np.concatenate(rows), np.concatenate(cols), np.concatenate(dots)
    order = np.lexsort((j, i))
    return i[order], j[order], np.minimum(d[order], 1.0)


def agglomerate(
    sims: Mapping[tuple[int, int], float] | Pairs,
    groups: Sequence[Sequence[int]],
    threshold: float,
    veto: Callable[[Sequence[int], Sequence[int]], bool] | None = None,
) -> list[list[int]]:
    """Average-linkage agglomeration of ``groups`` (lists of item indices), best pair first,
    while the mean pair similarity between two groups is >= ``threshold``. ``sims`` holds
    ``(i, j)`` with ``i < j``; a missing pair counts as 0. ``veto(a, b)``: True blocks that
    merge (re-asked once either group has grown). Deterministic for given groups."""

    out: list[list[int]] = [list(g) for g in groups if g]
    if len(out) < 2:
        return out
    pairs = Pairs.of(sims)
    ga, gb = _positions(
        [i for g in out for i in g], pairs, [gi for gi, g in enumerate(out) for _ in g]
    )
    keep = (ga >= 0) & (gb >= 0) & (ga != gb)
    if threshold > 0 and not keep.any():  # every link is 0: nothing merges
        return [sorted(g) for g in out]
    n = len(out)
    total = np.zeros((n, n))
    at_a, at_b, values = _both_ways(ga[keep], gb[keep], pairs.values[keep])
    np.add.at(total, (at_a, at_b), values)
    size = np.array([len(g) for g in out], dtype=float)
    alive = np.ones(n, dtype=bool)
    # The mean links, -1 where no merge may happen (a group with itself, a merged-away group,
    # a vetoed pair); only the merged group's row and column change after a merge.
    link = total / np.outer(size, size)
    np.fill_diagonal(link, -1.0)
    while True:
        flat = int(np.argmax(link))
        a, b = divmod(flat, n)
        if link[a, b] < threshold:
            break
        a, b = min(a, b), max(a, b)
        if veto is not None and veto(out[a], out[b]):
            link[a, b] = link[b, a] = -1.0  # blocked until either group grows
            continue
        out[a].extend(out[b])
        out[b] = []
        total[a, :] += total[b, :]
        total[:, a] += total[:, b]
        total[a, a] = 0.0
        total[b, :] = 0.0
        total[:, b] = 0.0
        size[a] += size[b]
        alive[b] = False
        link[b, :] = link[:, b] = -1.0
        for row, values in ((link[a, :], total[a, :] / (size[a] * size)),
                            (link[:, a], total[:, a] / (size * size[a]))):  # fmt: skip
            values[~alive] = -1.0
            values[a] = -1.0
            row[:] = values
    return [sorted(g) for g in out if g]


def reassign(
    sims: Mapping[tuple[int, int], float] | Pairs,
    groups: Sequence[Sequence[int]],
    rounds: int = 2,
    margin: float = 0.0,
) -> list[list[int]]:
    """Move each article of a group of two or more to the other such group it is closest to on
    average (by more than ``margin``), all moves of a round at once. Agglomeration fixes an
    article early, before the two events of a type have drawn apart; this undoes that."""

    out = [list(g) for g in groups if g]
    items = sorted(i for g in out for i in g)
    if len(out) < 2 or not items:
        return out
    pos = {i: k for k, i in enumerate(items)}
    # Both directions of every scored pair, as positions: the sums below visit pairs only
    # (a dense item x item product costs items^2 x groups).
    pairs = Pairs.of(sims)
    pi, pj = _positions(items, pairs, range(len(items)))
    keep = (pi >= 0) & (pj >= 0)
    row, col, val = _both_ways(pi[keep], pj[keep], pairs.values[keep])
    n = len(items)
    for _ in range(rounds):
        group = np.empty(n, dtype=np.int64)
        for gi, g in enumerate(out):
            group[[pos[i] for i in g]] = gi
        n_groups = len(out)
        size = np.bincount(group, minlength=n_groups).astype(float)
        # an item's summed similarity to each group (itself excluded: no (i, i) pairs)
        total = np.bincount(
            row * n_groups + group[col], weights=val, minlength=n * n_groups
        ).reshape(n, n_groups)
        own = np.zeros((n, n_groups), dtype=bool)
        own[np.arange(n), group] = True
        mean = total / np.maximum(size - own, 1)
        mean[:, size < 2] = -1.0
        best_of = np.argmax(mean, axis=1)
        moved = False
        new: list[list[int]] = [[] for _ in out]
        for i in items:
            k = pos[i]
            cur, best = int(group[k]), int(best_of[k])
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
