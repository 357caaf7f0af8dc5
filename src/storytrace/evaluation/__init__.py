"""Measuring storytrace on public data: the library behind ``storytrace eval``.

- :mod:`~storytrace.evaluation.loaders`: read the evaluation files (``InputError`` when bad).
- :mod:`~storytrace.evaluation.baselines`: TF-IDF cosine and average-linkage clustering.
- :mod:`~storytrace.evaluation.runners`: :func:`eval_pairs`, :func:`eval_clusters`,
  :func:`eval_clean`, :func:`eval_extract`, each returning the JSON dict the CLI prints.

See docs/evaluation.md for the datasets, the metrics and the current figures.
"""

from storytrace.evaluation.loaders import (
    ClusterInput,
    load_clean,
    load_clusters,
    load_extract,
    load_pairs,
)
from storytrace.evaluation.runners import eval_clean, eval_clusters, eval_extract, eval_pairs

__all__ = [
    "ClusterInput",
    "eval_clean",
    "eval_clusters",
    "eval_extract",
    "eval_pairs",
    "load_clean",
    "load_clusters",
    "load_extract",
    "load_pairs",
]
