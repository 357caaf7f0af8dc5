"""``storytrace watch``: follow feeds, sitemaps and home pages, pass after pass."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..config import (
    DEFAULT_DB,
    load_config,
    load_fetch_settings,
    load_watch_settings,
    parse_duration,
)
from .options import db_option, json_option, run_options


@click.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@db_option
@click.option(
    "--every",
    metavar="DURATION",
    help="Time from the start of one pass to the start of the next: 30s, 15m, 1h"
    " (default 15m, or [watch] every).",
)
@click.option("--once", is_flag=True, help="Run one pass, then exit.")
@click.option(
    "--delay",
    type=float,
    metavar="SECONDS",
    help="Least seconds between two requests to one host (default 1, or [fetch] delay;"
    " a longer robots.txt Crawl-delay wins).",
)
@run_options
@json_option
@click.pass_context
def watch(
    ctx: click.Context,
    sources: tuple[str, ...],
    db: str | None,
    every: str | None,
    once: bool,
    delay: float | None,
    config_path: str | None,
    workers: int | None,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Follow feeds, sitemaps and home pages: ingest the new articles they list, pass after pass.

    Each SOURCE is an RSS or Atom feed, a sitemap (news sitemaps and sitemap indexes too,
    gzipped or not) or a site's home page, whose feeds are found from its
    <link rel="alternate"> (else the sitemaps its robots.txt names, else /sitemap.xml).
    Sources may also be listed in storytrace.toml, [watch] sources = [...].

    Each pass reads the sources with conditional requests (ETag, Last-Modified), fetches the
    article pages that are neither stored nor given up, and ingests them as HTML files are
    ingested. Fetching obeys robots.txt, waits between requests to a host and limits time and
    size ([fetch] in storytrace.toml); failed pages are kept in `rejects` with the reason.
    One summary line per pass (--json: one JSON object per line). Runs until Ctrl-C or
    SIGTERM; with --once, one pass.
    """
    config = load_config(config_path, workers=workers, extract_timeout=timeout)
    fetch = load_fetch_settings(config_path, delay=delay)
    settings = load_watch_settings(
        config_path, every=parse_duration(every, "--every") if every is not None else None
    )

    def show(report: Any) -> None:
        if as_json:
            click.echo(json.dumps(report.to_dict(), ensure_ascii=False, default=str))
        else:
            click.echo(report.summary())
        sys.stdout.flush()

    from .. import api

    path = db or (ctx.obj or {}).get("db") or DEFAULT_DB
    api.watch(
        sources,
        db=path,
        config=config,
        fetch=fetch,
        settings=settings,
        once=once,
        progress=sys.stderr.isatty() and not as_json,
        on_pass=show,
    )
    if not once:
        click.echo("storytrace watch: stopped between passes; everything is stored", err=True)
