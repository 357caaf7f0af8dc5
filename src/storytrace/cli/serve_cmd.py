"""``storytrace serve``: the local web app (needs the ``web`` extra)."""

from __future__ import annotations

from typing import Any

import click

from ..errors import StorytraceError
from ..web import INSTALL_HINT
from .options import db_option

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def allowed_hosts(host: str) -> list[str] | None:
    """Host headers to accept: only local names when bound locally (no DNS rebinding)."""
    if host in LOCAL_HOSTS:
        return ["127.0.0.1", "localhost", "[::1]", "::1"]
    return None  # bound to another address on purpose: accept any name it is reached by


def server_config(db: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> Any:
    """The uvicorn configuration ``serve`` runs (built apart so tests can read it)."""
    try:
        import uvicorn

        from ..web.app import create_app
    except ImportError as exc:
        raise StorytraceError(INSTALL_HINT) from exc
    app = create_app(db, allowed_hosts=allowed_hosts(host))
    return uvicorn.Config(app, host=host, port=port, log_level="info", access_log=False)


@click.command()
@db_option
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to listen on; anything but 127.0.0.1/localhost exposes the app.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on.",
)
@click.pass_context
def serve(ctx: click.Context, db: str | None, host: str, port: int) -> None:
    """Browse the database in a local web app: stories, articles, outlets, with JSON twins.

    Opens on the story list at http://HOST:PORT/. Every page has a JSON version at the same
    path plus `.json`. Needs the web extra: pip install 'storytrace[web]'.
    """
    path = db or (ctx.obj or {}).get("db") or "storytrace.db"
    config = server_config(path, host, port)
    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    click.echo(f"storytrace: serving {path} at http://{shown}:{port}/ (Ctrl+C to stop)", err=True)
    uvicorn.Server(config).run()
