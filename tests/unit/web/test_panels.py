"""Pure helpers of the story page: segments, small timelines, layout, provenance."""

from __future__ import annotations

from storytrace.web import panels


def test_segments_cover_the_text_and_carry_overlapping_marks() -> None:
    text = "0123456789"
    spans = [{"start": 2, "end": 6, "n": 1}, {"start": 4, "end": 8, "n": 2}]
    segs = panels.segments(text, spans)
    assert "".join(s["text"] for s in segs) == text
    assert [(s["text"], [m["n"] for m in s["marks"]]) for s in segs] == [
        ("01", []),
        ("23", [1]),
        ("45", [1, 2]),
        ("67", [2]),
        ("89", []),
    ]
    assert panels.segments("abc", [{"start": 1, "end": 99}])[-1]["text"] == "bc"


def test_sparkline_spreads_times_within_the_span() -> None:
    xs = panels.sparkline(
        ["2026-01-01T00:00:00Z", None, "2026-01-02T00:00:00Z", "2026-01-01T12:00:00"]
    )
    assert len(xs) == 3 and xs[0] < xs[1] < xs[2]
    assert panels.sparkline([None]) == []
    assert panels.sparkline(["2026-01-01"]) == [60.0]


def test_layout_gives_each_outlet_a_lane_and_undated_a_column() -> None:
    arts = [
        {"id": 1, "outlet": "a", "published": "2026-01-01T00:00:00Z", "title": "t"},
        {"id": 2, "outlet": "b", "published": "2026-01-02T00:00:00Z", "title": "t"},
        {"id": 3, "outlet": "a", "published": None, "title": "t"},
    ]
    out = panels.layout(
        arts,
        [
            {"source": 1, "target": 2, "kind": "exact", "evidence": ""},
            {"source": 1, "target": 99, "kind": "exact", "evidence": ""},
        ],
    )
    assert [lane["name"] for lane in out["lanes"]] == ["a", "b"]
    x = {n["id"]: n["x"] for n in out["nodes"]}
    assert x[1] < x[2] < x[3]
    assert len(out["edges"]) == 1  # the edge to an article outside the story is dropped


def test_store_provenance_points_from_the_earlier_copy() -> None:
    detail = {
        "articles": [{"id": 1}, {"id": 2}, {"id": 3}],
        "reprints": [
            {"a": 1, "b": 2, "kind": "exact", "jaccard": 1.0, "passages": [{"words": 40}]},
            {"a": 2, "b": 3, "kind": "edited", "jaccard": 0.4, "passages": []},
        ],
    }
    prov = panels.store_provenance(detail)
    assert [(e["source"], e["target"]) for e in prov["edges"]] == [(1, 2), (2, 3)]
    assert prov["original"] == 1 and "40 words" in prov["edges"][0]["evidence"]


def test_store_provenance_says_when_the_order_is_uncertain() -> None:
    detail = {
        "articles": [
            {"id": 1, "published": "2026-03-10T06:40:00Z"},
            {"id": 2, "published": "2026-03-10"},
            {"id": 3, "published": "2026-03-11T08:00:00Z"},
        ],
        "reprints": [
            {"a": 2, "b": 1, "kind": "near-duplicate", "jaccard": 0.9, "passages": []},
            {"a": 1, "b": 3, "kind": "exact", "jaccard": 1.0, "passages": []},
        ],
    }
    evidence = [e["evidence"] for e in panels.store_provenance(detail)["edges"]]
    assert evidence[0].endswith("(same day; order uncertain)")
    assert "uncertain" not in evidence[1]


def test_layout_draws_a_bare_date_over_its_whole_day() -> None:
    arts = [
        {"id": 1, "outlet": "a", "published": "2026-03-10T06:40:00Z", "title": "t"},
        {"id": 2, "outlet": "b", "published": "2026-03-10", "title": "t"},
        {"id": 3, "outlet": "c", "published": "2026-03-11T12:00:00Z", "title": "t"},
    ]
    nodes = {n["id"]: n for n in panels.layout(arts, [])["nodes"]}
    day, moment = nodes[2], nodes[1]
    assert day["x_from"] < moment["x"] < day["x_to"] < nodes[3]["x"]
    assert day["published"] == "2026-03-10 (time unknown)"
    assert moment["x_from"] is None and moment["x_to"] is None
