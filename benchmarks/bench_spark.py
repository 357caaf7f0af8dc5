"""Stage times, scaling, shuffle and memory of `storytrace spark ingest`, and a cost model.

    python benchmarks/bench_spark.py --n 10000                 # local[1] and local[2]
    python benchmarks/bench_spark.py --n 100000 --masters 'local[2]' --block-articles 25000

Builds the benchmark stream of bench_pipeline.py (benchmarks/corpus.py) as JSONL, then runs
the job once per master in a child process (a fresh JVM each), stage by stage, reading after
each stage Spark's own task metrics (its REST API, on 127.0.0.1 only) for the shuffle bytes
and the executors' run time, and sampling the memory of the whole process tree (the Python
driver, the JVM, the Python workers) every 200 ms. Prints a table and a cost model for 10^8
articles from the per-article costs measured; writes JSON to benchmarks/out/spark-N.json.
Not part of the test suite; the times are only comparable on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

OUT = Path(__file__).resolve().parent / "out"
TARGET = 10**8


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        p = int(entry)
        children.setdefault(int(fields[1]), []).append(p)
        rss[p] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total / 2**20


class PeakMemory:
    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, tree_rss_mb(self.pid))


def spark_totals(spark: Any) -> dict[str, float]:
    """Shuffle bytes written and read and executor run time over every stage so far."""
    url = f"{spark.sparkContext.uiWebUrl}/api/v1/applications/{spark.sparkContext.applicationId}/stages"
    with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 - our own 127.0.0.1 UI
        stages = json.load(resp)
    return {
        "shuffle_write_mb": sum(s.get("shuffleWriteBytes", 0) for s in stages) / 2**20,
        "shuffle_read_mb": sum(s.get("shuffleReadBytes", 0) for s in stages) / 2**20,
        "executor_s": sum(s.get("executorRunTime", 0) for s in stages) / 1000,
    }


def child(master: str, data: str, out: str, block_articles: str) -> None:
    """One run, in its own process: print the stages' figures as JSON."""
    from pyspark.sql import SparkSession

    from storytrace.config import Config
    from storytrace.spark.job import STAGES, SparkIngest, local_memory

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    started = time.perf_counter()
    spark = (
        SparkSession.builder.master(master)
        .appName("storytrace-bench")
        .config("spark.ui.enabled", "true")  # for the REST API of task metrics
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", local_memory())  # as `storytrace spark ingest` sets it
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    startup = time.perf_counter() - started
    config = Config(story_block_articles=int(block_articles)) if block_articles else Config()
    job = SparkIngest(spark, [data], out, config=config)
    rows = []
    before = spark_totals(spark)
    for name in STAGES:
        t = time.perf_counter()
        manifest = job.run(start=name, stop=name, log=lambda _: None)
        seconds = time.perf_counter() - t
        after = spark_totals(spark)
        rows.append(
            {
                "stage": name,
                "seconds": round(seconds, 2),
                "counts": manifest["stages"][name]["counts"],
                **{k: round(after[k] - before[k], 2) for k in after},
            }
        )
        before = after
    spark.stop()
    print(json.dumps({"startup_s": round(startup, 2), "stages": rows}))


def run(n: int, masters: list[str], block_articles: int | None) -> dict[str, Any]:
    from corpus import build_corpus, write_jsonl

    corpus = build_corpus(n)
    mb = corpus.bytes / 1e6
    result: dict[str, Any] = {
        "n": n,
        "mb": round(mb, 2),
        "cores": os.cpu_count(),
        "story_block_articles": block_articles,
        "runs": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        data = str(write_jsonl(corpus, Path(tmp) / "corpus.jsonl"))
        for i, master in enumerate(masters):
            out = str(Path(tmp) / f"out-{i}")
            proc = subprocess.Popen(
                [sys.executable, __file__, "--child", master, data, out, str(block_articles or "")],
                stdout=subprocess.PIPE,
                text=True,
            )
            with PeakMemory(proc.pid) as memory:
                stdout, _ = proc.communicate()
            if proc.returncode:
                raise SystemExit(f"the {master} run failed ({proc.returncode})")
            run_result = json.loads(stdout.strip().splitlines()[-1])
            run_result["peak_rss_mb"] = round(memory.peak, 1)
            run_result["total_s"] = round(sum(s["seconds"] for s in run_result["stages"]), 2)
            result["runs"][master] = run_result
    return result


def print_table(result: dict[str, Any]) -> None:
    from storytrace.config import Config

    n, runs = result["n"], result["runs"]
    masters = list(runs)
    print(
        f"\nstorytrace spark ingest, N = {n:,} inputs ({result['mb']} MB), {result['cores']} cores"
    )
    head = "".join(f" {m + ' s':>12} {'shuffle MB':>11}" for m in masters)
    print(f"{'stage':10}{head}")
    for i, stage in enumerate(runs[masters[0]]["stages"]):
        line = f"{stage['stage']:10}"
        for m in masters:
            s = runs[m]["stages"][i]
            line += f" {s['seconds']:>12.1f} {s['shuffle_write_mb']:>11.1f}"
        print(line)
    for m in masters:
        r = runs[m]
        print(
            f"{m}: {r['total_s']:.1f} s for the stages ({n / r['total_s']:.0f} inputs/s) after "
            f"{r['startup_s']:.1f} s of start; peak memory of the process tree {r['peak_rss_mb']:.0f} MB"
        )
    if "local[1]" in runs and "local[2]" in runs:
        one, two = runs["local[1]"], runs["local[2]"]
        print("scaling from 1 to 2 cores (time with 1 / time with 2, per stage; 2.0 is perfect):")
        for a, b in zip(one["stages"], two["stages"], strict=True):
            print(f"  {a['stage']:10} {a['seconds'] / b['seconds']:.2f}")
    # Cost model: per-input costs of the single-core run (or the only one), scaled to 10^8.
    base = runs.get("local[1]") or runs[masters[0]]
    print(
        f"\ncost model for {TARGET:.0e} inputs, from the per-input costs of {('local[1]' if 'local[1]' in runs else masters[0])}:"
    )
    for s in base["stages"]:
        core_h = s["executor_s"] / n * TARGET / 3600
        shuffle_gb = s["shuffle_write_mb"] / n * TARGET / 1024
        note = ""
        if s["stage"] == "stories":
            block = result.get("story_block_articles") or Config().story_block_articles
            note = f" (blocks of up to {block:,} articles, one task each)"
        print(
            f"  {s['stage']:10} {core_h:>10,.0f} core-hours, shuffle {shuffle_gb:>8,.0f} GB{note}"
        )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:6])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument(
        "--masters", default="local[1],local[2]", help="comma-separated Spark masters"
    )
    parser.add_argument(
        "--block-articles",
        type=int,
        default=None,
        help="the story_block_articles setting (default: the Config default)",
    )
    args = parser.parse_args()
    masters = [m.strip() for m in args.masters.split(",") if m.strip()]
    result = run(args.n, masters, args.block_articles)
    print_table(result)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"spark-{args.n}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
