"""Pure functions of storytrace.coverage: attribution, quotes, figures, provenance, HTML escaping."""

from __future__ import annotations

import pytest

from storytrace.coverage import (
    Agencies,
    attribution,
    compare_texts,
    load_agencies,
    parse_agency,
    provenance,
    render_html,
)
from storytrace.coverage.agencies import agencies_from_toml
from storytrace.coverage.facts import group_figures
from storytrace.coverage.quotes import article_quotes, relation
from storytrace.errors import ConfigError
from storytrace.model import Article
from storytrace.published import order

HOSTILE = '<script>alert(1)</script> and "><img src=x onerror=alert(2)>'


def test_reuters_dateline_and_credits() -> None:
    text = (
        "LONDON, March 3 (Reuters) - Prices rose.\n\nWith reporting from Agence France-Presse.\n\n"
        "The figures were confirmed, according to Xinhua."
    )
    claims = attribution(text)
    got = {(c.kind, c.agency) for c in claims}
    assert ("dateline", "Reuters") in got
    assert ("reporting", "Agence France-Presse") in got
    assert ("according-to", "Xinhua") in got


def test_no_dateline_in_plain_prose() -> None:
    claims = attribution("Officials (and others) - said things.\n\nThe AP was not involved.")
    assert not [c for c in claims if c.kind == "dateline"]


def test_unknown_agency_needs_registration() -> None:
    text = "GALATI, Romania (MP) — Barges wait."
    [c] = [c for c in attribution(text) if c.kind == "dateline"]
    assert c.agency is None and c.source == "MP"
    ag = load_agencies(["Meridian Press=MP"], use_config=False)
    [c] = [c for c in attribution(text, agencies=ag) if c.kind == "dateline"]
    assert c.agency == "Meridian Press"


def test_agency_spec_and_toml(tmp_path) -> None:  # type: ignore[no-untyped-def]
    a = parse_agency("Meridian Press=MP,MPA@meridianpress.example")
    assert a.codes == ("MP", "MPA") and a.domains == ("meridianpress.example",)
    with pytest.raises(ConfigError):
        parse_agency("=MP")
    cfg = tmp_path / "storytrace.toml"
    cfg.write_text('[coverage]\nagencies = { "Meridian Press" = "MP" }\n', encoding="utf-8")
    [b] = agencies_from_toml(cfg)
    assert b.name == "Meridian Press" and b.codes == ("MP",)
    ag = load_agencies(config=cfg)
    assert isinstance(ag, Agencies) and ag.lookup("MP") is not None
    assert ag.lookup("Associated Press") is not None  # the packaged list is kept


def test_quote_speakers_and_relations() -> None:
    text = (
        'Dacic said Serbia "would not do anything without consulting Russia," adding that '
        '"Russia is our biggest friend."\n\n"The customs lanes can open in weeks. The channel '
        'is a different story," said Ioana Petrescu of the association.'
    )
    qs = article_quotes(1, text)
    assert [q.speaker for q in qs] == ["Dacic", "Dacic", "Ioana Petrescu"]
    assert relation(("a", "b", "c", "d"), ("b", "c")) == "shortened"
    assert relation(("a", "b", "c"), ("x", "y", "z")) is None


def test_percent_wordings_match_and_conflicts_flagged() -> None:
    r = group_figures(
        {
            1: "A 100% tariff. The quake killed 19 people.",
            2: "A 100 percent tariff. The quake killed 23 people.",
        }
    )
    pct = next(f for f in r["figures"] if f["unit"] == "%")
    assert pct["article_ids"] == [1, 2] and set(pct["wordings"]) == {"100%", "100 percent"}
    assert any(c["a_values"] == [19.0] and c["b_values"] == [23.0] for c in r["conflicts"])


def _art(i: int, text: str, published: str | None = None, outlet: str | None = None) -> Article:
    return Article(id=i, outlet=outlet, url=None, published=published, title=f"T{i}", text=text)


WIRE = (
    "GALATI, Romania (MP) — Ministers agreed on Tuesday to expand the route.\n\n"
    '"We are not building a new corridor. We are removing the bottlenecks," Voinea said.\n\n'
    '"Every day a barge waits at anchor is a day a farmer waits," Marchenko said.\n\n'
    "The two governments estimate the cost at 180 million euros and hope for EU money.\n\n"
    "Barges have waited up to nine days at anchor near the mouth of the river this winter, "
    "pushing up freight costs for traders who ship wheat and corn to buyers abroad.\n\n"
    "Romania will also add customs staff at the ports of Galati and Braila, and open two more "
    "inspection lanes for barges coming down from upstream terminals by the spring.\n\n"
    "Exports along the route reached about 11 million metric tons last year, officials said."
)


def test_provenance_rewrite_and_independent() -> None:
    wire = _art(1, WIRE, "2026-03-10T06:40:00Z", "meridianpress.example")
    rewrite = _art(
        2,
        "Officials met in Galati on a cold morning to sign a deal that traders have "
        "awaited for months, with barges queuing near the river mouth since January and "
        'freight costs rising for every exporter in the region. "We are not building a new corridor. We are removing '
        'the bottlenecks," Voinea said. Marchenko added: "Every day a barge waits at '
        'anchor is a day a farmer waits."',
        "2026-03-10T15:00:00Z",
    )
    other = _art(
        3,
        "A library reopened in Riverbend after a refurbishment of the reading rooms.",
        "2026-03-10T16:00:00Z",
    )
    ag = load_agencies(["Meridian Press=MP"], use_config=False)
    claims = {
        a.id: attribution(a.text, outlet=a.outlet, agencies=ag) for a in (wire, rewrite, other)
    }
    g = provenance([wire, rewrite, other], claims=claims)
    assert [(e.source, e.target, e.kind) for e in g.edges] == [(1, 2, "rewrite")]
    assert g.original == 1 and isinstance(g.wire, dict) and g.wire["agency"] == "Meridian Press"
    assert {n["id"]: n["role"] for n in g.nodes} == {1: "original", 2: "rewrite", 3: "independent"}


