"""Named entities as a journalist reads them: capitalised spans, with spelling-robust keys.

No model: a span of capitalised words is a name, except a lone capitalised word at the start
of a sentence (unless it also appears capitalised elsewhere). Each name gets a key that is
stable under transliteration variants: ASCII folding (:func:`fold`), then a consonant
skeleton per word ("Sergey"/"Sergei"/"Сергей" -> "srg", "Dacic"/"Dačić" -> "dcc"). A lone surname matches the
full name it abbreviates by matching on the ``head`` (last word) key.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import compress
from operator import itemgetter
from typing import NamedTuple

from anyascii import anyascii
from wordfreq import zipf_frequency

from storytrace.evidence.terms import idf

MAX_ENTITIES = 40
_CONNECT = frozenset({"of", "de", "la", "del", "da", "van", "von", "der", "den", "al", "bin", "y"})
_SENT_END = frozenset('.!?:;"\n')
_TOKEN = re.compile(r"[^\W\d_][^\W_]*(?:['’\-.][^\W\d_][^\W_]*)*")
# ``_TOKEN`` as a split (tokens and the gaps between them), with possessive repeats (the
# joiners are not word characters, so giving back part of a word never helps) and, for ASCII
# text, plain letter ranges instead of Unicode categories: the same tokens, faster.
_TOKEN_SPLIT = re.compile(r"([^\W\d_][^\W_]*+(?:['’\-.][^\W\d_][^\W_]*+)*+)")
_TOKEN_SPLIT_ASCII = re.compile(r"([A-Za-z][A-Za-z0-9]*+(?:['\-.][A-Za-z][A-Za-z0-9]*+)*+)")
_ADJACENT = (" ", "-")
_VOWELS = str.maketrans("", "", "aeiouyhwj'’-. ")
_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december mr mrs ms dr".split()
)


class Entity(NamedTuple):
    key: str  # skeleton of the full name
    head: str  # skeleton of the last word: what a later bare-surname mention matches
    name: str  # the longest surface form seen
    mentions: int
    weight: float  # rarity of the name's words


@lru_cache(maxsize=131072)
def fold(word: str) -> str:
    """``word`` in lower-case ASCII: transliterated by anyascii, then lowered and stripped of
    spaces (anyascii capitalises and spaces some scripts, "北京" -> "BeiJing", and turns a few
    symbols into spaced text), so each word folds to one lower-case token."""
    return "".join(anyascii(word).lower().split())


@lru_cache(maxsize=131072)
def skeleton(word: str) -> str:
    """Consonant skeleton of one word: first letter kept, vowels dropped, doubles collapsed."""
    w = fold(word)
    if not w:
        return ""
    dedup = [w[0]]
    for ch in w[1:]:
        if ch != dedup[-1]:
            dedup.append(ch)
    s = dedup[0] + "".join(ch for ch in "".join(dedup[1:]).translate(_VOWELS) if ch.isalnum())
    # One-letter skeletons collide ("Li", "Lee"): keep the whole folded word instead.
    return s if len(s) >= 2 else w


@lru_cache(maxsize=131072)
def _is_common(word: str, lang: str) -> bool:
    low = word.lower()
    return low in _CALENDAR or zipf_frequency(low, lang) >= 5.3


def _at_sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\"'“‘(":
        if text[i] in '"“':
            return True
        i -= 1
    return i < 0 or text[i] in _SENT_END


def _split(ws: list[str], starts: bool, lang: str) -> list[tuple[list[str], bool]]:
    """Cut a span at possessives and at common words ("Russia's War", "Tip The Balance")."""
    out: list[tuple[list[str], bool]] = []
    cur: list[str] = []
    for w in ws:
        if _is_common(w, lang) or (w in _CONNECT and not cur):
            if cur:
                out.append((cur, starts))
            cur, starts = [], False
            continue
        if w.endswith(("'s", "’s")):
            cur.append(w[:-2])
            out.append((cur, starts))
            cur, starts = [], False
            continue
        cur.append(w)
    if cur:
        out.append((cur, starts))
    return [(c, s) for c, s in out if c[-1] not in _CONNECT]


def _capitalised_spans(text: str) -> list[tuple[list[str], bool]]:
    """Runs of capitalised ``_TOKEN`` words (joined by one space or hyphen, or by a connector
    word such as "of" between two of them), each with whether it starts a sentence.

    ``split`` gives every token with the gap before it as strings, so only the capitalised
    tokens (picked in C) are visited in Python: a lower-case token matters only right after
    a run, where it either is a connector (the run may go on) or ends the run.
    """
    parts = (_TOKEN_SPLIT_ASCII if text.isascii() else _TOKEN_SPLIT).split(text)
    gaps = parts[0::2]  # gaps[k]: the text before token k (the last one: after every token)
    toks = parts[1::2]
    caps = compress(range(len(toks)), map(str.isupper, map(itemgetter(0), toks)))
    spans: list[tuple[list[str], bool]] = []
    cur: list[str] = []
    cur_start = False
    last = -2  # index of the last token in ``cur``
    for k in caps:
        tok = toks[k]
        connector = ""
        if cur and k != last + 1:
            between = last + 1
            if k == last + 2 and gaps[between] in _ADJACENT and toks[between] in _CONNECT:
                connector = toks[between]
            else:
                spans.append((cur, cur_start))
                cur = []
        if tok.isupper() and len(tok) > 6:  # an all-capitals word: a shouted label, not a name
            if cur:
                spans.append((cur, cur_start))
                cur = []
            continue
        if cur and gaps[k] in _ADJACENT:
            if connector:
                cur.append(connector)
            cur.append(tok)
        else:
            if cur:
                spans.append((cur, cur_start))
            cur, cur_start = [tok], _starts_sentence(gaps[k], k == 0)
        last = k
    if cur:
        spans.append((cur, cur_start))
    return spans


def _starts_sentence(gap: str, first: bool) -> bool:
    """:func:`_at_sentence_start` from the text between a token and the one before it (a
    token ends with a letter or digit, which never ends a sentence)."""
    i = len(gap) - 1
    while i >= 0 and gap[i] in " \t\"'“‘(":
        if gap[i] in '"“':
            return True
        i -= 1
    return first if i < 0 else gap[i] in _SENT_END


def extract_entities(text: str, lang: str = "en") -> list[Entity]:
    """Entities of ``text`` (already punctuation-unified), heaviest first."""
    spans = _capitalised_spans(text)
    spans = [part for ws, st in spans for part in _split(ws, st, lang)]
    # Words seen capitalised away from a sentence start are names wherever they occur.
    inner = {w for ws, s in spans for i, w in enumerate(ws) if not s or i > 0}
    names: list[list[str]] = []
    for ws, starts in spans:
        # "Foreign Minister Ivica Dacic" -> "Ivica Dacic": titles are frequent words.
        while len(ws) > 2 and zipf_frequency(ws[0].lower(), lang) >= 4.3:
            ws = ws[1:]
        if len(ws) == 1 and starts and ws[0] not in inner:
            continue
        names.append(ws)

    counts: Counter[str] = Counter()
    surface: dict[str, str] = {}
    heads: dict[str, str] = {}
    rarity: dict[str, float] = {}
    for ws in names:
        words = [w.replace("’", "'").removesuffix("'s") for w in ws if w not in _CONNECT]
        if not words:
            continue
        key = " ".join(skeleton(w) for w in words)
        counts[key] += 1
        name = " ".join(ws).replace("’", "'").removesuffix("'s")
        if len(name) > len(surface.get(key, "")):
            surface[key] = name
        heads[key] = skeleton(words[-1])
        rarity[key] = max(idf(fold(w), lang) for w in words)

    out = [
        Entity(k, heads[k], surface[k], c, round(rarity[k] * (1.0 + 0.5 * (c - 1) ** 0.5), 2))
        for k, c in counts.items()
        if rarity[k] > 0.5
    ]
    out.sort(key=lambda e: (-e.weight, e.key))
    return out[:MAX_ENTITIES]
