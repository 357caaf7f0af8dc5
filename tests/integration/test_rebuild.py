"""``storytrace rebuild``: the same articles and stories under new fixed settings, history kept,
and the old file untouched until the new one is complete."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import storytrace
from storytrace import Config, ConfigError, StoreError
from storytrace.store import settings as fixed

from .test_example_corpus import expected_partition, partition

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "corpus"


@pytest.fixture
def corpus_db(tmp_path: Path) -> Path:
    """The example corpus and one empty file (a reject), ingested with the default settings."""
    empty = tmp_path / "inputs" / "empty.txt"
    empty.parent.mkdir()
    empty.write_text("   \n", encoding="utf-8")
    db = tmp_path / "corpus.db"
    report = storytrace.ingest([str(EXAMPLE), str(empty)], db=str(db))
    assert report.added > 30 and sum(report.rejected.values()) == 1
    return db


def _articles(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT id, source, kind, url, outlet, published, title, raw, body, text, meta"
            " FROM articles ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def _table(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_rebuild_with_another_shingle_size_keeps_articles_and_stories(corpus_db: Path) -> None:
    before = _articles(corpus_db)
    runs_before = _table(corpus_db, "SELECT id, command, status FROM runs ORDER BY id")
    rejects_before = _table(corpus_db, "SELECT source, reason FROM rejects")
    shingles_before = _table(corpus_db, "SELECT sum(length(shingles)) FROM articles")[0][0]

    result = storytrace.rebuild(db=str(corpus_db), shingle_size=7)

    assert result.articles == len(before)
    assert _articles(corpus_db) == before  # same ids, inputs, cleaned texts and metadata
    assert partition(str(corpus_db)) == expected_partition(EXAMPLE)
    assert _table(corpus_db, "SELECT sum(length(shingles)) FROM articles")[0][0] != shingles_before
    with storytrace.Store(corpus_db, read_only=True) as store:
        assert fixed.stored(store.conn) == {
            "shingle_size": 7,
            "anchor_modulus": 8,
            "signature_version": fixed.SIGNATURE_VERSION,
        }
    runs = _table(corpus_db, "SELECT id, command, status FROM runs ORDER BY id")
    assert runs[: len(runs_before)] == runs_before  # the history, then the rebuild's run
    assert (
        len(runs) == len(runs_before) + 1
        and runs[-1][1].startswith("rebuild")
        and runs[-1][2] == "done"
    )
    assert _table(corpus_db, "SELECT source, reason FROM rejects") == rejects_before
    assert sorted(p.name for p in corpus_db.parent.iterdir()) == ["corpus.db", "inputs"]

    # The new settings are now the fixed ones: the same inputs are already ingested ...
    again = storytrace.ingest([str(EXAMPLE)], db=str(corpus_db), config=Config(shingle_size=7))
    assert again.added == 0 and again.already_ingested == again.inputs
    # ... and the old ones are refused.
    with pytest.raises(ConfigError, match="shingle_size=7.*shingle_size=5"):
        storytrace.ingest([str(EXAMPLE)], db=str(corpus_db))


def test_rebuild_keeps_when_each_article_was_ingested(corpus_db: Path) -> None:
    conn = sqlite3.connect(corpus_db)
    # ingested over several days: article N on day N of 2020
    conn.execute("UPDATE articles SET added = printf('2020-01-%02dT00:00:00Z', 1 + id % 28)")
    conn.execute(
        "UPDATE stories SET updated = (SELECT max(a.added) FROM story_members m"
        " JOIN articles a ON a.id = m.article_id WHERE m.story_id = stories.id)"
    )
    conn.commit()
    conn.close()
    added = _table(corpus_db, "SELECT source, added FROM articles ORDER BY source")
    updated = sorted(_table(corpus_db, "SELECT title, updated FROM stories WHERE articles > 0"))
    storytrace.rebuild(db=str(corpus_db), shingle_size=7)
    assert _table(corpus_db, "SELECT source, added FROM articles ORDER BY source") == added
    assert sorted(_table(corpus_db, "SELECT title, updated FROM stories WHERE articles > 0")) == (
        updated
    )
    since = storytrace.stories(db=str(corpus_db), since="2020-01-20")
    assert since and all(s["updated"] >= "2020-01-20" for s in since)


def test_an_interrupted_rebuild_leaves_the_old_file(
    corpus_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storytrace.pipeline import ingest as runner

    before = _articles(corpus_db)
    real = runner.Ingester._finish
    calls = 0

    def finish_then_stop(self: runner.Ingester, *args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise KeyboardInterrupt
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner.Ingester, "_finish", finish_then_stop)
    with pytest.raises(KeyboardInterrupt):
        storytrace.rebuild(
            db=str(corpus_db), config=Config(batch_size=5, workers=1), shingle_size=6
        )
    monkeypatch.undo()
    assert _articles(corpus_db) == before
    with storytrace.Store(corpus_db, read_only=True) as store:
        assert fixed.stored(store.conn)["shingle_size"] == 5
    assert not [
        p.name for p in corpus_db.parent.iterdir() if ".rebuild" in p.name or ".bak" in p.name
    ]


def test_a_rebuild_that_would_lose_articles_changes_nothing(
    corpus_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storytrace.extract import html

    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("the extractor broke")

    monkeypatch.setattr(html, "_extract", broken)
    before = _articles(corpus_db)
    with pytest.raises(
        StoreError,
        match=r"ingested \d+ of the \d+ stored articles again .*extract-failed.*unchanged",
    ):
        storytrace.rebuild(db=str(corpus_db), config=Config(workers=1), anchor_modulus=4)
    assert _articles(corpus_db) == before
    assert not (corpus_db.parent / "corpus.db.rebuild").exists()


def test_rebuild_brings_an_older_schema_up_to_date(corpus_db: Path) -> None:
    conn = sqlite3.connect(corpus_db)
    conn.execute("DROP TABLE settings")
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="older storytrace .* rebuild"):
        storytrace.stories(db=str(corpus_db))
    storytrace.rebuild(db=str(corpus_db))
    assert partition(str(corpus_db)) == expected_partition(EXAMPLE)


def test_rebuild_refuses_what_it_cannot_do(tmp_path: Path, corpus_db: Path) -> None:
    with pytest.raises(StoreError, match="no database at"):
        storytrace.rebuild(db=str(tmp_path / "typo.db"))
    assert not (tmp_path / "typo.db").exists()
    backup = corpus_db.parent / "corpus.db.bak"
    shutil.copy(corpus_db, backup)
    with pytest.raises(StoreError, match="corpus.db.bak exists"):
        storytrace.rebuild(db=str(corpus_db))


def test_rebuild_command(corpus_db: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "storytrace.cli.main", "--db", str(corpus_db), *args],
            capture_output=True,
            text=True,
            timeout=300,
        )

    result = run("rebuild", "--anchor-modulus", "4", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["settings"]["anchor_modulus"] == 4 and out["articles"] == out["ingest"]["added"] > 30
    assert out["stories"] == len(expected_partition(EXAMPLE))
    refused = run("ingest", str(EXAMPLE))
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        f"storytrace: error: {corpus_db} was built with anchor_modulus=4, but this run asks for "
        "anchor_modulus=8; these settings are fixed per database: use the stored values (in "
        f"storytrace.toml [ingest]), or run `storytrace --db {corpus_db} rebuild --anchor-modulus 8` "
        "to re-derive the database with the new ones"
    ]
    summary = run("rebuild")
    assert summary.returncode == 0, summary.stderr
    assert (
        summary.stdout.startswith(f"rebuilt {corpus_db}: ") and "anchor_modulus=8" in summary.stdout
    )
