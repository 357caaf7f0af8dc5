"""HTML drafts: trafilatura output, page metadata, failures and the time limit."""

from __future__ import annotations

import gzip
import pickle
import time
from pathlib import Path
from typing import Any

import pytest

from storytrace.extract import html as html_mod
from storytrace.extract import time_limit, to_draft
from storytrace.extract.timeout import ExtractTimeout
from storytrace.io import read_inputs
from storytrace.model import Document, Draft, Reject, Source

PARAS = [
    "The city council voted on Tuesday to approve a new budget for the coming year, "
    "after weeks of debate about spending on schools, roads and public transport.",
    "Mayor Jane Smith said the plan would keep taxes flat while funding repairs to three "
    "bridges that engineers had described as being in urgent need of attention.",
    "Opposition members argued that the budget relied on optimistic revenue forecasts and "
    "warned that cuts might follow if the regional economy slowed next spring.",
    "The budget takes effect on the first of January and will be reviewed in the summer, "
    "when the council receives updated figures from the finance department.",
]


def article_html(
    *,
    canonical: str | None = "https://www.citynews.example/budget",
    title: str = "Council approves budget",
) -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="City News">
<meta property="article:published_time" content="2021-06-15T09:30:00+00:00">
{link}</head><body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>{body}</article>
<footer>Copyright City News. All rights reserved.</footer></body></html>"""


def _doc(content: str, **meta: Any) -> Document:
    return Document(Source("p.html"), "html", content, True, meta)


def test_html_article_extracted_with_page_metadata() -> None:
    draft = to_draft(_doc(article_html()))
    assert isinstance(draft, Draft)
    assert draft.title == "Council approves budget"
    for para in PARAS:
        assert para in draft.text
    assert "\n" in draft.text
    assert "All rights reserved" not in draft.text
    assert draft.url == "https://www.citynews.example/budget"
    assert draft.outlet == "citynews.example"
    assert draft.meta["outlet_name"] == "City News"
    assert draft.meta["outlet_source"] == "url"
    assert draft.published == "2021-06-15"


def test_site_name_is_the_outlet_without_a_url() -> None:
    draft = to_draft(_doc(article_html(canonical=None)))
    assert isinstance(draft, Draft) and draft.url is None
    assert (draft.outlet, draft.meta["outlet_source"]) == ("City News", "page")


def test_given_metadata_wins_over_page() -> None:
    draft = to_draft(
        _doc(
            article_html(),
            url="https://m.other.example/x",
            title="Given",
            published="2020-01-02",
            outlet="Other",
        )
    )
    assert isinstance(draft, Draft)
    assert (draft.url, draft.outlet, draft.title, draft.published) == (
        "https://m.other.example/x",
        "other.example",
        "Given",
        "2020-01-02",
    )
    assert draft.meta["outlet_name"] == "Other"


def test_og_url_used_without_canonical() -> None:
    page = article_html(canonical=None).replace(
        "</head>", '<meta property="og:url" content="https://amp.og.example/a"></head>'
    )
    draft = to_draft(_doc(page))
    assert isinstance(draft, Draft) and draft.url == "https://amp.og.example/a"
    assert draft.outlet == "og.example"


def test_html_gz_file_to_draft(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "p.html.gz", "wt", encoding="utf-8") as gz:
        gz.write(article_html())
    (doc,) = read_inputs([str(tmp_path)])
    assert isinstance(doc, Document)
    draft = to_draft(doc)
    assert isinstance(draft, Draft) and PARAS[0] in draft.text


@pytest.mark.parametrize(
    ("page", "why"),
    [
        ("<html><head><title>Only a head</title></head></html>", "no main content"),
        ("plain words, no markup at all " * 20, "not HTML"),
        ("<html><body>" + "<script>var x = 1;</script>" * 50 + "</body></html>", "too short"),
    ],
)
def test_pages_without_content_are_rejected_with_reason(page: str, why: str) -> None:
    result = to_draft(_doc(page))
    assert isinstance(result, Reject) and result.reason == "extract-failed"
    assert why in result.detail


def test_hostile_html_is_a_reject_or_draft_never_a_crash() -> None:
    deep = "<div>" * 50_000 + " ".join(PARAS) + "</div>" * 50_000
    huge_attr = f'<html><body><p title="{"a" * 2_000_000}">{PARAS[0]}</p></body></html>'
    broken = "<html><body><p>" + "<<<>>>&&&;;</b></i>" * 1000
    xml_decl = '<?xml version="1.0" encoding="utf-8"?>' + article_html()
    for page in (deep, huge_attr, broken, xml_decl, "<", "<html></html>"):
        result = to_draft(_doc(page))
        assert isinstance(result, Draft | Reject)
        if isinstance(result, Reject):
            assert result.reason in ("extract-failed", "too-short") and result.detail
    xml_result = to_draft(_doc(xml_decl))
    assert isinstance(xml_result, Draft) and PARAS[1] in xml_result.text


def test_extractor_exception_becomes_reject(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(tree: Any, url: str | None, **favor: bool) -> Any:
        raise RuntimeError("internal failure")

    monkeypatch.setattr(html_mod, "_extract", boom)
    result = to_draft(_doc(article_html()))
    assert isinstance(result, Reject) and result.reason == "extract-failed"
    assert "internal failure" in result.detail


def test_slow_extractor_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(tree: Any, url: str | None, **favor: bool) -> Any:
        while True:  # an extractor stuck on a pathological page
            time.sleep(0.01)

    monkeypatch.setattr(html_mod, "_extract", slow)
    result = to_draft(_doc(article_html()), timeout=0.2)
    assert isinstance(result, Reject) and result.reason == "extract-timeout"
    # The alarm is cleared afterwards: a normal extraction still works.
    monkeypatch.undo()
    assert isinstance(to_draft(_doc(article_html()), timeout=5.0), Draft)


def test_slow_extractor_that_swallows_exceptions_still_times_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def stubborn(tree: Any, url: str | None, **favor: bool) -> Any:
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # library code often does this
                pass

    monkeypatch.setattr(html_mod, "_extract", stubborn)
    result = to_draft(_doc(article_html()), timeout=0.2)
    assert isinstance(result, Reject) and result.reason == "extract-timeout"


def test_time_limit_not_enforced_off_main_thread() -> None:
    import threading

    seen: list[bool] = []

    def run() -> None:
        with time_limit(0.01) as enforced:
            seen.append(enforced)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert seen == [False]
    with time_limit(None) as enforced:
        assert not enforced


def test_time_limit_raises_in_block() -> None:
    with pytest.raises(ExtractTimeout), time_limit(0.05):
        while True:
            time.sleep(0.01)


def test_documents_and_drafts_pickle() -> None:
    doc = _doc(article_html(), id="x")
    draft = to_draft(doc)
    assert pickle.loads(pickle.dumps(doc)) == doc
    assert pickle.loads(pickle.dumps(draft)) == draft


def test_the_extractors_warnings_go_into_the_reject_not_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    with caplog.at_level(logging.WARNING):
        result = to_draft(_doc("<html></html>"))
    assert isinstance(result, Reject) and "the extractor said: discarding data" in result.detail
    assert not [r for r in caplog.records if r.name.startswith("trafilatura")]
    # Outside an extraction the library logs as before.
    with caplog.at_level(logging.WARNING):
        logging.getLogger("trafilatura.core").warning("heard")
    assert [r.getMessage() for r in caplog.records] == ["heard"]


def test_every_mode_extracts_and_the_ingest_uses_the_shipped_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for mode in html_mod.MODES:
        draft = html_mod.html_draft(_doc(article_html()), mode=mode)
        assert isinstance(draft, Draft) and PARAS[2] in draft.text, mode
    seen: list[dict[str, bool]] = []
    real = html_mod._extract

    def spy(tree: Any, url: str | None, **favor: bool) -> Any:
        seen.append(favor)
        return real(tree, url, **favor)

    monkeypatch.setattr(html_mod, "_extract", spy)
    assert isinstance(to_draft(_doc(article_html())), Draft)
    assert seen == [html_mod.MODES[html_mod.MODE]]
    with pytest.raises(KeyError):
        html_mod.html_draft(_doc(article_html()), mode="greedy")
