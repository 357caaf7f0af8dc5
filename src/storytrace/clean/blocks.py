"""Splitting a body into blocks (one per non-empty line) and keys for site-level counting."""

from __future__ import annotations

import re

import xxhash

from storytrace.normalize import normalize, words

_LINE = re.compile(r"[^\n]+")


def blocks(text: str) -> list[tuple[int, int]]:
    """Spans of the blocks of ``text``: one per non-empty line, surrounding whitespace stripped.

    ``text[start:end]`` is the stripped line; a line of only whitespace gives no block.
    """
    spans: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        start, end = m.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def block_key(block_text: str) -> str:
    """A short stable key of a block: ``"<word count>:<64-bit hash of normalize(block)>"``.

    Case, accents, quotes, dashes and whitespace are folded (digits kept) so that the same
    footer line scraped with different typography counts as one block. The word count lets
    :func:`storytrace.clean.site_boilerplate` treat long paragraphs more strictly.
    """
    return key_of(len(words(block_text)), normalize(block_text))


def key_of(n_words: int, normalized: str) -> str:
    """:func:`block_key` from a block's word count and ``normalize`` form, when both are known."""
    return f"{n_words}:{xxhash.xxh64_hexdigest(normalized.encode())}"


def block_keys(text: str) -> list[str]:
    """Distinct keys of the blocks of ``text``, in order of first appearance."""
    seen: dict[str, None] = {}
    for start, end in blocks(text):
        seen.setdefault(block_key(text[start:end]), None)
    return list(seen)
