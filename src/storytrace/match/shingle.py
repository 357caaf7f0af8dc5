"""Word n-gram shingles, hashed in bulk with numpy.

Tokens are exactly :func:`storytrace.normalize.words` (tested property), but the work is done
on whole texts at once: the text becomes an array of code points, the word regex is replayed as
array masks, folding runs once over the joined tokens, and every token is hashed by a
polynomial over its code points computed from prefix sums. An n-gram hash is a polynomial over
its n token hashes. All arithmetic is uint64 with wraparound, finished by the splitmix64 mixer so
that low bits are uniform (``anchors`` samples on ``hash % modulus``).

The hashes are a fixed function of the folded token strings (no process seed): they can be
stored and compared across runs and machines.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]

_P = np.uint64(0x100000001B3)  # code point multiplier (odd, so invertible mod 2**64)
_P_INV = np.uint64(pow(0x100000001B3, -1, 2**64))
_Q = np.uint64(0x9E3779B97F4A7C15)  # token multiplier inside an n-gram
_LEN = np.uint64(0xC2B2AE3D27D4EB4F)
_SHORT = np.uint64(0x165667B19E3779F9)  # marks the single shingle of a text shorter than n
_TOKEN_SEP = 0  # between tokens of one text
_DOC_SEP = 1  # before the first token of each text
_APOSTROPHES = (ord("'"), 0x2019)
_NUM_JOINERS = (ord("."), ord(","))


_ALNUM, _DECIMAL, _COMBINING = 1, 2, 4


@lru_cache(maxsize=1)
def _classes() -> npt.NDArray[np.uint8]:
    """Per code point bit flags: alnum (the regex's ``[^\\W_]``), decimal (``\\d``), combining."""
    chars = [chr(i) for i in range(0x110000)]
    return np.fromiter(
        (
            (_ALNUM if c.isalnum() else 0)
            | (_DECIMAL if c.isdecimal() else 0)
            | (_COMBINING if unicodedata.combining(c) else 0)
            for c in chars
        ),
        dtype=np.uint8,
        count=len(chars),
    )


_pow_cache: list[tuple[U64, U64]] = []


def _powers(n: int) -> tuple[U64, U64]:
    """``_P ** i`` and ``_P ** -i`` for i < n (grown and cached)."""
    if not _pow_cache or _pow_cache[0][0].size < n:
        size = max(n, 2 * _pow_cache[0][0].size if _pow_cache else 0, 1 << 16)
        out = []
        for base in (_P, _P_INV):
            grown = np.full(size, base, dtype=np.uint64)
            grown[0] = 1
            out.append(np.cumprod(grown, dtype=np.uint64))
        _pow_cache[:] = [(out[0], out[1])]
    pos, inv = _pow_cache[0]
    return pos[:n], inv[:n]


def _codes(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _from_codes(codes: npt.NDArray[np.uint32]) -> str:
    return codes.astype(np.uint32, copy=False).tobytes().decode("utf-32-le", "surrogatepass")


def mix64(x: U64) -> U64:
    """splitmix64 finaliser, vectorised (wraps mod 2**64)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _joined_tokens(texts: Sequence[str]) -> tuple[str, npt.NDArray[np.int64]]:
    """Raw (unfolded) tokens of all texts as one string, and the index of each text with tokens.

    Each token is preceded by ``\\x01`` when it is the first of its text, else by ``\\x00``.
    Replays ``normalize._WORD``: runs of alnum characters, joined by an apostrophe between two
    alnum characters or by ``.``/``,`` between two decimal digits; each ``%`` is its own token.
    """
    big = "\n".join(texts)  # "\n" never joins, so no token crosses texts
    cp = _codes(big)
    if cp.size == 0:
        return "", np.zeros(0, dtype=np.int64)
    cls = _classes()[cp]
    in_word = (cls & _ALNUM).astype(bool)
    # joiners are rare: test their neighbours only where they occur
    for chars, flag in ((_APOSTROPHES, _ALNUM), (_NUM_JOINERS, _DECIMAL)):
        at = np.flatnonzero((cp == chars[0]) | (cp == chars[1]))
        at = at[(at > 0) & (at < cp.size - 1)]
        at = at[(cls[at - 1] & flag).astype(bool) & (cls[at + 1] & flag).astype(bool)]
        in_word[at] = True
    pct = cp == ord("%")
    prev = np.concatenate(([False], in_word[:-1]))
    starts = np.flatnonzero((in_word & ~prev) | pct)
    if starts.size == 0:
        return "", np.zeros(0, dtype=np.int64)
    keep = in_word | pct
    # text index of each token, from where the texts start in ``big``
    text_starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    tok_text = np.searchsorted(text_starts, starts, side="right") - 1
    first = np.ones(starts.size, dtype=bool)
    first[1:] = tok_text[1:] != tok_text[:-1]
    # positions of token starts inside cp[keep]; a separator goes before each
    kept_before = np.cumsum(keep) - keep
    out = np.insert(cp[keep], kept_before[starts], np.where(first, _DOC_SEP, _TOKEN_SEP))
    return _from_codes(out), tok_text[first].astype(np.int64)


def _fold_joined(joined: str) -> str:
    """:func:`normalize.fold_word` on every token of a joined string, except the percent rules."""
    if joined.isascii():
        out = joined.lower()
    else:
        out = unicodedata.normalize("NFKD", joined.casefold().replace("\u2019", "'"))
        if not out.isascii():
            cp = _codes(out)
            out = _from_codes(cp[(_classes()[cp] & _COMBINING) == 0])
    return out


def _fix_percent(tok: U64, sep_kind: npt.NDArray[np.int64]) -> tuple[U64, npt.NDArray[np.int64]]:
    """Token-level folds of :func:`normalize.words` done on hashes (no regex scan of the text):
    "percent"/"pct" -> "%", and "per" followed by "cent" in the same text -> one "%"."""
    pct, per, cent, percent, pct_word = _special_hashes()
    tok = np.where((tok == percent) | (tok == pct_word), pct, tok)
    pair = (tok[:-1] == per) & (tok[1:] == cent) & (sep_kind[1:] == _TOKEN_SEP)
    if pair.any():
        first = np.flatnonzero(pair)
        tok = tok.copy()
        tok[first] = pct
        keep = np.ones(tok.size, dtype=bool)
        keep[first + 1] = False
        tok, sep_kind = tok[keep], sep_kind[keep]
    return tok, sep_kind


@lru_cache(maxsize=1)
def _special_hashes() -> tuple[np.uint64, ...]:
    h, _ = _hash_folded("\x00" + "\x00".join(["%", "per", "cent", "percent", "pct"]))
    return tuple(h)


def _hash_folded(folded: str) -> tuple[U64, npt.NDArray[np.int64]]:
    """Hash of every token of a folded joined string, and the separator code before each."""
    cp = _codes(folded).astype(np.uint64)
    sep_pos = np.flatnonzero(cp <= _DOC_SEP)
    sep_kind = cp[sep_pos].astype(np.int64)
    vals = np.where(cp <= _DOC_SEP, np.uint64(0), cp)
    pos, inv = _powers(cp.size + 1)
    # S[i] = sum_{j<i} c_j * P**j; a token's hash is (S[e]-S[s]) * P**-s
    prefix = np.zeros(cp.size + 1, dtype=np.uint64)
    np.cumsum(vals * pos[: cp.size], dtype=np.uint64, out=prefix[1:])
    s = sep_pos + 1
    e = np.append(sep_pos[1:], cp.size)
    h = (prefix[e] - prefix[s]) * inv[s]
    h = mix64(h ^ ((e - s).astype(np.uint64) * _LEN))
    return h, sep_kind


def token_hashes(tokens: Sequence[str]) -> U64:
    """uint64 hash of each already-folded token, in order (same scheme as :func:`shingles`)."""
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    h, _ = _hash_folded("\x00" + "\x00".join(tokens))
    return h


def ngram_hashes(tok: U64, n: int) -> U64:
    """Hash of each n-gram ``tok[i:i+n]``, in position order (``len(tok) - n + 1`` values)."""
    m = tok.size - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    acc = tok[:m].copy()
    for k in range(1, n):
        acc = acc * _Q + tok[k : k + m]
    return mix64(acc)


def _short_hash(tok: U64) -> np.uint64:
    """The single shingle of a text with fewer than n tokens."""
    acc = np.zeros(1, dtype=np.uint64)
    for t in tok:
        acc = acc * _Q + t
    return mix64(acc ^ (_SHORT * np.uint64(tok.size)))[0]


def shingles_many(texts: Sequence[str], n: int = 5) -> list[U64]:
    """:func:`shingles` of each text, computed in one vectorised pass (much faster in bulk)."""
    if n < 1:
        raise ValueError("n must be >= 1")
    empty = np.zeros(0, dtype=np.uint64)
    if not texts:
        return []
    joined, texts_with_tokens = _joined_tokens(texts)
    if not joined:
        return [empty for _ in texts]
    tok, sep_kind = _fix_percent(*_hash_folded(_fold_joined(joined)))
    tok_doc = texts_with_tokens[np.cumsum(sep_kind == _DOC_SEP) - 1]
    grams = ngram_hashes(tok, n)
    gram_doc = tok_doc[: grams.size]
    valid = tok_doc[n - 1 :] == gram_doc if grams.size else np.zeros(0, dtype=bool)
    grams, gram_doc = grams[valid], gram_doc[valid]
    # texts with 1..n-1 tokens get one shingle of all their tokens
    counts = np.bincount(tok_doc, minlength=len(texts))
    short = np.flatnonzero((counts > 0) & (counts < n))
    if short.size:
        first_tok = np.concatenate(([0], np.cumsum(counts)[:-1]))
        extra = np.array(
            [_short_hash(tok[first_tok[d] : first_tok[d] + counts[d]]) for d in short],
            dtype=np.uint64,
        )
        grams = np.concatenate((grams, extra))
        gram_doc = np.concatenate((gram_doc, short))
        order = np.argsort(gram_doc, kind="stable")
        grams, gram_doc = grams[order], gram_doc[order]
    # per-text sort + unique: cheaper than one lexsort over (text, hash)
    bounds = np.cumsum(np.bincount(gram_doc, minlength=len(texts)))[:-1]
    return [_sorted_unique(part) for part in np.split(grams, bounds)]


def _sorted_unique(x: U64) -> U64:
    x = np.sort(x)
    if x.size > 1:
        x = x[np.concatenate(([True], x[1:] != x[:-1]))]
    return x


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
