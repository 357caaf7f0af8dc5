"""Connected groups of ids joined by pairs (union-find), shared by reprint groups and provenance."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def connected_groups(ids: Sequence[int], pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Groups of ``ids`` connected by ``pairs``, in first-seen order; pairs naming unknown ids are ignored."""
    parent = {i: i for i in ids}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for i in ids:
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())
