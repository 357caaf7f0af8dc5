"""Readable dict views of the re-check's contrast matrix, for the tests: one
``{"t:term" | "e:head": weight}`` dict per article, and the pairs as ``{(i, j): cosine}``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise

import numpy as np

from storytrace.evidence import Evidence
from storytrace.stories.profile import ContrastMatrix, Vector, contrast_matrix, matrix_pair_arrays


def contrast_vectors(evs: Sequence[Evidence], background: Sequence[Evidence] = ()) -> list[Vector]:
    """:func:`contrast_matrix` as one ``{"t:term" | "e:head": weight}`` dict per article."""
    m = contrast_matrix(evs, background)
    names: dict[int, str] = {}
    for ev in evs:
        hashes = ev.collection_keys[0].tolist()
        labels = [*("t:" + k for k in ev.terms), *("e:" + k for k in ev.entity_heads)]
        names.update(zip(hashes, labels, strict=True))
    label = [names[h] for h in m.vocabulary.tolist()]
    return [
        {label[k]: v for k, v in zip(m.keys[a:b].tolist(), m.values[a:b].tolist(), strict=True)}
        for a, b in pairwise(m.indptr.tolist())
    ]


def dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return max(0.0, min(1.0, sum(x * b.get(k, 0.0) for k, x in a.items())))


def contrast_pairs(vectors: Sequence[Vector], floor: float) -> dict[tuple[int, int], float]:
    """``{(i, j): cosine}`` for ``i < j`` with cosine >= ``floor`` (see :func:`matrix_pairs`)."""
    vocabulary: dict[str, int] = {}
    indptr = np.zeros(len(vectors) + 1, dtype=np.int64)
    keys: list[int] = []
    values: list[float] = []
    for i, v in enumerate(vectors):
        keys.extend(vocabulary.setdefault(k, len(vocabulary)) for k in v)
        values.extend(v.values())
        indptr[i + 1] = len(keys)
    matrix = ContrastMatrix(
        indptr,
        np.array(keys, dtype=np.int64),
        np.array(values, dtype=np.float64),
        np.arange(len(vocabulary), dtype=np.int64),
    )
    return matrix_pairs(matrix, floor)


def matrix_pairs(matrix: ContrastMatrix, floor: float) -> dict[tuple[int, int], float]:
    """``{(i, j): cosine}`` for rows ``i < j`` with cosine >= ``floor`` (see
    :func:`matrix_pair_arrays`)."""
    rows, cols, cosines = matrix_pair_arrays(matrix, floor)
    pairs = zip(rows.tolist(), cols.tolist(), strict=True)
    return dict(zip(pairs, cosines.tolist(), strict=True))
