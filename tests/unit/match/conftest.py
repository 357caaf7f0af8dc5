"""Shared fixtures: the two seed articles and the story paragraphs of the first."""

from __future__ import annotations

import pytest

from ...conftest import shared_dir

SEEDS = shared_dir() / "seeds"


def _seed(prefix: str) -> str:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip(f"seed {prefix} not available")
    return found[0].read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_ap() -> str:
    return _seed("000")


@pytest.fixture(scope="session")
def seed_rewrite() -> str:
    return _seed("001")


@pytest.fixture(scope="session")
def story_paras(seed_ap: str) -> list[str]:
    """The AP story's body paragraphs (title and publisher boilerplate dropped)."""
    paras = [p.strip() for p in seed_ap.split("\n\n") if p.strip()]
    body = [p for p in paras[1:] if not p.startswith("Watch:")]
    end = next(i for i, p in enumerate(body) if p.startswith("The Western Journal"))
    assert end >= 8
    return body[:end]
