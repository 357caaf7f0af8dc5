"""Speed probe (not a test): docs/s of extract_evidence and pairs/s of similarity, one core.

Documents are the gold texts of data/textclean/dev.jsonl with their titles, cut to about 500
words (shorter ones kept whole). Similarity is timed the way the story decisions use it: the
Evidence objects are long-lived (the store caches parsed evidence), so per-evidence derived
views are built once; the first pass over fresh objects is reported separately ("cold").

Usage: python benchmarks/probe_evidence.py [path/to/dev.jsonl] [n_pairs]
To compare with another checkout, run it with PYTHONPATH pointing at that checkout's src.
"""

from __future__ import annotations

import json
import random
import sys
import time

from storytrace.evidence import Evidence, extract_evidence, similarity

WORDS = 500


def load_docs(path: str, size: int = WORDS) -> list[tuple[str, str, str | None]]:
    """(title, text, published) of each gold text, cut to ``size`` words."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            gold = row.get("gold") or ""
            ws = gold.split(" ")
            if len(ws) < 50:
                continue
            out.append((row.get("title") or "", " ".join(ws[:size]), row.get("published")))
    return out


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/textclean/dev.jsonl"
    n_pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    docs = load_docs(path)
    n_words = sum(len(t.split()) for _, t, _ in docs) / len(docs)
    extract_evidence(docs[0][1], title=docs[0][0])  # warm up the wordfreq tables

    # Best of 3 rounds: the machine is shared, the minimum is the least disturbed figure.
    best = float("inf")
    evs: list[Evidence] = []
    for _ in range(3):
        t = time.perf_counter()
        evs = [
            extract_evidence(text, title=title or None, published=pub) for title, text, pub in docs
        ]
        best = min(best, time.perf_counter() - t)
    print(f"docs: {len(docs)}, mean {n_words:.0f} words")
    print(f"extract_evidence:      {len(docs) / best:9.0f} docs/s")

    rnd = random.Random(0)
    pairs = [(rnd.randrange(len(evs)), rnd.randrange(len(evs))) for _ in range(n_pairs)]
    fresh = [Evidence.from_json(ev.to_json()) for ev in evs]
    t = time.perf_counter()
    for i, j in pairs[: len(fresh)]:
        similarity(fresh[i], fresh[j])
    cold = min(len(fresh), n_pairs) / (time.perf_counter() - t)
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        for i, j in pairs:
            similarity(evs[i], evs[j])
        best = min(best, time.perf_counter() - t)
    print(f"similarity (warm):     {n_pairs / best:9.0f} pairs/s")
    print(
        f"similarity (cold, first use of {min(len(fresh), n_pairs)} parsed evidences): {cold:9.0f} pairs/s"
    )


if __name__ == "__main__":
    main()
