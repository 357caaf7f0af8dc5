from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from storytrace.pipeline.collection import fewer_collections


@pytest.fixture
def default_thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)


def test_the_young_threshold_is_raised_inside_and_restored_after(
    default_thresholds: tuple[int, int, int],
) -> None:
    with fewer_collections(5000):
        assert gc.get_threshold() == (5000, 10, 10)
    assert gc.get_threshold() == default_thresholds


def test_the_thresholds_are_restored_when_the_block_raises(
    default_thresholds: tuple[int, int, int],
) -> None:
    with pytest.raises(KeyError), fewer_collections(5000):
        raise KeyError("x")
    assert gc.get_threshold() == default_thresholds


def test_a_higher_threshold_set_by_the_caller_is_kept(
    default_thresholds: tuple[int, int, int],
) -> None:
    gc.set_threshold(50_000, 20, 30)
    with fewer_collections(5000):
        assert gc.get_threshold() == (50_000, 20, 30)
    assert gc.get_threshold() == (50_000, 20, 30)
