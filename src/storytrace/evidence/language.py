"""The language an article is written in, from its text.

py3langid (langid.py's model, numpy only, bundled with the package) names 97 languages and is
fast enough to run on every article. The word statistics (:mod:`.terms`) exist for fewer
languages; :func:`wordlist_lang` says which list to read for a detected language.
"""

from __future__ import annotations

from functools import lru_cache

from wordfreq import available_languages, zipf_frequency

SAMPLE_CHARS = 1000  # the headline and first paragraphs: enough to tell the language
FALLBACK = "en"


def detect_language(text: str) -> str:
    """ISO 639-1 code of the language of ``text`` (``"en"`` for text with no letters)."""
    sample = text[:SAMPLE_CHARS]
    if not any(c.isalpha() for c in sample):
        return FALLBACK
    import py3langid  # its model loads on first use, once per process

    return str(py3langid.classify(sample)[0])


@lru_cache(maxsize=256)
def wordlist_lang(lang: str) -> str:
    """The word-frequency list to read for ``lang``: its own when wordfreq has one, else
    English (names and loan words are often known there; every word of an unknown language
    then counts as rare, as it would have without detection)."""
    base = lang.split("-", 1)[0].lower()
    return base if base in _WORDLISTS and _readable(base) else FALLBACK


@lru_cache(maxsize=64)
def _readable(lang: str) -> bool:
    """Whether wordfreq can look words up in ``lang`` here: Japanese, Korean and Chinese need
    tokenizers (MeCab, jieba) that are optional extras of wordfreq."""
    try:
        zipf_frequency("news", lang)
    except ImportError:
        return False
    return True


_WORDLISTS = frozenset(available_languages())
