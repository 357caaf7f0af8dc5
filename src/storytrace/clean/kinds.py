"""Detectors that name the kind of a boilerplate block, and the news-paragraph guard.

Detectors look at general cues only (vocabulary classes from :mod:`lexicon`, casing, list
shape, position after the last news paragraph, overlap with the title and lede); none names a
site. A detector firing removes the block unless the block is a news paragraph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storytrace.clean import lexicon as lx
from storytrace.clean.features import Block, is_prose

REASONS = (
    "promo line",
    "headline list",
    "disclaimer",
    "correction block",
    "publisher blurb",
    "legal notice",
    "share/subscribe prompt",
    "navigation",
    "author blurb",
    "off-topic trailing block",
)
# Kinds whose closing "click here" / "read more" line belongs to the same notice.
_NOTICE_KINDS = frozenset({"legal notice", "disclaimer", "correction block", "publisher blurb"})


@dataclass(frozen=True, slots=True)
class Context:
    """Page-level facts: the topic words (title and lede), which blocks read like news
    (:func:`_newsy`, computed once per page) and where the news prose ends."""

    topic: frozenset[str]
    last_news: int
    p: np.ndarray
    newsy: tuple[bool, ...] = ()

    @staticmethod
    def build(bs: Sequence[Block], title: str | None, p: np.ndarray) -> Context:
        from storytrace.normalize import words

        topic = {w for w in words(title or "") if len(w) >= 3 and w not in lx.STOP_WORDS}
        lede = [b for i, b in enumerate(bs) if is_prose(b) and p[i] >= 0.5][:3]
        if not lede:  # the scorer trusts nothing: take the first sentences as the lede
            lede = [b for b in bs if b.n_words >= 8 and b.sentence_end and not b.self_ref][:2]
        for b in lede:
            topic |= b.content
        ctx = Context(frozenset(topic), -1, p)
        newsy = tuple(_newsy(b, ctx) for b in bs)
        last = max((i for i, is_newsy in enumerate(newsy) if is_newsy), default=-1)
        return Context(ctx.topic, last, p, newsy)

    def overlap(self, b: Block) -> float:
        """Share of the block's content words that the title and lede use."""
        return len(b.content & self.topic) / len(b.content) if b.content else 0.0


def _newsy(b: Block, ctx: Context) -> bool:
    if b.n_words < 5 or not b.sentence_end or b.self_ref or b.legal or b.cta_start:
        return False
    if b.glued_rank or b.cap_ratio >= 0.7:  # Title Case: a headline, not a paragraph
        return False
    # Reported speech (a long block attributing words to a source) needs less overlap; the
    # overlap is checked first because it usually settles the question without the regex.
    overlap = ctx.overlap(b)
    if overlap >= 0.25:
        return True
    if overlap < 0.1 or b.n_words < 12:
        return False
    return lx.ATTRIBUTION.search(b.text) is not None


def is_news(b: Block, ctx: Context, i: int) -> bool:
    """A news paragraph or sentence: never removed as page boilerplate.

    Running text ending like a sentence, sharing at least a third of its content words with the
    title and lede, not addressed to the reader, no legal, disclaimer or organisation-blurb
    vocabulary. Short sentences count too ("Belgrade wants the tariff lifted ...").
    ``b`` is block ``i`` of the page ``ctx`` was built for.
    """
    if not ctx.newsy[i]:
        return False
    if _count(b, lx.DISCLAIMER) >= 2 or b.org >= 2 or b.furniture >= 2:
        return False
    return b.n_words >= 12 or ctx.overlap(b) >= 0.34


def plain_sentence(b: Block) -> bool:
    """A short sentence of running text, not addressed to the reader ("Schools stayed closed.")."""
    return (
        b.n_words >= 3
        and b.text.endswith((".", '."', ".”"))
        and b.text[:1].isupper()
        and b.cap_ratio < 0.6
        and not (b.self_ref or b.cta_start or b.furniture or b.legal or b.urlish)
    )


def _count(b: Block, vocab: frozenset[str]) -> int:
    return sum(map(vocab.__contains__, b.words))  # map keeps the membership loop in C


def _headline_like(b: Block) -> bool:
    """Title Case, no closing full stop (a question or exclamation mark is fine)."""
    closed = b.sentence_end and not b.text.rstrip("\"'”’").endswith(("?", "!"))
    return 2 <= b.n_words <= 22 and not closed and b.cap_ratio >= 0.6


