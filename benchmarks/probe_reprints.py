"""Speed probe (not a test): reprint detection of bench_pipeline.py on cached cleaned texts.

Caches the cleaned stream in /tmp (cleaning is slow and not what is measured here), then runs
storytrace's ``detect_reprints`` (the ingest's reprint step, as the benchmark runs it), ``shingles_many`` and the
datasketch / rensa baselines on the same texts in one process, so the ratios are comparable on
a busy machine.

    python benchmarks/probe_reprints.py --n 5000 [--profile] [--no-baselines]
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline import (  # noqa: E402
    datasketch_reprints,
    detect_reprints,
    quality,
    rensa_reprints,
)

from storytrace.match import shingles_many  # noqa: E402


def cleaned_stream(n: int) -> tuple[list[str], list[str], set[frozenset[str]]]:
    cache = Path(f"/tmp/storytrace-probe-{n}.pkl")
    if cache.exists():
        with cache.open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own cache file
    from corpus import build_corpus

    from storytrace.clean import clean_page

    corpus = build_corpus(n)
    ids = [a["id"] for a in corpus.articles]
    texts = [clean_page(a["text"], title=a["title"]).text for a in corpus.articles]
    out = (ids, texts, corpus.reprint_pairs)
    with cache.open("wb") as fh:
        pickle.dump(out, fh)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    ids, texts, truth = cleaned_stream(args.n)
    n = len(texts)
    best_sh = min(_timed(lambda: shingles_many(texts)) for _ in range(args.repeat))
    print(f"shingles_many: {n / best_sh:10,.0f} articles/s")
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        found, sec = detect_reprints(ids, texts)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    runs = [detect_reprints(ids, texts) for _ in range(args.repeat)]
    found, sec = min(runs, key=lambda r: r[1])
    q = quality(found, truth)
    print(
        f"storytrace:    {n / sec:10,.0f} articles/s  precision {q['precision']:.4f} "
        f"recall {q['recall']:.4f}"
    )
    if args.no_baselines:
        return
    for name, fn in (("datasketch", datasketch_reprints), ("rensa", rensa_reprints)):
        bfound, bsec = fn(ids, texts, 0.5)
        bq = quality(bfound, truth)
        print(
            f"{name:14} {n / bsec:10,.0f} articles/s  precision {bq['precision']:.4f} "
            f"recall {bq['recall']:.4f}  storytrace is {bsec / sec:6.2f}x"
        )


def _timed(fn: object) -> float:
    t = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
