"""Property tests for the readers: any bytes in a file of any input kind give Documents and
Rejects, never an exception, and every line of a line file is accounted for once."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storytrace.io import REJECT_REASONS, read_inputs
from storytrace.model import Document, Reject

SUFFIXES = [".txt", ".html", ".jsonl", ".csv", ".tsv", ".warc", ".html.gz", ".jsonl.gz"]
_settings = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read(data: bytes, suffix: str, max_bytes: int = 4096) -> list[Document | Reject]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        return list(read_inputs([str(path)], max_bytes=max_bytes))


@_settings
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_give_documents_or_rejects_with_known_reasons(data: bytes, suffix: str) -> None:
    items = _read(data, suffix)
    assert items, "every input file gives at least one item"
    for item in items:
        assert isinstance(item, Document | Reject)
        if isinstance(item, Reject):
            assert item.reason in REJECT_REASONS and item.detail


_line = st.one_of(
    st.text(max_size=80).map(lambda t: t.replace("\n", " ").replace("\r", " ").encode()),
    st.binary(max_size=80).map(lambda b: b.replace(b"\n", b" ").replace(b"\r", b" ")),
    st.sampled_from([b'{"text": "a body of some length for the test"}', b"[" * 3000, b""]),
)


@_settings
@given(lines=st.lists(_line, min_size=1, max_size=30))
def test_each_non_blank_jsonl_line_is_one_item_in_order(lines: list[bytes]) -> None:
    # A first line that is valid keeps the file from being sniffed as binary as a whole.
    lines = [b'{"text": "the first line is an article"}', *lines]
    items = _read(b"\n".join(lines) + b"\n", ".jsonl")
    expected = [n for n, line in enumerate(lines, start=1) if line.strip()]
    assert [item.source.line for item in items] == expected
