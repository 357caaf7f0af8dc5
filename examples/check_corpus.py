#!/usr/bin/env python3
"""Check that examples/corpus agrees with examples/expected.json.

Standard library only, so it runs without installing storytrace:

    python examples/check_corpus.py            # uses the folders next to this file
    python examples/check_corpus.py CORPUS EXPECTED

Exit status 0 when every check passes, 1 when any fails (each failure is printed).
What is checked is listed in ``main``; the rules are documented in examples/README.md.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MAX_STORY_SPAN_DAYS = 5
MIN_WORDS, MAX_WORDS = 120, 450
# A paragraph at least this long that two articles share must be explained by a declared reprint.
SHARED_PARAGRAPH_WORDS = 8


@dataclass
class Item:
    """One article as found on disk. ``lines`` is every text line of the page (boilerplate included);
    ``body`` the lines that can hold article text (for HTML: the ``<article>`` element)."""

    key: str
    path: Path
    fmt: str
    url: str | None = None
    published: str | None = None
    title: str | None = None
    lines: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


def norm(s: str) -> str:
    """Fold the trivial differences allowed inside boilerplate: quote style, case, spacing."""
    s = unicodedata.normalize("NFKC", s)
    s = s.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"', 0x00A0: " "})
    return " ".join(s.casefold().split())


def domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def parse_when(value: str) -> datetime:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def text_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


class PageParser(HTMLParser):
    """Splits a page into text lines at block elements and records the head metadata."""

    BLOCK = {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "footer",
        "nav",
        "aside",
        "article",
        "section",
        "main",
        "figure",
        "figcaption",
        "time",
        "br",
        "a",
        "title",
        "body",
    }
    SKIP = {"script", "style", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.lines: list[str] = []
        self.article: list[str] = []
        self.h1: list[str] = []
        self._buf: list[str] = []
        self._skip = 0
        self._in_body = False
        self._in_article = 0
        self._in_h1 = False

    def _flush(self) -> None:
        line = " ".join("".join(self._buf).split())
        self._buf = []
        if line and self._in_body:
            self.lines.append(line)
            if self._in_article:
                self.article.append(line)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and a.get("property"):
            self.meta[a["property"]] = a.get("content", "")
        elif tag == "link" and a.get("rel") == "canonical":
            self.meta["canonical"] = a.get("href", "")
        if tag in self.SKIP:
            self._skip += 1
        if tag in self.BLOCK and tag != "a":
            self._flush()
        if tag == "body":
            self._in_body = True
        elif tag == "article":
            self._in_article += 1
        elif tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        if tag in self.BLOCK and tag != "a":
            self._flush()
        if tag == "article":
            self._in_article = max(0, self._in_article - 1)
        elif tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._buf.append(data)
        if self._in_h1:
            self.h1.append(data)


def load(corpus: Path, errors: list[str]) -> dict[str, Item]:
    items: dict[str, Item] = {}

    def add(item: Item) -> None:
        if item.key in items:
            errors.append(f"duplicate key {item.key}")
        items[item.key] = item

    for path in sorted(corpus.iterdir()):
        name = path.name
        if path.suffix == ".txt":
            lines = text_lines(path.read_text(encoding="utf-8"))
            it = Item(
                name,
                path,
                "txt",
                title=lines[0] if lines else None,
                lines=lines[1:],
                body=lines[1:],
            )
            side = path.with_suffix(".json")
            if not side.exists():
                errors.append(f"{name}: no sidecar {side.name}")
            else:
                meta = json.loads(side.read_text(encoding="utf-8"))
                it.url, it.published = meta.get("url"), meta.get("published")
                it.meta = {k: str(v) for k, v in meta.items()}
            add(it)
        elif path.suffix == ".json":
            if not path.with_suffix(".txt").exists():
                errors.append(f"{name}: sidecar without a .txt article")
        elif path.suffix == ".jsonl":
            for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not raw.strip():
                    continue
                rec: dict[str, Any] = json.loads(raw)
                for f in ("id", "url", "published", "title", "text"):
                    if not rec.get(f):
                        errors.append(f"{name}:{n}: missing field {f}")
                lines = text_lines(str(rec.get("text", "")))
                add(
                    Item(
                        str(rec.get("id")),
                        path,
                        "jsonl",
                        url=rec.get("url"),
                        published=rec.get("published"),
                        title=rec.get("title"),
                        lines=lines,
                        body=lines,
                    )
                )
        elif path.suffix == ".html":
            p = PageParser()
            p.feed(path.read_text(encoding="utf-8"))
            p.close()
            it = Item(
                name,
                path,
                "html",
                url=p.meta.get("canonical"),
                published=p.meta.get("article:published_time"),
                title=" ".join("".join(p.h1).split()) or None,
                lines=p.lines,
                body=[ln for ln in p.article if ln != " ".join("".join(p.h1).split())],
                meta=p.meta,
            )
            for need in ("canonical", "og:url", "og:site_name", "article:published_time"):
                if not p.meta.get(need):
                    errors.append(f"{name}: missing {need}")
            if p.meta.get("og:url") and it.url and domain(p.meta["og:url"]) != domain(it.url):
                errors.append(f"{name}: og:url and canonical name different sites")
            add(it)
        else:
            errors.append(f"{name}: unexpected file in corpus")
    return items


def body_paragraphs(it: Item, boiler: set[str]) -> list[str]:
    """The article's own paragraphs: body lines that are neither site nor page boilerplate."""
    return [ln for ln in it.body if norm(ln) not in boiler]


