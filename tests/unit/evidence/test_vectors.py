"""The precomputed sparse vectors give the dict-based cosines and overlaps (up to float noise)."""

from __future__ import annotations

import math

from storytrace.evidence import extract_evidence
from storytrace.evidence import vectors as v
from storytrace.evidence.terms import cosine, overlap

A = (
    "Strong earthquake hits eastern Turkey\nA magnitude 6.1 earthquake struck Malatya province "
    "on March 5, 2020, killing 12 people. Governor Aydin Barus said 300 buildings were damaged."
)
B = (
    "Earthquake in Turkey kills 12\nThe quake of magnitude 6.1 hit Malatya on March 5. "
    "Barus said that 300 buildings were damaged and rescuers searched the debris."
)


def test_lexical_matches_dict_measures() -> None:
    a, b = extract_evidence(A), extract_evidence(B)
    la, lb = a.lexical, b.lexical
    dt, mt, dg, mg, dl, lead_ab, lead_ba = v.compare(la, lb)
    expected = [
        (v.cosine(dt, la.terms, lb.terms), cosine(a.terms, b.terms)),
        (v.overlap(mt, la.terms, lb.terms), overlap(a.terms, b.terms)),
        (v.cosine(dg, la.grams, lb.grams), cosine(a.grams, b.grams)),
        (v.overlap(mg, la.grams, lb.grams), overlap(a.grams, b.grams)),
        (v.cosine(dl, la.lead, lb.lead), cosine(a.lead_grams, b.lead_grams)),
        (v.overlap(lead_ab, la.lead, lb.grams), overlap(a.lead_grams, b.grams)),
        (v.overlap(lead_ba, lb.lead, la.grams), overlap(b.lead_grams, a.grams)),
    ]
    assert all(math.isclose(x, y, abs_tol=1e-12) for x, y in expected)
    assert expected[2][1] > 0.2  # the texts do share grams


def test_numpy_fallback_agrees_with_merge() -> None:
    la, lb = extract_evidence(A).lexical, extract_evidence(B).lexical
    for s, e in ((0, 1), (1, 2), (2, 3)):
        args = (la.keys, la.weights, la.bounds[s], la.bounds[e])
        args_b = (lb.keys, lb.weights, lb.bounds[s], lb.bounds[e])
        fast = v._merge(*args, *args_b)
        slow = v._merge_np(*args, *args_b)
        assert all(math.isclose(x, y, abs_tol=1e-12) for x, y in zip(fast, slow, strict=True))


def test_empty_evidence_scores_zero() -> None:
    e, a = extract_evidence(""), extract_evidence(A)
    out = v.compare(e.lexical, a.lexical)
    assert out == (0.0,) * 7


def test_gram_segment_is_the_dict_of_char_grams() -> None:
    """The native gram vector has the keys and the very weights of ``char_grams`` (shares added
    in the same order), for words that share grams, accented words and one-letter words."""
    from storytrace.evidence.terms import GRAM, char_grams

    words = {
        **extract_evidence(A + " " + B).words,
        "erdbeben": 2.5, "erdbebens": 1.25, "zürich": 0.75, "x": 3.0, "beben": 0.5,
    }
    keys, weights, seg = v._gram_segment(words, GRAM)
    want_keys, want_weights, want = v._segment(char_grams(words, GRAM))
    assert keys.tolist() == want_keys.tolist()
    assert weights.tolist() == want_weights.tolist()
    assert seg.size == want.size and math.isclose(seg.norm, want.norm, rel_tol=1e-12)
    assert math.isclose(seg.mass, want.mass, rel_tol=1e-12)
    small = v._GramTable(GRAM, max_words=4)  # starts again when full: same grams
    for _ in range(3):
        slots, flat, bounds = small.slots(["erdbeben", "beben", "x"])
        assert flat[bounds[slots[1]] : bounds[slots[1] + 1]].tolist() == (
            v._word_grams("beben", GRAM).tolist()
        )


def test_gram_table_gives_each_thread_the_grams_of_its_words() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from storytrace.evidence.terms import GRAM

    words = sorted(extract_evidence(A + " " + B).words)
    lists = [words[i : i + 7] for i in range(0, len(words), 3)] * 30
    table = v._GramTable(GRAM, max_words=20)  # small: threads also start it again

    def grams_of(ws: list[str]) -> list[list[int]]:
        slots, flat, bounds = table.slots(ws)
        return [flat[bounds[s] : bounds[s + 1]].tolist() for s in slots]

    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(grams_of, lists))
    assert got == [[v._word_grams(w, GRAM).tolist() for w in ws] for ws in lists]
