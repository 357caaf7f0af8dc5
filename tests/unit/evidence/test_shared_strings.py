from __future__ import annotations

import pickle

import pytest

from storytrace.evidence import Evidence, core, extract_evidence

TEXT = (
    "Rescue teams in Malatya searched the rubble on Friday. Governor Ali Yerlikaya said "
    '"we will not stop until everyone is found", as 120 people were still missing.'
)


def _same_objects(a: Evidence, b: Evidence) -> bool:
    """Every word, name and index key of ``b`` is the very string object ``a`` holds."""
    pairs = [
        *zip(sorted(a.words), sorted(b.words), strict=True),
        *zip(sorted(a.terms), sorted(b.terms), strict=True),
        *zip(a.lead, b.lead, strict=True),
        *zip(a.title_terms, b.title_terms, strict=True),
        *(
            (x, y)
            for ea, eb in zip(a.entities, b.entities, strict=True)
            for x, y in zip(ea[:3], eb[:3], strict=True)
        ),
        *zip(sorted(a.index_keys()), sorted(b.index_keys()), strict=True),
    ]
    return bool(pairs) and all(x is y for x, y in pairs)


def test_parsed_evidence_shares_strings_and_keeps_its_values() -> None:
    ev = extract_evidence("Quake hits Malatya\n\n" + TEXT, published="2023-02-10T08:00:00Z")
    stored = ev.to_json()
    a, b = Evidence.from_json(stored), Evidence.from_json(stored)
    assert a == b == ev
    assert a.fingerprint == b.fingerprint == ev.fingerprint
    assert a.to_json() == stored
    assert a.entities and a.title_terms
    assert _same_objects(a, b)


def test_evidence_from_a_worker_shares_strings_and_keeps_what_it_computed() -> None:
    ev = extract_evidence("Quake hits Malatya\n\n" + TEXT, published="2023-02-10T08:00:00Z")
    keys = ev.pair_keys
    ev.index_keys()
    parsed = Evidence.from_json(ev.to_json())
    received = pickle.loads(pickle.dumps(ev))
    assert received == ev
    assert "pair_keys" in vars(received)  # computed once, in the worker
    assert (received.pair_keys.keys == keys.keys).all()
    assert _same_objects(parsed, received)


def test_the_table_starts_again_past_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core, "_SHARED", {})
    monkeypatch.setattr(core, "_MAX_SHARED", 50)
    for i in range(6):
        # each text with 60 words no other has
        text = (
            " ".join("zq" + chr(97 + i) + chr(97 + j // 26) + chr(97 + j % 26) for j in range(60))
            + ". "
            + TEXT
        )
        ev = extract_evidence(text)
        assert Evidence.from_json(ev.to_json()) == ev
        names = {x for e in ev.entities for x in e[:3]}
        one = len(set(ev.words) | set(ev.terms) | set(ev.lead) | set(ev.title_terms) | names)
        assert len(core._SHARED) <= 50 + one
