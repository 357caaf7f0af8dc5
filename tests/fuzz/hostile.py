"""A generator of hostile inputs of every kind the readers accept, with valid articles mixed in.

Used by the fuzz test (a few hundred inputs) and by ``benchmarks/bench_hostile.py`` (10,000 and
more). Every input is written under one folder; :class:`Written` says what was made, so that a
check can account for each one: how many inputs (files, lines, rows, records) it holds, and
which of them are valid articles that must be stored.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Words from which the valid articles are made: each valid article is its own random text,
# long enough to be an article and far from every other one (no duplicates, no reprints).
_VOCAB = [
    f"{a}{b}"
    for a in ("har", "por", "min", "sal", "tor", "vel", "kap", "dun")
    for b in ("bour", "ter", "ica", "ando", "eska", "ovic", "ulm", "enti", "oss", "ard")
]


_NUL_LINE = b"\x00\x01\x02 a line of binary among JSON lines"


@dataclass
class Written:
    """What :func:`write_hostile` made."""

    root: Path
    inputs: int = 0
    """Inputs as the ingest counts them: files, JSONL/CSV lines and rows, WARC records."""
    valid: list[str] = field(default_factory=list)
    """The ``title`` of every valid article mixed in: each must be stored."""
    kinds: dict[str, int] = field(default_factory=dict)
    """How many of each hostile kind."""
    sockets: list[socket.socket] = field(default_factory=list)
    """Unix sockets among the inputs, open until :meth:`close` (a socket file needs them)."""

    def close(self) -> None:
        for s in self.sockets:
            s.close()


def article(rng: random.Random, title: str) -> str:
    words = [rng.choice(_VOCAB) for _ in range(rng.randint(80, 200))]
    sentences = [" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, len(words), 12)]
    return f"{title} reported on Monday. " + " ".join(sentences)


class _Maker:
    def __init__(self, root: Path, rng: random.Random, max_bytes: int) -> None:
        self.root = root
        self.rng = rng
        self.max_bytes = max_bytes
        self.out = Written(root)
        self.n = 0

    def name(self, suffix: str) -> Path:
        self.n += 1
        return self.root / f"h{self.n:06d}{suffix}"

    def count(self, kind: str, inputs: int = 1) -> None:
        self.out.inputs += inputs
        self.out.kinds[kind] = self.out.kinds.get(kind, 0) + 1

    def valid_title(self) -> str:
        title = f"Valid report {len(self.out.valid) + 1} {self.rng.randrange(10**9)}"
        self.out.valid.append(title)
        return title

    # -- text and HTML files ----------------------------------------------------------------

    def text_broken_encoding(self) -> None:
        raw = "Caf\xe9 cr\xe8me \xfcber na\xefve".encode("latin-1") * 20
        self.name(".txt").write_bytes(self.rng.choice([raw, b"\xff\xfe" + raw, raw + b"\xc3"]))
        self.count("text-encoding")

    def text_binary(self) -> None:
        data = bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, 4096)))
        head = self.rng.choice([b"", b"\x89PNG\r\n\x1a\n", b"%PDF-1.4\n", b"\x7fELF", b"\x00"])
        suffix = self.rng.choice([".txt", ".html", ".jsonl", ".csv"])
        self.name(suffix).write_bytes((head or b"\x00") + data)
        self.count("binary")

    def text_empty(self) -> None:
        self.name(self.rng.choice([".txt", ".html"])).write_bytes(
            self.rng.choice([b"", b" \n\t\r\n", b"\xef\xbb\xbf", b"\n" * 1000])
        )
        self.count("empty")

    def text_huge(self) -> None:
        self.name(".txt").write_bytes(b"Huge\n\n" + b"word " * (self.max_bytes // 5 + 10))
        self.count("huge")

    def text_too_short(self) -> None:
        self.name(".txt").write_text(self.rng.choice(["t", "Title\n\nok", "a b c"]), "utf-8")
        self.count("too-short")

    def text_controls(self) -> None:
        body = "".join(
            self.rng.choice(["\x00", "\x1b[31m", "\u202e", "\ufeff", "\x07", "x "])
            for _ in range(500)
        )
        self.name(".txt").write_text("Controls\n\n" + body, "utf-8")
        self.count("controls")

    def html_deep(self) -> None:
        depth = self.rng.choice([5_000, 50_000, 200_000])
        tag = self.rng.choice(["div", "b", "table", "span"])
        self.name(".html").write_text(f"<{tag}>" * depth + "deep" + f"</{tag}>" * depth, "utf-8")
        self.count("html-deep")

    def html_entity_bomb(self) -> None:
        lol = (
            '<!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(
                f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' if i else ""
                for i in range(1, 10)
            )
            + "]>"
        )
        page = f'<?xml version="1.0"?>{lol}<html><body><p>&lol9;</p></body></html>'
        self.name(".html").write_text(page, "utf-8")
        self.count("html-entity-bomb")

    def html_broken(self) -> None:
        junk = self.rng.choice(
            ["<<<>>>&&&;;</b></i>", "<p <p <p", "<!--", "<![CDATA[", "&#0;&#xD800;"]
        )
        self.name(".html").write_text("<html><body><p>" + junk * self.rng.randint(1, 3000), "utf-8")
        self.count("html-broken")

    def html_huge_attribute(self) -> None:
        self.name(".html").write_text(
            f'<html><body><p title="{"a" * min(self.max_bytes - 100, 2_000_000)}">x</p></body></html>',
            "utf-8",
        )
        self.count("html-attribute")

    def html_charset_lie(self) -> None:
        page = '<html><head><meta charset="utf-16"></head><body><p>caf\xe9</p></body></html>'
        self.name(".html").write_bytes(page.encode(self.rng.choice(["utf-8", "latin-1"])))
        self.count("html-charset")

    def gzip_bomb(self) -> None:
        buf = io.BytesIO()
        with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as gz:
            chunk = self.rng.choice([b"\x00", b"\n", b" \n", b"a"]) * (1 << 20)
            for _ in range(max(4 * self.max_bytes // len(chunk), 32)):  # past the ratio cap
                gz.write(chunk)
        self.name(self.rng.choice([".html.gz", ".txt.gz", ".jsonl.gz"])).write_bytes(buf.getvalue())
        self.count("gzip-bomb")

    def gzip_truncated(self) -> None:
        data = gzip.compress(("<html><body><p>" + "word " * 2000 + "</p></body></html>").encode())
        path = self.name(self.rng.choice([".html.gz", ".txt.gz"]))
        path.write_bytes(data[: self.rng.randint(1, len(data) - 1)])
        self.count("gzip-truncated")

    # -- JSONL and CSV ----------------------------------------------------------------------

    def jsonl_mixed(self) -> None:
        lines: list[bytes] = []
        for _ in range(self.rng.randint(1, 12)):
            pick = self.rng.random()
            if pick < 0.3:
                title = self.valid_title()
                lines.append(
                    json.dumps({"title": title, "text": article(self.rng, title)}).encode()
                )
            else:
                lines.append(self._bad_json_line())
        if lines[0] == _NUL_LINE:
            lines.insert(0, json.dumps({"title": "no body", "text": ""}).encode())
        if self.rng.random() < 0.2:
            lines.insert(0, b"")  # blank lines are not inputs
        self.name(".jsonl").write_bytes(b"\n".join(lines) + b"\n")
        self.count("jsonl", sum(1 for line in lines if line.strip()))

    def _bad_json_line(self) -> bytes:
        r = self.rng
        choices: list[Callable[[], bytes]] = [
            lambda: b"{not json",
            lambda: b"[" * r.choice([100, 5000, 100_000]) + b"]" * 10,
            lambda: json.dumps(["a", "list"]).encode(),
            lambda: b"null",
            lambda: b'{"text": NaN, "title": Infinity}',
            lambda: json.dumps({"text": r.choice([5, [], {}, True, None, 1e308])}).encode(),
            lambda: json.dumps(
                {
                    "text": "x " * 50,
                    "published": {"y": 1},
                    "url": 12,
                    "outlet": ["a"],
                    "id": {"n": None},
                    "title": [1, 2],
                }
            ).encode(),
            lambda: b'{"text": "caf\xe9 latin-1 in a json line of some length"}',
            lambda: json.dumps({"text": "t"}).encode(),
            lambda: json.dumps({"html": "<" * 5000}).encode(),
            lambda: b'{"text": "' + b"a" * (self.max_bytes + 10) + b'"}',
            lambda: json.dumps({"title": "no body"}).encode(),
            lambda: b'{"text": "dup", "text": "' + b"long enough to count as words " * 3 + b'"}',
            lambda: _NUL_LINE,
        ]
        return r.choice(choices)()

    def csv_mixed(self) -> None:
        rows = ["id,title,text"]
        inputs = 0
        valid_before = len(self.out.valid)
        for i in range(self.rng.randint(1, 8)):
            if self.rng.random() < 0.3:
                title = self.valid_title()
                rows.append(f'v{i},"{title}","{article(self.rng, title)}"')
            else:
                rows.append(
                    self.rng.choice(
                        [
                            f'b{i},"unbalanced,"text',
                            f"b{i},too,many,columns,here",
                            f"b{i}",
                            f'b{i},"{"x" * 200_000}","field larger than the csv module allows"',
                            f"b{i},nul\x00inside,text with a nul",
                            f'b{i},,""',
                        ]
                    )
                )
            inputs += 1
        data = "\n".join(rows) + "\n"
        if self.rng.random() < 0.15:
            self.name(".csv").write_bytes(data.encode("utf-16"))
            inputs = 1  # a file that is not UTF-8 is one reject: its header cannot be read
            del self.out.valid[valid_before:]
        else:
            self.name(".csv").write_text(data, "utf-8")
        self.count("csv", inputs)

    # -- WARC ---------------------------------------------------------------------------------

    def warc_broken(self) -> None:
        kind = self.rng.randrange(4)
        body = b"<html><body><p>" + b"word " * 300 + b"</p></body></html>"
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
        head = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        if kind == 0:  # Content-Length longer than the data
            data = head + b"Content-Length: 999999\r\n\r\n" + http
        elif kind == 1:  # garbage header
            data = b"WARC/1.0\r\n\x00\xff garbage\r\n\r\n" + http
        elif kind == 2:  # truncated gzip member
            whole = gzip.compress(head + f"Content-Length: {len(http)}\r\n\r\n".encode() + http)
            data = whole[: len(whole) // 2]
        else:  # not a WARC at all
            data = bytes(self.rng.randrange(256) for _ in range(500))
        self.name(".warc.gz" if kind == 2 else ".warc").write_bytes(data)
        self.count("warc", 1)

    # -- special files ------------------------------------------------------------------------

    def special(self) -> None:
        kind = self.rng.randrange(5)
        path = self.name(self.rng.choice([".txt", ".jsonl", ".html", ".csv", ".warc"]))
        if kind == 0 and hasattr(os, "mkfifo"):
            os.mkfifo(path)
        elif kind == 1 and os.path.exists("/dev/zero"):
            os.symlink("/dev/zero", path)
        elif kind == 2:
            other = self.name(path.suffix)
            os.symlink(other, path)
            os.symlink(path, other)
            self.count("special")  # the loop is two names, each an input
        elif kind == 3 and hasattr(socket, "AF_UNIX") and len(str(path)) < 100:
            s = socket.socket(socket.AF_UNIX)
            s.bind(str(path))
            self.out.sockets.append(s)
        else:
            os.symlink(self.root / "no-such-target", path)
        self.count("special")

    # -- valid files --------------------------------------------------------------------------

    def valid_file(self) -> None:
        title = self.valid_title()
        if self.rng.random() < 0.5:
            self.name(".txt").write_text(f"{title}\n\n{article(self.rng, title)}", "utf-8")
        else:
            self.name(".html").write_text(
                f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                + "".join(f"<p>{s}.</p>" for s in article(self.rng, title).split(". "))
                + "</article></body></html>",
                "utf-8",
            )
        self.count("valid")


# Relative frequencies: the cheap kinds often, the costly pages (deep, bombs) rarely, as in a
# crawl where most bad inputs are malformed rows and a few are pathological pages.
_MIX: list[tuple[str, int]] = [
    ("jsonl_mixed", 30),
    ("csv_mixed", 10),
    ("valid_file", 12),
    ("text_broken_encoding", 6),
    ("text_binary", 6),
    ("text_empty", 6),
    ("text_too_short", 6),
    ("text_controls", 3),
    ("html_broken", 5),
    ("html_charset_lie", 3),
    ("warc_broken", 5),
    ("gzip_truncated", 3),
    ("special", 2),
    ("text_huge", 1),
    ("html_deep", 1),
    ("html_entity_bomb", 1),
    ("html_huge_attribute", 1),
    ("gzip_bomb", 1),
]


def write_hostile(root: Path, n: int, *, seed: int = 0, max_bytes: int = 1_000_000) -> Written:
    """Write at least ``n`` inputs (as the ingest counts them) under ``root``; every kind of
    the mix appears at least once when ``n`` allows."""
    root.mkdir(parents=True, exist_ok=True)
    maker = _Maker(root, random.Random(seed), max_bytes)
    names, weights = zip(*_MIX, strict=True)
    for name in names:  # each kind once
        getattr(maker, name)()
    while maker.out.inputs < n:
        getattr(maker, maker.rng.choices(names, weights)[0])()
    return maker.out


def stored_digest(db: str, up_to: int) -> list[tuple[object, ...]]:
    """The rows of the articles with id <= ``up_to``, their links and their story partition:
    what a run that adds nothing valid near them must leave as it was."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT id, url, outlet, title, published, body, text FROM articles WHERE id <= ?"
            " ORDER BY id",
            (up_to,),
        ).fetchall()
        links = conn.execute(
            "SELECT a, b, kind FROM reprints WHERE a <= ? AND b <= ? ORDER BY a, b",
            (up_to, up_to),
        ).fetchall()
        members = conn.execute(
            "SELECT story_id, article_id FROM story_members WHERE article_id <= ?", (up_to,)
        ).fetchall()
    finally:
        conn.close()
    by_story: dict[int, list[int]] = {}
    for story, art in members:
        by_story.setdefault(story, []).append(art)
    partition = sorted(tuple(sorted(v)) for v in by_story.values())
    return [*rows, *links, *partition]


