"""The example corpus: the stories found equal the stories it was written with."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import storytrace
from storytrace.pipeline.evidence_cache import EvidenceCache
from storytrace.store import Store

from ..conftest import EXAMPLE_ARTICLES


def _key(row: dict) -> str:
    if row["kind"] in ("jsonl", "csv"):
        return str(row["external_id"])
    return Path(row["source"]).name


def partition(db: str) -> set[frozenset[str]]:
    with Store(db) as store:
        rows = store.conn.execute(
            "SELECT a.source, a.kind, a.external_id, m.story_id FROM articles a"
            " JOIN story_members m ON m.article_id = a.id"
        ).fetchall()
    groups: dict[int, set[str]] = {}
    for r in rows:
        groups.setdefault(int(r["story_id"]), set()).add(_key(dict(r)))
    return {frozenset(g) for g in groups.values()}


def expected_partition(corpus: Path) -> set[frozenset[str]]:
    expected = json.loads((corpus.parent / "expected.json").read_text(encoding="utf-8"))
    return {frozenset(s["articles"]) for s in expected["stories"].values()}


@pytest.fixture(scope="module")
def corpus_db(example_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("corpus") / "corpus.db")
    report = storytrace.ingest([str(example_corpus)], db=db)
    assert report.added > 30
    assert sum(report.rejected.values()) == 0
    return db


def test_stories_equal_the_written_stories(corpus_db: str, example_corpus: Path) -> None:
    assert partition(corpus_db) == expected_partition(example_corpus)


def test_second_ingest_adds_nothing(corpus_db: str, example_corpus: Path) -> None:
    before = partition(corpus_db)
    report = storytrace.ingest([str(example_corpus)], db=corpus_db)
    assert report.added == 0
    assert report.already_ingested + report.duplicates == report.inputs
    assert partition(corpus_db) == before


def test_copies_under_another_path_are_duplicates(
    corpus_db: str, example_corpus: Path, tmp_path: Path
) -> None:
    txt = sorted(example_corpus.glob("*.txt"))[0]
    copy = tmp_path / ("copy-" + txt.name)
    copy.write_bytes(txt.read_bytes())
    sidecar = txt.with_suffix(".json")
    if sidecar.exists():
        copy.with_suffix(".json").write_bytes(sidecar.read_bytes())
    report = storytrace.ingest([str(copy)], db=corpus_db)
    assert report.added == 0 and report.duplicates == 1


def test_arrival_order_does_not_change_the_stories(example_corpus: Path, tmp_path: Path) -> None:
    files = sorted(p for p in example_corpus.iterdir() if p.suffix in (".txt", ".html", ".jsonl"))
    random.Random(7).shuffle(files)
    db = str(tmp_path / "shuffled.db")
    storytrace.ingest([str(p) for p in files], db=db)
    assert partition(db) == expected_partition(example_corpus)


# The articles written in other languages than English, and the language each is in.
TRANSLATED = {"a32.txt": "de", "a33.txt": "es", "a34.txt": "fr"}


def test_articles_in_other_languages_join_their_stories(corpus_db: str) -> None:
    with Store(corpus_db) as store:
        rows = [
            dict(r)
            for r in store.conn.execute(
                "SELECT a.source, a.kind, a.external_id, a.lang, m.story_id FROM articles a"
                " JOIN story_members m ON m.article_id = a.id"
            )
        ]
    lang_of = {_key(r): r["lang"] for r in rows}
    assert {k: lang_of[k] for k in TRANSLATED} == TRANSLATED
    assert {v for k, v in lang_of.items() if k not in TRANSLATED} == {"en"}
    listed = {s["id"]: s for s in storytrace.stories(db=corpus_db)}
    for key, lang in TRANSLATED.items():
        sid = next(r["story_id"] for r in rows if _key(r) == key)
        # In a story with English articles, and the listing names both languages.
        assert listed[sid]["languages"] == sorted({"en", lang}), listed[sid]
        assert listed[sid]["articles"] >= 4


def test_reprints_of_the_wire_are_linked(corpus_db: str, example_corpus: Path) -> None:
    expected = json.loads((example_corpus.parent / "expected.json").read_text(encoding="utf-8"))
    with Store(corpus_db) as store:
        keys = {
            int(r["id"]): _key(dict(r))
            for r in store.conn.execute("SELECT id, source, kind, external_id FROM articles")
        }
        links = {
            frozenset((keys[int(a)], keys[int(b)]))
            for a, b in store.conn.execute("SELECT a, b FROM reprints")
        }
    for reprint in expected["reprints"]:
        assert frozenset((reprint["original"], reprint["copy"])) in links, reprint
    for rewrite in expected["rewrites"]:
        assert frozenset((rewrite["source"], rewrite["rewrite"])) not in links, rewrite


def test_passage_offsets_point_at_the_same_words_in_both_articles(corpus_db: str) -> None:
    from storytrace.normalize import words

    with Store(corpus_db) as store:
        texts = {int(i): t for i, t in store.conn.execute("SELECT id, text FROM articles")}
        rows = store.conn.execute(
            "SELECT p.*, r.kind FROM passages p JOIN reprints r ON r.a = p.a AND r.b = p.b"
        ).fetchall()
    assert rows, "the corpus has reprints, so there must be aligned passages"
    for p in rows:
        a = words(texts[p["a"]][p["a_start"] : p["a_end"]])
        b = words(texts[p["b"]][p["b_start"] : p["b_end"]])
        assert p["words"] >= 8
        if p["kind"] == "exact":
            assert a == b
        # Edits inside a passage are small gaps: the two sides agree on most words.
        common = len(set(a) & set(b)) / max(len(set(a)), len(set(b)))
        assert common > 0.8, (p["a"], p["b"], a[:12], b[:12])


def test_site_boilerplate_is_learned_and_earlier_articles_recleaned(
    example_corpus: Path, tmp_path: Path
) -> None:
    from storytrace.normalize import normalize

    expected = json.loads((example_corpus.parent / "expected.json").read_text(encoding="utf-8"))
    # One outlet's .txt articles, ingested one run at a time, oldest first.
    outlet = "harbortimes.example"
    files = sorted(
        p for p in example_corpus.glob("*.txt") if expected["articles"][p.name]["outlet"] == outlet
    )
    assert len(files) >= 3
    db = str(tmp_path / "site.db")
    for f in files:
        storytrace.ingest([str(f)], db=db)
    lines = [normalize(x) for x in expected["boilerplate"][outlet]]
    with Store(db) as store:
        rows = store.conn.execute("SELECT id, text FROM articles ORDER BY id").fetchall()
        first_removed = [
            r["reason"]
            for r in store.conn.execute(
                "SELECT reason FROM removed WHERE article_id = ?", (rows[0]["id"],)
            )
        ]
        learned = store.conn.execute(
            "SELECT count(*) FROM site_patterns WHERE outlet = ?", (outlet,)
        ).fetchone()[0]
    assert learned > 0
    for row in rows:
        text = normalize(row["text"])
        for line in lines:
            assert line not in text, (row["id"], line)
    # The first article was stored before any pattern was known: it was cleaned again later.
    assert any(r.startswith("site boilerplate") for r in first_removed)


def test_store_iterates_articles_by_outlet_and_date(corpus_db: str) -> None:
    with Store(corpus_db) as store:
        everything = list(store.iter_articles())
        harbour = list(store.iter_articles(outlet="harbortimes.example"))
        recent = list(store.iter_articles(since="2026-04-01"))
    assert len(everything) == EXAMPLE_ARTICLES
    assert harbour and all(a.outlet == "harbortimes.example" for a in harbour)
    assert len(harbour) < len(everything)
    assert recent and all(a.published and a.published >= "2026-04-01" for a in recent)
    assert all(a.text for a in everything)


def test_rebuild_keys_indexes_a_story_under_exactly_its_members_keys(
    corpus_db: str, tmp_path: Path
) -> None:
    import sqlite3

    copy = str(tmp_path / "copy.db")
    with sqlite3.connect(corpus_db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    with Store(copy) as store:
        state = store.stories
        sid, other = [
            int(r[0])
            for r in store.conn.execute(
                "SELECT id FROM stories WHERE merged_into IS NULL AND articles > 1 ORDER BY id LIMIT 2"
            )
        ]

        def held(story: int) -> set[str]:
            rows = store.conn.execute("SELECT key FROM story_keys WHERE story_id = ?", (story,))
            return {str(r[0]) for r in rows}

        evidence = EvidenceCache(state)
        wanted = {k for _, ev in evidence.many(state.member_ids(sid)) for k in ev.index_keys()}
        before_other = held(other)
        dropped = sorted(held(sid))[0]
        with store.transaction():
            store.conn.execute(
                "INSERT INTO story_keys (key, story_id) VALUES ('stale:key', ?)", (sid,)
            )
            store.conn.execute(
                "DELETE FROM story_keys WHERE key = ? AND story_id = ?", (dropped, sid)
            )
            state.rebuild_keys(sid, wanted)
        assert held(sid) == wanted
        assert held(other) == before_other


@pytest.mark.parametrize("every", [1, 7, 1000])
def test_stories_do_not_depend_on_how_often_the_recheck_runs(
    example_corpus: Path, tmp_path: Path, every: int
) -> None:
    db = str(tmp_path / f"every{every}.db")
    storytrace.ingest(
        [str(example_corpus)], db=db, config=storytrace.Config(batch_size=5, recheck_every=every)
    )
    assert partition(db) == expected_partition(example_corpus)
    with Store(db) as store:
        assert store.stories.pending() == set()


def test_evidence_cache_stays_within_its_size(example_corpus: Path, tmp_path: Path) -> None:
    from storytrace.pipeline.ingest import Ingester

    with Store(str(tmp_path / "small.db")) as store:
        ingester = Ingester(store, storytrace.Config())
        ingester.evidence.capacity = 5
        report = ingester.run([str(example_corpus)])
        assert report.added > 30
        assert 0 < len(ingester.evidence) <= 5
    assert partition(str(tmp_path / "small.db")) == expected_partition(example_corpus)


def test_story_members_read_with_any_evidence_cache(corpus_db: str) -> None:
    from storytrace.evidence import Evidence
    from storytrace.stories import StoryConfig, compared_members

    with Store(corpus_db) as store:
        state = store.stories
        sid = int(store.conn.execute(
            "SELECT id FROM stories WHERE merged_into IS NULL ORDER BY articles DESC LIMIT 1"
        ).fetchone()[0])  # fmt: skip
        stored = {int(r[0]): r[1] for r in store.conn.execute("SELECT id, evidence FROM articles")}
        ordered = [int(r[0]) for r in store.conn.execute(
            "SELECT a.id FROM story_members m JOIN articles a ON a.id = m.article_id"
            " WHERE m.story_id = ? ORDER BY a.published IS NULL, a.published, a.id", (sid,)
        )]  # fmt: skip
        assert len(ordered) >= 3
        for cache_size in (1, 2, 10_000):
            state.clear_cache()
            evidence = EvidenceCache(state, capacity=cache_size)
            every = evidence.many(state.member_ids(sid))
            some = evidence.many(compared_members(state.member_ids(sid), StoryConfig(window=2)))
            assert [i for i, _ in every] == ordered
            assert [i for i, _ in some] == [ordered[0], ordered[-1]]
            assert all(ev == Evidence.from_json(stored[i]) for i, ev in every + some)
            assert len(evidence) <= cache_size


def test_stored_body_keys_are_the_workers_keys(corpus_db: str) -> None:
    """The workers compute each body's re-ingest key; it must be the key of the stored body."""
    from storytrace.pipeline.ingest import body_key

    with Store(corpus_db) as store:
        rows = store.conn.execute("SELECT outlet, body, body_key FROM articles").fetchall()
    assert rows and all(body_key(r["outlet"], r["body"]) == r["body_key"] for r in rows)
    assert len({r["body_key"] for r in rows}) == len(rows)


