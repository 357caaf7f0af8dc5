"""The settings that shape stored data are recorded when a database is made and checked after."""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace import Config, ConfigError
from storytrace.store import Store
from storytrace.store import settings as fixed


def test_first_use_records_the_fixed_settings(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with Store(path, config=Config(shingle_size=6, anchor_modulus=4)) as store:
        assert fixed.stored(store.conn) == {
            "shingle_size": 6,
            "anchor_modulus": 4,
            "signature_version": fixed.SIGNATURE_VERSION,
        }
    with Store(path, config=Config(shingle_size=6, anchor_modulus=4, batch_size=7)):
        pass  # the same fixed values (other settings may change): accepted


@pytest.mark.parametrize(
    ("asked", "named"),
    [
        ({"shingle_size": 7}, ["shingle_size=5", "shingle_size=7", "rebuild --shingle-size 7"]),
        ({"anchor_modulus": 16}, ["anchor_modulus=8", "anchor_modulus=16", "--anchor-modulus 16"]),
    ],
)
def test_other_values_are_refused_naming_both_and_rebuild(
    tmp_path: Path, asked: dict[str, int], named: list[str]
) -> None:
    path = tmp_path / "x.db"
    Store(path, config=Config()).close()
    with pytest.raises(ConfigError) as err:
        Store(path, config=Config(**asked))
    message = str(err.value)
    assert all(n in message for n in named), message
    assert f"storytrace --db {path} rebuild" in message
    with Store(path) as store:
        assert fixed.stored(store.conn)["shingle_size"] == 5  # nothing was changed


def test_another_shingle_scheme_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with Store(path, config=Config()) as store, store.transaction():
        fixed.record(store.conn, {"signature_version": fixed.SIGNATURE_VERSION + 1})
    with pytest.raises(ConfigError, match=r"shingle scheme version .* rebuild"):
        Store(path, config=Config())


def test_the_store_reads_the_story_window_and_the_decision_its_sample(tmp_path: Path) -> None:
    config = Config(story_window_days=3.5, stories={"max_members": 80})  # type: ignore[arg-type]
    with Store(tmp_path / "x.db", config=config) as store:
        assert store.stories.window_days == 3.5
    rules = config.stories.decide_config()
    assert rules.max_members == 80 and rules.window >= 80


def test_a_reader_records_nothing(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    Store(path).close()
    with Store(path, read_only=True, config=Config(shingle_size=9)) as store:
        assert fixed.stored(store.conn) == {}
