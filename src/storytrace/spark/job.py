"""``storytrace spark ingest``: the ingest's stages over a Spark cluster, written as Parquet.

An output folder holds runs (``run=N`` in every table): new inputs given to a folder whose
last run finished start the next run, which continues the earlier ones as a second local
ingest continues a database (ids, duplicates, site boilerplate counts, reprints to earlier
articles within the window, and the stories of the last ``story_window_days``), reading their
state from the Parquet output and none of their articles outside the windows.

Stages, each committed with a marker (``_stages/run=N/NAME.json``, written through Hadoop's
filesystem API so that it works on any filesystem Spark writes to) and skipped on a re-run:

- ``read``: every input file's bytes (Spark's ``binaryFile`` source: local paths, ``hdfs://``,
  ``s3a://``...) parsed by the local readers inside the tasks; documents numbered in input order.
- ``extract``: each document to a draft (``draft_of``: trafilatura for HTML, and the publisher
  the page names when the input names none).
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

from ..batches import batched
from ..config import Config
from ..errors import StorytraceError
from ..io.files import special_kind
from ..io.meta import MetaIndex
from ..match import effective_min_shared
from ..model import Reject, Source
from . import rows
from .runs import STORY_COLUMNS, STORY_STEP_COLUMNS, EarlierRuns

STAGES = ("read", "extract", "prepare", "reprints", "stories")
PREPARE_GROUP = 64  # drafts prepared together, their sentence embeddings in one encoder pass


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

    def children(self, name: str) -> list[str]:
        """The names in folder ``name`` (none when it does not exist)."""
        path = self._path(self.path(name))
        if not self._fs.exists(path):
            return []
        return sorted(str(st.getPath().getName()) for st in self._fs.listStatus(path))

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
        self.run_no = 1
        self.earlier = EarlierRuns(self.spark, self.out, 1, [])
        """The earlier runs this one continues (none in a first run)."""
        self.state: dict[str, Any] = {}
        """What a stage leaves for the runs that continue this one (in its marker)."""

    # -- running -------------------------------------------------------------------------

    def run(
        self,
        *,
        start: str | None = None,
        stop: str | None = None,
        log: Callable[[str], None] = print,
    ) -> dict[str, Any]:
        """Run the stages from ``start`` to ``stop`` (names of :data:`STAGES`); a stage whose
        marker exists is skipped unless it is ``start`` itself. Returns the manifest.

        An output folder holds runs, numbered from 1: inputs given to a folder whose last run
        finished with other inputs start the next run, which continues the earlier ones
        (:meth:`_choose_run`)."""
        first = STAGES.index(start) if start else 0
        last = STAGES.index(stop) if stop else len(STAGES) - 1
        if first > last:
            raise SparkJobError(f"--from {start} comes after --to {stop}")
        self._choose_run(start)
        if self.earlier:
            log(f"run {self.run_no}: continues runs 1-{self.run_no - 1} in {self.out}")
        for i, name in enumerate(STAGES[: last + 1]):
            done = self.fs.exists(self._marker(name))
            forced = start is not None and i == first
            if i < first or (done and not forced):
                if not done:
                    raise SparkJobError(f"stage {name} has no output in {self.out}: run it first")
                marker = json.loads(self.fs.read_text(self._marker(name)))
                self._check_same_run(name, marker)
                self.report[name] = {"skipped": True, **marker}
                log(f"{name}: done before, skipped")
                continue
            for later in STAGES[i:]:  # what a re-run stage invalidates
                if self.fs.exists(self._marker(later)):
                    self.fs.delete(self._marker(later))
            began = time.monotonic()
            self.state = {}
            counts = getattr(self, f"_{name}")()
            marker = {
                "counts": counts,
                "state": self.state,
                "seconds": round(time.monotonic() - began, 3),
                "inputs": list(self.inputs),
                "config": self.config.to_dict(),
                "fields": dict(self.fields),
                "meta": self.meta_file,
            }
            self.fs.write_text(self._marker(name), json.dumps(marker, sort_keys=True))
            self.report[name] = marker
            log(f"{name}: {_describe(counts)} in {marker['seconds']:.1f} s")
        manifest = {
            "run": self.run_no,
            "inputs": list(self.inputs),
            "config": self.config.to_dict(),
            "stages": self.report,
            "earlier_runs": [
                {"run": n, "inputs": m.get("read", {}).get("inputs", [])}
                for n, m in enumerate(self.earlier.markers, start=1)
            ],
            "spark": {"version": self.spark.version, "master": self.spark.sparkContext.master},
            "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        self.fs.write_text(f"_stages/run={self.run_no}/manifest.json", json.dumps(manifest))
        self.fs.write_text("manifest.json", json.dumps(manifest, indent=2))
        return manifest

    def _choose_run(self, start: str | None) -> None:
        """Which run this is: the last one again when it had these inputs and settings (its
        finished stages are skipped), else, when the last one finished, the next one, which
        continues the stories and reprints of the earlier runs."""
        runs = sorted(
            int(name[len("run=") :])
            for name in self.fs.children("_stages")
            if name.startswith("run=") and name[len("run=") :].isdigit()
        )
        self.run_no = runs[-1] if runs else 1
        if runs:
            markers = self._markers(self.run_no)
            same = all(self._differences(m) == [] for m in markers.values())
            finished = "stories" in markers
            if not same and finished:
                differ = [d for d in self._differences(markers["stories"]) if d != "inputs"]
                if differ:
                    raise SparkJobError(
                        f"{self.out} holds runs made with other {' and '.join(differ)}: a run"
                        " that continues them must use the same; give another --out"
                    )
                self.run_no += 1
            elif not same and start != "read":
                raise SparkJobError(
                    f"run {self.run_no} in {self.out} has not finished and had other inputs or"
                    f" settings: run it again with those, or --from read to start it over with"
                    " these, or give another --out"
                )
        earlier = [self._markers(n) for n in range(1, self.run_no)]
        for n, markers in enumerate(earlier, start=1):
            if "stories" not in markers:
                raise SparkJobError(f"run {n} in {self.out} has not finished")
        self.earlier = EarlierRuns(self.spark, self.out, self.run_no, earlier)

    def _markers(self, run: int) -> dict[str, dict[str, Any]]:
        found = {}
        for name in STAGES:
            path = f"_stages/run={run}/{name}.json"
            if self.fs.exists(path):
                found[name] = json.loads(self.fs.read_text(path))
        return found

    def _marker(self, stage: str) -> str:
        return f"_stages/run={self.run_no}/{stage}.json"

    def _work(self, name: str) -> str:
        return f"_work/run={self.run_no}/{name}"

    def _mine(self, table: str) -> str:
        """This run's part of a table: the ``run=N`` partition."""
        return f"{table}/run={self.run_no}"

    def _differences(self, marker: dict[str, Any]) -> list[str]:
        return [
            what
            for what, mine in (
                ("inputs", list(self.inputs)),
                ("config", self.config.to_dict()),
                ("fields", dict(self.fields)),
                ("meta", self.meta_file),
            )
            if what in marker and marker[what] != mine
        ]

    def _check_same_run(self, name: str, marker: dict[str, Any]) -> None:
        """A finished stage is only skipped for the inputs and settings it ran with."""
        differ = self._differences(marker)
        if differ:
            raise SparkJobError(
                f"{self.out} holds stage {name} of run {self.run_no} with other"
                f" {' and '.join(differ)}; give another --out, or --from {name} to run it"
                " again with these"
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
                if u in listed:
                    continue
                listed.add(u)
                if (what := _special(u)) is not None:  # reading it could block or never end
                    why = Reject(
                        Source(_plain(u, explicit)), "not-a-file", f"not a regular file: {what}"
                    )
                    missing.append(("reject", rows.reject_row(why, "read")))
                    continue
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
        n_docs = self._write(docs, self._work("documents"))
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
        # As bytes: the string Spark would hand over has bytes that are not UTF-8 replaced,
        # where the local reader rejects the line.
        lines = self.spark.read.text(uris).select(
            F.col("value").cast("binary").alias("value"),
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
        return self._write(df.drop("stage"), f"rejects/run={self.run_no}/stage={stage}")

    def _extract(self) -> dict[str, int]:
        timeout = self.config.extract_timeout
        docs = self.spark.read.parquet(self.fs.path(self._work("documents")))

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
        n = self._write(drafts, self._work("drafts"))
        rejected = self._write_rejects(
            out.filter(lambda kv: kv[0] == "reject").map(lambda kv: kv[1]), "extract"
        )
        out.unpersist()
        return {"drafts": n, "rejected": rejected}

    def _prepare(self) -> dict[str, int]:
        from pyspark.sql import functions as F
        from pyspark.sql import types as T

        drafts = self.spark.read.parquet(self.fs.path(self._work("drafts")))
        # The first of each body key and of each URL in input order is kept; in a run that
        # continues others, so is a copy of one of their articles.
        first_key = drafts.groupBy("body_key").agg(F.min("seq").alias("key_first"))
        first_url = (
            drafts.where(F.col("url").isNotNull())
            .groupBy("url")
            .agg(F.min("seq").alias("url_first"))
        )
        marked = drafts.join(first_key, "body_key").join(first_url, "url", "left")
        earlier = self.earlier.table("articles", ["id", "url", "body_key"])
        if earlier is None:
            marked = marked.withColumn("earlier_id", F.lit(None).cast("long"))
        else:
            by_key = earlier.groupBy("body_key").agg(F.min("id").alias("key_id"))
            by_url = (
                earlier.where(F.col("url").isNotNull())
                .groupBy("url")
                .agg(F.min("id").alias("url_id"))
            )
            marked = (
                marked.join(by_key, "body_key", "left")
                .join(by_url, "url", "left")
                .withColumn("earlier_id", F.least("key_id", "url_id"))
                .drop("key_id", "url_id")
            )
        dup = (
            (F.col("seq") != F.col("key_first"))
            | (F.col("url_first").isNotNull() & (F.col("seq") != F.col("url_first")))
            | F.col("earlier_id").isNotNull()
        )
        kept = marked.where(~dup).drop("key_first", "url_first", "earlier_id")
        first_id = self.earlier.state("prepare", "last_id") + 1
        ids = kept.select("seq").rdd.map(lambda r: r.seq).sortBy(lambda s: s).zipWithIndex()
        id_df = self.spark.createDataFrame(
            ids.map(lambda si: (si[0], si[1] + first_id)),
            T.StructType([T.StructField("seq", T.LongType()), T.StructField("id", T.LongType())]),
        )
        kept = kept.join(id_df, "seq").cache()
        kept_ids = id_df.select(F.col("seq").alias("first_seq"), F.col("id").alias("kept_id"))
        in_run = F.least("key_first", F.coalesce("url_first", "key_first"))
        duplicates = (
            marked.where(dup)
            .select(
                "path",
                "line",
                "record",
                "earlier_id",
                F.when(F.col("earlier_id").isNull(), in_run).alias("first_seq"),
            )  # fmt: skip
            .join(kept_ids, "first_seq", "left")
            .select(
                "path",
                "line",
                "record",
                "first_seq",
                F.coalesce("earlier_id", "kept_id").alias("first_id"),
            )  # fmt: skip
        )
        known, n_patterns = self._site_patterns(kept)
        shingle_size, keep_raw = self.config.shingle_size, self.keep_raw
        embed = self.config.embeddings

        def prepare(part: Iterable[Any]) -> Iterator[tuple[str, Any]]:
            # In groups, so that the sentence encoder reads a batch at a time.
            for group in batched(part, PREPARE_GROUP):
                for row in rows.prepared_rows(
                    [d.asDict() for d in group],
                    known.value,
                    shingle_size=shingle_size,
                    embed=embed,
                ):
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
            "articles": self._write(articles, self._mine("articles"), by_date=True),
            "removed": self._write(removed, self._mine("removed")),
            "duplicates": self._write(duplicates, self._mine("duplicates")),
            "site_patterns": n_patterns,
        }
        self.state = {"first_id": first_id, "last_id": first_id - 1 + counts["articles"]}
        out.unpersist()
        kept.unpersist()
        return counts

    def _site_patterns(self, kept: Any) -> tuple[Any, int]:
        """Site boilerplate by the local rule: each block's ranks among its outlet's articles
        (counting those of the earlier runs), learned where the rule first holds. Writes this
        run's ``site_patterns``, and the counts a later run continues (``site_blocks``: per
        outlet and block, in how many articles it was seen; ``site_outlets``: how many
        articles each outlet has). Returns the patterns of this run's outlets with their
        counts (broadcast) and how many this run learned."""
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        ranked = kept.where(F.col("outlet").isNotNull()).withColumn(
            "rank", F.row_number().over(Window.partitionBy("outlet").orderBy("seq"))
        )
        before_outlets = self.earlier.current("site_outlets", ("outlet",))
        if before_outlets is not None:
            ranked = ranked.join(
                before_outlets.select("outlet", F.col("articles").alias("before")), "outlet", "left"
            ).withColumn("rank", F.col("rank") + F.coalesce("before", F.lit(0)))
        outlets = ranked.groupBy("outlet").agg(F.max("rank").alias("articles"))
        grouped = (
            ranked.select("outlet", "rank", F.explode("blocks").alias("key"))
            .groupBy("outlet", "key")
            .agg(F.collect_list("rank").alias("ranks"))
        )
        before_blocks = self.earlier.current("site_blocks", ("outlet", "key"))
        earlier_patterns = self.earlier.table("site_patterns", ["outlet", "key"])
        if before_blocks is None or earlier_patterns is None:
            grouped = grouped.withColumn("seen", F.lit(0)).withColumn("known", F.lit(False))
        else:
            grouped = (
                grouped.join(
                    before_blocks.select("outlet", "key", F.col("articles").alias("seen")),
                    ["outlet", "key"],
                    "left",
                )
                .join(
                    earlier_patterns.distinct().withColumn("known", F.lit(True)),
                    ["outlet", "key"],
                    "left",
                )
                .select(
                    "outlet",
                    "key",
                    "ranks",
                    F.coalesce("seen", F.lit(0)).alias("seen"),
                    F.coalesce("known", F.lit(False)).alias("known"),
                )  # fmt: skip
            )
        minimum = self.config.site_min_articles

        def learn(part: Iterable[Any]) -> Iterator[tuple[str, str, int, int | None]]:
            for r in part:
                at = None
                if not r.known:
                    at = rows.learned_at(r.ranks, r.key, min_articles=minimum, seen=r.seen)
                yield (r.outlet, r.key, r.seen + len(r.ranks), at)

        blocks = self.spark.createDataFrame(
            grouped.rdd.mapPartitions(learn),
            "outlet string, key string, articles long, learned_at long",
        )
        self._write(blocks.drop("learned_at"), self._mine("site_blocks"))
        self._write(outlets, self._mine("site_outlets"))
        mine = self.spark.read.parquet(self.fs.path(self._mine("site_blocks")))
        learned = blocks.where(F.col("learned_at").isNotNull())
        n_patterns = self._write(learned, self._mine("site_patterns"))
        # The patterns that apply to this run's articles, each with its outlet's count.
        patterns = self.spark.read.parquet(self.fs.path("site_patterns")).where(
            F.col("run").cast("int") <= self.run_no
        )
        counts = self.earlier.current("site_blocks", ("outlet", "key"), upto=self.run_no)
        by_outlet: dict[str, dict[str, int]] = {}
        applied = (
            patterns.select("outlet", "key")
            .distinct()
            .join(mine.select("outlet").distinct(), "outlet")
            .join(counts.select("outlet", "key", "articles"), ["outlet", "key"])
        )
        for r in applied.collect():
            by_outlet.setdefault(r.outlet, {})[r.key] = int(r.articles)
        return self.spark.sparkContext.broadcast(by_outlet), n_patterns

    def _reprints(self) -> dict[str, int]:
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        cfg = self.config
        mine = self.spark.read.parquet(self.fs.path(self._mine("articles")))
        columns = ["id", "published", "text", "shingles"]
        # A run that continues others links its articles to theirs within the window too.
        earlier = self.earlier.articles_within(mine, cfg.reprint_window_days, columns)
        articles = mine.select(*columns)
        if earlier is not None:
            articles = articles.unionByName(earlier)
        first_new = self.earlier.state("prepare", "last_id") + 1
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
        own = usable.where(F.col("id") >= first_new).select("anchor", "id")
        theirs = usable.select("anchor", F.col("id").alias("other"))
        shared = (
            own.join(theirs, "anchor")
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
            "reprints": self._write(reprints, self._mine("reprints")),
            "passages": self._write(passages, self._mine("passages")),
        }
        links.unpersist()
        keyed.unpersist()
        return counts

    def _stories(self) -> dict[str, int]:
        from .story_blocks import place_stories

        mine = self.spark.read.parquet(self.fs.path(self._mine("articles")))
        articles = mine.select(*STORY_STEP_COLUMNS, "body_key")
        read = json.loads(self.fs.read_text(self._marker("read")))
        inputs = int(read["counts"]["documents"])
        links = self.spark.read.parquet(self.fs.path(self._mine("reprints")))
        base = self.earlier.state("stories", "last_story_id")
        earlier = self.earlier.stories(mine, links, window_days=self.config.story_window_days)
        stories, members, counts = place_stories(
            self.spark, articles, links, self.config, inputs, earlier=earlier, first_story=base + 1
        )
        counts["stories"] = self._write(stories.select(*STORY_COLUMNS), self._mine("stories"))
        counts["story_members"] = self._write(
            members.select(*MEMBER_COLUMNS), self._mine("story_members")
        )
        top = self.spark.read.parquet(self.fs.path(self._mine("stories"))).agg({"id": "max"})
        self.state = {"last_story_id": max(base, int(top.first()[0] or 0))}
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


def _special(uri: str) -> str | None:
    """What a local input is when it is not a regular file (a named pipe, a device, a
    socket), else None; None too for the other filesystems, which hold only files."""
    if not uri.startswith("file:"):
        return None
    try:
        return special_kind(os.stat(_plain(uri, set())).st_mode)
    except OSError:
        return None  # Spark's own read reports it


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
