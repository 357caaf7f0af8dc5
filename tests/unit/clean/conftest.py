from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def data_dir() -> Path | None:
    env = os.environ.get("STORYTRACE_DATA")
    for cand in ([Path(env)] if env else []) + [REPO.parent / "shared" / "data"]:
        if cand.is_dir():
            return cand
    return None


def seeds_dir() -> Path | None:
    d = data_dir()
    for cand in ([d.parent / "seeds"] if d else []) + [REPO.parent / "shared" / "seeds"]:
        if cand.is_dir():
            return cand
    return None


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


@pytest.fixture(scope="session")
def textclean_pages() -> list[dict[str, object]]:
    d = data_dir()
    path = d / "textclean" / "dev.jsonl" if d else None
    if path is None or not path.is_file():
        pytest.skip("textclean data not available")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for _, line in zip(range(100), fh, strict=False)]
