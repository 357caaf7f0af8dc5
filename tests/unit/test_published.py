"""A date without a time is "some time that day": the order of two publications, as intervals."""

from __future__ import annotations

import pytest

from storytrace.published import order, published_interval, sort_key, uncertainty


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # the day overlaps every time of that day, whichever side it is on
        ("2026-03-10", "2026-03-10T06:40:00Z", "uncertain"),
        ("2026-03-10T23:59:59Z", "2026-03-10", "uncertain"),
        ("2026-03-10T00:00:00Z", "2026-03-10", "uncertain"),
        ("2026-03-10", "2026-03-10", "uncertain"),
        # a day ends where the next one begins (its end is exclusive)
        ("2026-03-10", "2026-03-11T00:00:00Z", "before"),
        ("2026-03-09T23:59:59Z", "2026-03-10", "before"),
        ("2026-03-11", "2026-03-10T23:00:00Z", "after"),
        ("2026-03-10", "2026-03-11", "before"),
        # exact times: strictly ordered, or the same moment
        ("2026-03-10T06:40:00Z", "2026-03-10T09:15:00Z", "before"),
        ("2026-03-10T09:15:00Z", "2026-03-10T06:40:00Z", "after"),
        ("2026-03-10T06:40:00Z", "2026-03-10T06:40:00+00:00", "uncertain"),
        # an offset is read as such: 23:30 at UTC-5 is 04:30 UTC the next day
        ("2026-03-10T23:30:00-05:00", "2026-03-11", "uncertain"),
        ("2026-03-10", "2026-03-10T23:30:00-05:00", "before"),
        # a time without a zone is UTC
        ("2026-03-10T06:40:00", "2026-03-10T06:41:00Z", "before"),
        (None, "2026-03-10", "unknown"),
        ("2026-03-10", "", "unknown"),
        ("not a date", "2026-03-10", "unknown"),
    ],
)
def test_order_of_two_publications(a: str | None, b: str | None, expected: str) -> None:
    assert order(a, b) == expected


def test_order_is_antisymmetric() -> None:
    values = [
        "2026-03-09",
        "2026-03-10",
        "2026-03-10T00:00:00Z",
        "2026-03-10T12:00:00Z",
        "2026-03-11T00:00:00Z",
        None,
    ]
    flip = {"before": "after", "after": "before", "uncertain": "uncertain", "unknown": "unknown"}
    for a in values:
        for b in values:
            assert order(b, a) == flip[order(a, b)], (a, b)


def test_a_day_is_an_interval_and_a_time_a_point() -> None:
    day = published_interval("2026-03-10")
    assert day is not None and not day.exact
    assert (day.end - day.start).total_seconds() == 86400
    moment = published_interval("2026-03-10T06:40:00Z")
    assert moment is not None and moment.exact
    assert published_interval("2026-02-30") is None


def test_uncertainty_is_worded_only_when_the_order_is_uncertain() -> None:
    assert uncertainty("2026-03-10", "2026-03-10T06:40:00Z") == "same day; order uncertain"
    assert uncertainty("2026-03-10T06:40:00Z", "2026-03-10T06:40:00Z") == (
        "same time; order uncertain"
    )
    assert uncertainty("2026-03-10T06:40:00Z", "2026-03-10T09:15:00Z") is None
    assert uncertainty(None, "2026-03-10") is None


def test_sort_key_puts_a_day_after_the_times_that_may_precede_it() -> None:
    values = [
        None,
        "2026-03-11T00:00:00Z",
        "2026-03-10",
        "2026-03-10T13:45:00Z",
        "2026-03-10T06:40:00Z",
        "2026-03-09",
    ]
    ordered = sorted(values, key=sort_key)
    assert ordered == [
        "2026-03-09",
        "2026-03-10T06:40:00Z",
        "2026-03-10T13:45:00Z",
        "2026-03-10",
        "2026-03-11T00:00:00Z",
        None,
    ]
    # whatever is certainly earlier sorts earlier
    for a in values:
        for b in values:
            if order(a, b) == "before":
                assert sort_key(a) < sort_key(b), (a, b)
