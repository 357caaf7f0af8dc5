"""The web app in process (Starlette TestClient): every page and its JSON twin, 404s, search,
filters, sorting, pagination, and escaping of hostile article text."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

pytest.importorskip(
    "starlette", reason="the web extra is not installed: pip install 'storytrace[web]'"
)
pytest.importorskip("httpx", reason="TestClient needs httpx")

with warnings.catch_warnings():  # Starlette 1.x warns that it prefers httpx2 to httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import storytrace  # noqa: E402
from storytrace.store import Store  # noqa: E402
from storytrace.web.app import create_app  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = {
    "id": "evil-1",
    "url": "javascript:alert(1)",
    "outlet": "evil.example",
    "published": "2026-06-01T10:00:00Z",
    "title": f"Harbour {SCRIPT} fire {IMG}",
    "text": (
        f"A fire broke out at the harbour warehouse on Monday night. {SCRIPT} Firefighters said "
        f"the blaze was under control by morning. {IMG} The cause of the harbour fire is not yet "
        "known, the port authority said in a statement."
    ),
}


def build_db(folder: Path, corpus: Path) -> tuple[str, int]:
    """The example corpus plus one hostile JSONL article; returns (db path, hostile article id)."""
    hostile = folder / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    db = str(folder / "web.db")
    storytrace.ingest([str(corpus), str(hostile)], db=db)
    with Store(db) as store:
        row = store.conn.execute("SELECT id FROM articles WHERE outlet = 'evil.example'").fetchone()
    return db, int(row[0])


@pytest.fixture(scope="module")
def web_db(example_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int]:
    return build_db(tmp_path_factory.mktemp("web"), example_corpus)


@pytest.fixture(scope="module")
def client(web_db: tuple[str, int]) -> TestClient:
    return TestClient(create_app(web_db[0]), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def big_story(client: TestClient) -> dict:
    stories = client.get("/stories.json").json()
    return max(stories, key=lambda s: s["articles"])


def test_home_opens_on_the_story_list(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Stories" in r.text and 'href="/stories/' in r.text
    assert client.get("/index.json").json() == client.get("/stories.json").json()


def test_stories_json_is_the_cli_shape(client: TestClient, web_db: tuple[str, int]) -> None:
    body = client.get("/stories.json").json()
    cli = storytrace.stories(db=web_db[0])
    assert body == cli[: len(body)] and len(body) == len(cli)
    assert all(
        set(s)
        == {"id", "title", "articles", "outlets", "languages", "first_seen", "last_seen", "updated"}
        for s in body
    )


@pytest.mark.parametrize(
    "path",
    ["/stories/{story}", "/articles/{article}", "/outlets", "/outlets/{outlet}", "/stories"],
)
def test_every_page_has_a_json_twin(client: TestClient, big_story: dict, path: str) -> None:
    path = path.format(story=big_story["id"], article=1, outlet=big_story["outlets"][0])
    page = client.get(path)
    twin = client.get(path + ".json")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert twin.status_code == 200 and twin.headers["content-type"] == "application/json"
    assert twin.json()


def test_story_page_has_every_panel(client: TestClient, big_story: dict) -> None:
    r = client.get(f"/stories/{big_story['id']}")
    for section in ("timeline", "provenance", "compare", "coverage", "boilerplate"):
        assert f'id="{section}"' in r.text
    assert "<svg" in r.text and 'class="shared"' in r.text  # highlighted shared passages
    data = client.get(f"/stories/{big_story['id']}.json").json()
    assert data["id"] == big_story["id"] and len(data["articles"]) == big_story["articles"]
    assert data["provenance"]["edges"], "the biggest example story has reprint links"
    assert data["compare"]["passages"]
    assert data["quotes"] and data["entities"]
    assert any(data["removed"].values())


def test_compare_any_two_articles(client: TestClient, big_story: dict) -> None:
    ids = [a["id"] for a in client.get(f"/stories/{big_story['id']}.json").json()["articles"]]
    data = client.get(f"/stories/{big_story['id']}.json?a={ids[-1]}&b={ids[0]}").json()
    assert (data["compare"]["a"], data["compare"]["b"]) == (ids[-1], ids[0])
    outside = client.get(f"/stories/{big_story['id']}.json?a={ids[0]}&b=999999").json()
    assert outside["compare"]["b"] != 999999  # not a member: falls back to the default pair


def test_article_page_marks_reprinted_passages_and_shows_raw_on_request(
    client: TestClient, big_story: dict
) -> None:
    story = client.get(f"/stories/{big_story['id']}.json").json()
    linked = story["reprints"][0]["b"]
    data = client.get(f"/articles/{linked}.json").json()
    assert data["passages"] and data["passages"][0]["role"] in {"copied-from", "copied-by"}
    page = client.get(f"/articles/{linked}")
    assert "<mark" in page.text and f'href="/articles/{story["reprints"][0]["a"]}"' in page.text
    assert "raw" not in data
    raw = client.get(f"/articles/{linked}.json?raw=1").json()
    assert raw["raw"] and raw["body"]
    assert "Input as read" in client.get(f"/articles/{linked}?raw=1").text


def test_outlet_page_shows_boilerplate_and_reprint_counts(client: TestClient) -> None:
    outlets = client.get("/outlets.json").json()
    assert {"name", "articles", "boilerplate_patterns"} <= outlets[0].keys()
    learned = next(o for o in outlets if o["boilerplate_patterns"])
    data = client.get(f"/outlets/{learned['name']}.json").json()
    assert data["articles"] == learned["articles"] and data["boilerplate"]
    assert (
        sum(len(client.get(f"/outlets/{o['name']}.json").json()["reprints_from"]) for o in outlets)
        > 0
    )


@pytest.mark.parametrize(
    "path",
    [
        "/stories/999999",
        "/articles/999999",
        "/outlets/no-such-outlet.example",
        "/stories/abc",
        "/stories/" + "9" * 40,
        "/articles/" + "9" * 40,
        "/stories/-1",
        "/nowhere",
    ],
)
def test_unknown_ids_give_404_pages_not_tracebacks(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 404 and "<h1>404" in page.text and "Traceback" not in page.text
    twin = client.get(path + ".json")
    assert twin.status_code == 404 and twin.json()["status"] == 404


def test_search_is_full_text_over_titles_and_bodies(client: TestClient) -> None:
    by_title = client.get("/stories.json", params={"q": "coral reef"}).json()
    assert by_title and all("reef" in (s["title"] or "").lower() or s for s in by_title)
    by_body = client.get("/stories.json", params={"q": "firefighters"}).json()
    assert by_body
    assert client.get("/stories.json", params={"q": "zzzqqqxxyy"}).json() == []
    # FTS syntax in input is treated as words, never as a query error
    for nasty in ['"', "AND OR NOT", "a:b", "(*", "NEAR(x y", "'; DROP TABLE stories; --"]:
        r = client.get("/stories.json", params={"q": nasty})
        assert r.status_code == 200 and isinstance(r.json(), list)
    assert "coral" in client.get("/stories", params={"q": "coral"}).text.lower()


def test_filters_by_outlet_and_date_range(client: TestClient) -> None:
    everything = client.get("/stories.json").json()
    outlet = "riverbendnews.example"
    only = client.get("/stories.json", params={"outlet": outlet}).json()
    assert only and all(outlet in s["outlets"] for s in only)
    assert len(only) < len(everything)
    dated = client.get("/stories.json", params={"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert dated and len(dated) < len(everything)
    assert all(s["last_seen"] >= "2026-03-01" and s["first_seen"] < "2026-04-01" for s in dated)
    bad = client.get("/stories.json", params={"from": "not-a-date"})
    assert bad.status_code == 200 and "X-Problems" in bad.headers


def test_sorting(client: TestClient, web_db: tuple[str, int]) -> None:
    size = client.get("/stories.json", params={"sort": "size"}).json()
    assert [s["articles"] for s in size] == sorted((s["articles"] for s in size), reverse=True)
    recent = client.get("/stories.json", params={"sort": "recent"}).json()
    assert [s["last_seen"] for s in recent] == sorted(
        (s["last_seen"] for s in recent), reverse=True
    )
    outlets = client.get("/stories.json", params={"sort": "outlets"}).json()
    counts = [len(s["outlets"]) for s in outlets]
    assert counts == sorted(counts, reverse=True)
    assert client.get("/stories.json", params={"sort": "id; DROP TABLE stories"}).status_code == 200
    assert len(client.get("/stories.json").json()) == len(size)


def test_pagination(client: TestClient) -> None:
    everything = client.get("/stories.json").json()
    first = client.get("/stories.json", params={"per_page": 5})
    second = client.get("/stories.json", params={"per_page": 5, "page": 2})
    assert first.json() + second.json() == everything[:10]
    assert first.headers["X-Has-Next"] == "true" and 'rel="next"' in first.headers["Link"]
    last_page = -(-len(everything) // 5)
    last = client.get("/stories.json", params={"per_page": 5, "page": last_page})
    assert (
        last.headers["X-Has-Next"] == "false" and last.json() == everything[(last_page - 1) * 5 :]
    )
    page = client.get("/stories", params={"per_page": 5}).text
    assert 'rel="next"' in page and "page=2" in page


def _unescaped(text: str) -> bool:
    return SCRIPT in text or "<img src=x" in text


@pytest.mark.parametrize("kind", ["list", "search", "story", "article", "raw", "outlet"])
def test_hostile_text_is_escaped_everywhere(
    client: TestClient, web_db: tuple[str, int], kind: str
) -> None:
    evil = web_db[1]
    story = client.get(f"/articles/{evil}.json").json()["story"]
    path = {
        "list": "/",
        "search": "/stories?q=harbour",
        "story": f"/stories/{story}",
        "article": f"/articles/{evil}",
        "raw": f"/articles/{evil}?raw=1",
        "outlet": "/outlets/evil.example",
    }[kind]
    r = client.get(path)
    assert r.status_code == 200
    assert "Harbour" in r.text
    assert not _unescaped(r.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text or "&lt;img src=x" in r.text
    assert 'href="javascript:' not in r.text


def test_json_keeps_hostile_text_verbatim(client: TestClient, web_db: tuple[str, int]) -> None:
    data = client.get(f"/articles/{web_db[1]}.json").json()
    assert SCRIPT in data["title"] and IMG in data["text"]
    assert client.get(f"/articles/{web_db[1]}.json").headers["content-type"] == "application/json"


def test_security_headers(client: TestClient) -> None:
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_every_template_autoescapes() -> None:
    from storytrace.web.app import environment

    env = environment()
    for name in env.list_templates():
        source = Path(env.loader.get_source(env, name)[1]).read_text(encoding="utf-8")  # type: ignore[union-attr]
        assert "|safe" not in source.replace(" ", "") and "autoescape false" not in source
    assert env.from_string("{{ x }}").render(x=SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_no_sql_is_built_from_input() -> None:
    # f-strings in the web package's SQL take only fixed fragments or placeholder lists
    src = Path(__file__).resolve().parents[2] / "src" / "storytrace" / "web"
    for path in src.glob("*.py"):
        for match in re.finditer(
            r'f"(SELECT|INSERT|UPDATE|DELETE)[^"]*\{([^}]+)\}', path.read_text()
        ):
            assert match.group(2) in {"source", "marks", "mine", "theirs"}, (
                path.name,
                match.group(0),
            )


def test_merged_story_redirects(client: TestClient, web_db: tuple[str, int]) -> None:
    # an old id that was merged away lives on under the surviving story
    with Store(web_db[0]) as store:
        row = store.conn.execute(
            "SELECT id, merged_into FROM stories WHERE merged_into IS NOT NULL"
        ).fetchone()
    if row is None:
        pytest.skip("the example corpus has no merged story")
    r = client.get(f"/stories/{row[0]}", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == f"/stories/{row[1]}"


def test_an_inferred_outlet_and_its_sentence_are_escaped(tmp_path: Path) -> None:
    body = HOSTILE["text"] + (
        f"\n\nThis page {IMG} is provided to our readers as a service from Harbour Gazette."
    )
    line = {"id": "no-outlet-1", "title": f"Harbour {SCRIPT}", "text": body}
    source = tmp_path / "no-outlet.jsonl"
    source.write_text(json.dumps(line) + "\n", encoding="utf-8")
    db = str(tmp_path / "inferred.db")
    storytrace.ingest([str(source)], db=db)
    with Store(db) as store:
        (aid,) = [int(r[0]) for r in store.conn.execute("SELECT id FROM articles")]
    client = TestClient(create_app(db), raise_server_exceptions=False)
    data = client.get(f"/articles/{aid}.json").json()
    assert (data["outlet"], data["outlet_source"]) == ("Harbour Gazette", "inferred")
    assert IMG in data["outlet_evidence"]
    page = client.get(f"/articles/{aid}").text
    assert "inferred from “This page" in page
    assert IMG not in page and "<script>alert" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
