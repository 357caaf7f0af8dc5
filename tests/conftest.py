"""Shared fixtures: where the real data and the seeds are, and the example corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """../shared beside the checkout, or $STORYTRACE_SHARED."""
    env = os.environ.get("STORYTRACE_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def data_dir() -> Path:
    env = os.environ.get("STORYTRACE_DATA")
    return Path(env) if env else shared_dir() / "data"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that reads the shared real data is slow, marked or not (``-m "not slow"``
    leaves it out)."""
    for item in items:
        if "shared_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    path = shared_dir() / "seeds"
    if not path.is_dir():
        pytest.skip(f"seed articles not found at {path} (set STORYTRACE_SHARED)")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = data_dir()
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path} (set STORYTRACE_DATA)")
    return path


@pytest.fixture(scope="session")
def example_corpus() -> Path:
    return REPO / "examples" / "corpus"


EXAMPLE_ARTICLES = len(
    json.loads((REPO / "examples" / "expected.json").read_text(encoding="utf-8"))["articles"]
)
"""How many articles the example corpus holds (its gold labels list each one)."""
