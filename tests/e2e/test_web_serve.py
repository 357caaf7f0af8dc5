"""`storytrace serve`: binds 127.0.0.1 unless told, serves over a real socket, clear errors."""

from __future__ import annotations

import socket
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from storytrace.cli.main import cli, main
from storytrace.cli.serve_cmd import DEFAULT_HOST, allowed_hosts, server_config

pytest.importorskip(
    "uvicorn", reason="the web extra is not installed: pip install 'storytrace[web]'"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(db: str, port: int) -> Iterator[Any]:
    """The real uvicorn server of `serve`, in a thread, stopped on exit."""
    import uvicorn

    server = uvicorn.Server(server_config(db, port=port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory, example_corpus: Path) -> str:
    import storytrace

    db = str(tmp_path_factory.mktemp("serve") / "s.db")
    storytrace.ingest([str(example_corpus / "a01.txt"), str(example_corpus / "a02.txt")], db=db)
    return db


def test_serve_defaults_to_localhost_port_8000() -> None:
    params = {p.name: p for p in cli.commands["serve"].params}
    assert params["host"].default == DEFAULT_HOST == "127.0.0.1"
    assert params["port"].default == 8000


def test_uvicorn_config_binds_localhost_by_default(small_db: str) -> None:
    config = server_config(small_db)
    assert (config.host, config.port) == ("127.0.0.1", 8000)
    assert "localhost" in (allowed_hosts("127.0.0.1") or [])
    assert allowed_hosts("0.0.0.0") is None


def test_serve_answers_over_http_on_localhost(small_db: str) -> None:
    port = free_port()
    with running(small_db, port) as server:
        assert server.config.host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            assert r.status == 200 and b"Stories" in r.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/stories.json", timeout=10) as r:
            assert r.headers["Content-Type"] == "application/json"
        # a foreign Host header (DNS rebinding) is refused when bound locally
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/", headers={"Host": "evil.example"}
        )
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=10)
        assert err.value.code == 400


def test_serve_without_a_database_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--db", str(tmp_path / "missing.db")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no database" in err[0] and "ingest" in err[0]


def test_serve_without_the_extra_names_the_pip_command(
    monkeypatch: pytest.MonkeyPatch, small_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn now raises ImportError
    assert main(["serve", "--db", small_db]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "storytrace: error: the web app needs its extra packages: pip install 'storytrace[web]'"
    ]
