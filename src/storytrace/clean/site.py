"""Site boilerplate: blocks an outlet repeats across many of its articles.

The store counts, for each outlet, in how many distinct articles each :func:`block_key` was
seen; :func:`site_boilerplate` turns those counts into the keys to strip.

Rule (and why): a key is site boilerplate when it was seen in at least ``min_articles``
articles and in at least ``min_share`` of the outlet's articles. Footers, share bars and
disclaimers pass easily. Long news-like paragraphs need much more: one outlet often carries
several updates of the same wire story, and those updates share most of their paragraphs, so a
paragraph of more than 40 words is only counted as boilerplate when it was seen in at least
``max(4 * min_articles, 10)`` articles and in twice ``min_share`` (capped at 0.9) of the
outlet's articles. A story rarely gets that many updates, while a true boilerplate paragraph
(an outlet's publisher blurb) recurs in most of its articles. The word count is read from the
key itself (:func:`storytrace.clean.block_key` starts with it).
"""

from __future__ import annotations

from collections.abc import Mapping

LONG_BLOCK_WORDS = 40


def site_boilerplate(
    counts: Mapping[str, int],
    outlet_articles: int,
    *,
    min_articles: int = 3,
    min_share: float = 0.3,
) -> dict[str, int]:
    """Keys of ``counts`` that are site boilerplate for an outlet with ``outlet_articles``.

    ``counts`` maps a block key to the number of the outlet's distinct articles it was seen in.
    Keys of blocks longer than :data:`LONG_BLOCK_WORDS` words need the stricter thresholds of
    the module docstring. Returns key -> count for the keys that qualify.
    """
    if outlet_articles <= 0:
        return {}
    long_min = max(4 * min_articles, 10)
    long_share = min(0.9, 2 * min_share)
    out: dict[str, int] = {}
    for key, n in counts.items():
        if key_words(key) > LONG_BLOCK_WORDS:
            ok = n >= long_min and n / outlet_articles >= long_share
        else:
            ok = n >= min_articles and n / outlet_articles >= min_share
        if ok:
            out[key] = n
    return out


def key_words(key: str) -> int:
    """Word count stored in a :func:`block_key` ("57:1f2e..." -> 57); 0 when it has none."""
    head, sep, _ = key.partition(":")
    return int(head) if sep and head.isdigit() else 0