def check(corpus: Path, expected_path: Path) -> list[str]:
    errors: list[str] = []
    exp: dict[str, Any] = json.loads(expected_path.read_text(encoding="utf-8"))
    items = load(corpus, errors)
    arts: dict[str, dict[str, str]] = exp["articles"]
    site_bp: dict[str, list[str]] = exp["boilerplate"]
    page_bp: dict[str, list[str]] = exp.get("page_boilerplate", {})

    # 1. every file is labelled and every label has a file
    for k in sorted(set(items) - set(arts)):
        errors.append(f"{k}: in the corpus but not in expected.json")
    for k in sorted(set(arts) - set(items)):
        errors.append(f"{k}: in expected.json but not in the corpus")
    keys = sorted(set(items) & set(arts))

    # 2. metadata: url, date, outlet = normalised domain of the url; urls unique
    seen_urls: dict[str, str] = {}
    when: dict[str, datetime] = {}
    for k in keys:
        it, lab = items[k], arts[k]
        if not it.title:
            errors.append(f"{k}: no headline")
        if not it.url:
            errors.append(f"{k}: no url")
            continue
        if domain(it.url) != lab["outlet"]:
            errors.append(f"{k}: url domain {domain(it.url)} != labelled outlet {lab['outlet']}")
        if not lab["outlet"].endswith(".example"):
            errors.append(f"{k}: outlet {lab['outlet']} is not under .example")
        u = it.url.split("?")[0].replace("://www.", "://").rstrip("/")
        if u in seen_urls:
            errors.append(f"{k}: same url as {seen_urls[u]}")
        seen_urls[u] = k
        try:
            when[k] = parse_when(it.published or "")
        except ValueError:
            errors.append(f"{k}: bad published date {it.published!r}")

    # 3. stories and articles agree
    stories: dict[str, dict[str, Any]] = exp["stories"]
    for slug, st in stories.items():
        members = sorted(k for k in arts if arts[k]["story"] == slug)
        if not st.get("articles"):
            errors.append(f"story {slug}: no articles")
        if sorted(st.get("articles", [])) != members:
            errors.append(
                f"story {slug}: article list {sorted(st.get('articles', []))} != labelled {members}"
            )
        if not st.get("title"):
            errors.append(f"story {slug}: no title")
    for k, lab in arts.items():
        if lab["story"] not in stories:
            errors.append(f"{k}: story {lab['story']} not in stories")

    # 4. a story's articles lie within MAX_STORY_SPAN_DAYS
    for slug, st in stories.items():
        ds = [when[k] for k in st.get("articles", []) if k in when]
        if ds and (max(ds) - min(ds)).total_seconds() > MAX_STORY_SPAN_DAYS * 86400:
            errors.append(
                f"story {slug}: dates span {max(ds) - min(ds)} > {MAX_STORY_SPAN_DAYS} days"
            )

    # 5. site boilerplate: every listed line is a line of every article of that outlet
    by_outlet: dict[str, list[str]] = {}
    for k in keys:
        by_outlet.setdefault(arts[k]["outlet"], []).append(k)
    site_norm = {o: {norm(x) for x in lines} for o, lines in site_bp.items()}
    for outlet, ks in sorted(by_outlet.items()):
        if not site_bp.get(outlet):
            errors.append(f"outlet {outlet}: no site boilerplate listed")
            continue
        for line in site_bp[outlet]:
            for k in ks:
                if norm(line) not in {norm(x) for x in items[k].lines}:
                    errors.append(f"{k}: site boilerplate of {outlet} missing: {line!r}")
    for outlet in site_bp:
        if outlet not in by_outlet:
            errors.append(f"boilerplate for unknown outlet {outlet}")

    # 6. page boilerplate: on its page, not site boilerplate; a line repeated on another page of
    #    the same outlet must be a short heading that is page boilerplate there too
    for k, lines in page_bp.items():
        if k not in items:
            errors.append(f"page_boilerplate for unknown key {k}")
            continue
        outlet = arts[k]["outlet"]
        own = {norm(x) for x in items[k].lines}
        for line in lines:
            n = norm(line)
            if n not in own:
                errors.append(f"{k}: page boilerplate not found: {line!r}")
            if n in site_norm.get(outlet, set()):
                errors.append(f"{k}: page boilerplate is also site boilerplate: {line!r}")
            for other in by_outlet.get(outlet, []):
                if other != k and n in {norm(x) for x in items[other].lines}:
                    listed = n in {norm(x) for x in page_bp.get(other, [])}
                    if len(line.split()) > 3 or not listed:
                        errors.append(f"{k}: page boilerplate also on {other}: {line!r}")

    def boiler(k: str) -> set[str]:
        return site_norm.get(arts[k]["outlet"], set()) | {norm(x) for x in page_bp.get(k, [])}

    paras = {k: body_paragraphs(items[k], boiler(k)) for k in keys}

    # 7. length of the article's own text
    for k in keys:
        words = sum(len(p.split()) for p in paras[k])
        if not MIN_WORDS <= words <= MAX_WORDS:
            errors.append(f"{k}: {words} words of body text, outside {MIN_WORDS}-{MAX_WORDS}")

    # 8. wire originals: published by the agency's own site, earliest in the story, with a dateline
    for slug, w in exp.get("wire", {}).items():
        o = w.get("original")
        if o not in arts or arts[o]["story"] != slug:
            errors.append(f"wire {slug}: original {o} is not an article of the story")
            continue
        agency_words = norm(w.get("agency", "")).split()
        if not agency_words or agency_words[0] not in arts[o]["outlet"]:
            errors.append(f"wire {slug}: original {o} is not on the agency's site")
        others = [when[k] for k in stories[slug]["articles"] if k != o and k in when]
        if o in when and others and not when[o] < min(others):
            errors.append(f"wire {slug}: original {o} is not the earliest article")
        if not paras[o] or not re.search(r"\(MP\) —", paras[o][0]):
            errors.append(f"wire {slug}: original {o} has no (MP) dateline")

    # 9. reprints: verbatim copies hold every wire paragraph; trimmed ones a prefix of them, cut by
    #    2-4 paragraphs at the end, with at most one paragraph of the prefix edited
    for r in exp.get("reprints", []):
        o, c, kind = r["original"], r["copy"], r["kind"]
        if o not in paras or c not in paras:
            errors.append(f"reprint {o} -> {c}: unknown key")
            continue
        if arts[o]["story"] != arts[c]["story"]:
            errors.append(f"reprint {o} -> {c}: different stories")
        if when.get(o) and when.get(c) and not when[o] < when[c]:
            errors.append(f"reprint {o} -> {c}: copy is not later than the original")
        wire, copy = paras[o], set(items[c].body)
        present = [p in copy for p in wire]
        if kind == "verbatim":
            for p, ok in zip(wire, present, strict=True):
                if not ok:
                    errors.append(f"reprint {o} -> {c}: wire paragraph missing: {p[:60]!r}")
        elif kind == "trimmed":
            total = len(wire)
            fits = [
                cut
                for cut in range(total - 4, total - 1)
                if cut > 0
                and not any(present[cut:])
                and present[0]
                and present[:cut].count(False) <= 1
            ]
            if not fits:
                errors.append(
                    f"reprint {o} -> {c}: not a prefix of the wire copy cut by 2-4 paragraphs "
                    f"(present: {''.join('x' if x else '.' for x in present)})"
                )
        else:
            errors.append(f"reprint {o} -> {c}: unknown kind {kind!r}")

    # 10. rewrites: same story, each shared quote verbatim in both, no wire paragraph copied whole
    for r in exp.get("rewrites", []):
        s, w = r["source"], r["rewrite"]
        if s not in paras or w not in paras:
            errors.append(f"rewrite {s} -> {w}: unknown key")
            continue
        if arts[s]["story"] != arts[w]["story"]:
            errors.append(f"rewrite {s} -> {w}: different stories")
        quotes = r.get("shared_quotes", [])
        if not 2 <= len(quotes) <= 3:
            errors.append(f"rewrite {s} -> {w}: {len(quotes)} shared quotes, expected 2-3")
        src, dst = "\n".join(paras[s]), "\n".join(paras[w])
        for q in quotes:
            for side, text in (("source", src), ("rewrite", dst)):
                if q not in text:
                    errors.append(f"rewrite {s} -> {w}: quote not in {side}: {q!r}")
        for p in paras[s]:
            if p in set(paras[w]):
                errors.append(f"rewrite {s} -> {w}: copies a whole wire paragraph: {p[:60]!r}")

    # 11. no undeclared copying: a long paragraph shared by two articles must belong to a reprint
    #     pair (copies of one original may share paragraphs with each other)
    holders: dict[str, list[str]] = {}
    for k in keys:
        for p in set(paras[k]):
            if len(p.split()) >= SHARED_PARAGRAPH_WORDS:
                holders.setdefault(p, []).append(k)
    copies_of: dict[str, str] = {r["copy"]: r["original"] for r in exp.get("reprints", [])}
    for p, ks in holders.items():
        roots = {copies_of.get(k, k) for k in ks}
        if len(roots) > 1:
            errors.append(
                f"paragraph shared by {sorted(ks)} without a declared reprint: {p[:60]!r}"
            )
    return errors


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    corpus = Path(argv[1]) if len(argv) > 1 else here / "corpus"
    expected = Path(argv[2]) if len(argv) > 2 else here / "expected.json"
    errors = check(corpus, expected)
    for e in errors:
        print("FAIL", e)
    exp = json.loads(expected.read_text(encoding="utf-8"))
    if errors:
        print(f"{len(errors)} problem(s)")
        return 1
    print(
        f"OK: {len(exp['articles'])} articles, {len(exp['stories'])} stories, "
        f"{len(exp['boilerplate'])} outlets, {len(exp['reprints'])} reprints, {len(exp['rewrites'])} rewrites"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
