"""Quality floors on real data, a few points under the measured figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace.evidence.calibrate import load_semeval
from storytrace.evidence.core import extract_evidence
from storytrace.evidence.metrics import pearson
from storytrace.evidence.similarity import similarity

pytestmark = pytest.mark.slow


def test_semeval_en_en(data: Path) -> None:
    rows = [
        r
        for r in load_semeval(data / "semeval2022-t8/train.csv")
        if r["lang1"] == r["lang2"] == "en"
    ]
    scores = [
        similarity(extract_evidence(r["text1"]), extract_evidence(r["text2"])).score for r in rows
    ]
    assert pearson(scores, [-r["Overall"] for r in rows]) >= 0.82




def test_semeval_all_languages_cross_validated(data: Path) -> None:
    from storytrace.evidence.calibrate import cross_validated_scores, semeval_features

    rows = load_semeval(data / "semeval2022-t8/train.csv")
    feats = semeval_features(rows)
    scores = cross_validated_scores(feats, rows)
    neg = [-r["Overall"] for r in rows]
    assert pearson(scores, neg) >= 0.72
    en = [i for i, r in enumerate(rows) if r["lang1"] == r["lang2"] == "en"]
    assert pearson(scores[en], [neg[i] for i in en]) >= 0.81
