"""``storytrace eval``: measure storytrace on public data, beside a plain baseline.

Thin shells over :mod:`storytrace.evaluation`: parse options, load the file, run, print a
table (storytrace vs baseline, one row per metric) or ``--json``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import click
from tqdm import tqdm

from storytrace import evaluation as ev
from storytrace.cli.format import table
from storytrace.evaluation.loaders import CLEAN_INPUTS

F = TypeVar("F", bound=Callable[..., Any])


def _common(func: F) -> F:
    func = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)
    return click.option(
        "--limit",
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help="Only the first N items (quick runs).",
    )(func)


def _bar(items: Iterable[Any], total: int, desc: str) -> Iterable[Any]:
    # Off when stderr is not a terminal, so logs and pipes stay clean.
    return tqdm(
        items, total=total, desc=desc, unit="item", leave=False, disable=not sys.stderr.isatty()
    )


def _emit(
    result: dict[str, Any],
    as_json: bool,
    rows: Sequence[Sequence[str]],
    header: list[str],
    title: str,
) -> None:
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    widths = [max(len(str(r[i])) for r in [tuple(header), *rows]) for i in range(len(header))]
    click.echo(title)
    click.echo(table(rows, header, widths))


def _f(x: Any) -> str:
    return "" if x is None else f"{x:.3f}"


@click.group(name="eval")
def eval_group() -> None:
    """Measure storytrace on public benchmark data, beside a plain baseline.

    Each command prints a table (storytrace vs baseline, one row per metric) or, with --json,
    the figures as JSON. See docs/evaluation.md for the data and the current figures.
    """


@eval_group.command("pairs")
@click.argument("file", metavar="FILE.csv")
@click.option(
    "--cv",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="K",
    help="0: shipped weights; K>=2: K-fold cross-validated weights, folded by article.",
)
@click.option(
    "--embed",
    is_flag=True,
    help="Add the multilingual sentence embedding's cosine as a feature (as the ingest does).",
)
@_common
def pairs_cmd(file: str, cv: int, embed: bool, limit: int | None, as_json: bool) -> None:
    """Same-story score vs SemEval-2022 Task 8 `Overall` (Pearson with -Overall).

    FILE.csv has columns pair_id, lang1, lang2, text1, text2, Overall (others ignored).
    Reports Pearson for all pairs and per language pair; baseline: TF-IDF cosine with IDF
    fitted on the texts of the file (and, with --embed, the embedding cosine alone). With
    --cv, pairs that share an article are kept in one fold.
    """
    result = ev.eval_pairs(ev.load_pairs(file, limit), cv=cv, embed=embed, progress=_bar)
    bases = result["baselines"]
    header = ["pearson", "pairs", "storytrace" + (f" ({cv}-fold cv)" if cv else "")]
    if cv:
        header.append("shipped weights")
    header.append("tf-idf cosine")
    if embed:
        header.append("embedding cosine")
    rows = []
    for key, value in result["pearson"].items():
        row = [key, str(result["groups"].get(key, "")), _f(value)]
        if cv:
            row.append(_f(result["shipped"].get(key)))
        row.append(_f(bases["tfidf"]["pearson"].get(key)))
        if embed:
            row.append(_f(bases["embedding"]["pearson"].get(key)))
        rows.append(tuple(row))
    _emit(result, as_json, rows, header, f"{result['n']} pairs")


@eval_group.command("pair-stories")
@click.argument("file", metavar="FILE.csv")
@_common
def pair_stories_cmd(file: str, limit: int | None, as_json: bool) -> None:
    """Same-story pairs in one story after ingesting all their articles together.

    FILE.csv as for `eval pairs`. Every article goes through the real ingest into a throwaway
    database, once as shipped and once without the sentence embedding (`embeddings = false`,
    the baseline). Per language pair: the pairs labelled the same story (Overall <= 1.5) that
    share a story, and the pairs labelled unrelated (Overall >= 3.5) kept apart.
    """
    from storytrace.config import Config
    from storytrace.evaluation.pair_stories import pair_stories

    rows_in = ev.load_pairs(file, limit)
    result = {
        "storytrace": pair_stories(rows_in),
        "without_embedding": pair_stories(rows_in, config=Config(embeddings=False)),
    }
    ours, base = result["storytrace"], result["without_embedding"]
    groups = [k for k in ours if isinstance(ours[k], dict)]

    def share(got: dict[str, int], part: str, whole: str) -> str:
        return f"{got[part]}/{got[whole]}" if got[whole] else ""

    rows = [
        (
            g,
            share(ours[g], "joined", "same"),
            share(base[g], "joined", "same"),
            share(ours[g], "apart", "unrelated"),
            share(base[g], "apart", "unrelated"),
        )
        for g in groups
    ]
    header = [
        "pairs",
        "same story, joined",
        "(without embedding)",
        "unrelated, kept apart",
        "(without embedding)",
    ]
    _emit(result, as_json, rows, header, f"{ours['articles']} articles ingested together")


@eval_group.command("clusters")
@click.argument("file", metavar="FILE.jsonl")
@click.option(
    "--topics-out",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="K",
    help="K>=2: also choose the story thresholds by leave-topics-out cross-validation over K "
    "folds of the file's `topic` field, and score each fold with the settings chosen on the "
    "others (many ingests: minutes).",
)
@_common
def clusters_cmd(file: str, topics_out: int, limit: int | None, as_json: bool) -> None:
    """Story clustering vs gold `cluster` labels: B-cubed P/R/F1 and adjusted Rand index.

    FILE.jsonl: one article per line with `text` and the gold `cluster` (optional `title`,
    `published`). Only text, title and published reach the clusterer; `id`, `url` and `topic`
    never do. Baselines: TF-IDF + average-linkage clustering at a fixed cosine threshold, and
    the threshold tuned on the file itself (an optimistic reference). With --topics-out, the
    held-out figure is the one to expect on new events.
    """
    if topics_out == 1:
        raise click.UsageError("--topics-out needs at least 2 folds (0: off)")
    items, gold = ev.load_clusters(file, limit)
    topics = ev.load_topics(file, limit) if topics_out else []
    result = ev.eval_clusters(items, gold, progress=_bar)
    if topics_out:
        from storytrace.evaluation.topics_out import leave_topics_out

        result["topics_out"] = leave_topics_out(items, gold, topics, folds=topics_out)
    fixed, tuned = result["baselines"]["tfidf"], result["baselines"]["tfidf_tuned"]
    columns = [("storytrace (shipped settings)", result)]
    if topics_out:
        columns.append((f"leave-topics-out ({topics_out} folds)", result["topics_out"]["held_out"]))
    columns += [
        (f"tf-idf @{fixed['threshold']:g}", fixed),
        (f"tf-idf tuned @{tuned['threshold']:g}", tuned),
    ]
    found = [r for _, r in columns]
    rows = [(f"B3 {k}", *(_f(r["bcubed"][k]) for r in found)) for k in ("p", "r", "f1")]
    rows.append(("ARI", *(_f(r["ari"]) for r in found)))
    rows.append(("clusters found", *(str(r["clusters"]["found"]) for r in found)))
    title = f"{result['n']} articles, {result['clusters']['gold']} gold clusters"
    if topics_out:
        chosen = "; ".join(
            f"fold {i + 1}: " + ", ".join(f"{k} {v:g}" for k, v in f["chosen"].items())
            for i, f in enumerate(result["topics_out"]["per_fold"])
        )
        on_all = result["topics_out"]["chosen_on_all"]["setting"]
        title += (
            f"\nsettings chosen on the other folds: {chosen}"
            "\nchosen on all topics (to ship): "
            + ", ".join(f"{k} {v:g}" for k, v in on_all.items())
        )
    _emit(result, as_json, rows, ["metric", *(name for name, _ in columns)], title)


@eval_group.command("clean")
@click.argument("file", metavar="FILE.jsonl")
@click.option(
    "--input",
    "field",
    type=click.Choice(CLEAN_INPUTS),
    default="page_text",
    show_default=True,
    help="The field holding the scraped text to clean.",
)
@_common
def clean_cmd(file: str, field: str, limit: int | None, as_json: bool) -> None:
    """Boilerplate cleaning vs gold article text: word P/R/F1 and snippet shares.

    FILE.jsonl: one page per line with the scraped text in the --input field, `gold`, and
    `with`/`without` snippet lists (optional `title`). Pages with an empty gold are skipped.
    Baseline: the scraped text left unchanged. `recall_text` is an extractor's output, so it
    is cleaned in the mode `ingest` uses for bodies extracted from HTML (`extracted=True`).
    """
    result = ev.eval_clean(
        ev.load_clean(file, field, limit), extracted=field == "recall_text", progress=_bar
    )
    base = result["baselines"]["unchanged"]
    keys = ("p", "r", "f1", "with_kept", "without_removed")
    rows = [(k, _f(result[k]), _f(base[k])) for k in keys]
    _emit(
        result,
        as_json,
        rows,
        ["metric", "storytrace", "unchanged input"],
        f"{result['n']} pages, input {field}",
    )


@eval_group.command("extract")
@click.argument("directory", metavar="DIR")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="Worker processes (default: one per core).",
)
@_common
def extract_cmd(directory: str, workers: int, limit: int | None, as_json: bool) -> None:
    """HTML extraction + cleaning vs gold article bodies: word P/R/F1.

    DIR has the article-extraction-benchmark layout: html/<id>.html.gz and ground-truth.json
    (id -> {articleBody, url}). Baseline: trafilatura.extract(html) with its defaults.
    """
    result = ev.eval_extract(
        ev.load_extract(directory, limit), workers=workers or (os.cpu_count() or 1), progress=_bar
    )
    base = result["baselines"]["trafilatura"]
    rows = [(k, _f(result[k]), _f(base[k])) for k in ("p", "r", "f1")]
    _emit(
        result,
        as_json,
        rows,
        ["metric", "storytrace", "trafilatura default"],
        f"{result['n']} pages",
    )
