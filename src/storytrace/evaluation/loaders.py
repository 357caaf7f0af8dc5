"""Loaders for the evaluation files; a missing or malformed file raises :class:`InputError`.

Each loader returns plain values and keeps gold labels apart from what the system may read:
:func:`load_clusters` returns the articles (text, title, published only) and the gold labels
as two lists, so the clustering never sees ``cluster``, ``id`` or ``url``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storytrace.errors import InputError

PAIR_COLUMNS = ("pair_id", "lang1", "lang2", "text1", "text2", "Overall")
CLEAN_INPUTS = ("page_text", "recall_text")


def _file(path: str | Path, what: str) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file (expected {what})")
    if not p.is_file():
        raise InputError(f"{p}: not a file (expected {what})")
    return p


def _check_limit(limit: int | None) -> None:
    if limit is not None and limit < 1:
        raise InputError(f"--limit must be at least 1, not {limit}")


def load_pairs(path: str | Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Rows of a SemEval-2022 Task 8 CSV: the columns of :data:`PAIR_COLUMNS`, ``Overall`` a float.

    Other columns are dropped. ``Overall`` must lie in [1, 4] (1 = same story).
    """
    _check_limit(limit)
    p = _file(path, "a SemEval-2022 Task 8 CSV file")
    rows: list[dict[str, Any]] = []
    try:
        with open(p, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in PAIR_COLUMNS if c not in header]
            if missing:
                raise InputError(
                    f"{p}: not a SemEval-2022 Task 8 CSV: missing column(s) {', '.join(missing)}"
                    f" (need {', '.join(PAIR_COLUMNS)})"
                )
            for row in reader:
                if limit is not None and len(rows) >= limit:
                    break
                rows.append(_pair_row(p, reader.line_num, row))
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise InputError(f"{p}: malformed CSV: {exc}") from None
    if not rows:
        raise InputError(f"{p}: no pairs in the file")
    return rows


def _pair_row(p: Path, line: int, row: dict[str, Any]) -> dict[str, Any]:
    out = {c: (row.get(c) or "") for c in PAIR_COLUMNS}
    try:
        overall = float(out["Overall"])
    except ValueError:
        raise InputError(f"{p}:{line}: Overall is not a number: {out['Overall']!r}") from None
    if not 1.0 <= overall <= 4.0:
        raise InputError(f"{p}:{line}: Overall must be between 1 and 4, not {overall:g}")
    if not out["lang1"] or not out["lang2"]:
        raise InputError(f"{p}:{line}: lang1 and lang2 must not be empty")
    out["Overall"] = overall
    return out


def iter_jsonl(path: str | Path, what: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; a bad line raises InputError."""
    p = _file(path, what)
    try:
        with open(p, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{p}:{n}: not valid JSON ({exc.msg})") from None
                if not isinstance(obj, dict):
                    raise InputError(f"{p}:{n}: expected a JSON object, got {type(obj).__name__}")
                yield n, obj
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text ({exc.reason})") from None


def _need(p: str | Path, n: int, obj: dict[str, Any], fields: tuple[str, ...]) -> None:
    missing = [f for f in fields if f not in obj]
    if missing:
        raise InputError(f"{p}:{n}: missing field(s) {', '.join(missing)}")


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class ClusterInput:
    """What the clusterer may see of one article."""

    text: str
    title: str | None = None
    published: str | None = None


def load_clusters(
    path: str | Path, limit: int | None = None
) -> tuple[list[ClusterInput], list[str]]:
    """Articles (``text``, optional ``title``/``published``) and their gold ``cluster`` labels."""
    _check_limit(limit)
    inputs: list[ClusterInput] = []
    gold: list[str] = []
    for n, obj in iter_jsonl(path, "a JSONL file of articles with a gold `cluster`"):
        if limit is not None and len(inputs) >= limit:
            break
        _need(path, n, obj, ("text", "cluster"))
        if not isinstance(obj["text"], str):
            raise InputError(f"{path}:{n}: text must be a string")
        if obj["cluster"] is None:
            raise InputError(f"{path}:{n}: cluster must not be null")
        inputs.append(ClusterInput(obj["text"], _str(obj.get("title")), _str(obj.get("published"))))
        gold.append(str(obj["cluster"]))
    if not inputs:
        raise InputError(f"{path}: no articles in the file")
    return inputs, gold


def load_topics(path: str | Path, limit: int | None = None) -> list[str]:
    """The ``topic`` of each article of a clusters file (for leave-topics-out folds): never
    shown to the clusterer."""
    _check_limit(limit)
    topics: list[str] = []
    for n, obj in iter_jsonl(path, "a JSONL file of articles with a `topic`"):
        if limit is not None and len(topics) >= limit:
            break
        if obj.get("topic") is None:
            raise InputError(f"{path}:{n}: leave-topics-out needs a `topic` on every article")
        topics.append(str(obj["topic"]))
    return topics


def load_clean(path: str | Path, field: str, limit: int | None = None) -> list[dict[str, Any]]:
    """Pages with ``input`` (the scraped text of ``field``), ``title``, ``gold``, ``with``, ``without``."""
    _check_limit(limit)
    if field not in CLEAN_INPUTS:
        raise InputError(f"--input must be one of {', '.join(CLEAN_INPUTS)}, not {field!r}")
    pages: list[dict[str, Any]] = []
    for n, obj in iter_jsonl(path, "a textclean JSONL file"):
        if limit is not None and len(pages) >= limit:
            break
        _need(path, n, obj, (field, "gold"))
        snippets = {}
        for key in ("with", "without"):
            value = obj.get(key) or []
            if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
                raise InputError(f"{path}:{n}: {key} must be a list of strings")
            snippets[key] = value
        pages.append(
            {
                "input": str(obj[field] or ""),
                "title": _str(obj.get("title")),
                "gold": str(obj["gold"] or ""),
                **snippets,
            }
        )
    if not pages:
        raise InputError(f"{path}: no pages in the file")
    return pages


def load_extract(dir_path: str | Path, limit: int | None = None) -> list[tuple[str, Path, str]]:
    """(id, page path, gold body) of an article-extraction-benchmark folder, in file order."""
    _check_limit(limit)
    d = Path(dir_path)
    if not d.is_dir():
        raise InputError(f"{d}: not a folder (expected the article-extraction-benchmark layout)")
    gt_path = d / "ground-truth.json"
    if not gt_path.is_file():
        raise InputError(
            f"{d}: no ground-truth.json (expected html/<id>.html.gz and ground-truth.json)"
        )
    try:
        truth = json.loads(gt_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{gt_path}: not valid JSON ({exc})") from None
    if not isinstance(truth, dict):
        raise InputError(f"{gt_path}: expected an object mapping id -> {{articleBody, url}}")
    out: list[tuple[str, Path, str]] = []
    for key, entry in truth.items():
        if limit is not None and len(out) >= limit:
            break
        if not isinstance(entry, dict) or not isinstance(entry.get("articleBody"), str):
            raise InputError(f"{gt_path}: entry {key!r} has no articleBody string")
        page = next(
            (q for q in (d / "html" / f"{key}.html.gz", d / "html" / f"{key}.html") if q.is_file()),
            None,
        )
        if page is None:
            raise InputError(f"{d}: no html/{key}.html.gz for ground-truth entry {key!r}")
        out.append((str(key), page, entry["articleBody"]))
    if not out:
        raise InputError(f"{gt_path}: no entries")
    return out
