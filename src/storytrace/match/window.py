"""Publication times as numbers, for the reprint window of the ingest."""

from __future__ import annotations

import math
from datetime import UTC, datetime

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def days_since_epoch(published: str | None) -> float | None:
    """ISO 8601 time -> days since 1970-01-01 UTC (naive times are UTC); ``None`` when missing
    or unreadable (such an article is a candidate for every other)."""
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH).total_seconds() / 86400


def within(a: float | None, b: float | None, window_days: float) -> bool:
    """Whether two articles are within the window of each other (an undated one always is)."""
    if a is None or b is None or math.isnan(a) or math.isnan(b):
        return True
    return abs(a - b) <= window_days
