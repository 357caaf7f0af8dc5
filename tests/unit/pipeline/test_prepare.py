"""What the workers hand to the main process: the parsed evidence equals the stored JSON's."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from storytrace.evidence import Evidence
from storytrace.evidence.similarity import similarity_scores
from storytrace.model import Draft, Reject, Source
from storytrace.pipeline.prepare import Prepared, prepare_draft, with_embeddings


def _prepared(text: str, n: int) -> Prepared:
    draft = Draft(Source("seed.txt", line=n), "text", text, text, title=None, outlet="example.org")
    # Through pickle, as results come back from the worker processes.
    out = pickle.loads(pickle.dumps(prepare_draft(draft)))
    assert isinstance(out, Prepared)
    return out


def test_parsed_evidence_is_the_stored_evidence(seeds: tuple[str, str]) -> None:
    shipped = [_prepared(t, i) for i, t in enumerate(seeds)]
    stored = [Evidence.from_json(p.evidence) for p in shipped]
    for p, ev in zip(shipped, stored, strict=True):
        assert p.parsed == ev
        assert p.parsed.fingerprint == ev.fingerprint
        assert "pair_keys" in vars(p.parsed)  # built in the worker, not again here
        packed, fresh = p.parsed.pair_keys, ev.pair_keys
        for field in ("keys", "values", "bounds", "stats"):
            assert np.array_equal(getattr(packed, field), getattr(fresh, field), equal_nan=True)
    a, b = shipped
    assert similarity_scores(a.parsed, [b.parsed]) == similarity_scores(stored[0], [stored[1]])
    assert similarity_scores(a.parsed, [b.parsed])[0] > 0


def _drafts(texts: list[str]) -> list[Draft]:
    return [
        Draft(Source(f"a{i}.txt"), "text", t, t, title=None, outlet="example.org")
        for i, t in enumerate(texts)
    ]


def test_a_batch_gets_the_embeddings_each_article_gets_alone(seeds: tuple[str, str]) -> None:
    german = (
        "Ein Erdbeben der Stärke 6,4 hat am Montag den Süden der Türkei erschüttert. Mindestens "
        "zwölf Menschen kamen ums Leben, Dutzende Gebäude in der Provinz Hatay wurden zerstört. "
        "Die Behörden schickten Rettungsteams in die betroffenen Dörfer."
    )
    swedish = (
        "Ett jordskalv med magnituden 6,4 skakade södra Turkiet på måndagen. Minst tolv "
        "människor omkom och dussintals byggnader i provinsen Hatay förstördes, enligt "
        "myndigheterna som skickade räddningsteam till byarna."
    )
    drafts = _drafts([*seeds, german, swedish])
    alone = [prepare_draft(d, embed=True) for d in drafts]
    batch = with_embeddings([prepare_draft(d, embed=False) for d in drafts])
    for one, many in zip(alone, batch, strict=True):
        assert isinstance(many, Prepared)
        assert many.evidence == one.evidence
        assert many.parsed == Evidence.from_json(many.evidence)
        assert "pair_keys" in vars(many.parsed)
    langs = [p.parsed.lang for p in alone]
    assert langs == ["en", "en", "de", "sv"]
    assert [len(p.parsed.embedding) for p in alone] == [512, 512, 512, 0]
    assert '"embedding"' not in alone[3].evidence  # no vector, no empty field
    assert all("embed" in p.seconds for p in batch[:3])


def test_an_encoder_failure_keeps_the_articles(
    seeds: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from storytrace.pipeline import prepare as module

    real = module.embed_texts

    def fragile(texts: list[str]) -> list[bytes]:
        if any("Hostile" in t for t in texts):
            raise ValueError("the encoder choked")
        return real(texts)

    monkeypatch.setattr(module, "embed_texts", fragile)
    hostile = "Hostile headline. " + seeds[1]
    items = [prepare_draft(d, embed=False) for d in _drafts([seeds[0], hostile])]
    out = with_embeddings([*items, Reject(Source("bad.bin"), "binary", "not text")])
    assert len(out) == 3 and isinstance(out[2], Reject)
    good, bad = out[0], out[1]
    assert isinstance(good, Prepared) and len(good.parsed.embedding) == 512
    assert isinstance(bad, Prepared) and bad.parsed.embedding == b""
    assert bad.evidence == items[1].evidence  # kept as prepared, without a vector
