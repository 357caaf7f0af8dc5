"""The ``storytrace`` command: thin shells over :mod:`storytrace.api`."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from typing import Any

import click

from ..config import DEFAULT_DB, load_config, load_fetch_settings
from ..errors import StorytraceError
from ..urls import url_scheme
from . import format as fmt
from .compare_cmd import compare as compare_command
from .eval_cmd import eval_group
from .options import (
    DB_HELP,
    ROW_ID,
    db_option,
    field_option,
    json_option,
    parse_fields,
    run_options,
)
from .serve_cmd import serve as serve_command
from .spark_cmd import load_command
from .spark_cmd import spark as spark_group
from .train_cmd import train_group
from .watch_cmd import watch as watch_command


class _Api:
    """:mod:`storytrace.api`, imported when a command first calls it (``--help`` stays fast)."""

    def __getattr__(self, name: str) -> Any:
        from .. import api as module

        return getattr(module, name)


api: Any = _Api()


def _db(ctx: click.Context, db: str | None) -> str:
    return db or ctx.obj.get("db") or DEFAULT_DB


def _emit_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", default=None, envvar="STORYTRACE_DB", metavar="PATH", help=DB_HELP)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.option("-q", "--quiet", is_flag=True, help="Only print errors and results.")
@click.version_option(package_name="storytrace")
@click.pass_context
def cli(ctx: click.Context, db: str | None, debug: bool, quiet: bool) -> None:
    """Follow news stories across outlets.

    Ingest scraped articles (text, HTML, JSONL/CSV, WARC), clean their boilerplate, find
    reprints and shared passages, and group them into stories in one SQLite file.
    """
    ctx.ensure_object(dict)
    ctx.obj.update(db=db, debug=debug)
    level = logging.DEBUG if debug else (logging.ERROR if quiet else logging.WARNING)
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH_OR_URL...")
@db_option
@click.option(
    "--meta", metavar="FILE", help="JSONL or CSV of metadata keyed by file name (`file` column)."
)
@field_option
@run_options
@click.option(
    "--max-bytes", type=int, help="Largest article file or record accepted (default 10 MB)."
)
@json_option
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    db: str | None,
    meta: str | None,
    field_map: tuple[str, ...],
    config_path: str | None,
    workers: int | None,
    timeout: float | None,
    max_bytes: int | None,
    as_json: bool,
) -> None:
    """Ingest files, folders, globs or web pages of articles into the database.

    Reads .txt (title = first line; sidecar NAME.json for metadata), .html/.htm(.gz),
    .jsonl/.csv (fields id, url, outlet, published, title, text or html) and .warc(.gz).
    An http:// or https:// URL is fetched (obeying robots.txt, with a delay per host,
    time-outs and size limits: [fetch] in storytrace.toml) and read as an HTML file whose URL
    is the page's address after redirects; a page already stored is not fetched again.
    Articles already stored are skipped; bad inputs and failed fetches are reported and kept
    in `rejects`.
    """
    fields = parse_fields(field_map)
    config = load_config(config_path, workers=workers, extract_timeout=timeout, max_bytes=max_bytes)
    fetch = load_fetch_settings(config_path) if any(url_scheme(p) for p in paths) else None
    report = api.ingest(
        paths,
        db=_db(ctx, db),
        meta=meta,
        fields=fields or None,
        config=config,
        progress=sys.stderr.isatty() and not as_json,
        fetch=fetch,
    )
    if as_json:
        _emit_json(report.to_dict())
    else:
        click.echo(report.summary())


@cli.command()
@db_option
@click.option("--limit", type=click.IntRange(min=0), help="Show at most this many stories.")
@click.option("--outlet", help="Only stories with an article from this outlet.")
@click.option(
    "--min-articles",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Hide smaller stories.",
)
@click.option(
    "--since",
    metavar="TIME",
    help="Only stories that gained articles since TIME (ingest time), latest update first: "
    "2026-12-01T09:00 (UTC unless it says otherwise), 2026-12-01, or an age: 90m, 1h, 2d, 1w.",
)
@json_option
@click.pass_context
def stories(
    ctx: click.Context,
    db: str | None,
    limit: int | None,
    outlet: str | None,
    min_articles: int,
    since: str | None,
    as_json: bool,
) -> None:
    """List stories: id, title, articles, outlets, first and last seen (and with --since,
    when each last gained an article)."""
    result = api.stories(
        db=_db(ctx, db), limit=limit, outlet=outlet, min_articles=min_articles, since=since
    )
    if as_json:
        _emit_json(result)
    else:
        click.echo(fmt.stories_table(result, updated=since is not None))


@cli.command()
@click.argument("story_id", type=ROW_ID)
@db_option
@json_option
@click.pass_context
def story(ctx: click.Context, story_id: int, db: str | None, as_json: bool) -> None:
    """Show one story: members and why each belongs, reprint groups, shared passages."""
    result = api.story(story_id, db=_db(ctx, db))
    if as_json:
        _emit_json(result)
    else:
        click.echo(fmt.story_report(result))


@cli.command()
@click.argument("article_id", type=ROW_ID)
@db_option
@click.option("--raw", is_flag=True, help="Also show the extracted body and the raw input.")
@json_option
@click.pass_context
def article(ctx: click.Context, article_id: int, db: str | None, raw: bool, as_json: bool) -> None:
    """Show one article: metadata, cleaned text, removed boilerplate with reasons."""
    result = api.article(article_id, db=_db(ctx, db), raw=raw)
    if as_json:
        _emit_json(result)
        return
    click.echo(fmt.article_report(result))
    if raw:
        click.echo("\nRaw input\n" + result["raw"])


@cli.command()
@db_option
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=100,
    show_default=True,
    help="Show at most this many.",
)
@json_option
@click.pass_context
def rejects(ctx: click.Context, db: str | None, limit: int, as_json: bool) -> None:
    """List inputs that could not be ingested, with the file (and line) and the reason."""
    result = api.rejects(db=_db(ctx, db), limit=limit)
    if as_json:
        _emit_json(result)
    else:
        click.echo(fmt.rejects_table(result))


@cli.command()
@db_option
@click.option(
    "--shingle-size", type=int, help="Words per shingle for reprint detection (default 5)."
)
@click.option(
    "--anchor-modulus",
    type=int,
    help="Keep one shingle hash in this many as an index key (default 8).",
)
@run_options
@json_option
@click.pass_context
def rebuild(
    ctx: click.Context,
    db: str | None,
    shingle_size: int | None,
    anchor_modulus: int | None,
    config_path: str | None,
    workers: int | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Re-derive the database from its stored articles under new settings.

    The shingle size, anchor sampling and shingle scheme are fixed per database: an ingest
    asking for others stops. This ingests every stored article again, in its original order,
    under the settings ingest would use (storytrace.toml, then these options) into a new file,
    keeps the run history and rejects, and replaces the old file (kept as NAME.bak until then).
    Also brings a database of an older schema version up to date.
    """
    config = load_config(
        config_path,
        shingle_size=shingle_size,
        anchor_modulus=anchor_modulus,
        workers=workers,
        extract_timeout=timeout,
    )
    report = api.rebuild(
        db=_db(ctx, db), config=config, progress=sys.stderr.isatty() and not as_json
    )
    if as_json:
        _emit_json(report.to_dict())
    else:
        click.echo(report.summary())


