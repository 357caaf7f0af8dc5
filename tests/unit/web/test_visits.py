"""The last-visit mark: requests close together are one visit; a pause starts the next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storytrace.web.visits import VISIT_GAP, last_visit

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_first_visit_marks_nothing_and_remembers_the_request() -> None:
    mark, cookie = last_visit(None, T0)
    assert mark is None
    assert cookie == "~2026-12-01T09:00:00Z"


def test_requests_within_a_visit_keep_its_mark() -> None:
    _, cookie = last_visit(None, T0)
    mark, cookie = last_visit(cookie, T0 + VISIT_GAP / 2)
    assert mark is None  # still the first visit: a reload does not mark everything as seen
    mark, _ = last_visit("2026-11-30T18:00:00Z~2026-12-01T09:00:00Z", T0 + VISIT_GAP / 2)
    assert mark == "2026-11-30T18:00:00Z"


def test_after_a_pause_the_previous_visit_is_the_mark() -> None:
    _, cookie = last_visit(None, T0)
    later = T0 + VISIT_GAP + timedelta(seconds=1)
    mark, cookie = last_visit(cookie, later)
    assert mark == "2026-12-01T09:00:00Z"
    assert cookie == "2026-12-01T09:00:00Z~2026-12-01T09:30:01Z"


def test_a_cookie_not_of_our_making_counts_as_none() -> None:
    for forged in (
        "x~y",
        "<script>~2026-12-01T09:00:00Z",
        "2026-12-01T09:00:00Z",
        "~2026-99-99T99:99:99Z",
    ):
        mark, cookie = last_visit(forged, T0)
        assert mark is None and cookie == "~2026-12-01T09:00:00Z"
