"""What a run of ``storytrace spark ingest`` reads of the earlier runs of its output folder.

A folder holds runs, numbered from 1 (``run=N`` in every table). A run that continues others
reads their state from the Parquet output, never their inputs: their tables' rows, the current
row of each key of the tables that runs update (a run gives again the ``stories`` and
``story_members`` rows it changed, and the site block counts it continued: the row of the
highest run is current), the values their stage markers left (the last ids), the earlier
articles within a time window of its own, and the earlier stories its articles may join.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import rows

STORY_COLUMNS = ("id", "title", "first_seen", "last_seen", "articles", "merged_into")
STORY_STEP_COLUMNS = ("id", "seq", "source", "kind", "outlet", "published", "title", "evidence")
"""An article's columns the story steps read (with ``body_key``)."""


@dataclass
class EarlierRuns:
    spark: Any
    root: str
    """The output folder."""
    run: int
    """This run's number."""
    markers: list[dict[str, dict[str, Any]]]
    """The stage markers of runs 1 to ``run - 1``, by stage name."""

    def __bool__(self) -> bool:
        return bool(self.markers)

    def _read(self, table: str) -> Any:
        return self.spark.read.parquet(f"{self.root.rstrip('/')}/{table}")

    def table(self, name: str, columns: Sequence[str] | None = None) -> Any:
        """A table's rows of the earlier runs (None in a first run)."""
        if not self.markers:
            return None
        from pyspark.sql import functions as F

        df = self._read(name).where(F.col("run").cast("int") < self.run)
        return df.select(*columns) if columns else df

    def current(self, name: str, keys: Sequence[str], *, upto: int | None = None) -> Any:
        """A table's current row of each key over the earlier runs (or up to run ``upto``,
        this one included). None without such runs."""
        from pyspark.sql import functions as F

        last = self.run - 1 if upto is None else upto
        if last < 1:
            return None
        return latest(self._read(name).where(F.col("run").cast("int") <= last), *keys)

    def state(self, stage: str, key: str) -> int:
        """A value the last earlier run's stage left in its marker (0 in a first run)."""
        if not self.markers:
            return 0
        return int(self.markers[-1][stage].get("state", {}).get(key, 0))

    def articles_within(self, mine: Any, days: float, columns: Sequence[str]) -> Any:
        """The earlier articles that may lie within ``days`` of this run's articles
        (``mine``): published from ``days`` before this run's first publication day, and
        the undated ones (an undated article is within the window of any other, as in the
        local ingest). All of them when this run's articles are all undated. None in a
        first run."""
        from pyspark.sql import functions as F

        earlier = self.table("articles")
        if earlier is None:
            return None
        day = first_day(mine)
        if day is not None:
            date = F.col("date").cast("string")
            earlier = earlier.where((date >= rows.days_before(day, days)) | (date == "unknown"))
        return earlier.select(*columns)

    def stories(self, mine: Any, links: Any, *, window_days: float) -> tuple[Any, Any] | None:
        """The earlier stories this run's articles (``mine``) may join, with all their
        members (a decision compares with a story's earliest and latest members, and its
        counts and title come from all): the live stories seen within ``window_days`` of this
        run's first publication day or undated (all live ones when this run's articles are
        all undated), and the stories of the earlier articles this run's reprint ``links``
        point to. Returns the stories (:data:`STORY_COLUMNS`) and their members, each with
        its article's :data:`STORY_STEP_COLUMNS`; None in a first run.

        Only the rows that may be current for such a story are ranked, not every row of the
        output."""
        from pyspark.sql import functions as F

        stories = self.table("stories")
        if stories is None:
            return None
        members = self.table("story_members")
        day = first_day(mine)
        if day is None:
            chosen = latest(stories, "id")
        else:
            start = rows.days_before(day, window_days)
            recent = F.col("last_seen").isNull() | (F.col("last_seen") >= start)
            first_new = self.state("prepare", "last_id") + 1
            linked = links.where(F.col("a") < first_new).select(F.col("a").alias("article_id"))
            partners = (
                latest(members.join(linked.distinct(), "article_id"), "article_id")
                .select(F.col("story_id").alias("id"))
                .distinct()
                .withColumn("partner", F.lit(True))
            )
            # A story's last row is as late as any of its rows, unless the re-check moved
            # members away: the stories with a recent row, then their current row.
            wanted = stories.where(recent).select("id").union(partners.select("id")).distinct()
            chosen = (
                latest(stories.join(wanted, "id"), "id")
                .join(partners, "id", "left")
                .where(recent | F.col("partner").isNotNull())
            )
        chosen = (
            chosen.where(F.col("merged_into").isNull() & (F.col("articles") > 0))
            .select(*STORY_COLUMNS)
            .cache()
        )
        ids = chosen.select(F.col("id").alias("story_id"))
        ever = members.join(ids, "story_id").select("article_id").distinct()
        theirs = latest(members.join(ever, "article_id"), "article_id").join(ids, "story_id")
        facts = self.table("articles")
        first = chosen.agg(F.min("first_seen")).first()[0]
        if first:  # a member is dated no earlier than its story, or undated
            date = F.col("date").cast("string")
            facts = facts.where((date >= str(first)[:10]) | (date == "unknown"))
        facts = facts.select(*STORY_STEP_COLUMNS, "body_key").withColumnRenamed("id", "article_id")
        held = theirs.join(facts, "article_id").select(
            "story_id", "score", "reasons", "article_id", *STORY_STEP_COLUMNS[1:], "body_key"
        )
        return chosen, held


def latest(df: Any, *keys: str) -> Any:
    """Each key's row of the highest run (a run gives again the rows it changed)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    last = Window.partitionBy(*keys).orderBy(F.col("run").cast("int").desc())
    return df.withColumn("_n", F.row_number().over(last)).where("_n = 1").drop("_n", "run")


def first_day(articles: Any) -> str | None:
    """The first publication day of these articles (their ``date`` partition), if any is
    dated."""
    from pyspark.sql import functions as F

    date = F.col("date").cast("string")
    found = articles.where(date != "unknown").agg(F.min(date).alias("day")).first()
    return None if found is None else found["day"]
