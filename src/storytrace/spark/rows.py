"""What the Spark job does to one record, as pure functions of plain values (dicts of str, int,
float, bytes): the same readers, extraction, cleaning, signatures and reprint rule as the local
ingest, wrapped so that a Spark task can call them on a partition's rows. Nothing here imports
pyspark, so each function is tested without a JVM.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ..clean import site_boilerplate
from ..config import Config
from ..evidence import Evidence
from ..io.discover import kind_of, strip_suffix
from ..io.meta import MetaIndex
from ..io.parquet import read_parquet
from ..io.single import read_single
from ..io.tabular import jsonl_line as tabular_line
from ..io.tabular import read_csv, read_jsonl
from ..io.warc import read_warc
from ..match import anchors, may_reprint, pack_hashes, shared_shingles, unpack_hashes
from ..match.window import days_since_epoch
from ..model import Document, Draft, Reject, Source
from ..pipeline.prepare import (
    Prepared,
    body_blocks,
    body_key,
    draft_of,
    fingerprint,
    prepare_draft,
    with_embeddings,
)
from ..pipeline.reprints import Linkable, verify

Row = dict[str, Any]

REJECT_FIELDS = ("source", "reason", "detail", "stage")


def reject_row(reject: Reject, stage: str) -> Row:
    return {
        "source": str(reject.source),
        "reason": reject.reason,
        "detail": reject.detail,
        "stage": stage,
    }


def sidecar_names(path: str) -> tuple[str, ...]:
    """Where the local reader looks for a text or HTML file's sidecar JSON, first match wins."""
    if kind_of(path) not in ("text", "html"):
        return ()
    return (strip_suffix(path) + ".json", path + ".json")


def read_file(
    path: str,
    content: bytes,
    *,
    max_bytes: int,
    fields: Mapping[str, str],
    sidecar: bytes | None = None,
    meta: MetaIndex | None = None,
) -> Iterator[Row]:
    """The documents (``{"document": row}``) and rejects (``{"reject": row}``) of one input
    file, read by the local readers: Spark hands the task the file's bytes (from any
    filesystem it reads) and its sidecar JSON's, which go to a private temporary folder under
    the same names, and the sources are named by the original path; ``meta`` is the ``--meta``
    file's index. ``order`` numbers the file's documents."""
    kind = kind_of(path)
    if kind is None:
        yield {
            "reject": reject_row(
                Reject(Source(path), "unsupported", "not an input kind storytrace reads"), "read"
            )
        }
        return
    with tempfile.TemporaryDirectory(prefix="storytrace-") as tmp:
        local = os.path.join(tmp, os.path.basename(path.rstrip("/")) or "input")
        with open(local, "wb") as fh:
            fh.write(content)
        if sidecar is not None:
            with open(strip_suffix(local) + ".json", "wb") as fh:
                fh.write(sidecar)
        if kind in ("text", "html"):
            # The --meta row is looked up by the input's own path, then given to the reader.
            found = meta.lookup(path) if meta is not None else {}
            index = MetaIndex([(local, found)], tmp) if found else None
            items: Iterator[Document | Reject] = iter(
                [read_single(local, kind, meta_index=index, max_bytes=max_bytes)]
            )
        elif kind == "jsonl":
            items = read_jsonl(local, fields=fields, max_bytes=max_bytes)
        elif kind == "csv":
            items = read_csv(local, fields=fields, max_bytes=max_bytes)
        elif kind == "parquet":
            items = read_parquet(local, fields=fields, max_bytes=max_bytes)
        else:
            items = read_warc(local, max_bytes=max_bytes)
        try:
            for seq, item in enumerate(items):
                source = replace(item.source, path=path)
                if isinstance(item, Reject):
                    yield {"reject": reject_row(replace(item, source=source), "read")}
                    continue
                yield {"document": document_row(replace(item, source=source), seq)}
        except Exception as exc:  # a reader bug costs this file, never the job
            yield {
                "reject": reject_row(
                    Reject(Source(path), "unreadable", f"{type(exc).__name__}: {exc}"), "read"
                )
            }


