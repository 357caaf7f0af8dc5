"""The command line: help everywhere, documented commands, JSON shapes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from storytrace.cli.main import cli, main

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storytrace.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_and_is_documented(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Usage:" in out
    assert cli.commands[name].help and len(cli.commands[name].help) > 20
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"storytrace {name}" in readme


@pytest.fixture(scope="module")
def seeded_db(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("cli") / "cli.db")
    result = run("ingest", str(seeds_dir), "--db", db)
    assert result.returncode == 0, result.stderr
    summary = result.stdout.strip().splitlines()
    assert len(summary) == 1 and "2 added" in summary[0]
    return db


@pytest.mark.slow  # one subprocess per command
def test_json_of_read_commands_has_the_documented_keys(seeded_db: str) -> None:
    stories = json.loads(run("stories", "--db", seeded_db, "--json").stdout)
    assert isinstance(stories, list) and len(stories) == 1
    s = stories[0]
    assert {"id", "title", "articles", "outlets"} <= s.keys()
    assert isinstance(s["articles"], int) and isinstance(s["outlets"], list)

    story = json.loads(run("story", str(s["id"]), "--db", seeded_db, "--json").stdout)
    assert {"id", "title", "articles"} <= story.keys()
    assert len(story["articles"]) == 2
    for member in story["articles"]:
        assert {"id", "outlet", "title", "url", "published"} <= member.keys()
        assert member["why"], "each member says why it belongs"

    art = json.loads(
        run("article", str(story["articles"][0]["id"]), "--db", seeded_db, "--json").stdout
    )
    assert {"id", "outlet", "title", "url", "published", "text", "removed"} <= art.keys()
    assert art["removed"] and all({"text", "reason"} <= r.keys() for r in art["removed"])


@pytest.mark.slow  # one subprocess per command
def test_human_output_of_read_commands(seeded_db: str) -> None:
    table = run("stories", "--db", seeded_db).stdout
    assert "Serbia" in table and "articles" in table
    story_id = json.loads(run("stories", "--db", seeded_db, "--json").stdout)[0]["id"]
    report = run("story", str(story_id), "--db", seeded_db).stdout
    assert "Members" in report
    art = run("article", "1", "--db", seeded_db).stdout
    assert "Removed boilerplate" in art


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["story", "999"], "no story 999"),
        (["article", "999"], "no article 999"),
        (["story", "9" * 40], "9" * 40),
        (["compare", "1", "9" * 40], "9" * 40),
        (["ingest", "x.txt", "--field", "oops"], "NAME=COLUMN"),
    ],
)
def test_errors_are_one_line_without_traceback(
    seeded_db: str, args: list[str], fragment: str
) -> None:
    result = run(*args, "--db", seeded_db)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(seeded_db: str) -> None:
    result = run("--debug", "story", "999", "--db", seeded_db)
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_unusable_database_path_is_one_line(tmp_path: Path) -> None:
    result = run("stories", "--db", str(tmp_path / "missing" / "x.db"))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no database at" in result.stderr
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize(
    "args",
    [["stories"], ["story", "1"], ["article", "1"], ["rejects"], ["compare", "1"], ["serve"]],
)
def test_read_commands_create_no_database(
    args: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([*args, "--db", "typo.db"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["storytrace: error: no database at typo.db (run storytrace ingest first)"]
    assert list(tmp_path.iterdir()) == []  # no typo.db, no -wal, no -shm


@pytest.mark.slow  # ingest in a subprocess
def test_ingest_json_summary(seeds_dir: Path, tmp_path: Path) -> None:
    result = run("ingest", str(seeds_dir), "--db", str(tmp_path / "j.db"), "--json")
    summary = json.loads(result.stdout)
    assert summary["added"] == 2 and summary["rejected"] == 0


def test_help_loads_no_numeric_stack() -> None:
    # `storytrace --help` must not wait for numpy, scipy, trafilatura or wordfreq to load.
    import subprocess
    import sys

    code = (
        "import sys; from click.testing import CliRunner; from storytrace.cli.main import cli;"
        "r = CliRunner().invoke(cli, ['--help']); assert r.exit_code == 0, r.output;"
        "print(sorted(m for m in ('numpy', 'scipy', 'trafilatura', 'wordfreq') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_stories_function_is_not_hidden_by_the_subpackage() -> None:
    import storytrace
    import storytrace.stories  # noqa: F401 - the subpackage of the same name, loaded after

    assert callable(storytrace.stories) and storytrace.stories.__module__ == "storytrace.api"


BAD_ARGUMENTS = [
    ["story"],
    ["story", "abc"],
    ["story", "-5"],
    ["story", "9" * 40],
    ["article", "1.5"],
    ["compare", "x", "y"],
    ["compare", "1", "1"],
    ["stories", "--limit", "many"],
    ["stories", "--min-articles", "NaN"],
    ["stories", "--sort", "sideways"],
    ["stories", "--since", "yesterday"],
    ["ingest"],
    ["ingest", "x.txt", "--max-bytes", "-1"],
    ["ingest", "x.txt", "--workers", "two"],
    ["ingest", "x.txt", "--field", "=="],
    ["serve", "--port", "99999999"],
    ["eval", "pairs"],
    ["nosuchcommand"],
    ["--no-such-option"],
    ["rejects", "--limit", "-3"],
    ["spark", "ingest"],
    ["load"],
]


@pytest.mark.parametrize("args", BAD_ARGUMENTS, ids=lambda a: " ".join(a) or "none")
def test_every_bad_argument_gets_one_clear_line(
    seeded_db: str, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*args, "--db", seeded_db] if args and args[0] not in ("load",) else args)
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert len(err.splitlines()) == 1 and "error" in err, err
    assert "Traceback" not in err


def test_migrate_brings_an_older_file_up_to_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from storytrace.store import SCHEMA_VERSION
    from tests.unit.store.test_db import _previous_version

    db = str(tmp_path / "old.db")
    _previous_version(Path(db))
    assert main(["stories", "--db", db]) == 1
    assert f"storytrace --db {db} migrate" in capsys.readouterr().err
    assert main(["migrate", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "db": db,
        "from": SCHEMA_VERSION - 1,
        "to": SCHEMA_VERSION,
    }
    assert main(["migrate", "--db", db]) == 0
    assert "already at schema version" in capsys.readouterr().out
    assert main(["stories", "--db", db, "--since", "2026-12-01T09:00", "--json"]) == 0
    assert [s["id"] for s in json.loads(capsys.readouterr().out)] == [1]
