"""Page boilerplate removal for one body: :func:`clean_page`.

Each block is scored by the learned block scorer (:mod:`storytrace.clean.model`). The article
region is the highest-scoring run of blocks; inside it a block is removed only when the score
is clearly low, outside it (leading menus, trailing lists, footers) as soon as it is more likely
boilerplate than not. Hand-written detectors (:mod:`storytrace.clean.kinds`) name the kind of
each removed block and also remove blocks of an unmistakable kind. A news paragraph (running
prose sharing words with the title and lede, no address to the reader) is never removed as page
boilerplate.

Reasons (:data:`REASONS`): ``promo line``, ``headline list``, ``disclaimer``,
``correction block``, ``publisher blurb``, ``legal notice``, ``share/subscribe prompt``,
``navigation``, ``author blurb``, ``off-topic trailing block``; site boilerplate gets
``site boilerplate (seen in N articles of this outlet)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from storytrace.clean.blocks import blocks, key_of
from storytrace.clean.features import Block, measure
from storytrace.clean.kinds import (
    REASONS,
    Context,
    detect_kinds,
    is_news,
    name_removed,
    plain_sentence,
)
from storytrace.clean.model import load_weights, predict
from storytrace.model import Cleaned, Removed

SITE_REASON = "site boilerplate (seen in {n} articles of this outlet)"
INNER_THRESHOLD = 0.2
OUTER_THRESHOLD = 0.5
KIND_MAX_P = 0.8
_ANYWHERE = frozenset({"headline list", "promo line"})
# Extracted text (an HTML extractor's output) is mostly article already. Held-out on textclean
# recall_text and on half of the extraction benchmark, every score-based trim (edges included)
# cost more recall than it gained precision, so only unmistakable notices at the two edges go,
# and only with the scorer's doubt.
EXTRACTED_KIND_P = 0.5
_EDGE_KINDS = frozenset({"legal notice", "share/subscribe prompt"})

__all__ = ["REASONS", "SITE_REASON", "clean_page", "decide", "decide_extracted"]


def article_region(p: np.ndarray, n_words: np.ndarray) -> tuple[int, int]:
    """The run of blocks with the largest summed evidence of being content (inclusive)."""
    score = (p - 0.5) * np.sqrt(n_words + 1.0)
    best, cur, start = -np.inf, 0.0, 0
    region = (0, -1)
    for i, v in enumerate(score):
        if cur <= 0:
            cur, start = float(v), i
        else:
            cur += float(v)
        if cur > best:
            best, region = cur, (start, i)
    return region


def decide(bs: Sequence[Block], p: np.ndarray, title: str | None) -> list[str | None]:
    """For each block, ``None`` to keep it or the reason to remove it."""
    n = len(bs)
    if n == 0:
        return []
    nw = np.array([b.n_words for b in bs], dtype=np.float64)
    first, last = article_region(p, nw)
    ctx = Context.build(bs, title, p)
    kinds = detect_kinds(bs, ctx)
    removed = [False] * n
    for i, b in enumerate(bs):
        if is_news(b, ctx, i):
            continue
        inside = first <= i <= last
        low = bool(p[i] < (INNER_THRESHOLD if inside else OUTER_THRESHOLD))
        # A detector's verdict needs the scorer's doubt too: named kinds alone misfire on
        # guides and blogs (e.g. "we recommend" inside a product review).
        # Unmistakable kinds (a numbered headline list, a labelled promo, any kind after the
        # last news paragraph) are removed outright; elsewhere a kind also needs the scorer's
        # doubt, because named kinds alone misfire on guides and blogs ("we recommend ...").
        kind = kinds[i]
        strong = kind is not None and (i > ctx.last_news or kind in _ANYWHERE)
        removed[i] = strong or low or (kind is not None and p[i] < KIND_MAX_P)
        # Prefer keeping inside the body: a plain sentence right after kept text stays.
        if removed[i] and kind is None and i > 0 and not removed[i - 1] and plain_sentence(b):
            removed[i] = False
    # After the last news paragraph, an off-topic block that follows removed boilerplate is
    # part of the same trailing run (the last lines of a blurb, a city name, a sign-off).
    # A block sandwiched between removed blocks there goes whatever its score.
    for i in range(max(1, ctx.last_news + 1), n):
        if removed[i] or not removed[i - 1] or ctx.overlap(bs[i]) >= 0.2:
            continue
        sandwiched = i + 1 < n and removed[i + 1]
        if sandwiched or p[i] < KIND_MAX_P:
            removed[i] = True
    if all(removed):
        # Every page has an article: when nothing would be left, keep the blocks no detector
        # named (for a body of one paragraph, that paragraph), else the longest block.
        unnamed = [i for i in range(n) if kinds[i] is None]
        for i in unnamed or [int(np.argmax(nw))]:
            removed[i] = False
    named = [kinds[i] if removed[i] else None for i in range(n)]
    return name_removed(bs, named, removed, ctx)


def decide_extracted(bs: Sequence[Block], p: np.ndarray, title: str | None) -> list[str | None]:
    """:func:`decide` for already-extracted text: only notice runs at the two edges go."""
    n = len(bs)
    if n == 0:
        return []
    ctx = Context.build(bs, title, p)
    kinds = detect_kinds(bs, ctx)
    removed = [False] * n

    def goes(i: int) -> bool:
        notice = kinds[i] in _EDGE_KINDS and bool(p[i] < EXTRACTED_KIND_P)
        return notice and not is_news(bs[i], ctx, i)

    i = 0
    while i < n and goes(i):
        removed[i] = True
        i += 1
    j = n - 1
    while j > i and goes(j):
        removed[j] = True
        j -= 1
    named = [kinds[k] if removed[k] else None for k in range(n)]
    return name_removed(bs, named, removed, ctx)


def clean_page(
    text: str,
    *,
    title: str | None = None,
    site_blocks: Mapping[str, int] | None = None,
    weights: Mapping[str, Any] | None = None,
    extracted: bool = False,
) -> Cleaned:
    """Remove boilerplate blocks from ``text`` (pure; ``text`` itself is not altered).

    Returns the kept blocks joined by blank lines and one :class:`Removed` per removed block,
    with offsets into ``text``. ``site_blocks`` maps :func:`block_key` of an outlet's known
    boilerplate blocks to the number of its articles they were seen in. ``weights`` replaces
    the shipped scorer weights (held-out evaluation trains its own). ``extracted=True`` is for
    text an HTML extractor already reduced to the article (e.g. trafilatura's output): only
    boilerplate runs at its start and end are removed (:func:`decide_extracted`).
    """
    spans = blocks(text)
    bs = [measure(text[s:e]) for s, e in spans]
    reasons: list[str | None] = [None] * len(bs)
    if site_blocks:
        for i, b in enumerate(bs):
            # The block's measures already hold what block_key(b.text) would recompute.
            n = site_blocks.get(key_of(b.n_words, b.key))
            if n is not None:
                reasons[i] = SITE_REASON.format(n=n)
    p = predict(weights or load_weights(), bs, title)
    page_reasons = (decide_extracted if extracted else decide)(bs, p, title)
    kept: list[str] = []
    removed: list[Removed] = []
    for (s, e), b, site, page in zip(spans, bs, reasons, page_reasons, strict=True):
        reason = site or page
        if reason is None:
            kept.append(b.text)
        else:
            removed.append(Removed(s, e, text[s:e], reason))
    return Cleaned("\n\n".join(kept), tuple(removed))
