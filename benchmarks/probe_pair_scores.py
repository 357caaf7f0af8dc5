"""Speed probe (not a test): one article scored against many others, as a story decision does.

Evidence of the gold texts of data/textclean/dev.jsonl (cut to about 500 words), parsed back
from JSON as the store gives it. Reports the best of ``rounds`` timings of
``similarity_scores(a, others)`` for ``n_others`` others and several articles ``a`` ("warm":
per-article derived views already built), and the cost of the first score of freshly parsed
evidence ("cold": building those views). The machine may be shared: the minimum over rounds is
the least disturbed figure, and ratios between checkouts mean more than the absolute times.

Usage: python benchmarks/probe_pair_scores.py [path/to/dev.jsonl] [n_others] [rounds]
To compare with another checkout, run it with PYTHONPATH pointing at that checkout's src.
"""

from __future__ import annotations

import sys
import time

from probe_evidence import load_docs

from storytrace.evidence import Evidence, extract_evidence
from storytrace.evidence.similarity import similarity_scores


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/textclean/dev.jsonl"
    n_others = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    docs = load_docs(path)
    stored = [
        extract_evidence(text, title=title or None, published=pub).to_json()
        for title, text, pub in docs[: n_others + 10]
    ]
    evs = [Evidence.from_json(s) for s in stored]
    others = evs[10 : 10 + n_others]
    heads = evs[:10]
    similarity_scores(heads[0], others)  # compile or warm up whatever the path needs

    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for a in heads:
            similarity_scores(a, others)
        best = min(best, (time.perf_counter() - t) / len(heads))
    print(f"docs: {len(evs)}; one article against {len(others)} others")
    print(f"warm: {best * 1e3:8.3f} ms per call ({len(others) / best:9.0f} pairs/s)")

    cold = float("inf")
    for _ in range(3):
        fresh = [Evidence.from_json(s) for s in stored[: 10 + n_others]]
        t = time.perf_counter()
        similarity_scores(fresh[0], fresh[10:])
        cold = min(cold, time.perf_counter() - t)
    print(
        f"cold: {cold * 1e3:8.3f} ms for the first call on {n_others + 1} freshly parsed articles"
    )


if __name__ == "__main__":
    main()
