"""Speed, memory and reprint quality of storytrace against datasketch and rensa.

    python benchmarks/bench_pipeline.py --n 10000
    python benchmarks/bench_pipeline.py --n 1000000 --no-end-to-end   # the stages and baselines only
    python benchmarks/bench_pipeline.py --n 1000000          # with the 1M ingest (see docs/benchmarks.md)

Builds a deterministic news stream from ../shared/data (benchmarks/corpus.py), then measures
the headline, `storytrace ingest` of the stream as JSONL (the command, in a child process), and
on the same articles each stage in one process (the reprint stage is the ingest's own link
step: its candidate index and `compare`), single-article latency on the filled store, and the
two MinHash LSH baselines against that reprint step. Prints a table and writes JSON to
benchmarks/out/bench-<N>.json. Not part of the test suite. The time and memory each size needs are in
docs/benchmarks.md, with each run's date.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Corpus, build_corpus, write_jsonl  # noqa: E402

from storytrace.clean import clean_page  # noqa: E402
from storytrace.config import Config  # noqa: E402
from storytrace.evidence import extract_evidence  # noqa: E402
from storytrace.evidence.metrics import bcubed  # noqa: E402
from storytrace.match import anchors, may_reprint, shared_shingles, shingles  # noqa: E402
from storytrace.match.window import days_since_epoch  # noqa: E402
from storytrace.pipeline.reprints import Linkable, in_window, verify  # noqa: E402
from storytrace.store import Store  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
LATENCY_WARM_UP = 10  # single adds before the 200 timed ones


class WalSampler:
    """The largest size a database's write-ahead log reaches while the block runs (sampled
    every 50 ms on a thread)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> WalSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            try:
                self.peak = max(self.peak, os.stat(self.path).st_size)
            except OSError:
                pass


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, n: int, mb: float, fn: Callable[[], Any]) -> tuple[dict[str, Any], Any]:
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    row = {
        "stage": label,
        "articles": n,
        "seconds": round(seconds, 3),
        "articles_per_s": round(n / seconds, 1) if seconds else None,
        "mb_per_s": round(mb / seconds, 2) if seconds else None,
        "cores": 1,
    }
    return row, result


REPRINTS_MEASURED = (
    "reprints: the ingest's link step (shingles, anchors, SQLite candidate index, window, "
    "may_reprint, compare), texts in memory"
)


def detect_reprints(
    ids: Sequence[str],
    texts: Sequence[str],
    days: Sequence[float | None] | None = None,
    published: Sequence[str | None] | None = None,
) -> tuple[set[frozenset[str]], float]:
    """The reprint step of ``storytrace ingest`` (``pipeline.reprints.LinkReprints``), in one process.

    The same functions and rules: each text's ``match.shingles`` and anchors, a query of the
    SQLite candidate index (``Store.candidates`` of an in-memory database, loaded and written
    one ingest batch at a time with ``SQLiteCandidateIndex.batch``, as the ingest does), the
    publication window and the best ``max_reprint_candidates``, the shingle pre-check
    (``may_reprint``) and ``compare`` of the earlier text with the later, passages included.
    What it leaves out: the article rows the ingest reads and writes around it (texts, shingles
    and dates are held in lists here).
    """
    config = Config()
    start = time.perf_counter()
    found: set[frozenset[str]] = set()
    sigs: list[np.ndarray] = []
    when = list(days) if days is not None else [None] * len(texts)
    dates = list(published) if published is not None else [None] * len(texts)
    with Store(":memory:") as store:
        index = store.candidates
        for lo in range(0, len(texts), config.batch_size):
            hi = min(lo + config.batch_size, len(texts))
            sigs.extend(shingles(t, n=config.shingle_size) for t in texts[lo:hi])
            keys = [anchors(sigs[i], modulus=config.anchor_modulus) for i in range(lo, hi)]
            with store.transaction(), index.batch(keys):
                for i in range(lo, hi):
                    mine = sigs[i]
                    hits = index.query(keys[i - lo], min_shared=2, max_df=config.max_anchor_df)
                    hits = in_window(when[i], hits, when.__getitem__, config.reprint_window_days)
                    for j, _ in hits[: config.max_reprint_candidates]:
                        theirs = sigs[j]
                        if not may_reprint(shared_shingles(mine, theirs), mine.size, theirs.size):
                            continue
                        this = Linkable(i, dates[i], texts[i], mine)
                        if verify(this, Linkable(j, dates[j], texts[j], theirs)):
                            found.add(frozenset((ids[i], ids[j])))
                    index.add(i, keys[i - lo])
    return found, time.perf_counter() - start


