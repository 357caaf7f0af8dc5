"""The multilingual sentence embedding (the ``embeddings`` extra): one space for all languages."""

from __future__ import annotations

import numpy as np
import pytest

from storytrace.evidence import extract_evidence
from storytrace.evidence.embed import add_embeddings, available, embed_texts
from storytrace.evidence.similarity import similarity

pytestmark = pytest.mark.skipif(not available(), reason="needs the embeddings extra")

QUAKE_EN = (
    "A magnitude 6.4 earthquake struck southern Turkey on Monday, killing at least 12 people "
    "and destroying dozens of buildings in the province of Hatay, officials said."
)
QUAKE_DE = (
    "Ein Erdbeben der Stärke 6,4 hat am Montag den Süden der Türkei erschüttert. Mindestens "
    "zwölf Menschen kamen ums Leben, Dutzende Gebäude in der Provinz Hatay wurden zerstört."
)
BUDGET_EN = (
    "The city council approved a new budget on Tuesday that raises spending on schools and "
    "public transport, after months of debate among its members."
)


def test_a_translation_is_closer_than_another_event_in_the_same_language() -> None:
    en, de, other = (np.array(v) for v in embed_texts([QUAKE_EN, QUAKE_DE, BUDGET_EN]))
    assert abs(float(en @ en) - 1.0) < 1e-3  # unit vectors
    assert float(en @ de) > float(en @ other) + 0.2


def test_vectors_go_only_to_the_languages_the_model_knows() -> None:
    evs = [extract_evidence(QUAKE_EN, lang="en"), extract_evidence(QUAKE_EN, lang="sv")]
    out = add_embeddings(evs, [QUAKE_EN, QUAKE_EN])
    assert len(out[0].embedding) == 512 and out[1].embedding == ()


def test_the_embedding_lifts_a_cross_lingual_pair() -> None:
    a, b = (
        extract_evidence(QUAKE_EN, lang="en"),
        extract_evidence(QUAKE_DE, lang="de"),
    )
    ea, eb = add_embeddings([a, b], [QUAKE_EN, QUAKE_DE])
    with_vectors = similarity(ea, eb)
    assert with_vectors.features["embed_cos"] > 0.5
    assert with_vectors.score > similarity(a, b).score