def jsonl_line(
    path: str, line: int, raw: bytes, *, max_bytes: int, fields: Mapping[str, str]
) -> Row | None:
    """One line of a JSONL file that Spark split by lines (so no file is held whole), as the
    bytes Spark read: the local reader's rule (:func:`storytrace.io.tabular.jsonl_line`);
    None for a blank line."""
    if not raw.strip():
        return None
    item = tabular_line(bytes(raw), Source(path, line=line), fields, max_bytes=max_bytes)
    if isinstance(item, Reject):
        return {"reject": reject_row(item, "read")}
    return {"document": document_row(item, line)}


def document_row(item: Document, order: int) -> Row:
    return {
        "order": order,
        "path": item.source.path,
        "line": item.source.line,
        "record": item.source.record,
        "kind": item.kind,
        "content": item.content,
        "is_html": item.is_html,
        "meta": json.dumps(dict(item.meta), ensure_ascii=False, sort_keys=True, default=str),
    }


def to_document(row: Mapping[str, Any]) -> Document:
    return Document(
        source=Source(row["path"], line=row["line"], record=row["record"]),
        kind=row["kind"],
        content=row["content"],
        is_html=bool(row["is_html"]),
        meta=json.loads(row["meta"] or "{}"),
    )


def draft_row(doc: Mapping[str, Any], *, timeout: float) -> Row:
    """Extract one document (``draft_of``: the local ingest's first stage, the publisher named
    from the page's own words included): ``{"draft": row}`` or ``{"reject": row}``. The draft
    row carries what deduplication and site boilerplate learning read: the body's re-ingest key
    and the keys of its blocks."""
    document = to_document(doc)
    draft = draft_of(document, timeout=timeout)
    if isinstance(draft, Reject):
        return {"reject": reject_row(draft, "extract")}
    return {
        "draft": {
            "seq": doc["seq"],
            "path": doc["path"],
            "line": doc["line"],
            "record": doc["record"],
            "kind": draft.kind,
            "raw": draft.raw,
            "text": draft.text,
            "title": draft.title,
            "url": draft.url,
            "outlet": draft.outlet,
            "published": draft.published,
            "external_id": draft.external_id,
            "meta": json.dumps(dict(draft.meta), ensure_ascii=False, sort_keys=True, default=str),
            "from_html": document.is_html,
            "fingerprint": fingerprint(document.content),
            "body_key": body_key(draft.outlet, draft.text),
            "blocks": sorted(body_blocks(draft.text)) if draft.outlet else [],
        }
    }


def to_draft_value(row: Mapping[str, Any]) -> Draft:
    return Draft(
        source=Source(row["path"], line=row["line"], record=row["record"]),
        kind=row["kind"],
        raw=row["raw"],
        text=row["text"],
        title=row["title"],
        url=row["url"],
        outlet=row["outlet"],
        published=row["published"],
        external_id=row["external_id"],
        meta=json.loads(row["meta"] or "{}"),
    )


def learned_at(ranks: Sequence[int], key: str, *, min_articles: int, seen: int = 0) -> int | None:
    """When the local ingest learns a block as site boilerplate: ``ranks`` are the positions
    (1-based, in input order) among its outlet's stored articles of the articles holding the
    block, ``seen`` how many earlier ones (of earlier runs) held it; the block is learned at
    the first of them where the rule of :func:`storytrace.clean.site_boilerplate` holds for
    the counts so far. None: never."""
    for holders, rank in enumerate(sorted(ranks), start=seen + 1):
        if site_boilerplate({key: holders}, rank, min_articles=min_articles):
            return rank
    return None


