"""Decoding bytes and telling binary from text."""

from __future__ import annotations

import codecs

import pytest

from storytrace.io import DecodeError, binary_reason, decode
from storytrace.io.decode import header_charset, meta_charset


def test_utf8_with_and_without_bom() -> None:
    assert decode("Dačić".encode()) == "Dačić"
    assert decode(codecs.BOM_UTF8 + "Dačić".encode()) == "Dačić"


def test_utf16_bom_is_text_not_binary() -> None:
    data = "Hello, world".encode("utf-16")
    assert binary_reason(data) is None
    assert decode(data) == "Hello, world"


def test_declared_charset_used_after_utf8_fails() -> None:
    data = "Привет".encode("cp1251")
    assert decode(data, declared=("windows-1251",)) == "Привет"


def test_undecodable_names_offset() -> None:
    with pytest.raises(DecodeError) as info:
        decode(b"abc\xffdef")
    assert info.value.offset == 3
    assert "byte 3" in str(info.value)


def test_latin1_label_means_cp1252() -> None:
    assert decode(b"\x93quoted\x94", declared=("iso-8859-1",)) == "\u201cquoted\u201d"


def test_charset_sniffing() -> None:
    assert meta_charset(b'<html><head><meta charset="windows-1251">') == "cp1251"
    assert (
        meta_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">')
        == "shift_jis"
    )
    assert meta_charset(b"<meta charset=bogus-enc>") is None
    assert header_charset("text/html; charset=UTF-8") == "utf-8"
    assert header_charset("text/html") is None


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n....",
        b"%PDF-1.7\n",
        b"PK\x03\x04rest",
        b"text\x00\x00more",
        bytes(range(1, 9)) * 100,
    ],
)
def test_binary_detected(data: bytes) -> None:
    assert binary_reason(data) is not None


def test_text_is_not_binary() -> None:
    assert binary_reason(b"Plain\ttext\r\nwith \x0c form feed\n") is None
