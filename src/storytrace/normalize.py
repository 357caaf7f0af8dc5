"""Text normalisation shared by cleaning, matching and evidence.

Matching compares a normalised form: typographic quotes and dashes, whitespace, case,
accents, and "100 percent"/"100 per cent" vs "100%" are folded. Originals are never altered;
:func:`tokenize` gives the word tokens with their offsets into the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import numpy.typing as npt

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
# A word: letters/digits, with inner apostrophes, dots or commas between digits ("1,000", "U.S"),
# or "%" alone. Possessive repeats: the joiners are not word characters, so backtracking into a
# word never finds another match. On ASCII text, ``[^\W_]`` is ``[A-Za-z0-9]``, which the regex
# engine tests faster: the ASCII form is the same pattern with that class.
_WORD_PATTERN = r"%|{a}++(?:(?:{joiner}|(?<=\d)[.,](?=\d)){a}++)*+"
_WORD = re.compile(_WORD_PATTERN.format(a=r"[^\W_]", joiner="['\u2019]"))
_SPLIT = re.compile(f"({_WORD.pattern})")  # tokens and the gaps between them
_SPLIT_ASCII = re.compile("(" + _WORD_PATTERN.format(a="[A-Za-z0-9]", joiner="'") + ")")
_PERCENT_WORDS = frozenset({"percent", "pct"})
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


class Spans:
    """(start, end) offsets of each token of :func:`tokenize`, in characters of its text.

    Computed on first use from the lengths of the split's parts (tokens and the gaps between
    them): many callers only need the tokens."""

    __slots__ = ("_ends", "_parts", "_starts")

    def __init__(
        self, parts: list[str], first: list[int] | None = None, last: list[int] | None = None
    ) -> None:
        self._parts = parts
        self._starts: npt.NDArray[np.int64] | None = None
        self._ends: npt.NDArray[np.int64] | None = None
        if first is not None and last is not None:  # tokens joined: token k spans first[k]..last[k]
            starts, ends = self.arrays()
            self._starts, self._ends = starts[first], ends[last]

    def arrays(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Start and end offset of every token, as two int64 arrays."""
        if self._starts is None or self._ends is None:
            parts = self._parts
            bounds = np.cumsum(np.fromiter(map(len, parts), np.int64, count=len(parts)))
            self._starts, self._ends = bounds[0:-1:2], bounds[1::2]
        return self._starts, self._ends

    def __len__(self) -> int:
        return len(self.arrays()[0])

    def __getitem__(self, i: int) -> tuple[int, int]:
        starts, ends = self.arrays()
        if not 0 <= i < len(starts):
            raise IndexError(i)
        return int(starts[i]), int(ends[i])


def tokenize(text: str) -> tuple[list[str], Spans]:
    """The word tokens of ``text``, folded (:func:`fold_word`), and their offsets in ``text``.

    The one definition of a word token, for matching, alignment and evidence: a ``_WORD``
    match, folded (:func:`fold_word`); "percent" and "pct" are "%", and "per" followed by
    "cent" is one "%" token spanning both words.
    """
    if text.isascii():
        folded = text.lower()
        parts = _SPLIT_ASCII.split(folded)
        tokens = parts[1::2]
    else:
        parts = _SPLIT.split(text)
        # Folding works character by character (case folding, NFKD, combining marks dropped),
        # so the tokens are folded in one call over their joined text: a NUL, which no fold
        # produces, keeps them apart.
        folded = "\0".join(parts[1::2])
        folded = (
            folded.lower()
            if folded.isascii()
            else strip_accents(folded.casefold().replace("\u2019", "'"))
        )
        tokens = folded.split("\0") if len(parts) > 1 else []
    if "percent" in folded or "pct" in folded:
        tokens = ["%" if t in _PERCENT_WORDS else t for t in tokens]
    if "cent" not in tokens:  # the common case: no "per cent" to join
        return tokens, Spans(parts)
    out: list[str] = []
    first: list[int] = []
    last: list[int] = []
    for i, t in enumerate(tokens):
        if t == "cent" and out and out[-1] == "per":
            out[-1] = "%"
            last[-1] = i
            continue
        out.append(t)
        first.append(i)
        last.append(i)
    return out, Spans(parts, first, last)


def words(text: str) -> list[str]:
    """Folded word tokens of ``text``, in order (:func:`tokenize` without the offsets)."""
    return tokenize(text)[0]
