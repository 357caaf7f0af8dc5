"""Block features: general, site-independent cues for telling article prose from page furniture.

:func:`describe` measures each block once (:class:`Block`); :func:`feature_matrix` turns those
measures, plus the context of neighbouring blocks, into the numeric rows the scorer reads.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter

import numpy as np

from storytrace.clean import lexicon as lx
from storytrace.normalize import normalize, words


@dataclass(frozen=True, slots=True)
class Block:
    """Measures of one block; ``content`` are its non-stop words of three letters or more,
    ``key`` its :func:`normalize` form."""

    text: str
    words: tuple[str, ...]
    content: frozenset[str]
    n_words: int
    sentence_end: bool
    stop_ratio: float
    cap_ratio: float
    all_caps: bool
    self_ref: int
    cta_start: bool
    furniture: int
    legal: int
    correction: int
    org: int
    author: int
    arrows: int
    number_line: bool
    glued_rank: bool
    date_like: bool
    urlish: bool
    byline: bool
    digit_ratio: float
    comment_head: bool
    end_head: bool
    key: str


def _count(ws: Sequence[str], vocab: frozenset[str]) -> int:
    return sum(map(vocab.__contains__, ws))  # map keeps the membership loop in C


# Characters that may follow a sentence's closing mark (quotes, brackets) or end a line
# themselves; see :func:`_sentence_end`.
_CLOSERS = "\"'”’)]\n"


def _sentence_end(text: str) -> bool:
    """``lx.SENTENCE_END.search(text)``, started where a match can begin.

    A match is a closing mark followed only by closers up to the end, so it cannot start
    before the last character left by stripping the closers; searching the whole block would
    try every position of a long paragraph.
    """
    start = max(0, len(text.rstrip(_CLOSERS)) - 1)
    return lx.SENTENCE_END.search(text, start) is not None


def _urlish(text: str) -> bool:
    """``lx.URLISH.search(text)``; every alternative needs one of these substrings, and the
    regex itself is slow on long blocks (``\\S+@`` backtracks at every position)."""
    if "@" in text or "://" in text or "www." in text or ".com" in text:
        return lx.URLISH.search(text) is not None
    return False


_ASCII_LOWER = re.compile("[a-z]")
_FIRST = itemgetter(0)
# One regex pass counts the arrow and separator characters (each is a single code point).
_ARROW = re.compile("[" + re.escape("".join(sorted(lx.ARROWS))) + "]")


def _all_caps(text: str) -> bool:
    """At least four letters, all upper case; one lower-case ASCII letter settles it early."""
    if _ASCII_LOWER.search(text):
        return False
    letters = list(filter(str.isalpha, text))
    return len(letters) >= 4 and all(map(str.isupper, letters))


def _digit_count(text: str) -> int:
    """Characters with ``str.isdigit``; in ASCII text those are 0-9, counted by ``str.count``."""
    if text.isascii():
        return sum(map(text.count, "0123456789"))
    return sum(map(str.isdigit, text))


# Pages of one outlet repeat their furniture lines, and reprints repeat whole paragraphs, so
# recently measured blocks come back often (Blocks are immutable, so sharing one is safe).
@lru_cache(maxsize=2048)
def measure(text: str) -> Block:
    """The measures of one block of text (see :class:`Block`)."""
    ws = words(text)
    # Quotes are rare: only then does the unquoted text need its own tokens.
    unquoted_text = lx.QUOTED.sub(" ", text)
    unquoted = ws if unquoted_text == text else words(unquoted_text)
    alpha_starts = list(filter(str.isalpha, map(_FIRST, text.split())))
    # Every alternative of DATE_LIKE needs a digit (``\\d`` is a subset of ``str.isdigit``).
    digits = _digit_count(text)
    first = ws[0] if ws else ""
    n = len(ws)
    return Block(
        text=text,
        words=tuple(ws),
        # Filtering the distinct non-stop words gives the same set with fewer tests.
        content=frozenset(w for w in set(ws) - lx.STOP_WORDS if len(w) >= 3 and not w.isdigit()),
        n_words=n,
        sentence_end=_sentence_end(text),
        stop_ratio=_count(ws, lx.STOP_WORDS) / n if ws else 0.0,
        cap_ratio=sum(map(str.isupper, alpha_starts)) / len(alpha_starts) if alpha_starts else 0.0,
        all_caps=_all_caps(text),
        self_ref=_count(unquoted, lx.SELF_REF),
        cta_start=first in lx.CTA_START,
        furniture=_count(ws, lx.FURNITURE),
        legal=_count(ws, lx.LEGAL),
        correction=_count(ws, lx.CORRECTION),
        org=_count(ws, lx.ORG_WORDS),
        author=_count(ws, lx.AUTHOR_WORDS),
        arrows=len(_ARROW.findall(text)),
        number_line=bool(lx.NUMBER_LINE.match(text)),
        glued_rank=bool(lx.GLUED_RANK.match(text)) and not lx.NUMBER_LINE.match(text),
        date_like=digits > 0 and bool(lx.DATE_LIKE.search(text)),
        urlish=_urlish(text),
        byline=bool(lx.BYLINE.match(text)),
        digit_ratio=digits / max(1, len(text)),
        comment_head=n <= 10 and bool(lx.COMMENT_HEAD.search(text)),
        end_head=n <= 8 and bool(lx.END_HEAD.match(text)),
        key=normalize(text),
    )


def is_prose(b: Block) -> bool:
    """A block that reads like a sentence of running text."""
    return b.n_words >= 12 and b.sentence_end and b.stop_ratio >= 0.2


def topic_overlap(b: Block, centroid: Counter[str], total: float) -> float:
    """Share of the block's content words that the rest of the article also uses (0..1)."""
    if not b.content or total <= 0:
        return 0.0
    # The centroid uses the word besides this block's own use (``centroid[w] - 1 > 0``).
    hits = sum(1 for w in b.content if centroid[w] > 1)
    return hits / len(b.content)


