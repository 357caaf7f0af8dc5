"""Ten ``kill -9`` at random moments of a 3,000-article ingest, with readers running: the
store ends equal to an uninterrupted run's, readers never fail, and no process of a killed
run is left alive."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import storytrace

from ..concurrent_readers import Readers
from .test_example_corpus import partition
from .test_resume import _alive, _children, assert_consistent

REPO = Path(__file__).resolve().parents[2]


def _stream(shared_data: Path, folder: Path, n: int) -> Path:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from corpus import build_corpus
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    path = folder / "stream.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for a in build_corpus(n, seed=3).articles:
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")
    return path


def _links(db: str) -> set[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return set(
            conn.execute(
                "SELECT x.external_id, y.external_id FROM reprints r"
                " JOIN articles x ON x.id = r.a JOIN articles y ON y.id = r.b"
            ).fetchall()
        )
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc")
def test_ten_kills_with_readers_end_as_an_uninterrupted_run(
    shared_data: Path, tmp_path: Path
) -> None:
    stream = _stream(shared_data, tmp_path, 3000)
    clean = str(tmp_path / "clean.db")
    start = time.monotonic()
    storytrace.ingest([str(stream)], db=clean)
    whole = time.monotonic() - start
    db = str(tmp_path / "killed.db")
    cmd = [sys.executable, "-m", "storytrace.cli.main", "ingest", str(stream), "--db", db]
    rng = random.Random(21)
    kills = 0
    with Readers(db) as readers:
        while kills < 10:
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + rng.uniform(1.0, max(2.0, whole / 8))
            family: set[int] = set()
            while time.monotonic() < deadline and proc.poll() is None:
                family.update(_children(proc.pid))
                time.sleep(0.05)
            if proc.poll() is not None:
                break  # it finished first: the remaining kills have nothing left to hit
            family.update(_children(proc.pid))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
            wait_until = time.monotonic() + 10
            while time.monotonic() < wait_until and any(_alive(p) for p in family):
                time.sleep(0.1)
            assert [p for p in family if _alive(p)] == [], "a killed run left a process alive"
            assert_consistent(db)
        final = storytrace.ingest([str(stream)], db=db)
    assert kills == 10, f"only {kills} kills landed before the ingest finished"
    assert (
        final.added + final.already_ingested + final.duplicates + sum(final.rejected.values())
        == final.inputs
    )
    assert readers.failures == [] and readers.reads > 10
    assert_consistent(db)
    assert _links(db) == _links(clean)
    assert partition(db) == partition(clean)
