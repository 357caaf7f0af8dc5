"""`storytrace spark ingest` in Spark's local mode: the same articles, reprints and stories as
`storytrace ingest`, resumable stages, rejects instead of failures, and `storytrace load`."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import storytrace

pytest.importorskip("pyspark", reason="the spark extra is not installed")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java 17+", allow_module_level=True)

pytestmark = pytest.mark.slow

from storytrace.cli.main import main  # noqa: E402
from storytrace.spark.job import STAGES, SparkIngest, SparkJobError, session  # noqa: E402
from storytrace.spark.load import load  # noqa: E402

from ..conftest import EXAMPLE_ARTICLES  # noqa: E402


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    s = session("local[2]")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def local_db(example_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("local") / "local.db")
    storytrace.ingest([str(example_corpus)], db=db)
    return db


@pytest.fixture(scope="module")
def spark_out(spark: Any, example_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = str(tmp_path_factory.mktemp("spark") / "out")
    SparkIngest(spark, [str(example_corpus)], out).run(log=lambda _: None)
    return out


def _name(source: str) -> str:
    return os.path.basename(source)


def _local(db: str) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    names = {i: _name(s) for i, s in conn.execute("SELECT id, source FROM articles")}
    out = {
        "ids": names,
        "texts": {_name(s): t for s, t in conn.execute("SELECT source, text FROM articles")},
        "links": {
            (names[a], names[b], k) for a, b, k in conn.execute("SELECT a, b, kind FROM reprints")
        },
        "stories": _partition(
            (names[a], s) for a, s in conn.execute("SELECT article_id, story_id FROM story_members")
        ),
    }
    conn.close()
    return out


def _partition(pairs: Any) -> list[list[str]]:
    groups: dict[int, set[str]] = defaultdict(set)
    for article, story in pairs:
        groups[story].add(article)
    return sorted(sorted(g) for g in groups.values())


def _spark(spark: Any, out: str) -> dict[str, Any]:
    articles = spark.read.parquet(f"{out}/articles").select("id", "source", "text").collect()
    names = {r.id: _name(r.source) for r in articles}
    return {
        "ids": names,
        "texts": {_name(r.source): r.text for r in articles},
        "links": {
            (names[r.a], names[r.b], r.kind)
            for r in spark.read.parquet(f"{out}/reprints").collect()
        },
        "stories": _partition(
            (names[r.article_id], r.story_id) for r in _current(spark, out, "story_members")
        ),
    }


def _current(spark: Any, out: str, table: str) -> list[Any]:
    """A table's latest row of each article (a later run gives again what it changed)."""
    latest: dict[int, Any] = {}
    for r in spark.read.parquet(f"{out}/{table}").collect():
        if r.article_id not in latest or r.run > latest[r.article_id].run:
            latest[r.article_id] = r
    return list(latest.values())


def test_the_example_corpus_gives_what_the_local_ingest_gives(
    spark: Any, spark_out: str, local_db: str
) -> None:
    ours, theirs = _spark(spark, spark_out), _local(local_db)
    assert len(ours["ids"]) == EXAMPLE_ARTICLES
    assert ours["ids"] == theirs["ids"]  # the same ids, in input order
    assert ours["texts"] == theirs["texts"]  # the same cleaning, site boilerplate included
    assert len(theirs["links"]) > 10 and ours["links"] == theirs["links"]
    assert len(theirs["stories"]) > 5 and ours["stories"] == theirs["stories"]


