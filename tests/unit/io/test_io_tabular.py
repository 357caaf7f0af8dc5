"""JSONL and CSV inputs: one article per line/row; bad lines rejected, the rest read."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from storytrace.io import read_inputs
from storytrace.model import Document, Reject


def _summary(items: list) -> list[tuple[int | None, str]]:
    return [(i.source.line, i.reason if isinstance(i, Reject) else "doc") for i in items]


def test_jsonl_documents_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    rows = [
        {"id": "1", "url": "https://x.org/1", "title": "One", "text": "Body one", "lang": "en"},
        {"id": 2, "html": "<p>Body two</p>", "published": "2020-01-01"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows[:1]) + "\n\n" + json.dumps(rows[1]))
    docs = list(read_inputs([str(path)]))
    assert _summary(docs) == [(1, "doc"), (3, "doc")]
    first, second = docs
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.kind == "jsonl" and not first.is_html and first.content == "Body one"
    assert first.meta == {"id": "1", "url": "https://x.org/1", "title": "One", "lang": "en"}
    assert second.is_html and second.content == "<p>Body two</p>"
    assert str(second.source).endswith("a.jsonl:3")


def test_jsonl_field_mapping_and_gzip(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson.gz"
    with gzip.open(path, "wt", encoding="utf-8") as gz:
        gz.write(json.dumps({"body": "Text", "headline": "H", "link": "https://a.b/c"}) + "\n")
    (doc,) = read_inputs([str(path)], fields={"text": "body", "title": "headline", "url": "link"})
    assert isinstance(doc, Document)
    assert doc.content == "Text"
    assert doc.meta == {"title": "H", "url": "https://a.b/c"}


def test_malformed_jsonl_lines_rejected_and_reading_continues(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(
        b'{"text": "ok 1"}\n'
        b'{"text": broken\n'
        b'["a list"]\n'
        b'{"title": "no body"}\n'
        b'{"text": "bad \xff byte"}\n'
        b'{"text": "' + b"x" * 300 + b'"}\n'
        b'{"text": "ok 7"}\n'
    )
    items = list(read_inputs([str(path)], max_bytes=200))
    assert _summary(items) == [
        (1, "doc"),
        (2, "malformed-json"),
        (3, "malformed-json"),
        (4, "missing-text"),
        (5, "decode-error"),
        (6, "too-large"),
        (7, "doc"),
    ]
    assert "not an object" in items[2].detail  # type: ignore[union-attr]


def test_empty_and_binary_jsonl(tmp_path: Path) -> None:
    (tmp_path / "e.jsonl").write_text("\n\n")
    (tmp_path / "b.jsonl").write_bytes(b"\x89PNG\r\n\x1a\nrest\n" + bytes(100))
    items = list(read_inputs([str(tmp_path)]))
    assert [(i.source.line, i.reason) for i in items] == [(None, "binary"), (None, "empty")]


def test_truncated_gzip_keeps_earlier_lines(tmp_path: Path) -> None:
    data = gzip.compress(
        b"".join(json.dumps({"text": f"article {i} " * 20}).encode() + b"\n" for i in range(200))
    )
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_inputs([str(path)]))
    assert all(isinstance(i, Document) for i in items[:-1]) and len(items) > 1
    assert isinstance(items[-1], Reject) and items[-1].reason == "unreadable"


def test_csv_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "id,title,text,outlet\n"
        '1,First,"Para one.\n\nPara two, with comma.",AP\n'
        "2,Second,Body two,\n",
        encoding="utf-8-sig",
    )
    docs = list(read_inputs([str(path)]))
    assert _summary(docs) == [(2, "doc"), (5, "doc")]
    first = docs[0]
    assert isinstance(first, Document) and first.kind == "csv"
    assert first.content == "Para one.\n\nPara two, with comma."
    assert first.meta == {"id": "1", "title": "First", "outlet": "AP"}
    assert docs[1].meta == {"id": "2", "title": "Second"}  # type: ignore[union-attr]


def test_tsv_with_field_mapping(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv"
    path.write_text("content\theadline\nBody\tHead\n")
    (doc,) = read_inputs([str(path)], fields={"text": "content", "title": "headline"})
    assert isinstance(doc, Document) and doc.content == "Body" and doc.meta == {"title": "Head"}


def test_malformed_csv_rows_rejected_and_reading_continues(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(
        b"id,text\n"
        b"1,ok one\n"
        b"2,too,many\n"
        b"3\n"
        b"4,bad \xff byte\n"
        b"5," + b"y" * 300 + b"\n"
        b"6,\n"
        b"7,ok seven\n"
    )
    items = list(read_inputs([str(path)], max_bytes=200))
    assert _summary(items) == [
        (2, "doc"),
        (3, "malformed-csv"),
        (4, "malformed-csv"),
        (5, "decode-error"),
        (6, "too-large"),
        (7, "missing-text"),
        (8, "doc"),
    ]
    assert "3 fields" in items[1].detail  # type: ignore[union-attr]


def test_empty_csv(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("")
    (rej,) = read_inputs([str(tmp_path / "a.csv")])
    assert isinstance(rej, Reject) and rej.reason == "empty"


def test_large_files_are_fine_when_records_are_small(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps({"text": "z" * 50}) + "\n" for _ in range(100)))
    items = list(read_inputs([str(path)], max_bytes=200))
    assert len(items) == 100 and all(isinstance(i, Document) for i in items)


def test_a_csv_without_rows_is_an_empty_reject_not_silence(tmp_path: Path) -> None:

    cases = {"blank.csv": " \n\n", "header.csv": "id,title,text\n\n", "bad.csv": "a,b\n1,2,3\n"}
    for name, data in cases.items():
        (tmp_path / name).write_text(data, encoding="utf-8")
    got = {
        (Path(r.source.path).name, r.reason)
        for r in read_inputs([str(tmp_path)])
        if isinstance(r, Reject)
    }
    assert got == {("blank.csv", "empty"), ("header.csv", "empty"), ("bad.csv", "malformed-csv")}


def test_gzip_bombs_stop_early_and_keep_the_lines_before(tmp_path: Path) -> None:
    good = json.dumps({"text": "An article that came before the bomb in the same file."})
    with gzip.open(tmp_path / "newlines.jsonl.gz", "wb") as gz:
        gz.write(good.encode() + b"\n")
        gz.write(b"\n" * (50 << 20))
    with gzip.open(tmp_path / "one-line.jsonl.gz", "wb") as gz:
        gz.write(good.encode() + b"\n")
        gz.write(b"a" * (50 << 20))
    items = {}
    for item in read_inputs([str(tmp_path)], max_bytes=1000):
        items.setdefault(Path(item.source.path).name, []).append(item)
    for name, why in [("newlines.jsonl.gz", "blank lines in a row"), ("one-line.jsonl.gz", "bomb")]:
        first, last = items[name]
        assert isinstance(first, Document)
        assert isinstance(last, Reject) and last.reason == "unreadable" and why in last.detail