def _one(b: Block, ctx: Context, i: int, trailing: bool) -> str | None:
    off_topic = ctx.overlap(b) < 0.34
    if b.legal >= 2 or "©" in b.text or (b.legal >= 1 and trailing and off_topic):
        return "legal notice"
    if _count(b, lx.DISCLAIMER) >= 2 and (b.self_ref or trailing):
        return "disclaimer"
    if b.correction >= 1 and b.n_words <= 25 and (b.self_ref or b.cta_start or _headline_like(b)):
        return "correction block"
    if b.org >= 2 and off_topic and (trailing or b.self_ref == 0):
        return "publisher blurb"
    if b.author >= 1 and (b.byline or b.n_words <= 60) and off_topic and trailing:
        return "author blurb"
    if b.furniture >= 1 and (b.self_ref or b.cta_start) and b.n_words <= 30:
        return "share/subscribe prompt"
    if (
        lx.PROMO_LABEL.match(b.text)
        and b.cta_start
        and off_topic
        and not lx.SENTENCE_END.search(b.text)
    ):
        return "promo line"
    if b.cta_start and b.n_words <= 12 and (b.self_ref or b.arrows) and off_topic:
        return "share/subscribe prompt"
    return None


def _headline_lists(bs: Sequence[Block], ctx: Context) -> list[bool]:
    """Blocks in runs of numbered headlines: "1" + "Title", "2Title", "3. Title" (3 items or more).

    Numbered sentences that share the article's topic (steps of an explainer) are not headlines.
    """
    n = len(bs)
    item = [False] * n
    for i, b in enumerate(bs):
        if b.glued_rank and _headline_like(b):
            item[i] = True
        elif b.number_line and i + 1 < n and _headline_like(bs[i + 1]):
            item[i] = item[i + 1] = True
    out = [False] * n
    i = 0
    while i < n:
        if not item[i]:
            i += 1
            continue
        j = i
        while j < n and item[j]:
            j += 1
        run = range(i, j)
        ranks = sum(bs[k].glued_rank or bs[k].number_line for k in run)
        topical = sum(ctx.overlap(bs[k]) >= 0.5 for k in run if bs[k].n_words > 1)
        if ranks >= 3 and topical <= ranks // 3:
            for k in run:
                out[k] = True
            # A short heading just before the list ("Top Trending") belongs to it.
            k = i - 1
            while k >= 0 and i - k <= 2 and _headline_like(bs[k]) and bs[k].n_words <= 5:
                out[k] = True
                k -= 1
        i = j
    return out


def detect_kinds(bs: Sequence[Block], ctx: Context) -> list[str | None]:
    """The kind of each block when a detector recognises it, else ``None``."""
    lists = _headline_lists(bs, ctx)
    kinds: list[str | None] = []
    for i, b in enumerate(bs):
        trailing = i > ctx.last_news
        kinds.append("headline list" if lists[i] else _one(b, ctx, i, trailing))
    # A short closing prompt right after a notice belongs to that notice.
    for i in range(1, len(bs)):
        prev = kinds[i - 1]
        if (
            prev in _NOTICE_KINDS
            and bs[i].n_words <= 12
            and (
                kinds[i] in (None, "share/subscribe prompt")
                and (bs[i].cta_start or bs[i].self_ref)
                or kinds[i] == "share/subscribe prompt"
            )
        ):
            kinds[i] = prev
    return kinds


def name_removed(
    bs: Sequence[Block], decision: list[str | None], removed: list[bool], ctx: Context
) -> list[str | None]:
    """Give every removed block a reason: its own kind, the kind of the removed run it sits in
    (a trailing blurb's last line, a list's heading), else navigation/off-topic trailing block."""
    out = list(decision)
    n = len(bs)
    for i in range(n):
        if not removed[i] or out[i] is not None:
            continue
        # Nearest named removed neighbour within the same removed run, preceding first.
        j = i - 1
        while j >= 0 and removed[j] and out[j] is None:
            j -= 1
        if j >= 0 and removed[j] and out[j] in _NOTICE_KINDS and i > ctx.last_news:
            out[i] = out[j]
            continue
        if i > ctx.last_news:
            out[i] = "off-topic trailing block"
        else:
            out[i] = "navigation"
    return out
