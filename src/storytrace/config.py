"""Run configuration: keyword arguments -> a frozen, validated dataclass -> storytrace.toml -> CLI.

:class:`Config` holds what shapes an ingest (``[ingest]`` and ``[stories]``);
:class:`FetchSettings` how pages are fetched from the web (``[fetch]``) and
:class:`WatchSettings` what ``storytrace watch`` reads and how often (``[watch]``). The web
settings are kept out of ``Config``: they do not change what an article becomes.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import ConfigError

DEFAULT_DB = "storytrace.db"
"""The database file when none is given (``--db``, ``$STORYTRACE_DB``)."""

if TYPE_CHECKING:
    from .stories.decide import StoryConfig


@dataclass(frozen=True)
class StoryThresholds:
    """The story rule's thresholds: ``[stories]`` in storytrace.toml.

    The first five are those of :func:`storytrace.stories.decide` (each article as it arrives);
    the others those of the re-check (:class:`storytrace.stories.StoryClusterer`). The defaults
    were chosen by leave-topics-out cross-validation on ECB+ (docs/evaluation.md).
    """

    join: float = 0.6
    """An article joins a story when the mean of its ``top_k`` best similarities to the story's
    members reaches this."""
    profile: float = 0.33
    """... and its mean similarity to all the (sampled) members reaches this."""
    merge: float = 0.55
    """Two stories an article links to are merged when their average linkage reaches this."""
    top_k: int = 3
    """Best member similarities averaged for the join test."""
    max_members: int = 24
    """Members of a story an article is compared with (an evenly spaced sample)."""
    contrast: float = 0.06
    """Re-check: groups are merged while their average similarity x contrast reaches this."""
    veto_size: int = 3
    """Re-check: groups of at least this many articles whose key participants conflict stay apart."""
    veto_share: float = 0.8
    """Re-check: a key participant is named in at least this share of a group's articles."""
    veto_weight: float = 5.0
    """Re-check: the least weight (rarity) of a name that counts as a key participant."""
    time_share: float = 0.7
    """Re-check: a group keeps naming a year when this share of it names that year; a group of
    at least ``time_size`` articles that does stays apart from one that hardly names it."""
    time_size: int = 3
    """Re-check: the least group size for the year check."""
    reassign_rounds: int = 3
    """Re-check: rounds that move each article to the group it is closest to on average."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if f.type == "int":
                ok = ok and isinstance(value, int)
            if not ok:
                raise ConfigError(f"stories.{f.name} must be a number ({f.type}), got {value!r}")
        for name in ("join", "profile", "merge", "contrast", "veto_share", "time_share"):
            if not 0 < getattr(self, name) <= 1:
                raise ConfigError(
                    f"stories.{name} must be above 0 and at most 1, got {getattr(self, name)!r}"
                )
        for name in ("top_k", "max_members", "veto_size", "time_size", "veto_weight"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"stories.{name} must be positive, got {getattr(self, name)!r}")
        if self.reassign_rounds < 0:
            raise ConfigError(
                f"stories.reassign_rounds must be 0 or more, got {self.reassign_rounds}"
            )

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> StoryThresholds:
        return _settings(cls, "stories", values)

    def decide_config(self) -> StoryConfig:
        """The thresholds of :func:`storytrace.stories.decide`."""
        from .stories.decide import StoryConfig

        return StoryConfig(
            join=self.join,
            profile=self.profile,
            merge=self.merge,
            top_k=self.top_k,
            max_members=self.max_members,
            window=max(StoryConfig.window, self.max_members),
        )

    def clusterer_args(self) -> dict[str, Any]:
        """Keyword arguments of :class:`storytrace.stories.StoryClusterer` (the re-check)."""
        decision = {"join", "profile", "merge", "top_k", "max_members"}
        return {k: v for k, v in asdict(self).items() if k not in decision}


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
    story_block_articles: int = 100_000
    """``spark ingest`` places articles in stories in time blocks (each ``story_window_days``
    long, cut into blocks of at most this many articles in input order), one task each, then
    joins the blocks' stories by the merge rule. Larger blocks join fewer stories across
    blocks; smaller ones spread the work over more cores."""
    site_min_articles: int = 3
    """A block must recur in this many articles of an outlet to be learned as site boilerplate."""
    embeddings: bool = True
    """Embed each article's headline and lead with the multilingual sentence encoder, so that
    articles about one event in different languages can join one story. Off: a faster ingest
    whose stories stay within a language (docs/evaluation.md has the trade-off)."""
    stories: StoryThresholds = field(default_factory=StoryThresholds)
    """The story rule's thresholds (``[stories]`` in storytrace.toml)."""

    def __post_init__(self) -> None:
        if isinstance(self.stories, Mapping):
            object.__setattr__(self, "stories", StoryThresholds.from_mapping(self.stories))
        elif not isinstance(self.stories, StoryThresholds):
            raise ConfigError(f"stories must be a table of story thresholds, got {self.stories!r}")
        positive = (
            "max_bytes",
            "extract_timeout",
            "batch_size",
            "shingle_size",
            "anchor_modulus",
            "max_anchor_df",
            "max_reprint_candidates",
            "reprint_window_days",
            "story_window_days",
            "max_story_candidates",
            "site_min_articles",
            "story_block_articles",
            "recheck_every",
            "recheck_neighbours",
            "recheck_max_articles",
            "recheck_background",
        )
        for name in positive:
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive, got {getattr(self, name)!r}")
        if not isinstance(self.embeddings, bool):
            raise ConfigError(f"embeddings must be true or false, got {self.embeddings!r}")
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