def prepared_rows(
    drafts: Sequence[Mapping[str, Any]],
    patterns_of: Mapping[str, Mapping[str, int]],
    *,
    shingle_size: int,
    embed: bool = True,
) -> list[Row]:
    """Clean, sign and gather evidence for stored drafts (``prepare_draft``), each with its
    outlet's site boilerplate (``patterns_of``: outlet -> patterns), the sentence embeddings
    computed together (``with_embeddings``): for each draft, its article row and its removed
    blocks."""
    items = [
        prepare_draft(
            to_draft_value(draft),
            site_blocks={draft["outlet"] or "": dict(patterns_of.get(draft["outlet"] or "", {}))},
            shingle_size=shingle_size,
            from_html=bool(draft["from_html"]),
            embed=False,
        )
        for draft in drafts
    ]
    done: list[Prepared | Reject] = with_embeddings(items) if embed else list(items)
    return [_prepared_row(draft, item) for draft, item in zip(drafts, done, strict=True)]


def _prepared_row(draft: Mapping[str, Any], item: Prepared | Reject) -> Row:
    assert isinstance(item, Prepared)  # prepare_draft and with_embeddings never reject
    meta = json.loads(draft["meta"] or "{}")
    if draft["from_html"]:
        meta["from_html"] = True
    return {
        "article": {
            "id": draft["id"],
            "seq": draft["seq"],
            "source": str(item.draft.source),
            "kind": draft["kind"],
            "external_id": draft["external_id"],
            "url": draft["url"],
            "outlet": draft["outlet"],
            "published": draft["published"],
            "title": draft["title"],
            "raw": draft["raw"],
            "body": draft["text"],
            "text": item.cleaned.text,
            "body_key": draft["body_key"],
            "meta": json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str),
            "evidence": item.evidence,
            "shingles": pack_hashes(item.shingles),
            "date": publication_date(draft["published"]),
        },
        "removed": [
            {
                "article_id": draft["id"],
                "start": r.start,
                "end": r.end,
                "text": r.text,
                "reason": r.reason,
            }
            for r in item.cleaned.removed
        ],
    }


def publication_date(published: str | None) -> str:
    """The Parquet partition of an article: its publication day, or ``unknown``."""
    if published and len(published) >= 10 and published[4] == "-" and published[7] == "-":
        return published[:10]
    return "unknown"


def days_before(day: str, days: float) -> str:
    """The ISO day ``days`` (rounded up to whole days) before ``day``."""
    from datetime import date, timedelta

    return (date.fromisoformat(day) - timedelta(days=math.ceil(days))).isoformat()


def article_anchors(shingles: bytes | None, *, modulus: int) -> list[int]:
    """The candidate-index keys of an article (as signed 64-bit ints, Spark's LongType)."""
    keys = anchors(unpack_hashes(shingles), modulus=modulus)
    return [int(k) for k in keys.view(np.int64)]


def publication_days(published: str | None) -> float | None:
    return days_since_epoch(published)


def verified(a: Mapping[str, Any], b: Mapping[str, Any]) -> Row | None:
    """The reprint link of two candidate articles (the local rule: the shingle pre-check, then
    :func:`storytrace.pipeline.reprints.verify`), as a row with its passages, or None."""
    sa, sb = unpack_hashes(a["shingles"]), unpack_hashes(b["shingles"])
    if not may_reprint(shared_shingles(sa, sb), sa.size, sb.size):
        return None
    link = verify(
        Linkable(a["id"], a["published"], a["text"], sa),
        Linkable(b["id"], b["published"], b["text"], sb),
    )
    if link is None:
        return None
    first, second, rep = link
    return {
        "a": first,
        "b": second,
        "kind": rep.kind,
        "jaccard": rep.jaccard,
        "containment_ab": rep.containment_ab,
        "containment_ba": rep.containment_ba,
        "passages": [
            {
                "a_start": p.a_start,
                "a_end": p.a_end,
                "b_start": p.b_start,
                "b_end": p.b_end,
                "words": p.words,
            }
            for p in rep.passages
        ],
    }