@pytest.mark.parametrize("cache_members", [7, 300_000])
def test_cached_member_order_follows_adds_moves_merges_and_rollbacks(
    corpus_db: str, tmp_path: Path, cache_members: int
) -> None:
    """Decisions read members from an in-memory order; it must always be the query's order."""
    import sqlite3

    copy = str(tmp_path / "order.db")
    with sqlite3.connect(corpus_db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    rng = random.Random(5)
    with Store(copy) as store:
        state = store.stories
        evidence = EvidenceCache(state)
        state.order_cache_members = cache_members
        ids = [int(r[0]) for r in store.conn.execute("SELECT id FROM articles ORDER BY id")]
        with store.transaction():  # undated articles and equal dates: the order's tie-breaks
            for i in rng.sample(ids, len(ids) // 3):
                store.conn.execute("UPDATE articles SET published = NULL WHERE id = ?", (i,))
            for i in rng.sample(ids, len(ids) // 3):
                store.conn.execute(
                    "UPDATE articles SET published = '2026-04-02T10:00:00' WHERE id = ?", (i,)
                )

        def live() -> list[int]:
            rows = store.conn.execute(
                "SELECT id FROM stories WHERE merged_into IS NULL AND articles > 0 ORDER BY id"
            )
            return [int(r[0]) for r in rows]

        def queried(story: int) -> list[int]:
            rows = store.conn.execute(
                "SELECT a.id FROM story_members m JOIN articles a ON a.id = m.article_id"
                " WHERE m.story_id = ? ORDER BY a.published IS NULL, a.published, a.id",
                (story,),
            )
            return [int(r[0]) for r in rows]

        def check() -> None:
            for story in live():
                assert state.member_ids(story) == queried(story)

        check()  # fills the cache
        for step in range(40):
            article = rng.choice(ids)
            stories = live()
            with store.transaction():
                if step % 4 == 0:
                    state.add(rng.choice(stories), article, evidence.get(article).index_keys())
                elif step % 4 == 1:
                    state.move(article, rng.choice([*stories, None]), "test")
                    for sid in stories:
                        state.refresh(sid)
                elif step % 4 == 2 and len(stories) > 1:
                    keep, drop = rng.sample(stories, 2)
                    state.merge(keep, drop)
            check()
        before = {story: queried(story) for story in live()}
        target = live()[0]
        outsider = next(i for i in ids if i not in before[target])
        state.member_ids(target)  # in the cache, which the add below updates
        with pytest.raises(RuntimeError), store.transaction():
            state.add(target, outsider, evidence.get(outsider).index_keys())
            raise RuntimeError
        assert {story: queried(story) for story in live()} == before
        check()
        assert state._ordered_members == sum(len(o.ids) for o in state._orders.values())
        assert state._ordered_members <= max(
            cache_members, max(len(o.ids) for o in state._orders.values())
        )


def test_no_provenance_link_points_back_in_time(corpus_db: str) -> None:
    from storytrace.coverage import render_html
    from storytrace.published import order
    from storytrace.web import panels

    agency = ["Meridian Press=MP@meridianpress.example"]
    uncertain: dict[int, list[dict]] = {}
    for story in storytrace.stories(db=corpus_db):
        report = storytrace.api.compare(story["id"], db=corpus_db, agencies=agency)
        published = {int(a["id"]): a["published"] for a in report["articles"]}
        for e in report["provenance"]["edges"]:
            when = order(published[e["source"]], published[e["target"]])
            assert when != "after", (story["id"], e)
            if when == "before":
                assert e["evidence"]["order"] == "published earlier"
            else:
                uncertain.setdefault(story["id"], []).append(e)
        detail = storytrace.story(story["id"], db=corpus_db)
        # The web's panel from the stored links alone (when coverage is not there) too.
        for e in panels.store_provenance(detail)["edges"]:
            assert order(published[e["source"]], published[e["target"]]) != "after", e
        # Drawn on the time axis, no arrow ends before it starts (a bare day is drawn as a span).
        drawn = panels.layout(detail["articles"], report["provenance"]["edges"])
        at = {n["id"]: n for n in drawn["nodes"]}
        for line in drawn["edges"]:
            source, target = at[line["source"]], at[line["target"]]
            latest_target = target["x_to"] if target["x_to"] is not None else target["x"]
            earliest_source = source["x_from"] if source["x_from"] is not None else source["x"]
            assert latest_target >= earliest_source, (story["id"], line)
        if story["id"] in uncertain:
            assert "same day; order uncertain" in render_html(report)
    # The Danube story's article dated only to the day shares that day with its source.
    danube = next(s["id"] for s in storytrace.stories(db=corpus_db) if "Danube" in s["title"])
    assert [e["evidence"]["order"] for e in uncertain[danube]] == ["same day; order uncertain"]
