"""Text normalisation shared by cleaning, matching and evidence.

Matching compares a normalised form: typographic quotes and dashes, whitespace, case,
accents, and "100 percent"/"100 per cent" vs "100%" are folded. Originals are never altered;
:func:`word_spans` keeps character offsets into the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)
_PERCENT = re.compile(r"(\d)\s*(?:per\s*cent|percent|pct\.?)(?!\w)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_UNIFIED = {chr(k): v for k, v in _QUOTES.items()}
_TO_UNIFY = re.compile("[" + "".join(map(re.escape, _UNIFIED)) + "]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# A word: letters/digits, with inner apostrophes, dots or commas between digits ("1,000", "U.S").
_WORD = re.compile(r"[^\W_]+(?:(?:['\u2019]|(?<=\d)[.,](?=\d))[^\W_]+)*|%")


def unify_punctuation(text: str) -> str:
    """NFKC, straight quotes, ASCII hyphens, plain spaces; keeps the length close to the input."""
    # A regex finds the few characters to replace faster than str.translate walks them all.
    return _TO_UNIFY.sub(_unified, unicodedata.normalize("NFKC", text))


def _unified(match: re.Match[str]) -> str:
    return _UNIFIED[match.group()]


def normalize(text: str) -> str:
    """The matching form of a line or paragraph: folded punctuation, case, accents, whitespace."""
    text = unify_punctuation(text)
    text = _PERCENT.sub(r"\1%", text)
    text = strip_accents(text.casefold())
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """Case- and accent-folded form of one word token ("Dačić" -> "dacic", "percent" -> "%")."""
    folded = strip_accents(word.casefold().replace("\u2019", "'"))
    if folded in ("percent", "pct"):
        return "%"
    return folded


def strip_accents(text: str) -> str:
    if text.isascii():  # most news text: NFKD leaves ASCII unchanged
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    # Only the non-ASCII runs can hold combining marks: one C scan finds the few there are.
    return _NON_ASCII.sub(_drop_combining, decomposed)


def _drop_combining(match: re.Match[str]) -> str:
    return "".join(ch for ch in match.group() if not unicodedata.combining(ch))


def word_spans(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of each word token in ``text`` (original offsets)."""
    return [m.span() for m in _WORD.finditer(text)]


def words(text: str) -> list[str]:
    """Folded word tokens of ``text``, in order. "per cent" becomes "%"."""
    folded = list(map(fold_word, _WORD.findall(text)))
    if "cent" not in folded:  # the common case: no "per cent" to join
        return folded
    out: list[str] = []
    for w in folded:
        if w == "cent" and out and out[-1] == "per":
            out[-1] = "%"
            continue
        out.append(w)
    return out


def tokens_with_spans(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Folded tokens and their original spans, aligned index by index."""
    toks: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        toks.append(fold_word(m.group()))
        spans.append(m.span())
    return toks, spans
