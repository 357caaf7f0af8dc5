"""WARC inputs written with warcio's WARCWriter."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storytrace.io import read_inputs
from storytrace.model import Document, Reject


def _write_warc(path: Path, records: list[tuple[str, str, str, bytes]], gz: bool) -> list[str]:
    ids = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, status, ctype, body in records:
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": "2024-05-06T07:08:09Z"},
            )
            writer.write_record(rec)
            ids.append(rec.rec_headers.get_header("WARC-Record-ID").strip("<>"))
    return ids


RECORDS = [
    ("https://news.example/a", "200 OK", "text/html; charset=utf-8", b"<p>Article A</p>"),
    ("https://news.example/logo.png", "200 OK", "image/png", b"\x89PNG...."),
    ("https://news.example/gone", "404 Not Found", "text/html", b"<p>missing</p>"),
    (
        "https://news.example/b",
        "200 OK",
        "text/html; charset=windows-1251",
        "<p>Привет</p>".encode("cp1251"),
    ),
]


def test_warc_html_responses(tmp_path: Path) -> None:
    for gz in (False, True):
        path = tmp_path / ("a.warc.gz" if gz else "a.warc")
        ids = _write_warc(path, RECORDS, gz)
        docs = list(read_inputs([str(path)]))
        assert len(docs) == 2 and all(isinstance(d, Document) for d in docs)
        a, b = docs
        assert isinstance(a, Document) and isinstance(b, Document)
        assert a.kind == "warc" and a.is_html and a.content == "<p>Article A</p>"
        assert a.meta == {"url": "https://news.example/a", "crawled": "2024-05-06T07:08:09Z"}
        assert "published" not in a.meta
        assert a.source.record == ids[0] and b.source.record == ids[3]
        assert b.content == "<p>Привет</p>"
        path.unlink()


def test_warc_record_over_limit(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    _write_warc(
        path, [("https://x.org/big", "200 OK", "text/html", b"<p>" + b"x" * 500), RECORDS[0]], True
    )
    items = list(read_inputs([str(path)], max_bytes=100))
    assert isinstance(items[0], Reject) and items[0].reason == "too-large"
    assert isinstance(items[1], Document)


def test_truncated_warc_keeps_earlier_records(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    records = [
        (f"https://x.org/{i}", "200 OK", "text/html", b"<p>" + b"w" * 2000 + b"</p>")
        for i in range(5)
    ]
    _write_warc(path, records, True)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.7)])
    items = list(read_inputs([str(path)]))
    docs = [i for i in items if isinstance(i, Document)]
    assert 1 <= len(docs) < 5
    assert isinstance(items[-1], Reject) and items[-1].reason == "malformed-warc"


def test_garbage_warc(tmp_path: Path) -> None:
    path = tmp_path / "a.warc"
    path.write_bytes(b"this is not a web archive at all\n" * 10)
    (rej,) = read_inputs([str(path)])
    assert isinstance(rej, Reject) and rej.reason == "malformed-warc"


def test_a_gzip_bomb_in_a_record_is_not_unpacked_in_full(tmp_path: Path) -> None:
    import io as _io

    class Zeros(_io.RawIOBase):
        def __init__(self, n: int) -> None:
            self.n = n

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            k = min(len(buffer), self.n)
            buffer[:k] = b"\0" * k
            self.n -= k
            return k

    size = 100 << 20
    with open(tmp_path / "bomb.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        payload = _io.BufferedReader(Zeros(size))
        record = writer.create_warc_record(
            "http://x.example/a", "response", payload=payload, length=size, http_headers=headers
        )
        writer.write_record(record)
    assert (tmp_path / "bomb.warc.gz").stat().st_size < size // 500
    (item,) = read_inputs([str(tmp_path / "bomb.warc.gz")], max_bytes=100_000)
    assert isinstance(item, Reject) and item.reason == "malformed-warc"
    assert "times the file's size" in item.detail
