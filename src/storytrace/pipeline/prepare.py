"""Everything done to one input before it meets the store: extract, clean, sign, gather evidence.

:func:`prepare` is pure and picklable: the local runner calls it in worker processes, and a
distributed backend can map it over a dataset unchanged. It needs only the outlet's known site
boilerplate, passed in as a snapshot. :func:`draft_of` is its first stage (extraction, and the
publisher when the input names none), which the Spark job runs as a stage of its own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import xxhash

from ..clean import block_key, blocks, clean_page
from ..coverage.publisher import infer_publisher
from ..evidence import Evidence, extract_evidence
from ..evidence.core import embedding_input
from ..evidence.embed import embed_texts, embeds
from ..extract import to_draft
from ..match import shingles
from ..model import Cleaned, Document, Draft, Reject
from ..normalize import normalize

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A draft with its cleaned text, shingles and evidence, ready to be stored and linked."""

    draft: Draft
    cleaned: Cleaned
    shingles: np.ndarray
    evidence: str
    """JSON of :class:`storytrace.evidence.Evidence`."""
    parsed: Evidence
    """``evidence`` parsed back, its pair form computed (in the worker): the runner caches it,
    so the main process neither parses nor packs a new article's evidence again."""
    blocks: Mapping[str, str]
    """Block key -> block text of the uncleaned body, for site boilerplate learning."""
    site_keys: frozenset[str]
    """The site patterns the text was cleaned with; the runner re-cleans if they changed."""
    body_key: str
    """:func:`body_key` of the draft (computed in the worker: it normalises the whole body)."""
    from_html: bool = False
    """The body was extracted from HTML (cleaned in the cleaner's ``extracted`` mode)."""
    seconds: Mapping[str, float] = field(default_factory=dict)
    """Time taken by each stage (extract, clean, sign, evidence), for the run's report."""


def fingerprint(text: str) -> str:
    return xxhash.xxh3_128_hexdigest(text.encode("utf-8", "surrogatepass"))


def body_key(outlet: str | None, body: str) -> str:
    """Identity of a body for re-ingest detection: the same outlet and the same normalised text.

    The outlet is part of the key so that a verbatim wire copy on another site is kept as a
    reprint, not dropped as a duplicate.
    """
    return fingerprint(f"{outlet or ''}\n{normalize(body)}")


def body_blocks(body: str) -> dict[str, str]:
    """Distinct block keys of a body, each with its first text."""
    found: dict[str, str] = {}
    for start, end in blocks(body):
        found.setdefault(block_key(body[start:end]), body[start:end])
    return found


def sign(
    text: str,
    title: str | None,
    published: str | None,
    *,
    shingle_size: int = 5,
    embed: bool = True,
    embedding: bytes | None = None,
) -> tuple[np.ndarray, str]:
    """Shingles and evidence JSON of a cleaned text; ``embed``: with its sentence embedding
    (``embedding``: one already computed for the same input, see ``extract_evidence``)."""
    hashes = shingles(text, n=shingle_size)
    ev = extract_evidence(text, title=title, published=published, embed=embed, embedding=embedding)
    return hashes, ev.to_json()


def with_publisher(draft: Draft, *, from_html: bool = False) -> Draft:
    """The draft with the outlet its page names as its own, when the input gave none (no URL,
    no outlet, no site name): ``meta["outlet_source"]`` is then ``"inferred"`` and
    ``meta["outlet_evidence"]`` the sentence that names it. The page is cleaned here without
    site patterns (its outlet is not known yet) to tell its boilerplate, where such sentences
    sit, from its news (see :mod:`storytrace.coverage.publisher`)."""
    if draft.outlet:
        return draft
    cleaned = clean_page(draft.text, title=draft.title, extracted=from_html)
    found = infer_publisher(cleaned.text, [r.text for r in cleaned.removed])
    if found is None:
        return draft
    meta = {
        **draft.meta,
        "outlet_name": found.name,
        "outlet_source": "inferred",
        "outlet_evidence": found.sentence,
    }
    return replace(draft, outlet=found.name, meta=meta)


def draft_of(doc: Document, *, timeout: float = 10.0) -> Draft | Reject:
    """Extract a document (:func:`storytrace.extract.to_draft`), then name its publisher from
    its own words if the input did not (:func:`with_publisher`)."""
    draft = to_draft(doc, timeout=timeout)
    if isinstance(draft, Reject):
        return draft
    return with_publisher(draft, from_html=doc.is_html)


