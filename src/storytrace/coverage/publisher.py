"""Who published a page, from the page's own words: the outlet it names when it speaks of itself.

Used when an input carries neither a URL nor an outlet. Pages name their publisher in
disclaimers ("The Western Journal has not reviewed this Associated Press story", "provided to
our readers as a service from The Western Journal", "The BBC is not responsible for the content
of external sites"), legal notices ("RFE/RL has been declared an undesirable organization",
"X is a registered trademark") and copyright lines ("© 2024 X. All rights reserved"). These
sit in the boilerplate that cleaning removes, so both the removed blocks and the kept text are
read; the news itself can name other outlets, so a notice that could also be news (a "declared"
line) counts only in the boilerplate.

A news agency is never a page's publisher here: a page that credits "this Associated Press
story" or "© 2024 The Associated Press" is most often a reprint, and an agency as outlet would
make the copy the wire's own article in provenance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .agencies import Agencies, default_agencies
from .text import UPPER, sentences

MAX_SENTENCE = 300

_TOKEN = rf"[{UPPER}][\w&'’./-]*"
_LINK = r"(?:of|the|and|for|on|in|with|de|du|la|del|di|&)"
_NAME = rf"(?P<name>{_TOKEN}(?:[ \t]+(?:{_LINK}[ \t]+)?{_TOKEN}){{0,11}})"
_LEAD = r"^(?:(?:Note|Editor['’]s\s+note|Disclaimer)\s*:\s*)?"
_YEAR = r"(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?"


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    in_text: bool
    """Whether the rule also counts in the kept text (else only in removed boilerplate)."""


KINDS = ("disclaimer", "legal", "trademark", "copyright")
"""Kinds of naming, the strongest first."""

RULES = (
    Rule(
        "disclaimer",
        re.compile(
            _LEAD + _NAME + r"\s+(?:has|have)\s+not\s+(?:reviewed|edited|verified|fact-checked)\b"
        ),
        True,
    ),
    Rule(
        "disclaimer", re.compile(_LEAD + _NAME + r"\s+(?:is|are)\s+not\s+responsible\s+for\b"), True
    ),
    Rule(
        "disclaimer",
        re.compile(
            r"\bprovided\s+to\s+(?:our|its)\s+readers\b[^.;]{0,60}?\b(?:from|by)\s+" + _NAME
        ),
        True,
    ),
    Rule("disclaimer", re.compile(r"\bas\s+a\s+service\s+(?:from|of|by)\s+" + _NAME), True),
    Rule(
        "legal",
        re.compile(
            _LEAD + _NAME + r"\s+(?:has|have)\s+been\s+(?:declared|designated|labell?ed|branded)\b"
        ),
        False,
    ),
    Rule(
        "trademark",
        re.compile(_LEAD + _NAME + r"\s*[®™]?\s+(?:is|are)\s+(?:a\s+)?registered\s+trademarks?\b"),
        True,
    ),
    Rule(
        "copyright",
        re.compile(
            # the word at the head of a line: "... Millennium Copyright Act" names no one
            r"(?:©|\(c\)|^\W{0,3}Copyright\b)\s*(?:©\s*)?(?P<year>" + _YEAR + r")?\s*,?\s*" + _NAME
        ),
        True,
    ),
)

# Not publishers: stock-photo libraries that sign image credits.
_PHOTO_LIBRARIES = frozenset(
    "getty images|shutterstock|alamy|istock|istockphoto|dreamstime|unsplash|pexels|epa".split("|")
)
# Words that begin a sentence, not a name ("The" alone; "The Western Journal" is a name).
_NOT_NAMES = frozenset(
    "this it we our all these those photo photos image images copyright content story "
    "article video the a an".split()
)
# A name ends before these words ("X Powered by Y", "X Ltd. Registered in England") and
# before "All Rights Reserved" ...
_STOP = frozenset("powered privacy terms sitemap cookies contact registered".split())
# ... and at its legal form ("Embarque Inc.", "The Wood Whisperer Inc. The Wood Whisperer").
_LEGAL_FORM = frozenset("inc llc ltd limited co corp gmbh bv b.v sa s.a pte pc pty plc".split())


@dataclass(frozen=True, slots=True)
class Publisher:
    """The outlet a page names as its own, and the sentence that names it."""

    name: str
    sentence: str


def _clean_name(raw: str) -> str:
    words = raw.split()
    if words and words[0].lower() == "by":
        words = words[1:]
    for i, word in enumerate(words):
        bare = word.lower().strip(".,;:")
        rights = bare == "all" and (i + 1 == len(words) or words[i + 1].lower().startswith("right"))
        if bare in _STOP or rights or (i > 0 and bare in _LEGAL_FORM):
            words = words[:i]
            break
    return " ".join(words).strip(" .,;:®™'’-")


def _key(name: str) -> str:
    """Two spellings of one name ("The Western Journal", "Western Journal") share a key."""
    return re.sub(r"^the\s+", "", name.lower()).strip()


def _acceptable(name: str, agencies: Agencies) -> bool:
    words = name.split()
    if not words or len(words) > 12:
        return False
    if words[0].lower() in _NOT_NAMES and (words[0].lower() != "the" or len(words) == 1):
        return False
    if _key(name) in _PHOTO_LIBRARIES or agencies.lookup(name) is not None:
        return False
    forms = agencies.pattern()
    return not (forms and re.search(r"(?<![\w-])(?:" + forms + r")(?![\w-])", name))


def _found(block: str, where: str, agencies: Agencies) -> list[tuple[int, int, int, str, str]]:
    """(rank of its kind, 0 for boilerplate or 1 for text, rank of its rule, name, sentence)
    of every naming in ``block``."""
    out = []
    reserved = "rights reserved" in block.lower()
    for s in sentences(block):
        text = " ".join(s.text.split())
        for order, rule in enumerate(RULES):
            if where == "text" and not rule.in_text:
                continue
            m = rule.pattern.search(text)
            if m is None:
                continue
            if rule.kind == "copyright" and not (m.group("year") or reserved):
                continue  # "© Jane Doe" signs a photo; a site's line has a year or reserves rights
            name = _clean_name(m.group("name"))
            if _acceptable(name, agencies):
                kind, place = KINDS.index(rule.kind), 0 if where == "boilerplate" else 1
                out.append((kind, place, order, name, text[:MAX_SENTENCE]))
    return out


def infer_publisher(
    text: str, boilerplate: Sequence[str] = (), *, agencies: Agencies | None = None
) -> Publisher | None:
    """The outlet the page names as its own, or None when it names none, or two equally.

    ``text`` is the cleaned body, ``boilerplate`` the blocks cleaning removed from it. The
    strongest kind of naming wins (disclaimer, legal notice, trademark, copyright), the
    boilerplate before the text, then the name named most often; a tie between two names is
    no answer.
    """
    ag = agencies or default_agencies()
    hits = [h for block in boilerplate for h in _found(block, "boilerplate", ag)]
    hits += _found(text, "text", ag)
    if not hits:
        return None
    # per name: its strongest naming (kind, place, how often named), the rule's order only
    # choosing which of its sentences to show
    best: dict[str, tuple[int, int, int, int, str, str]] = {}
    for kind, place, order, name, sentence in hits:
        key = _key(name)
        count = sum(1 for h in hits if _key(h[3]) == key)
        candidate = (kind, place, -count, order, name, sentence)
        if key not in best or candidate < best[key]:
            best[key] = candidate
    ranked = sorted(best.values())
    if len(ranked) > 1 and ranked[0][:3] == ranked[1][:3]:
        return None
    *_, name, sentence = ranked[0]
    return Publisher(name, sentence)
