"""Held-out figures for the cleaner (textclean); extraction's are in ``extract_heldout.py``.

Run ``python research/clean_heldout.py [DATA_DIR]`` (default: ``../shared/data`` beside the
repository, or $STORYTRACE_DATA).

- clean: pages are split in two halves by a hash of their domain; the scorer is retrained on
  one half and applied to the other, both ways, so every page is scored by weights that never
  saw its domain. Reported for ``page_text`` (``clean_page``) and ``recall_text``
  (``clean_page(..., extracted=True)``), next to the unchanged input.
"""

from __future__ import annotations

import json
import sys
import zlib
from pathlib import Path

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


def main(argv: list[str]) -> None:
    data = Path(argv[0]) if argv else data_dir()
    for line in clean_heldout(data / "textclean" / "dev.jsonl"):
        print(line, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
