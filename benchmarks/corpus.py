"""A deterministic, realistic news stream built from the real texts in ../shared/data.

Two shapes. ``news``: English articles of a few KB from 40 outlets. ``crawl``: what a crawl
brings, long-tailed lengths (half the events are short texts of about 1 KB, some articles run
to 20-50 KB), 400 outlets, and several languages (German, Spanish, Turkish, Polish, Arabic and
French beside English, from the SemEval-2022 pairs).

Each event has an original (a wire story or an outlet's own report), verbatim, trimmed and
edited reprints by other outlets, and rewrites that share a few sentences (quotes). Every copy
carries its outlet's site boilerplate. Events are spread over weeks. Base texts are reused for
many events, so each event's original is a mutated copy (35% of its content words replaced
from the same text's vocabulary): two events built from one base text share almost no 5-grams, as
two different stories would.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Corpus:
    articles: list[dict[str, str]] = field(default_factory=list)
    reprint_pairs: set[frozenset[str]] = field(default_factory=set)
    """Unordered id pairs of articles that copy the same original (the original included)."""
    stories: dict[str, str] = field(default_factory=dict)
    """article id -> event id."""

    @property
    def bytes(self) -> int:
        return sum(len(a["text"].encode("utf-8")) for a in self.articles)


def data_dir() -> Path:
    import os

    env = os.environ.get("STORYTRACE_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


def load_base_texts(data: Path | None = None, min_words: int = 120) -> list[list[str]]:
    """Real article bodies as lists of paragraphs, from every dataset in shared/data."""
    data = data or data_dir()
    texts: list[str] = []
    clean = data / "textclean" / "dev.jsonl"
    if clean.exists():
        for line in clean.open(encoding="utf-8"):
            texts.append(json.loads(line).get("gold") or "")
    truth = data / "article-extraction-benchmark" / "ground-truth.json"
    if truth.exists():
        for item in json.loads(truth.read_text(encoding="utf-8")).values():
            texts.append(item.get("articleBody") or "")
    ecb = data / "ecbplus" / "dev.jsonl"
    if ecb.exists():
        for line in ecb.open(encoding="utf-8"):
            sentences = re.split(r"(?<=[.!?])\s+", json.loads(line)["text"])
            texts.append(
                "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))
            )
    bases = []
    seen: set[str] = set()
    for text in texts:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", text) if len(p.split()) >= 8]
        if sum(len(p.split()) for p in paragraphs) < min_words:
            continue
        # The datasets hold copies of the same wire stories: keep one, or the "unrelated"
        # events built from them would really be reprints of each other.
        grams = _five_grams(" ".join(paragraphs))
        if len(grams & seen) > 0.1 * len(grams):
            continue
        seen |= grams
        bases.append(paragraphs[:14])
    if not bases:
        raise SystemExit(f"no base texts found under {data}; set STORYTRACE_DATA")
    return bases


def load_short_texts(data: Path | None = None) -> list[list[str]]:
    """The SemEval-2022 Task 8 texts (about 1 KB each, in seven languages) as paragraphs."""
    import csv

    data = data or data_dir()
    path = data / "semeval2022-t8" / "train.csv"
    if not path.exists():
        raise SystemExit(f"no {path}; set STORYTRACE_DATA")
    out: list[list[str]] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for text in (row["text1"], row["text2"]):
                paragraphs = [p.strip() for p in text.split("\n") if len(p.split()) >= 5]
                key = " ".join(paragraphs)[:200]
                if len(paragraphs) >= 2 and key not in seen:
                    seen.add(key)
                    out.append(paragraphs)
    return out


def _five_grams(text: str) -> set[str]:
    words = text.lower().split()
    return {" ".join(words[i : i + 5]) for i in range(len(words) - 4)}


def _quote(paragraph: str, rng: random.Random) -> str:
    """A sentence of the original, cut to at most 25 words: what a rewrite quotes."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", paragraph) if len(s.split()) >= 6]
    words = (rng.choice(sentences) if sentences else paragraph).split()[:25]
    return " ".join(words).rstrip(".,;:")


def _mutate(paragraphs: list[str], rng: random.Random, rate: float) -> list[str]:
    """Replace a share of the content words (4+ letters) with other content words of the text.

    Function words, punctuation and capitalisation stay, so the text still reads like prose to
    the cleaner, while two events made from one base text share few 5-grams.
    """
    vocab = [w for p in paragraphs for w in p.split() if len(w) >= 4 and w.isalpha()]
    if not vocab:
        return paragraphs[:]
    out = []
    for p in paragraphs:
        words = p.split()
        for i, w in enumerate(words):
            if len(w) >= 4 and w.isalpha() and rng.random() < rate:
                new = rng.choice(vocab)
                words[i] = new.capitalize() if w[0].isupper() else new.lower()
        out.append(" ".join(words))
    return out


