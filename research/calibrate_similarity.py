"""Shipped and 5-fold cross-validated Pearson of the pair score, overall and per language pair.

``python research/calibrate_similarity.py [train.csv] [--embed]`` (default: the SemEval-2022
Task 8 ``train.csv`` of the shared data). ``--embed`` adds the sentence-embedding feature and
needs ``pip install 'storytrace[embeddings]'``. ``storytrace eval pairs FILE --cv 5`` gives the
same figures without the embedding; this script puts both columns side by side.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from _paths import data_dir
from storytrace.evidence.calibrate import (
    cross_validated_scores,
    load_semeval,
    semeval_evidence,
    semeval_report,
)
from storytrace.evidence.similarity import features, similarity


def main(argv: list[str]) -> None:
    embed = "--embed" in argv
    args = [a for a in argv if a != "--embed"]
    path = Path(args[0]) if args else data_dir() / "semeval2022-t8" / "train.csv"
    if not path.is_file():
        raise SystemExit("usage: python research/calibrate_similarity.py [train.csv] [--embed]")
    rows = load_semeval(path)
    evs = semeval_evidence(rows, embed)
    feats = [features(a, b)[0] for a, b in evs]
    shipped = np.array([similarity(a, b).score for a, b in evs])
    cv = cross_validated_scores(feats, rows)
    for name, sc in (("shipped", shipped), ("5-fold CV", cv)):
        rep = semeval_report(feats, rows, sc)
        print(f"{name:10s} " + " ".join(f"{k}={v:.3f}" for k, v in rep.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
