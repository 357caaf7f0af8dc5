"""`storytrace compare` on the seeds and the example corpus, and the HTML report in a browser."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import storytrace
from storytrace import api
from storytrace.cli.main import cli
from storytrace.coverage import compare_texts, render_html
from storytrace.model import Article
from storytrace.store import Store
from tests.e2e.chromium import CHROMIUM_ARGS

DACIC_QUOTES = {
    "Serbia cannot defend its state interests without the assistance of the Russian Federation",
    "would not do anything without consulting Russia",
    "Russia is our biggest friend",
}


def _norm(q: str) -> str:
    return q.strip().strip(",.").strip()


@pytest.fixture(scope="module")
def seeds_db(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("seeds") / "seeds.db")
    storytrace.ingest([str(seeds_dir)], db=db)
    return db


@pytest.fixture(scope="module")
def seeds_report(seeds_db: str) -> dict[str, Any]:
    with Store(seeds_db) as store:
        ids = [int(r[0]) for r in store.conn.execute("SELECT id FROM articles ORDER BY id")]
    assert len(ids) == 2
    return api.compare(ids[0], ids[1], db=seeds_db)


def _ap_and_rewrite(report: dict[str, Any]) -> tuple[int, int]:
    ap = next(a["id"] for a in report["articles"] if "(AP)" in a["text"][:200])
    other = next(a["id"] for a in report["articles"] if a["id"] != ap)
    return ap, other


def test_seed_attribution(seeds_report: dict[str, Any]) -> None:
    ap, rw = _ap_and_rewrite(seeds_report)
    claims = seeds_report["attribution"]
    assert any(
        c["kind"] == "dateline" and c["agency"] == "Associated Press" for c in claims[str(ap)]
    )
    tass = [c for c in claims[str(ap)] if c["agency"] == "TASS"]
    assert tass and tass[0]["kind"] == "according-to" and "Lavrov" not in tass[0]["source"]
    assert not [c for c in claims[str(rw)] if c["kind"] == "dateline"]


def test_seed_provenance_names_the_rewrite(seeds_report: dict[str, Any]) -> None:
    ap, rw = _ap_and_rewrite(seeds_report)
    prov = seeds_report["provenance"]
    [edge] = prov["edges"]
    assert (edge["source"], edge["target"], edge["kind"]) == (ap, rw, "rewrite")
    assert edge["evidence"]["agency"] == "Associated Press"
    assert DACIC_QUOTES <= {_norm(q) for q in edge["evidence"]["shared_quotes"]}
    assert prov["wire"]["agency"] == "Associated Press" and prov["original"] == ap


def test_seed_quotes_speakers(seeds_report: dict[str, Any]) -> None:
    ap, rw = _ap_and_rewrite(seeds_report)
    verbatim = {
        _norm(q["text"]): q
        for q in seeds_report["quotes"]
        if q["articles"] == sorted([ap, rw]) and not q["changed"]
    }
    assert DACIC_QUOTES <= set(verbatim)
    assert all("Dacic" in (verbatim[q]["speaker"] or "") for q in DACIC_QUOTES)
    lavrov = [q for q in seeds_report["quotes"] if "Lavrov" in (q["speaker"] or "")]
    assert lavrov and lavrov[0]["articles"] == sorted([ap, rw])
    assert {c["status"] for c in lavrov[0]["carriers"]} == {"verbatim", "shortened"}


def test_seed_entities_and_numbers(seeds_report: dict[str, Any]) -> None:
    lavrov = [e for e in seeds_report["entities"] if "Sergey Lavrov" in e["variants"]]
    assert len(lavrov) == 1 and "Sergei Lavrov" in lavrov[0]["variants"]
    assert set(lavrov[0]["spelling_variants"]) == {"Sergey Lavrov", "Sergei Lavrov"}
    pct = [f for f in seeds_report["numbers"]["figures"] if f["unit"] == "%" and f["value"] == 100]
    assert len(pct) == 1 and len(pct[0]["article_ids"]) == 2
    assert {"100%", "100 percent"} <= set(pct[0]["wordings"])


def test_seed_sentences_only_one_has(seeds_report: dict[str, Any]) -> None:
    ap, rw = _ap_and_rewrite(seeds_report)
    only_ap = " ".join(x["text"] for x in seeds_report["only_in"][str(ap)])
    only_rw = " ".join(x["text"] for x in seeds_report["only_in"][str(rw)])
    assert "partition of Kosovo" in only_ap and "domino effect" in only_ap
    assert "strong cultural and political ties" in only_rw and "1998-99 war" in only_rw
    # a shared sentence is in neither list
    assert "would not do anything" not in only_ap + only_rw
    assert seeds_report["headlines"][0]["title"] != seeds_report["headlines"][1]["title"]


def _key(row: Any) -> str:
    return str(row["external_id"]) if row["kind"] in ("jsonl", "csv") else Path(row["source"]).name


@pytest.fixture(scope="module")
def corpus(
    example_corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, int], dict[str, Any], Path]:
    tmp = tmp_path_factory.mktemp("corpus")
    db = str(tmp / "corpus.db")
    storytrace.ingest([str(example_corpus)], db=db)
    with Store(db) as store:
        ids = {
            _key(r): int(r["id"])
            for r in store.conn.execute("SELECT id, source, kind, external_id FROM articles")
        }
    expected = json.loads((example_corpus.parent / "expected.json").read_text(encoding="utf-8"))
    # Meridian Press is added through the config file, as a user would
    (tmp / "storytrace.toml").write_text(
        '[coverage]\nagencies = { "Meridian Press" = "MP" }\n', encoding="utf-8"
    )
    return db, ids, expected, tmp / "storytrace.toml"


def _story_of(db: str, article_id: int) -> int:
    with Store(db) as store:
        return int(store.stories.story_of(article_id))


def test_corpus_reprint_tree_and_rewrites(
    corpus: tuple[str, dict[str, int], dict[str, Any], Path],
) -> None:
    db, ids, expected, cfg = corpus
    for slug, wire in expected["wire"].items():
        original = ids[wire["original"]]
        report = api.compare(_story_of(db, original), db=db, config=str(cfg))
        prov = report["provenance"]
        reprints = {(e["source"], e["target"]) for e in prov["edges"] if e["kind"] == "reprint"}
        want = {
            (ids[r["original"]], ids[r["copy"]])
            for r in expected["reprints"]
            if r["original"] == wire["original"]
        }
        assert reprints == want, slug
        rewrites = {(e["source"], e["target"]) for e in prov["edges"] if e["kind"] == "rewrite"}
        want_rw = {
            (ids[r["source"]], ids[r["rewrite"]])
            for r in expected["rewrites"]
            if r["source"] == wire["original"]
        }
        assert rewrites == want_rw, slug
        for e in prov["edges"]:
            if e["kind"] == "rewrite":
                gold = next(r for r in expected["rewrites"] if ids[r["rewrite"]] == e["target"])
                assert set(gold["shared_quotes"]) <= {
                    _norm(q) for q in e["evidence"]["shared_quotes"]
                }
        assert prov["original"] == original
        assert prov["wire"]["agency"] == wire["agency"] and prov["wire"]["article"] == original


def test_corpus_trimmed_and_verbatim(
    corpus: tuple[str, dict[str, int], dict[str, Any], Path],
) -> None:
    db, ids, expected, cfg = corpus
    report = api.compare(_story_of(db, ids["a24.txt"]), db=db, config=str(cfg))
    variants = {
        e["target"]: e["evidence"]["variant"]
        for e in report["provenance"]["edges"]
        if e["kind"] == "reprint"
    }
    for r in expected["reprints"]:
        if r["original"] == "a24.txt":
            assert variants[ids[r["copy"]]] == r["kind"], r
    marchenko = [e for e in report["entities"] if "Oleksiy Marchenko" in e["variants"]]
    assert marchenko and "Oleksii Marchenko" in marchenko[0]["variants"]


def test_corpus_independent_reports_have_no_edges(
    corpus: tuple[str, dict[str, int], dict[str, Any], Path],
) -> None:
    db, ids, expected, cfg = corpus
    # the Jakarta reports share one quote but are not rewrites of one another
    report = api.compare(_story_of(db, ids["a22.txt"]), db=db, config=str(cfg))
    assert report["provenance"]["edges"] == []
    assert report["provenance"]["original"] == "unknown"
    shared = [q for q in report["quotes"] if len(q["articles"]) > 1]
    assert any("partnership between equals" in q["text"] for q in shared)


def test_without_meridian_the_wire_is_unnamed(
    corpus: tuple[str, dict[str, int], dict[str, Any], Path], tmp_path: Path
) -> None:
    db, ids, _, _ = corpus
    report = api.compare(_story_of(db, ids["a16.txt"]), db=db, config=None)
    claims = report["attribution"][str(ids["a02.txt"])]
    dateline = [c for c in claims if c["kind"] == "dateline"]
    assert dateline and dateline[0]["agency"] is None and dateline[0]["source"] == "MP"


def test_cli_compare_json_text_and_html(
    corpus: tuple[str, dict[str, int], dict[str, Any], Path], tmp_path: Path
) -> None:
    db, ids, _, _ = corpus
    story = _story_of(db, ids["a16.txt"])
    runner = CliRunner()
    out = runner.invoke(
        cli, ["--db", db, "compare", str(story), "--json", "--agency", "Meridian Press=MP"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert set(data) >= {
        "articles",
        "headlines",
        "attribution",
        "provenance",
        "passages",
        "quotes",
        "entities",
        "numbers",
        "only_in",
    }
    assert data["provenance"]["wire"]["agency"] == "Meridian Press"
    page = tmp_path / "r.html"
    out = runner.invoke(
        cli,
        [
            "--db",
            db,
            "compare",
            str(ids["a16.txt"]),
            str(ids["a15.txt"]),
            "--html",
            str(page),
            "--agency",
            "Meridian Press=MP",
        ],
    )
    assert out.exit_code == 0, out.output
    assert "rewrite" in out.output and "Nobody takes this decision lightly" in out.output
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = runner.invoke(cli, ["--db", db, "compare", "1", "2", "3"])
    assert bad.exit_code != 0


HOSTILE = (
    "<script>document.title='pwned';alert(1)</script> "
    '"><img src=x onerror="document.title=\'pwned\'">'
)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_html_report_in_headless_browser(tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium binary found (CI installs Debian's chromium)")
    base = (
        "KYIV, Ukraine (AP) — Officials said the grain corridor would reopen on Monday after "
        "weeks of talks between the two governments and shipping companies.\n\n"
        '"We will not stop until every ship is moving," said Ivan Petrenko, the port chief.\n\n'
        "The corridor carried 11 million tons of grain last year, officials said."
    )
    a = Article(
        1,
        "wire.example",
        None,
        "2026-01-01T08:00:00Z",
        "Corridor " + HOSTILE,
        base + "\n\nOnly the wire says this about " + HOSTILE,
    )
    b = Article(
        2,
        "paper.example",
        None,
        "2026-01-01T10:00:00Z",
        "Paper <b>bold</b>",
        base + "\n\nThe paper adds a line of its own about barges " + HOSTILE,
    )
    page = tmp_path / "report.html"
    page.write_text(render_html(compare_texts([a, b])), encoding="utf-8")
    dom = subprocess.run(
        [
            browser,
            *CHROMIUM_ARGS,
            "--virtual-time-budget=3000",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    assert "<body" in dom, "the page did not open"
    assert "pwned" not in dom.split("</title>")[0]  # no injected script ran
    assert "<img" not in dom and "<b>bold</b>" not in dom  # no injected element
    assert "&lt;img src=x" in dom and "&lt;script&gt;" in dom  # shown as text
    assert dom.count("<script>") == 1
    assert "<mark " in dom and 'class="quotes"' in dom and 'class="entities"' in dom
    assert "<svg" in dom
    # the page's own script ran and counted the highlights
    assert 'data-marks="' in dom and 'data-marks="0"' not in dom
