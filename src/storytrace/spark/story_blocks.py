"""The story stage of the Spark job: the local story steps over time blocks, then the blocks'
stories joined by the merge rule.

A story decision depends on every decision before it, so one sequence of decisions cannot be
spread over cores. The stage cuts the articles into blocks instead: each article falls in the
time slot of its publication day (``story_window_days`` long; the undated ones together);
consecutive slots share a block up to ``story_block_articles`` articles, and a slot holding
more is cut into blocks of that many in input order (:func:`storytrace.spark.rows.plan_blocks`). Each block is placed by the local steps (:func:`storytrace.spark.rows.story_rows`,
which runs :func:`storytrace.pipeline.stories.assign_in_order`), one task per block, so no task
grows with the crawl. A run that fits one block gets exactly the local ingest's stories, with
its ids.

Then the stories of different blocks that are one story are joined, with the rule that puts an
arriving article in a story, applied to each sampled member of a later block's story as if it
arrived in an earlier block's story (:func:`storytrace.spark.rows.stitch_score`: mean top-k
linkage ``>= join`` and mean similarity ``>= profile``, the same pair score). Candidate pairs
are stories of different blocks that share index keys or a reprint link and whose time spans
lie within the story window. A story joins at most one story of each earlier block, the one it
fits best, as an article joins only its best story: one borderline story cannot chain two
stories of a block together. The joined pairs' connected components
(:mod:`storytrace.spark.components`) are the final stories, each keeping its smallest id.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from ..config import Config
from . import rows
from .components import connected_components

STORY_SCHEMA = (
    "id long, title string, first_seen string, last_seen string, articles long, merged_into long"
)
MEMBER_SCHEMA = "article_id long, story_id long, score double, reasons string"


def place_stories(
    spark: Any,
    articles: Any,
    links: Any,
    config: Config,
    inputs: int,
    *,
    earlier: tuple[Any, Any] | None = None,
    first_story: int = 1,
) -> tuple[Any, Any, dict[str, int]]:
    """``articles``: the prepared articles (``id, seq, source, kind, outlet, published, title,
    evidence, body_key``); ``links``: the reprint links; ``inputs``: the run's documents.
    ``earlier``: in a run that continues others, the stories its articles may join and
    their members with their articles' columns (:meth:`storytrace.spark.runs.EarlierRuns.stories`); they
    go to the first block, as the local store holds them when a later ingest begins, and
    their rows are given again as they stand after this run. New stories are numbered from
    ``first_story``. Returns the ``stories`` and ``story_members`` DataFrames and counts."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    window, limit = config.story_window_days, config.story_block_articles
    slot_of = F.udf(lambda published: rows.story_slot(published, window), "long", useArrow=False)
    slotted = articles.withColumn("slot", slot_of("published")).cache()
    counts = {r.slot: int(r["count"]) for r in slotted.groupBy("slot").count().collect()}
    firsts = rows.plan_blocks(counts, limit)
    starts = spark.createDataFrame(
        [(slot, first) for slot, first in firsts.items()] or [(None, 0)],
        "start_slot long, first long",
    )
    rank = F.row_number().over(Window.partitionBy("slot").orderBy("seq")) - 1
    placed = (
        slotted.join(starts, slotted["slot"].eqNullSafe(starts["start_slot"]))
        .withColumn("block", (F.col("first") + F.floor(rank / limit)).cast("long"))
        .drop("slot", "start_slot", "first")
        .cache()
    )
    blocks = 1 + max(
        (first + (counts[slot] - 1) // limit for slot, first in firsts.items()), default=0
    )

    at = placed.select("id", "seq", "block")
    block_of = at.select("id", "block")
    if earlier is not None:  # a link's earlier article of an earlier run is in the first block
        block_of = block_of.union(
            earlier[1].select(F.col("article_id").alias("id"), F.lit(0).cast("long").alias("block"))
        )
    links = links.join(
        block_of.select(F.col("id").alias("a"), F.col("block").alias("block_a")), "a"
    )
    links = links.join(
        block_of.select(F.col("id").alias("b"), F.col("block").alias("block_b")), "b"
    )
    links = links.withColumn("later", F.greatest("a", "b"))
    links = links.join(
        at.select(F.col("id").alias("later"), F.col("seq").alias("later_seq")), "later"
    )
    inner = links.where(F.col("block_a") == F.col("block_b"))
    size = config.batch_size
    # Each block's stream in the local ingest's order (batch, article, its links), sorted by
    # Spark (spilling to disk when large), one block per task.
    stream = placed.rdd.map(
        lambda r: ((r.block, r.seq // size, r.id, 0), ("article", r.asDict()))
    ).union(
        inner.rdd.map(
            lambda r: ((r.block_a, r.later_seq // size, r.later, 1), ("link", r.asDict()))
        )
    )
    if earlier is not None:
        stream = stream.union(
            earlier[0].rdd.map(lambda r: ((0, -2, r.id, 0), ("earlier_story", r.asDict())))
        ).union(
            earlier[1].rdd.map(lambda r: ((0, -1, r.article_id, 0), ("earlier_member", r.asDict())))
        )
    stream = stream.repartitionAndSortWithinPartitions(blocks, partitionFunc=lambda key: key[0])

    def place(part: Iterable[tuple[tuple[int, ...], tuple[str, dict[str, Any]]]]) -> Iterator[Any]:
        for block, items in itertools.groupby(part, key=lambda kv: kv[0][0]):
            with tempfile.TemporaryDirectory(prefix="storytrace-stories-") as tmp:
                placed_rows = rows.story_rows(
                    (v for _, v in items), config, tmp, inputs, samples=blocks > 1
                )
                for tag, row in placed_rows:
                    yield tag, block, row

    out = stream.mapPartitions(place).cache()
    tops = dict(
        out.filter(lambda t: t[0] == "story")
        .map(lambda t: (t[1], t[2]["id"]))
        .reduceByKey(max)
        .collect()
    )
    offsets: dict[int, int] = {}
    total = first_story - 1
    for block in range(blocks):
        offsets[block] = total
        total += max(0, tops.get(block, 0))

    def gid(block: int, story: int | None) -> int | None:
        """The run's id of a block's story (an earlier run's story is given negated)."""
        if story is None:
            return None
        return -story if story < 0 else offsets[block] + story

    samples = spark.createDataFrame(
        out.filter(lambda t: t[0] == "sample").map(
            lambda t: (
                gid(t[1], t[2]["story"]),
                t[1],
                t[2]["first_seen"],
                t[2]["last_seen"],
                t[2]["keys"],
                t[2]["evidence"],
            )
        ),
        "story long, block long, first_seen string, last_seen string, keys array<string>,"
        " evidence array<string>",
    ).cache()
    members = spark.createDataFrame(
        out.filter(lambda t: t[0] == "member").map(
            lambda t: (
                t[2]["article_id"],
                gid(t[1], t[2]["story_id"]),
                t[1],
                t[2]["score"],
                t[2]["reasons"],
            )
        ),
        "article_id long, story_id long, block long, score double, reasons string",
    )
    stories = spark.createDataFrame(
        out.filter(lambda t: t[0] == "story").map(
            lambda t: (
                gid(t[1], t[2]["id"]),
                t[2]["title"],
                t[2]["first_seen"],
                t[2]["last_seen"],
                t[2]["articles"],
                gid(t[1], t[2]["merged_into"]),
            )
        ),
        STORY_SCHEMA,
    )
    edges = _joined_pairs(samples, members, links, config) if blocks > 1 else None
    if edges is None:
        final_members = members.drop("block")
        final_stories = stories
        joined = 0
    else:
        edges = edges.cache()
        joined = edges.count()
        roots = connected_components(edges.select("a", "b")).cache()
        facts = placed.select("id", "published", "title")
        if earlier is not None:
            facts = facts.union(
                earlier[1].select(F.col("article_id").alias("id"), "published", "title")
            )
        final_members, final_stories = _apply(members, stories, roots, facts, config)
    counts = {"blocks": blocks, "joined_across_blocks": joined}
    return final_stories, final_members, counts


def _joined_pairs(samples: Any, members: Any, links: Any, config: Config) -> Any:
    """The pairs of stories of different blocks that are one story: candidates by shared
    index keys (keys of more than ``max_anchor_df`` stories ignored, a story's best
    ``max_story_candidates`` in earlier blocks kept, as for an article) or by a reprint link,
    within the story window,
    scored by :func:`rows.stitch_score`, kept when each is the other's best of its block."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    keyed = samples.select("story", "block", F.explode("keys").alias("key"))
    common = keyed.groupBy("key").count().where(F.col("count") > config.max_anchor_df)
    keyed = keyed.join(common.select("key"), "key", "left_anti")
    left = keyed.select("key", F.col("story").alias("a"), F.col("block").alias("block_a"))
    right = keyed.select("key", F.col("story").alias("b"), F.col("block").alias("block_b"))
    # a: the story of the earlier block; b: the later one, which looks for stories to join
    # among its best-sharing ones of each earlier block (as an article among its candidates).
    shared = (
        left.join(right, "key")
        .where(F.col("block_a") < F.col("block_b"))
        .groupBy("a", "block_a", "b")
        .count()
    )
    best_shared = Window.partitionBy("b").orderBy(F.desc("count"), "a")
    shared = (
        shared.withColumn("rank", F.row_number().over(best_shared))
        .where(F.col("rank") <= config.max_story_candidates)
        .select("a", "b")
    )
    story_of = members.select("article_id", "story_id", "block")
    crossing = (
        links.where(F.col("block_a") != F.col("block_b"))
        .join(story_of.toDF("a", "sa", "ba"), "a")
        .join(story_of.toDF("b", "sb", "bb"), "b")
        .select(
            F.when(F.col("ba") < F.col("bb"), F.col("sa")).otherwise(F.col("sb")).alias("a"),
            F.when(F.col("ba") < F.col("bb"), F.col("sb")).otherwise(F.col("sa")).alias("b"),
        )
    )
    pairs = shared.union(crossing).distinct()
    side = samples.select("story", "block", "first_seen", "last_seen", "evidence")
    pairs = pairs.join(
        side.select([F.col(c).alias(f"{c}_a") for c in side.columns]),
        F.col("a") == F.col("story_a"),
    ).join(
        side.select([F.col(c).alias(f"{c}_b") for c in side.columns]),
        F.col("b") == F.col("story_b"),
    )
    window = config.story_window_days
    spans = F.udf(
        lambda fa, la, fb, lb: rows.spans_within(fa, la, fb, lb, window), "boolean", useArrow=False
    )
    pairs = pairs.where(spans("first_seen_a", "last_seen_a", "first_seen_b", "last_seen_b"))
    # Sorted by the later story, so that each task parses its evidence once.
    scored = (
        pairs.select("a", "block_a", "b", "block_b", "evidence_a", "evidence_b")
        .repartition("b")
        .sortWithinPartitions("b", "a")
        .rdd.mapPartitions(lambda part: rows.stitch_scores(part, config))
    )
    scored = scored.toDF(
        "a long, block_a long, b long, block_b long, link double, profile double"
    )  # a: the later story, b: the earlier
    rules = config.stories.decide_config()
    fits = scored.where((F.col("link") >= rules.join) & (F.col("profile") >= rules.profile))
    best = Window.partitionBy("a", "block_b").orderBy(F.desc("link"), "b")
    return (
        fits.withColumn("rank", F.row_number().over(best))
        .where(F.col("rank") == 1)
        .select("a", "b", "link", "profile")
    )


def _recounted(fresh: str, kept: str) -> Any:
    """A story's column: recomputed if it has members, empty if it was joined into another,
    else as its block left it (a story merged inside its block)."""
    from pyspark.sql import functions as F

    emptied = F.when(F.col("own_root").isNotNull(), None).otherwise(F.col(kept))
    return F.when(F.col("n").isNotNull(), F.col(fresh)).otherwise(emptied).alias(kept)


def _apply(members: Any, stories: Any, roots: Any, facts: Any, config: Config) -> tuple[Any, Any]:
    """The blocks' stories with the joined ones merged into their component's smallest id:
    members moved (with a reason), the merged stories pointing at it, and the counts, time
    span and title of the stories that took members recomputed by the local rule."""
    from pyspark.sql import functions as F

    root_of = roots.select(F.col("node").alias("story_id"), "root")
    moved = members.join(root_of, "story_id", "left")
    reason = F.udf(
        lambda reasons, old, new: rows.joined_reasons(reasons, old, new, config),
        "string",
        useArrow=False,
    )
    final_members = moved.select(
        "article_id",
        F.coalesce("root", "story_id").alias("story_id"),
        "score",
        F.when(F.col("root").isNull() | (F.col("root") == F.col("story_id")), F.col("reasons"))
        .otherwise(reason("reasons", "story_id", "root"))
        .alias("reasons"),
    )
    # A story's counts, span and title from its members (StoryState.refresh's rule).
    facts = final_members.join(facts.withColumnRenamed("id", "article_id"), "article_id")
    earliest = F.struct(
        (F.col("title").isNull() | (F.col("title") == "")).alias("untitled"),
        F.col("published").isNull().alias("undated"),
        "published",
        "article_id",
        "title",
    )
    stats = facts.groupBy("story_id").agg(
        F.count("*").alias("n"),
        F.min("published").alias("first"),
        F.max("published").alias("last"),
        F.min(earliest).alias("earliest"),
    )
    stats = stats.select(
        F.col("story_id").alias("id"),
        "n",
        "first",
        "last",
        F.when(F.col("earliest.untitled"), None).otherwise(F.col("earliest.title")).alias("t"),
    )
    into = roots.select(F.col("node").alias("merged_into"), F.col("root").alias("into_root"))
    own = roots.select(F.col("node").alias("id"), F.col("root").alias("own_root"))
    final_stories = (
        stories.join(into, "merged_into", "left")
        .join(own, "id", "left")
        .join(stats, "id", "left")
        .select(
            "id",
            _recounted("t", "title"),
            _recounted("first", "first_seen"),
            _recounted("last", "last_seen"),
            F.coalesce("n", F.when(F.col("own_root").isNotNull(), 0).otherwise(F.col("articles")))
            .cast("long")
            .alias("articles"),
            F.when(
                F.col("own_root").isNotNull() & (F.col("own_root") != F.col("id")),
                F.col("own_root"),
            )
            .otherwise(F.coalesce("into_root", "merged_into"))
            .alias("merged_into"),
        )
    )
    return final_members, final_stories