@dataclass(frozen=True)
class FetchSettings:
    """How pages, feeds and sitemaps are fetched (``storytrace ingest URL``, ``storytrace
    watch``): ``[fetch]`` in storytrace.toml. Pages are also limited by ``[ingest] max_bytes``."""

    delay: float = 1.0
    """Least seconds between the end of one request to a host and the start of the next; a
    longer robots.txt ``Crawl-delay`` wins (up to ``max_delay``). One request at a time per host."""
    max_delay: float = 60.0
    """The longest ``Crawl-delay`` honoured; a longer one is read as this."""
    timeout: float = 15.0
    """Seconds to connect, and to wait for each part of a response."""
    deadline: float = 60.0
    """Seconds one response may take in all, headers and body: a server that trickles bytes
    is cut off."""
    max_redirects: int = 5
    """Redirects followed per request (each target checked against its robots.txt)."""
    max_source_bytes: int = 50_000_000
    """Largest feed, sitemap or home page, after unpacking (the sitemap protocol's own limit)."""
    contact: str = ""
    """Added to the User-Agent so that a site's owner can reach whoever runs the crawl
    (an e-mail address or a URL)."""

    def __post_init__(self) -> None:
        _check_numbers(self, "fetch", non_negative=("delay", "max_delay"))
        if not isinstance(self.contact, str) or any(c in self.contact for c in "\r\n\0"):
            raise ConfigError(f"fetch.contact must be one line of text, got {self.contact!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class WatchSettings:
    """What ``storytrace watch`` reads and how often: ``[watch]`` in storytrace.toml."""

    sources: tuple[str, ...] = ()
    """Feeds (RSS, Atom), sitemaps (news sitemaps and sitemap indexes too) and home pages,
    read on every pass together with the sources named on the command line."""
    every: float = 900.0
    """Seconds from the start of one pass to the start of the next; ``15m``, ``1h``, ``30s``."""
    max_new: int = 100
    """New article pages fetched per feed or sitemap per pass, the newest first; the rest wait
    for the next pass."""
    max_sitemaps: int = 20
    """Sitemaps of one sitemap index read per pass, the most recently changed first."""
    max_attempts: int = 3
    """Fetches of a page that failed for a passing reason (a time-out, a server error, a
    refused connection) before it is given up."""

    def __post_init__(self) -> None:
        sources = self.sources
        if isinstance(sources, str) or not all(isinstance(s, str) for s in sources):
            raise ConfigError(f"watch.sources must be a list of URLs, got {sources!r}")
        object.__setattr__(self, "sources", tuple(sources))
        object.__setattr__(self, "every", parse_duration(self.every, "watch.every"))
        _check_numbers(self, "watch", skip=("sources", "every"))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check_numbers(
    settings: Any, table: str, *, non_negative: tuple[str, ...] = (), skip: tuple[str, ...] = ()
) -> None:
    """Every numeric field of ``settings`` is a number of its type, above 0 (or at least 0 for
    those named in ``non_negative``) and finite."""
    for f in fields(settings):
        if f.name in skip or f.type not in ("int", "float"):
            continue
        value = getattr(settings, f.name)
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if f.type == "int":
            ok = ok and isinstance(value, int)
        if not ok:
            raise ConfigError(f"{table}.{f.name} must be a number ({f.type}), got {value!r}")
        if value != value or value == float("inf"):
            raise ConfigError(f"{table}.{f.name} must be finite, got {value!r}")
        if f.name in non_negative and value < 0:
            raise ConfigError(f"{table}.{f.name} must be 0 or more, got {value!r}")
        if f.name not in non_negative and value <= 0:
            raise ConfigError(f"{table}.{f.name} must be positive, got {value!r}")


def load_config(path: str | Path | None = None, **overrides: Any) -> Config:
    """Defaults, then ``storytrace.toml`` (its ``[ingest]`` and ``[stories]`` tables) if
    present, then overrides."""
    config = Config()
    data, toml_path = _read_toml(path)
    if data:
        ingest = data.get("ingest", {})
        if "stories" in ingest:
            raise ConfigError(
                f"{toml_path}: the story thresholds go in a [stories] table, not in [ingest]"
            )
        config = config.with_overrides(**ingest)
        if "stories" in data:
            if not isinstance(data["stories"], dict):
                raise ConfigError(f"{toml_path}: [stories] must be a table")
            config = replace(config, stories=StoryThresholds.from_mapping(data["stories"]))
    return config.with_overrides(**overrides)


def load_fetch_settings(path: str | Path | None = None, **overrides: Any) -> FetchSettings:
    """Defaults, then the ``[fetch]`` table of ``storytrace.toml`` if present, then overrides."""
    return _load_table(FetchSettings, "fetch", path, overrides)


def load_watch_settings(path: str | Path | None = None, **overrides: Any) -> WatchSettings:
    """Defaults, then the ``[watch]`` table of ``storytrace.toml`` if present, then overrides."""
    return _load_table(WatchSettings, "watch", path, overrides)


_T = TypeVar("_T", StoryThresholds, FetchSettings, WatchSettings)


def _load_table(
    cls: type[_T], name: str, path: str | Path | None, overrides: Mapping[str, Any]
) -> _T:
    data, toml_path = _read_toml(path)
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{toml_path}: [{name}] must be a table")
    values = {**table, **{k: v for k, v in overrides.items() if v is not None}}
    return _settings(cls, name, values)


def _settings(cls: type[_T], table: str, values: Mapping[str, Any]) -> _T:
    known = {f.name for f in fields(cls)}
    unknown = set(values) - known
    if unknown:
        raise ConfigError(
            f"unknown setting(s) in [{table}]: {', '.join(sorted(unknown))} "
            f"(known: {', '.join(sorted(known))})"
        )
    return cls(**values)


def _read_toml(path: str | Path | None) -> tuple[dict[str, Any], Path]:
    """The tables of ``path`` (default ``./storytrace.toml``; ``{}`` when that does not
    exist), and the path read; a ConfigError when a file named explicitly is missing."""
    toml_path = Path(path) if path else Path("storytrace.toml")
    if not toml_path.is_file():
        if path:
            raise ConfigError(f"config file {str(path)!r} not found")
        return {}, toml_path
    try:
        return tomllib.loads(toml_path.read_text(encoding="utf-8")), toml_path
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{toml_path}: not valid TOML: {exc}") from exc


def parse_duration(value: Any, name: str = "duration") -> float:
    """Seconds from a number of seconds or a string such as ``30s``, ``15m``, ``1h``, ``1.5h``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        m = _DURATION.match(str(value)) if isinstance(value, str) else None
        if m is None:
            raise ConfigError(
                f"{name} must be a duration such as 30s, 15m or 1h (or seconds), got {value!r}"
            )
        seconds = float(m.group(1)) * _UNITS[m.group(2).lower()]
    if not seconds > 0 or seconds == float("inf"):
        raise ConfigError(f"{name} must be a positive duration, got {value!r}")
    return seconds


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhSMH]?)\s*$")
_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0}
