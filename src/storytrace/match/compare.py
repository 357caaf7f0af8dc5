"""Classify the relation between two cleaned bodies: exact, near-duplicate, contained, edited.

Measures are over 5-word shingles (:func:`shingles`); "shorter" is the text with fewer shingles.
Rules, first match wins:

* ``exact``: same folded word sequence (case, accents, quote style, punctuation ignored).
* ``near-duplicate``: Jaccard >= 0.8.
* ``contained``: containment of the shorter in the longer >= 0.8, and at least 0.1 above the
  containment of the longer in the shorter (a trimmed copy, or a copy wrapped in other
  material: one-sided). When both containments are about equal but Jaccard < 0.8, both sides
  lost text (a changed sentence, substituted words): that is an edit, and falls through.
* anything but ``exact`` needs at least ``MIN_SHARED_SHINGLES`` shared 5-grams.
* ``edited``: containment of the shorter >= 0.35 and aligned passages (:func:`align`) cover
  >= 40% of the shorter's characters. Every changed word breaks up to 5 shingles, so edited wire
  copies keep much less of their shingles than of their text; the alignment confirms that the
  shared shingles form long passages rather than scattered stock phrases.
* otherwise ``None``: e.g. a rewrite that reuses a few quotes (its containment stays well under
  0.35 and its passages cover little).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from ..model import Passage, Reprint, ReprintKind
from .align import _table, align
from .shingle import U64, shingles

NEAR_DUPLICATE_JACCARD = 0.8
CONTAINED = 0.8
CONTAINED_MARGIN = 0.1
EDITED_CONTAINMENT = 0.35
EDITED_COVERAGE = 0.4
MIN_SHARED_SHINGLES = 16
"""Below this many shared 5-grams (about 20 words in a row) only an exact copy is a reprint:
one recurring line (a site's sign-off left in by the cleaner) must not make two articles
reprints of each other."""


def passage_coverage(
    passages: Sequence[Passage], length: int, which: Literal["a", "b"] = "a"
) -> float:
    """Share of ``[0, length)`` covered by the union of the passages' ``a`` (or ``b``) ranges."""
    if length <= 0:
        return 0.0
    spans = sorted((p.a_start, p.a_end) if which == "a" else (p.b_start, p.b_end) for p in passages)
    covered = 0
    end = 0
    for s, e in spans:
        s, e = max(s, end), min(e, length)
        if e > s:
            covered += e - s
            end = e
    return covered / length


def _overlap(a: U64, b: U64) -> int:
    # both sorted unique: look the shorter up in the longer
    if a.size > b.size:
        a, b = b, a
    if not a.size:
        return 0
    at = np.searchsorted(b, a)
    at[at == b.size] = 0
    return int(np.count_nonzero(b[at] == a))


def may_reprint(shared: int, na: int, nb: int) -> bool:
    """Whether texts of ``na`` and ``nb`` shingles sharing ``shared`` of them can be reprints
    by the rules above: every kind but ``exact`` (all shingles shared) needs at least
    ``MIN_SHARED_SHINGLES`` and the shorter's containment at least ``EDITED_CONTAINMENT``.
    When False, :func:`compare` returns None whatever the texts: callers skip reading them."""
    if na == 0 or nb == 0:
        return False
    if shared == na == nb:
        return True
    return shared >= MIN_SHARED_SHINGLES and shared / min(na, nb) >= EDITED_CONTAINMENT


def shared_shingles(a: U64, b: U64) -> int:
    """How many hashes two sorted, distinct shingle arrays share."""
    return _overlap(
        np.ascontiguousarray(a, dtype=np.uint64), np.ascontiguousarray(b, dtype=np.uint64)
    )


def _same_words(a: str, b: str) -> bool:
    """``words(a) == words(b)``, on token hashes (cached: :func:`align` reuses them)."""
    ta, tb = _table(a)[0], _table(b)[0]
    return ta.size == tb.size and bool(np.array_equal(ta, tb))


def compare(
    a: str,
    b: str,
    *,
    a_shingles: U64 | None = None,
    b_shingles: U64 | None = None,
    passages: bool = True,
) -> Reprint | None:
    """The reprint relation between ``a`` and ``b``, or ``None`` when neither reprints the other.

    ``a_shingles``/``b_shingles`` may pass precomputed :func:`shingles` (n=5) of the texts.
    With ``passages=False`` only the kind and the measures are wanted: the texts are aligned only
    when that decides the kind (``edited``), and ``Reprint.passages`` is empty.
    """
    sa = shingles(a) if a_shingles is None else np.ascontiguousarray(a_shingles, dtype=np.uint64)
    sb = shingles(b) if b_shingles is None else np.ascontiguousarray(b_shingles, dtype=np.uint64)
    if sa.size == 0 or sb.size == 0:
        return None
    inter = _overlap(sa, sb)
    if not may_reprint(inter, sa.size, sb.size):
        return None
    union = sa.size + sb.size - inter
    jaccard = inter / union
    c_ab, c_ba = inter / sa.size, inter / sb.size
    shorter_is_a = sa.size <= sb.size
    c_short, c_long = (c_ab, c_ba) if shorter_is_a else (c_ba, c_ab)

    kind: ReprintKind | None = None
    if inter == sa.size == sb.size and _same_words(a, b):
        kind = "exact"
    elif inter < MIN_SHARED_SHINGLES:
        return None
    elif jaccard >= NEAR_DUPLICATE_JACCARD:
        kind = "near-duplicate"
    elif c_short >= CONTAINED and c_short - c_long >= CONTAINED_MARGIN:
        kind = "contained"
    elif c_short < EDITED_CONTAINMENT:
        return None
    found = align(a, b) if passages or kind is None else []
    if kind is None:
        short_text = a if shorter_is_a else b
        coverage = passage_coverage(found, len(short_text), "a" if shorter_is_a else "b")
        if coverage < EDITED_COVERAGE:
            return None
        kind = "edited"
    return Reprint(
        kind=kind,
        jaccard=jaccard,
        containment_ab=c_ab,
        containment_ba=c_ba,
        passages=tuple(found) if passages else (),
    )
