"""``to_draft``: one Document to one Draft (or Reject), by its kind."""

from __future__ import annotations

import re

from storytrace.extract.html import html_draft
from storytrace.extract.text import text_draft
from storytrace.model import Document, Draft, Reject

MIN_ARTICLE_CHARS = 20
"""Fewer letters and digits than this in a body is not an article (a stray word, a bare
headline): a ``too-short`` reject."""
_WORD_CHAR = re.compile(r"[^\W_]")


def to_draft(doc: Document, *, timeout: float = 10.0) -> Draft | Reject:
    """Recover the article in ``doc``: body text, title, URL, outlet, date and id.

    HTML (``doc.is_html``) goes through trafilatura under a ``timeout`` in seconds (enforced
    on POSIX in a process's main thread, see :mod:`storytrace.extract.timeout`); plain text
    uses its first line as the title (see :func:`storytrace.extract.text.text_draft`).
    Input metadata wins over values found in the page. ``outlet`` is the URL's domain (see
    :func:`outlet_from_url`), else the given outlet name or the page's site name;
    ``published`` is ISO 8601 or None.

    A pure function of picklable values, safe to run in worker processes. Never raises for a
    bad document: it returns a Reject with reason ``empty``, ``missing-text``,
    ``extract-failed``, ``extract-timeout`` or ``too-short``.
    """
    if not doc.content.strip():
        if doc.kind in ("jsonl", "csv", "parquet"):
            return Reject(doc.source, "missing-text", "the text/html field is empty")
        return Reject(doc.source, "empty", "the document is empty")
    try:
        draft = html_draft(doc, timeout) if doc.is_html else text_draft(doc)
    except Exception as exc:  # a bug here must cost one document, not the run
        return Reject(doc.source, "extract-failed", f"{type(exc).__name__}: {exc}")
    if isinstance(draft, Draft) and (n := word_chars(draft.text)) < MIN_ARTICLE_CHARS:
        return Reject(
            doc.source,
            "too-short",
            f"{n} letters or digits in the body; an article has at least {MIN_ARTICLE_CHARS}",
        )
    return draft


def word_chars(text: str) -> int:
    """Letters and digits in ``text``: a length that does not depend on whether the script
    puts spaces between words."""
    return sum(1 for _ in _WORD_CHAR.finditer(text))