def word_shingles(text: str, n: int = 5) -> list[str]:
    words = text.lower().split()
    return [" ".join(words[i : i + n]) for i in range(max(len(words) - n + 1, 1))]


def datasketch_reprints(
    ids: Sequence[str], texts: Sequence[str], threshold: float
) -> tuple[set[frozenset[str]], float]:
    from datasketch import MinHash, MinHashLSH

    start = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    found: set[frozenset[str]] = set()
    for i, text in enumerate(texts):
        m = MinHash(num_perm=128)
        m.update_batch([s.encode("utf-8") for s in word_shingles(text)])
        for j in lsh.query(m):
            found.add(frozenset((ids[i], ids[j])))
        lsh.insert(i, m)
    return found, time.perf_counter() - start


def rensa_reprints(
    ids: Sequence[str], texts: Sequence[str], threshold: float
) -> tuple[set[frozenset[str]], float]:
    from rensa import RMinHash, RMinHashLSH

    start = time.perf_counter()
    lsh = RMinHashLSH(threshold=threshold, num_perm=128, num_bands=16)
    found: set[frozenset[str]] = set()
    for i, text in enumerate(texts):
        m = RMinHash(num_perm=128, seed=42)
        m.update(word_shingles(text))
        for j in lsh.query(m):
            found.add(frozenset((ids[i], ids[j])))
        lsh.insert(i, m)
    return found, time.perf_counter() - start


def quality(found: set[frozenset[str]], truth: set[frozenset[str]]) -> dict[str, float]:
    tp = len(found & truth)
    return {
        "precision": round(tp / len(found), 4) if found else 0.0,
        "recall": round(tp / len(truth), 4) if truth else 0.0,
        "pairs_found": len(found),
        "pairs_true": len(truth),
    }


LATENCY = """
import json, sys, time
from storytrace import Config
from storytrace.model import Document, Source
from storytrace.pipeline.collection import fewer_collections
from storytrace.pipeline.ingest import Ingester
from storytrace.pipeline.extract_pool import ExtractionPool
from storytrace.store import Store
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
WARM_UP = int(sys.argv[3])
times = []
# as in Ingester.run, which a long-running ingester would be in
with fewer_collections(), Store(sys.argv[2]) as store, ExtractionPool(workers=1) as pool:
    ing = Ingester(store, Config())
    ing.run_id = store.start_run("latency", {})
    for i, row in enumerate(rows):
        doc = Document(Source(sys.argv[1], line=i + 1), "jsonl", row["text"], False, row)
        start = time.perf_counter()
        ing._run_batch([doc], pool)
        times.append(time.perf_counter() - start)
# the first adds load the compiled code and warm the caches, as a long-running ingester does once
print(json.dumps(times[WARM_UP:]))
"""


