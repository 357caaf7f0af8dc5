"""Fixtures shared by the unit tests: the seed texts.

tests/unit/clean overrides `seeds` with (title, body) pairs of its own.
"""

from __future__ import annotations

import pytest

from ..conftest import shared_dir

SEEDS = shared_dir() / "seeds"


@pytest.fixture(scope="session")
def seeds() -> tuple[str, str]:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if len(files) < 2:
        pytest.skip("seed articles not found")
    return files[0].read_text("utf-8"), files[1].read_text("utf-8")
