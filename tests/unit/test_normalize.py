import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from storytrace.normalize import _QUOTES, normalize, strip_accents, unify_punctuation


def _reference_strip(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_strip_accents_drops_exactly_the_combining_marks(text: str) -> None:
    assert strip_accents(text) == _reference_strip(text)


def test_strip_accents_folds_accented_names() -> None:
    assert strip_accents("Dačić Ñandú Ångström") == "Dacic Nandu Angstrom"
    assert strip_accents("plain ascii") == "plain ascii"


def test_normalize_folds_case_accents_percent_and_space() -> None:
    assert normalize("  Dačić  said\u00a05 per cent ") == "dacic said 5%"


_PUNCTUATION = "".join(chr(k) for k in _QUOTES)


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(_PUNCTUATION), max_size=40))
def test_unify_punctuation_equals_the_translation_table(text: str) -> None:
    assert unify_punctuation(text) == unicodedata.normalize("NFKC", text).translate(_QUOTES)


_TOKEN_PARTS = [
    "per",
    "cent",
    "Per",
    "CENT",
    "percent",
    "PCT",
    "5",
    "1,000",
    "3.5",
    "U.S",
    "don't",
    "it’s",
    "Dačić",
    "%",
    " ",
    ".",
    ",",
    "'",
    "\n",
    "_",
    "x",
]


def _reference_words(text: str) -> list[str]:
    import re

    from storytrace.normalize import fold_word

    out: list[str] = []
    for m in re.finditer(r"[^\W_]+(?:(?:['\u2019]|(?<=\d)[.,](?=\d))[^\W_]+)*|%", text):
        w = fold_word(m.group())
        if w == "cent" and out and out[-1] == "per":
            out[-1] = "%"
            continue
        out.append(w)
    return out


@given(
    st.lists(
        st.sampled_from(
            ["per", "cent", "Per", "CENT", "5", "1,000", "Dačić", "don't", "%", " ", ".", "\n"]
        ),
        max_size=20,
    ).map(" ".join)
)
def test_words_join_per_cent_like_the_plain_loop(text: str) -> None:
    from storytrace.normalize import words

    assert words(text) == _reference_words(text)


@given(st.text(max_size=60) | st.lists(st.sampled_from(_TOKEN_PARTS), max_size=20).map("".join))
def test_tokenize_spans_hold_their_tokens(text: str) -> None:
    from storytrace.normalize import fold_word, tokenize

    toks, spans = tokenize(text)
    assert toks == _reference_words(text)
    assert len(spans) == len(toks)
    starts, ends = spans.arrays()
    assert all(starts[1:] >= ends[:-1]) and all(starts < ends)
    for t, (s, e) in zip(toks, (spans[i] for i in range(len(toks))), strict=True):
        piece = text[s:e]
        if t == "%":  # "%", "percent", "pct", or "per" and "cent" joined
            assert _reference_words(piece) == ["%"]
        else:
            assert fold_word(piece) == t


@given(st.lists(st.sampled_from(_TOKEN_PARTS), max_size=20).map("".join))
def test_ascii_path_equals_the_general_one(text: str) -> None:
    # ASCII text is lower-cased and split with an ASCII class: same tokens and spans as the
    # general path (the text with one non-ASCII character appended)
    from storytrace.normalize import tokenize

    toks, spans = tokenize(text)
    g_toks, g_spans = tokenize(text + " é")
    assert g_toks[: len(toks)] == toks and g_toks[len(toks) :] == ["e"]
    assert [spans[i] for i in range(len(toks))] == [g_spans[i] for i in range(len(toks))]
