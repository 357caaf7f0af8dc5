"""ReprintStream: the bulk path finds exactly what the one-pair-at-a-time path finds."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.match import (
    MemoryCandidateIndex,
    ReprintStream,
    anchors,
    compare,
    effective_min_shared,
    may_reprint,
    shared_shingles,
    shingles_many,
)

VOCAB = [f"word{i}" for i in range(400)]


def _corpus(seed: int, n: int) -> list[str]:
    """Originals, verbatim/trimmed/edited copies, short texts and texts sharing a few phrases."""
    rng = random.Random(seed)
    texts: list[str] = []
    while len(texts) < n:
        base = [rng.choice(VOCAB) for _ in range(rng.randint(0, 160))]
        texts.append(" ".join(base))
        for _ in range(rng.randint(0, 3)):
            copy = list(base)
            kind = rng.choice(["verbatim", "trimmed", "edited", "short", "quote"])
            if kind == "trimmed":
                copy = copy[: rng.randint(0, len(copy))]
            elif kind == "edited":
                for i in range(len(copy)):
                    if rng.random() < 0.05:
                        copy[i] = rng.choice(VOCAB)
            elif kind == "short":
                start = rng.randint(0, max(0, len(copy) - 1))
                copy = copy[start : start + rng.randint(1, 12)]
            elif kind == "quote":
                other = [rng.choice(VOCAB) for _ in range(rng.randint(20, 120))]
                at = rng.randint(0, len(other))
                copy = other[:at] + copy[: rng.randint(0, 30)] + other[at:]
            texts.append(" ".join(copy).upper() if rng.random() < 0.2 else " ".join(copy))
    return texts[:n]


def _slow(texts: list[str], modulus: int, max_candidates: int, days: list[float | None] | None,
          window: float) -> set[tuple[int, int, str]]:
    sigs = shingles_many(texts)
    index = MemoryCandidateIndex()
    found = set()
    for i, sig in enumerate(sigs):
        keys = anchors(sig, modulus=modulus)
        hits = index.query(keys, min_shared=2, max_df=1000)
        if days is not None:
            hits = [
                (j, n) for j, n in hits
                if days[i] is None or days[j] is None or abs(days[i] - days[j]) <= window  # type: ignore[operator]
            ]
        for j, _ in hits[:max_candidates]:
            rep = compare(texts[j], texts[i], a_shingles=sigs[j], b_shingles=sig, passages=False)
            if rep is not None:
                found.add((j, i, rep.kind))
        index.add(i, keys)
    return found


def _fast(
    texts: list[str], cuts: list[int], compact_min: int = 1 << 16, **kw: object
) -> set[tuple[int, int, str]]:
    days = kw.pop("days", None)
    stream = ReprintStream(**kw)  # type: ignore[arg-type]
    stream.postings.compact_min = compact_min  # runs rebuilt as soon as this many are chained
    found = set()
    bounds = [0, *sorted(set(cuts)), len(texts)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        part = None if days is None else days[a:b]  # type: ignore[index]
        for f in stream.add(texts[a:b], part):
            found.add((f.a, f.b, f.kind))
    assert len(stream) == len(texts)
    return found


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 60), st.sampled_from([1, 2, 8]), st.data())
def test_stream_equals_one_pair_at_a_time(seed: int, n: int, modulus: int, data: st.DataObject) -> None:
    texts = _corpus(seed, n)
    cuts = data.draw(st.lists(st.integers(0, n), max_size=4))
    max_candidates = data.draw(st.sampled_from([1, 3, 50]))
    compact_min = data.draw(st.sampled_from([1, 1 << 16]))
    expected = _slow(texts, modulus, max_candidates, None, 0.0)
    got = _fast(texts, cuts, compact_min, modulus=modulus, max_candidates=max_candidates)
    assert got == expected


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10**6), st.data())
def test_stream_window_equals_filtered_candidates(seed: int, data: st.DataObject) -> None:
    texts = _corpus(seed, 40)
    days = data.draw(
        st.lists(st.one_of(st.none(), st.floats(0, 100)), min_size=len(texts), max_size=len(texts))
    )
    expected = _slow(texts, 8, 50, days, 10.0)
    assert _fast(texts, [17], days=days, window_days=10.0) == expected


def test_window_keeps_undated_and_near_articles() -> None:
    text = " ".join(VOCAB[:60])
    stream = ReprintStream(window_days=30)
    found = stream.add([text, text, text, text], [0.0, 45.0, None, 20.0])
    pairs = {(f.a, f.b) for f in found}
    # 1 is 45 days after 0: not a candidate; 2 has no date: a candidate for all; 3 is near both
    assert pairs == {(0, 2), (1, 2), (0, 3), (1, 3), (2, 3)}
    assert {f.kind for f in found} == {"exact"}


def test_found_reports_shared_shingles() -> None:
    a = " ".join(VOCAB[:100])
    b = " ".join(VOCAB[:60])
    (found,) = ReprintStream().add([a, b])
    sa, sb = shingles_many([a, b])
    assert found.kind == "contained"
    assert found.shared_shingles == np.intersect1d(sa, sb).size


def test_short_texts_match_their_copies() -> None:
    short = "Storm closes the coast road"
    q = anchors(shingles_many([short])[0])
    assert effective_min_shared(q.size, 2) == 1
    found = ReprintStream(modulus=1).add(["unrelated words here", short, short.upper()])
    assert [(f.a, f.b, f.kind) for f in found] == [(1, 2, "exact")]


def test_days_since_epoch_and_within() -> None:
    from storytrace.match.window import days_since_epoch, within

    assert days_since_epoch("1970-01-02T00:00:00Z") == 1.0
    assert days_since_epoch("1970-01-02T12:00:00") == 1.5  # naive: UTC
    assert days_since_epoch("1970-01-02T02:00:00+02:00") == 1.0
    assert days_since_epoch(None) is None and days_since_epoch("last tuesday") is None
    assert within(1.0, 31.0, 30) and not within(1.0, 31.5, 30)
    assert within(None, 1e9, 30) and within(1.0, None, 30)


def test_may_reprint_rules_out_only_pairs_compare_rejects(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shingle-only check the ingest runs before reading a candidate's text never drops a
    pair that the full rules (the check switched off inside compare) find to be reprints."""
    import importlib

    compare_module = importlib.import_module("storytrace.match.compare")  # not the function
    texts = [t for seed in range(6) for t in _corpus(seed, 40)]
    sigs = shingles_many(texts)
    pairs = [(i, j) for i in range(len(texts)) for j in range(i + 1, min(len(texts), i + 8))]
    verdicts = [
        may_reprint(shared_shingles(sigs[i], sigs[j]), sigs[i].size, sigs[j].size) for i, j in pairs
    ]
    monkeypatch.setattr(compare_module, "may_reprint", lambda *_: True)
    full = [compare(texts[i], texts[j], passages=False) for i, j in pairs]
    ruled_out = [rep for rep, ok in zip(full, verdicts, strict=True) if not ok]
    assert ruled_out and all(rep is None for rep in ruled_out)
    assert any(rep is not None for rep, ok in zip(full, verdicts, strict=True) if ok)
