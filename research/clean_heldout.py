"""Held-out figures for the cleaner (textclean) and the HTML extraction (extraction benchmark).

Run ``python research/clean_heldout.py [DATA_DIR]`` (default: ``../shared/data`` beside the
repository, or $STORYTRACE_DATA).

- clean: pages are split in two halves by a hash of their domain; the scorer is retrained on
  one half and applied to the other, both ways, so every page is scored by weights that never
  saw its domain. Reported for ``page_text`` (``clean_page``) and ``recall_text``
  (``clean_page(..., extracted=True)``), next to the unchanged input.
- extract: ``html_draft`` then ``clean_page(..., extracted=True)`` on each benchmark page, scored
  on the half of the pages used to choose settings (A), the other half (B) and all, next to
  ``trafilatura.extract`` with its defaults.
"""

from __future__ import annotations

import gzip
import json
import sys
import zlib
from pathlib import Path
from typing import Any

from _paths import data_dir
from clean_train import retrain
from storytrace.clean.evaluate import score_cleaning
from storytrace.clean.page import clean_page


def half(key: str) -> int:
    """0 or 1, stable across runs (crc32 of ``key``)."""
    return zlib.crc32(key.encode()) % 2


def _fmt(name: str, got: dict[str, float], snippets: bool = True) -> str:
    keys = ("precision", "recall", "f1") + (("with_kept", "without_removed") if snippets else ())
    return name + " " + " ".join(f"{k} {got[k]:.3f}" for k in keys if k in got)


def clean_heldout(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        pages = [json.loads(line) for line in fh]
    pages = [p for p in pages if (p.get("gold") or "").strip()]
    weights = [retrain([p for p in pages if half(p["domain"]) != k]) for k in (0, 1)]
    lines = [f"textclean: {len(pages)} pages, 2-fold by domain"]
    for field, extracted in (("page_text", False), ("recall_text", True)):
        raw = [dict(p, output=p[field] or "") for p in pages]
        out = [
            dict(
                p,
                output=clean_page(
                    p[field] or "",
                    title=p.get("title"),
                    weights=weights[half(p["domain"])],
                    extracted=extracted,
                ).text,
            )
            for p in pages
        ]
        lines.append(_fmt(f"  {field} unchanged", score_cleaning(raw)))
        lines.append(_fmt(f"  {field} cleaned  ", score_cleaning(out)))
    return lines


def _lower(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dict(p, output=p["output"].lower(), gold=p["gold"].lower()) for p in pages]


def extract_halves(root: Path) -> list[str]:
    import trafilatura

    from storytrace.extract.html import html_draft
    from storytrace.model import Document, Draft, Source

    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    ours: dict[str, str] = {}
    base: dict[str, str] = {}
    for pid, item in sorted(truth.items()):
        html = gzip.decompress((root / "html" / f"{pid}.html.gz").read_bytes())
        text = html.decode("utf-8", "replace")
        doc = Document(Source(f"{pid}.html"), "html", text, True, {"url": item.get("url")})
        draft = html_draft(doc)
        ours[pid] = (
            clean_page(draft.text, title=draft.title, extracted=True).text
            if isinstance(draft, Draft)
            else ""
        )
        try:
            base[pid] = trafilatura.extract(text) or ""
        except Exception:  # the baseline failing costs that page only
            base[pid] = ""
    lines = ["extraction benchmark: A = crc32(id) even (settings chosen here), B = odd"]
    for name, ids in (
        ("A", [i for i in truth if half(i) == 0]),
        ("B", [i for i in truth if half(i) == 1]),
        ("all", list(truth)),
    ):
        for label, outs in (("storytrace", ours), ("trafilatura default", base)):
            pages = [{"gold": truth[i]["articleBody"], "output": outs[i]} for i in ids]
            lines.append(
                _fmt(f"  {name} ({len(ids)}) {label}", score_cleaning(_lower(pages)), False)
            )
    return lines


def main(argv: list[str]) -> None:
    data = Path(argv[0]) if argv else data_dir()
    for line in extract_halves(data / "article-extraction-benchmark"):
        print(line, flush=True)
    for line in clean_heldout(data / "textclean" / "dev.jsonl"):
        print(line, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
