"""Word n-gram shingles: the one shingle scheme of storytrace (reprints, passages, evidence).

Tokens are :func:`storytrace.normalize.tokenize`'s. A token's hash is ``xxh3_64`` of its folded
form (UTF-8); an n-gram's hash is a polynomial over its n token hashes (uint64, wrapping),
finished by the splitmix64 mixer so that its low bits are uniform (``anchors`` samples on
``hash % modulus``). A text with 1..n-1 tokens has one shingle of all of them, marked by their
number so that it never equals an n-gram's.

The hashes are a fixed function of the folded token strings (no process seed): they can be
stored and compared across runs, processes and machines.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from xxhash import xxh3_64_intdigest

from ..normalize import words

U64 = npt.NDArray[np.uint64]

_Q = 0x9E3779B97F4A7C15  # n-gram multiplier
_SHORT = 0x165667B19E3779F9  # marks the one shingle of a text shorter than n tokens
_MASK = (1 << 64) - 1


def mix64(x: U64) -> U64:
    """splitmix64 finaliser, vectorised (wraps mod 2**64)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def token_hashes(tokens: Sequence[str]) -> U64:
    """uint64 hash of each folded token, in order."""
    return np.fromiter(
        map(xxh3_64_intdigest, map(str.encode, tokens)), dtype=np.uint64, count=len(tokens)
    )


def ngram_hashes(tok: U64, n: int) -> U64:
    """Hash of each n-gram ``tok[i:i+n]`` of token hashes, in position order
    (``len(tok) - n + 1`` values, none when there are fewer than ``n`` tokens)."""
    if n < 1:
        raise ValueError("n must be >= 1")
    m = tok.size - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    acc = np.array(tok[:m], dtype=np.uint64)
    q = np.uint64(_Q)
    for k in range(1, n):
        acc *= q
        acc += tok[k : k + m]
    return mix64(acc)


def token_shingles(tok: U64, n: int = 5) -> U64:
    """Sorted unique shingle hashes of a text given as its token hashes (:func:`token_hashes`)."""
    if n < 1:
        raise ValueError("n must be >= 1")
    if tok.size >= n:
        h = ngram_hashes(tok, n)
        h.sort()
        return h[np.r_[True, h[1:] != h[:-1]]]
    if tok.size == 0:
        return np.zeros(0, dtype=np.uint64)
    acc = 0
    for t in tok.tolist():
        acc = (acc * _Q + t) & _MASK
    return mix64(np.array([acc ^ (_SHORT * tok.size & _MASK)], dtype=np.uint64))


def shingles(text: str, n: int = 5) -> U64:
    """Sorted unique uint64 hashes of the folded word n-grams of ``text``.

    Tokens are :func:`storytrace.normalize.words` (case, accents, quote style and "percent"
    folded). A text with 1..n-1 words yields one shingle of all its words; no words, none.
    """
    return token_shingles(token_hashes(words(text)), n)


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
