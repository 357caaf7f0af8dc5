"""HTML articles: main text and metadata with trafilatura, under a time limit.

The page is parsed once with lxml (which caps nesting depth, so hostile pages cannot blow
the stack); ``<link rel="canonical">`` and ``og:url`` are read from it, then trafilatura
extracts the body (comments excluded, tables included) and the title, date and site name.

Trafilatura offers three trade-offs (:data:`MODES`). The shipped one, :data:`MODE`, was chosen
by domain: the pages of both extraction sets (the Zyte benchmark and WCXB) were split in two
by a hash of their domain, each half picked the mode that scored best on it, and each pick was
scored on the other half (``research/extract_heldout.py``, figures in docs/evaluation.md).
Comments are excluded because reader comments are not the article; the cleaner then removes
what the extractor kept of the page's notices (``clean_page(..., extracted=True)``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import lxml.etree
import lxml.html
import trafilatura

from storytrace.extract.library_logs import library_warnings
from storytrace.extract.meta import build_draft
from storytrace.extract.timeout import ExtractTimeout, time_limit
from storytrace.model import Document, Draft, Reject

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_TAG = re.compile(r"<\s*[a-zA-Z!/]")
_MIN_VISIBLE = 250  # visible characters below which a page is "too short" to hold an article

MODES: dict[str, dict[str, bool]] = {
    "precision": {"favor_precision": True},
    "balanced": {},
    "recall": {"favor_recall": True},
}
MODE = "recall"


def html_draft(doc: Document, timeout: float | None = 10.0, *, mode: str = MODE) -> Draft | Reject:
    """Extract the article from an HTML Document; a Reject says why when there is none.

    Rejects: ``extract-timeout`` past ``timeout`` seconds, ``extract-failed`` when the page
    is not HTML, cannot be parsed, or has no main content. ``mode``: one of :data:`MODES`
    (the evaluation compares them; the ingest uses :data:`MODE`).
    """
    with library_warnings() as said:
        found = _html_draft(doc, timeout, MODES[mode])
    if isinstance(found, Reject) and said:
        return replace(found, detail=f"{found.detail} (the extractor said: {'; '.join(said)})")
    return found


def _html_draft(doc: Document, timeout: float | None, favor: dict[str, bool]) -> Draft | Reject:
    src = doc.source
    if not _TAG.search(doc.content[:65536]):
        return Reject(src, "extract-failed", "not HTML: no tags found")
    meta_url = doc.meta.get("url")
    try:
        with time_limit(timeout):
            tree = parse_html(doc.content)
            own_url = page_url(tree)
            result = _extract(tree, url=str(meta_url) if meta_url else own_url, **favor)
    except ExtractTimeout:
        return Reject(src, "extract-timeout", f"extraction took longer than {timeout:g} s")
    except (lxml.etree.LxmlError, ValueError) as exc:
        return Reject(src, "extract-failed", f"cannot parse the HTML: {exc}")
    except RecursionError:
        return Reject(src, "extract-failed", "the HTML is nested too deeply")
    except MemoryError:
        return Reject(src, "extract-failed", "the page needs too much memory to parse")
    except Exception as exc:  # trafilatura/lxml internals; one page must not end a run
        return Reject(src, "extract-failed", f"extractor error: {type(exc).__name__}: {exc}")
    body = _field(result, "text")
    if not body:
        return Reject(src, "extract-failed", _why_empty(doc.content))
    page = {
        "title": _field(result, "title"),
        "date": _field(result, "date"),
        "sitename": _field(result, "sitename"),
        "url": own_url or _absolute(_field(result, "url")),
    }
    return build_draft(doc, body, page=page)


def parse_html(html: str) -> lxml.html.HtmlElement:
    """Parse a page with lxml (comments and processing instructions dropped)."""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
    tree = lxml.html.document_fromstring(_XML_DECL.sub("", html, count=1), parser=parser)
    if tree is None:
        raise ValueError("the document is empty")
    return tree


def page_url(tree: lxml.html.HtmlElement) -> str | None:
    """The page's own absolute URL from ``<link rel="canonical">`` or ``og:url``, if any."""
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and (url := _absolute(link.get("href"))):
            return url
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:url":
            if url := _absolute(meta.get("content")):
                return url
    return None


def _extract(
    tree: lxml.html.HtmlElement,
    url: str | None,
    *,
    favor_precision: bool = False,
    favor_recall: bool = False,
) -> Any:
    # The one call into trafilatura; tests replace it to simulate a slow extractor.
    return trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        favor_precision=favor_precision,
        favor_recall=favor_recall,
    )


def _field(result: Any, name: str) -> str | None:
    if result is None:
        return None
    value = result.get(name) if isinstance(result, dict) else getattr(result, name, None)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _absolute(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    return url if url.lower().startswith(("http://", "https://")) and len(url) > 10 else None


def _why_empty(html: str) -> str:
    """A short reason why no main content was found, for the reject."""
    try:
        tree = parse_html(html)
    except Exception:
        return "no main content found (the HTML cannot be parsed)"
    body = tree.find("body")
    if body is None:
        return "no main content found: the page has no <body>"
    for bad in body.xpath(".//script|.//style|.//noscript|.//template"):
        bad.drop_tree()
    visible = len(" ".join(body.text_content().split()))
    if visible < _MIN_VISIBLE:
        return f"page too short: {visible} characters of visible text"
    return f"no main content found in {visible} characters of visible text"
