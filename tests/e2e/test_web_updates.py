"""What is new: stories that gained articles since a time, in the web app (pages, JSON twins,
the status a story page polls, the last-visit marks) and in `storytrace stories --since`.

The corpus is ingested in two runs: all but two articles of the Danube story, then (as a
watch would) those two. The first run's ingest times are set back to 2020 so that "since
2021" means exactly "added by the second run", whatever the clock says.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

pytest.importorskip(
    "starlette", reason="the web extra is not installed: pip install 'storytrace[web]'"
)
pytest.importorskip("httpx", reason="TestClient needs httpx")

with warnings.catch_warnings():  # Starlette 1.x warns that it prefers httpx2 to httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import storytrace  # noqa: E402
from storytrace.cli.main import cli  # noqa: E402
from storytrace.store import Store  # noqa: E402
from storytrace.web import visits  # noqa: E402
from storytrace.web.app import create_app  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

LATER = ("a30", "a31")  # two rewrites of the Danube wire story, ingested in the second run
BEFORE = "2020-01-01T00:00:00Z"
BETWEEN = "2021-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def two_runs(example_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("updates")
    first, second = root / "first", root / "second"
    shutil.copytree(example_corpus, first)
    second.mkdir()
    for path in sorted(first.iterdir()):
        if path.stem in LATER:
            path.rename(second / path.name)
    db = str(root / "updates.db")
    storytrace.ingest([str(first)], db=db)
    with Store(db) as store, store.transaction():
        store.conn.execute("UPDATE articles SET added = ?", (BEFORE,))
        store.conn.execute("UPDATE stories SET updated = ?", (BEFORE,))
    client = TestClient(create_app(db), raise_server_exceptions=False)
    danube = next(s for s in storytrace.stories(db=db) if "Danube" in (s["title"] or ""))
    status_before = client.get(f"/stories/{danube['id']}/status.json").json()
    report = storytrace.ingest([str(second)], db=db)
    assert report.added == 2
    with Store(db) as store:
        later_ids = {
            int(r[0])
            for r in store.conn.execute("SELECT id FROM articles WHERE added > ?", (BETWEEN,))
        }
    return {
        "db": db,
        "client": client,
        "danube": danube["id"],
        "later": later_ids,
        "status_before": status_before,
    }


def _gained(db: str) -> set[int]:
    """The stories that hold an article of the second run, from the tables themselves."""
    with Store(db) as store:
        rows = store.conn.execute(
            "SELECT DISTINCT m.story_id FROM story_members m JOIN articles a"
            " ON a.id = m.article_id WHERE a.added > ?",
            (BETWEEN,),
        )
        return {int(r[0]) for r in rows}


def test_since_lists_exactly_the_stories_that_gained_articles(two_runs: dict[str, Any]) -> None:
    client, db = two_runs["client"], two_runs["db"]
    gained = _gained(db)
    assert two_runs["danube"] in gained
    everything = client.get("/stories.json?per_page=200").json()
    assert len(everything) > len(gained)
    rows = client.get(f"/stories.json?since={BETWEEN}").json()
    assert {r["id"] for r in rows} == gained
    assert all(r["updated"] > BETWEEN for r in rows)
    updated = [r["updated"] for r in rows]
    assert updated == sorted(updated, reverse=True)  # the latest update first
    # the JSON is the CLI's list, filtered the same way
    assert rows == storytrace.stories(db=db, since=BETWEEN)
    page = client.get(f"/?since={BETWEEN}")
    assert page.status_code == 200
    assert "updated since 2021-01-01 00:00 UTC" in page.text
    assert page.text.count('class="story-link"') == len(gained)


def test_since_accepts_an_age(two_runs: dict[str, Any]) -> None:
    # The second run is minutes old at most; the first was set back to 2020.
    rows = two_runs["client"].get("/stories.json?since=1w").json()
    assert {r["id"] for r in rows} == _gained(two_runs["db"])


def test_an_unreadable_since_is_named_and_ignored(two_runs: dict[str, Any]) -> None:
    client = two_runs["client"]
    r = client.get("/stories.json?since=yesterday")
    assert "since must be" in r.headers["X-Problems"]
    assert r.json() == client.get("/stories.json").json()


def test_story_page_marks_the_articles_added_since(two_runs: dict[str, Any]) -> None:
    client, sid = two_runs["client"], two_runs["danube"]
    data = client.get(f"/stories/{sid}.json?since={BETWEEN}").json()
    assert {a["id"] for a in data["articles"] if a["new"]} == two_runs["later"]
    assert data["since"] == BETWEEN
    # in time order, as the timeline draws them
    from storytrace.published import sort_key

    keys = [sort_key(a["published"]) for a in data["articles"]]
    assert keys == sorted(keys)
    page = client.get(f"/stories/{sid}?since={BETWEEN}").text
    assert page.count('<tr class="fresh">') == len(two_runs["later"])
    unmarked = client.get(f"/stories/{sid}.json").json()
    assert not any(a["new"] for a in unmarked["articles"])


def test_status_changes_when_a_run_adds_to_the_story(two_runs: dict[str, Any]) -> None:
    client, sid = two_runs["client"], two_runs["danube"]
    before, after = two_runs["status_before"], client.get(f"/stories/{sid}/status.json").json()
    assert before["id"] == after["id"] == sid
    assert after["articles"] == before["articles"] + len(two_runs["later"])
    assert before["updated"] == BEFORE < BETWEEN < after["updated"]
    assert client.get("/stories/99999/status.json").status_code == 404


def test_story_page_carries_what_its_script_polls(two_runs: dict[str, Any]) -> None:
    client, sid = two_runs["client"], two_runs["danube"]
    page = client.get(f"/stories/{sid}?follow=1").text
    assert f'data-story="{sid}"' in page and 'data-follow="1"' in page
    status = client.get(f"/stories/{sid}/status.json").json()
    assert f'data-updated="{status["updated"]}"' in page
    assert f'data-articles="{status["articles"]}"' in page
    script = client.get("/static/app.js").text
    assert "/status.json" in script and "innerHTML" not in script


def test_last_visit_marks_what_is_new_since(two_runs: dict[str, Any]) -> None:
    client = TestClient(create_app(two_runs["db"]), raise_server_exceptions=False)
    client.cookies.set(visits.COOKIE, f"~{BETWEEN}")  # the last request of a visit long ago
    page = client.get("/stories?per_page=200")
    gained = _gained(two_runs["db"])
    assert page.text.count('<tr class="fresh">') == len(gained)
    assert f"/stories?since={BETWEEN.replace(':', '%3A')}" in page.text
    assert page.cookies[visits.COOKIE].startswith(f"{BETWEEN}~")
    # the JSON twin neither reads nor sets the cookie
    assert visits.COOKIE not in client.get("/stories.json").cookies


def test_since_and_its_problems_are_escaped(two_runs: dict[str, Any]) -> None:
    client, sid = two_runs["client"], two_runs["danube"]
    hostile = '"><script>alert(1)</script>'
    for url in (f"/stories?since={hostile}", f"/stories/{sid}?since={hostile}"):
        page = client.get(url).text
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_cli_stories_since(two_runs: dict[str, Any]) -> None:
    runner = CliRunner()
    db = two_runs["db"]
    result = runner.invoke(cli, ["--db", db, "stories", "--since", BETWEEN, "--json"])
    assert result.exit_code == 0, result.output
    assert {s["id"] for s in json.loads(result.output)} == _gained(db)
    table = runner.invoke(cli, ["--db", db, "stories", "--since", BETWEEN])
    assert "updated (UTC)" in table.output
    assert len(table.output.strip().splitlines()) == 2 + len(_gained(db))
    bad = runner.invoke(cli, ["--db", db, "stories", "--since", "yesterday"])
    assert bad.exit_code != 0 and "since must be" in str(bad.exception or bad.output)
