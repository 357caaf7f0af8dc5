"""The four evaluations behind ``storytrace eval``: each takes loaded items, returns a JSON dict.

Only public stage functions are called (evidence, stories, clean, extract, io), so the figures
are those of the pipeline as it stands. ``progress`` wraps the long loops (the CLI passes a
tqdm bar); it must yield the items it is given, in order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from storytrace.clean import clean_page
from storytrace.clean.evaluate import score_cleaning
from storytrace.config import Config
from storytrace.errors import InputError
from storytrace.evaluation import baselines
from storytrace.evaluation.loaders import ClusterInput
from storytrace.evidence import features, similarity
from storytrace.evidence.calibrate import (
    cross_validated_scores,
    semeval_evidence,
    semeval_report,
)
from storytrace.evidence.metrics import adjusted_rand, bcubed
from storytrace.pipeline.lifeline import die_with_parent

T = TypeVar("T")
Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]


def no_progress(items: Iterable[T], total: int, desc: str) -> Iterable[T]:
    return items


# pairs ----------------------------------------------------------------------------------------
def eval_pairs(
    rows: Sequence[dict[str, Any]],
    *,
    cv: int = 0,
    seed: int = 0,
    embed: bool = False,
    progress: Progress = no_progress,
) -> dict[str, Any]:
    """Pearson of the same-story score with ``-Overall``, overall and per language pair.

    ``cv == 0``: the shipped weights. ``cv >= 2``: each fold scored with weights fitted on the
    other folds, folded by article (:func:`storytrace.evidence.calibrate.cross_validated_scores`);
    the shipped figures are then kept under ``shipped``. ``embed``: with the multilingual
    sentence embedding (the ``embeddings`` extra) as one more feature, and its cosine alone as
    a second baseline.
    """
    rows = list(rows)
    if cv < 0 or cv == 1 or cv > len(rows):
        raise InputError(f"--cv must be 0 (shipped weights) or 2..{len(rows)}, not {cv}")
    evs = semeval_evidence(rows, embed, progress)
    feats = [features(a, b)[0] for a, b in evs]
    shipped = np.array([similarity(a, b).score for a, b in evs])
    out: dict[str, Any] = {"n": len(rows), "groups": _group_sizes(rows)}
    if cv:
        out["pearson"] = semeval_report(feats, rows, cross_validated_scores(feats, rows, cv, seed))
        out["cv"] = cv
        out["shipped"] = semeval_report(feats, rows, shipped)
    else:
        out["pearson"] = semeval_report(feats, rows, shipped)
    base = baselines.pair_scores([(r["text1"], r["text2"]) for r in rows])
    out["baselines"] = {
        "tfidf": {"n": len(rows), "pearson": semeval_report([], rows, np.array(base))}
    }
    if embed:
        cosines = np.array([f.get("embed_cos", 0.0) for f in feats])
        out["baselines"]["embedding"] = {
            "n": len(rows),
            "pearson": semeval_report([], rows, cosines),
        }
    return out


def _group_sizes(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for r in rows:
        key = f"{r['lang1']}-{r['lang2']}"
        sizes[key] = sizes.get(key, 0) + 1
    return {"all": len(rows), **dict(sorted(sizes.items()))}


# clusters -------------------------------------------------------------------------------------
def cluster_scores(labels: Sequence[Any], gold: Sequence[str]) -> dict[str, Any]:
    pred: dict[Hashable, Hashable] = dict(enumerate(labels))
    ref: dict[Hashable, Hashable] = dict(enumerate(gold))
    p, r, f1 = bcubed(pred, ref)
    return {
        "n": len(gold),
        "bcubed": {"p": p, "r": r, "f1": f1},
        "ari": adjusted_rand(pred, ref),
        "clusters": {"gold": len(set(gold)), "found": len(set(labels))},
    }


def cluster_labels(
    items: Sequence[ClusterInput], progress: Progress = no_progress, *, config: Config | None = None
) -> list[int]:
    """storytrace's story of each article, from its text, title and published date only.

    The articles go through the real ingest path (cleaning, reprint links, story decisions
    and the re-check after each batch) into a throwaway database, so the figure is what a
    user ingesting these articles gets. An article dropped as a duplicate of another gets
    that article's story.
    """
    import json
    import tempfile
    from pathlib import Path

    from storytrace.pipeline.ingest import ingest
    from storytrace.store import Store

    with tempfile.TemporaryDirectory(prefix="storytrace-eval-") as tmp:
        source = Path(tmp) / "articles.jsonl"
        with source.open("w", encoding="utf-8") as fh:
            for it in progress(items, len(items), "write"):
                row = {"text": it.text, "title": it.title, "published": it.published}
                fh.write(json.dumps({k: v for k, v in row.items() if v}, ensure_ascii=False) + "\n")
        db = str(Path(tmp) / "eval.db")
        ingest([str(source)], db=db, config=config)
        with Store(db) as store:
            stories = store.story_of_sources()
    story_of_line = {int(src.rsplit(":", 1)[1]): sid for src, sid in stories.items()}
    # An input the store rejected (e.g. empty text) is a story of its own.
    return [story_of_line.get(n + 1, -(n + 1)) for n in range(len(items))]


def eval_clusters(
    items: Sequence[ClusterInput], gold: Sequence[str], *, progress: Progress = no_progress
) -> dict[str, Any]:
    """B-cubed P/R/F1 and ARI of storytrace's stories and of the TF-IDF baselines.

    ``tfidf``: average linkage at :data:`baselines.CLUSTER_THRESHOLD`; ``tfidf_tuned``: the
    threshold of :data:`baselines.TUNING_GRID` with the best B-cubed F1 on these very labels
    (an optimistic reference, not a fair competitor).
    """
    if len(items) != len(gold):
        raise ValueError("one gold label per article")
    labels = cluster_labels(items, progress)  # gold is not touched until here
    out = cluster_scores(labels, gold)
    sims = baselines.similarity_matrix([_joined(it) for it in items])
    fixed = cluster_scores(baselines.average_linkage(sims, baselines.CLUSTER_THRESHOLD), gold)
    fixed["threshold"] = baselines.CLUSTER_THRESHOLD
    tuned: dict[str, Any] = {}
    for t in baselines.TUNING_GRID:
        got = cluster_scores(baselines.average_linkage(sims, t), gold)
        if not tuned or got["bcubed"]["f1"] > tuned["bcubed"]["f1"]:
            tuned = dict(got, threshold=t)
    out["baselines"] = {"tfidf": fixed, "tfidf_tuned": tuned}
    return out


def _joined(it: ClusterInput) -> str:
    return f"{it.title}\n{it.text}" if it.title else it.text


# clean ----------------------------------------------------------------------------------------
def _word_report(scored: dict[str, float], snippets: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "n": int(scored["pages"]),
        "p": scored["precision"],
        "r": scored["recall"],
        "f1": scored["f1"],
    }
    if snippets:
        out["with_kept"] = scored["with_kept"]
        out["without_removed"] = scored["without_removed"]
    return out


def eval_clean(
    pages: Sequence[dict[str, Any]], *, extracted: bool = False, progress: Progress = no_progress
) -> dict[str, Any]:
    """Word P/R/F1 and snippet shares of ``clean_page`` on each page's ``input``, and of the
    input left unchanged (the baseline). Pages with an empty gold are skipped (not in ``n``).

    ``extracted`` says the input is an extractor's output (as ``recall_text`` is), which
    ``clean_page`` treats more conservatively, exactly as ``ingest`` does for HTML bodies."""
    cleaned = [
        dict(p, output=clean_page(p["input"], title=p.get("title"), extracted=extracted).text)
        for p in progress(pages, len(pages), "clean")
    ]
    out = _word_report(score_cleaning(cleaned), True)
    raw = [dict(p, output=p["input"]) for p in pages]
    out["baselines"] = {"unchanged": _word_report(score_cleaning(raw), True)}
    return out


# extract --------------------------------------------------------------------------------------
def extract_one(path: str, timeout: float = 10.0) -> tuple[str, str]:
    """(storytrace's cleaned body, trafilatura's default output) of one HTML page.

    The Document comes from :func:`storytrace.io.read_inputs`, as ``ingest`` reads it; the body
    is ``to_draft`` then ``clean_page(..., extracted=True)`` with the draft's title, as ``ingest``
    cleans an HTML body (minus site boilerplate, which needs many pages of one outlet). A
    rejected page scores as empty.
    """
    import trafilatura

    from storytrace.extract import to_draft
    from storytrace.extract.library_logs import library_warnings
    from storytrace.io import read_inputs
    from storytrace.model import Document, Draft

    doc = next(iter(read_inputs([path])))
    if not isinstance(doc, Document):
        return "", ""
    draft = to_draft(doc, timeout=timeout)
    ours = (
        clean_page(draft.text, title=draft.title, extracted=True).text
        if isinstance(draft, Draft)
        else ""
    )
    try:
        with library_warnings():  # its log lines would cut through the progress bar
            theirs = trafilatura.extract(doc.content) or ""
    except Exception:  # the baseline failing on one page costs that page only
        theirs = ""
    return ours, theirs


def _map(paths: list[str], workers: int) -> Iterator[tuple[str, str]]:
    if workers <= 1 or len(paths) < 2:
        yield from map(extract_one, paths)
        return
    # The default start method, as the ingest pool uses (spawn would re-run a caller's script).
    with get_context().Pool(
        min(workers, len(paths)), initializer=die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        yield from pool.imap(extract_one, paths, chunksize=1)


def eval_extract(
    pages: Sequence[tuple[str, Path, str]], *, workers: int = 0, progress: Progress = no_progress
) -> dict[str, Any]:
    """Word P/R/F1 of storytrace's extraction and cleaning, and of ``trafilatura.extract``."""
    workers = workers if workers > 0 else (os.cpu_count() or 1)
    outs = list(progress(_map([str(p) for _, p, _ in pages], workers), len(pages), "extract"))
    ours = [{"gold": g, "output": o} for (_, _, g), (o, _) in zip(pages, outs, strict=True)]
    theirs = [{"gold": g, "output": t} for (_, _, g), (_, t) in zip(pages, outs, strict=True)]
    out = _word_report(score_cleaning(ours), False)
    out["baselines"] = {"trafilatura": _word_report(score_cleaning(theirs), False)}
    return out
