"""Run configuration: keyword arguments -> a frozen, validated dataclass -> storytrace.toml -> CLI."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class Config:
    """Every knob of an ingest run. Defaults work on two articles as well as on millions."""

    max_bytes: int = 10_000_000
    """Largest single article file (or JSONL/CSV row, or WARC record) accepted, in bytes."""
    extract_timeout: float = 10.0
    """Seconds allowed to extract one HTML page."""
    workers: int = 0
    """Worker processes for HTML extraction; 0 = one per core, 1 = in-process."""
    batch_size: int = 200
    """Articles committed per transaction; a killed run loses at most one batch of work."""
    shingle_size: int = 5
    """Words per shingle for reprint detection."""
    anchor_modulus: int = 8
    """Keep one shingle hash in this many as a candidate-index key."""
    max_anchor_df: int = 1000
    """Ignore candidate-index keys shared by more articles than this (common phrases)."""
    max_reprint_candidates: int = 50
    """Verify at most this many reprint candidates per article, the best first."""
    reprint_window_days: float = 30.0
    """Only articles published within this many days of an article are its reprint candidates
    (articles without a date always are)."""
    story_window_days: float = 30.0
    """Only stories seen within this many days of an article's date are candidates for it."""
    max_story_candidates: int = 8
    """Compare an article with at most this many candidate stories (those sharing most keys)."""
    recheck_every: int = 200
    """Re-check the stories touched so far once this many inputs were processed since the last
    re-check (and at the end of every run). Small values re-check more often; the default
    re-checks after every batch of a bulk run and keeps single-article adds fast."""
    recheck_neighbours: int = 8
    """Re-check each touched story together with this many nearest stories."""
    recheck_max_articles: int = 2000
    """Regroup at most this many articles per re-check (the smallest stories first)."""
    recheck_background: int = 500
    """Recent articles outside the re-checked stories that count for the rarity of terms."""
    site_min_articles: int = 3
    """A block must recur in this many articles of an outlet to be learned as site boilerplate."""

    def __post_init__(self) -> None:
        positive = ("max_bytes", "extract_timeout", "batch_size", "shingle_size", "anchor_modulus",
                    "max_anchor_df", "max_reprint_candidates", "reprint_window_days",
                    "story_window_days",
                    "max_story_candidates", "site_min_articles", "recheck_every", "recheck_neighbours",
                    "recheck_max_articles", "recheck_background")
        for name in positive:
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive, got {getattr(self, name)!r}")
        if self.workers < 0:
            raise ConfigError(f"workers must be 0 (one per core) or more, got {self.workers}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def with_overrides(self, **overrides: Any) -> Config:
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def load_config(path: str | Path | None = None, **overrides: Any) -> Config:
    """Defaults, then ``storytrace.toml`` (its ``[ingest]`` table) if present, then overrides."""
    config = Config()
    toml_path = Path(path) if path else Path("storytrace.toml")
    if toml_path.is_file():
        try:
            data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{toml_path}: not valid TOML: {exc}") from exc
        config = config.with_overrides(**data.get("ingest", {}))
    elif path:
        raise ConfigError(f"config file {str(path)!r} not found")
    return config.with_overrides(**overrides)
