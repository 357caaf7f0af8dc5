"""``clean_page(..., extracted=True)``: only notices at the edges of extracted text go."""

from __future__ import annotations

from storytrace.clean import clean_page

TITLE = "Flooding closes schools across the valley"
BODY = [
    "Heavy rain flooded roads across the valley on Tuesday, and officials closed schools in "
    "three districts as the river rose above its banks.",
    "Officials said the schools would stay closed until the water receded, and that buses "
    "would not run on the flooded valley roads.",
    "Residents of the lower valley were told to move to higher ground before nightfall.",
]
PROMPT = "Follow us on Facebook, Twitter and Instagram."


def test_trailing_share_prompt_removed_body_kept() -> None:
    text = "\n".join([*BODY, PROMPT])
    got = clean_page(text, title=TITLE, extracted=True)
    assert got.text == "\n\n".join(BODY)
    assert [r.text for r in got.removed] == [PROMPT]
    assert got.removed[0].reason == "share/subscribe prompt"


def test_prompt_inside_the_body_is_left_alone() -> None:
    text = "\n".join([BODY[0], PROMPT, *BODY[1:]])
    got = clean_page(text, title=TITLE, extracted=True)
    assert got.removed == ()
    assert PROMPT in got.text


def test_seed_news_paragraphs_all_kept(seeds: dict[str, tuple[str, str]]) -> None:
    for title, body in seeds.values():
        got = clean_page(body, title=title, extracted=True)
        kept = got.text
        assert kept
        for line in body.splitlines():
            line = line.strip()
            if len(line.split()) >= 25 and line.endswith((".", '"', "”")):
                assert line in kept, line
