"""Options that several commands share, defined once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

DB_HELP = "SQLite database file (default ./storytrace.db, or $STORYTRACE_DB)."


def db_option(func: F) -> F:
    return click.option(
        "--db", "db", default=None, envvar="STORYTRACE_DB", metavar="PATH", help=DB_HELP
    )(func)


def run_options(func: F) -> F:
    """The options of a run through the pipeline (``ingest``, ``rebuild``)."""
    func = click.option(
        "--timeout", type=float, help="Seconds allowed to extract one HTML page (default 10)."
    )(func)
    func = click.option(
        "--workers", type=int, help="Worker processes for HTML extraction (0 = one per core)."
    )(func)
    return click.option(
        "--config", "config_path", metavar="FILE", help="Settings file (default ./storytrace.toml)."
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)
