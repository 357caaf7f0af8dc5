"""Server time of the web app's list pages over a synthetic database of 100,000 stories.

    python benchmarks/bench_web.py [--stories 100000] [--repeat 30] [--db PATH] [--out bench_web.json]

Builds the database directly with executemany (no extraction or clustering: ids, outlets, dates,
short texts from a fixed vocabulary), then times each page in process with Starlette's
TestClient and prints p50/p95 milliseconds. Needs the web extra (pip install 'storytrace[web]').
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from storytrace.store import Store

WORDS = (
    "minister harbour election flood storm court strike police market bank rate bridge fire "
    "school hospital river train port energy council budget vote army border trade ship grain "
    "reef coral quake drought festival museum library factory union pension tax health water"
).split()
RARE = ["zephyrine", "quillmark", "obsidianrow"]


def build(db: Path, n_stories: int, seed: int = 7) -> dict[str, int]:
    """A database of ``n_stories`` stories (1 to 6 articles each, from 300 outlets)."""
    rng = random.Random(seed)
    outlets = [f"outlet{i:03d}.example" for i in range(300)]
    weights = [1 / (i + 1) for i in range(len(outlets))]  # a few big outlets, a long tail
    with Store(db) as store:
        conn = store.conn
        conn.execute(
            "INSERT INTO runs (id, command, started, config) VALUES (1, 'bench', 'now', '{}')"
        )
        articles: list[tuple[Any, ...]] = []
        members: list[tuple[Any, ...]] = []
        stories: list[tuple[Any, ...]] = []
        aid = 0
        for sid in range(1, n_stories + 1):
            day = rng.randrange(0, 730)
            size = min(6, 1 + int(rng.expovariate(0.8)))
            topic = rng.sample(WORDS, 4)
            title = " ".join(topic).capitalize() + f" story {sid}"
            times = []
            for _ in range(size):
                aid += 1
                hour = day * 24 + rng.randrange(0, 72)
                published = time.strftime(
                    "%Y-%m-%dT%H:00:00Z", time.gmtime(1_704_067_200 + hour * 3600)
                )
                times.append(published)
                words = topic * 3 + rng.sample(WORDS, 12)
                if rng.random() < 0.001:
                    words.append(rng.choice(RARE))
                text = " ".join(words) + "."
                outlet = rng.choices(outlets, weights)[0]
                articles.append(
                    (
                        aid,
                        f"bench:{aid}",
                        "jsonl",
                        outlet,
                        published,
                        title,
                        text,
                        text,
                        text,
                        f"key{aid}",
                        "now",
                        1,
                    )
                )
                members.append((aid, sid, 1.0, "[]", "now"))
            stories.append((sid, title, "now", min(times), max(times), size))
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO articles (id, source, kind, outlet, published, title, raw, body, text,"
            " body_key, added, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            articles,
        )
        conn.executemany(
            "INSERT INTO stories (id, title, created, first_seen, last_seen, articles) VALUES (?, ?, ?, ?, ?, ?)",
            stories,
        )
        conn.executemany("INSERT INTO story_members VALUES (?, ?, ?, ?, ?)", members)
        # Ingest fills story_stats through a trigger on stories.articles; bulk rows need it here.
        conn.execute(
            "INSERT INTO story_stats (story_id, outlets, articles) SELECT m.story_id,"
            " count(DISTINCT a.outlet), count(*) FROM story_members m JOIN articles a"
            " ON a.id = m.article_id GROUP BY m.story_id"
        )
        conn.executemany(
            "INSERT INTO reprints VALUES (?, ?, 'exact', 1.0, 1.0, 1.0)",
            [
                (m[0], m[0] + 1)
                for m, nxt in zip(members, members[1:], strict=False)
                if m[1] == nxt[1]
            ][:50_000],
        )
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    return {"stories": n_stories, "articles": aid, "outlets": len(outlets)}


PAGES = {
    "/ (story list)": "/",
    "/stories.json": "/stories.json",
    "/stories?sort=recent": "/stories?sort=recent",
    "/stories?sort=outlets": "/stories?sort=outlets",
    "/stories?q=harbour (common word)": "/stories?q=harbour",
    "/stories?q=harbour+flood&sort=recent": "/stories?q=harbour+flood&sort=recent",
    "/stories?q=zephyrine (rare word)": "/stories?q=zephyrine",
    "/stories?outlet=outlet000.example": "/stories?outlet=outlet000.example",
    "/stories?outlet=outlet299.example (rare)": "/stories?outlet=outlet299.example",
    "/stories?from=2024-06-01&to=2024-06-30": "/stories?from=2024-06-01&to=2024-06-30",
    "/stories?page=500": "/stories?page=500",
    "/stories?page=500&sort=outlets": "/stories?page=500&sort=outlets",
    "/outlets": "/outlets",
    "/outlets/outlet000.example": "/outlets/outlet000.example",
}


def measure(db: Path, repeat: int) -> dict[str, dict[str, float]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from storytrace.web.app import create_app

    client = TestClient(create_app(db))
    results = {}
    for label, path in PAGES.items():
        assert client.get(path).status_code == 200, path  # warm-up, and a check
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        times.sort()
        results[label] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
            "max_ms": round(times[-1], 1),
        }
        print(
            f"{label:45s} p50 {results[label]['p50_ms']:7.1f} ms   p95 {results[label]['p95_ms']:7.1f} ms",
            flush=True,
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--db", default="bench_web.db", help="built if it does not exist")
    parser.add_argument("--out", default="bench_web.json")
    args = parser.parse_args()
    db = Path(args.db)
    size: dict[str, Any] = {}
    if not db.exists():
        start = time.perf_counter()
        size = build(db, args.stories)
        print(f"built {db}: {size} in {time.perf_counter() - start:.1f} s", flush=True)
    results = measure(db, args.repeat)
    Path(args.out).write_text(
        json.dumps({"database": str(db), **size, "repeat": args.repeat, "pages": results}, indent=2)
        + "\n"
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
