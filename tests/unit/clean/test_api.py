"""Blocks, keys, site boilerplate, partition property, plain articles that lose nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.clean import (
    SITE_REASON,
    block_key,
    block_keys,
    blocks,
    clean_page,
    site_boilerplate,
)


def test_blocks_strip_and_skip_blank_lines() -> None:
    text = "  First line. \n\n\t\nSecond\r\n   \nthird  "
    spans = blocks(text)
    assert [text[s:e] for s, e in spans] == ["First line.", "Second", "third"]


def test_block_key_folds_typography_keeps_digits() -> None:
    assert block_key("Don’t  MISS   this") == block_key("don't miss this")
    assert block_key("Top 10 stories") != block_key("Top 11 stories")
    assert block_key("one two three").startswith("3:")
    text = "Share this\nBody line.\nShare this\n"
    assert block_keys(text) == [block_key("Share this"), block_key("Body line.")]


def test_site_blocks_are_removed_with_count() -> None:
    body = "Kosovo and Serbia resumed talks on Monday, officials said.\nFollow us on Mastodon"
    key = block_key("Follow us on Mastodon")
    cleaned = clean_page(body, title="Kosovo talks", site_blocks={key: 7})
    assert [r.reason for r in cleaned.removed] == [SITE_REASON.format(n=7)]
    assert cleaned.removed[0].reason == "site boilerplate (seen in 7 articles of this outlet)"
    assert cleaned.text.startswith("Kosovo and Serbia")


def test_site_boilerplate_thresholds() -> None:
    short = block_key("Sign up for our newsletter")
    long_para = block_key(" ".join(["word"] * 45))
    counts = {short: 3, long_para: 6, block_key("rare line"): 2}
    got = site_boilerplate(counts, 10)
    assert got == {short: 3}
    assert site_boilerplate(counts, 10, min_articles=4) == {}
    assert site_boilerplate({short: 3}, 20) == {}  # 15% < min_share
    # A long paragraph repeated across a few updates of one wire story is not boilerplate...
    assert site_boilerplate({long_para: 6}, 8) == {}
    # ...but one in nearly every article of the outlet is.
    assert site_boilerplate({long_para: 30}, 40) == {long_para: 30}
    assert site_boilerplate(counts, 0) == {}


PLAIN = [
    (
        "Council approves new bridge budget",
        "SPRINGFIELD (Reuters) — The city council on Tuesday approved a $40 million budget "
        "for the new river bridge, ending months of debate.\n\n"
        "“This bridge will connect two halves of our city,” Mayor Ann Lee told reporters "
        "after the vote.\n\n"
        "Construction is expected to begin in March and last two years, the council said.\n\n"
        "Opponents had argued that the bridge budget should go to road repairs instead.",
    ),
    (
        "Storm cuts power to thousands",
        "A storm cut power to thousands of homes overnight.\n"
        "Crews worked through the night.\n"
        "Power was restored by noon, the utility said.\n"
        "Schools stayed closed.",
    ),
    (
        "How to apply for the new housing grant",
        "The state opened applications for its new housing grant on Monday, officials said.\n"
        "Residents can apply for the housing grant in three steps:\n"
        "1. Check that your household income is below the grant limit.\n"
        "2. Gather proof of residence and income for the housing grant application.\n"
        "3. Submit the grant application online or at a county office before June 30.\n"
        "About 12,000 households are expected to apply for the grant, the state housing agency said.",
    ),
]


def test_plain_articles_lose_nothing() -> None:
    # A numbered list of full sentences on the article's topic is content (steps of an
    # explainer), unlike a list of numbered, Title Case, off-topic headlines.
    for title, body in PLAIN:
        cleaned = clean_page(body, title=title)
        assert cleaned.removed == (), [r.text for r in cleaned.removed]
        assert cleaned.text == "\n\n".join(body[s:e] for s, e in blocks(body))


_line = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.sampled_from(
        [
            "1",
            "2Top Story Of The Day",
            "Subscribe now",
            "© 2024 All rights reserved",
            "Officials said the talks would resume on Monday in Brussels.",
        ]
    ),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_line, max_size=25), st.one_of(st.none(), st.text(max_size=30)))
def test_kept_and_removed_partition_blocks(lines: list[str], title: str | None) -> None:
    text = "\n".join(lines)
    spans = blocks(text)
    cleaned = clean_page(text, title=title)
    removed = {(r.start, r.end) for r in cleaned.removed}
    for r in cleaned.removed:
        assert text[r.start : r.end] == r.text
    assert removed <= set(spans)
    kept = [text[s:e] for s, e in spans if (s, e) not in removed]
    assert cleaned.text == "\n\n".join(kept)
    assert len(kept) + len(removed) == len(spans)
