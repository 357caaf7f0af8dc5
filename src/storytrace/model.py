"""Value objects passed between the stages.

Every stage is a pure function over these types, so the local runner and a distributed
backend can call the same code. All offsets are character offsets into the named string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

InputKind = Literal["text", "html", "jsonl", "csv", "warc", "parquet"]

MAX_ROW_ID = 2**63 - 1
"""The largest id SQLite stores (a signed 64-bit integer): a larger one names nothing."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where an input came from: a file, and the line or record inside it when there is one."""

    path: str
    line: int | None = None
    record: str | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        if self.record is not None:
            where += f"#{self.record}"
        return where


@dataclass(frozen=True, slots=True)
class Document:
    """One raw input as read from disk, before extraction.

    ``content`` is the decoded text of the input: HTML when ``is_html``, else plain text.
    ``meta`` holds the fields the reader found (``id``, ``url``, ``outlet``, ``published``,
    ``title`` and anything else the input carried).
    """

    source: Source
    kind: InputKind
    content: str
    is_html: bool
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reject:
    """An input that could not become an article, and why.

    ``reason`` is a short stable code (``decode-error``, ``binary``, ``empty``, ``too-large``,
    ``malformed-json``, ``malformed-csv``, ``malformed-warc``, ``missing-text``,
    ``extract-failed``, ``extract-timeout``, ``unreadable``); ``detail`` is one human sentence.
    """

    source: Source
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class Draft:
    """An article recovered from a document, before cleaning.

    ``text`` is the article body (for HTML: the extractor's output); ``raw`` is the input as read.
    """

    source: Source
    kind: InputKind
    raw: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    external_id: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Removed:
    """A block removed from a body: ``text == body[start:end]``, with the reason for removing it."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A cleaned body: the kept paragraphs joined by blank lines, and what was removed."""

    text: str
    removed: tuple[Removed, ...] = ()


@dataclass(frozen=True, slots=True)
class Passage:
    """A passage shared by two texts: ``a[a_start:a_end]`` aligns with ``b[b_start:b_end]``."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    words: int


ReprintKind = Literal["exact", "near-duplicate", "contained", "edited"]


@dataclass(frozen=True, slots=True)
class Reprint:
    """``b`` reprints (part of) ``a`` or the other way round; measures are over word shingles.

    ``containment_ab`` is the share of ``a``'s shingles found in ``b``; ``containment_ba`` the
    reverse. ``passages`` are aligned on the cleaned texts.
    """

    kind: ReprintKind
    jaccard: float
    containment_ab: float
    containment_ba: float
    passages: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article: identity, metadata and cleaned body."""

    id: int
    outlet: str | None
    url: str | None
    published: str | None
    title: str | None
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)
