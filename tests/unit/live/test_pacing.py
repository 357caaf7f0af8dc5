"""The pause between two requests to one host, and the order of pages across hosts."""

from __future__ import annotations

from storytrace.live.pacing import HostPacer, interleave


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_a_host_waits_for_its_delay_and_other_hosts_do_not() -> None:
    clock = FakeClock()
    pacer = HostPacer(clock, clock.sleep)
    pacer.wait("a.example")
    pacer.done("a.example", 2.0)
    pacer.wait("b.example")  # another host: no pause
    pacer.done("b.example", 2.0)
    assert clock.slept == []
    clock.now += 0.5
    pacer.wait("a.example")
    assert clock.slept == [1.5]
    pacer.done("a.example", 2.0)
    clock.now += 3.0
    pacer.wait("a.example")  # the delay has passed already
    assert clock.slept == [1.5]


def test_pages_are_taken_one_host_at_a_time() -> None:
    urls = ["a1", "a2", "a3", "b1", "c1", "b2"]
    assert interleave(urls, key=lambda u: u[0]) == ["a1", "b1", "c1", "a2", "b2", "a3"]
    assert interleave([], key=lambda u: u) == []
