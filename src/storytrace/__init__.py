"""storytrace: follow a news story across outlets.

Clean scraped articles of site and page boilerplate, find reprints and shared passages, and
group articles into stories, in an embedded SQLite database. See README.md and docs/.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

from .config import Config, FetchSettings, StoryThresholds, WatchSettings, load_config
from .errors import ConfigError, InputError, NotFoundError, StoreError, StorytraceError
from .model import Article, Cleaned, Document, Draft, Passage, Reject, Removed, Reprint, Source

if TYPE_CHECKING:
    from .api import (
        DEFAULT_DB,
        article,
        compare,
        ingest,
        migrate,
        rebuild,
        rejects,
        stories,
        story,
        watch,
    )
    from .pipeline.rebuild import RebuildReport
    from .pipeline.report import IngestReport
    from .store import Store

__version__ = "0.1.0"

# Imported on first use: `import storytrace` (and `storytrace --help`) stays fast, and the
# numeric stack loads only when a command needs it.
_LAZY = {
    "DEFAULT_DB": "api",
    "article": "api",
    "compare": "api",
    "ingest": "api",
    "migrate": "api",
    "rebuild": "api",
    "rejects": "api",
    "stories": "api",
    "story": "api",
    "watch": "api",
    "RebuildReport": "pipeline.rebuild",
    "IngestReport": "pipeline.report",
    "Store": "store",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'storytrace' has no attribute {name!r}")


class _Package(types.ModuleType):
    """``storytrace.stories`` is the API function, and also the name of a subpackage. Importing
    a subpackage binds it on its parent, which would hide the function once the subpackage is
    loaded after this file (imports are lazy): the binding is ignored here, and the subpackage
    stays reachable as ``from storytrace.stories import ...`` (through ``sys.modules``)."""

    @property
    def stories(self) -> Any:
        return __getattr__("stories")

    @stories.setter
    def stories(self, value: Any) -> None:
        pass


sys.modules[__name__].__class__ = _Package


__all__ = [
    "DEFAULT_DB",
    "Article",
    "Cleaned",
    "Config",
    "ConfigError",
    "Document",
    "Draft",
    "FetchSettings",
    "IngestReport",
    "InputError",
    "NotFoundError",
    "Passage",
    "RebuildReport",
    "Reject",
    "Removed",
    "Reprint",
    "Source",
    "Store",
    "StoreError",
    "StoryThresholds",
    "StorytraceError",
    "WatchSettings",
    "article",
    "compare",
    "ingest",
    "load_config",
    "migrate",
    "rebuild",
    "rejects",
    "stories",
    "story",
    "watch",
]
