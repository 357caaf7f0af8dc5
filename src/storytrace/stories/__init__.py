"""Stories: the pure decision that places an arriving article, and the re-check that regroups."""

from storytrace.stories.clusterer import Regrouping, StoryClusterer, plan_regrouping
from storytrace.stories.decide import (
    Decision,
    StoryConfig,
    average_linkage,
    compared_members,
    decide,
    linkage,
)

__all__ = [
    "Decision",
    "Regrouping",
    "StoryClusterer",
    "StoryConfig",
    "average_linkage",
    "compared_members",
    "decide",
    "linkage",
    "plan_regrouping",
]
