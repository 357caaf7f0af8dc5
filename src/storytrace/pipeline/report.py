"""What an ingest run did, as counts, and the one-line summary printed at its end."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .steps import Step


@dataclass
class IngestReport:
    inputs: int = 0
    """Inputs read: files, JSONL/CSV rows, WARC records, and inputs rejected by the readers."""
    added: int = 0
    duplicates: int = 0
    """Articles already in the store (same URL, or same outlet and normalised body)."""
    already_ingested: int = 0
    """Inputs skipped because an earlier run processed the same source with the same content."""
    rejected: Counter[str] = field(default_factory=Counter)
    reprints: int = 0
    stories: int = 0
    new_stories: int = 0
    joined: int = 0
    merges: int = 0
    moved: int = 0
    """Articles moved between stories by the re-check after each batch."""
    site_patterns: int = 0
    recleaned: int = 0
    seconds: float = 0.0
    stage_seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    """Where the time went. Worker stages (extract, clean, sign, evidence) are CPU seconds
    summed over the worker processes; the others (wait for workers, store, site, reprints,
    stories, recheck, commit) are wall time of the main process."""
    steps: dict[str, dict[str, object]] = field(default_factory=dict)
    """Each main-process step's own counters and seconds (:meth:`collect`)."""

    def collect(self, steps: Iterable[Step]) -> None:
        """Take the run's totals from the steps' own counters."""
        by_name = {s.name: s for s in steps}
        self.steps = {name: step.stats() for name, step in by_name.items()}
        for name, step in by_name.items():
            self.stage_seconds[name] = step.seconds

        def count(step: str, key: str) -> int:
            return by_name[step].counts[key] if step in by_name else 0

        self.added = count("store", "added")
        self.duplicates = count("store", "duplicates")
        if "store" in by_name:
            self.rejected = Counter(
                {
                    k.split(":", 1)[1]: n
                    for k, n in by_name["store"].counts.items()
                    if k.startswith("rejected:")
                }
            )
        self.site_patterns = count("site", "patterns")
        self.recleaned = count("site", "recleaned")
        self.reprints = count("reprints", "links")
        self.new_stories = count("stories", "new")
        self.joined = count("stories", "joined")
        self.merges = count("stories", "merged") + count("recheck", "retired")
        self.moved = count("recheck", "moved")

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stage_seconds[stage] += time.perf_counter() - start

    def add_times(self, seconds: Mapping[str, float]) -> None:
        for stage, value in seconds.items():
            self.stage_seconds[stage] += value

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "added": self.added,
            "duplicates": self.duplicates,
            "already_ingested": self.already_ingested,
            "rejected": sum(self.rejected.values()),
            "rejected_by_reason": dict(sorted(self.rejected.items())),
            "reprint_links": self.reprints,
            "stories": self.stories,
            "new_stories": self.new_stories,
            "joined_stories": self.joined,
            "story_merges": self.merges,
            "story_moves": self.moved,
            "site_patterns_learned": self.site_patterns,
            "recleaned": self.recleaned,
            "seconds": round(self.seconds, 3),
            "stage_seconds": {k: round(v, 3) for k, v in sorted(self.stage_seconds.items())},
            "steps": self.steps,
        }

    def short(self) -> str:
        return f"{self.added} added, {sum(self.rejected.values())} rejected"

    def summary(self) -> str:
        """One line: counts and drops by reason."""
        rejected = sum(self.rejected.values())
        reasons = ", ".join(f"{r} {n}" for r, n in sorted(self.rejected.items()))
        parts = [
            f"{self.inputs} inputs",
            f"{self.added} added",
            f"{self.duplicates} already stored (same URL or body)",
            f"{self.already_ingested} already ingested",
            f"{rejected} rejected" + (f" ({reasons})" if reasons else ""),
            f"{self.reprints} reprint links",
            f"{self.new_stories} new stories, {self.joined} joined, {self.merges} merged, {self.moved} moved",
            f"{self.site_patterns} site patterns learned",
            f"{self.stories} stories in store",
        ]
        return "ingest: " + "; ".join(parts) + f"; {self.seconds:.1f} s"
