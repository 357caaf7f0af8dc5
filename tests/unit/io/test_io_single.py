"""Plain-text and HTML files, with sidecars and a meta file; every bad-file case."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from storytrace.errors import InputError
from storytrace.io import read_inputs
from storytrace.model import Document, Reject


def _one(paths: list[str], **kw: object) -> Document | Reject:
    items = list(read_inputs(paths, **kw))  # type: ignore[arg-type]
    assert len(items) == 1, items
    return items[0]


def test_txt_with_sidecar(tmp_path: Path) -> None:
    (tmp_path / "a01.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    (tmp_path / "a01.json").write_text(json.dumps({"url": "https://x.org/a", "id": 7}))
    doc = _one([str(tmp_path / "a01.txt")])
    assert isinstance(doc, Document)
    assert doc.kind == "text" and not doc.is_html
    assert doc.content == "Title\n\nBody.\n"
    assert doc.meta == {"url": "https://x.org/a", "id": 7}
    assert doc.source.path.endswith("a01.txt") and doc.source.line is None


def test_meta_file_jsonl_wins_over_sidecar(tmp_path: Path) -> None:
    (tmp_path / "a01.txt").write_text("Title\nBody")
    (tmp_path / "a01.json").write_text(json.dumps({"outlet": "Side", "title": "T side"}))
    meta = tmp_path / "meta.jsonl"
    meta.write_text(json.dumps({"file": "a01.txt", "outlet": "From meta"}) + "\n")
    doc = _one([str(tmp_path / "a01.txt")], meta_file=str(meta))
    assert isinstance(doc, Document)
    assert doc.meta["outlet"] == "From meta"
    assert doc.meta["title"] == "T side"
    assert "file" not in doc.meta


def test_meta_file_csv_keyed_by_name_or_path(tmp_path: Path) -> None:
    sub = tmp_path / "docs"
    sub.mkdir()
    (sub / "a.txt").write_text("A\nbody")
    (sub / "b.txt").write_text("B\nbody")
    meta = tmp_path / "meta.csv"
    meta.write_text("name,published,source\na.txt,2020-01-02,AP\ndocs/b.txt,2021-03-04,\n")
    docs = list(read_inputs([str(sub)], meta_file=str(meta)))
    assert [d.meta for d in docs] == [
        {"published": "2020-01-02", "source": "AP"},
        {"published": "2021-03-04"},
    ]


def test_meta_file_field_mapping(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A\nbody")
    meta = tmp_path / "meta.csv"
    meta.write_text("filename,date\na.txt,2020-01-02\n")
    doc = _one(
        [str(tmp_path / "a.txt")],
        meta_file=str(meta),
        fields={"file": "filename", "published": "date"},
    )
    assert isinstance(doc, Document)
    assert doc.meta == {"published": "2020-01-02"}


def test_bad_meta_file_raises_input_error_at_call(tmp_path: Path) -> None:
    meta = tmp_path / "meta.jsonl"
    meta.write_text('{"file": "a.txt"}\nnot json\n')
    with pytest.raises(InputError, match="line 2"):
        read_inputs([str(tmp_path)], meta_file=str(meta))
    with pytest.raises(InputError, match="cannot read"):
        read_inputs([str(tmp_path)], meta_file=str(tmp_path / "missing.csv"))


def test_malformed_sidecar_is_a_reject(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A\nbody")
    (tmp_path / "a.json").write_text("{broken")
    rej = _one([str(tmp_path / "a.txt")])
    assert isinstance(rej, Reject) and rej.reason == "malformed-json"
    assert "a.json" in rej.detail


def test_html_and_html_gz_with_sidecar(tmp_path: Path) -> None:
    page = "<html><body><p>Grüße</p></body></html>"
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    with gzip.open(tmp_path / "q.html.gz", "wt", encoding="utf-8") as gz:
        gz.write(page)
    (tmp_path / "q.json").write_text(json.dumps({"url": "https://q.example/1"}))
    docs = list(read_inputs([str(tmp_path)]))
    assert [(d.kind, d.is_html) for d in docs] == [("html", True), ("html", True)]
    assert isinstance(docs[1], Document) and docs[1].content == page
    assert docs[1].meta == {"url": "https://q.example/1"}


def test_html_meta_charset_decodes(tmp_path: Path) -> None:
    page = '<html><head><meta charset="windows-1251"></head><body>Привет</body></html>'
    (tmp_path / "p.html").write_bytes(page.encode("cp1251"))
    doc = _one([str(tmp_path / "p.html")])
    assert isinstance(doc, Document) and "Привет" in doc.content


def test_sidecar_encoding_decodes_text(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("Naslov\nČlanak".encode("cp1250"))
    (tmp_path / "a.json").write_text('{"encoding": "cp1250"}')
    doc = _one([str(tmp_path / "a.txt")])
    assert isinstance(doc, Document) and doc.content == "Naslov\nČlanak"
    assert "encoding" not in doc.meta


def test_undecodable_text_is_decode_error_with_offset(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"Title\nsome text \xff\xfe more")
    rej = _one([str(tmp_path / "bad.txt")])
    assert isinstance(rej, Reject) and rej.reason == "decode-error"
    assert "byte 16" in rej.detail


def test_binary_files(tmp_path: Path) -> None:
    (tmp_path / "img.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (tmp_path / "nul.txt").write_bytes(b"abc\x00def" * 10)
    (tmp_path / "doc.html").write_bytes(b"%PDF-1.4 stuff")
    items = list(read_inputs([str(tmp_path)]))
    assert [(type(i).__name__, getattr(i, "reason", "")) for i in items] == [
        ("Reject", "binary")
    ] * 3
    assert "PDF" in items[0].detail  # type: ignore[union-attr]


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  "])
def test_empty_files(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "e.txt").write_bytes(content)
    rej = _one([str(tmp_path / "e.txt")])
    assert isinstance(rej, Reject) and rej.reason == "empty"


def test_too_large_checked_before_reading(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("x" * 101)
    (tmp_path / "ok.txt").write_text("x" * 100)
    items = list(read_inputs([str(tmp_path)], max_bytes=100))
    assert isinstance(items[0], Reject) and items[0].reason == "too-large"
    assert isinstance(items[1], Document)


def test_gzip_bomb_is_too_large(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "p.html.gz", "wb") as gz:
        gz.write(b"<p>" + b"a" * 50_000 + b"</p>")
    rej = _one([str(tmp_path / "p.html.gz")], max_bytes=10_000)
    assert isinstance(rej, Reject) and rej.reason == "too-large"


def test_corrupt_gzip_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "p.html.gz").write_bytes(b"this is not gzip data")
    rej = _one([str(tmp_path / "p.html.gz")])
    assert isinstance(rej, Reject) and rej.reason == "unreadable"


def test_bad_arguments_do_not_stop_the_run(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("T\nbody")
    items = list(
        read_inputs(
            [str(tmp_path / "missing.txt"), str(tmp_path / "a.xyz"), str(tmp_path / "ok.txt")]
        )
    )
    assert [getattr(i, "reason", "doc") for i in items] == ["unreadable", "unreadable", "doc"]


def test_unsupported_explicit_file(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_text("<a/>")
    rej = _one([str(tmp_path / "a.xml")])
    assert isinstance(rej, Reject) and rej.reason == "unsupported"


def test_a_single_string_is_one_path(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("T\nbody")
    assert isinstance(_one(str(tmp_path / "ok.txt")), Document)  # type: ignore[arg-type]