def centroid_of(bs: Sequence[Block]) -> Counter[str]:
    """Content-word document frequencies over the prose blocks (all blocks if none is prose)."""
    prose = [b for b in bs if is_prose(b)] or list(bs)
    c: Counter[str] = Counter()
    for b in prose:
        c.update(b.content)
    return c


FEATURES = (
    "bias",
    "log_words",
    "sentence_end",
    "stop_ratio",
    "cap_ratio",
    "all_caps",
    "self_ref",
    "cta_start",
    "furniture",
    "legal",
    "correction",
    "org",
    "author",
    "arrows",
    "number_line",
    "glued_rank",
    "date_like",
    "urlish",
    "byline",
    "digit_ratio",
    "prose",
    "dup",
    "rel_pos",
    "before_prose",
    "after_prose",
    "title_overlap",
    "topic_overlap",
    "ctx_prose_1",
    "ctx_prose_3",
    "ctx_words_3",
    "ctx_end_3",
    "ctx_short_run",
    "prose_share",
    "words_before",
    "words_after",
    "short",
    "tiny",
    "topic_x_prose",
    "self_x_long",
    "list_ctx",
    # Where the article ends: comment and trailing-furniture headings seen so far.
    "comment_head",
    "end_head",
    "after_comment_head",
    "after_end_heads",
    "commenter_lines_ctx",
    # Position relative to the title line (the block that repeats the title).
    "is_title_line",
    "before_title_line",
    "blocks_from_title",
    "title_found",
    # Runs of short Title Case lines (link lists) and the shape of the immediate neighbours.
    "title_case_run",
    "prev_log_words",
    "next_log_words",
    "prev_stop_ratio",
    "next_stop_ratio",
    "prev_cap_ratio",
    "next_cap_ratio",
    "prose_after_share",
)


def feature_matrix(bs: Sequence[Block], title: str | None) -> np.ndarray:
    """One row of :data:`FEATURES` per block.

    Pages have a few dozen blocks, so the rows are built in plain Python: per-block numpy calls
    cost more than the features themselves. Each value comes from the same float operations as
    when the weights were fitted, so it is bit-identical; in particular ``math.log1p`` and
    ``np.log1p`` differ in the last bit, and each feature keeps the one it was fitted with.
    """
    n = len(bs)
    out = np.zeros((n, len(FEATURES)), dtype=np.float64)
    if n == 0:
        return out
    nw = [b.n_words for b in bs]
    prose = [is_prose(b) for b in bs]
    listy = [b.number_line or b.glued_rank or (b.n_words <= 12 and not b.sentence_end) for b in bs]
    first_p = prose.index(True) if True in prose else n
    last_p = n - 1 - prose[::-1].index(True) if True in prose else -1
    keys = Counter(b.key for b in bs)
    cent = centroid_of(bs)
    total = float(sum(cent.values()))
    tw = frozenset(w for w in words(title or "") if len(w) >= 3 and w not in lx.STOP_WORDS)
    cum = list(accumulate(nw))
    all_words = max(1.0, float(cum[-1]))
    prose_share = float(sum(w for w, is_p in zip(nw, prose, strict=True) if is_p)) / all_words
    prose_1 = _window_means(prose, 1)
    prose_3 = _window_means(prose, 3)
    words_3 = _window_means(nw, 3)
    ends_3 = _window_means([b.sentence_end for b in bs], 3)
    list_2 = _window_means(listy, 2)
    runs = _list_runs(listy)
    last = max(1, n - 1)
    rows = []
    for i, b in enumerate(bs):
        top = topic_overlap(b, cent, total)
        self_ref = min(b.self_ref, 4) / 4
        rows.append(
            (
                1.0,
                math.log1p(b.n_words),
                b.sentence_end,
                b.stop_ratio,
                b.cap_ratio,
                b.all_caps,
                self_ref,
                b.cta_start,
                min(b.furniture, 3) / 3,
                min(b.legal, 3) / 3,
                min(b.correction, 3) / 3,
                min(b.org, 3) / 3,
                min(b.author, 3) / 3,
                min(b.arrows, 3) / 3,
                b.number_line,
                b.glued_rank,
                b.date_like,
                b.urlish,
                b.byline,
                b.digit_ratio,
                prose[i],
                keys[b.key] > 1,
                i / last,
                i < first_p,
                i > last_p,
                len(b.content & tw) / len(b.content) if b.content else 0.0,
                top,
                prose_1[i],
                prose_3[i],
                math.log1p(words_3[i]),
                ends_3[i],
                math.log1p(runs[i]),
                prose_share,
                (cum[i] - nw[i]) / all_words,
                (all_words - cum[i]) / all_words,
                b.n_words <= 6,
                b.n_words <= 2,
                top * prose[i],
                self_ref * (b.n_words >= 12),
                list_2[i],
            )
        )
    out[:, :_BASE] = rows
    _add_end_and_title(bs, out, nw, prose, tw)
    return out


