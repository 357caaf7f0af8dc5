"""Connected components of a graph held as a DataFrame of edges, with DataFrame operations
only: the alternating large-star / small-star rounds of Kiveris et al., "Connected Components
in MapReduce and Beyond" (SoCC 2014). Each round is a few joins and aggregations over the
edges, so the graph never has to fit in one task, and the rounds needed grow with the
logarithm of the largest component's size, not with its diameter.

No GraphFrames: its jar is not on the package registry, and the job must not download
anything at run time.
"""

from __future__ import annotations

from typing import Any


def connected_components(edges: Any, max_rounds: int = 100) -> Any:
    """``edges``: a DataFrame of undirected edges between long ids in columns ``a`` and ``b``.
    Returns a DataFrame ``(node, root)`` holding every node that has an edge, with the
    smallest id of its component as ``root``."""
    from pyspark.sql import functions as F

    def normal(df: Any, x: str, y: str) -> Any:
        """Edges as ``(u, v)`` with ``u < v``, each once (self-loops dropped)."""
        return (
            df.select(F.least(x, y).alias("u"), F.greatest(x, y).alias("v"))
            .where(F.col("u") != F.col("v"))
            .distinct()
        )

    current = normal(edges, "a", "b").localCheckpoint()
    for _ in range(max_rounds):
        # Large star: each node's larger neighbours point at the smallest id of its
        # neighbourhood (itself included).
        both = current.select(F.col("u").alias("x"), F.col("v").alias("y")).union(
            current.select(F.col("v").alias("x"), F.col("u").alias("y"))
        )
        least_near = both.groupBy("x").agg(F.min("y").alias("m"))
        large = (
            both.join(least_near, "x")
            .where(F.col("y") > F.col("x"))
            .select(F.col("y").alias("a"), F.least("m", "x").alias("b"))
        )
        large = normal(large, "a", "b")
        # Small star: each node and its smaller neighbours point at the smallest of them.
        least_below = large.groupBy("v").agg(F.min("u").alias("m"))
        small = (
            large.join(least_below, "v")
            .select(F.col("u").alias("a"), F.col("m").alias("b"))
            .union(least_below.select(F.col("v").alias("a"), F.col("m").alias("b")))
        )
        after = normal(small, "a", "b").localCheckpoint()
        changed = (
            after.exceptAll(current).limit(1).count() + current.exceptAll(after).limit(1).count()
        )
        current = after
        if not changed:
            break
    else:
        raise RuntimeError(f"connected components did not settle in {max_rounds} rounds")
    # Settled: every component is a star around its smallest id.
    leaves = current.groupBy("v").agg(F.min("u").alias("root"))
    centres = (
        current.select(F.col("u").alias("node"))
        .distinct()
        .join(leaves.select(F.col("v").alias("node")), "node", "left_anti")
    )
    return leaves.select(F.col("v").alias("node"), "root").union(
        centres.select("node", F.col("node").alias("root"))
    )
