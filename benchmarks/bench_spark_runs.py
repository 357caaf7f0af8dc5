"""What continuing an output costs: the benchmark stream cut into days (consecutive ranges of
publication time) and given to `storytrace spark ingest` one part at a time into the same
--out, as a daily crawl would be, against `storytrace ingest` of the same parts one after the
other into one database (the local way to continue a store).

    python benchmarks/bench_spark_runs.py --n 10000 --runs 5

Prints each run's stage times (a later run should not grow with the earlier ones: it reads
only their last `story_window_days`), the reprint links both give, and the B-cubed agreement of
their stories. Runs in Spark's local mode on all cores; not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _parts(n: int, runs: int, folder: Path) -> list[Path]:
    """The stream sorted by publication time and cut into ``runs`` equal parts."""
    from corpus import build_corpus

    articles = sorted(build_corpus(n).articles, key=lambda a: (a["published"], a["id"]))
    size = -(-len(articles) // runs)
    parts = []
    for i in range(runs):
        path = folder / f"day-{i + 1:02d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for a in articles[i * size : (i + 1) * size]:
                fh.write(json.dumps(a, ensure_ascii=False) + "\n")
        parts.append(path)
    return parts


def _local(parts: list[Path], db: Path) -> tuple[dict[str, int], set[tuple[str, str]], float]:
    import storytrace

    started = time.perf_counter()
    for part in parts:
        storytrace.ingest([str(part)], db=str(db))
    seconds = time.perf_counter() - started
    conn = sqlite3.connect(db)
    try:
        source = dict(conn.execute("SELECT id, source FROM articles"))
        stories = {
            source[a]: s for a, s in conn.execute("SELECT article_id, story_id FROM story_members")
        }
        links = {(source[a], source[b]) for a, b in conn.execute("SELECT a, b FROM reprints")}
    finally:
        conn.close()
    return stories, links, seconds


def _spark(out: Path) -> tuple[dict[str, int], set[tuple[str, str]]]:
    import pyarrow.dataset as ds

    def table(name: str, columns: list[str]) -> list[dict[str, Any]]:
        data = ds.dataset(out / name, format="parquet", partitioning="hive")
        return data.to_table(columns=columns).to_pylist()

    source = {r["id"]: r["source"] for r in table("articles", ["id", "source"])}
    latest: dict[int, dict[str, Any]] = {}
    for r in table("story_members", ["article_id", "story_id", "run"]):
        if r["article_id"] not in latest or r["run"] > latest[r["article_id"]]["run"]:
            latest[r["article_id"]] = r
    stories = {source[a]: r["story_id"] for a, r in latest.items()}
    links = {(source[r["a"]], source[r["b"]]) for r in table("reprints", ["a", "b"])}
    return stories, links


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10000, help="stream size")
    parser.add_argument("--runs", type=int, default=5, help="parts, one run each")
    args = parser.parse_args()

    from storytrace.evidence.metrics import bcubed
    from storytrace.spark.job import STAGES, SparkIngest, session

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        parts = _parts(args.n, args.runs, folder)
        local_stories, local_links, local_seconds = _local(parts, folder / "local.db")
        print(f"storytrace ingest, {args.runs} parts one after the other: {local_seconds:.1f} s")
        spark = session()
        out = folder / "out"
        print("run  articles  " + "  ".join(f"{s:>8}" for s in STAGES) + "     total")
        for part in parts:
            manifest = SparkIngest(spark, [str(part)], str(out)).run(log=lambda _: None)
            stages = manifest["stages"]
            seconds = [stages[s]["seconds"] for s in STAGES]
            print(
                f"{manifest['run']:>3}  {stages['prepare']['counts']['articles']:>8,}  "
                + "  ".join(f"{s:>7.1f}s" for s in seconds)
                + f"  {sum(seconds):>7.1f}s",
                flush=True,
            )
        spark.stop()
        stories, links = _spark(out)
        common = sorted(set(stories) & set(local_stories))
        p, r, f = bcubed({k: stories[k] for k in common}, {k: local_stories[k] for k in common})
        print(
            f"reprint links: {len(links):,} (local {len(local_links):,}, in both"
            f" {len(links & local_links):,})"
        )
        print(f"stories against the local ingests: P {p:.3f} R {r:.3f} F1 {f:.3f}")


if __name__ == "__main__":
    main()