def test_the_output_is_partitioned_by_date_with_a_manifest(spark_out: str) -> None:
    days = sorted(
        p.name for p in Path(spark_out, "articles", "run=1").iterdir() if p.name.startswith("date=")
    )
    assert days and all(len(d) == len("date=2026-03-10") or d == "date=unknown" for d in days)
    manifest = json.loads(Path(spark_out, "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["stages"]) == list(STAGES)
    assert manifest["stages"]["prepare"]["counts"]["articles"] == EXAMPLE_ARTICLES
    assert all((Path(spark_out) / "_stages" / "run=1" / f"{s}.json").is_file() for s in STAGES)


def test_a_rerun_skips_finished_stages_and_from_reruns_the_rest(
    spark: Any, example_corpus: Path, tmp_path: Path
) -> None:
    out = str(tmp_path / "out")
    SparkIngest(spark, [str(example_corpus)], out).run(log=lambda _: None, stop="prepare")
    assert not (tmp_path / "out" / "_stages" / "run=1" / "reprints.json").exists()
    lines: list[str] = []
    manifest = SparkIngest(spark, [str(example_corpus)], out).run(log=lines.append)
    assert [line.split(":")[0] for line in lines if "skipped" in line] == [
        "read",
        "extract",
        "prepare",
    ]
    assert not manifest["stages"]["reprints"].get("skipped")
    lines.clear()
    SparkIngest(spark, [str(example_corpus)], out).run(log=lines.append, start="reprints")
    assert [line.split(":")[0] for line in lines if "skipped" not in line] == [
        "reprints",
        "stories",
    ]
    with pytest.raises(SparkJobError):
        SparkIngest(spark, [str(example_corpus)], out).run(start="stories", stop="read")
    # A run that continues this one must have its settings.
    other = storytrace.Config(shingle_size=4)
    with pytest.raises(SparkJobError, match="other config"):
        SparkIngest(spark, [str(example_corpus)], out, config=other).run(log=lambda _: None)
    # A run that has not finished is not continued with other inputs.
    half = str(tmp_path / "half")
    SparkIngest(spark, [str(example_corpus)], half).run(log=lambda _: None, stop="read")
    with pytest.raises(SparkJobError, match="has not finished"):
        SparkIngest(spark, [str(example_corpus / "dailycourier.jsonl")], half).run(
            log=lambda _: None
        )


def _halves(corpus: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The example corpus in two folders (a file and its sidecar together): stories and
    reprints cross from one to the other."""
    stems = sorted({p.name.split(".")[0] for p in corpus.iterdir()})
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for p in corpus.iterdir():
        half = first if stems.index(p.name.split(".")[0]) < len(stems) // 2 else second
        shutil.copy(p, half / p.name)
    return first, second


def test_a_later_run_continues_the_earlier_ones_as_a_second_local_ingest_does(
    spark: Any, example_corpus: Path, tmp_path: Path
) -> None:
    first, second = _halves(example_corpus, tmp_path)
    db = str(tmp_path / "local.db")
    storytrace.ingest([str(first)], db=db)
    report = storytrace.ingest([str(second)], db=db)
    out = str(tmp_path / "out")
    SparkIngest(spark, [str(first)], out).run(log=lambda _: None)
    lines: list[str] = []
    manifest = SparkIngest(spark, [str(second)], out).run(log=lines.append)
    assert manifest["run"] == 2 and lines[0].startswith("run 2: continues")
    # Only the new inputs were read.
    assert manifest["stages"]["read"]["counts"]["documents"] == report.inputs
    ours, theirs = _spark(spark, out), _local(db)
    assert ours["ids"] == theirs["ids"]  # ids continue
    later = {_name(str(p)) for p in second.iterdir()}
    assert {k: v for k, v in ours["texts"].items() if k in later} == {
        k: v for k, v in theirs["texts"].items() if k in later
    }
    early = {_name(str(p)) for p in first.iterdir()}
    assert any(a in early and b in later for a, b, _ in theirs["links"])
    assert ours["links"] == theirs["links"]
    assert any(set(g) & early and set(g) & later for g in theirs["stories"])
    assert ours["stories"] == theirs["stories"]
    # `storytrace load` takes each story's latest row.
    loaded = str(tmp_path / "loaded.db")
    load(out, db=loaded)
    assert _local(loaded)["stories"] == theirs["stories"]


def test_bad_inputs_are_rejects_and_the_rest_goes_on(spark: Any, tmp_path: Path) -> None:
    data = tmp_path / "in"
    data.mkdir()
    good = {
        "text": "Harbour workers in Porto Alegre began a strike over pay on Monday.",
        "outlet": "x.example",
    }
    (data / "feed.jsonl").write_text(
        json.dumps(good) + "\n{broken\n" + json.dumps({"title": "no text"}) + "\n", encoding="utf-8"
    )
    (data / "blob.txt").write_bytes(b"\x00\xff" * 500)
    import pyarrow as pa
    import pyarrow.parquet as pq

    row = {
        "text": "Grain ships left Izmail on Tuesday under the new route deal.",
        "outlet": "y.example",
    }
    pq.write_table(
        pa.Table.from_pylist([row, {"text": None, "outlet": "z.example"}]), data / "rows.parquet"
    )
    (data / "notes.md").write_text("not an input kind: ignored in a folder", encoding="utf-8")
    os.mkfifo(data / "pipe.jsonl")  # never opened: a read would block
    out = str(tmp_path / "out")
    manifest = SparkIngest(spark, [str(data), str(tmp_path / "nope")], out).run(log=lambda _: None)
    assert manifest["stages"]["prepare"]["counts"]["articles"] == 2
    rejects = spark.read.parquet(f"{out}/rejects").collect()
    reasons = sorted((_name(r.source), r.reason, r.stage) for r in rejects)
    assert reasons == [
        ("blob.txt", "binary", "read"),
        ("feed.jsonl:2", "malformed-json", "read"),
        ("feed.jsonl:3", "missing-text", "read"),
        ("nope", "unreadable", "read"),
        ("pipe.jsonl", "not-a-file", "read"),
        ("rows.parquet:2", "missing-text", "read"),
    ]


def test_load_gives_the_read_commands_the_local_result(
    spark_out: str, local_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "loaded.db")
    assert main(["load", spark_out, "--db", db]) == 0
    capsys.readouterr()

    def listing(path: str) -> Any:
        assert main(["stories", "--db", path, "--json"]) == 0
        stories = json.loads(capsys.readouterr().out)
        # when each story last gained an article: the load's time here, the ingest's there
        for s in stories:
            assert s.pop("updated")
        return stories

    assert listing(db) == listing(local_db)
    assert main(["story", "4", "--db", db]) == 0
    assert "Members" in capsys.readouterr().out
    assert main(["load", spark_out, "--db", db]) == 1  # never into a database that holds articles
    assert "already holds articles" in capsys.readouterr().err


def test_load_takes_a_slice(spark_out: str, tmp_path: Path) -> None:
    report = load(spark_out, db=str(tmp_path / "slice.db"), outlet="coastpost.example")
    conn = sqlite3.connect(tmp_path / "slice.db")
    outlets = {o for (o,) in conn.execute("SELECT outlet FROM articles")}
    dangling = conn.execute(
        "SELECT count(*) FROM reprints WHERE a NOT IN (SELECT id FROM articles) OR b NOT IN (SELECT id FROM articles)"
    ).fetchone()[0]
    assert outlets == {"coastpost.example"} and report.counts["articles"] >= 3
    assert dangling == 0
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_command_line(
    example_corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "out")
    assert (
        main(["spark", "ingest", str(example_corpus), "--out", out, "--to", "prepare", "--json"])
        == 0
    )
    manifest = json.loads(capsys.readouterr().out)
    assert (
        manifest["stages"]["prepare"]["counts"]["articles"] == EXAMPLE_ARTICLES
        and "reprints" not in manifest["stages"]
    )
    # An output stopped after `prepare` loads its articles, without reprints or stories.
    assert main(["load", out, "--db", str(tmp_path / "x.db"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "articles": EXAMPLE_ARTICLES,
        "reprints": 0,
        "stories": 0,
    }
    assert main(["load", str(tmp_path), "--db", str(tmp_path / "y.db")]) == 1
    assert "not the output of a finished" in capsys.readouterr().err


def test_ecb_plus_stories_score_as_the_local_runner(
    spark: Any, shared_data: Path, tmp_path: Path
) -> None:
    """B-cubed F1 on ECB+ dev within 0.01 of `storytrace ingest`'s (the same JSONL input)."""
    from storytrace.evaluation.loaders import load_clusters
    from storytrace.evaluation.runners import cluster_labels
    from storytrace.evidence.metrics import bcubed

    items, gold = load_clusters(shared_data / "ecbplus" / "dev.jsonl")
    source = tmp_path / "articles.jsonl"
    with source.open("w", encoding="utf-8") as fh:
        for it in items:
            row = {"text": it.text, "title": it.title, "published": it.published}
            fh.write(json.dumps({k: v for k, v in row.items() if v}, ensure_ascii=False) + "\n")
    out = str(tmp_path / "out")
    SparkIngest(spark, [str(source)], out).run(log=lambda _: None)
    line_of = {
        r.id: int(r.source.rsplit(":", 1)[1])
        for r in spark.read.parquet(f"{out}/articles").select("id", "source").collect()
    }
    story_of_line = {
        line_of[r.article_id]: r.story_id
        for r in spark.read.parquet(f"{out}/story_members").collect()
    }
    # A duplicate input gets the story of the copy that was kept (as `eval clusters` does).
    line_of_seq = {
        r.seq: r.line for r in spark.read.parquet(f"{out}/_work/run=1/documents").collect()
    }
    for r in spark.read.parquet(f"{out}/duplicates").collect():
        story_of_line[r.line] = story_of_line[line_of_seq[r.first_seq]]
    ours = [story_of_line.get(n + 1, -(n + 1)) for n in range(len(items))]
    local = cluster_labels(items)
    ref = dict(enumerate(gold))
    f1_spark = bcubed(dict(enumerate(ours)), ref)[2]
    f1_local = bcubed(dict(enumerate(local)), ref)[2]
    assert f1_local > 0.9
    assert abs(f1_spark - f1_local) <= 0.01


def test_spark_submit_runs_the_documented_script(example_corpus: Path, tmp_path: Path) -> None:
    """docs/spark.md's command: `spark-submit .../storytrace/spark/submit.py INPUT --out DIR`."""
    import subprocess
    import sys

    import storytrace.spark.submit as submit

    spark_submit = Path(sys.executable).with_name("spark-submit")
    if not spark_submit.exists():
        pytest.skip("no spark-submit beside this Python")
    out = tmp_path / "out"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable}
    result = subprocess.run(
        [
            str(spark_submit),
            "--master",
            "local[1]",
            submit.__file__,
            str(example_corpus),
            "--out",
            str(out),
            "--to",
            "extract",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    marks = out / "_stages" / "run=1"
    assert json.loads((marks / "extract.json").read_text())["counts"]["drafts"] == EXAMPLE_ARTICLES
    assert not (marks / "prepare.json").exists()


def test_articles_are_numbered_in_the_local_reading_order(spark: Any, tmp_path: Path) -> None:
    """Inputs in the order given, folders walked by name at each level: the same ids."""
    first, second = tmp_path / "z-first", tmp_path / "a-second"
    for folder, names in (
        (first, ["b-c.txt", "b/x.txt", "b/a/y.txt", "a.txt"]),
        (second, ["m.txt"]),
    ):
        for name in names:
            f = folder / name
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(
                f"Title of {name}\n\nA body about {name} and nothing else at all.", encoding="utf-8"
            )
    inputs = [str(first), str(second)]
    db = str(tmp_path / "local.db")
    storytrace.ingest(inputs, db=db)
    conn = sqlite3.connect(db)
    local = [s for (s,) in conn.execute("SELECT source FROM articles ORDER BY id")]
    out = str(tmp_path / "out")
    SparkIngest(spark, inputs, out).run(log=lambda _: None, stop="prepare")
    ours = [r.source for r in spark.read.parquet(f"{out}/articles").orderBy("id").collect()]
    assert len(local) == 5 and ours == local


def test_a_meta_file_gives_the_metadata_the_local_ingest_gives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "pages"
    data.mkdir()
    for name in ("one.txt", "two.txt"):
        (data / name).write_text(
            f"Headline {name}\n\nThe body of {name}, long enough to keep.", encoding="utf-8"
        )
    meta = tmp_path / "meta.csv"
    meta.write_text(
        "file,outlet,published\none.txt,alpha.example,2026-05-01\ntwo.txt,beta.example,2026-05-02\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "local.db")
    storytrace.ingest([str(data)], db=db, meta=str(meta))
    local = sorted(sqlite3.connect(db).execute("SELECT source, outlet, published FROM articles"))
    out = str(tmp_path / "out")
    assert (
        main(["spark", "ingest", str(data), "--out", out, "--meta", str(meta), "--to", "prepare"])
        == 0
    )
    capsys.readouterr()
    import pyarrow.dataset as ds

    table = ds.dataset(f"{out}/articles", format="parquet", partitioning="hive").to_table()
    ours = sorted((r["source"], r["outlet"], r["published"]) for r in table.to_pylist())
    assert local[0][1] == "alpha.example" and ours == local


def test_jsonl_is_split_by_lines_and_keeps_the_local_line_numbers(
    spark: Any, tmp_path: Path
) -> None:
    """Small splits force many tasks per file: every line keeps its number in the file."""
    from storytrace.io import read_inputs
    from storytrace.model import Reject

    data = tmp_path / "in"
    data.mkdir()
    lines = []
    for i in range(300):
        if i % 37 == 5:
            lines.append("")  # blank lines count, as in the local reader
        elif i % 53 == 7:
            lines.append("{not json")
        else:
            lines.append(
                json.dumps(
                    {
                        "text": f"Article {i} says something about harbour number {i}.",
                        "outlet": f"o{i % 7}.example",
                    }
                )
            )
    lines[120] = '{"text": "Latin-1 bytes: caf\xe9 au lait by the harbour."}'
    (data / "big.jsonl").write_bytes(
        "\n".join(lines).encode("utf-8").replace("caf\xe9".encode(), b"caf\xe9") + b"\n"
    )
    (data / "empty.jsonl").write_text("", encoding="utf-8")
    expected = [
        (str(item.source), item.reason if isinstance(item, Reject) else "ok")
        for item in read_inputs([str(data)])
    ]
    spark.conf.set("spark.sql.files.maxPartitionBytes", "2048")
    try:
        out = str(tmp_path / "out")
        SparkIngest(spark, [str(data)], out).run(log=lambda _: None, stop="read")
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    docs = spark.read.parquet(f"{out}/_work/run=1/documents").collect()
    rejects = spark.read.parquet(f"{out}/rejects").collect()
    got = [(f"{r.path}:{r.line}", "ok") for r in docs] + [(r.source, r.reason) for r in rejects]
    assert len({r.seq for r in docs}) == len(docs) == sum(1 for _, why in expected if why == "ok")
    assert sorted(got) == sorted(expected)
    assert ("%s" % (data / "empty.jsonl"), "empty") in got
    assert (f"{data / 'big.jsonl'}:121", "decode-error") in got


def _union_find(edges: list[tuple[int, int]]) -> dict[int, int]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}


def test_connected_components_agree_with_union_find(spark: Any) -> None:
    import random

    from storytrace.spark.components import connected_components

    rng = random.Random(7)
    graphs = {
        "a long path": [(i, i + 1) for i in range(60)],
        "a path numbered backwards": [(100 - i, 99 - i) for i in range(40)],
        "stars and loops": [(0, i) for i in range(1, 20)] + [(5, 5), (30, 31), (31, 30)],
        "random": [(rng.randrange(300), rng.randrange(300)) for _ in range(250)],
    }
    for name, edges in graphs.items():
        df = spark.createDataFrame(edges, "a long, b long")
        got = {r.node: r.root for r in connected_components(df).collect()}
        assert got == _union_find([(a, b) for a, b in edges if a != b]), name


def _bcubed_f1(ours: list[list[str]], theirs: list[list[str]]) -> float:
    from storytrace.evidence.metrics import bcubed

    label = {a: n for n, group in enumerate(ours) for a in group}
    ref = {a: n for n, group in enumerate(theirs) for a in group}
    return bcubed(label, ref)[2]


def test_small_time_blocks_are_joined_back_into_the_local_stories(
    spark: Any, example_corpus: Path, local_db: str, tmp_path: Path
) -> None:
    """`story_block_articles`: the example corpus placed in blocks of 10 articles, then the
    blocks' stories joined by the merge rule, comes close to the local stories, and says which
    stories were joined across blocks."""
    from storytrace.config import Config

    out = str(tmp_path / "out")
    job = SparkIngest(spark, [str(example_corpus)], out, config=Config(story_block_articles=10))
    job.run(log=lambda _: None)
    manifest = json.loads(Path(out, "manifest.json").read_text())
    counts = manifest["stages"]["stories"]["counts"]
    assert counts["blocks"] >= 4 and counts["joined_across_blocks"] >= 1
    ours, theirs = _spark(spark, out), _local(local_db)
    assert _bcubed_f1(ours["stories"], theirs["stories"]) >= 0.9
    members = spark.read.parquet(f"{out}/story_members").collect()
    stories = {r.id: r for r in spark.read.parquet(f"{out}/stories").collect()}
    assert len(members) == EXAMPLE_ARTICLES
    assert len({m.article_id for m in members}) == EXAMPLE_ARTICLES
    joined = [m for m in members if "across the Spark job's time blocks" in m.reasons]
    assert joined
    held: dict[int, int] = defaultdict(int)
    for m in members:
        held[m.story_id] += 1
    for sid, story in stories.items():
        assert story.articles == held.get(sid, 0)
        if story.merged_into is not None:
            assert stories[story.merged_into].merged_into is None
    assert all(stories[s].merged_into is None for s in held)
