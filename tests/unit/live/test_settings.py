"""[fetch] and [watch] in storytrace.toml: loaded, validated, kept out of the ingest's Config."""

from __future__ import annotations

from pathlib import Path

import pytest

from storytrace import Config, ConfigError, FetchSettings, WatchSettings, load_config
from storytrace.config import load_fetch_settings, load_watch_settings, parse_duration


def toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "storytrace.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_tables_are_read_and_overridden(tmp_path: Path) -> None:
    path = toml(
        tmp_path,
        '[ingest]\nbatch_size = 50\n\n[fetch]\ndelay = 2.5\ncontact = "mailto:desk@news.example"\n\n'
        '[watch]\nsources = ["https://news.example/feed.xml"]\nevery = "1h"\nmax_new = 20\n',
    )
    assert load_fetch_settings(path) == FetchSettings(delay=2.5, contact="mailto:desk@news.example")
    assert load_fetch_settings(path, delay=0.5).delay == 0.5
    watch = load_watch_settings(path, every=None)
    assert watch == WatchSettings(
        sources=("https://news.example/feed.xml",), every=3600, max_new=20
    )
    assert load_watch_settings(path, every=30.0).every == 30.0
    assert load_config(path) == Config(batch_size=50)  # the web tables do not touch the ingest


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_fetch_settings() == FetchSettings()
    assert load_watch_settings().every == 900.0
    with pytest.raises(ConfigError, match="not found"):
        load_watch_settings(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[fetch]\ndelai = 1\n", "unknown setting(s) in [fetch]: delai"),
        ("[fetch]\ndelay = -1\n", "fetch.delay must be 0 or more"),
        ("[fetch]\ntimeout = 0\n", "fetch.timeout must be positive"),
        ('[fetch]\ntimeout = "fast"\n', "fetch.timeout must be a number"),
        ("[fetch]\nmax_redirects = 2.5\n", "fetch.max_redirects must be a number (int)"),
        ('[fetch]\ncontact = "a\\nb"\n', "fetch.contact must be one line"),
        ("[fetch]\ndeadline = inf\n", "fetch.deadline must be finite"),
        ('[watch]\nevery = "soon"\n', "watch.every must be a duration"),
        ('[watch]\nevery = "0m"\n', "watch.every must be a positive duration"),
        ('[watch]\nsources = "https://news.example/feed.xml"\n', "watch.sources must be a list"),
        ("[watch]\nmax_new = 0\n", "watch.max_new must be positive"),
        ("watch = 3\n", "[watch] must be a table"),
    ],
)
def test_bad_settings_are_config_errors(tmp_path: Path, text: str, fragment: str) -> None:
    path = toml(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_fetch_settings(path)
        load_watch_settings(path)
    assert fragment in str(err.value)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("30s", 30), ("15m", 900), ("1h", 3600), ("1.5h", 5400), (90, 90), ("45", 45)],
)
def test_durations(value: object, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["", "m", "-5m", "1d", "1h30m", True, None])
def test_bad_durations(value: object) -> None:
    with pytest.raises(ConfigError):
        parse_duration(value, "--every")
