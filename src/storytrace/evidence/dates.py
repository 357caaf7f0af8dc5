"""Dates, months, weekdays and years mentioned in a text, and the publication time.

Two events of the same kind (two earthquakes, two visits) are told apart by when they
happened: full dates that disagree, or publication times months apart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache

from storytrace.evidence.terms import positions

# English and the commonest other languages of the data; folded (no accents).
_MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    [
        "january jan januar enero janvier styczen styczna ocak",
        "february feb februar febrero fevrier luty lutego subat",
        "march mar marz marzo mars marzec marca mart",
        "april apr abril avril kwiecien kwietnia nisan",
        "may mai mayo maj maja mayis",
        "june jun juni junio juin czerwiec czerwca haziran",
        "july jul juli julio juillet lipiec lipca temmuz",
        "august aug agosto aout sierpien sierpnia agustos",
        "september sep sept septiembre septembre wrzesien wrzesnia eylul",
        "october oct oktober octubre octobre pazdziernik pazdziernika ekim",
        "november nov noviembre novembre listopad listopada kasim",
        "december dec dezember diciembre decembre grudzien grudnia aralik",
    ],
    start=1,
):
    for _n in _names.split():
        _MONTHS[_n] = _i
_AMBIGUOUS_MONTHS = frozenset({"may", "mar", "jun", "jan", "dec", "mai", "maj", "sep", "oct"})
_WEEKDAYS = {
    w: i
    for i, ws in enumerate(
        [
            "monday montag lunes lundi poniedzialek pazartesi",
            "tuesday dienstag martes mardi wtorek sali",
            "wednesday mittwoch miercoles mercredi sroda carsamba",
            "thursday donnerstag jueves jeudi czwartek persembe",
            "friday freitag viernes vendredi piatek cuma",
            "saturday samstag sabado samedi sobota cumartesi",
            "sunday sonntag domingo dimanche niedziela pazar",
        ]
    )
    for w in ws.split()
}
# "2009-11-30", "11/30/09", "30.11.2009". The first digit is matched before the alternatives
# (the word boundary before it checked behind it) so that the regex engine can skip to the
# next digit instead of trying both alternatives at every position (same matches).
_NUMERIC_DATE = re.compile(
    r"\d(?<!\w\d)(?:(\d{3})-(\d{1,2})-(\d{1,2})\b|(\d?)[/.](\d{1,2})[/.](\d{2,4})\b)"
)


def is_year(tok: str) -> bool:
    return len(tok) == 4 and tok.isdigit() and 1900 <= int(tok) <= 2100


def month_of(tok: str) -> int | None:
    return _MONTHS.get(tok.rstrip("."))


def extract_dates(
    tokens: list[str], text: str, counts: Mapping[str, int] | None = None
) -> tuple[list[str], list[int], list[int], list[int]]:
    """(dates as "YYYY-MM-DD" or "MM-DD", years, months, weekdays) found in folded ``tokens``.

    ``counts``: the tokens' counts when the caller has them (only distinct tokens are read).
    """
    dates: set[str] = set()
    n = len(tokens)
    distinct = counts.keys() if counts is not None else set(tokens)
    years = {int(t) for t in distinct if is_year(t)}
    weekdays = {_WEEKDAYS[t] for t in distinct & _WEEKDAYS.keys()}
    months: set[int] = set()
    # Only the positions of month names are visited (the rest of the text has none).
    for tok in distinct & _MONTHS.keys():
        m = _MONTHS[tok]
        for i in positions(tokens, tok):
            prev = tokens[i - 1] if i else ""
            nxt = tokens[i + 1] if i + 1 < n else ""
            day = None
            if nxt.isdigit() and 1 <= int(nxt) <= 31:
                day, after = int(nxt), tokens[i + 2] if i + 2 < n else ""
            elif prev.isdigit() and 1 <= int(prev) <= 31:
                day, after = int(prev), nxt
            else:
                after = nxt
            if tok in _AMBIGUOUS_MONTHS and day is None and not is_year(after):
                continue  # "may" the verb, "mar" the verb
            months.add(m)
            if day is not None:
                dates.add(f"{after}-{m:02d}-{day:02d}" if is_year(after) else f"{m:02d}-{day:02d}")
    for mt in _NUMERIC_DATE.finditer(text):
        first = mt.group()[0]
        if mt.group(1) is not None:
            y, mo, d = int(first + mt.group(1)), int(mt.group(2)), int(mt.group(3))
        else:  # 11/30/09 (US) or 30.11.2009 (Europe): month is whichever fits
            a, b, y = int(first + mt.group(4)), int(mt.group(5)), int(mt.group(6))
            y = y + 2000 if y < 100 else y
            mo, d = (a, b) if a <= 12 else (b, a)
        if 1 <= mo <= 12 and 1 <= d <= 31 and 1900 <= y <= 2100:
            dates.add(f"{y}-{mo:02d}-{d:02d}")
            years.add(y)
            months.add(mo)
    return sorted(dates), sorted(years), sorted(months), sorted(weekdays)


def parse_published(value: str | None) -> datetime | None:
    """ISO-ish timestamp or date to an aware UTC datetime; None when it cannot be read."""
    if not value:
        return None
    v = value.strip().replace("Z", "+00:00")
    for cand in (v, v[:19], v[:10]):
        try:
            dt = datetime.fromisoformat(cand)
        except ValueError:
            continue
        return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    return None


@lru_cache(maxsize=65536)
def date_distance_days(a: str, b: str) -> float | None:
    """Days between two mentioned dates; "MM-DD" dates compare within a year."""
    if len(a) == 10 and len(b) == 10:
        return abs((datetime.fromisoformat(a) - datetime.fromisoformat(b)).days)
    ma, da = int(a[-5:-3]), int(a[-2:])
    mb, db = int(b[-5:-3]), int(b[-2:])
    diff = abs((ma * 31 + da) - (mb * 31 + db))
    return float(min(diff, 372 - diff))


def describe_gap(days: float) -> str:
    if days < 1.0 / 24:
        return "less than an hour"
    if days < 1:
        h = round(days * 24)
        return f"{h} hour{'s' if h != 1 else ''}"
    if days < 45:
        d = round(days)
        return f"{d} day{'s' if d != 1 else ''}"
    if days < 700:
        m = round(days / 30.4)
        return f"{m} months"
    return f"{days / 365.25:.0f} years"
