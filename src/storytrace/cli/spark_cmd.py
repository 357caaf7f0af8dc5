"""``storytrace spark ingest`` and ``storytrace load``: the Spark backend (``spark`` extra)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..config import DEFAULT_DB, load_config
from ..errors import StorytraceError
from .options import db_option, field_option, json_option, parse_fields

INSTALL_HINT = (
    "the Spark backend needs the spark extra: pip install 'storytrace[spark]' (and Java 17+)"
)
STAGE_NAMES = ("read", "extract", "prepare", "reprints", "stories")


@click.group()
def spark() -> None:
    """Run the ingest's stages on Apache Spark, for crawls that outgrow one machine."""


@spark.command("ingest")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out",
    required=True,
    metavar="DIR",
    help="Output folder (any URI Spark writes: file://, hdfs://, s3a://).",
)
@click.option(
    "--master", metavar="URL", help="Spark master (default: spark-submit's, else local[*])."
)
@click.option(
    "--partitions",
    type=click.IntRange(min=1),
    help="Partitions to read the inputs into (default: Spark's).",
)
@click.option("--from", "start", type=click.Choice(STAGE_NAMES), help="Run again from this stage.")
@click.option("--to", "stop", type=click.Choice(STAGE_NAMES), help="Stop after this stage.")
@click.option("--keep-raw", is_flag=True, help="Keep each input as read in `articles.raw`.")
@click.option(
    "--config", "config_path", metavar="FILE", help="Settings file (default ./storytrace.toml)."
)
@click.option(
    "--meta", metavar="FILE", help="JSONL or CSV of metadata keyed by file name (`file` column)."
)
@field_option
@json_option
def spark_ingest(
    inputs: tuple[str, ...],
    out: str,
    master: str | None,
    partitions: int | None,
    start: str | None,
    stop: str | None,
    keep_raw: bool,
    config_path: str | None,
    meta: str | None,
    field_map: tuple[str, ...],
    as_json: bool,
) -> None:
    """Ingest files, folders or URIs of articles with Spark into Parquet tables under --out.

    Reads what `storytrace ingest` reads (.txt with sidecar .json, .html, .jsonl, .csv,
    .warc, each also gzipped) and runs the same stages: read, extract, prepare (duplicates,
    site boilerplate, cleaning, shingles, evidence), reprints, stories. Each finished stage is
    marked under --out/_stages and skipped when the command runs again. New inputs (the next
    day's data) given to an --out whose last run finished start the next run, which continues
    its stories and links reprints to its articles. docs/spark.md has the tables, and how to
    run it on a cluster with spark-submit.
    """
    fields = parse_fields(field_map)
    config = load_config(config_path)
    from ..io.meta import load_meta_file

    index = load_meta_file(meta, fields or None) if meta else None
    spark_session = _start(master)
    from ..spark.job import SparkIngest

    log = (lambda line: None) if as_json else (lambda line: click.echo(line, err=True))
    job = SparkIngest(
        spark_session, list(inputs), out, config=config, partitions=partitions, fields=fields,
        keep_raw=keep_raw, meta=index, meta_file=meta,
    )  # fmt: skip
    try:
        manifest = job.run(start=start, stop=stop, log=log)
    except StorytraceError:
        raise
    except Exception as exc:  # Spark's own failures arrive as Py4J errors with a Java trace
        raise StorytraceError(spark_failure(exc)) from exc
    if as_json:
        click.echo(json.dumps(manifest, indent=2, default=str))
    else:
        click.echo(f"done: {out} (load it with: storytrace load {out} --db FILE)")


def spark_failure(exc: BaseException) -> str:
    """One line for a failed Spark job: its first Java or Python error, and what to do when
    it ran out of memory."""
    text = str(exc)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    cause = next(
        (ln for ln in lines if "Error" in ln or "Exception:" in ln), lines[0] if lines else ""
    )
    hint = ""
    if "OutOfMemoryError" in text:
        hint = (
            "; a task holds one whole input file: split files of more than a few hundred MB,"
            " or give Spark more memory (spark.driver.memory in local mode, executor memory"
            " on a cluster)"
        )
    return f"the Spark job failed: {cause[:300]}{hint} (run with --debug for the trace)"


def _start(master: str | None) -> Any:
    try:
        from ..spark.job import session

        return session(master)
    except ImportError as exc:
        raise StorytraceError(INSTALL_HINT) from exc
    except Exception as exc:  # the JVM did not start: no Java, or a bad master URL
        raise StorytraceError(
            f"could not start Spark: {exc} (Spark needs Java 17+ on PATH or in JAVA_HOME,"
            " and a reachable --master)"
        ) from exc


@click.command("load")
@click.argument("folder")
@db_option
@click.option("--since", metavar="DATE", help="Only articles published on or after this ISO date.")
@click.option("--until", metavar="DATE", help="Only articles published on or before this ISO date.")
@click.option("--outlet", help="Only articles of this outlet.")
@json_option
@click.pass_context
def load_command(
    ctx: click.Context,
    folder: str,
    db: str | None,
    since: str | None,
    until: str | None,
    outlet: str | None,
    as_json: bool,
) -> None:
    """Load the output of `storytrace spark ingest` (or a slice) into a new database, for
    `stories`, `story`, `article`, `compare` and `serve`."""
    from ..spark.load import load

    report = load(
        folder, db=db or ctx.obj.get("db") or DEFAULT_DB, since=since, until=until, outlet=outlet
    )
    if as_json:
        click.echo(json.dumps(report.counts))
    else:
        click.echo(report.summary())
    sys.stdout.flush()
