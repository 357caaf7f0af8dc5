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


def test_a_jsonl_line_as_spark_reads_it_follows_the_local_rule(tmp_path: Path) -> None:
    lines = [
        b"\xef\xbb\xbf" + json.dumps({"text": "A first line after a byte order mark."}).encode(),
        b"   ",
        b'{"text": "caf\xe9 is Latin-1, not UTF-8"}',
        json.dumps({"text": "x" * 200}).encode(),
        b"[1, 2]",
    ]
    f = tmp_path / "feed.jsonl"
    f.write_bytes(b"\n".join(lines) + b"\n")
    local = {
        item.source.line: getattr(item, "reason", "document")
        for item in read_inputs([str(f)], max_bytes=100)
    }
    ours = {}
    for n, raw in enumerate(lines, start=1):
        row = rows.jsonl_line(str(f), n, raw, max_bytes=100, fields={})
        if row is not None:
            ours[n] = row["reject"]["reason"] if "reject" in row else "document"
    assert ours == local == {1: "document", 3: "decode-error", 4: "too-large", 5: "malformed-json"}


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


def test_a_later_run_learns_a_block_counting_the_earlier_runs_articles() -> None:
    """Cut anywhere, the earlier part's holders counted (``seen``) and the later part's
    ranks continuing its outlet's count: the rank the whole run learns it at, when it is
    learned in the later part."""
    cases = [
        [True, True, True, True],
        [True, False, True, False, False, True, True],
        [False] * 5 + [True] * 6,
        [True] + [False] * 9 + [True, True, True, True],
    ]
    for occurrences in cases:
        whole = _incremental(occurrences, 3)
        for cut in range(1, len(occurrences)):
            if _incremental(occurrences[:cut], 3) is not None:
                continue  # learned by the earlier run: a later one only applies it
            seen = sum(occurrences[:cut])
            later = [i for i, holds in enumerate(occurrences, start=1) if holds and i > cut]
            assert rows.learned_at(later, "3:k", min_articles=3, seen=seen) == whole


def test_days_before_counts_whole_days_back() -> None:
    assert rows.days_before("2026-03-10", 30) == "2026-02-08"
    assert rows.days_before("2026-03-01", 0.5) == "2026-02-28"


def test_publication_dates_partition_the_articles() -> None:
    assert rows.publication_date("2026-03-10T08:00:00Z") == "2026-03-10"
    assert rows.publication_date("2026-03-10") == "2026-03-10"
    assert rows.publication_date(None) == "unknown"
    assert rows.publication_date("March 10") == "unknown"


def test_a_run_that_fits_one_block_is_one_block() -> None:
    assert rows.plan_blocks({5: 10, 6: 20, None: 3}, limit=33) == {5: 0, 6: 0, None: 0}
    assert rows.plan_blocks({}, limit=10) == {}


def test_blocks_pack_consecutive_slots_and_cut_large_ones() -> None:
    counts = {1: 4, 2: 5, 3: 25, 4: 2, 7: 3, None: 12}
    firsts = rows.plan_blocks(counts, limit=10)
    # slots 1 and 2 share block 0; slot 3 takes blocks 1-3 (10, 10, 5), and slots 4 and 7
    # fill its last block (5 + 2 + 3); the undated come last, in blocks 4 and 5.
    assert firsts == {1: 0, 2: 0, 3: 1, 4: 3, 7: 3, None: 4}
    held: dict[int, int] = {}
    for slot, n in counts.items():
        for rank in range(n):
            block = firsts[slot] + rank // 10
            held[block] = held.get(block, 0) + 1
    assert max(held.values()) <= 10 and sorted(held) == list(range(6))


def test_story_slots_follow_the_story_window() -> None:
    assert rows.story_slot(None, 30.0) is None
    assert rows.story_slot("no date", 30.0) is None
    assert rows.story_slot("1970-01-31T00:00:00", 30.0) == 1
    assert rows.story_slot("1970-01-30T23:59:59", 30.0) == 0
    assert rows.story_slot("2024-05-03", 7.0) == rows.story_slot("2024-05-04T10:00:00+00:00", 7.0)


def test_story_spans_within_the_window() -> None:
    assert rows.spans_within("2024-01-01", "2024-01-05", "2024-02-01", "2024-02-03", 30.0)
    assert not rows.spans_within("2024-01-01", "2024-01-05", "2024-03-01", "2024-03-03", 30.0)
    assert not rows.spans_within("2024-03-01", "2024-03-03", "2024-01-01", "2024-01-05", 30.0)
    assert rows.spans_within(None, None, "2024-03-01", "2024-03-03", 30.0)


def test_a_joined_story_adds_its_reason_to_the_members_reasons() -> None:
    from storytrace.config import Config

    out = json.loads(rows.joined_reasons(json.dumps(["linkage 0.70 to story 3"]), 9, 4, Config()))
    assert out[0] == "linkage 0.70 to story 3"
    assert "story 9 joined story 4" in out[1] and f">= {Config().stories.join:.2f}" in out[1]
    assert len(json.loads(rows.joined_reasons(None, 9, 4, Config()))) == 1


def test_the_stitch_score_is_the_join_rule_over_the_later_storys_members() -> None:
    from storytrace.config import Config
    from storytrace.evidence import extract_evidence, similarity_scores
    from storytrace.stories.decide import linkage

    texts = [
        'A magnitude 6.1 earthquake struck Chile on Monday, officials said. "We felt it in'
        ' Santiago," Maria Lopez said.',
        'Chile was hit by a 6.1 earthquake on Monday. "We felt it in Santiago," said Maria'
        " Lopez, a resident.",
        "The central bank raised interest rates by half a point to fight inflation, its"
        " governor Tom Hale said in London.",
    ]
    evs = [extract_evidence(t) for t in texts]
    config = Config()
    rules = config.stories.decide_config()
    earlier = list(enumerate(evs[:2]))
    link, profile = rows.stitch_score([evs[1], evs[2]], evs[:2], config)

    lk = [linkage(e, earlier, rules, similarity_scores) for e in (evs[1], evs[2])]
    assert abs(link - (lk[0].link + lk[1].link) / 2) < 1e-9
    assert abs(profile - (lk[0].profile + lk[1].profile) / 2) < 1e-9
    same = rows.stitch_score([evs[1]], [evs[0]], config)
    assert same[0] > link and same[0] >= rules.join
    assert rows.stitch_score([], [evs[0]], config) == (0.0, 0.0)
    scored = list(
        rows.stitch_scores(
            [
                {
                    "a": 1,
                    "block_a": 0,
                    "b": 7,
                    "block_b": 1,
                    "evidence_a": [evs[0].to_json()],
                    "evidence_b": [evs[1].to_json()],
                },
            ],  # fmt: skip
            config,
        )
    )
    assert scored == [(7, 1, 1, 0, *same)]
