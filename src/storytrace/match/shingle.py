"""Word n-gram shingles: the one shingle scheme of storytrace (reprints, passages, evidence).

Tokens are :func:`storytrace.normalize.tokenize`'s (folded). An n-gram's hash is XXH32 of its n
tokens joined by single spaces (UTF-8), as a uint64: the text of the n-gram decides its hash, so
the same words give the same hash in any text, process or machine (no seed), and ``anchors``
can sample on ``hash % modulus``. A text with 1..n-1 tokens has one shingle: the hash of all
of them joined (never an n-gram's: it holds fewer spaces).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from xxhash import xxh32_intdigest

from ..normalize import words

U64 = npt.NDArray[np.uint64]


def ngram_hashes(tokens: Sequence[str], n: int) -> U64:
    """Hash of each n-gram ``tokens[i:i+n]``, in position order (``len(tokens) - n + 1``
    values, none when there are fewer than ``n`` tokens)."""
    if n < 1:
        raise ValueError("n must be >= 1")
    m = len(tokens) - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    joined = " ".join(tokens)
    data = memoryview(joined.encode())
    # Byte lengths: the characters' count when the text is ASCII (the common case).
    sizes = map(len, tokens) if len(data) == len(joined) else map(len, map(str.encode, tokens))
    lengths = np.fromiter(sizes, np.int64, count=len(tokens))
    starts = np.zeros(len(tokens), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    ends = (starts[n - 1 :] + lengths[n - 1 :]).tolist()
    windows = map(data.__getitem__, map(slice, starts[:m].tolist(), ends))
    return np.fromiter(map(xxh32_intdigest, windows), dtype=np.uint64, count=m)


def token_hashes(tokens: Sequence[str]) -> U64:
    """Hash of each token (its 1-gram), in order."""
    return ngram_hashes(tokens, 1)


def token_shingles(tokens: Sequence[str], n: int = 5) -> U64:
    """Sorted unique shingle hashes of a text given as its tokens."""
    if n < 1:
        raise ValueError("n must be >= 1")
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    return np.unique(ngram_hashes(tokens, min(n, len(tokens))))


def shingles(text: str, n: int = 5) -> U64:
    """Sorted unique uint64 hashes of the folded word n-grams of ``text``.

    Tokens are :func:`storytrace.normalize.words` (case, accents, quote style and "percent"
    folded). A text with 1..n-1 words yields one shingle of all its words; no words, none.
    """
    return token_shingles(words(text), n)


def shingles_many(texts: Sequence[str], n: int = 5) -> list[U64]:
    """:func:`shingles` of each text."""
    if n < 1:
        raise ValueError("n must be >= 1")
    return [shingles(t, n) for t in texts]


def anchors(hashes: U64, *, modulus: int = 8) -> U64:
    """The hashes with ``hash % modulus == 0``: a containment-preserving sample for indexing.

    Because the rule depends on the hash only, a shingle shared by two texts is an anchor in both
    or in neither, so shared anchors estimate shared shingles (about 1 in ``modulus``).
    """
    if modulus < 1:
        raise ValueError("modulus must be >= 1")
    hashes = np.asarray(hashes, dtype=np.uint64)
    return hashes[hashes % np.uint64(modulus) == 0]


def pack_hashes(hashes: U64) -> bytes:
    """Serialise a uint64 array as little-endian 8-byte words, no header.

    The hashes are uniformly random, so varints or compression gain almost nothing; 8 bytes per
    hash is the compact form. A document's anchors alone (1 in ``modulus``) are 8x smaller.
    """
    return np.asarray(hashes, dtype=np.uint64).astype("<u8", copy=False).tobytes()


def unpack_hashes(data: bytes | None) -> U64:
    """Inverse of :func:`pack_hashes` (a new, writable native uint64 array; ``None`` -> empty)."""
    if not data:
        return np.zeros(0, dtype=np.uint64)
    if len(data) % 8:
        raise ValueError(f"hash signature of {len(data)} bytes is not a multiple of 8")
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)
