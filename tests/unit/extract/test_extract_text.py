"""Plain-text drafts: the first-line title rule and metadata."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storytrace.extract import to_draft
from storytrace.io import read_inputs
from storytrace.model import Document, Draft, InputKind, Reject, Source


def _doc(content: str, kind: InputKind = "text", **meta: Any) -> Document:
    return Document(Source("a.txt"), kind, content, False, meta)


def test_first_line_is_title() -> None:
    draft = to_draft(_doc("\n  Big News Today  \n\nFirst para.\nSecond line.\n\nThird para.\n\n"))
    assert isinstance(draft, Draft)
    assert draft.title == "Big News Today"
    assert draft.text == "First para.\nSecond line.\n\nThird para."
    assert draft.raw.startswith("\n  Big News")


def test_meta_title_equal_to_first_line_drops_it() -> None:
    draft = to_draft(
        _doc("Big “News” Today\nThe body of the story is here.", title='big "news" today')
    )
    assert isinstance(draft, Draft)
    assert draft.title == 'big "news" today'
    assert draft.text == "The body of the story is here."


def test_meta_title_different_keeps_first_line_in_body() -> None:
    draft = to_draft(_doc("LONDON (AP) - It rained.\nMore.", title="Rain in London"))
    assert isinstance(draft, Draft)
    assert draft.title == "Rain in London"
    assert draft.text == "LONDON (AP) - It rained.\nMore."


def test_single_line_file_is_all_body() -> None:
    draft = to_draft(_doc("Just one paragraph of text."))
    assert isinstance(draft, Draft)
    assert draft.title is None and draft.text == "Just one paragraph of text."


def test_crlf_becomes_newlines() -> None:
    draft = to_draft(_doc("Title\r\n\r\nPara one, first.\r\nPara two, last.\r\n"))
    assert isinstance(draft, Draft) and draft.text == "Para one, first.\nPara two, last."


def test_tabular_text_has_no_first_line_rule() -> None:
    draft = to_draft(
        _doc(
            "First line\nSecond line, a longer one",
            "jsonl",
            title="T",
            id=42,
            url="https://www.x.org/a",
            outlet=" X News ",
            published="2020-02-03T04:05:06+01:00",
        )
    )
    assert isinstance(draft, Draft)
    assert draft.title == "T" and draft.text == "First line\nSecond line, a longer one"
    assert draft.external_id == "42"
    assert draft.url == "https://www.x.org/a" and draft.outlet == "x.org"
    assert draft.meta["outlet_name"] == "X News"
    assert draft.published == "2020-02-03T03:05:06Z"
    untitled = to_draft(_doc("Only a body here, and no title", "csv"))
    assert isinstance(untitled, Draft) and untitled.title is None


def test_outlet_name_used_without_url_and_bad_date_kept_raw() -> None:
    draft = to_draft(
        _doc("T\nThe body of the story itself", outlet=" Reuters ", published="last Tuesday")
    )
    assert isinstance(draft, Draft)
    assert draft.outlet == "Reuters" and draft.meta["outlet_name"] == "Reuters"
    assert draft.published is None and draft.meta["published_raw"] == "last Tuesday"


def test_empty_bodies_are_rejected() -> None:
    for doc, reason in [
        (_doc("   \n "), "empty"),
        (_doc("", "jsonl"), "missing-text"),
        (_doc("Same Title\n", title="Same Title"), "empty"),
        (_doc("t", "jsonl"), "too-short"),
        (_doc("Title\nBreaking: quake", "text"), "too-short"),
    ]:
        result = to_draft(doc)
        assert isinstance(result, Reject) and result.reason == reason, doc


def test_seeds_give_two_documents_with_titles(seeds_dir: Path) -> None:
    docs = list(read_inputs([str(seeds_dir)]))
    assert len(docs) == 2 and all(isinstance(d, Document) for d in docs)
    drafts = [to_draft(d) for d in docs]  # type: ignore[arg-type]
    assert all(isinstance(d, Draft) for d in drafts)
    assert [d.title for d in drafts] == [  # type: ignore[union-attr]
        "Serbia seeks greater Russian role in talks with Kosovo",
        "Serbia says it wants its ally Russia to play a larger role in EU-mediated talks "
        "with Kosovo.",
    ]
    assert drafts[0].text.startswith("BELGRADE, Serbia (AP)")  # type: ignore[union-attr]
