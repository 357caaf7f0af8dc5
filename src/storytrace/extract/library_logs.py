"""What the extraction libraries log while one page is extracted, kept instead of printed.

trafilatura (and htmldate, courlan, justext under it) log a warning per odd page ("discarding
data: None"); over a crawl that floods the terminal with lines that name no page. Held here,
they go into the page's reject when it has one, and to the debug log otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

LIBRARIES = ("trafilatura", "htmldate", "courlan", "justext")
log = logging.getLogger(__name__)


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a library's malformed log call must not fail the page
            message = str(record.msg)
        if message not in self.messages and len(self.messages) < 5:
            self.messages.append(message)


@contextmanager
def library_warnings() -> Iterator[list[str]]:
    """Collect the extraction libraries' warnings (at most five distinct ones) in the yielded
    list while the block runs; they are not printed. Not for use from several threads."""
    keep = _Keep()
    loggers = [logging.getLogger(name) for name in LIBRARIES]
    saved = [lg.propagate for lg in loggers]
    for lg in loggers:
        lg.addHandler(keep)
        lg.propagate = False
    try:
        yield keep.messages
    finally:
        for lg, propagate in zip(loggers, saved, strict=True):
            lg.removeHandler(keep)
            lg.propagate = propagate
        for message in keep.messages:
            log.debug("extraction library: %s", message)
