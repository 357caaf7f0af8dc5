"""Metric and baseline functions on hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from storytrace.clean.evaluate import score_cleaning
from storytrace.evaluation.baselines import average_linkage, cosine, pair_scores, tfidf
from storytrace.evidence.metrics import adjusted_rand, bcubed, pearson


def test_pearson_hand_example() -> None:
    # deviations x: -1,0,1; y: -7/3,-1/3,8/3 -> sum xy = 5, sum xx = 2, sum yy = 38/3
    assert pearson([1, 2, 3], [2, 4, 7]) == pytest.approx(5 / math.sqrt(2 * 38 / 3))
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) == 0.0


def test_bcubed_hand_example() -> None:
    # gold {a,b,c} {d}; pred {a,b} {c,d}
    gold = {"a": 1, "b": 1, "c": 1, "d": 2}
    pred = {"a": "x", "b": "x", "c": "y", "d": "y"}
    p, r, f1 = bcubed(pred, gold)
    # precision: a 1, b 1, c 1/2, d 1/2 -> 3/4; recall: a 2/3, b 2/3, c 1/3, d 1 -> 2/3
    assert p == pytest.approx(0.75)
    assert r == pytest.approx(2 / 3)
    assert f1 == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))


def test_adjusted_rand_hand_example() -> None:
    gold = {"a": 1, "b": 1, "c": 1, "d": 2}
    pred = {"a": "x", "b": "x", "c": "y", "d": "y"}
    # index = 1 (a,b); a = 2; b = 3; expected = 2*3/6 = 1; max = 2.5 -> (1-1)/(2.5-1) = 0
    assert adjusted_rand(pred, gold) == pytest.approx(0.0)
    assert adjusted_rand(gold, gold) == pytest.approx(1.0)


def test_score_cleaning_micro_average() -> None:
    pages = [
        {"gold": "a b c d", "output": "a b x", "with": ["a  b"], "without": ["x", "zz"]},
        {"gold": "e f", "output": "e f", "with": [], "without": []},
        {"gold": "  ", "output": "ignored"},
    ]
    got = score_cleaning(pages)
    # overlap 2 + 2 = 4; output words 3 + 2 = 5; gold words 4 + 2 = 6
    assert got["pages"] == 2
    assert got["precision"] == pytest.approx(4 / 5)
    assert got["recall"] == pytest.approx(4 / 6)
    assert got["with_kept"] == 1.0 and got["without_removed"] == 0.5


def test_tfidf_cosine_hand_example() -> None:
    vecs = tfidf(["a b", "a c", "a b"])
    # idf: a = log(4/4)+1 = 1, b = log(4/3)+1, c = log(4/2)+1; vectors L2-normalised
    ib, ic = math.log(4 / 3) + 1, math.log(2) + 1
    assert vecs[0]["a"] == pytest.approx(1 / math.sqrt(1 + ib * ib))
    assert cosine(vecs[0], vecs[2]) == pytest.approx(1.0)
    expected = 1 / (math.sqrt(1 + ib * ib) * math.sqrt(1 + ic * ic))
    assert cosine(vecs[0], vecs[1]) == pytest.approx(expected)
    assert pair_scores([("x y", "x y"), ("x y", "z w")]) == pytest.approx([1.0, 0.0])


def test_average_linkage_hand_example() -> None:
    s = np.array(
        [
            [1.0, 0.9, 0.5, 0.0],
            [0.9, 1.0, 0.3, 0.0],
            [0.5, 0.3, 1.0, 0.1],
            [0.0, 0.0, 0.1, 1.0],
        ]
    )
    # 0+1 merge at 0.9; {0,1}-2 average (0.5+0.3)/2 = 0.4; {0,1}-3 = 0; 2-3 = 0.1
    assert average_linkage(s, 0.95) == [0, 1, 2, 3]
    assert average_linkage(s, 0.5) == [0, 0, 2, 3]
    assert average_linkage(s, 0.4) == [0, 0, 0, 3]
    # {0,1,2}-3: (0 + 0 + 0.1)/3
    assert average_linkage(s, 0.03) == [0, 0, 0, 0]
    assert average_linkage(s, 0.04) == [0, 0, 0, 3]
