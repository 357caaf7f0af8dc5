"""A few hundred generated hostile inputs against a store that holds the example corpus.

The same check runs over 10,000 and more with ``python benchmarks/bench_hostile.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import storytrace

from .hostile import ingest_and_check, write_hostile


@pytest.mark.slow  # a real ingest in a subprocess
def test_hostile_inputs_are_each_accounted_for_and_lose_nothing(
    example_corpus: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "store.db")
    storytrace.ingest([str(example_corpus)], db=db)
    written = write_hostile(tmp_path / "hostile", 300, seed=11, max_bytes=200_000)
    try:
        figures = ingest_and_check(db, written, max_bytes=200_000, timeout=600)
    finally:
        written.close()
    assert figures["added"] >= len(written.valid) > 0
    assert figures["rejected:not-a-file"] >= 1 and figures["rejected:too-short"] >= 1
