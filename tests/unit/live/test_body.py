"""Bodies under a size limit that holds after unpacking."""

from __future__ import annotations

import gzip
import zlib

import pytest

from storytrace.live.body import BoundedBody, CorruptData, TooLarge, unpack_gzip


def test_plain_bytes_are_kept_up_to_the_limit() -> None:
    body = BoundedBody(10)
    body.feed(b"12345")
    body.feed(b"67890")
    assert body.finish() == b"1234567890"
    with pytest.raises(TooLarge):
        body.feed(b"x")


def test_a_gzip_bomb_stops_at_the_limit_without_unpacking_it_all() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)  # 50 MB of zeros in about 50 KB
    body = BoundedBody(1_000_000, unpack=True)
    with pytest.raises(TooLarge):
        for i in range(0, len(bomb), 4096):
            body.feed(bomb[i : i + 4096])
    assert body.size <= 1_000_001  # never more than one byte past the limit in memory


def test_gzip_and_zlib_unpack_and_concatenated_members_too() -> None:
    body = BoundedBody(100, unpack=True)
    body.feed(gzip.compress(b"hello ") + gzip.compress(b"world"))
    assert body.finish() == b"hello world"
    body = BoundedBody(100, unpack=True)
    body.feed(zlib.compress(b"deflated"))
    assert body.finish() == b"deflated"


def test_corrupt_or_cut_data_is_an_error() -> None:
    with pytest.raises(CorruptData):
        BoundedBody(100, unpack=True).feed(b"\x1f\x8bnot gzip at all")
    cut = BoundedBody(100, unpack=True)
    cut.feed(gzip.compress(b"some text that is long enough " * 4)[:20])
    with pytest.raises(CorruptData):
        cut.finish()


def test_unpack_gzip_leaves_plain_data_as_it_is() -> None:
    assert unpack_gzip(b"<urlset/>", 100) == b"<urlset/>"
    assert unpack_gzip(gzip.compress(b"<urlset/>"), 100) == b"<urlset/>"
    with pytest.raises(TooLarge):
        unpack_gzip(gzip.compress(b"x" * 200), 100)
    with pytest.raises(TooLarge):
        unpack_gzip(b"x" * 200, 100)
