"""One way to cut a stream into batches."""

from __future__ import annotations

import pytest

from storytrace.batches import batched


def test_batches_keep_every_item_in_order_and_read_lazily() -> None:
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []
    endless = batched(iter(int, 1), 2)  # an infinite iterator: only what is asked is read
    assert next(endless) == [0, 0]


def test_a_batch_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        list(batched([1], 0))
