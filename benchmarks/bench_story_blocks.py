"""What the Spark story stage's time blocks cost in quality: `spark ingest` with several
`story_block_articles` settings, its stories compared by B-cubed with `storytrace ingest`'s
(and, on ECB+, with the gold).

    python benchmarks/bench_story_blocks.py ecb 250 100 50
    python benchmarks/bench_story_blocks.py stream 100000 2500 --n 10000

`ecb` reads ../shared/data/ecbplus/dev.jsonl (or $STORYTRACE_SHARED/data/...); `stream` builds
the benchmark stream of benchmarks/corpus.py. Runs in Spark's local mode on all cores; not
part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _ecb_input(folder: Path) -> tuple[Path, list[Any], list[Any]]:
    """The JSONL input, the gold labels and the local runner's labels (`eval clusters`)."""
    from storytrace.evaluation.loaders import load_clusters
    from storytrace.evaluation.runners import cluster_labels

    shared = Path(
        os.environ.get("STORYTRACE_SHARED", Path(__file__).resolve().parents[2] / "shared")
    )
    items, gold = load_clusters(shared / "data" / "ecbplus" / "dev.jsonl")
    path = folder / "ecb.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for it in items:
            row = {"text": it.text, "title": it.title, "published": it.published}
            fh.write(json.dumps({k: v for k, v in row.items() if v}, ensure_ascii=False) + "\n")
    return path, gold, cluster_labels(items)


def _spark_stories(out: Path) -> dict[str, int]:
    """Input source (path:line) -> story id, duplicates given their kept copy's story."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    articles = ds.dataset(out / "articles", partitioning="hive").to_table(columns=["id", "source"])
    source = {r["id"]: r["source"] for r in articles.to_pylist()}
    story = {
        source[r["article_id"]]: r["story_id"]
        for r in pq.read_table(out / "story_members").to_pylist()
    }
    docs = pq.read_table(
        out / "_work" / "run=1" / "documents", columns=["seq", "path", "line"]
    ).to_pylist()
    at = {d["seq"]: f"{d['path']}:{d['line']}" for d in docs}
    for dup in pq.read_table(out / "duplicates").to_pylist():
        first = at.get(dup["first_seq"])
        if first in story:
            story[f"{dup['path']}:{dup['line']}"] = story[first]
    return story


def _local_stories(data: Path, db: Path) -> dict[str, int]:
    import sqlite3

    import storytrace

    storytrace.ingest([str(data)], db=str(db))
    conn = sqlite3.connect(db)
    try:
        return dict(
            conn.execute(
                "SELECT a.source, m.story_id FROM story_members m JOIN articles a ON a.id = m.article_id"
            ).fetchall()
        )
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data", choices=["ecb", "stream"])
    parser.add_argument("blocks", type=int, nargs="+", help="story_block_articles settings")
    parser.add_argument("--n", type=int, default=10000, help="stream size")
    args = parser.parse_args()

    from storytrace.config import Config
    from storytrace.evidence.metrics import bcubed
    from storytrace.spark.job import SparkIngest, session

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        gold: list[Any] | None = None
        if args.data == "ecb":
            data, gold, labels = _ecb_input(folder)
            local = {f"{data}:{n + 1}": label for n, label in enumerate(labels)}
            ref = {f"{data}:{n + 1}": g for n, g in enumerate(gold)}
            print(f"local runner against the gold: F1 {bcubed(local, ref)[2]:.3f}")
        else:
            from corpus import build_corpus, write_jsonl

            data = write_jsonl(build_corpus(args.n), folder / "stream.jsonl")
            started = time.perf_counter()
            local = _local_stories(data, folder / "local.db")
            print(f"storytrace ingest: {time.perf_counter() - started:.1f} s")
        spark = session()
        for size in args.blocks:
            out = folder / f"out-{size}"
            manifest = SparkIngest(
                spark, [str(data)], str(out), config=Config(story_block_articles=size)
            ).run(log=lambda _: None)
            stage = manifest["stages"]["stories"]
            ours = _spark_stories(out)
            common = sorted(set(ours) & set(local))
            p, r, f = bcubed({k: ours[k] for k in common}, {k: local[k] for k in common})
            line = (
                f"blocks of {size:,}: {stage['counts']['blocks']} blocks,"
                f" {stage['counts']['joined_across_blocks']} joins, stories stage"
                f" {stage['seconds']:.0f} s; against the local stories P {p:.3f} R {r:.3f} F1 {f:.3f}"
            )
            if gold is not None:
                ref = {f"{data}:{n + 1}": g for n, g in enumerate(gold)}
                line += (
                    f"; against the gold F1 {bcubed({k: ours.get(k, k) for k in ref}, ref)[2]:.3f}"
                )
            print(line, flush=True)
        spark.stop()


if __name__ == "__main__":
    main()
