"""Boilerplate cleaning of article bodies.

Public API:

- :func:`blocks` / :func:`block_key` / :func:`block_keys`: block spans and site-counting keys.
- :func:`clean_page`: remove page and site boilerplate from one body (pure).
- :func:`site_boilerplate`: which counted keys are an outlet's site boilerplate.
- :data:`REASONS`: the fixed vocabulary of removal reasons.
- :func:`storytrace.clean.evaluate.score_cleaning`: word P/R/F1 of a cleaner (``storytrace eval``).

The scorer's weights are refitted by ``research/clean_train.py``, outside the package.
"""

from storytrace.clean.blocks import block_key, block_keys, blocks
from storytrace.clean.page import REASONS, SITE_REASON, clean_page
from storytrace.clean.site import site_boilerplate

__all__ = [
    "REASONS",
    "SITE_REASON",
    "block_key",
    "block_keys",
    "blocks",
    "clean_page",
    "site_boilerplate",
]
