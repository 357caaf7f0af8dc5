from __future__ import annotations

from storytrace.evidence import Evidence, extract_evidence
from storytrace.evidence.entities import extract_entities, fold, skeleton


def test_spelling_variants_share_keys() -> None:
    assert skeleton("Sergey") == skeleton("Sergei")
    assert skeleton("Dacic") == skeleton("Dačić")
    a = extract_evidence("Talks went on. Foreign Minister Ivica Dacic met Sergey Lavrov in Moscow.")
    b = extract_evidence("Talks went on. Ivica Dačić then met Sergei Lavrov there.")
    assert {e.key for e in a.entities} & {e.key for e in b.entities} >= {
        " ".join([skeleton("Ivica"), skeleton("Dacic")]),
        " ".join([skeleton("Sergey"), skeleton("Lavrov")]),
    }


def test_scripts_and_accents_fold_to_one_key() -> None:
    """Names written in Cyrillic, Greek or accented Latin get the key of their English
    spelling (anyascii's transliteration, lowered, then the consonant skeleton)."""
    same = [
        ("Сергей", "Sergey", "Sergei"),
        ("Лавров", "Lavrov"),
        ("Зеленский", "Zelensky", "Zelenskiy"),
        ("Μητσοτάκης", "Mitsotakis"),
        ("Χρήστος", "Christos"),
        ("Τσίπρας", "Tsipras"),
        ("Dačić", "Dacic"),
        ("Erdoğan", "Erdogan"),
        ("Łódź", "Lodz"),
        ("Müller", "Muller"),
    ]
    for variants in same:
        assert len({skeleton(v) for v in variants}) == 1, variants
    assert skeleton("Lavrov") != skeleton("Lukashenko")


def test_fold_gives_one_lower_case_ascii_word() -> None:
    # anyascii capitalises each CJK syllable ("BeiJing"); the fold lowers and joins it.
    for word in ("北京", "Αθήνα", "İstanbul", "Straße", "ÆSIR"):
        got = fold(word)
        assert got.isascii() and got == got.lower() and " " not in got, (word, got)
    assert fold("北京") == "beijing" and fold("Straße") == "strasse"


def test_a_name_in_cyrillic_matches_its_latin_spelling() -> None:
    ru = extract_entities("В Москве министр Сергей Лавров заявил, что всё решено.")
    en = extract_entities("In Moscow, minister Sergei Lavrov said that all was settled.")
    assert " ".join([skeleton("Sergei"), skeleton("Lavrov")]) in (
        {e.key for e in ru} & {e.key for e in en}
    )


def test_bare_surname_matches_full_name_head() -> None:
    full = extract_entities("Earlier, Russian minister Sergey Lavrov spoke.")
    bare = extract_entities("In Moscow, Lavrov spoke.")
    assert {e.head for e in full} & {e.head for e in bare} == {skeleton("Lavrov")}


def test_sentence_start_word_is_not_a_name() -> None:
    ev = extract_evidence("Officials said nothing. Rescue teams arrived in Malatya on Friday.")
    names = {e.name for e in ev.entities}
    assert "Malatya" in names and "Rescue" not in names and "Officials" not in names


def test_seed_quotes(seeds: tuple[str, str]) -> None:
    a, b = (extract_evidence(s) for s in seeds)
    shared = set(a.quotes) & set(b.quotes)
    assert {
        "serbia cannot defend its state interests without the assistance of the russian federation",
        "would not do anything without consulting russia",
        "russia is our biggest friend",
    } <= shared


def test_percent_forms_are_one_figure() -> None:
    forms = ["a 100% tariff", "a 100 percent tariff", "a 100 per cent tariff", "a 100 pct tariff"]
    figures = [set(extract_evidence(f"They set {t} on goods.").numbers) for t in forms]
    assert all(("%", 100.0) in f for f in figures)


def test_thousands_money_and_context() -> None:
    ev = extract_evidence(
        "A magnitude 6.1 quake destroyed 1,000 homes; $30,000 was raised. Four people died."
    )
    nums = set(ev.numbers)
    assert ("$", 30000.0) in nums
    assert any(u.startswith("magnitu") and v == 6.1 for u, v in nums)
    assert any(u.startswith("home") and v == 1000.0 for u, v in nums)
    assert any(u.startswith("people") and v == 4.0 for u, v in nums)


def test_dates_mentioned() -> None:
    ev = extract_evidence("The quake hit on March 5, 2020, a Thursday. Another hit 5 April.")
    assert "2020-03-05" in ev.dates and "04-05" in ev.dates
    assert 2020 in ev.years and 3 in ev.weekdays


def test_json_round_trip(seeds: tuple[str, str]) -> None:
    ev = extract_evidence(seeds[0], published="2019-10-30T10:00:00Z")
    back = Evidence.from_json(ev.to_json())
    assert back == ev
    assert back.index_keys() == ev.index_keys()
    assert len(ev.to_json()) < 8000
    assert 5 <= len(ev.index_keys()) <= 30
