"""What every ingest step has: a name, its own counters (drop reasons among them) and its time.

A step is a small object with one job, called by the runner (:mod:`.ingest`) inside the batch's
transaction. Its rule lives in a pure function elsewhere (``match``, ``clean``, ``stories``);
the step reads what the rule needs from the store, calls it, and writes the result back. The
Spark backend calls the same pure functions on its own data.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager


class Step:
    """Base of the runner's steps: ``counts`` and ``seconds`` are reported per step."""

    name = "step"

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.seconds = 0.0

    @contextmanager
    def timed(self) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - start

    def stats(self) -> dict[str, object]:
        return {"seconds": round(self.seconds, 3), **dict(sorted(self.counts.items()))}
