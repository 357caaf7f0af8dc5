"""Cross-validation folds for the pair weights: no article in two folds."""

from __future__ import annotations

import random

from storytrace.evidence.calibrate import article_folds


def _rows(pairs: list[tuple[str, str]]) -> list[dict[str, object]]:
    return [{"pair_id": f"{a}_{b}", "Overall": 1.0} for a, b in pairs]


def test_pairs_sharing_an_article_share_a_fold() -> None:
    rng = random.Random(3)
    pairs = [(str(rng.randrange(300)), str(rng.randrange(300))) for _ in range(400)]
    folds = article_folds(_rows(pairs), 5, seed=1)
    fold_of_article: dict[str, int] = {}
    for (a, b), k in zip(pairs, folds, strict=True):
        for x in (a, b):
            assert fold_of_article.setdefault(x, int(k)) == int(k), x
    assert set(folds.tolist()) <= set(range(5))


def test_folds_are_balanced_when_the_articles_allow() -> None:
    pairs = [(f"a{i}", f"b{i}") for i in range(100)]  # no article shared: any split is allowed
    folds = article_folds(_rows(pairs), 5)
    assert sorted((folds == k).sum() for k in range(5)) == [20] * 5


def test_a_chain_of_shared_articles_is_one_fold_and_odd_ids_stand_alone() -> None:
    rows = _rows([("1", "2"), ("2", "3"), ("3", "4"), ("9", "10")])
    rows.append({"pair_id": "no-ids", "Overall": 2.0})
    folds = article_folds(rows, 2, seed=0)
    assert folds[0] == folds[1] == folds[2]
    assert len(folds) == 5
