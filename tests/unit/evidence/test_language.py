"""The language of an article, and the word list read for it."""

from __future__ import annotations

import pytest

from storytrace.evidence import extract_evidence
from storytrace.evidence.language import detect_language, wordlist_lang

TEXTS = {
    "en": "The central bank cut its benchmark interest rate by half a percentage point on Wednesday.",
    "de": "Die Zentralbank hat ihren Leitzins am Mittwoch um einen halben Prozentpunkt gesenkt.",
    "es": "El banco central redujo este miércoles su tasa de interés en medio punto porcentual.",
    "fr": "La banque centrale a abaissé mercredi son taux directeur d'un demi-point de pourcentage.",
    "tr": "Merkez bankası çarşamba günü politika faizini yarım puan indirdi.",
}


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_detects_the_language_of_a_sentence(lang: str) -> None:
    assert detect_language(TEXTS[lang]) == lang


def test_text_without_letters_counts_as_english() -> None:
    assert detect_language("2026-03-18 4,25% 3.1") == "en"


def test_languages_without_a_readable_word_list_read_the_english_one() -> None:
    assert wordlist_lang("de") == "de" and wordlist_lang("pt-BR") == "pt"
    assert wordlist_lang("xx") == "en"  # no list at all


def test_evidence_records_the_detected_language_unless_given() -> None:
    assert extract_evidence(TEXTS["de"]).lang == "de"
    assert extract_evidence(TEXTS["de"], lang="nl").lang == "nl"
