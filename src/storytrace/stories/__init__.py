"""Incremental story clustering: pure decisions over a pluggable story state."""

from storytrace.stories.clusterer import StoryClusterer, cluster
from storytrace.stories.decide import Decision, StoryConfig, average_linkage, decide, linkage
from storytrace.stories.state import MemoryStoryState, StoryState

__all__ = [
    "Decision",
    "MemoryStoryState",
    "StoryClusterer",
    "StoryConfig",
    "StoryState",
    "average_linkage",
    "cluster",
    "cluster",
    "decide",
    "linkage",
]
