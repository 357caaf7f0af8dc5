"""A wall-clock limit for extraction, for code that has no timeout of its own.

trafilatura's own timeout works only in its command-line tool, so the limit is enforced
here with ``SIGALRM`` (``signal.setitimer``). That is possible only on POSIX and in the main
thread of a process, which is how the runner calls extraction (one worker process per core).
Elsewhere (threads, Windows) the code runs without a limit. The alarm interrupts Python
code; a single long call inside a C library is interrupted when it returns.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class ExtractTimeout(BaseException):
    """Raised inside the limited block when time is up.

    A BaseException, so that ``except Exception`` blocks inside libraries do not swallow it.
    """


def can_limit() -> bool:
    """Whether :func:`time_limit` can enforce a limit here (POSIX, main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[bool]:
    """Raise :class:`ExtractTimeout` in the block after ``seconds``; yields whether it is enforced.

    None, 0, a negative or infinite value, or an unsupported context means no limit. A timer
    that was running before is restarted afterwards with its remaining time.
    """
    if seconds is None or not math.isfinite(seconds) or seconds <= 0 or not can_limit():
        yield False
        return

    def _alarm(signum: int, frame: FrameType | None) -> None:
        raise ExtractTimeout

    old_handler = signal.signal(signal.SIGALRM, _alarm)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler if old_handler is not None else signal.SIG_DFL)
        if old_delay > 0:
            left = max(old_delay - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, old_interval)
