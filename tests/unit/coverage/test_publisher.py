"""Who published a page, from its own words: self-references win, credited agencies never do."""

from __future__ import annotations

import pytest

from storytrace.coverage.publisher import infer_publisher

NEWS = (
    "Serbia on Wednesday sought to secure a greater Russian role in talks with Kosovo.\n\n"
    "Foreign Minister Ivica Dacic said after meeting his Russian counterpart that Serbia "
    "would not act without consulting Russia."
)


def test_disclaimer_names_the_site_not_the_agency_it_credits() -> None:
    boilerplate = [
        "The Western Journal has not reviewed this Associated Press story prior to publication. "
        "It is provided to our readers as a service from The Western Journal.",
        "The Associated Press is an independent, not-for-profit news cooperative.",
    ]
    found = infer_publisher(NEWS, boilerplate)
    assert found is not None and found.name == "The Western Journal"
    assert found.sentence.startswith("The Western Journal has not reviewed")


def test_legal_notice_counts_in_the_boilerplate_only() -> None:
    notice = 'RFE/RL has been declared an "undesirable organization" by the Russian government.'
    found = infer_publisher(NEWS, ["Editors' Picks", notice])
    assert found is not None and (found.name, found.sentence) == ("RFE/RL", notice)
    # The same words in the news are news about another outlet, not a self-reference.
    news = NEWS + "\n\nMeduza has been declared an undesirable organization by Moscow."
    assert infer_publisher(news, ["Editors' Picks"]) is None


@pytest.mark.parametrize(
    "credits",
    [
        ["This Associated Press story was distributed to members."],
        ["© 2024 The Associated Press. All rights reserved."],
        ["Copyright 2024 Thomson Reuters. All rights reserved."],
        ["Photo provided by AFP. © AP Photo/Darko Vojinovic 2024"],
        ["© 2024 AP Photo/Darko Vojinovic"],
    ],
)
def test_a_page_that_only_credits_an_agency_gets_no_outlet(credits: list[str]) -> None:
    assert infer_publisher(NEWS, credits) is None


def test_photo_credits_are_not_publishers() -> None:
    assert infer_publisher(NEWS, ["© Jane Doe"]) is None  # no year, no rights reserved
    assert infer_publisher(NEWS, ["© 2024 Getty Images"]) is None


def test_copyright_line_with_year_or_reserved_rights() -> None:
    found = infer_publisher(NEWS, ["© 2024 Example Gazette. All rights reserved."])
    assert found is not None and found.name == "Example Gazette"
    found = infer_publisher(NEWS, ["Copyright © Harbour Times Ltd. All Rights Reserved"])
    assert found is not None and found.name == "Harbour Times"


def test_stronger_naming_wins_and_a_tie_is_no_answer() -> None:
    # a disclaimer beats a copyright line of another name
    found = infer_publisher(
        NEWS,
        ["© 2024 Parent Media Group. All rights reserved.", "The Daily Example is not responsible "
         "for the content of external sites."],
    )  # fmt: skip
    assert found is not None and found.name == "The Daily Example"
    # two names in the same kind of line, once each: which one is the site's is not known
    tie = ["© 2024 First Gazette. All rights reserved.", "© 2024 Second Courier."]
    assert infer_publisher(NEWS, tie) is None
    # the boilerplate's naming beats the text's
    text = NEWS + "\n\n© 2024 Text Herald. All rights reserved."
    found = infer_publisher(text, ["© 2024 Chrome Herald. All rights reserved."])
    assert found is not None and found.name == "Chrome Herald"


def test_no_naming_no_outlet() -> None:
    assert infer_publisher(NEWS) is None
    assert infer_publisher("", []) is None


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Copyright © 2025 Splashtop Inc. All rights reserved.", "Splashtop"),
        ("Copyright © 2025 Whova All Rights reserved.", "Whova"),
        ("© 2018-2025 It's All Trip To Me.", "It's All Trip To Me"),
        ("© 2025 The Hechinger Report Powered by Newspack", "The Hechinger Report"),
        ("Copyright © 2006-2023 The Wood Whisperer Inc. The Wood Whisperer Guild", "The Wood Whisperer"),
        ("© 2025 By The Rector And Visitors Of The University Of Virginia",
         "The Rector And Visitors Of The University Of Virginia"),
        ("© 2026 Adventures with Pinny LLC | All Rights Reserved", "Adventures with Pinny"),
    ],
)  # fmt: skip
def test_a_copyright_line_gives_the_name_without_its_legal_tail(line: str, name: str) -> None:
    found = infer_publisher(NEWS, [line])
    assert found is not None and found.name == name


def test_the_copyright_act_names_no_one() -> None:
    line = "This website is protected under the US Digital Millennium Copyright Act. All rights reserved."
    assert infer_publisher(NEWS, [line]) is None
