"""Parquet input: one article per row, the fields of JSONL, bad rows rejected on their own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from storytrace.io import read_inputs
from storytrace.model import Document, Reject

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def _write(path: Path, rows: list[dict]) -> None:
    pq.write_table(pa.Table.from_pylist(rows), path)


def test_rows_become_documents_and_bad_rows_rejects(tmp_path: Path) -> None:
    f = tmp_path / "crawl.parquet"
    when = dt.datetime(2026, 3, 10, 8, 30, tzinfo=dt.UTC)
    _write(
        f,
        [
            {
                "text": "Harbour workers went on strike.",
                "html": None,
                "outlet": "a.example",
                "published": when,
                "body": None,
            },
            {
                "text": None,
                "html": "<p>Grain route deal signed.</p>",
                "outlet": "b.example",
                "published": None,
                "body": None,
            },
            {"text": " ", "html": None, "outlet": "c.example", "published": None, "body": None},
            {
                "text": "x" * 5000,
                "html": None,
                "outlet": "d.example",
                "published": None,
                "body": None,
            },
        ],
    )
    got = list(read_inputs([str(f)], max_bytes=1000))
    docs = [g for g in got if isinstance(g, Document)]
    rejects = [g for g in got if isinstance(g, Reject)]
    assert [d.kind for d in docs] == ["parquet", "parquet"]
    assert [d.is_html for d in docs] == [False, True]
    assert docs[0].meta["published"] == "2026-03-10T08:30:00Z"
    assert [d.source.line for d in docs] == [1, 2]
    assert [(r.source.line, r.reason) for r in rejects] == [(3, "missing-text"), (4, "too-large")]


def test_fields_rename_columns(tmp_path: Path) -> None:
    f = tmp_path / "renamed.parquet"
    _write(f, [{"body": "A body in another column.", "site": "e.example"}])
    [doc] = read_inputs([str(f)], fields={"text": "body", "outlet": "site"})
    assert isinstance(doc, Document) and doc.content == "A body in another column."
    assert doc.meta["outlet"] == "e.example"


def test_a_file_that_is_not_parquet_is_a_reject(tmp_path: Path) -> None:
    f = tmp_path / "broken.parquet"
    f.write_bytes(b"PAR1 this is not really parquet")
    [reject] = read_inputs([str(f)])
    assert isinstance(reject, Reject) and reject.reason == "unreadable"
