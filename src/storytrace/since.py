""" "Since when": the moment a ``--since``/``?since=`` value names, as the store writes times.

Ingest times (``articles.added``, ``stories.updated``) are stored as ``YYYY-MM-DDTHH:MM:SSZ``
(UTC), so a moment in that same form compares with them as text, in SQL, through an index.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

STORED = "%Y-%m-%dT%H:%M:%SZ"
_AGO = re.compile(r"^(\d{1,6})\s*(s|sec|m|min|h|d|w)$", re.IGNORECASE)
_UNIT = {
    "s": timedelta(seconds=1),
    "sec": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}
HELP = (
    "a time like 2026-12-01T09:00 (UTC unless it says otherwise), a day like 2026-12-01, "
    "or an age like 90m, 1h, 2d, 1w"
)


def stored_time(moment: datetime) -> str:
    """A moment in the store's form (UTC); a naive one is taken as UTC."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime(STORED)


def parse_since(value: str, now: datetime) -> str:
    """``value`` (see :data:`HELP`) as a stored time; ``now`` is what an age counts back from.

    Raises ValueError with a sentence that names what is accepted.
    """
    text = value.strip()
    try:
        ago = _AGO.match(text)
        if ago:
            return stored_time(now - int(ago.group(1)) * _UNIT[ago.group(2).lower()])
        if len(text) == 10:
            return stored_time(datetime.combine(date.fromisoformat(text), datetime.min.time()))
        return stored_time(datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00")))
    except (ValueError, OverflowError):
        pass
    raise ValueError(f"since must be {HELP}; got {value!r}")
