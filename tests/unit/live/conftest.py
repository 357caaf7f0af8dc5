"""The live tests talk to a news site on 127.0.0.1 (tests/live_server.py) and to nothing else."""

from __future__ import annotations

import pytest

from ...live_server import loopback_only, news_site

__all__ = ["loopback_only", "news_site"]


@pytest.fixture(autouse=True)
def _loopback(loopback_only: None) -> None:
    """Every test here fails a lookup of any name but 127.0.0.1."""
