"""Worker processes that end when their parent does, however the parent ended.

A ``kill -9`` of an ingest gives its workers no signal: they would go on holding memory (and
a half-read input) until their next task, which never comes. Each worker watches its parent's
pid from a daemon thread and exits when it changes (the orphan is re-parented to init or a
subreaper). Polling, rather than Linux's ``PR_SET_PDEATHSIG``, because that signal fires when
the *thread* that started the worker ends, which in a pool is not the parent's end.
"""

from __future__ import annotations

import os
import threading
import time

CHECK_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """Pool initializer: exit this process soon after ``parent`` is gone."""
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="storytrace-lifeline", daemon=True).start()
