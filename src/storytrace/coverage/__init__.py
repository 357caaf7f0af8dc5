"""Coverage and provenance of a story: who copied whom, and how each outlet told the story.

Pure functions (:func:`attribution`, :func:`provenance`, :func:`compare_texts`) and the thin
store layer the CLI, the API and the web UI call (:func:`compare_story`,
:func:`compare_articles`, :func:`render_html`). The report dict is documented in
docs/coverage.md.
"""

from .agencies import Agencies, Agency, default_agencies, load_agencies, parse_agency
from .attribution import Claim, attribution
from .html import render_html
from .provenance import Edge, Graph, provenance
from .quotes import Quote, article_quotes
from .report import compare_articles, compare_story, compare_texts, to_json

__all__ = [
    "Agencies",
    "Agency",
    "Claim",
    "Edge",
    "Graph",
    "Quote",
    "article_quotes",
    "attribution",
    "compare_articles",
    "compare_story",
    "compare_texts",
    "default_agencies",
    "load_agencies",
    "parse_agency",
    "provenance",
    "render_html",
    "to_json",
]
