"""Each stored article keeps the pair form its worker packed (``pair_forms``): evidence evicted
from the story state's cache comes back with it, and scores as freshly packed evidence does."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import storytrace
from storytrace.evidence import Evidence
from storytrace.evidence._pair_kernels import PairForm
from storytrace.evidence.similarity import similarity_scores
from storytrace.store import Store


@pytest.fixture(scope="module")
def db(example_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("forms") / "forms.db"
    storytrace.ingest([str(example_corpus)], db=str(path))
    return path


def _same_form(a: PairForm, b: PairForm) -> bool:
    return all(np.array_equal(getattr(a, k), getattr(b, k)) for k in ("keys", "weights", "blob"))


def test_every_article_keeps_the_form_of_its_evidence(db: Path) -> None:
    with Store(str(db)) as store:
        rows = store.conn.execute(
            "SELECT a.evidence, f.fingerprint, f.form FROM articles a"
            " LEFT JOIN pair_forms f ON f.article_id = a.id WHERE a.evidence IS NOT NULL"
        ).fetchall()
    assert len(rows) > 30
    for evidence, fingerprint, form in rows:
        fresh = Evidence.from_json(evidence)
        assert fresh.pair_form is not None and fingerprint == fresh.fingerprint
        assert _same_form(PairForm.from_bytes(form), fresh.pair_form)


def test_evicted_evidence_is_read_back_with_its_form_and_scores_alike(db: Path) -> None:
    with Store(str(db)) as store:
        ids = [int(r[0]) for r in store.conn.execute("SELECT id FROM articles ORDER BY id")]
        store.stories.clear_cache()
        back = [store.stories.evidence(i) for i in ids]
    assert all("pair_form" in ev.__dict__ for ev in back)  # read, not packed again
    fresh = [Evidence.from_json(ev.to_json()) for ev in back]
    for i in (0, len(back) // 2):
        others = back[:i] + back[i + 1 :]
        want = similarity_scores(fresh[i], fresh[:i] + fresh[i + 1 :])
        assert similarity_scores(back[i], others) == want


def test_a_form_packed_from_other_evidence_is_not_used(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    with Store(str(copy)) as store:
        first, second = (int(r[0]) for r in store.conn.execute("SELECT id FROM articles LIMIT 2"))
        # the first article's row now holds the second one's form and fingerprint
        store.conn.execute(
            "UPDATE pair_forms SET (fingerprint, form) ="
            " (SELECT fingerprint, form FROM pair_forms WHERE article_id = ?) WHERE article_id = ?",
            (second, first),
        )
        store.stories.clear_cache()
        ev = store.stories.evidence(first)
        assert "pair_form" not in ev.__dict__  # packed when first scored, from its own evidence
        expected = Evidence.from_json(ev.to_json()).pair_form
        assert ev.pair_form is not None and expected is not None
        assert _same_form(ev.pair_form, expected)


def test_a_truncated_form_is_refused() -> None:
    form = Evidence.from_json(storytrace.evidence.extract_evidence("Rain in Oslo.").to_json())
    assert form.pair_form is not None
    data = form.pair_form.to_bytes()
    assert _same_form(PairForm.from_bytes(data), form.pair_form)
    with pytest.raises(ValueError, match="does not hold"):
        PairForm.from_bytes(data[:-8])
