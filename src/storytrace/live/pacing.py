"""Politeness in time: a pause between two requests to one host, and an order of pages that
lets one host's pause pass while another host is read.

Requests are made one at a time, so no host ever has two at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")


class HostPacer:
    """Keeps at least the host's delay between the end of one request to it and the start of
    the next."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._free_at: dict[str, float] = {}

    def wait(self, host: str) -> None:
        """Sleep until ``host`` may be asked again."""
        pause = self._free_at.get(host, 0.0) - self._clock()
        if pause > 0:
            self._sleep(pause)

    def done(self, host: str, delay: float) -> None:
        """A request to ``host`` has ended; the next may start ``delay`` seconds from now."""
        self._free_at[host] = self._clock() + delay


def interleave(items: Sequence[T], key: Callable[[T], Hashable]) -> list[T]:
    """``items`` taken one per key in turn (hosts in order of first appearance), each key's
    items in their own order: ``a1 a2 b1 c1 b2`` -> ``a1 b1 c1 a2 b2``."""
    groups: dict[Hashable, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    out: list[T] = []
    rounds: Iterable[list[T]] = groups.values()
    depth = max((len(g) for g in rounds), default=0)
    for i in range(depth):
        out.extend(g[i] for g in groups.values() if i < len(g))
    return out


__all__ = ["HostPacer", "interleave"]