def _window_means(a: Sequence[int | bool], k: int) -> list[float]:
    """Mean of ``a`` over the ``k`` neighbours on each side of each element (itself excluded;
    0 for a lone element). Sums of small integers are exact, so this equals numpy's mean."""
    n = len(a)
    csum = [0, *accumulate(a)]
    out = []
    for i in range(n):
        lo, hi = max(0, i - k), min(n, i + k + 1)
        count = hi - lo - 1
        out.append((csum[hi] - csum[lo] - a[i]) / count if count else 0.0)
    return out


def _list_runs(listy: Sequence[bool]) -> list[int]:
    """Per block: the list-like blocks in its run (itself included when list-like), counting
    backwards from the block and forwards from the next one."""
    n = len(listy)
    back = [0] * n  # list-like blocks ending at i
    fwd = [0] * (n + 1)  # list-like blocks starting at i
    for i in range(n):
        back[i] = (back[i - 1] if i else 0) + 1 if listy[i] else 0
    for i in range(n - 1, -1, -1):
        fwd[i] = fwd[i + 1] + 1 if listy[i] else 0
    return [back[i] + fwd[i + 1] for i in range(n)]


_BASE = FEATURES.index("comment_head")


def _add_end_and_title(
    bs: Sequence[Block], out: np.ndarray, nw: list[int], prose: list[bool], tw: frozenset[str]
) -> None:
    """Fill the features from ``comment_head`` on (see :data:`FEATURES`)."""
    n = len(bs)
    ch = [b.comment_head for b in bs]
    eh = [b.end_head for b in bs]
    said = [b.text.endswith(":") and b.n_words <= 6 for b in bs]
    said_sum = [0, *accumulate(said)]
    title_at = _title_line(bs, tw)
    # Runs of short Title Case lines: every line of a run gets log1p(run length).
    tc = [b.n_words <= 8 and b.cap_ratio >= 0.6 and not b.sentence_end for b in bs]
    run = [0.0] * n
    i = 0
    while i < n:
        j = i
        while j < n and tc[j]:
            j += 1
        if j > i:
            run[i:j] = [math.log1p(j - i)] * (j - i)
            i = j
        else:
            i += 1
    lw = np.log1p(np.array(nw, dtype=np.float64))
    heads_before = np.log1p(np.array([0, *accumulate(eh)][:-1], dtype=np.float64))
    if title_at >= 0:
        dist = np.arange(n) - title_at
        from_title = np.sign(dist) * np.log1p(np.abs(dist))
    else:
        from_title = np.zeros(n)
    prose_words = [w if p else 0 for w, p in zip(nw, prose, strict=True)]
    prose_total = sum(prose_words)
    prose_after = [prose_total - c for c in accumulate(prose_words)]
    prose_norm = max(1.0, float(prose_total))
    rows = []
    seen_ch = False
    for i in range(n):
        prev, nxt = (bs[i - 1] if i else None), (bs[i + 1] if i + 1 < n else None)
        rows.append(
            (
                ch[i],
                eh[i],
                seen_ch,
                heads_before[i],
                (said_sum[min(n, i + 4)] - said_sum[max(0, i - 3)]) / 7.0,
                i == title_at,
                i < title_at,
                from_title[i],
                title_at >= 0,
                run[i],
                lw[i - 1] if i else 0.0,
                lw[i + 1] if i + 1 < n else 0.0,
                prev.stop_ratio if prev else 0.0,
                nxt.stop_ratio if nxt else 0.0,
                prev.cap_ratio if prev else 0.0,
                nxt.cap_ratio if nxt else 0.0,
                prose_after[i] / prose_norm,
            )
        )
        seen_ch = seen_ch or ch[i]
    out[:, _BASE:] = rows


def _title_line(bs: Sequence[Block], tw: frozenset[str]) -> int:
    """The first block that uses most of the title's words and little else (-1 if none)."""
    if tw:
        for i, b in enumerate(bs[:200]):
            if 0 < b.n_words <= 2 * len(tw) + 6 and len(tw & set(b.words)) >= 0.6 * len(tw):
                return i
    return -1