def story_slot(published: str | None, window_days: float) -> int | None:
    """The time slot of the story stage's blocks an article falls in: its publication day
    counted from 1970-01-01 in steps of ``window_days``; ``None`` when it has no readable
    date (the undated articles are placed together)."""
    days = days_since_epoch(published)
    if days is None or not np.isfinite(days):
        return None
    return int(days // window_days)


def plan_blocks(counts: Mapping[int | None, int], limit: int) -> dict[int | None, int]:
    """The story stage's blocks, from the number of articles in each time slot (``None``: the
    undated): each slot's first block number. A run of at most ``limit`` articles is one
    block, so it gets exactly the local ingest's stories. Otherwise consecutive slots share a
    block while it holds at most ``limit`` articles, a slot holding more is cut into blocks of
    ``limit`` in input order (its article of rank r in block ``first + r // limit``), and the
    undated articles come last, in blocks of their own."""
    if sum(counts.values()) <= limit:
        return dict.fromkeys(counts, 0)
    firsts: dict[int | None, int] = {}
    block, held = -1, limit  # the current block and the articles it holds
    dated = sorted(s for s in counts if s is not None)
    for slot in [*dated, None] if None in counts else dated:
        n = counts[slot]
        if slot is None or held + n > limit:
            block, held = block + 1, 0
        firsts[slot] = block
        if n > limit:
            block += -(-n // limit) - 1
            held = n % limit or limit
        else:
            held += n
    return firsts


def story_rows(
    stream: Iterable[tuple[str, Mapping[str, Any]]],
    config: Config,
    workdir: str,
    inputs: int,
    *,
    samples: bool = True,
) -> Iterator[tuple[str, Row]]:
    """Place articles in stories as the local ingest does (:func:`assign_in_order`), in a
    temporary store under ``workdir`` that holds only what the story steps read (each
    article's id, title, outlet, publication time and evidence, and the reprint links) and
    that grows as the local one does: batch by batch, each batch's articles and links stored
    just before they are placed, so a re-check sees only the articles that arrived before it.

    ``stream``: ``("article", row)`` and ``("link", row)`` in the order the local ingest makes
    them: by batch (of ``batch_size`` of the ``inputs`` documents; ``seq`` is an article's
    input number, ``later_seq`` that of a link's later article), then article id, each link
    after its later article. A time block of the Spark job holds some of the run's articles:
    the batches it has none of count as :class:`EmptyBatches`. Read one batch at a time, so
    memory does not grow with the run.

    A run that continues earlier ones starts its stream with their stories
    (``("earlier_story", row)``) and those stories' members (``("earlier_member", row)``: the
    member row with its article's columns), stored before the first batch as the local store
    holds them when a later ingest begins.

    Yields ``("story", row)`` and ``("member", row)``, then, with ``samples``, a ``("sample",
    row)`` per live story: the members a decision compares with (:func:`compared_members`),
    their evidence and index keys, for joining the stories of different blocks
    (:func:`stitch_score`). Story ids: this store's new stories are numbered from 1; an
    earlier story keeps its id, given negated so that the two are told apart."""
    from ..model import Reprint
    from ..pipeline.stories import EmptyBatches, assign_in_order
    from ..store import Store
    from ..store.imports import add_articles, add_members, add_stories
    from ..stories.decide import compared_members

    size = config.batch_size
    rows_in = iter(stream)
    earlier_stories: list[Mapping[str, Any]] = []
    earlier_members: list[Mapping[str, Any]] = []
    item = next(rows_in, None)
    while item is not None and item[0] in ("earlier_story", "earlier_member"):
        (earlier_stories if item[0] == "earlier_story" else earlier_members).append(item[1])
        item = next(rows_in, None)
    # Earlier stories take the ids 1..k here, in the order of their own ids.
    local = {
        int(s["id"]): n
        for n, s in enumerate(sorted(earlier_stories, key=lambda s: int(s["id"])), start=1)
    }
    given = {n: sid for sid, n in local.items()}

    def ref(story: int | None) -> int | None:
        if story is None:
            return None
        return -given[story] if story in given else story - len(given)

    def batch_of(item: tuple[str, Mapping[str, Any]]) -> int:
        tag, row = item
        return int(row["seq"] if tag == "article" else row["later_seq"]) // size

    def article(r: Mapping[str, Any], article_id: int) -> Row:
        return {
            "id": article_id, "source": r["source"], "kind": r["kind"], "outlet": r["outlet"],
            "published": r["published"], "title": r["title"], "raw": "", "body": "", "text": "",
            "body_key": r["body_key"], "meta": "{}", "evidence": r["evidence"],
        }  # fmt: skip

    path = os.path.join(workdir, "stories.db")
    with Store(path, config=config) as store:
        run_id = store.start_run("spark ingest: stories", {"config": config.to_dict()})
        store.stories.run_id = run_id
        if local:
            with store.transaction():
                add_stories(
                    store.conn,
                    [
                        {**s, "id": local[int(s["id"])], "merged_into": None}
                        for s in earlier_stories
                    ],
                )
                add_articles(
                    store.conn, [article(m, int(m["article_id"])) for m in earlier_members], run_id
                )
                add_members(
                    store.conn,
                    [{**m, "story_id": local[int(m["story_id"])]} for m in earlier_members],
                )
                keys: dict[int, set[str]] = {n: set() for n in given}
                for m in earlier_members:
                    if m["evidence"]:
                        keys[local[int(m["story_id"])]].update(
                            Evidence.from_json(m["evidence"]).index_keys()
                        )
                for n in sorted(given):
                    store.stories.rebuild_keys(n, keys[n])
                    store.stories.refresh(n)

        def add(tag: str, r: Mapping[str, Any]) -> int | None:
            if tag == "link":
                rep = Reprint(r["kind"], r["jaccard"], r["containment_ab"], r["containment_ba"], ())
                store.add_reprint(int(r["a"]), int(r["b"]), rep)
                return None
            # The run's own ids: a block holds some of the run's articles.
            add_articles(store.conn, [article(r, int(r["id"]))], run_id)
            return int(r["id"])

        def batches() -> Iterator[tuple[list[int], int] | EmptyBatches]:
            nonlocal item
            done = -1  # the last batch number placed
            while item is not None:
                number = batch_of(item)
                if number <= done or number * size >= inputs:  # a sorting mistake
                    raise ValueError(f"an article or link out of batch order: {item[1]}")
                if number - done > 1:
                    yield EmptyBatches(number - done - 1, size)
                ids = []
                with store.transaction():
                    while item is not None and batch_of(item) == number:
                        added = add(*item)
                        if added is not None:
                            ids.append(added)
                        item = next(rows_in, None)
                yield ids, min(size, inputs - number * size)
                done = number

        assign_in_order(store, config, batches())
        stories = store.stories.story_rows()
        for story in stories:
            yield (
                "story",
                {**story, "id": ref(story["id"]), "merged_into": ref(story["merged_into"])},
            )
        for member in store.stories.member_rows():
            yield ("member", {**member, "story_id": ref(member["story_id"])})
        rules = config.stories.decide_config()
        for story in stories if samples else ():
            if story["merged_into"] is not None or not story["articles"]:
                continue
            ids = compared_members(store.stories.member_ids(story["id"]), rules)
            blobs = store.stories.evidence_json(ids)
            found: set[str] = set()
            for i in ids:
                found.update(Evidence.from_json(blobs[i]).index_keys())
            yield (
                "sample",
                {
                    "story": ref(story["id"]),
                    "first_seen": story["first_seen"],
                    "last_seen": story["last_seen"],
                    "members": ids,
                    "evidence": [blobs[i] for i in ids],
                    "keys": sorted(found),
                },
            )


def stitch_score(
    later: Sequence[Evidence], earlier: Sequence[Evidence], config: Config, clusterer: Any = None
) -> tuple[float, float]:
    """How a story of a later block fits a story of an earlier block: the decision rule
    (:func:`storytrace.stories.decide.linkage`) applied to each sampled member of the later
    story as if it arrived in the earlier one, averaged: ``(link, profile)``, the mean top-k
    linkage and the mean similarity. They are one story when both reach the ``join`` and
    ``profile`` thresholds, as an arriving article joins a story. ``clusterer``: a
    :class:`StoryClusterer` whose pair-score memory a task reuses (the same kernel)."""
    from ..stories import StoryClusterer
    from ..stories.decide import linkage

    if not later or not earlier:
        return 0.0, 0.0
    scorer = clusterer or StoryClusterer(**config.stories.clusterer_args())
    rules = config.stories.decide_config()
    members = list(enumerate(earlier))
    links = [linkage(ev, members, rules, scorer.score_values) for ev in later]
    return (
        sum(lk.link for lk in links) / len(links),
        sum(lk.profile for lk in links) / len(links),
    )


def stitch_scores(
    pairs: Iterable[Mapping[str, Any]], config: Config, remembered: int = 2000
) -> Iterator[tuple[int, int, int, int, float, float]]:
    """:func:`stitch_score` of each candidate pair of stories (``a``, ``block_a``, ``b``,
    ``block_b`` and each side's sampled members' evidence as JSON; ``block_a < block_b``), as
    ``(later, later_block, earlier, earlier_block, link, profile)``. Parsing evidence and
    its pair keys costs more than scoring, so the pairs should come sorted by ``b``: each
    later story is parsed once, the earlier ones kept for the next pairs (the last
    ``remembered``), and the pairs share one pair-score memory."""
    from collections import OrderedDict

    from ..stories import StoryClusterer

    clusterer = StoryClusterer(**config.stories.clusterer_args())
    earlier: OrderedDict[int, list[Evidence]] = OrderedDict()
    later_id: int | None = None
    later: list[Evidence] = []
    for p in pairs:
        a, b = int(p["a"]), int(p["b"])
        if b != later_id:
            later_id, later = b, [Evidence.from_json(x) for x in p["evidence_b"]]
        if a in earlier:
            earlier.move_to_end(a)
        else:
            earlier[a] = [Evidence.from_json(x) for x in p["evidence_a"]]
            if len(earlier) > remembered:
                earlier.popitem(last=False)
        link, profile = stitch_score(later, earlier[a], config, clusterer)
        yield b, int(p["block_b"]), a, int(p["block_a"]), float(link), float(profile)


def spans_within(
    first_a: str | None, last_a: str | None, first_b: str | None, last_b: str | None,
    window_days: float,
) -> bool:  # fmt: skip
    """Whether two stories' time spans lie within ``window_days`` of each other (the local
    rule for a candidate story: seen within the window of the article; an undated story is
    always within)."""
    starts = days_since_epoch(first_a), days_since_epoch(first_b)
    ends = days_since_epoch(last_a), days_since_epoch(last_b)
    if None in starts or None in ends:
        return True
    (fa, fb), (la, lb) = starts, ends
    assert fa is not None and fb is not None and la is not None and lb is not None
    return fb - la <= window_days and fa - lb <= window_days


def joined_reasons(reasons: str | None, old: int, new: int, config: Config) -> str:
    """A member's reasons (JSON list) with why its story joined another across blocks."""
    rules = config.stories.decide_config()
    listed = json.loads(reasons) if reasons else []
    listed.append(
        f"its story {old} joined story {new} across the Spark job's time blocks: its members"
        f" fit as arriving articles must (top-{rules.top_k} linkage >= {rules.join:.2f},"
        f" profile >= {rules.profile:.2f})"
    )
    return json.dumps(listed)