def _outlet_boilerplate(i: int) -> list[str]:
    name = f"The Daily {i:03d}"
    lines = [
        f"Subscribe to {name} newsletter for the day's top stories, delivered every morning.",
        f"© 2026 {name} Media Group. All rights reserved. Reproduction without permission is prohibited.",
        f"Follow {name} on social media for breaking news and live updates.",
        f"Read more: the most popular stories on {name} this week.",
    ]
    return lines[: 2 + i % 3]


def _emit(
    corpus: Corpus,
    n: int,
    ev_id: str,
    when: datetime,
    paragraphs: list[str],
    outlet: int,
    hours: float,
    kind: str,
) -> str | None:
    """Append one article of an event (with its outlet's boilerplate); None when full."""
    if len(corpus.articles) >= n:
        return None
    art_id = f"{ev_id}-{kind}-{len(corpus.articles)}"
    boiler = _outlet_boilerplate(outlet)
    body = paragraphs[:]
    body.insert(min(3, len(body)), boiler[-1])
    body += boiler[:-1]
    corpus.articles.append(
        {
            "id": art_id,
            "url": f"https://www.outlet{outlet:03d}.example/news/{art_id}",
            "published": (when + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "title": paragraphs[0][:90],
            "text": "\n\n".join(body[1:]),
        }
    )
    corpus.stories[art_id] = ev_id
    return art_id


def _long(bases: list[list[str]], rng: random.Random, target: int) -> list[str]:
    """Paragraphs of several base texts, one after another, up to about ``target`` bytes."""
    out: list[str] = []
    size = 0
    while size < target:
        for p in rng.choice(bases):
            if size >= target:
                break
            out.append(p)
            size += len(p) + 2
    return out


def _event_text(
    shape: str, event: int, bases: list[list[str]], short: list[list[str]], rng: random.Random
) -> list[str]:
    if shape == "news":
        return bases[event % len(bases)]
    draw = rng.random()
    if draw < 0.5:
        return short[event % len(short)]
    if draw < 0.95:
        return bases[event % len(bases)]
    return _long(bases, rng, rng.randint(20_000, 48_000))


def build_corpus(
    n: int, *, seed: int = 1, outlets: int | None = None, days: int = 60, shape: str = "news"
) -> Corpus:
    """Exactly ``n`` articles of the given ``shape`` (``news`` or ``crawl``), deterministic
    for a given seed and data."""
    if shape not in ("news", "crawl"):
        raise ValueError(f"unknown corpus shape {shape!r}")
    outlets = outlets or (40 if shape == "news" else 400)
    rng = random.Random(seed)
    bases = load_base_texts()
    short = load_short_texts() if shape == "crawl" else []
    corpus = Corpus()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    event = 0
    while len(corpus.articles) < n:
        base = _event_text(shape, event, bases, short, rng)
        original = _mutate(base, rng, 0.35)
        when = start + timedelta(seconds=rng.randrange(days * 86400))
        family: list[str] = []
        ev_id = f"e{event}"

        first = _emit(corpus, n, ev_id, when, original, rng.randrange(outlets), 0, "orig")
        if first:
            family.append(first)
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 5, 8])):
            kind = rng.choice(["verbatim", "trimmed", "edited"])
            copy = original[:]
            if kind == "trimmed" and len(copy) > 4:
                copy = copy[: len(copy) - rng.randint(1, min(3, len(copy) - 3))]
            elif kind == "edited":
                copy = _mutate(copy, rng, 0.03)
                if len(copy) > 4:
                    del copy[rng.randrange(2, len(copy))]
            made = _emit(
                corpus, n, ev_id, when, copy, rng.randrange(outlets), rng.uniform(0.5, 72), kind
            )
            if made:
                family.append(made)
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            # Another outlet's own wording (another base text) that quotes two sentences.
            other = _mutate(bases[rng.randrange(len(bases))], rng, 0.35)
            quotes = [
                f'"{_quote(p, rng)}," the report said.'
                for p in rng.sample(original[1:], k=min(2, len(original) - 1))
            ]
            rewrite = [original[0]] + other[1:4] + quotes + other[4:7]
            _emit(
                corpus,
                n,
                ev_id,
                when,
                rewrite,
                rng.randrange(outlets),
                rng.uniform(2, 96),
                "rewrite",
            )
        for i, a in enumerate(family):
            for b in family[i + 1 :]:
                corpus.reprint_pairs.add(frozenset((a, b)))
        event += 1
    return corpus


def write_jsonl(corpus: Corpus, path: Path) -> Path:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as fh:  # type: ignore[operator]
        for article in corpus.articles:
            fh.write(json.dumps(article, ensure_ascii=False) + "\n")
    return path


def iter_batches(items: list[dict[str, str]], size: int) -> Iterator[list[dict[str, str]]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
