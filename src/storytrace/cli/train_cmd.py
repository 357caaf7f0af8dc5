"""``storytrace train similarity FILE.csv``: refit the same-story weights the package loads.

FILE.csv has SemEval-2022 Task 8 columns (``text1``, ``text2``, ``lang1``, ``lang2``,
``Overall``). The logistic fit holds the hand-set weights of
:data:`storytrace.evidence.similarity.FIXED_WEIGHTS`; the command prints cross-validated
Pearson figures of the same recipe, then writes the weights JSON.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import click


def _default_out(embed: bool) -> Path:
    name = "weights_embed.json" if embed else "weights.json"
    return Path(str(resources.files("storytrace.evidence").joinpath(name)))


@click.group("train")
def train_group() -> None:
    """Retrain what storytrace learns from labelled data."""


@train_group.command("similarity")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the weights JSON (default: the package's weights.json, the file "
    "similarity() loads; weights_embed.json with --embed).",
)
@click.option("--embed", is_flag=True, help="Add the sentence embedding's cosine as a feature.")
@click.option(
    "--cv",
    "folds",
    type=int,
    default=5,
    show_default=True,
    help="Folds of the cross-validated report (0: none).",
)
@click.option("--l2", type=float, default=1.0, show_default=True, help="L2 penalty of the fit.")
def similarity_cmd(file: Path, out: Path | None, embed: bool, folds: int, l2: float) -> None:
    """Fit the pair-score weights on FILE.csv and write them as JSON."""
    from storytrace.evidence.calibrate import (
        cross_validated_scores,
        load_semeval,
        semeval_evidence,
        semeval_report,
        train_weights,
    )
    from storytrace.evidence.similarity import features

    rows = load_semeval(file)
    feats = [features(a, b)[0] for a, b in semeval_evidence(rows, embed)]
    weights = train_weights(feats, rows, l2=l2)
    note = (
        f"logistic fit (L2 {l2}) on {file.name}, soft labels (4-Overall)/3; quotes, passages "
        "and publication-time weights held by hand (FIXED_WEIGHTS). Retrain: storytrace train "
        f"similarity FILE.csv{' --embed' if embed else ''}. The CV folds keep each article in "
        "one fold."
        + (
            " Embedding: multilingual Universal Sentence Encoder v3 (evidence/embed.py)."
            if embed
            else ""
        )
    )
    doc: dict[str, object] = {"_note": note}
    if folds > 1:
        rep = semeval_report(feats, rows, cross_validated_scores(feats, rows, folds=folds))
        doc["_cv_pearson"] = {k: round(v, 3) for k, v in rep.items()}
        click.echo(
            f"{folds}-fold CV Pearson(score, -Overall): "
            + " ".join(f"{k}={v:.3f}" for k, v in rep.items())
        )
    doc.update(weights)
    target = out or _default_out(embed)
    target.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    click.echo(f"wrote {len(weights)} weights to {target}")
