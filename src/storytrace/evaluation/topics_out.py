"""Story settings chosen by leave-topics-out cross-validation, and the figure to expect.

The story thresholds are settings, and settings chosen on a file score better on that file
than on new events. Here the file's topics (ECB+: each topic holds two related but different
events) are dealt into folds; for each fold, every setting of a small grid is scored on the
other folds' articles, the best one is applied to the fold's own articles, and the held-out
labels of all folds are scored together. Topics never share a story, so the folds' labels can
be pooled. Each run is the real ingest (:func:`runners.cluster_labels`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import product
from typing import Any

from storytrace.config import Config, StoryThresholds
from storytrace.errors import InputError
from storytrace.evaluation.loaders import ClusterInput

GRID: Mapping[str, tuple[float, ...]] = {
    "join": (0.5, 0.55, 0.6),  # the per-article decision
    "contrast": (0.06, 0.08, 0.1),  # the re-check
}


def topic_folds(topics: Sequence[str], folds: int) -> list[list[int]]:
    """Article indices per fold: the distinct topics, in sorted order, dealt round-robin."""
    distinct = sorted(set(topics), key=lambda t: (len(t), t))  # "2" before "10"
    if len(distinct) < folds:
        raise InputError(f"{len(distinct)} topics cannot fill {folds} folds")
    fold_of = {t: i % folds for i, t in enumerate(distinct)}
    out: list[list[int]] = [[] for _ in range(folds)]
    for i, t in enumerate(topics):
        out[fold_of[t]].append(i)
    return out


def settings_grid(grid: Mapping[str, Sequence[float]] = GRID) -> list[dict[str, float]]:
    names = sorted(grid)
    return [dict(zip(names, values, strict=True)) for values in product(*(grid[n] for n in names))]


def leave_topics_out(
    items: Sequence[ClusterInput],
    gold: Sequence[str],
    topics: Sequence[str],
    *,
    folds: int = 3,
    grid: Mapping[str, Sequence[float]] = GRID,
    base: Config | None = None,
) -> dict[str, Any]:
    """The held-out B-cubed scores with settings chosen on the other folds, per fold and
    pooled. ``base``: the configuration the grid's settings replace parts of."""
    from storytrace.evaluation.runners import cluster_labels, cluster_scores

    base = base or Config()
    settings = settings_grid(grid)

    def config(setting: Mapping[str, float]) -> Config:
        stories: dict[str, Any] = dict(setting)
        return replace(base, stories=replace(base.stories, **stories))

    def choose(indices: Sequence[int]) -> tuple[float, dict[str, float]]:
        tried = []
        for setting in settings:
            got = cluster_labels([items[i] for i in indices], config=config(setting))
            tried.append((cluster_scores(got, [gold[i] for i in indices])["bcubed"]["f1"], setting))
        return max(tried, key=lambda t: t[0])  # the first of equals: grid order

    per_fold: list[dict[str, Any]] = []
    labels: list[Any] = [None] * len(items)
    for f, held in enumerate(topic_folds(topics, folds)):
        held_set = set(held)
        best_f1, best = choose([i for i in range(len(items)) if i not in held_set])
        got = cluster_labels([items[i] for i in held], config=config(best))
        for i, label in zip(held, got, strict=True):
            labels[i] = (f, label)
        per_fold.append(
            {
                "topics": sorted({topics[i] for i in held}, key=lambda t: (len(t), t)),
                "chosen": best,
                "train_f1": best_f1,
                "held_out": cluster_scores(got, [gold[i] for i in held]),
            }
        )
    shipped = {k: getattr(StoryThresholds(), k) for k in grid}
    all_f1, on_all = choose(range(len(items)))
    return {
        "folds": folds,
        "grid": {k: list(v) for k, v in grid.items()},
        "shipped": shipped,
        # What the same procedure picks on every topic: the settings to ship.
        "chosen_on_all": {"setting": on_all, "f1": all_f1},
        "per_fold": per_fold,
        "held_out": cluster_scores(labels, gold),
    }
