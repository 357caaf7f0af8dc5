"""The two seed articles: every news paragraph kept, each boilerplate block removed by kind."""

from __future__ import annotations

from storytrace.clean import REASONS, blocks, clean_page
from storytrace.model import Cleaned


def _reason_of(cleaned: Cleaned, prefix: str) -> str | None:
    hits = [r.reason for r in cleaned.removed if r.text.startswith(prefix)]
    return hits[0] if hits else None


NEWS_000 = [
    "BELGRADE, Serbia (AP)",
    "Serbia’s Foreign Minister Ivica Dacic said",
    "Dacic also said Serbia",
    "The EU-sponsored talks on normalizing ties have been stalled",
    "While Serbia and Russia don’t recognize",
    "Although it formally seeks EU membership",
    "Serbia has been seeking the partition",
    "Russia has repeatedly said",
    "“As for pressure on Serbia",
]
BOILER_000 = {
    "Watch: ": "promo line",
    "The Western Journal has not reviewed": "disclaimer",
    "Truth and Accuracy": "correction block",
    "Submit a Correction": "correction block",
    "We are committed to truth and accuracy": "correction block",
    "The Associated Press is an independent": "publisher blurb",
    "The Associated Press was the first": "publisher blurb",
    "Today, they operate in 263 locations": "publisher blurb",
    "New York City": "publisher blurb",
}
NEWS_001 = [
    "Serbia's Foreign Minister Ivica Dacic said",
    "Dacic said Serbia",
    "Russia has strong cultural and political ties",
    "Kosovo, whose population is mostly ethnic Albanian",
    "Lavrov said there were",
    "The EU-sponsored talks on normalizing ties have stalled",
    "Belgrade wants the tariff lifted before resuming negotiations.",
]


def _check(title: str, body: str, news: list[str], boiler: dict[str, str]) -> Cleaned:
    before = str(body)
    cleaned = clean_page(body, title=title)
    assert body == before
    for start in news:
        assert any(p.startswith(start) for p in cleaned.text.split("\n\n")), start
        assert _reason_of(cleaned, start) is None
    for start, kind in boiler.items():
        assert _reason_of(cleaned, start) == kind, start
    for r in cleaned.removed:
        assert body[r.start : r.end] == r.text
        assert r.reason in REASONS
    return cleaned


def test_seed_000_wire_republication(seeds: dict[str, tuple[str, str]]) -> None:
    title, body = seeds["000"]
    cleaned = _check(title, body, NEWS_000, BOILER_000)
    assert len(cleaned.removed) == len(BOILER_000)


def test_seed_001_trending_list_and_legal_notice(seeds: dict[str, tuple[str, str]]) -> None:
    title, body = seeds["001"]
    lines = [body[s:e] for s, e in blocks(body)]
    start = lines.index("1")
    headlines = lines[start : start + 11]
    assert headlines[-1].startswith("10")
    boiler = {h: "headline list" for h in headlines}
    boiler.update(
        {
            "RFE/RL has been declared": "legal notice",
            "If you are in Russia": "legal notice",
            "To find out more, click here.": "legal notice",
        }
    )
    cleaned = _check(title, body, NEWS_001, boiler)
    assert _reason_of(cleaned, "Top Trending") == "headline list"
    assert _reason_of(cleaned, "Editors' Picks") in ("headline list", "navigation")
    assert len(cleaned.text.split("\n\n")) == len(NEWS_001)
