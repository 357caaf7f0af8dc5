"""Hostile requests: thousands of generated paths and queries, and never a server error.

Ids out of range, malformed dates, huge pages, unknown sorts, full-text query syntax, bad
percent-encodings and control characters, on every route and its JSON twin.
"""

from __future__ import annotations

import random
import warnings
from pathlib import Path
from urllib.parse import quote

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed")
pytest.importorskip("httpx", reason="TestClient needs httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from storytrace.web.app import create_app  # noqa: E402

from .test_web import build_db  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NUMBERS = ["0", "1", "2", "-1", "007", "1e9", "9" * 19, "9" * 40, "NaN", "0x10", "", " 1", "١"]
WORDS = [
    "harbour",
    '"',
    '"unbalanced',
    "*",
    "a OR",
    "NEAR(",
    "AND AND",
    "-",
    "col:x",
    "^x",
    "%",
    "\x00",
    "\u202e",
    "é" * 300,
    "x" * 5000,
    "'; DROP TABLE articles; --",
    "<script>",
    "\ud800",
]
DATES = [
    "2026-03-10",
    "2026-13-45",
    "yesterday",
    "0000-00-00",
    "9999-12-31",
    "2026-3-1",
    "",
    "1h",
    "999999w",
    "0001-01-01T00:00+14:00",
    "2026-12-01T09:00:00+99:00",
]


def _q(text: str) -> str:
    return quote(text, safe="", errors="surrogatepass")


def _requests(rng: random.Random, n: int) -> list[str]:
    routes = [
        "/",
        "/stories",
        "/outlets",
        "/stories/{n}",
        "/stories/{n}/status",
        "/articles/{n}",
        "/outlets/{w}",
    ]
    keys = ["q", "outlet", "from", "to", "since", "sort", "page", "per_page", "a", "b", "raw"]
    keys += ["follow", "x"]
    out = []
    for _ in range(n):
        path = rng.choice(routes).format(
            n=_q(rng.choice(NUMBERS)), w=_q(rng.choice(WORDS) + rng.choice(["", ".example"]))
        )
        if rng.random() < 0.5:
            path += ".json"
        params = []
        for key in rng.sample(keys, rng.randint(0, 4)):
            value = rng.choice(WORDS + NUMBERS + DATES)
            params.append(f"{key}={_q(value)}")
        if rng.random() < 0.1:
            params.append(rng.choice(["%", "%zz", "%ff%fe", "a=%00", "&&&", "=x", "page=%E2%80"]))
        out.append(path + ("?" + "&".join(params) if params else ""))
    return out


def test_generated_hostile_requests_never_get_a_server_error(
    example_corpus: Path, tmp_path: Path
) -> None:
    db, _ = build_db(tmp_path, example_corpus)
    client = TestClient(create_app(db), raise_server_exceptions=False)
    rng = random.Random(20261202)
    failures = []
    for url in _requests(rng, 2000):
        try:
            response = client.get(url, follow_redirects=False)
        except Exception as exc:  # the client itself may refuse a URL; the server never saw it
            failures.append((url[:120], f"client: {type(exc).__name__}"))
            continue
        if response.status_code >= 500:
            failures.append((url[:120], response.status_code))
    assert failures == []
