"""What the Spark job does to one record, as pure functions of plain values (dicts of str, int,
float, bytes): the same readers, extraction, cleaning, signatures and reprint rule as the local
ingest, wrapped so that a Spark task can call them on a partition's rows. Nothing here imports
pyspark, so each function is tested without a JVM.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ..clean import site_boilerplate
from ..config import Config
from ..io.discover import kind_of, strip_suffix
from ..io.meta import MetaIndex
from ..io.parquet import read_parquet
from ..io.single import read_single
from ..io.tabular import jsonl_record, read_csv, read_jsonl
from ..io.warc import read_warc
from ..match import anchors, may_reprint, pack_hashes, shared_shingles, unpack_hashes
from ..match.window import days_since_epoch
from ..model import Document, Draft, Reject, Source
from ..pipeline.prepare import body_blocks, body_key, fingerprint, prepare_draft
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
    path: str, line: int, text: str, *, max_bytes: int, fields: Mapping[str, str]
) -> Row | None:
    """One line of a JSONL file that Spark split by lines (so no file is held whole): the
    local reader's rule for a record (:func:`storytrace.io.tabular.jsonl_record`), with its
    size limit; None for a blank line. Spark has decoded the line already, replacing bytes
    that are not UTF-8 (the local reader rejects such a line as ``decode-error``)."""
    src = Source(path, line=line)
    if line == 1:
        text = text.removeprefix("\ufeff")
    if not text.strip():
        return None
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        reason = f"line longer than the limit of {max_bytes} bytes"
        return {"reject": reject_row(Reject(src, "too-large", reason), "read")}
    item = jsonl_record(text, src, fields)
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
    """Extract one document (``to_draft``): ``{"draft": row}`` or ``{"reject": row}``. The
    draft row carries what deduplication and site boilerplate learning read: the body's
    re-ingest key and the keys of its blocks."""
    from ..extract import to_draft

    document = to_document(doc)
    draft = to_draft(document, timeout=timeout)
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


def learned_at(ranks: Sequence[int], key: str, *, min_articles: int) -> int | None:
    """When the local ingest learns a block as site boilerplate: ``ranks`` are the positions
    (1-based, in input order) among its outlet's stored articles of the articles holding the
    block; the block is learned at the first of them where the rule of
    :func:`storytrace.clean.site_boilerplate` holds for the counts so far. None: never."""
    for seen, rank in enumerate(sorted(ranks), start=1):
        if site_boilerplate({key: seen}, rank, min_articles=min_articles):
            return rank
    return None


def prepared_row(
    draft: Mapping[str, Any], patterns: Mapping[str, int], *, shingle_size: int
) -> Row:
    """Clean, sign and gather evidence for one stored draft (``prepare_draft``) with its
    outlet's site boilerplate: the article row and its removed blocks."""
    item = prepare_draft(
        to_draft_value(draft),
        site_blocks={draft["outlet"] or "": dict(patterns)},
        shingle_size=shingle_size,
        from_html=bool(draft["from_html"]),
    )
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


def story_rows(
    stream: Iterable[tuple[str, Mapping[str, Any]]],
    config: Config,
    workdir: str,
    inputs: int,
) -> Iterator[tuple[str, Row]]:
    """Place articles in stories as the local ingest does (:func:`assign_in_order`), in a
    temporary store under ``workdir`` that holds only what the story steps read (each
    article's id, title, outlet, publication time and evidence, and the reprint links) and
    that grows as the local one does: batch by batch, each batch's articles and links stored
    just before they are placed, so a re-check sees only the articles that arrived before it.

    ``stream``: ``("article", row)`` and ``("link", row)`` in the order the local ingest makes
    them: by batch (of ``batch_size`` of the ``inputs`` documents; ``seq`` is an article's
    input number, ``later_seq`` that of a link's later article), then article id, each link
    after its later article. Read one batch at a time, so memory does not grow with the run.
    Yields ``("story", row)`` and ``("member", row)``."""
    from ..model import Reprint
    from ..pipeline.stories import assign_in_order
    from ..store import Store

    size = config.batch_size
    rows_in = iter(stream)

    def batch_of(item: tuple[str, Mapping[str, Any]]) -> int:
        tag, row = item
        return int(row["seq"] if tag == "article" else row["later_seq"]) // size

    path = os.path.join(workdir, "stories.db")
    with Store(path, config=config) as store:
        run_id = store.start_run("spark ingest: stories", {"config": config.to_dict()})
        store.stories.run_id = run_id

        def batches() -> Iterator[tuple[list[int], int]]:
            item = next(rows_in, None)
            for number, start in enumerate(range(0, inputs, size)):
                ids = []
                with store.transaction():
                    while item is not None and batch_of(item) == number:
                        tag, r = item
                        if tag == "article":
                            given = store.add_article(
                                {
                                    "source": r["source"], "kind": r["kind"], "outlet": r["outlet"],
                                    "published": r["published"], "title": r["title"], "raw": "",
                                    "body": "", "text": "", "body_key": r["body_key"], "meta": "{}",
                                    "evidence": r["evidence"], "run_id": run_id,
                                }
                            )  # fmt: skip
                            if given != int(r["id"]):
                                raise ValueError(
                                    f"article ids must run from 1 in input order: {r['id']}"
                                )
                            ids.append(given)
                        else:
                            rep = Reprint(
                                r["kind"],
                                r["jaccard"],
                                r["containment_ab"],
                                r["containment_ba"],
                                (),
                            )
                            store.add_reprint(int(r["a"]), int(r["b"]), rep)
                        item = next(rows_in, None)
                yield ids, min(size, inputs - start)
            if item is not None:
                raise ValueError(f"an article or link after the last of {inputs} inputs: {item[1]}")

        assign_in_order(store, config, batches())
        for story in store.stories.story_rows():
            yield ("story", story)
        for member in store.stories.member_rows():
            yield ("member", member)
