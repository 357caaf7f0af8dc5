"""Settings: the dataclasses, storytrace.toml's [ingest] and [stories] tables, validation."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

from storytrace import Config, ConfigError, StoryThresholds, load_config
from storytrace.stories import StoryClusterer
from storytrace.stories.decide import StoryConfig


def _toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "storytrace.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_story_thresholds_default_to_the_rule_s_own_defaults() -> None:
    t = StoryThresholds()
    assert t.decide_config() == StoryConfig()
    clusterer = StoryClusterer()
    for name, value in t.clusterer_args().items():
        assert getattr(clusterer, name) == value, name


def test_stories_table_is_loaded_validated_and_saved_with_the_run(tmp_path: Path) -> None:
    path = _toml(tmp_path, "[ingest]\nbatch_size = 50\n\n[stories]\njoin = 0.6\ntop_k = 2\n")
    config = load_config(path)
    assert config.batch_size == 50
    assert config.stories == StoryThresholds(join=0.6, top_k=2)
    saved = json.loads(json.dumps(config.to_dict()))
    assert saved["stories"]["join"] == 0.6 and saved["stories"]["top_k"] == 2
    assert saved["stories"]["contrast"] == StoryThresholds().contrast
    assert Config(**{**saved, "stories": saved["stories"]}) == config  # a saved config loads back


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[stories]\njoinn = 0.6\n", "unknown setting(s) in [stories]: joinn"),
        ("[stories]\njoin = 1.5\n", "stories.join must be above 0 and at most 1"),
        ("[stories]\ntop_k = 0\n", "stories.top_k must be positive"),
        ("[stories]\ntop_k = 2.5\n", "stories.top_k must be a number (int)"),
        ('[stories]\ncontrast = "high"\n', "stories.contrast must be a number"),
        ("[stories]\nreassign_rounds = -1\n", "reassign_rounds must be 0 or more"),
        ("stories = 3\n", "[stories] must be a table"),
        ("[ingest]\nstories = {join = 0.6}\n", "go in a [stories] table"),
        ("[ingest]\nshingle_sise = 6\n", "unknown setting(s): shingle_sise"),
        ("[ingest]\nstory_window_days = 0\n", "story_window_days must be positive"),
    ],
)
def test_bad_settings_are_config_errors(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(_toml(tmp_path, text))
    assert fragment in str(err.value)


def test_config_takes_the_stories_table_as_a_mapping() -> None:
    assert Config(stories={"merge": 0.7}).stories.merge == 0.7  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="unknown"):
        Config(stories={"nope": 1})  # type: ignore[arg-type]


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for f in fields(Config):
        if f.name != "stories":
            assert f"{f.name} =" in readme, f"{f.name} is not in the README's storytrace.toml"
    for f in fields(StoryThresholds):
        assert f"{f.name} =" in readme, f"stories.{f.name} is not in the README's storytrace.toml"
