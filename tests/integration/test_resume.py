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


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _busy_ingest(tmp_path: Path) -> subprocess.Popen[str]:
    """An ingest of 3,000 generated articles with two workers, started in the background."""
    import json
    import random

    rng = random.Random(7)
    words = [f"w{i}" for i in range(3000)]
    with open(tmp_path / "many.jsonl", "w", encoding="utf-8") as fh:
        for i in range(3000):
            text = " ".join(rng.choice(words) for _ in range(300))
            fh.write(json.dumps({"id": str(i), "title": f"Report {i}", "text": text}) + "\n")
    cfg = tmp_path / "storytrace.toml"
    cfg.write_text("[ingest]\nbatch_size = 50\nworkers = 2\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "storytrace.cli.main", "ingest", str(tmp_path / "many.jsonl")]
    cmd += ["--db", str(tmp_path / "k.db"), "--config", str(cfg)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _wait_for_workers(proc: subprocess.Popen[str]) -> list[int]:
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and len(workers) < 2:
        workers = _children(proc.pid)
        time.sleep(0.05)
    if proc.poll() is not None:
        pytest.skip("the ingest finished before it could be stopped")
    return workers


def _left_alive(workers: list[int]) -> list[int]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    return left


@pytest.mark.slow  # kills a real ingest
@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc")
def test_a_killed_ingest_leaves_no_worker_behind(tmp_path: Path) -> None:
    proc = _busy_ingest(tmp_path)
    workers = _wait_for_workers(proc)
    assert len(workers) >= 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert _left_alive(workers) == []
    assert_consistent(str(tmp_path / "k.db"))


@pytest.mark.slow  # stops a real ingest
@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc")
def test_sigterm_stops_an_ingest_cleanly_and_says_so(tmp_path: Path) -> None:
    proc = _busy_ingest(tmp_path)
    workers = _wait_for_workers(proc)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert "terminated; what was committed is kept" in err and "Traceback" not in err
    assert _left_alive(workers) == []
    db = str(tmp_path / "k.db")
    assert_consistent(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM runs").fetchone()[0] == "interrupted"


def test_a_full_disk_stops_the_run_clearly_and_the_next_run_resumes(
    example_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's ``max_page_count`` stands in for the disk: past it, writes fail as on a full
    one (SQLITE_FULL)."""
    from storytrace.errors import StoreError
    from storytrace.store import store as store_module

    files = sorted(str(p) for p in example_corpus.iterdir() if p.suffix != ".json")
    first, second = files[: len(files) // 2], files[len(files) // 2 :]
    db = str(tmp_path / "full.db")
    storytrace.ingest(first, db=db)
    conn = sqlite3.connect(db)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    real_connect = store_module.connect

    def small_disk(path: str, *, read_only: bool = False) -> sqlite3.Connection:
        c = real_connect(path, read_only=read_only)
        if not read_only:
            c.execute(f"PRAGMA max_page_count = {pages + 40}")
        return c

    monkeypatch.setattr(store_module, "connect", small_disk)
    with pytest.raises(StoreError, match=r"is full .* free some space and run the same command"):
        storytrace.ingest(second, db=db, config=Config(batch_size=3))
    assert_consistent(db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= stored
    conn.close()

    monkeypatch.setattr(store_module, "connect", real_connect)
    report = storytrace.ingest(second, db=db, config=Config(batch_size=3))
    assert report.added > 0
    assert_consistent(db)
    clean = str(tmp_path / "clean.db")
    storytrace.ingest(first, db=clean)
    storytrace.ingest(second, db=clean, config=Config(batch_size=3))
    assert partition(db) == partition(clean)
