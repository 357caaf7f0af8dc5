"""Word n-gram shingles, hashed in bulk by one native pass over the code points.

Tokens are exactly :func:`storytrace.normalize.words` (tested property). The texts of a batch
become one array of code points; a compiled loop (:mod:`._kernels`) replays the word regex with
a per code point class table, folds each character through a per code point table (casefold,
NFKD, combining marks dropped: the fold of a word is the concatenation of its characters' folds)
and hashes each token by a polynomial over its folded code points. An n-gram hash is a
polynomial over its n token hashes. All arithmetic is uint64 with wraparound, finished by the
splitmix64 mixer so that low bits are uniform (``anchors`` samples on ``hash % modulus``).

The hashes are a fixed function of the folded token strings (no process seed): they can be
stored and compared across runs and machines.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from . import _kernels

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_P = 0x100000001B3  # code point multiplier inside a token
_MASK = (1 << 64) - 1
_JOINERS = ("'", "\u2019", ".", ",")
_CHUNK_CHARS = 1 << 22  # code points per native call: bounds the temporary arrays


@lru_cache(maxsize=1)
def _tables() -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8], U64, U64]:
    """Per code point: class flags (alnum = the regex's ``[^\\W_]``, decimal = ``\\d``), and for
    characters that can be in a token the length and polynomial of their folded form."""
    chars = [chr(i) for i in range(0x110000)]
    cls = np.fromiter(
        ((1 if c.isalnum() else 0) | (2 if c.isdecimal() else 0) for c in chars),
        dtype=np.uint8,
        count=len(chars),
    )
    flen = np.zeros(0x110000, dtype=np.uint8)
    lv = np.zeros(0x110000, dtype=np.uint64)
    for i in (*np.flatnonzero(cls & 1).tolist(), *map(ord, _JOINERS)):
        folded = _fold_char(chars[i])
        acc, pw = 0, 1
        for ch in folded:
            acc = (acc + ord(ch) * pw) & _MASK
            pw = (pw * _P) & _MASK
        flen[i] = len(folded)
        lv[i] = acc
    ppow = np.array([pow(_P, k, 1 << 64) for k in range(256)], dtype=np.uint64)
    return cls, flen, lv, ppow


def _fold_char(c: str) -> str:
    """:func:`normalize.fold_word` of one character (without the whole-word percent rule).

    Case folding and NFKD work character by character, and the canonical reordering of NFKD
    only moves combining marks, which are dropped: folding a word = folding each character.
    """
    decomposed = unicodedata.normalize("NFKD", c.casefold().replace("\u2019", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _codes(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def mix64(x: U64) -> U64:
    """splitmix64 finaliser, vectorised (wraps mod 2**64)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@lru_cache(maxsize=1)
def _special_hashes() -> U64:
    return token_hashes(["%", "per", "cent", "percent", "pct"])


def _tokenize(texts: Sequence[str]) -> tuple[U64, I64, I64, I64]:
    """Token hashes, start and end offsets (in their text) and text index of every token."""
    bounds = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in texts], out=bounds[1:])
    cls, flen, lv, ppow = _tables()
    big = "".join(texts)
    cap = (len(big) + 1) // 2 + big.count("%") + 1
    return _kernels.tokenize(_codes(big), bounds, cls, flen, lv, ppow, _special_hashes(), cap)


def token_table(text: str) -> tuple[U64, I64, I64]:
    """Hash, start and end offset of every token of ``text`` (:func:`normalize.words` tokens,
    "per cent" one token spanning both words)."""
    h, s, e, _ = _tokenize([text])
    return h, s, e


def token_hashes(tokens: Sequence[str]) -> U64:
    """uint64 hash of each already-folded token, in order (same scheme as :func:`shingles`)."""
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    bounds = np.zeros(len(tokens) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in tokens], out=bounds[1:])
    return _kernels.hash_folded_tokens(_codes("".join(tokens)), bounds)


def ngram_hashes(tok: U64, n: int) -> U64:
    """Hash of each n-gram ``tok[i:i+n]``, in position order (``len(tok) - n + 1`` values)."""
    if n < 1:
        raise ValueError("n must be >= 1")
    return _kernels.ngrams(np.ascontiguousarray(tok, dtype=np.uint64), n)


def _chunks(texts: Sequence[str]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start, size = 0, 0
    for i, t in enumerate(texts):
        size += len(t)
        if size >= _CHUNK_CHARS:
            out.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(texts):
        out.append((start, len(texts)))
    return out


def shingles_many(texts: Sequence[str], n: int = 5) -> list[U64]:
    """:func:`shingles` of each text, computed in one native pass (much faster in bulk)."""
    if n < 1:
        raise ValueError("n must be >= 1")
    out: list[U64] = []
    for a, b in _chunks(texts):
        tok, _, _, tok_doc = _tokenize(texts[a:b])
        flat, offsets = _kernels.shingle_docs(tok, tok_doc, b - a, n)
        bounds = offsets.tolist()
        out.extend(flat[bounds[i] : bounds[i + 1]] for i in range(b - a))
    return out


def shingles(text: str, n: int = 5) -> U64:
    """Sorted unique uint64 hashes of the folded word n-grams of ``text``.

    Tokens are :func:`storytrace.normalize.words` (case, accents, quote style and "percent"
    folded). A text with 1..n-1 words yields one shingle of all its words; no words, none.
    """
    return shingles_many([text], n)[0]


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
