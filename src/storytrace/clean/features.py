"""Block features: general, site-independent cues for telling article prose from page furniture.

:func:`describe` measures each block once (:class:`Block`); :func:`feature_matrix` turns those
measures, plus the context of neighbouring blocks, into the numeric rows the scorer reads.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storytrace.clean import lexicon as lx
from storytrace.normalize import normalize, words


@dataclass(frozen=True, slots=True)
class Block:
    """Measures of one block; ``content`` are its non-stop words of three letters or more."""

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
    return sum(w in vocab for w in ws)


def measure(text: str) -> Block:
    ws = words(text)
    unquoted = words(lx.QUOTED.sub(" ", text))
    raw = text.split()
    alpha = [t for t in raw if t[:1].isalpha()]
    caps = sum(t[0].isupper() for t in alpha)
    letters = [c for c in text if c.isalpha()]
    digits = sum(c.isdigit() for c in text)
    first = ws[0] if ws else ""
    return Block(
        text=text,
        words=tuple(ws),
        content=frozenset(
            w for w in ws if len(w) >= 3 and w not in lx.STOP_WORDS and not w.isdigit()
        ),
        n_words=len(ws),
        sentence_end=bool(lx.SENTENCE_END.search(text)),
        stop_ratio=_count(ws, lx.STOP_WORDS) / len(ws) if ws else 0.0,
        cap_ratio=caps / len(alpha) if alpha else 0.0,
        all_caps=len(letters) >= 4 and all(c.isupper() for c in letters),
        self_ref=_count(unquoted, lx.SELF_REF),
        cta_start=first in lx.CTA_START,
        furniture=_count(ws, lx.FURNITURE),
        legal=_count(ws, lx.LEGAL),
        correction=_count(ws, lx.CORRECTION),
        org=_count(ws, lx.ORG_WORDS),
        author=_count(ws, lx.AUTHOR_WORDS),
        arrows=sum(c in lx.ARROWS for c in text),
        number_line=bool(lx.NUMBER_LINE.match(text)),
        glued_rank=bool(lx.GLUED_RANK.match(text)) and not lx.NUMBER_LINE.match(text),
        date_like=bool(lx.DATE_LIKE.search(text)),
        urlish=bool(lx.URLISH.search(text)),
        byline=bool(lx.BYLINE.match(text)),
        digit_ratio=digits / max(1, len(text)),
        comment_head=len(ws) <= 10 and bool(lx.COMMENT_HEAD.search(text)),
        end_head=len(ws) <= 8 and bool(lx.END_HEAD.match(text)),
        key=normalize(text),
    )


def is_prose(b: Block) -> bool:
    """A block that reads like a sentence of running text."""
    return b.n_words >= 12 and b.sentence_end and b.stop_ratio >= 0.2


def topic_overlap(b: Block, centroid: Counter[str], total: float) -> float:
    """Share of the block's content words that the rest of the article also uses (0..1)."""
    if not b.content or total <= 0:
        return 0.0
    hits = sum(1 for w in b.content if centroid[w] - (1 if w in b.content else 0) > 0)
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
    """One row of :data:`FEATURES` per block."""
    n = len(bs)
    out = np.zeros((n, len(FEATURES)), dtype=np.float64)
    if n == 0:
        return out
    prose = np.array([is_prose(b) for b in bs], dtype=np.float64)
    nw = np.array([b.n_words for b in bs], dtype=np.float64)
    ends = np.array([b.sentence_end for b in bs], dtype=np.float64)
    listy = np.array(
        [b.number_line or b.glued_rank or (b.n_words <= 12 and not b.sentence_end) for b in bs],
        dtype=np.float64,
    )
    idx_prose = np.flatnonzero(prose)
    first_p = idx_prose[0] if len(idx_prose) else n
    last_p = idx_prose[-1] if len(idx_prose) else -1
    keys = Counter(b.key for b in bs)
    cent = centroid_of(bs)
    total = float(sum(cent.values()))
    tw = frozenset(w for w in words(title or "") if len(w) >= 3 and w not in lx.STOP_WORDS)
    cum = np.cumsum(nw)
    all_words = max(1.0, float(cum[-1]))
    prose_share = float(nw[prose > 0].sum()) / all_words

    def window(a: np.ndarray, i: int, k: int) -> float:
        lo, hi = max(0, i - k), min(n, i + k + 1)
        vals = np.concatenate([a[lo:i], a[i + 1 : hi]])
        return float(vals.mean()) if len(vals) else 0.0

    for i, b in enumerate(bs):
        lw = math.log1p(b.n_words)
        run = 0
        j = i
        while j >= 0 and listy[j]:
            run += 1
            j -= 1
        j = i + 1
        while j < n and listy[j]:
            run += 1
            j += 1
        top = topic_overlap(b, cent, total)
        row = (
            1.0,
            lw,
            float(b.sentence_end),
            b.stop_ratio,
            b.cap_ratio,
            float(b.all_caps),
            min(b.self_ref, 4) / 4,
            float(b.cta_start),
            min(b.furniture, 3) / 3,
            min(b.legal, 3) / 3,
            min(b.correction, 3) / 3,
            min(b.org, 3) / 3,
            min(b.author, 3) / 3,
            min(b.arrows, 3) / 3,
            float(b.number_line),
            float(b.glued_rank),
            float(b.date_like),
            float(b.urlish),
            float(b.byline),
            b.digit_ratio,
            prose[i],
            float(keys[b.key] > 1),
            i / max(1, n - 1),
            float(i < first_p),
            float(i > last_p),
            len(b.content & tw) / len(b.content) if b.content else 0.0,
            top,
            window(prose, i, 1),
            window(prose, i, 3),
            math.log1p(window(nw, i, 3)),
            window(ends, i, 3),
            math.log1p(run),
            prose_share,
            (cum[i] - nw[i]) / all_words,
            (all_words - cum[i]) / all_words,
            float(b.n_words <= 6),
            float(b.n_words <= 2),
            top * prose[i],
            min(b.self_ref, 4) / 4 * float(b.n_words >= 12),
            window(listy, i, 2),
        )
        out[i, : len(row)] = row
    _add_end_and_title(bs, out, nw, prose, tw)
    return out


