"""Every documented setting changes what a run does.

For each field of :class:`storytrace.Config` and of its ``[stories]`` table
(:class:`storytrace.StoryThresholds`) there is a scenario below: the example corpus (or a slice
of ECB+ from the shared data, for the story rule) ingested with the default and with another
value of that one setting, and something observable (the run's counts, the stories, reprints,
stored shingles, the index, rejects, ...) must differ. A setting added without a scenario fails
:func:`test_every_setting_has_a_scenario`: it is either wired up and shown here, or removed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

import storytrace
from storytrace import Config, StoryThresholds

from ..conftest import shared_dir

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "corpus"


ECB_TOPICS = (1, 3, 5, 7, 9, 11, 13)
"""ECB+ dev topics of the scenarios of the story rule: each topic has two related but different
events (two earthquakes, two arrests of one actor), where the re-check has work to do."""


def _ecb_corpus(folder: Path) -> Path:
    data = shared_dir() / "data" / "ecbplus" / "dev.jsonl"
    if not data.is_file():
        pytest.skip(f"ECB+ not found at {data} (set STORYTRACE_SHARED)")
    path = folder / "ecb.jsonl"
    with data.open(encoding="utf-8") as fh, path.open("w", encoding="utf-8") as out:
        for line in fh:
            row = json.loads(line)
            if row["topic"] in ECB_TOPICS:
                out.write(
                    json.dumps({"id": row["id"], "outlet": row["id"], "text": row["text"]}) + "\n"
                )
    return path


# setting -> (corpus, base settings, changed settings); the base also applies to the default run.
Scenario = tuple[str, dict[str, Any], dict[str, Any]]
PER_ARTICLE = {"batch_size": 1, "recheck_every": 1}  # a decision and a re-check per article
SCENARIOS: dict[str, Scenario] = {
    "max_bytes": ("example", {}, {"max_bytes": 600}),  # the longer files are rejected as too large
    "extract_timeout": ("slow-html", {"workers": 1}, {"extract_timeout": 0.05}),
    "workers": ("example", {"workers": 1}, {"workers": 2}),  # where the articles were prepared
    "batch_size": ("example", {}, {"batch_size": 1}),  # site patterns known before the next article
    "shingle_size": ("example", {}, {"shingle_size": 3}),
    "anchor_modulus": ("example", {}, {"anchor_modulus": 2}),
    "max_anchor_df": ("example", {}, {"max_anchor_df": 1}),
    "max_reprint_candidates": ("example", {}, {"max_reprint_candidates": 1}),
    "reprint_window_days": ("example", {}, {"reprint_window_days": 0.01}),
    "story_window_days": ("example", {}, {"story_window_days": 0.01}),
    "max_story_candidates": ("ecb", {}, {"max_story_candidates": 1}),
    "recheck_every": ("ecb", {"batch_size": 1}, {"recheck_every": 1}),
    "recheck_neighbours": ("ecb", PER_ARTICLE, {"recheck_neighbours": 1}),
    "recheck_max_articles": ("ecb", {}, {"recheck_max_articles": 2}),
    "recheck_background": ("ecb", PER_ARTICLE, {"recheck_background": 1}),
    "site_min_articles": ("example", {}, {"site_min_articles": 50}),
    "embeddings": ("example", {}, {"embeddings": False}),  # the German, Spanish, French articles
    "stories.join": ("example", {}, {"join": 0.95}),
    "stories.profile": ("example", {}, {"profile": 0.95}),
    "stories.merge": ("ecb", {}, {"merge": 0.05}),
    "stories.top_k": ("ecb", {}, {"top_k": 1}),
    "stories.max_members": ("ecb", {}, {"max_members": 1}),
    "stories.contrast": ("ecb", {}, {"contrast": 0.9}),
    "stories.veto_size": ("ecb", {}, {"veto_size": 1}),
    "stories.veto_share": ("ecb", {}, {"veto_share": 0.3}),
    "stories.veto_weight": ("ecb", {}, {"veto_weight": 0.5}),
    "stories.time_share": ("ecb", {}, {"time_share": 1.0}),
    "stories.time_size": ("ecb", {}, {"time_size": 50}),
    "stories.reassign_rounds": ("ecb", {}, {"reassign_rounds": 0}),
}


# Settings only `spark ingest` reads: tests/integration/test_spark.py shows them at work.
SPARK_ONLY = {"story_block_articles"}


def test_every_setting_has_a_scenario() -> None:
    documented = {f.name for f in fields(Config) if f.name != "stories"} - SPARK_ONLY
    documented |= {f"stories.{f.name}" for f in fields(StoryThresholds)}
    assert set(SCENARIOS) == documented


def _config(settings: dict[str, Any]) -> Config:
    story_names = {f.name for f in fields(StoryThresholds)}
    stories = {k: v for k, v in settings.items() if k in story_names}
    plain = {k: v for k, v in settings.items() if k not in story_names}
    return replace(Config(**plain), stories=StoryThresholds(**stories))


def _observe(db: Path, report: storytrace.IngestReport) -> dict[str, Any]:
    """What a run produced, without times."""
    counts = {k: v for k, v in report.to_dict().items() if "seconds" not in k}
    conn = sqlite3.connect(db)
    conn.create_function("name", 1, lambda source: str(source).rsplit("/", 1)[-1])  # no folders
    try:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return sorted(tuple(r) for r in conn.execute(sql))

        return {
            "counts": counts,
            "stories": sorted(
                sorted(str(s) for s in group.split("\x1f"))
                for (group,) in conn.execute(
                    "SELECT group_concat(name(a.source), char(31)) FROM story_members m"
                    " JOIN articles a ON a.id = m.article_id GROUP BY m.story_id"
                )
            ),
            "events": rows("SELECT kind, count(*) FROM story_events GROUP BY kind"),
            "reprints": rows(
                "SELECT name(x.source), name(y.source), r.kind FROM reprints r"
                " JOIN articles x ON x.id = r.a JOIN articles y ON y.id = r.b"
            ),
            "shingles": rows("SELECT name(source), length(shingles) FROM articles"),
            "anchor_keys": rows("SELECT count(*) FROM anchors"),
            "removed": rows(
                "SELECT name(a.source), r.reason, r.start FROM removed r JOIN articles a ON a.id = r.article_id"
            ),
            "rejects": rows("SELECT name(source), reason FROM rejects"),
            "prepared_in": rows(
                "SELECT DISTINCT json_extract(meta, '$.prepared_in') = 'main' FROM articles"
            ),
        }
    finally:
        conn.close()


_MAIN_PID = os.getpid()


def _prepare_marked(doc: Any, **kwargs: Any) -> Any:
    """``prepare``, noting in the article's meta which process prepared it: the effect of
    ``workers`` (module level: the worker processes get it pickled by name)."""
    from storytrace.pipeline.prepare import prepare

    out = prepare(doc, **kwargs)
    if isinstance(out, storytrace.Reject):
        return out
    where = "main" if os.getpid() == _MAIN_PID else "worker"
    return replace(out, draft=replace(out.draft, meta={**out.draft.meta, "prepared_in": where}))


@pytest.fixture
def run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str, dict[str, Any]], dict[str, Any]]:
    from storytrace.extract import html as html_extract
    from storytrace.pipeline import extract_pool

    monkeypatch.setattr(extract_pool, "prepare", _prepare_marked)
    extract = html_extract._extract

    def slow_extract(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)  # a slow page: over a small extract_timeout, well under the default
        return extract(*args, **kwargs)

    counter = iter(range(1000))

    def ingest(corpus: str, settings: dict[str, Any]) -> dict[str, Any]:
        n = next(counter)
        if corpus == "ecb":
            inputs = [str(_ecb_corpus(tmp_path))]
        elif corpus == "slow-html":
            monkeypatch.setattr(html_extract, "_extract", slow_extract)
            inputs = [str(p) for p in sorted(EXAMPLE.glob("page-*.html"))]
        else:
            inputs = [str(EXAMPLE)]
        db = tmp_path / f"run{n}.db"
        report = storytrace.ingest(inputs, db=str(db), config=_config(settings))
        return _observe(db, report)

    return ingest


_DEFAULTS: dict[str, dict[str, Any]] = {}  # the default runs, shared by the scenarios


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=[pytest.mark.slow] if SCENARIOS[n][0] == "ecb" else [])
        for n in sorted(SCENARIOS)
    ],
)
def test_setting_changes_the_outcome(
    name: str, run: Callable[[str, dict[str, Any]], dict[str, Any]]
) -> None:
    corpus, base, changed = SCENARIOS[name]
    key = json.dumps([corpus, base], sort_keys=True)
    if key not in _DEFAULTS:
        _DEFAULTS[key] = run(corpus, base)
    default = _DEFAULTS[key]
    other = run(corpus, {**base, **changed})
    differ = sorted(k for k in default if default[k] != other[k])
    assert differ, f"{name}: {changed} changed nothing observable"