@cli.command()
@db_option
@json_option
@click.pass_context
def migrate(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """Bring a database of an earlier schema version up to date, in place.

    Every writing command (ingest, rebuild) does this when it opens such a file; the read
    commands and `serve` cannot, and point here. One transaction: if it is stopped, the file
    stays as it was.
    """
    result = api.migrate(db=_db(ctx, db))
    if as_json:
        _emit_json(result)
    elif result["from"] == result["to"]:
        click.echo(f"{result['db']}: already at schema version {result['to']}")
    else:
        click.echo(f"{result['db']}: schema version {result['from']} -> {result['to']}")


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: the current batch is rolled back, what was committed
    is kept, and the workers are stopped."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """Entry point: one-line errors and a non-zero exit code; tracebacks only with --debug."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)
    try:
        cli.main(args=args, prog_name="storytrace", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt) as exc:
        # click turns a KeyboardInterrupt into Abort, keeping it as the cause.
        if isinstance(exc, Terminated) or isinstance(exc.__cause__, Terminated):
            click.echo(
                "storytrace: terminated; what was committed is kept, run again to resume",
                err=True,
            )
            return 128 + signal.SIGTERM
        click.echo(
            "storytrace: interrupted; what was committed is kept, run again to resume", err=True
        )
        return 130
    except click.UsageError as exc:
        # One line, as for every other error; click's own form adds usage and a blank line.
        where = exc.ctx.command_path if exc.ctx is not None else "storytrace"
        hint = f" (see {where} --help)" if exc.ctx is not None else ""
        click.echo(f"{where}: error: {exc.format_message()}{hint}", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except StorytraceError as exc:
        if debug:
            raise
        click.echo(f"storytrace: error: {exc}", err=True)
        return 1
    except Exception as exc:
        if debug:
            raise
        click.echo(
            f"storytrace: unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)",
            err=True,
        )
        return 1
    return 0


# Commands that live in their own modules.
cli.add_command(compare_command)
cli.add_command(eval_group)
cli.add_command(serve_command)
cli.add_command(spark_group)
cli.add_command(load_command)
cli.add_command(train_group)
cli.add_command(watch_command)


if __name__ == "__main__":
    sys.exit(main())
