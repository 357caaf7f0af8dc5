"""Do labelled same-story pairs end up in one story when their articles are ingested together?

The pair score is one judgement; the stories are what a user sees. Here every article of a
SemEval-2022 Task 8 file is ingested into one throwaway store, through the real ingest
(language detection, embeddings, story decisions, re-check), and each labelled pair is looked
up: a pair labelled the same story (``Overall`` at most :data:`SAME`) should share a story, a
pair labelled unrelated (at least :data:`APART`) should not. Counted per language pair, so that
cross-lingual stories show as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storytrace.config import Config
from storytrace.evaluation.loaders import ClusterInput

SAME = 1.5  # "very similar" and closer: one news event
APART = 3.5  # "somewhat dissimilar" and further: different events


def pair_stories(rows: Sequence[dict[str, Any]], *, config: Config | None = None) -> dict[str, Any]:
    """Per language pair (and ``all``): of the pairs labelled the same story, how many share
    one; of those labelled unrelated, how many were kept apart."""
    from storytrace.evaluation.runners import cluster_labels

    order: dict[str, int] = {}
    texts: list[ClusterInput] = []
    ends: list[tuple[int, int]] = []
    for r in rows:
        ids = str(r["pair_id"]).split("_", 1)
        ids = ids if len(ids) == 2 else [f"{r['pair_id']}a", f"{r['pair_id']}b"]
        at = []
        for key, text in zip(ids, (r["text1"], r["text2"]), strict=True):
            if key not in order:
                order[key] = len(texts)
                texts.append(ClusterInput(text))
            at.append(order[key])
        ends.append((at[0], at[1]))
    story = cluster_labels(texts, config=config)
    out: dict[str, dict[str, int]] = {}
    for r, (a, b) in zip(rows, ends, strict=True):
        together = story[a] == story[b]
        for group in ("all", f"{r['lang1']}-{r['lang2']}"):
            counts = out.setdefault(group, {"same": 0, "joined": 0, "unrelated": 0, "apart": 0})
            if r["Overall"] <= SAME:
                counts["same"] += 1
                counts["joined"] += together
            elif r["Overall"] >= APART:
                counts["unrelated"] += 1
                counts["apart"] += not together
    return {"articles": len(texts), "same_at_most": SAME, "unrelated_at_least": APART, **out}
