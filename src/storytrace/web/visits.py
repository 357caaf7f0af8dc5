""" "New since your last visit": the end of the reader's previous visit, kept in a cookie.

The app stores nothing about its readers: the cookie holds two times, the end of the previous
visit and the last request. Requests less than :data:`VISIT_GAP` apart are one visit, so
reloading the list does not wipe its marks; after a longer pause, the last request becomes
the mark for the next visit.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from ..since import STORED, stored_time

COOKIE = "storytrace_visit"
VISIT_GAP = timedelta(minutes=30)
MAX_AGE = 400 * 24 * 3600  # the longest lifetime browsers keep a cookie
_TIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"
_VALUE = re.compile(rf"^({_TIME})?~({_TIME})$")


def last_visit(cookie: str | None, now: datetime) -> tuple[str | None, str]:
    """(when the reader's previous visit ended, or None on a first visit; the cookie's new
    value). A cookie that is not of our making counts as none."""
    found = _VALUE.match(cookie or "")
    mark: str | None = None
    if found:
        mark, last = found.group(1), found.group(2)
        try:
            if now - datetime.strptime(last, STORED).replace(tzinfo=now.tzinfo) > VISIT_GAP:
                mark = last
        except ValueError:  # a well-formed but impossible time: start afresh
            mark = None
    return mark, f"{mark or ''}~{stored_time(now)}"
