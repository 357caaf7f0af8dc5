"""The write-ahead log's peak during a long ingest with readers present.

    python benchmarks/bench_wal.py --n 100000

Writes the benchmark's news stream (benchmarks/corpus.py, the stream bench_pipeline.py
ingests) as JSONL, runs ``storytrace ingest --json`` on it in a child process while readers
(plain SQL and the read API, every half second; tests/concurrent_readers.py) read the
database, and samples the size of ``bench.db-wal`` every 50 ms. Prints the peak against the
documented bound (docs/reliability.md), the readers' reads and failures, and writes JSON to
benchmarks/out/wal-N.json. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_pipeline import WalSampler  # noqa: E402
from corpus import build_corpus, write_jsonl  # noqa: E402
from tests.concurrent_readers import Readers  # noqa: E402

from storytrace.store.checkpoint import HARD_BYTES, WAL_BOUND_BYTES  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the stream")
    parser.add_argument("--every", type=float, default=0.5, help="seconds between reads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = write_jsonl(build_corpus(args.n), Path(tmp) / "corpus.jsonl")
        db = str(Path(tmp) / "bench.db")
        command = [str(Path(sys.executable).with_name("storytrace")), "ingest", str(data)]
        command += ["--db", db, "--json"]
        start = time.perf_counter()
        with WalSampler(db + "-wal") as wal, Readers(db, every=args.every) as readers:
            out = subprocess.run(command, capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - start
    report = json.loads(out.stdout)
    figures = {
        "n": args.n,
        "seconds": round(seconds, 1),
        "articles_per_s": round(args.n / seconds, 1),
        "added": report["added"],
        "peak_wal_mib": round(wal.peak / 2**20, 1),
        "bound_mib": WAL_BOUND_BYTES >> 20,
        "hard_threshold_mib": HARD_BYTES >> 20,
        "reads": readers.reads,
        "read_failures": readers.failures[:20],
    }
    print(f"storytrace ingest of {args.n:,} articles with readers every {args.every} s:")
    print(f"  {seconds:.0f} s ({figures['articles_per_s']} articles/s), {report['added']:,} added")
    print(
        f"  peak WAL {figures['peak_wal_mib']} MiB; bound {figures['bound_mib']} MiB"
        f" (checkpoint-and-truncate past {figures['hard_threshold_mib']} MiB)"
    )
    print(f"  {readers.reads:,} reads, {len(readers.failures)} failed")
    out_dir = REPO / "benchmarks" / "out"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"wal-{args.n}.json"
    path.write_text(json.dumps(figures, indent=1))
    print(f"wrote {path}")
    if wal.peak > WAL_BOUND_BYTES or readers.failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