def prepare(
    doc: Document,
    *,
    site_blocks: Mapping[str, Mapping[str, int]] | None = None,
    timeout: float = 10.0,
    shingle_size: int = 5,
    embed: bool = True,
) -> Prepared | Reject:
    """Extract, clean (with the outlet's known site boilerplate), sign and gather evidence
    (``embed``: with the sentence embedding, :attr:`storytrace.config.Config.embeddings`)."""
    start = time.process_time()
    draft = draft_of(doc, timeout=timeout)
    if isinstance(draft, Reject):
        return draft
    extract_s = time.process_time() - start
    out = prepare_draft(
        draft,
        site_blocks=site_blocks,
        shingle_size=shingle_size,
        from_html=doc.is_html,
        embed=embed,
    )
    return replace(out, seconds={"extract": extract_s, **out.seconds})


def prepare_draft(
    draft: Draft,
    *,
    site_blocks: Mapping[str, Mapping[str, int]] | None = None,
    shingle_size: int = 5,
    from_html: bool = False,
    embed: bool = True,
) -> Prepared:
    """Clean, sign and gather evidence for a draft. ``from_html``: the body is an extractor's
    output, which the cleaner treats conservatively (the extractor already removed the page)."""
    patterns = (site_blocks or {}).get(draft.outlet or "", {})
    t0 = time.process_time()
    cleaned = clean_page(draft.text, title=draft.title, site_blocks=patterns, extracted=from_html)
    t1 = time.process_time()
    hashes = shingles(cleaned.text, n=shingle_size)
    t2 = time.process_time()
    evidence = extract_evidence(
        cleaned.text, title=draft.title, published=draft.published, embed=embed
    ).to_json()
    # Parsed back from the JSON, as the store would: the cached copy equals a stored one.
    parsed = Evidence.from_json(evidence)
    _ = parsed.pair_keys
    t3 = time.process_time()
    return Prepared(
        draft=draft,
        cleaned=cleaned,
        shingles=hashes,
        evidence=evidence,
        parsed=parsed,
        blocks=body_blocks(draft.text) if draft.outlet else {},
        site_keys=frozenset(patterns),
        from_html=from_html,
        seconds={"clean": t1 - t0, "sign": t2 - t1, "evidence": t3 - t2},
        body_key=body_key(draft.outlet, draft.text),
    )


def with_embeddings(items: Sequence[Prepared | Reject]) -> list[Prepared | Reject]:
    """The same items with the sentence embedding added to each prepared article whose
    language the model knows, computed in one pass of the encoder over the batch.

    Prepare a batch with ``embed=False`` and then call this: the encoder reads a batch of
    headlines and leads much faster per article than one at a time (its weights are streamed
    once per batch, and stay in the cache). The result equals preparing each item with
    ``embed=True``. If the batch fails, each article is embedded alone, and one that still
    fails is kept without a vector (its pairs are scored as those of a language the model
    does not know): a hostile text costs neither the others nor itself its place.
    """
    todo = [
        i
        for i, item in enumerate(items)
        if isinstance(item, Prepared) and not item.parsed.embedding and embeds(item.parsed.lang)
    ]
    out = list(items)
    if not todo:
        return out
    inputs = [_embedding_input(out[i]) for i in todo]
    start = time.process_time()
    try:
        vectors: list[bytes | None] = list(embed_texts(inputs))
    except Exception:
        log.debug("embedding a batch of %d failed; one at a time", len(inputs), exc_info=True)
        vectors = [_embed_one(text) for text in inputs]
    share = (time.process_time() - start) / len(todo)
    for i, vector in zip(todo, vectors, strict=True):
        item = out[i]
        assert isinstance(item, Prepared)
        if vector is None:
            log.warning("%s: no sentence embedding (the encoder failed on it)", item.draft.source)
            continue
        parsed = replace(item.parsed, embedding=vector)
        evidence = parsed.to_json()
        parsed = Evidence.from_json(evidence)  # as stored, its pair form computed (see prepare)
        _ = parsed.pair_keys
        out[i] = replace(
            item, evidence=evidence, parsed=parsed, seconds={**item.seconds, "embed": share}
        )
    return out


def _embedding_input(item: Prepared | Reject) -> str:
    assert isinstance(item, Prepared)
    return embedding_input(item.cleaned.text, item.draft.title)


def _embed_one(text: str) -> bytes | None:
    try:
        return embed_texts([text])[0]
    except Exception:
        log.debug("embedding failed", exc_info=True)
        return None