def ingest_and_check(
    db: str, written: Written, *, max_bytes: int, timeout: float
) -> dict[str, float]:
    """Run ``storytrace ingest --json`` over ``written`` into ``db`` (which holds articles
    already) and check: it finishes by itself, no traceback, every input accounted for, a
    reason for each reject, the valid articles stored, nothing stored before changed, no
    article too short to be one. Returns the run's figures; AssertionError says what failed."""
    import sqlite3
    import subprocess
    import sys
    import time

    conn = sqlite3.connect(db)
    before_max = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
    rejects_before = conn.execute("SELECT count(*) FROM rejects").fetchone()[0]
    conn.close()
    before = stored_digest(db, before_max)
    cmd = [sys.executable, "-m", "storytrace.cli.main", "ingest", str(written.root)]
    cmd += ["--db", db, "--json", "--max-bytes", str(max_bytes)]
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the ingest did not finish within {timeout:g} s") from exc
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    keys = ("inputs", "added", "duplicates", "already_ingested", "rejected")
    assert all(k in summary for k in keys), summary
    parts = summary["added"] + summary["duplicates"] + summary["already_ingested"]
    assert summary["inputs"] == parts + summary["rejected"], summary
    assert summary["inputs"] == written.inputs, (summary["inputs"], written.inputs)
    conn = sqlite3.connect(db)
    try:
        rejects = conn.execute(
            "SELECT source, reason, detail FROM rejects LIMIT -1 OFFSET ?", (rejects_before,)
        ).fetchall()
        titles = {
            r[0] for r in conn.execute("SELECT title FROM articles WHERE id > ?", (before_max,))
        }
        texts = [
            r[0] for r in conn.execute("SELECT text FROM articles WHERE id > ?", (before_max,))
        ]
    finally:
        conn.close()
    assert len(rejects) == summary["rejected"], (len(rejects), summary["rejected"])
    assert all(reason and detail for _, reason, detail in rejects)
    missing = [t for t in written.valid if t not in titles]
    assert missing == [], f"{len(missing)} valid articles not stored, e.g. {missing[:3]}"
    short = [t[:40] for t in texts if sum(ch.isalnum() for ch in t) < 20]
    assert short == [], f"stored texts too short to be articles: {short[:5]}"
    assert stored_digest(db, before_max) == before, "rows stored before the run changed"
    return {
        "inputs": summary["inputs"],
        "seconds": seconds,
        "inputs_per_second": summary["inputs"] / seconds,
        "added": summary["added"],
        "rejected": summary["rejected"],
        **{f"rejected:{k}": v for k, v in summary["rejected_by_reason"].items()},
    }
