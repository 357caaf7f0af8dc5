"""Where the research scripts find the shared real data."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """$STORYTRACE_DATA, else ``$STORYTRACE_SHARED/data``, else ``../shared/data`` beside the
    repository (the same lookup as the tests)."""
    if os.environ.get("STORYTRACE_DATA"):
        return Path(os.environ["STORYTRACE_DATA"])
    shared = os.environ.get("STORYTRACE_SHARED")
    return (Path(shared) if shared else REPO.parent / "shared") / "data"
