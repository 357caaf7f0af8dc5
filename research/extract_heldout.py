"""Held-out figures for HTML extraction: which trafilatura mode, chosen by domain.

Run ``python research/extract_heldout.py [DATA_DIR]`` (default: ``../shared/data`` beside the
repository, or $STORYTRACE_DATA).

The pages of both extraction sets (``article-extraction-benchmark``, the Zyte benchmark, and
``wcxb-extract``) are pooled and split in two by a hash of their domain. Each page is read as
``ingest`` reads it, extracted in each of ``storytrace.extract.html.MODES`` and cleaned with
``clean_page(..., extracted=True)``; the cleaner's scorer is retrained on the textclean pages
of the other half's domains (textclean holds the same WCXB pages), so no weight saw the page's
domain. Each half picks the mode with the best word F1 on it; that pick is scored on the other
half. Printed per set and pooled, beside ``trafilatura.extract`` with its defaults (the
baseline of ``storytrace eval extract``), and the figure of every mode on all pages.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from multiprocessing import Pool
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from _paths import data_dir
from clean_heldout import half
from clean_train import retrain
from storytrace.clean.evaluate import score_cleaning
from storytrace.clean.page import clean_page
from storytrace.extract.html import MODE, MODES, html_draft
from storytrace.io import read_inputs
from storytrace.model import Document, Draft

SETS = ("article-extraction-benchmark", "wcxb-extract")
_WEIGHTS: list[dict[str, Any]] = []


def domain(url: str | None) -> str:
    host = urlsplit(url or "").hostname or ""
    return host[4:] if host.startswith("www.") else host


def _extract_page(item: tuple[str, str, str | None, str]) -> dict[str, Any]:
    import trafilatura

    name, path, url, fold_domain = item
    # Read as ``storytrace eval extract`` and ``ingest`` read it (the URL is not passed there).
    doc = next(iter(read_inputs([path])))
    if not isinstance(doc, Document):
        return {mode: "" for mode in (*MODES, "baseline")}
    html = doc.content
    weights = _WEIGHTS[half(fold_domain)]
    out: dict[str, Any] = {}
    for mode in MODES:
        draft = html_draft(doc, mode=mode)
        out[mode] = (
            clean_page(draft.text, title=draft.title, extracted=True, weights=weights).text
            if isinstance(draft, Draft)
            else ""
        )
    try:
        out["baseline"] = trafilatura.extract(html) or ""
    except Exception:  # the baseline failing costs that page only
        out["baseline"] = ""
    return out


def _init(weights: list[dict[str, Any]]) -> None:
    _WEIGHTS[:] = weights


def _f1(pages: Sequence[Mapping[str, Any]], key: str) -> dict[str, float]:
    return score_cleaning({"gold": p["gold"], "output": p[key]} for p in pages)


def _fmt(got: Mapping[str, float]) -> str:
    return " ".join(f"{k} {got[k]:.4f}" for k in ("precision", "recall", "f1"))


def main(argv: list[str]) -> None:
    data = Path(argv[0]) if argv else data_dir()
    textclean = [
        json.loads(line) for line in (data / "textclean" / "dev.jsonl").open(encoding="utf-8")
    ]
    textclean = [p for p in textclean if (p.get("gold") or "").strip()]
    weights = [retrain([p for p in textclean if half(p["domain"]) != k]) for k in (0, 1)]

    items: list[tuple[str, str, str | None, str]] = []
    golds: list[dict[str, Any]] = []
    for name in SETS:
        truth = json.loads((data / name / "ground-truth.json").read_text(encoding="utf-8"))
        for pid, item in sorted(truth.items()):
            url = item.get("url")
            items.append((name, str(data / name / "html" / f"{pid}.html.gz"), url, domain(url)))
            golds.append({"set": name, "domain": domain(url), "gold": item["articleBody"]})
    with Pool(2, initializer=_init, initargs=(weights,)) as pool:
        outs = pool.map(_extract_page, items, chunksize=4)
    pages = [{**g, **o} for g, o in zip(golds, outs, strict=True)]

    picks: dict[int, str] = {}
    for k in (0, 1):
        fold = [p for p in pages if half(p["domain"]) == k]
        picks[k] = max(MODES, key=lambda m, fold=fold: _f1(fold, m)["f1"])
        print(f"half {k} ({len(fold)} pages) picks {picks[k]!r}", flush=True)
    for p in pages:
        p["held_out"] = p[picks[1 - half(p["domain"])]]
    print(f"shipped mode: {MODE!r}")
    for name in (*SETS, "pooled"):
        subset = [p for p in pages if name in ("pooled", p["set"])]
        print(f"{name} ({len(subset)} pages)")
        print(f"  held-out pick       {_fmt(_f1(subset, 'held_out'))}")
        print(f"  trafilatura default {_fmt(_f1(subset, 'baseline'))}")
        for mode in MODES:
            print(f"  mode {mode:14s} {_fmt(_f1(subset, mode))}")


if __name__ == "__main__":
    main(sys.argv[1:])
