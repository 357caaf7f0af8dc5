"""The publisher step of the ingest (``draft_of``): it names the outlet only when the input
did not, and says where every outlet came from."""

from __future__ import annotations

from typing import Any

import pytest

from storytrace.model import Document, Draft, Source
from storytrace.pipeline.prepare import Prepared, draft_of, prepare

NEWS = (
    "Serbia seeks greater Russian role in talks with Kosovo\n\n"
    "Serbia on Wednesday sought to secure a greater Russian role in talks with Kosovo, which "
    "could further strain the Balkan country's relations with the West.\n\n"
    "Foreign Minister Ivica Dacic said after meeting his Russian counterpart in Moscow that "
    "Serbia would not do anything without consulting Russia.\n\n"
    "The EU-sponsored talks on normalizing ties have been stalled over a tariff on goods "
    "imported from Serbia, which Belgrade wants lifted before resuming negotiations."
)
DISCLAIMER = (
    "The Western Journal has not reviewed this Associated Press story prior to publication. "
    "It is provided to our readers as a service from The Western Journal."
)
AP_ONLY = (
    "This Associated Press story was provided by The Associated Press.\n\n"
    "© 2024 The Associated Press. All rights reserved."
)


def _draft(text: str, **meta: Any) -> Draft:
    out = draft_of(Document(Source("a.txt"), "text", text, False, meta))
    assert isinstance(out, Draft)
    return out


def test_outlet_inferred_from_the_disclaimer_and_marked_so() -> None:
    draft = _draft(NEWS + "\n\n" + DISCLAIMER)
    assert draft.outlet == "The Western Journal"
    assert draft.meta["outlet_source"] == "inferred"
    assert draft.meta["outlet_evidence"].startswith("The Western Journal has not reviewed")


def test_a_page_that_only_credits_ap_gets_no_outlet() -> None:
    draft = _draft(NEWS + "\n\n" + AP_ONLY)
    assert draft.outlet is None
    assert "outlet_source" not in draft.meta and "outlet_evidence" not in draft.meta


@pytest.mark.parametrize(
    ("meta", "outlet", "source"),
    [
        ({"outlet": "Balkan Daily"}, "Balkan Daily", "input"),
        ({"url": "https://www.balkandaily.example/a"}, "balkandaily.example", "url"),
        (
            {"url": "https://balkandaily.example/a", "outlet": "Balkan Daily"},
            "balkandaily.example",
            "url",
        ),
    ],
)
def test_an_outlet_given_by_input_or_url_is_never_overridden(
    meta: dict[str, str], outlet: str, source: str
) -> None:
    draft = _draft(NEWS + "\n\n" + DISCLAIMER, **meta)
    assert draft.outlet == outlet
    assert draft.meta["outlet_source"] == source
    assert "outlet_evidence" not in draft.meta


def test_derived_keys_given_with_the_input_are_not_believed() -> None:
    draft = _draft(NEWS, outlet_source="inferred", outlet_evidence="made up")
    assert draft.outlet is None
    assert "outlet_source" not in draft.meta and "outlet_evidence" not in draft.meta


def test_prepare_cleans_signs_and_keys_the_article_under_the_inferred_outlet() -> None:
    out = prepare(Document(Source("a.txt"), "text", NEWS + "\n\n" + DISCLAIMER, False, {}))
    assert isinstance(out, Prepared)
    assert out.draft.outlet == "The Western Journal"
    assert out.blocks  # blocks are counted for site learning only when the outlet is known
    assert "has not reviewed" not in out.cleaned.text
