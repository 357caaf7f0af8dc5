"""Which article of a reprint link is stored first (``reprints.a``): the likely source."""

from __future__ import annotations

import numpy as np

from storytrace.pipeline.reprints import Linkable, source_first


def _art(i: int, published: str | None, shingles: int) -> Linkable:
    return Linkable(i, published, "text", np.arange(shingles, dtype=np.uint64))


def test_certainly_earlier_is_first_whatever_the_length() -> None:
    early, late = _art(2, "2026-03-10T06:40:00Z", 10), _art(1, "2026-03-10T09:15:00Z", 90)
    assert [x.id for x in source_first(late, early)] == [2, 1]
    assert [x.id for x in source_first(early, late)] == [2, 1]


def test_same_day_goes_to_the_fuller_text_not_to_the_bare_date() -> None:
    # As strings, "2026-03-10" sorts before "2026-03-10T06:40:00Z"; as times, neither is first.
    day, timed = _art(1, "2026-03-10", 50), _art(2, "2026-03-10T06:40:00Z", 80)
    assert [x.id for x in source_first(day, timed)] == [2, 1]
    assert [x.id for x in source_first(timed, day)] == [2, 1]


def test_dated_before_undated_and_ties_by_id() -> None:
    dated, undated = _art(5, "2026-03-10", 10), _art(1, None, 90)
    assert [x.id for x in source_first(undated, dated)] == [5, 1]
    a, b = _art(3, None, 40), _art(4, None, 40)
    assert [x.id for x in source_first(b, a)] == [3, 4]
