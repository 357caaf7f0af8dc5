"""`--since` / `?since=`: a time, a day or an age, as the store writes ingest times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storytrace.since import parse_since, stored_time

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1h", "2026-12-01T11:00:00Z"),
        ("90m", "2026-12-01T10:30:00Z"),
        ("2d", "2026-11-29T12:00:00Z"),
        ("1w", "2026-11-24T12:00:00Z"),
        ("2026-12-01", "2026-12-01T00:00:00Z"),
        ("2026-12-01T00:00", "2026-12-01T00:00:00Z"),
        ("2026-12-01T09:00+02:00", "2026-12-01T07:00:00Z"),
        ("2026-12-01T09:00:30Z", "2026-12-01T09:00:30Z"),
        (" 2026-12-01T09:00 ", "2026-12-01T09:00:00Z"),
    ],
)
def test_since_values(value: str, expected: str) -> None:
    assert parse_since(value, NOW) == expected


@pytest.mark.parametrize("value", ["", "yesterday", "5y", "2026-13-01", "999999w", "1 hour ago"])
def test_unreadable_since_names_what_is_accepted(value: str) -> None:
    with pytest.raises(ValueError, match=r"since must be .* 2026-12-01T09:00"):
        parse_since(value, NOW)


def test_stored_form_sorts_as_time() -> None:
    earlier = stored_time(datetime(2026, 12, 1, 9, 59, 59, tzinfo=UTC))
    later = parse_since("2026-12-01T10:00", NOW)
    assert earlier < later
    assert parse_since(later, NOW) == later  # a stored time reads back as itself
