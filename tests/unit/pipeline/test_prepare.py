"""What the workers hand to the main process: the parsed evidence equals the stored JSON's."""

from __future__ import annotations

import pickle

import numpy as np

from storytrace.evidence import Evidence
from storytrace.evidence.similarity import similarity_scores
from storytrace.model import Draft, Source
from storytrace.pipeline.prepare import Prepared, prepare_draft


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