def test_provenance_reprint_prefers_agency_over_date_only_copy() -> None:
    wire = _art(1, WIRE, "2026-03-10T06:40:00Z", "meridianpress.example")
    copy = _art(2, WIRE + "\n\nSign up for our newsletter.", "2026-03-10")  # date only
    ag = load_agencies(["Meridian Press=MP"], use_config=False)
    claims = {a.id: attribution(a.text, outlet=a.outlet, agencies=ag) for a in (wire, copy)}
    g = provenance([wire, copy], claims=claims)
    assert [(e.source, e.target, e.kind, e.evidence["variant"]) for e in g.edges] == [
        (1, 2, "reprint", "verbatim")
    ]


def test_html_escapes_article_text() -> None:
    a = _art(1, WIRE + "\n\n" + HOSTILE, "2026-03-10T06:40:00Z")
    b = _art(2, WIRE + "\n\nA line of its own " + HOSTILE, "2026-03-11T06:40:00Z")
    report = compare_texts([a, b])
    page = render_html(report)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert page.count("<script>") == 1  # only the page's own
    assert "<mark " in page and "<svg" in page and 'class="quotes"' in page


def test_provenance_same_day_copy_says_the_order_is_uncertain() -> None:
    wire = _art(1, WIRE, "2026-03-10T06:40:00Z", "meridianpress.example")
    copy = _art(2, WIRE + "\n\nSign up for our newsletter.", "2026-03-10")
    ag = load_agencies(["Meridian Press=MP"], use_config=False)
    claims = {a.id: attribution(a.text, outlet=a.outlet, agencies=ag) for a in (wire, copy)}
    (edge,) = provenance([wire, copy], claims=claims).edges
    assert (edge.source, edge.target) == (1, 2)  # the wire's own site decides, not the day
    assert edge.evidence["order"] == "same day; order uncertain"


def test_provenance_never_draws_a_copy_before_its_source() -> None:
    # The wire's own article was published after a copy: times that are certain win.
    wire = _art(1, WIRE, "2026-03-10T12:00:00Z", "meridianpress.example")
    early = _art(2, WIRE + "\n\nRead more on our site.", "2026-03-10T08:00:00Z")
    late = _art(3, WIRE + "\n\nSubscribe to the morning letter.", "2026-03-10T15:00:00Z")
    ag = load_agencies(["Meridian Press=MP"], use_config=False)
    claims = {a.id: attribution(a.text, outlet=a.outlet, agencies=ag) for a in (wire, early, late)}
    g = provenance([wire, early, late], claims=claims)
    published = {n["id"]: n["published"] for n in g.nodes}
    assert len(g.edges) == 2
    for e in g.edges:
        assert order(published[e.source], published[e.target]) == "before"
        assert e.evidence["order"] == "published earlier"


def test_provenance_same_day_with_no_agency_follows_containment() -> None:
    full = _art(1, WIRE, "2026-03-10")
    trimmed = _art(2, WIRE.rsplit("\n\n", 2)[0], "2026-03-10T07:00:00Z")
    (edge,) = provenance([trimmed, full]).edges
    assert (edge.source, edge.target) == (1, 2)  # the fuller text holds the trimmed one
    assert edge.evidence["order"] == "same day; order uncertain"


def test_rewrite_on_the_same_day_takes_its_direction_from_the_wire_dateline() -> None:
    wire = _art(1, WIRE, "2026-03-10")
    rewrite = _art(
        2,
        "Officials met in Galati on a cold morning to sign a deal that traders have "
        "awaited for months, with barges queuing near the river mouth since January and "
        'freight costs rising for every exporter in the region. "We are not building a new '
        'corridor. We are removing the bottlenecks," Voinea said. Marchenko added: "Every day '
        'a barge waits at anchor is a day a farmer waits."',
        "2026-03-10T05:00:00Z",
    )
    ag = load_agencies(["Meridian Press=MP"], use_config=False)
    claims = {a.id: attribution(a.text, outlet=a.outlet, agencies=ag) for a in (wire, rewrite)}
    (edge,) = provenance([rewrite, wire], claims=claims).edges
    assert (edge.source, edge.target, edge.kind) == (1, 2, "rewrite")
    assert edge.evidence["direction"].startswith("same day; order uncertain: carries the MP")
    assert edge.evidence["order"] == "same day; order uncertain"


def test_two_rewrites_without_times_or_attribution_do_not_rewrite_each_other() -> None:
    quotes = (
        '"We are not building a new corridor, we are removing bottlenecks," Voinea said. '
        '"Every day a barge waits at anchor is a day a farmer waits," Marchenko said.'
    )
    a = _art(1, "Officials signed a river deal in Galati on Tuesday. " + quotes)
    b = _art(2, "Traders welcomed news of a grain route agreement reached this week. " + quotes)
    g = provenance([a, b], compute_links=False)
    rewrites = [(e.source, e.target) for e in g.edges if e.kind == "rewrite"]
    assert len(rewrites) == 1
