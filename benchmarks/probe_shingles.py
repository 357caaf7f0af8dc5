"""Speed probe (not a test): docs/s of shingles() on 20k synthetic ~700-word documents.

Documents are random 700-word windows of the gold texts in data/textclean/dev.jsonl.
Usage: python benchmarks/probe_shingles.py [path/to/dev.jsonl] [n_docs]
"""

from __future__ import annotations

import json
import random
import sys
import time

from storytrace.match import shingles
from storytrace.normalize import words


def synthetic_docs(path: str, n: int, size: int = 700) -> list[str]:
    with open(path, encoding="utf-8") as f:
        golds = [json.loads(line)["gold"] for line in f]
    rnd = random.Random(0)
    pool = [g.split(" ") for g in golds if len(g.split(" ")) > size]
    docs = []
    for _ in range(n):
        ws = rnd.choice(pool)
        i = rnd.randrange(len(ws) - size)
        docs.append(" ".join(ws[i : i + size]))
    return docs


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/textclean/dev.jsonl"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    docs = synthetic_docs(path, n)
    t = time.perf_counter()
    for d in docs[:2000]:
        words(d)
    ref = 2000 / (time.perf_counter() - t)
    print(f"normalize.words alone:      {ref:9.0f} docs/s (reference, 2000 docs)")
    t = time.perf_counter()
    for d in docs:
        shingles(d)
    print(f"shingles() one by one:      {n / (time.perf_counter() - t):9.0f} docs/s")


if __name__ == "__main__":
    main()
