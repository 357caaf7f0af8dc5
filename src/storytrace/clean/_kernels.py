"""Native loop (numba, compiled on first use and cached on disk) for scoring blocks.

:func:`tree_leaves` replays :func:`storytrace.clean.gbdt._leaf_values` without its numpy
passes, which cost more than the tree walk itself on a page of a few dozen blocks.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def tree_leaves(feats, thrs, leaves, x):
    """Leaf value of every tree for every row of ``x``: shape (rows, trees).

    ``feats``/``thrs`` hold each tree's inner nodes in breadth-first order (children of node
    ``k`` at ``2k + 1`` and ``2k + 2``); a row goes right when its feature is above the
    threshold. The caller sums each row with numpy, so the sums match the numpy path bit for bit.
    """
    n_trees, n_inner = feats.shape
    out = np.empty((x.shape[0], n_trees))
    for r in range(x.shape[0]):
        for t in range(n_trees):
            node = 0
            while node < n_inner:
                node = 2 * node + 1 + (x[r, feats[t, node]] > thrs[t, node])
            out[r, t] = leaves[t, node - n_inner]
    return out
