"""Extraction: turning a Document (plain text or HTML) into a Draft article.

Main entry point: :func:`to_draft`. Helpers: :func:`outlet_from_url`, :func:`normalize_date`.
"""

from storytrace.extract.draft import to_draft
from storytrace.extract.html import html_draft
from storytrace.extract.meta import normalize_date, outlet_from_url
from storytrace.extract.text import text_draft
from storytrace.extract.timeout import ExtractTimeout, time_limit

REJECT_REASONS = ("empty", "missing-text", "extract-failed", "extract-timeout", "too-short")
"""Reject reason codes :func:`to_draft` can return."""

__all__ = [
    "REJECT_REASONS",
    "ExtractTimeout",
    "html_draft",
    "normalize_date",
    "outlet_from_url",
    "text_draft",
    "time_limit",
    "to_draft",
]
