"""Fixtures shared by the unit tests: the seed texts and the shared data folder.

tests/unit/clean overrides `seeds` with (title, body) pairs of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace.evidence.calibrate import data_dir

from ..conftest import shared_dir

SEEDS = shared_dir() / "seeds"


@pytest.fixture(scope="session")
def seeds() -> tuple[str, str]:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if len(files) < 2:
        pytest.skip("seed articles not found")
    return files[0].read_text("utf-8"), files[1].read_text("utf-8")


@pytest.fixture(scope="session")
def data() -> Path:
    d = data_dir()
    if d is None:
        pytest.skip("shared data dir not found (set STORYTRACE_DATA)")
    return d
