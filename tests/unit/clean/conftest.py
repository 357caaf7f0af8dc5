from __future__ import annotations

from pathlib import Path

import pytest

from ...conftest import shared_dir


def seeds_dir() -> Path | None:
    d = shared_dir() / "seeds"
    return d if d.is_dir() else None


@pytest.fixture(scope="session")
def seeds() -> dict[str, tuple[str, str]]:
    """Seed name prefix ("000", "001") -> (title, body)."""
    d = seeds_dir()
    if d is None:
        pytest.skip("seed articles not available")
    out: dict[str, tuple[str, str]] = {}
    for p in sorted(d.glob("*.txt")):
        title, _, body = p.read_text(encoding="utf-8").partition("\n")
        out[p.name[:3]] = (title, body)
    return out
