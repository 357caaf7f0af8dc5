"""``to_draft``: one Document to one Draft (or Reject), by its kind."""

from __future__ import annotations

from storytrace.extract.html import html_draft
from storytrace.extract.text import text_draft
from storytrace.model import Document, Draft, Reject


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
    ``extract-failed`` or ``extract-timeout``.
    """
    if not doc.content.strip():
        if doc.kind in ("jsonl", "csv", "parquet"):
            return Reject(doc.source, "missing-text", "the text/html field is empty")
        return Reject(doc.source, "empty", "the document is empty")
    try:
        return html_draft(doc, timeout) if doc.is_html else text_draft(doc)
    except Exception as exc:  # a bug here must cost one document, not the run
        return Reject(doc.source, "extract-failed", f"{type(exc).__name__}: {exc}")
