"""Bad inputs are rejected with the file, line and reason; the rest goes on; nothing stored is touched."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import socket
from pathlib import Path

import pytest

import storytrace
from storytrace import Config
from storytrace.store import Store

GOOD = """Harbour reopens after storm repairs

The port of Lindqvist reopened on Tuesday after three weeks of repairs to its storm-damaged breakwater, the harbour authority said.

"We expect traffic to be back to normal by the end of the month," said harbour master Elin Strand.

Repairs cost 4.2 million crowns, paid from the regional emergency fund.
"""


def _snapshot(db: str, up_to: int = 1) -> str:
    """A digest of the articles with id <= up_to: what was stored before the bad run."""
    with Store(db) as store:
        rows = store.conn.execute(
            "SELECT id, url, title, raw, body, text FROM articles WHERE id <= ? ORDER BY id",
            (up_to,),
        ).fetchall()
    return hashlib.sha256(json.dumps([list(r) for r in rows]).encode()).hexdigest()


@pytest.fixture
def db_with_one_article(tmp_path: Path) -> str:
    good = tmp_path / "good"
    good.mkdir()
    (good / "port.txt").write_text(GOOD, encoding="utf-8")
    db = str(tmp_path / "x.db")
    assert storytrace.ingest([str(good)], db=db).added == 1
    return db


def test_every_bad_input_is_rejected_with_its_reason(
    db_with_one_article: str, tmp_path: Path
) -> None:
    before = _snapshot(db_with_one_article)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "latin1.txt").write_bytes(
        "Caf\xe9 au lait\n\nUn texte en latin-1 sans d\xe9claration.".encode("latin-1")
    )
    (bad / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (bad / "empty.txt").write_bytes(b"")
    (bad / "blank.txt").write_text("   \n\n  \n", encoding="utf-8")
    (bad / "huge.txt").write_text("Big\n\n" + "word " * 5000, encoding="utf-8")
    (bad / "rows.jsonl").write_text(
        json.dumps(
            {
                "id": "r1",
                "title": "Ferry strike ends",
                "text": "Ferry crews returned to work on Monday after a two-day strike over pay, the union said.",
            }
        )
        + "\n{not json\n"
        + json.dumps(["a", "list"])
        + "\n"
        + json.dumps({"id": "r4", "title": "No body"})
        + "\n",
        encoding="utf-8",
    )
    (bad / "rows.csv").write_text(
        'id,title,text\nc1,Bridge opens,"The new bridge over the Vass river opened to traffic on Friday, officials said."\nc2,"broken\n',
        encoding="utf-8",
    )
    (bad / "empty.html").write_text(
        "<html><head><title>x</title></head><body></body></html>", encoding="utf-8"
    )
    with gzip.open(bad / "trunc.html.gz", "wb") as fh:
        fh.write(b"<html><body><p>" + b"a" * 1000)
    trunc = (bad / "trunc.html.gz").read_bytes()
    (bad / "trunc.html.gz").write_bytes(trunc[: len(trunc) // 2])
    (bad / "broken.warc.gz").write_bytes(
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort"
    )

    report = storytrace.ingest(
        [str(bad)], db=db_with_one_article, config=Config(max_bytes=10_000, workers=1)
    )

    rejects = storytrace.rejects(db=db_with_one_article)
    by_file = {}
    for r in rejects:
        by_file.setdefault(Path(r["source"].split(":")[0].split("#")[0]).name, []).append(r)
    assert by_file["latin1.txt"][0]["reason"] == "decode-error"
    assert by_file["image.txt"][0]["reason"] == "binary"
    assert by_file["empty.txt"][0]["reason"] == "empty"
    assert by_file["blank.txt"][0]["reason"] == "empty"
    assert by_file["huge.txt"][0]["reason"] == "too-large"
    jsonl = {r["source"].rsplit(":", 1)[1]: r["reason"] for r in by_file["rows.jsonl"]}
    assert jsonl == {"2": "malformed-json", "3": "malformed-json", "4": "missing-text"}
    assert [r["reason"] for r in by_file["rows.csv"]] == ["malformed-csv"]
    assert by_file["empty.html"][0]["reason"] == "extract-failed"
    assert by_file["trunc.html.gz"][0]["reason"] in ("decode-error", "unreadable", "extract-failed")
    assert by_file["broken.warc.gz"][0]["reason"] == "malformed-warc"
    assert all(r["detail"] for r in rejects)
    # The good rows in the same files went in, and nothing stored before changed.
    assert report.added == 2
    with Store(db_with_one_article) as store:
        titles = {r[0] for r in store.conn.execute("SELECT title FROM articles")}
    assert {"Ferry strike ends", "Bridge opens"} <= titles
    assert report.summary().count("rejected") == 1
    assert _snapshot(db_with_one_article) == before


def test_missing_path_is_reported_not_fatal(db_with_one_article: str, tmp_path: Path) -> None:
    report = storytrace.ingest([str(tmp_path / "nope.txt")], db=db_with_one_article)
    assert report.rejected["unreadable"] == 1
    assert report.added == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_special_files_are_rejects_and_never_opened(
    db_with_one_article: str, tmp_path: Path
) -> None:
    """A FIFO with no writer would block a read forever; /dev/zero would never end."""
    bad = tmp_path / "special"
    bad.mkdir()
    os.mkfifo(bad / "pipe.jsonl")
    os.symlink("/dev/zero", bad / "zero.txt")
    os.symlink(bad / "loop-b.html", bad / "loop-a.html")
    os.symlink(bad / "loop-a.html", bad / "loop-b.html")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(bad / "sock.csv"))
    (bad / "port.txt").write_text(GOOD.replace("Lindqvist", "Norrvik"), encoding="utf-8")
    before = _snapshot(db_with_one_article)
    try:
        report = storytrace.ingest([str(bad)], db=db_with_one_article)
    finally:
        server.close()
    reasons = {
        Path(r["source"]).name: (r["reason"], r["detail"])
        for r in storytrace.rejects(db=db_with_one_article)
    }
    assert reasons == {
        "pipe.jsonl": ("not-a-file", "not a regular file: a named pipe (FIFO)"),
        "zero.txt": ("not-a-file", "not a regular file: a character device"),
        "sock.csv": ("not-a-file", "not a regular file: a socket"),
        "loop-a.html": ("unreadable", "symbolic link loop"),
        "loop-b.html": ("unreadable", "symbolic link loop"),
    }
    assert report.added == 1
    assert _snapshot(db_with_one_article) == before


def test_a_pipe_in_place_of_a_checked_file_is_not_opened_for_reading(tmp_path: Path) -> None:
    """The readers check the file they opened, not only the name they were given."""
    from storytrace.io.files import NotRegularFile, open_binary

    os.mkfifo(tmp_path / "later.jsonl")
    with pytest.raises(NotRegularFile, match="named pipe"):
        with open_binary(str(tmp_path / "later.jsonl")):
            pass


def test_a_deeply_nested_line_costs_that_line_only(
    db_with_one_article: str, tmp_path: Path
) -> None:
    rows = [json.dumps({"id": "n1", "text": GOOD.replace("Lindqvist", "Sandvik")})]
    rows.append("[" * 5000 + "]" * 5000)
    rows.append(json.dumps({"id": "n3", "text": GOOD.replace("Lindqvist", "Ostvik")}))
    rows.append(json.dumps({"id": "n4", "text": "t"}))
    (tmp_path / "deep.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = storytrace.ingest([str(tmp_path / "deep.jsonl")], db=db_with_one_article)
    reasons = {
        r["source"].rsplit(":", 1)[1]: r["reason"]
        for r in storytrace.rejects(db=db_with_one_article)
    }
    assert reasons["2"] == "malformed-json"
    assert report.added == 2
