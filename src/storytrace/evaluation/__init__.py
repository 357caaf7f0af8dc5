"""Measuring storytrace on public data: the library behind ``storytrace eval``.

- :mod:`~storytrace.evaluation.loaders`: read the evaluation files (``InputError`` when bad).
- :mod:`~storytrace.evaluation.baselines`: TF-IDF cosine and average-linkage clustering.
- :mod:`~storytrace.evaluation.runners`: :func:`eval_pairs`, :func:`eval_clusters`,
  :func:`eval_clean`, :func:`eval_extract`, each returning the JSON dict the CLI prints.

See docs/evaluation.md for the datasets, the metrics and the current figures.
"""

from typing import Any

from storytrace.evaluation.loaders import (
    ClusterInput,
    load_clean,
    load_clusters,
    load_extract,
    load_pairs,
    load_topics,
)

_RUNNERS = ("eval_clean", "eval_clusters", "eval_extract", "eval_pairs")


def __getattr__(name: str) -> Any:
    # The runners pull in the whole pipeline: imported on first use, so that the CLI's help
    # and the loaders stay light.
    if name in _RUNNERS:
        from storytrace.evaluation import runners

        return getattr(runners, name)
    raise AttributeError(f"module 'storytrace.evaluation' has no attribute {name!r}")


__all__ = [
    "ClusterInput",
    "eval_clean",
    "eval_clusters",
    "eval_extract",
    "eval_pairs",
    "load_clean",
    "load_topics",
    "load_clusters",
    "load_extract",
    "load_pairs",
]
