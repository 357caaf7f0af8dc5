"""When an article was published, as an interval: a date without a time means "some time that day".

``articles.published`` is ISO 8601: ``YYYY-MM-DDTHH:MM:SSZ`` when the time is known,
``YYYY-MM-DD`` when only the day is (see :func:`storytrace.extract.meta.normalize_date`). A bare
day is the interval [00:00, 24:00) of that day in UTC: the stored form keeps no time zone for a
date, and the input rarely gave one. Two publications are in a known order only when their
intervals cannot overlap; otherwise the order is uncertain, and whoever decides who copied whom
must take the direction from other evidence (containment, the wire's own site, a dateline).

Every rule that compares publication times for direction (reprint links, provenance, timelines)
uses :func:`order` and :func:`sort_key`, so a day-only date cannot be "earlier" in one place and
"later" in another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

Order = Literal["before", "after", "uncertain", "unknown"]
"""How the publication of one article stands to another's: ``uncertain`` when their intervals
overlap (the same day, or the same moment), ``unknown`` when either has no date."""

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UNDATED = (float("inf"), float("inf"))


@dataclass(frozen=True, slots=True)
class Published:
    """A publication time: ``start == end`` for an exact time, else the day [start, end)."""

    start: datetime
    end: datetime

    @property
    def exact(self) -> bool:
        return self.start == self.end


def published_interval(value: str | None) -> Published | None:
    """The interval of a stored ``published`` value; None when missing or unreadable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if _DAY.match(text):
        try:
            day = datetime.fromisoformat(text).replace(tzinfo=UTC)
        except ValueError:
            return None
        return Published(day, day + timedelta(days=1))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return Published(moment, moment)


def _before(a: Published, b: Published) -> bool:
    # A day's end is exclusive: the day 2026-03-10 is before 2026-03-11T00:00:00Z.
    return a.end < b.start or (not a.exact and a.end == b.start)


def order(a: str | None, b: str | None) -> Order:
    """Whether ``a`` was certainly published ``before`` or ``after`` ``b``."""
    ia, ib = published_interval(a), published_interval(b)
    if ia is None or ib is None:
        return "unknown"
    if _before(ia, ib):
        return "before"
    if _before(ib, ia):
        return "after"
    return "uncertain"


def uncertainty(a: str | None, b: str | None) -> str | None:
    """Words for an uncertain order ("same day; order uncertain"), None when the order is known
    or either date is missing."""
    if order(a, b) != "uncertain":
        return None
    ia, ib = published_interval(a), published_interval(b)
    if ia is not None and ib is not None and ia.exact and ib.exact:
        return "same time; order uncertain"
    return "same day; order uncertain"


def sort_key(value: str | None) -> tuple[float, float]:
    """Time order for lists and for deciding who may have copied whom: by the latest moment the
    article may have been published, so an article comes after every article that may precede
    it (a bare day after that day's exact times); undated last."""
    found = published_interval(value)
    if found is None:
        return _UNDATED
    return (found.end.timestamp(), found.start.timestamp())
