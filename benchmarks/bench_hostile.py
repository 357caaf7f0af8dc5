"""Hostile inputs at scale: the fuzz test's generator and checks over 10,000 inputs or more.

    python benchmarks/bench_hostile.py --n 10000

Builds a store holding the example corpus, writes ``--n`` generated hostile inputs
(``tests/fuzz/hostile.py``: broken encodings, binary, empty and huge files, deep and
entity-bomb HTML, gzip bombs, truncated gzip and WARC, malformed JSONL and CSV rows, wrong
types in every field, FIFOs, ``/dev/zero`` links, sockets, symbolic link loops, with valid
articles mixed in), runs ``storytrace ingest --json`` over them in a subprocess, and checks
that it finished by itself, printed no traceback, accounted for every input, gave a reason for
each reject, stored the valid articles, changed nothing stored before, and stored no text too
short to be an article. Prints inputs per second and the rejects by reason; writes JSON to
benchmarks/out/hostile-N.json. Not part of the test suite; times are for an idle machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="inputs to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-bytes", type=int, default=1_000_000, help="the ingest's limit")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a hang")
    args = parser.parse_args()

    from tests.fuzz.hostile import ingest_and_check, write_hostile

    import storytrace

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "store.db")
        storytrace.ingest([str(REPO / "examples" / "corpus")], db=db)
        start = time.perf_counter()
        written = write_hostile(
            Path(tmp) / "hostile", args.n, seed=args.seed, max_bytes=args.max_bytes
        )
        made = time.perf_counter() - start
        try:
            figures = ingest_and_check(db, written, max_bytes=args.max_bytes, timeout=args.timeout)
        finally:
            written.close()
    print(f"storytrace ingest of {figures['inputs']:,} hostile inputs (written in {made:.0f} s):")
    print(f"  {figures['seconds']:.1f} s, {figures['inputs_per_second']:.1f} inputs/s")
    print(
        f"  {figures['added']:,} added ({len(written.valid):,} valid articles mixed in, all stored)"
    )
    print(f"  {figures['rejected']:,} rejected, each with a reason:")
    for key, value in sorted(figures.items()):
        if key.startswith("rejected:"):
            print(f"    {key.split(':', 1)[1]:<16} {value:>6,}")
    print("  kinds generated: " + ", ".join(f"{k} {v}" for k, v in sorted(written.kinds.items())))
    print("  all checks held: no hang, no traceback, inputs add up, earlier rows unchanged")
    out = REPO / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    path = out / f"hostile-{args.n}.json"
    path.write_text(
        json.dumps({**figures, "kinds": written.kinds, "valid": len(written.valid)}, indent=1)
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
