"""The two seed articles: one story, every news paragraph kept, every boilerplate block removed."""

from __future__ import annotations

from pathlib import Path

import pytest

import storytrace

AP_NEWS = [
    "BELGRADE, Serbia (AP) — Serbia on Wednesday sought to secure a greater Russian role",
    "Serbia’s Foreign Minister Ivica Dacic said after meeting his Russian counterpart",
    "Dacic also said Serbia “would not do anything without consulting Russia,”",
    "The EU-sponsored talks on normalizing ties have been stalled over the Kosovo government’s",
    "While Serbia and Russia don’t recognize Kosovo’s 2008 declaration of independence",
    "Although it formally seeks EU membership, Serbia has gradually been shifting toward Russia",
    "Serbia has been seeking the partition of Kosovo, hoping to take over parts of the state",
    "Russia has repeatedly said it would accept any negotiated solution",
    "“As for pressure on Serbia and demands to recognize Kosovo’s independence",
]
AP_BOILERPLATE = [
    "Watch: Tucker Carlson Says 2024 Won't Be Trump vs. Biden",
    "The Western Journal has not reviewed this Associated Press story prior to publication.",
    "Truth and Accuracy",
    "Submit a Correction →",
    "We are committed to truth and accuracy in all of our journalism.",
    "The Associated Press is an independent, not-for-profit news cooperative",
    "The Associated Press was the first private sector organization in the U.S.",
    "Today, they operate in 263 locations in more than 100 countries",
    "New York City",
]
RFE_NEWS = [
    "Serbia's Foreign Minister Ivica Dacic said after talks with his Russian counterpart",
    'Dacic said Serbia "would not do anything without consulting Russia,"',
    "Russia has strong cultural and political ties to Serbia",
    "Kosovo, whose population is mostly ethnic Albanian, broke away from Serbia",
    'Lavrov said there were "demands" on Serbia to recognize Kosovo\'s independence',
    "The EU-sponsored talks on normalizing ties have stalled over Pristina's refusal",
    "Belgrade wants the tariff lifted before resuming negotiations.",
]
RFE_BOILERPLATE = [
    "Editors' Picks",
    "Top Trending",
    "In Russia's War Economy, The Warning Lights Are Blinking",
    "2Attack From Afghanistan Kills Chinese National In Tajikistan, Sources Say",
    "5RFE/RL Reveals Chilling New Details Of Bucha Massacre",
    "10Ukraine Live Briefing: Kyiv Says Moscow Used ICBM",
    'RFE/RL has been declared an "undesirable organization" by the Russian government.',
    "If you are in Russia or the Russia-controlled parts of Ukraine",
    "To find out more, click here.",
]


@pytest.fixture(scope="module")
def seeded(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("seeds") / "seeds.db")
    report = storytrace.ingest([str(seeds_dir)], db=db)
    assert report.added == 2
    return db


def _article_from(db: str, name: str) -> dict:
    for story in storytrace.stories(db=db):
        for member in storytrace.story(story["id"], db=db)["articles"]:
            art = storytrace.article(member["id"], db=db)
            if Path(art["source"]).name.startswith(name):
                return art
    raise AssertionError(f"no article from {name}")


def test_both_seeds_form_one_story(seeded: str) -> None:
    stories = storytrace.stories(db=seeded)
    assert len(stories) == 1
    assert stories[0]["articles"] == 2


@pytest.mark.parametrize(
    ("name", "news", "boilerplate"),
    [("000_", AP_NEWS, AP_BOILERPLATE), ("001_", RFE_NEWS, RFE_BOILERPLATE)],
)
def test_news_kept_and_boilerplate_removed_with_reason(
    seeded: str, name: str, news: list[str], boilerplate: list[str]
) -> None:
    art = _article_from(seeded, name)
    for paragraph in news:
        assert paragraph in art["text"], f"news paragraph lost: {paragraph!r}"
    removed = art["removed"]
    for block in boilerplate:
        assert block not in art["text"], f"boilerplate kept: {block!r}"
        hits = [r for r in removed if block in r["text"]]
        assert hits, f"boilerplate not listed as removed: {block!r}"
        assert all(r["reason"] for r in hits)


def test_removed_offsets_point_into_the_stored_body(seeded: str) -> None:
    art = _article_from(seeded, "000_")
    full = storytrace.article(art["id"], db=seeded, raw=True)
    for r in full["removed"]:
        assert full["body"][r["start"] : r["end"]] == r["text"]


def test_ingesting_the_seeds_again_adds_nothing(seeded: str, seeds_dir: Path) -> None:
    report = storytrace.ingest([str(seeds_dir)], db=seeded)
    assert report.added == 0
    assert report.already_ingested == 2
    assert len(storytrace.stories(db=seeded)) == 1


def test_report_says_where_the_time_went(seeds_dir: Path, tmp_path: Path) -> None:
    report = storytrace.ingest([str(seeds_dir)], db=str(tmp_path / "t.db")).to_dict()
    stages = report["stage_seconds"]
    worker = {"extract", "clean", "sign", "evidence"}
    main = {"wait", "store", "reprints", "stories", "recheck", "commit"}  # "site": with an outlet
    assert worker | main <= set(stages)
    assert all(v >= 0 for v in stages.values())
    assert sum(stages[k] for k in main) <= report["seconds"] + 0.05


@pytest.mark.parametrize(
    ("name", "outlet", "sentence"),
    [
        ("000_", "The Western Journal", "The Western Journal has not reviewed this Associated"),
        ("001_", "RFE/RL", 'RFE/RL has been declared an "undesirable organization"'),
    ],
)
def test_outlet_inferred_from_the_pages_own_words(
    seeded: str, name: str, outlet: str, sentence: str
) -> None:
    art = _article_from(seeded, name)
    assert art["url"] is None  # nothing but the page's words names its publisher
    assert art["outlet"] == outlet
    assert art["outlet_source"] == "inferred"
    assert art["outlet_evidence"].startswith(sentence)
    # The sentence was in the boilerplate that cleaning removed, not in the kept text.
    assert sentence not in art["text"]
    assert any(sentence in r["text"] for r in art["removed"])
