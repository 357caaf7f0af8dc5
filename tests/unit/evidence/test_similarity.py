from __future__ import annotations

import numpy as np

from storytrace.evidence import FEATURES, extract_evidence, fit_weights, similarity
from storytrace.evidence.metrics import adjusted_rand, bcubed, pearson

QUAKE_1 = (
    "Strong earthquake hits eastern Turkey\nA magnitude 6.1 earthquake struck Malatya province "
    "on March 5, 2020, killing 12 people. Governor Aydin Barus said 300 buildings were damaged. "
    '"We are doing everything we can to reach the people under the debris," Barus said.'
)
QUAKE_2 = (
    "Powerful earthquake strikes Indonesia\nA magnitude 7.2 earthquake struck off Sulawesi on "
    "April 22, 2020, killing 40 people. Spokesman Raditya Jati said 1,200 homes were destroyed. "
    '"The main need now is tents and clean water for the survivors," Jati said.'
)


def test_seeds_are_same_story(seeds: tuple[str, str]) -> None:
    s = similarity(extract_evidence(seeds[0]), extract_evidence(seeds[1]))
    assert s.score >= 0.8
    assert any("shared quotes" in r for r in s.reasons)
    assert any("Dacic" in r for r in s.reasons)
    assert 0.0 <= s.score <= 1.0 and set(s.features) == set(FEATURES)


def test_two_earthquakes_score_low() -> None:
    a = extract_evidence(QUAKE_1, published="2020-03-05T08:00")
    b = extract_evidence(QUAKE_2, published="2020-04-22T20:00")
    s = similarity(a, b)
    assert s.score < 0.3
    assert any("magnitude 6.1 vs magnitude 7.2" in r for r in s.reasons)
    assert any("published" in r and "apart" in r for r in s.reasons)


def test_symmetric() -> None:
    a, b = extract_evidence(QUAKE_1), extract_evidence(QUAKE_2)
    assert abs(similarity(a, b).score - similarity(b, a).score) < 1e-9


def test_fit_weights_recovers_direction() -> None:
    rng = np.random.default_rng(0)
    pairs = []
    for _ in range(300):
        f = {k: float(rng.random()) for k in FEATURES}
        pairs.append((f, 1.0 if f["quotes"] + 0.1 * rng.standard_normal() > 0.5 else 0.0))
    w = fit_weights(pairs)
    assert w["quotes"] > 3 and abs(w["terms_cos"]) < 1


def test_metrics() -> None:
    assert abs(pearson([1, 2, 3], [2, 4, 6]) - 1) < 1e-9
    gold = {1: "a", 2: "a", 3: "b", 4: "b"}
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)
    assert adjusted_rand({1: 0, 2: 0, 3: 1, 4: 1}, gold) == 1.0
    p, r, _ = bcubed({1: 0, 2: 0, 3: 0, 4: 0}, gold)
    assert p == 0.5 and r == 1.0
