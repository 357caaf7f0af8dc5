"""Options that several commands share, defined once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..errors import InputError
from ..model import MAX_ROW_ID

F = TypeVar("F", bound=Callable[..., Any])

ROW_ID = click.IntRange(0, MAX_ROW_ID)
"""A story or article id: a number SQLite can hold, so that a mistyped one is a clear error."""

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


def field_option(func: F) -> F:
    return click.option(
        "--field",
        "field_map",
        multiple=True,
        metavar="NAME=COLUMN",
        help="Read field NAME (id, url, outlet, published, title, text, html) from COLUMN.",
    )(func)


def parse_fields(field_map: tuple[str, ...]) -> dict[str, str]:
    """``--field NAME=COLUMN`` options as a mapping."""
    fields: dict[str, str] = {}
    for item in field_map:
        name, sep, column = item.partition("=")
        if not sep or not name or not column:
            raise InputError(f"--field expects NAME=COLUMN, got {item!r}")
        fields[name.strip()] = column.strip()
    return fields
