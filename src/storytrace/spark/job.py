"""``storytrace spark ingest``: the ingest's stages over a Spark cluster, written as Parquet.

Stages, each committed with a marker (``_stages/NAME.json``, written through Hadoop's
filesystem API so that it works on any filesystem Spark writes to) and skipped on a re-run:

- ``read``: every input file's bytes (Spark's ``binaryFile`` source: local paths, ``hdfs://``,
  ``s3a://``...) parsed by the local readers inside the tasks; documents numbered in input order.
- ``extract``: each document to a draft (``to_draft``, trafilatura for HTML).
- ``prepare``: duplicates dropped (same URL or same outlet and normalised body, the first in
  input order kept), article ids given in input order, site boilerplate learned with the local
  rule (a block is learned when it first meets :func:`storytrace.clean.site_boilerplate` in its
  outlet's articles so far), then each draft cleaned, shingled and its evidence gathered
  (``prepare_draft``).
- ``reprints``: each article's anchors exploded and joined within the reprint window, anchors
  held by more than ``max_anchor_df`` articles ignored, each article's best
  ``max_reprint_candidates`` earlier articles verified with the local rule.
- ``stories``: the articles placed in stories in input order by the local story steps
  (:func:`storytrace.pipeline.stories.assign_in_order`), one task per time block, then the
  blocks' stories joined by the merge rule (:mod:`storytrace.spark.story_blocks`).

Every stage calls the functions of :mod:`storytrace.spark.rows`, which call the local ingest's
own stage functions. Bad inputs become rows of ``rejects`` with their reason; they never fail
the job.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..config import Config
from ..errors import StorytraceError
from ..io.meta import MetaIndex
from ..match import effective_min_shared
from ..model import Reject, Source
from . import rows

STAGES = ("read", "extract", "prepare", "reprints", "stories")


class SparkJobError(StorytraceError):
    """A run the job cannot do as asked (stages out of order, an output of another run)."""


def session(master: str | None = None, app: str = "storytrace") -> Any:
    """A SparkSession (the active one, else a new one). ``master``: the cluster's URL; by
    default the one ``spark-submit`` was given, else ``local[*]``. Local workers run this
    Python, so they import storytrace."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    elif "PYSPARK_GATEWAY_PORT" not in os.environ:  # not under spark-submit, which sets it
        builder = builder.master("local[*]")
        master = "local[*]"
    if master and master.startswith("local") and "PYSPARK_GATEWAY_PORT" not in os.environ:
        # In local mode the driver's JVM runs the tasks, and a task holds a whole input file
        # (binaryFile): Spark's default heap of 1 GB fails on a file of a few hundred MB.
        builder = builder.config("spark.driver.memory", local_memory())
    spark = (
        builder.config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def local_memory() -> str:
    """The driver heap for local mode: a quarter of the machine's memory, 1 to 16 GB."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "2g"
    return f"{max(1, min(16, total // 4 // 2**30))}g"


class Filesystem:
    """Markers and the manifest through Hadoop's filesystem API (not ``os.path``): the output
    may be on HDFS or S3."""

    def __init__(self, spark: Any, root: str) -> None:
        jvm = spark.sparkContext._jvm
        self._jvm = jvm
        self._path = jvm.org.apache.hadoop.fs.Path
        conf = spark.sparkContext._jsc.hadoopConfiguration()
        self._conf = conf
        self.root = root.rstrip("/")
        self._fs = self._path(self.root).getFileSystem(conf)

    def path(self, name: str) -> str:
        return f"{self.root}/{name}"

    def exists(self, name: str) -> bool:
        return bool(self._fs.exists(self._path(self.path(name))))

    def write_text(self, name: str, text: str) -> None:
        out = self._fs.create(self._path(self.path(name)), True)
        try:
            out.write(bytearray(text.encode("utf-8")))
        finally:
            out.close()

    def read_text(self, name: str) -> str:
        stream = self._fs.open(self._path(self.path(name)))
        try:
            return str(self._jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8"))
        finally:
            stream.close()

    def list_files(self, given: str) -> list[str] | None:
        """Every file under ``given`` (a file, a folder walked recursively, or a glob) as
        Spark names it, hidden ones (a part starting with ".") left out as the local walk
        does; None when nothing matches. Empty files included (Spark's own listing for
        ``binaryFile`` leaves them out)."""
        pattern = self._path(given)
        fs = pattern.getFileSystem(self._conf)
        statuses = fs.globStatus(pattern)
        if not statuses:
            return None
        found: list[str] = []
        for status in statuses:
            top = str(status.getPath().toString())
            if not status.isDirectory():
                found.append(top)
                continue
            files = fs.listFiles(status.getPath(), True)
            while files.hasNext():
                path = str(files.next().getPath().toString())
                inside = path[len(top) :].strip("/").split("/")
                if not any(part.startswith(".") for part in inside):
                    found.append(path)
        return sorted(found)

    def delete(self, name: str) -> None:
        self._fs.delete(self._path(self.path(name)), True)


@dataclass
class SparkIngest:
    """One ``spark ingest`` run: inputs, output folder, settings, and what each stage did."""

    spark: Any
    inputs: Sequence[str]
    out: str
    config: Config = field(default_factory=Config)
    partitions: int | None = None
    fields: dict[str, str] = field(default_factory=dict)
    keep_raw: bool = False
    meta: MetaIndex | None = None
    """The ``--meta`` file's rows (read on the driver), for text and HTML files."""
    meta_file: str | None = None
    """Where ``meta`` was read from (recorded with each stage)."""
    report: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.fs = Filesystem(self.spark, self.out)
        self._meta: Any = None  # the --meta index, broadcast by the read stage

    # -- running -------------------------------------------------------------------------

    def run(
        self,
        *,
        start: str | None = None,
        stop: str | None = None,
        log: Callable[[str], None] = print,
    ) -> dict[str, Any]:
        """Run the stages from ``start`` to ``stop`` (names of :data:`STAGES`); a stage whose
        marker exists is skipped unless it is ``start`` itself. Returns the manifest."""
        first = STAGES.index(start) if start else 0
        last = STAGES.index(stop) if stop else len(STAGES) - 1
        if first > last:
            raise SparkJobError(f"--from {start} comes after --to {stop}")
        for i, name in enumerate(STAGES[: last + 1]):
            done = self.fs.exists(f"_stages/{name}.json")
            forced = start is not None and i == first
            if i < first or (done and not forced):
                if not done:
                    raise SparkJobError(f"stage {name} has no output in {self.out}: run it first")
                marker = json.loads(self.fs.read_text(f"_stages/{name}.json"))
                self._check_same_run(name, marker)
                self.report[name] = {"skipped": True, **marker}
                log(f"{name}: done before, skipped")
                continue
            for later in STAGES[i:]:  # what a re-run stage invalidates
                if self.fs.exists(f"_stages/{later}.json"):
                    self.fs.delete(f"_stages/{later}.json")
            began = time.monotonic()
            counts = getattr(self, f"_{name}")()
            marker = {
                "counts": counts,
                "seconds": round(time.monotonic() - began, 3),
                "inputs": list(self.inputs),
                "config": self.config.to_dict(),
                "fields": dict(self.fields),
                "meta": self.meta_file,
            }
            self.fs.write_text(f"_stages/{name}.json", json.dumps(marker, sort_keys=True))
            self.report[name] = marker
            log(f"{name}: {_describe(counts)} in {marker['seconds']:.1f} s")
        manifest = {
            "inputs": list(self.inputs),
            "config": self.config.to_dict(),
            "stages": self.report,
            "spark": {"version": self.spark.version, "master": self.spark.sparkContext.master},
            "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        self.fs.write_text("manifest.json", json.dumps(manifest, indent=2))
        return manifest

    def _check_same_run(self, name: str, marker: dict[str, Any]) -> None:
        """A finished stage is only skipped for the inputs and settings it ran with: another
        day's data in the same --out would otherwise be silently ignored."""
        for what, mine in (
            ("inputs", list(self.inputs)),
            ("config", self.config.to_dict()),
            ("fields", dict(self.fields)),
            ("meta", self.meta_file),
        ):
            if what in marker and marker[what] != mine:
                raise SparkJobError(
                    f"{self.out} holds stage {name} of a run with other {what}; give another"
                    f" --out, or --from {name} to run it again with these (continuing an"
                    " earlier output with new inputs is not supported yet)"
                )

    # -- the stages ----------------------------------------------------------------------

    def _write(self, df: Any, name: str, *, by_date: bool = False) -> int:
        writer = df.write.mode("overwrite")
        if by_date:
            writer = writer.partitionBy("date")
        writer.parquet(self.fs.path(name))
        return int(self.spark.read.parquet(self.fs.path(name)).count())

    def _read(self) -> dict[str, int]:
        explicit = set(self.inputs)
        self._meta = self.spark.sparkContext.broadcast(self.meta) if self.meta is not None else None
        # The files, listed without reading them.
        uris: list[str] = []
        listed: set[str] = set()
        missing: list[tuple[str, dict[str, Any]]] = []
        for given in self.inputs:
            found = self.fs.list_files(given)
            if found is None:
                why = Reject(Source(given), "unreadable", "no such file or folder")
                missing.append(("reject", rows.reject_row(why, "read")))
                continue
            for u in found:  # a file named twice (or in two inputs) is read once
                if u not in listed:
                    listed.add(u)
                    uris.append(u)
        named = {u: _plain(u, explicit) for u in uris}
        # JSONL is split by lines, so no task holds a whole (possibly huge) file; the other
        # kinds are read whole, by the local readers.
        by_lines = [u for u in uris if rows.kind_of(named[u]) == "jsonl"]
        whole = [
            u
            for u in uris
            if rows.kind_of(named[u]) != "jsonl"
            and (
                rows.kind_of(named[u]) is not None
                or named[u] in explicit
                or named[u].lower().endswith(".json")
            )
        ]
        parsed = self._whole_files(whole, named, explicit)
        if by_lines:
            lines = self._jsonl_lines(by_lines, named)
            parsed = lines if parsed is None else parsed.union(lines)
        if missing:
            gone = self.spark.sparkContext.parallelize(missing, 1)
            parsed = gone if parsed is None else parsed.union(gone)
        if parsed is None:
            parsed = self.spark.sparkContext.emptyRDD()
        parsed = parsed.cache()
        documents = parsed.filter(lambda kv: kv[0] == "document").map(lambda kv: kv[1])
        # Input order, as the local ingest reads: the inputs in the order given, a folder's
        # files as its walk finds them (by name at each level), then each file's own order;
        # numbered without collecting.
        order_of = list(self.inputs)
        ordered = documents.sortBy(
            lambda d: (*_input_order(d["path"], order_of), d["order"])
        ).zipWithIndex()
        docs = self.spark.createDataFrame(
            ordered.map(lambda di: (di[1], *(di[0][k] for k in DOCUMENT_COLUMNS[1:]))),
            DOCUMENT_SCHEMA,
        )
        n_docs = self._write(docs, "_work/documents")
        n_rejects = self._write_rejects(
            parsed.filter(lambda kv: kv[0] == "reject").map(lambda kv: kv[1]), "read"
        )
        parsed.unpersist()
        return {"documents": n_docs, "rejected": n_rejects}

    def _whole_files(self, uris: list[str], named: dict[str, str], explicit: set[str]) -> Any:
        """``("document" | "reject", row)`` of the files read whole, each with the content of
        its sidecar JSON when there is one; None without such files."""
        if not uris:
            return None
        cfg, fields, meta = self.config, dict(self.fields), self._meta
        listed = (
            self.spark.read.format("binaryFile")
            .load(uris)
            .select("path", "content")
            .rdd.map(lambda f: (_plain(f.path, explicit), f.content))
        )
        files = listed.filter(lambda pc: rows.kind_of(pc[0]) is not None or pc[0] in explicit)
        jsons = listed.filter(lambda pc: pc[0].lower().endswith(".json"))
        wanted = files.flatMap(
            lambda pc: [
                (name, (rank, pc[0])) for rank, name in enumerate(rows.sidecar_names(pc[0]))
            ]
        )
        sidecars = (
            wanted.join(jsons)
            .map(lambda kv: (kv[1][0][1], (kv[1][0][0], kv[1][1])))
            .reduceByKey(lambda a, b: a if a[0] <= b[0] else b)
            .mapValues(lambda rank_content: rank_content[1])
        )
        inputs = files.leftOuterJoin(sidecars)
        if self.partitions:
            inputs = inputs.repartition(self.partitions)

        def parse(part: Iterable[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
            for path, (content, sidecar) in part:
                found = rows.read_file(
                    path,
                    bytes(content),
                    max_bytes=cfg.max_bytes,
                    fields=fields,
                    sidecar=None if sidecar is None else bytes(sidecar),
                    meta=None if meta is None else meta.value,
                )
                for item in found:
                    yield next(iter(item.items()))

        return inputs.mapPartitions(parse)

    def _jsonl_lines(self, uris: list[str], named: dict[str, str]) -> Any:
        """``("document" | "reject", row)`` of JSONL files read line by line by Spark. Each
        line's number is its place in its split plus the lines of the file's earlier splits
        (counted in a first pass over the files)."""
        from pyspark.sql import functions as F

        cfg, fields = self.config, dict(self.fields)
        lines = self.spark.read.text(uris).select(
            "value",
            F.col("_metadata.file_path").alias("file"),
            F.col("_metadata.file_block_start").alias("block"),
            F.monotonically_increasing_id().alias("mono"),
        )
        splits = (
            lines.groupBy("file", "block")
            .agg(F.min("mono").alias("first"), F.count("*").alias("n"))
            .collect()
        )
        start: dict[tuple[str, int], tuple[int, int]] = {}
        seen: dict[str, int] = {}
        for r in sorted(splits, key=lambda r: (r.file, r.block)):
            start[(r.file, r.block)] = (r.first, seen.get(r.file, 0))
            seen[r.file] = seen.get(r.file, 0) + r.n
        known = self.spark.sparkContext.broadcast(start)
        # A JSONL file without a line is a reject, as the local reader says.
        have = {_plain(f, set(self.inputs)) for f in seen}
        empty = [
            (
                "reject",
                rows.reject_row(
                    Reject(Source(named[u]), "empty", "the file holds no lines"), "read"
                ),
            )
            for u in uris
            if named[u] not in have
        ]
        explicit = set(self.inputs)

        def parse(part: Iterable[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
            for r in part:
                first, before = known.value[(r.file, r.block)]
                line = before + (r.mono - first) + 1
                item = rows.jsonl_line(
                    _plain(r.file, explicit), line, r.value, max_bytes=cfg.max_bytes, fields=fields
                )
                if item is not None:
                    yield next(iter(item.items()))

        out = lines.rdd.mapPartitions(parse)
        return out.union(self.spark.sparkContext.parallelize(empty, 1)) if empty else out

    def _write_rejects(self, rdd: Any, stage: str) -> int:
        from pyspark.sql import types as T

        schema = T.StructType([T.StructField(k, T.StringType(), True) for k in rows.REJECT_FIELDS])
        df = self.spark.createDataFrame(
            rdd.map(lambda r: tuple(r[k] for k in rows.REJECT_FIELDS)), schema
        )
        return self._write(df.drop("stage"), f"rejects/stage={stage}")

    def _extract(self) -> dict[str, int]:
        timeout = self.config.extract_timeout
        docs = self.spark.read.parquet(self.fs.path("_work/documents"))

        def extract(part: Iterable[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
            for d in part:
                yield next(iter(rows.draft_row(d.asDict(), timeout=timeout).items()))

        out = docs.rdd.mapPartitions(extract).cache()
        drafts = self.spark.createDataFrame(
            out.filter(lambda kv: kv[0] == "draft").map(
                lambda kv: tuple(kv[1][k] for k in DRAFT_COLUMNS)
            ),
            DRAFT_SCHEMA,
        )
        n = self._write(drafts, "_work/drafts")
        rejected = self._write_rejects(
            out.filter(lambda kv: kv[0] == "reject").map(lambda kv: kv[1]), "extract"
        )
        out.unpersist()
        return {"drafts": n, "rejected": rejected}

    def _prepare(self) -> dict[str, int]:
        from pyspark.sql import Window
        from pyspark.sql import functions as F
        from pyspark.sql import types as T

        cfg = self.config
        drafts = self.spark.read.parquet(self.fs.path("_work/drafts"))
        # The first of each body key and of each URL in input order is kept.
        first_key = drafts.groupBy("body_key").agg(F.min("seq").alias("key_first"))
        first_url = (
            drafts.where(F.col("url").isNotNull())
            .groupBy("url")
            .agg(F.min("seq").alias("url_first"))
        )
        marked = drafts.join(first_key, "body_key").join(first_url, "url", "left")
        dup = (F.col("seq") != F.col("key_first")) | (
            F.col("url_first").isNotNull() & (F.col("seq") != F.col("url_first"))
        )
        duplicates = marked.where(dup).select(
            F.col("path"), F.col("line"), F.col("record"),
            F.least(F.col("key_first"), F.coalesce(F.col("url_first"), F.col("key_first"))).alias("first_seq"),
        )  # fmt: skip
        kept = marked.where(~dup).drop("key_first", "url_first")
        ids = kept.select("seq").rdd.map(lambda r: r.seq).sortBy(lambda s: s).zipWithIndex()
        id_df = self.spark.createDataFrame(
            ids.map(lambda si: (si[0], si[1] + 1)),
            T.StructType([T.StructField("seq", T.LongType()), T.StructField("id", T.LongType())]),
        )
        kept = kept.join(id_df, "seq").cache()
        # Site boilerplate: each block's ranks among its outlet's articles, the local rule.
        ranked = kept.where(F.col("outlet").isNotNull()).withColumn(
            "rank", F.row_number().over(Window.partitionBy("outlet").orderBy("seq"))
        )
        blocks = ranked.select("outlet", "rank", F.explode("blocks").alias("key"))
        minimum = cfg.site_min_articles

        def learn(part: Iterable[Any]) -> Iterator[tuple[str, str, int, int]]:
            for r in part:
                at = rows.learned_at(r.ranks, r.key, min_articles=minimum)
                if at is not None:
                    yield (r.outlet, r.key, len(r.ranks), at)

        patterns = self.spark.createDataFrame(
            blocks.groupBy("outlet", "key")
            .agg(F.collect_list("rank").alias("ranks"))
            .rdd.mapPartitions(learn),
            "outlet string, key string, articles long, learned_at long",
        )
        n_patterns = self._write(patterns, "site_patterns")
        by_outlet: dict[str, dict[str, int]] = {}
        for r in self.spark.read.parquet(self.fs.path("site_patterns")).collect():
            by_outlet.setdefault(r.outlet, {})[r.key] = int(r.articles)
        known = self.spark.sparkContext.broadcast(by_outlet)
        shingle_size, keep_raw = cfg.shingle_size, self.keep_raw

        def prepare(part: Iterable[Any]) -> Iterator[tuple[str, Any]]:
            for d in part:
                row = rows.prepared_row(
                    d.asDict(), known.value.get(d.outlet or "", {}), shingle_size=shingle_size
                )
                if not keep_raw:
                    row["article"]["raw"] = None
                yield ("article", row["article"])
                for removed in row["removed"]:
                    yield ("removed", removed)

        out = kept.rdd.mapPartitions(prepare).cache()
        articles = self.spark.createDataFrame(
            out.filter(lambda kv: kv[0] == "article").map(
                lambda kv: tuple(kv[1][k] for k in ARTICLE_COLUMNS)
            ),
            ARTICLE_SCHEMA,
        )
        removed = self.spark.createDataFrame(
            out.filter(lambda kv: kv[0] == "removed").map(
                lambda kv: tuple(kv[1][k] for k in ("article_id", "start", "end", "text", "reason"))
            ),
            "article_id long, start long, `end` long, text string, reason string",
        )
        counts = {
            "articles": self._write(articles, "articles", by_date=True),
            "removed": self._write(removed, "removed"),
            "duplicates": self._write(duplicates, "duplicates"),
            "site_patterns": n_patterns,
        }
        out.unpersist()
        kept.unpersist()
        return counts

    def _reprints(self) -> dict[str, int]:
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        cfg = self.config
        articles = self.spark.read.parquet(self.fs.path("articles"))
        modulus = cfg.anchor_modulus

        def keys(part: Iterable[Any]) -> Iterator[tuple[int, float | None, list[int], int]]:
            for a in part:
                found = sorted(set(rows.article_anchors(a.shingles, modulus=modulus)))
                need = effective_min_shared(len(found), 2)
                yield (a.id, rows.publication_days(a.published), found, need)

        keyed = self.spark.createDataFrame(
            articles.select("id", "published", "shingles").rdd.mapPartitions(keys),
            "id long, days double, anchors array<long>, need int",
        ).cache()
        postings = keyed.select("id", F.explode("anchors").alias("anchor"))
        df = postings.groupBy("anchor").count().where(F.col("count") <= cfg.max_anchor_df)
        usable = postings.join(df.select("anchor"), "anchor")
        mine = usable.select("anchor", "id")
        theirs = usable.select("anchor", F.col("id").alias("other"))
        shared = (
            mine.join(theirs, "anchor")
            .where(F.col("other") < F.col("id"))  # the local index holds the earlier articles
            .groupBy("id", "other")
            .agg(F.count("*").alias("shared"))
        )
        info = keyed.select("id", "days", "need")
        other_days = keyed.select(F.col("id").alias("other"), F.col("days").alias("other_days"))
        window = cfg.reprint_window_days
        candidates = (
            shared.join(info, "id")
            .join(other_days, "other")
            .where(F.col("shared") >= F.col("need"))
            .where(
                F.col("days").isNull()
                | F.col("other_days").isNull()
                | (F.abs(F.col("days") - F.col("other_days")) <= window)
            )  # fmt: skip
            .withColumn(
                "rank",
                F.row_number().over(
                    Window.partitionBy("id").orderBy(F.desc("shared"), F.asc("other"))
                ),
            )
            .where(F.col("rank") <= cfg.max_reprint_candidates)
            .select("id", "other")
        )
        side = articles.select("id", "published", "text", "shingles")
        x = side.select(F.struct("id", "published", "text", "shingles").alias("x"), F.col("id"))
        y = side.select(
            F.struct("id", "published", "text", "shingles").alias("y"), F.col("id").alias("other")
        )
        # Each candidate's text travels to its article's task once per pair, the article's
        # own text once in all (not once per candidate).
        theirs = candidates.join(y, "other").groupBy("id").agg(F.collect_list("y").alias("ys"))
        pairs = theirs.join(x, "id").select("x", "ys")

        def check(part: Iterable[Any]) -> Iterator[dict[str, Any]]:
            for p in part:
                mine = p.x.asDict()
                for other in sorted(p.ys, key=lambda o: o.id):
                    link = rows.verified(mine, other.asDict())
                    if link is not None:
                        yield link

        links = pairs.rdd.mapPartitions(check).cache()
        reprints = self.spark.createDataFrame(
            links.map(
                lambda r: (
                    r["a"],
                    r["b"],
                    r["kind"],
                    r["jaccard"],
                    r["containment_ab"],
                    r["containment_ba"],
                )
            ),
            "a long, b long, kind string, jaccard double, containment_ab double, containment_ba double",
        )
        passages = self.spark.createDataFrame(
            links.flatMap(
                lambda r: [
                    (r["a"], r["b"], p["a_start"], p["a_end"], p["b_start"], p["b_end"], p["words"])
                    for p in r["passages"]
                ]  # fmt: skip
            ),
            "a long, b long, a_start long, a_end long, b_start long, b_end long, words long",
        )
        counts = {
            "reprints": self._write(reprints, "reprints"),
            "passages": self._write(passages, "passages"),
        }
        links.unpersist()
        keyed.unpersist()
        return counts

    def _stories(self) -> dict[str, int]:
        from .story_blocks import place_stories

        articles = self.spark.read.parquet(self.fs.path("articles")).select(
            "id", "seq", "source", "kind", "outlet", "published", "title", "evidence", "body_key"
        )
        inputs = int(json.loads(self.fs.read_text("_stages/read.json"))["counts"]["documents"])
        links = self.spark.read.parquet(self.fs.path("reprints"))
        stories, members, counts = place_stories(self.spark, articles, links, self.config, inputs)
        counts["stories"] = self._write(stories.select(*STORY_COLUMNS), "stories")
        counts["story_members"] = self._write(members.select(*MEMBER_COLUMNS), "story_members")
        self.spark.catalog.clearCache()
        return counts


DOCUMENT_COLUMNS = ("seq", "path", "line", "record", "kind", "content", "is_html", "meta")
DOCUMENT_SCHEMA = (
    "seq long, path string, line long, record string, kind string, content string,"
    " is_html boolean, meta string"
)
DRAFT_COLUMNS = (
    "seq", "path", "line", "record", "kind", "raw", "text", "title", "url", "outlet",
    "published", "external_id", "meta", "from_html", "fingerprint", "body_key", "blocks",
)  # fmt: skip
DRAFT_SCHEMA = (
    "seq long, path string, line long, record string, kind string, raw string, text string,"
    " title string, url string, outlet string, published string, external_id string,"
    " meta string, from_html boolean, fingerprint string, body_key string, blocks array<string>"
)
STORY_COLUMNS = ("id", "title", "first_seen", "last_seen", "articles", "merged_into")
MEMBER_COLUMNS = ("article_id", "story_id", "score", "reasons")
ARTICLE_COLUMNS = (
    "id",
    "seq", "source", "kind", "external_id", "url", "outlet", "published", "title", "raw", "body",
    "text", "body_key", "meta", "evidence", "shingles", "date",
)  # fmt: skip
ARTICLE_SCHEMA = (
    "id long, seq long, source string, kind string, external_id string, url string, outlet string,"
    " published string, title string, raw string, body string, text string, body_key string,"
    " meta string, evidence string, shingles binary, date string"
)


def _plain(path: str, explicit: set[str]) -> str:
    """A local file's path as the user gave it (Spark reports ``file:/abs/path``)."""
    if path.startswith("file:"):
        local = path[len("file:") :]
        while local.startswith("//"):
            local = local[1:]
        for given in explicit:
            if os.path.abspath(given) == local:
                return given
            if os.path.isdir(given) and local.startswith(os.path.abspath(given) + os.sep):
                return os.path.join(given, os.path.relpath(local, os.path.abspath(given)))
        return local
    return path


def _input_order(path: str, given: Sequence[str]) -> tuple[int, list[str]]:
    """Where a file comes in the local ingest's reading order: the first input it is, or is
    in, then its path's parts (a folder is walked by name at each level)."""
    for i, root in enumerate(given):
        if path == root or path.startswith(root.rstrip("/") + "/"):
            return i, path[len(root) :].split("/")
    return len(given), path.split("/")


def _describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{v:,} {k}" for k, v in counts.items())
