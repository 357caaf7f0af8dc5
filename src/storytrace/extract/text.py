"""Plain-text articles: title and body from the text itself."""

from __future__ import annotations

from storytrace.extract.meta import build_draft
from storytrace.model import Document, Draft, Reject
from storytrace.normalize import normalize


def text_draft(doc: Document) -> Draft | Reject:
    """Split a plain-text Document into title and body.

    For a ``.txt`` file the first non-empty line is the title and the rest the body. When the
    metadata gives a ``title``, that title is used, and the first line is dropped from the
    body only if it is the same title (compared after normalisation). A file with a single
    non-empty line is all body. For JSONL/CSV rows the title comes only from the ``title``
    field and the whole text is the body. Line breaks become ``\\n``; the line structure is
    kept and only outer whitespace is stripped.
    """
    text = doc.content.replace("\r\n", "\n").replace("\r", "\n")
    meta_title = str(doc.meta.get("title") or "").strip() or None
    title: str | None = None
    body = text.strip()
    if doc.kind == "text":
        lines = text.split("\n")
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        rest = "\n".join(lines[first + 1 :]).strip() if first is not None else ""
        same = (
            first is not None
            and meta_title is not None
            and normalize(lines[first]) == normalize(meta_title)
        )
        if same:
            body = rest
        elif first is not None and rest and meta_title is None:
            title, body = lines[first].strip(), rest
    if not body:
        return Reject(doc.source, "empty", "no body text")
    return build_draft(doc, body, title=title)