def story_quality(db: str, truth: dict[str, str]) -> dict[str, float]:
    """B-cubed of the stored stories against the stream's events (an article's input ``id``
    is its ``external_id``); duplicates dropped at ingest are left out."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT a.external_id, m.story_id FROM story_members m"
        " JOIN articles a ON a.id = m.article_id"
    ).fetchall()
    conn.close()
    pred = {str(ext): int(story) for ext, story in rows if ext is not None}
    gold = {k: v for k, v in truth.items() if k in pred}
    p, r, f1 = bcubed(pred, gold)
    return {
        "bcubed_precision": round(p, 4),
        "bcubed_recall": round(r, 4),
        "bcubed_f1": round(f1, 4),
        "articles": len(gold),
    }


def db_sizes(db: str) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
        sizes = {str(name): int(size) for name, size in rows}
    except sqlite3.OperationalError:
        sizes = {}
    conn.close()
    sizes["_file"] = os.path.getsize(db)
    return sizes


def run(
    n: int,
    *,
    baseline_limit: int | None,
    threshold: float,
    end_to_end: bool,
    shape: str = "news",
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        return _run(
            n,
            Path(tmp),
            baseline_limit=baseline_limit,
            threshold=threshold,
            end_to_end=end_to_end,
            shape=shape,
        )


def _run(
    n: int,
    tmp: Path,
    *,
    baseline_limit: int | None,
    threshold: float,
    end_to_end: bool,
    shape: str = "news",
) -> dict[str, Any]:
    t0 = time.perf_counter()
    corpus: Corpus = build_corpus(n, shape=shape)
    build_s = time.perf_counter() - t0
    ids = [a["id"] for a in corpus.articles]
    mb = corpus.bytes / 1e6
    print(
        f"corpus ({shape}): {n} articles, {mb:.1f} MB, {len(corpus.reprint_pairs)} reprint pairs "
        f"({build_s:.1f} s to build)",
        file=sys.stderr,
    )
    stages: list[dict[str, Any]] = []
    # Memory: at 1M the raw pages are the largest object (docs/benchmarks.md gives the size).
    # The ingest's input is written first; then each page is dropped once cleaned, and the
    # stages keep only the cleaned texts.
    data = write_jsonl(corpus, tmp / "corpus.jsonl") if end_to_end else None

    row, cleaned = timed(
        "clean",
        n,
        mb,
        lambda: [clean_page(a.pop("text"), title=a["title"]).text for a in corpus.articles],
    )
    stages.append(row)
    clean_mb = sum(len(t.encode("utf-8")) for t in cleaned) / 1e6
    row, _ = timed("sign (shingles)", n, clean_mb, lambda: sum(len(shingles(t)) for t in cleaned))
    stages.append(row)
    published = [a.get("published") for a in corpus.articles]
    days = [days_since_epoch(p) for p in published]
    found, seconds = detect_reprints(ids, cleaned, days, published)
    stages.append(
        {
            "stage": "reprints (the ingest's link step)",
            "articles": n,
            "seconds": round(seconds, 3),
            "articles_per_s": round(n / seconds, 1),
            "mb_per_s": round(clean_mb / seconds, 2),
            "cores": 1,
            "measures": REPRINTS_MEASURED,
        }
    )
    limit = min(n, 20000)
    row, _ = timed(
        f"evidence (first {limit})",
        limit,
        clean_mb * limit / n,
        lambda: [extract_evidence(t) for t in cleaned[:limit]],
    )
    stages.append(row)
    ours = quality(found, corpus.reprint_pairs)

    m = n if baseline_limit is None else min(n, baseline_limit)
    sub_truth, ours_sub = corpus.reprint_pairs, ours
    if m < n:  # the baselines' slice: the pairs among the first m articles
        sub_truth = {
            p for p in corpus.reprint_pairs if all(int(x.rsplit("-", 1)[1]) < m for x in p)
        }
        first_m = set(ids[:m])
        ours_sub = quality({p for p in found if p <= first_m}, sub_truth)
    # Memory: the found pairs are not needed any more, and at 1M datasketch's index needs the
    # room (docs/benchmarks.md gives the peak).
    found.clear()
    baselines: dict[str, Any] = {}
    for name, fn in (("datasketch", datasketch_reprints), ("rensa", rensa_reprints)):
        try:
            bfound, bsec = fn(ids[:m], cleaned[:m], threshold)
        except ImportError:
            baselines[name] = {"error": f"not installed: pip install {name}"}
            continue
        baselines[name] = {
            "articles": m,
            "seconds": round(bsec, 3),
            "articles_per_s": round(m / bsec, 1),
            **quality(bfound, sub_truth),
        }
        bfound.clear()

    result: dict[str, Any] = {
        "n": n,
        "mb": round(mb, 2),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "stages": stages,
        "reprints": ours,
        "reprints_on_baseline_slice": ours_sub,
        "baselines": baselines,
        "baseline_threshold": threshold,
        "peak_rss_mb_stages": round(peak_rss_mb(), 1),
    }
    reprint_rate = n / seconds
    for name, b in baselines.items():
        if "articles_per_s" in b:
            result.setdefault("ratios", {})[name] = round(reprint_rate / b["articles_per_s"], 2)

    cleaned.clear()  # the end-to-end run reads its input file: free the texts for it
    if data is not None:
        db = str(tmp / "bench.db")
        # The command a user runs, in a child process: its wall time includes starting Python.
        command = [
            str(Path(sys.executable).with_name("storytrace")),
            "ingest",
            str(data),
            "--db",
            db,
            "--json",
        ]
        start = time.perf_counter()
        with WalSampler(db + "-wal") as wal:
            out = subprocess.run(command, capture_output=True, text=True, check=True)
        e2e_seconds = time.perf_counter() - start
        report = json.loads(out.stdout)
        sizes = db_sizes(db)
        result["end_to_end"] = {
            "command": "storytrace ingest corpus.jsonl --db bench.db --json",
            "articles_per_s": round(n / e2e_seconds, 1),
            "seconds": round(e2e_seconds, 1),
            "mb_per_s": round(mb / e2e_seconds, 2),
            # the largest process of the run (the ingest or one of its workers)
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            "peak_wal_mb": round(wal.peak / 2**20, 1),
            "db_bytes_per_article": round(sizes["_file"] / n, 1),
            "index_bytes_per_article": round(
                sum(v for k, v in sizes.items() if k.startswith("anchors")) / n, 1
            ),
            "report": report,
            "stories": story_quality(db, corpus.stories),
        }
        fresh = build_corpus(n + 200 + LATENCY_WARM_UP, seed=2, shape=shape).articles[
            -200 - LATENCY_WARM_UP :
        ]
        probe = tmp / "probe.jsonl"
        probe.write_text("".join(json.dumps(a) + "\n" for a in fresh), encoding="utf-8")
        out = subprocess.run(
            [sys.executable, "-c", LATENCY, str(probe), db, str(LATENCY_WARM_UP)],
            capture_output=True,
            text=True,
            check=True,
        )
        times = sorted(json.loads(out.stdout.strip().splitlines()[-1]))
        # One add in `recheck_every` (200) also runs the story re-check: mean and max show it.
        result["add_one_latency_ms"] = {
            "p50": round(statistics.median(times) * 1000, 2),
            "p99": round(times[int(len(times) * 0.99) - 1] * 1000, 2),
            "mean": round(statistics.fmean(times) * 1000, 2),
            "max": round(times[-1] * 1000, 2),
            "samples": len(times),
        }
    return result


def print_table(result: dict[str, Any]) -> None:
    print(
        f"\nstorytrace benchmark, N = {result['n']:,} articles ({result['mb']} MB), "
        f"{result['machine']['cores']} cores\n"
    )
    if "end_to_end" in result:
        e = result["end_to_end"]
        print(
            f"HEADLINE, end to end (`{e['command']}`): {e['articles_per_s']:,.0f} articles/s, "
            f"{e['mb_per_s']:.2f} MB/s, {e['seconds']:.1f} s"
        )
        print(
            f"peak memory end to end: {e['peak_rss_mb']:.0f} MB; peak WAL {e['peak_wal_mb']:.0f} MB; database {e['db_bytes_per_article']:.0f} B/article; "
            f"candidate index {e['index_bytes_per_article']:.0f} B/article\n"
        )
        st = e.get("stories")
        if st:
            print(
                f"stories against the stream's events: B-cubed precision {st['bcubed_precision']:.3f}, "
                f"recall {st['bcubed_recall']:.3f}, F1 {st['bcubed_f1']:.3f}\n"
            )
    print("stages, one process, on the same articles:")
    print(f"{'stage':40} {'articles/s':>12} {'MB/s':>8} {'seconds':>9} {'cores':>5}")
    for s in result["stages"]:
        print(
            f"{s['stage']:40} {s['articles_per_s']:>12,.0f} {s['mb_per_s']:>8.2f} {s['seconds']:>9.2f} {s['cores']:>5}"
        )
    print(f"({REPRINTS_MEASURED})")
    if "end_to_end" in result:
        e = result["end_to_end"]
        stages = e["report"].get("stage_seconds", {})
        if stages:
            print(
                "\nwhere the end-to-end time went (worker stages: CPU seconds summed over workers)"
            )
            print(f"{'stage':40} {'articles/s':>12} {'seconds':>9}")
            for name, sec in sorted(stages.items(), key=lambda kv: -kv[1]):
                rate = f"{result['n'] / sec:>12,.0f}" if sec else f"{'':>12}"
                print(f"{name:40} {rate} {sec:>9.2f}")
        lat = result["add_one_latency_ms"]
        print(
            f"adding one article to the filled store: p50 {lat['p50']} ms, p99 {lat['p99']} ms, "
            f"mean {lat.get('mean')} ms, max {lat.get('max')} ms (the max includes a re-check)"
        )
    q = result["reprints"]
    print(
        f"\nreprint detection quality: precision {q['precision']:.3f}, recall {q['recall']:.3f} "
        f"({q['pairs_found']:,} pairs found, {q['pairs_true']:,} true)"
    )
    print(
        f"\nbaselines (first {min(result['n'], max((b.get('articles', 0) for b in result['baselines'].values()), default=0)):,} articles, "
        f"MinHash LSH, word 5-grams, 128 permutations, threshold {result['baseline_threshold']}),"
        " against the ingest's reprint step"
    )
    sub = result["reprints_on_baseline_slice"]
    print(f"{'system':14} {'articles/s':>12} {'precision':>10} {'recall':>8} {'storytrace is':>16}")
    rate = next(s for s in result["stages"] if s["stage"].startswith("reprints"))["articles_per_s"]
    print(f"{'storytrace':14} {rate:>12,.0f} {sub['precision']:>10.3f} {sub['recall']:>8.3f}")
    for name, b in result["baselines"].items():
        if "error" in b:
            print(f"{name:14} {b['error']}")
            continue
        print(
            f"{name:14} {b['articles_per_s']:>12,.0f} {b['precision']:>10.3f} {b['recall']:>8.3f} "
            f"{result['ratios'][name]:>14.2f}x"
        )
    ran = max((b.get("articles", 0) for b in result["baselines"].values()), default=0)
    if 0 < ran < result["n"]:
        print(
            f"(storytrace's speed is over all {result['n']:,} articles, its quality over the first "
            f"{ran:,}; the ratios compare it with the baselines' speed on those {ran:,})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10000, help="articles in the generated stream")
    parser.add_argument(
        "--baseline-limit",
        type=int,
        default=None,
        help="run the MinHash baselines on at most this many articles (default: all;"
        " datasketch's index takes about 11 KB per article)",
    )
    parser.add_argument(
        "--threshold", type=float, default=0.5, help="Jaccard threshold of the baselines"
    )
    parser.add_argument(
        "--no-end-to-end", action="store_true", help="skip the storytrace ingest run"
    )
    parser.add_argument(
        "--shape",
        choices=["news", "crawl"],
        default="news",
        help="the stream: news (English, a few KB, 40 outlets) or crawl (long-tailed lengths,"
        " 400 outlets, seven languages); see benchmarks/corpus.py",
    )
    args = parser.parse_args()
    result = run(
        args.n,
        baseline_limit=args.baseline_limit,
        threshold=args.threshold,
        end_to_end=not args.no_end_to_end,
        shape=args.shape,
    )
    result["shape"] = args.shape
    OUT.mkdir(exist_ok=True)
    path = (
        OUT / f"bench-{args.n}.json"
        if args.shape == "news"
        else OUT / f"bench-{args.shape}-{args.n}.json"
    )
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print_table(result)
    print(f"\nJSON: {path}")


if __name__ == "__main__":
    main()
