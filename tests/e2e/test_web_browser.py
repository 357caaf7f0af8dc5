"""The web app in a real browser (Debian chromium driven by Playwright): open the list, search,
open a story and an article, and check that the hostile article's markup stays inert text."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "uvicorn", reason="the web extra is not installed: pip install 'storytrace[web]'"
)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)

from tests.e2e.chromium import CHROMIUM_ARGS  # noqa: E402
from tests.e2e.test_web import SCRIPT, build_db  # noqa: E402
from tests.e2e.test_web_serve import free_port, running  # noqa: E402


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("STORYTRACE_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, example_corpus: Path
) -> Iterator[tuple[str, int]]:
    db, evil = build_db(tmp_path_factory.mktemp("browser"), example_corpus)
    port = free_port()
    with running(db, port):
        yield f"http://127.0.0.1:{port}", evil


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        pytest.skip(
            "no chromium found at /usr/bin/chromium (apt-get install -y chromium) or $STORYTRACE_CHROMIUM"
        )
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def test_browse_search_story_article_and_hostile_text_stays_inert(
    browser: Any, site: tuple[str, int]
) -> None:
    base, evil = site
    page = browser.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(base + "/")
    assert page.locator("table.stories tbody tr").count() >= 10

    # search from the header box
    page.fill("header .search input[name=q]", "coral")
    page.press("header .search input[name=q]", "Enter")
    page.wait_for_url("**/stories?q=coral*")
    rows = page.locator("table.stories tbody tr")
    assert rows.count() >= 1
    assert "reef" in rows.first.inner_text().lower()

    # into the story, then the sort picker (JavaScript) and the comparison
    page.locator("a.story-link").first.click()
    page.wait_for_url("**/stories/*")
    assert page.locator("#timeline svg circle").count() >= 2
    assert page.locator("#compare .side-by-side .column").count() == 2

    # into an article
    page.locator("a.article-link").first.click()
    page.wait_for_url("**/articles/*")
    assert page.locator("#text .article-text").inner_text().strip()

    # the sort picker submits on change (app.js)
    page.goto(base + "/stories")
    page.select_option("select[name=sort]", "recent")
    page.wait_for_url("**sort=recent*")

    # the hostile article: markup shows as text, nothing runs, nothing is injected
    for path in (f"/articles/{evil}", f"/articles/{evil}?raw=1", "/stories?q=harbour", "/"):
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert page.locator("img").count() == 0, path
        assert page.locator("script").count() == 1, path  # only our own /static/app.js
        assert page.evaluate("() => document.querySelectorAll('[onerror]').length") == 0
    page.goto(base + f"/articles/{evil}")
    assert SCRIPT in page.locator("h1.article-title").inner_text()
    assert SCRIPT in page.locator("#text").inner_text()
    assert dialogs == [] and errors == []
    page.close()


def test_an_open_story_page_follows_what_an_ingest_adds(
    browser: Any,
    tmp_path: Path,
    example_corpus: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import storytrace
    from storytrace.web import app

    monkeypatch.setattr(app, "POLL_SECONDS", 1)
    first, later = tmp_path / "first", tmp_path / "later"
    shutil.copytree(example_corpus, first)
    later.mkdir()
    for path in sorted(first.iterdir()):
        if path.stem in ("a30", "a31"):  # two rewrites of the Danube story, ingested later
            path.rename(later / path.name)
    db = str(tmp_path / "follow.db")
    storytrace.ingest([str(first)], db=db)

    def earlier() -> None:  # what is stored was ingested long ago: whatever comes next is new
        with storytrace.Store(db) as store, store.transaction():
            store.conn.execute("UPDATE articles SET added = '2020-01-01T00:00:00Z'")
            store.conn.execute("UPDATE stories SET updated = '2020-01-01T00:00:00Z'")

    earlier()
    danube = next(s["id"] for s in storytrace.stories(db=db) if "Danube" in s["title"])
    port = free_port()
    errors: list[str] = []
    with running(db, port):
        base = f"http://127.0.0.1:{port}"
        page = browser.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/stories/{danube}")
        assert page.locator("#story-updates").is_hidden()
        storytrace.ingest([str(later / "a30.txt")], db=db)
        page.wait_for_selector("#story-updates:not([hidden])", timeout=60_000)
        page.locator("#story-updates a").click()
        page.wait_for_url("**since=**")
        assert page.locator("#articles tr.fresh").count() == 1
        # following: the page reloads itself when the next article comes in
        earlier()
        page.goto(f"{base}/stories/{danube}?follow=1")
        storytrace.ingest([str(later / "a31.txt")], db=db)
        page.wait_for_url("**since=**follow=1**", timeout=60_000)
        assert page.locator("#articles tr.fresh").count() == 1
        page.close()
    assert errors == []
