"""The licence check of CI (.ci/licences.py): its expression rule and the installed tree."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "licences.py"


@pytest.fixture(scope="module")
def licences() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ci_licences", SCRIPT)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["ci_licences"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize(
    ("expression", "ok"),
    [
        ("MIT", True),
        ("BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0", True),
        ("Apache-2.0 WITH LLVM-exception", True),
        ("MPL-1.1 OR GPL-2.0-only OR LGPL-2.1-or-later", True),
        ("(MIT OR GPL-3.0-only) AND BSD-2-Clause", True),
        ("GPL-2.0-or-later", False),
        ("MIT AND GPL-3.0-only", False),
        ("GPL-2.0-only WITH Classpath-exception-2.0", False),
        ("Other/Proprietary License", False),
        ("UNKNOWN", False),
        ("", False),
    ],
)
def test_expression_rule(licences: ModuleType, expression: str, ok: bool) -> None:
    assert licences.allowed(expression) is ok


def test_installed_runtime_tree_passes_and_has_no_gpl_transliterator(
    licences: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    names = set(licences.walk())
    assert {"storytrace", "anyascii", "trafilatura", "starlette"} <= names
    assert "unidecode" not in names and "pytest" not in names  # test extra is not shipped
    assert licences.main(["--list"]) == 0, capsys.readouterr().out
