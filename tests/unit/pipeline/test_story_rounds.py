"""When the touched stories are re-checked: the rounds of a run's batches."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from storytrace.config import Config
from storytrace.pipeline.stories import StoryRounds


class _Pending:
    def __init__(self) -> None:
        self.ids: set[int] = set()

    def mark_pending(self, ids: Any) -> None:
        self.ids |= set(ids)

    def pending(self) -> set[int]:
        return set(self.ids)

    def clear_pending(self) -> None:
        self.ids.clear()


class _Store:
    def __init__(self) -> None:
        self.stories = _Pending()


def _rounds(every: int) -> tuple[StoryRounds, list[set[int]]]:
    checked: list[set[int]] = []
    rounds = StoryRounds(_Store(), Config(recheck_every=every), checked.append)  # type: ignore[arg-type]
    return rounds, checked


@pytest.mark.parametrize(
    ("every", "size", "since", "empty"),
    list(itertools.product([1, 150, 200, 450], [1, 7, 200], [0, 3, 120], [0, 1, 2, 5, 13])),
)
def test_empty_batches_at_once_make_the_rounds_one_by_one_would(
    every: int, size: int, since: int, empty: int
) -> None:
    one, one_checked = _rounds(every)
    many, many_checked = _rounds(every)
    for rounds in (one, many):
        rounds.after_batch({1}, since % every if every > 1 else 0)
    for _ in range(empty):
        one.after_batch(set(), size)
    many.skip(empty, size)
    assert one.since == many.since and one_checked == many_checked
    # ... and what comes after them too.
    for rounds in (one, many):
        rounds.after_batch({2}, size)
    assert one.since == many.since and one_checked == many_checked
