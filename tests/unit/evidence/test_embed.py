"""The multilingual sentence embedding: one space for all languages, kept as 512 bytes."""

from __future__ import annotations

import numpy as np
import pytest

from storytrace.evidence import Evidence, extract_evidence
from storytrace.evidence.embed import embed_texts, quantize, unit_vector
from storytrace.evidence.similarity import similarity

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
    en, de, other = (unit_vector(v) for v in embed_texts([QUAKE_EN, QUAKE_DE, BUDGET_EN]))
    assert abs(float(en @ en) - 1.0) < 1e-9  # unit vectors
    assert float(en @ de) > float(en @ other) + 0.2


def test_quantising_keeps_the_cosine() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(2, 512))
    a, b = a / np.linalg.norm(a), (a + b * 0.8) / np.linalg.norm(a + b * 0.8)
    packed = quantize(a), quantize(b)
    assert all(len(p) == 512 for p in packed)
    assert abs(float(unit_vector(packed[0]) @ unit_vector(packed[1])) - float(a @ b)) < 0.01


def test_vectors_go_only_to_the_languages_the_model_knows() -> None:
    assert len(extract_evidence(QUAKE_EN, lang="en", embed=True).embedding) == 512
    assert extract_evidence(QUAKE_EN, lang="sv", embed=True).embedding == b""
    assert extract_evidence(QUAKE_EN, lang="en").embedding == b""  # only when asked


def test_the_embedding_survives_the_stored_form() -> None:
    ev = extract_evidence(QUAKE_DE, embed=True)
    back = Evidence.from_json(ev.to_json())
    assert back.embedding == ev.embedding and back.lang == "de"


@pytest.mark.parametrize("digits", [4])
def test_evidence_stored_with_float_vectors_still_loads(digits: int) -> None:
    ev = extract_evidence(QUAKE_EN, embed=True)
    floats = [round(float(x), digits) for x in unit_vector(ev.embedding)]
    old = ev.to_json().replace(
        '"embedding":"' + ev.to_json().split('"embedding":"')[1].split('"')[0] + '"',
        '"embedding":' + str(floats),
    )
    back = Evidence.from_json(old)
    assert float(unit_vector(back.embedding) @ unit_vector(ev.embedding)) > 0.999


def test_the_embedding_lifts_a_cross_lingual_pair() -> None:
    a, b = extract_evidence(QUAKE_EN), extract_evidence(QUAKE_DE)
    ea, eb = extract_evidence(QUAKE_EN, embed=True), extract_evidence(QUAKE_DE, embed=True)
    with_vectors = similarity(ea, eb)
    assert with_vectors.features["embed_cos"] > 0.5
    assert with_vectors.score > similarity(a, b).score


def test_a_translation_shares_its_dates_and_figures_as_candidate_keys() -> None:
    en = extract_evidence(
        "A magnitude 6.4 earthquake struck southern Turkey on February 6, 2023, destroying "
        "145 buildings in the province, officials said. Rescue teams searched the rubble."
    )
    de = extract_evidence(
        "Ein Erdbeben der Stärke 6,4 hat am 6. Februar 2023 den Süden der Türkei erschüttert, "
        "145 Gebäude in der Provinz wurden zerstört. Rettungsteams suchten in den Trümmern."
    )
    shared = en.index_keys() & de.index_keys()
    assert {"d:2023-02-06", "v:6.4", "v:145"} <= shared
    assert not any(k in shared for k in ("v:2023", "d:02-06"))  # years and partial dates: no
