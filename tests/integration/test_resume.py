"""A killed or interrupted run leaves the database consistent, and the next run resumes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import storytrace
from storytrace import Config
from storytrace.pipeline.stories import AssignStories

from .test_example_corpus import partition


def assert_consistent(db: str) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # Every stored article went through every stage: a batch is all or nothing.
        orphans = conn.execute(
            "SELECT count(*) FROM articles a LEFT JOIN story_members m ON m.article_id = a.id"
            " WHERE m.article_id IS NULL OR a.evidence IS NULL OR a.shingles IS NULL"
        ).fetchone()[0]
        assert orphans == 0
        unrecorded = conn.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS"
            " (SELECT 1 FROM inputs i WHERE i.article_id = a.id AND i.status = 'added')"
        ).fetchone()[0]
        assert unrecorded == 0
        counts = conn.execute(
            "SELECT count(*) FROM stories s WHERE s.articles !="
            " (SELECT count(*) FROM story_members m WHERE m.story_id = s.id)"
        ).fetchone()[0]
        assert counts == 0
    finally:
        conn.close()


def test_interrupted_run_rolls_back_its_batch_and_resumes(
    example_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "x.db")
    original = AssignStories.__call__
    calls = {"n": 0}

    def flaky(self: AssignStories, article_id: int) -> int:
        calls["n"] += 1
        if calls["n"] == 8:
            raise KeyboardInterrupt
        return original(self, article_id)

    monkeypatch.setattr(AssignStories, "__call__", flaky)
    with pytest.raises(KeyboardInterrupt):
        storytrace.ingest([str(example_corpus)], db=db, config=Config(batch_size=3))
    assert_consistent(db)
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    status = conn.execute("SELECT status FROM runs").fetchone()[0]
    waiting = conn.execute("SELECT count(*) FROM recheck_pending").fetchone()[0]
    conn.close()
    assert stored == 6  # two full batches of 3; the third was rolled back
    assert status == "interrupted"
    assert waiting > 0  # their stories wait for the re-check the run did not reach

    monkeypatch.setattr(AssignStories, "__call__", original)
    report = storytrace.ingest([str(example_corpus)], db=db, config=Config(batch_size=3))
    assert report.already_ingested == 6
    assert_consistent(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM recheck_pending").fetchone()[0] == 0
    clean_db = str(tmp_path / "clean.db")
    storytrace.ingest([str(example_corpus)], db=clean_db)
    assert partition(db) == partition(clean_db)


@pytest.mark.slow  # kills a real ingest
def test_killed_process_leaves_a_consistent_database(example_corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    cfg = tmp_path / "storytrace.toml"
    cfg.write_text("[ingest]\nbatch_size = 1\nworkers = 1\n", encoding="utf-8")
    cmd = [
        sys.executable,
        "-m",
        "storytrace.cli.main",
        "ingest",
        str(example_corpus),
        "--db",
        str(db),
        "--config",
        str(cfg),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                conn = sqlite3.connect(str(db), timeout=0.1)
                stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                conn.close()
            except sqlite3.Error:
                stored = 0
            if stored >= 5:
                break
        time.sleep(0.02)
    if proc.poll() is not None:
        pytest.skip("the ingest finished before it could be killed")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert_consistent(str(db))
    conn = sqlite3.connect(str(db))
    assert conn.execute("SELECT status FROM runs").fetchone()[0] == "running"
    conn.close()
    report = storytrace.ingest([str(example_corpus)], db=str(db))
    assert report.already_ingested >= 5
    assert_consistent(str(db))
    clean_db = str(tmp_path / "clean.db")
    storytrace.ingest([str(example_corpus)], db=clean_db)
    assert partition(str(db)) == partition(clean_db)


def test_single_batches_record_the_run_they_belong_to(example_corpus: Path, tmp_path: Path) -> None:
    from storytrace.io import read_inputs
    from storytrace.pipeline.extract_pool import ExtractionPool
    from storytrace.pipeline.ingest import Ingester
    from storytrace.store import Store

    docs = list(read_inputs([str(example_corpus)]))[:3]
    with Store(tmp_path / "one.db") as store, ExtractionPool(workers=1) as pool:
        ingester = Ingester(store, Config())
        ingester.run_id = store.start_run("single adds", {})
        for doc in docs:
            ingester._run_batch([doc], pool)
        runs = {r[0] for r in store.conn.execute("SELECT DISTINCT run_id FROM inputs")}
        events = {r[0] for r in store.conn.execute("SELECT DISTINCT run_id FROM story_events")}
    assert runs == events == {ingester.run_id} and ingester.run_id > 0
