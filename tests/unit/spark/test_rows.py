"""The Spark job's record functions, without a JVM: they must give what the local ingest gives."""

from __future__ import annotations

import json
from pathlib import Path

from storytrace.clean import site_boilerplate
from storytrace.io import read_inputs
from storytrace.spark import rows


def _read(path: Path, **kw: object) -> list[dict]:
    return list(rows.read_file(str(path), path.read_bytes(), max_bytes=10_000, fields={}, **kw))  # type: ignore[arg-type]


def test_a_jsonl_file_gives_the_local_readers_documents_and_rejects(tmp_path: Path) -> None:
    f = tmp_path / "feed.jsonl"
    f.write_text(
        json.dumps({"text": "A first article about a harbour.", "outlet": "a.example"}) + "\n"
        "{not json\n"
        + json.dumps({"title": "no body"})
        + "\n"
        + json.dumps({"text": "A second article.", "published": "2026-01-02"})
        + "\n",
        encoding="utf-8",
    )
    got = _read(f)
    local = list(read_inputs([str(f)]))
    assert [next(iter(g)) for g in got] == ["document", "reject", "reject", "document"]
    assert [g["reject"]["reason"] for g in got if "reject" in g] == [
        "malformed-json",
        "missing-text",
    ]
    docs = [g["document"] for g in got if "document" in g]
    assert [d["content"] for d in docs] == [d.content for d in local if hasattr(d, "content")]
    assert [d["line"] for d in docs] == [1, 4]
    assert all(d["path"] == str(f) for d in docs)
    assert [d["order"] for d in docs] == [0, 3]
    assert json.loads(docs[0]["meta"])["outlet"] == "a.example"


def test_a_text_file_reads_its_sidecar(tmp_path: Path) -> None:
    f = tmp_path / "a01.txt"
    f.write_text("A headline\n\nThe body of the article.", encoding="utf-8")
    side = json.dumps({"outlet": "b.example", "published": "2026-03-01"}).encode()
    assert rows.sidecar_names(str(f)) == (str(tmp_path / "a01.json"), str(f) + ".json")
    with_side = _read(f, sidecar=side)[0]["document"]
    without = _read(f)[0]["document"]
    assert json.loads(with_side["meta"]) == {"outlet": "b.example", "published": "2026-03-01"}
    assert json.loads(without["meta"]) == {}
    assert rows.sidecar_names(str(tmp_path / "x.jsonl")) == ()


def test_binary_and_unknown_files_are_rejects_with_reasons(tmp_path: Path) -> None:
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    unknown = tmp_path / "c.pdf"
    unknown.write_bytes(b"%PDF-1.4")
    assert _read(binary)[0]["reject"]["reason"] == "binary"
    assert _read(unknown)[0]["reject"]["reason"] == "unsupported"


def _incremental(occurrences: list[bool], min_articles: int) -> int | None:
    """The local ingest's rule, article by article: the rank at which the block is learned."""
    seen = 0
    for rank, holds in enumerate(occurrences, start=1):
        seen += holds
        if holds and site_boilerplate({"3:k": seen}, rank, min_articles=min_articles):
            return rank
    return None


def test_site_boilerplate_is_learned_when_the_local_ingest_learns_it() -> None:
    cases = [
        [True, True, True],
        [True, False, True, False, False, True],
        [False] * 20 + [True] * 3,
        [True, True, False, False, False, False, False, False, False, False, True],
        [True] + [False] * 9 + [True, True, True, True],
    ]
    for occurrences in cases:
        ranks = [i for i, holds in enumerate(occurrences, start=1) if holds]
        assert rows.learned_at(ranks, "3:k", min_articles=3) == _incremental(occurrences, 3)
    assert rows.learned_at([1, 2], "3:k", min_articles=3) is None


def test_publication_dates_partition_the_articles() -> None:
    assert rows.publication_date("2026-03-10T08:00:00Z") == "2026-03-10"
    assert rows.publication_date("2026-03-10") == "2026-03-10"
    assert rows.publication_date(None) == "unknown"
    assert rows.publication_date("March 10") == "unknown"