_BASE = FEATURES.index("comment_head")


def _add_end_and_title(
    bs: Sequence[Block], out: np.ndarray, nw: np.ndarray, prose: np.ndarray, tw: frozenset[str]
) -> None:
    """Fill the features from ``comment_head`` on (see :data:`FEATURES`)."""
    n = len(bs)
    ch = np.array([b.comment_head for b in bs], dtype=np.float64)
    eh = np.array([b.end_head for b in bs], dtype=np.float64)
    after_ch = np.concatenate([[0.0], np.maximum.accumulate(ch)[:-1]])
    after_eh = np.log1p(np.concatenate([[0.0], np.cumsum(eh)[:-1]]))
    said = np.array([b.text.endswith(":") and b.n_words <= 6 for b in bs], dtype=np.float64)
    csum = np.concatenate([[0.0], np.cumsum(said)])
    lo = np.clip(np.arange(n) - 3, 0, n)
    hi = np.clip(np.arange(n) + 4, 0, n)
    said_ctx = (csum[hi] - csum[lo]) / 7.0
    # The title line: the first block that uses most of the title's words and little else.
    title_at = -1
    if tw:
        for i, b in enumerate(bs[:200]):
            if 0 < b.n_words <= 2 * len(tw) + 6 and len(tw & set(b.words)) >= 0.6 * len(tw):
                title_at = i
                break
    tc = np.array(
        [b.n_words <= 8 and b.cap_ratio >= 0.6 and not b.sentence_end for b in bs],
        dtype=np.float64,
    )
    run = np.zeros(n)
    i = 0
    while i < n:
        j = i
        while j < n and tc[j]:
            j += 1
        if j > i:
            run[i:j] = math.log1p(j - i)
            i = j
        else:
            i += 1
    lw = np.log1p(nw)
    stop = np.array([b.stop_ratio for b in bs])
    cap = np.array([b.cap_ratio for b in bs])

    def prev(a: np.ndarray) -> np.ndarray:
        return np.concatenate([[0.0], a[:-1]])

    def nxt(a: np.ndarray) -> np.ndarray:
        return np.concatenate([a[1:], [0.0]])

    pw = nw * prose
    after_prose = (pw.sum() - np.cumsum(pw)) / max(1.0, float(pw.sum()))
    idx = np.arange(n)
    cols = [
        ch,
        eh,
        after_ch,
        after_eh,
        said_ctx,
        (idx == title_at).astype(np.float64),
        (idx < title_at).astype(np.float64),
        np.sign(idx - title_at) * np.log1p(np.abs(idx - title_at)) if title_at >= 0 else idx * 0.0,
        np.full(n, float(title_at >= 0)),
        run,
        prev(lw),
        nxt(lw),
        prev(stop),
        nxt(stop),
        prev(cap),
        nxt(cap),
        after_prose,
    ]
    out[:, _BASE:] = np.column_stack(cols)
