"""Evidence version 2: character grams, the lede, fixed weights, old JSON, the train command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from storytrace.cli.main import cli
from storytrace.evidence import FEATURES, Evidence, extract_evidence, fit_weights, similarity
from storytrace.evidence.core import VERSION
from storytrace.evidence.similarity import FIXED_WEIGHTS, features

DE_1 = "Fünf Surfer vor niederländischer Küste ums Leben gekommen\nBei einem Unglück vor der Küste."
DE_2 = "Den Haag: Fünf Surfer vor niederländischer Küste getötet\nDrei Surfer wurden geborgen."


def test_char_grams_match_inflected_forms() -> None:
    a = extract_evidence(DE_1, lang="de")
    b = extract_evidence(DE_2, lang="de")
    f, _ = features(a, b)
    assert f["grams_cos"] > 0.3 and f["lead"] > 0.5 and f["title"] > 0.5
    c = extract_evidence("Ein ganz anderes Thema\nDer Bundestag berät den Haushalt.", lang="de")
    assert features(a, c)[0]["lead"] < f["lead"]


def test_version_and_old_json_still_loads() -> None:
    ev = extract_evidence(DE_1, lang="de")
    d = json.loads(ev.to_json())
    assert d["version"] == VERSION and "words" in d and "lead" in d
    assert Evidence.from_json(ev.to_json()) == ev
    old = {k: v for k, v in d.items() if k not in ("version", "words", "lead")}
    loaded = Evidence.from_json(json.dumps(old))
    assert loaded.version == 1 and not loaded.words
    s = similarity(loaded, ev)  # version 1 against version 2: still scored
    assert 0.0 <= s.score <= 1.0


def test_fixed_weights_are_held() -> None:
    pairs = [
        ({k: float((i + j) % 3 == 0) for j, k in enumerate(FEATURES)}, (i % 4) / 3)
        for i in range(40)
    ]
    w = fit_weights(pairs, fixed=FIXED_WEIGHTS)
    assert all(w[k] == v for k, v in FIXED_WEIGHTS.items())
    assert set(w) == {"bias", *FEATURES}


@pytest.mark.slow  # a fresh interpreter
def test_default_path_does_not_import_torch() -> None:
    code = (
        "import sys; from storytrace.evidence import extract_evidence, similarity; "
        "a = extract_evidence('Quake hits town\\nA quake hit the town.'); similarity(a, a); "
        "print('torch' in sys.modules or 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_train_similarity_writes_loadable_weights(tmp_path: Path) -> None:
    rows = ["pair_id,lang1,lang2,text1,text2,Overall"]
    texts = [
        (
            "Quake hits Malatya\nA magnitude 6.1 quake hit Malatya.",
            "Malatya quake\nQuake in Malatya.",
        ),
        ("Minister visits Jakarta\nThe minister met Widodo.", "Storm floods Oslo\nRain hit Oslo."),
    ]
    for i in range(12):
        t1, t2 = texts[i % 2]
        rows.append(f'{i}_{i},en,en,"{t1}","{t2}",{1.0 if i % 2 == 0 else 4.0}')
    src = tmp_path / "pairs.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "w.json"
    res = CliRunner().invoke(cli, ["train", "similarity", str(src), "--out", str(out), "--cv", "2"])
    assert res.exit_code == 0, res.output
    w = {k: v for k, v in json.loads(out.read_text()).items() if not k.startswith("_")}
    assert set(w) == {"bias", *FEATURES}
    a, b = extract_evidence(texts[0][0]), extract_evidence(texts[0][1])
    c = extract_evidence(texts[1][1])
    assert similarity(a, b, weights=w).score > similarity(a, c, weights=w).score
