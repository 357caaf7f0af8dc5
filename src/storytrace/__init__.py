"""storytrace: follow a news story across outlets.

Clean scraped articles of site and page boilerplate, find reprints and shared passages, and
group articles into stories, in an embedded SQLite database. See README.md and docs/.
"""

from .api import DEFAULT_DB, article, compare, ingest, rebuild, rejects, stories, story
from .config import Config, StoryThresholds, load_config
from .errors import ConfigError, InputError, NotFoundError, StoreError, StorytraceError
from .model import Article, Cleaned, Document, Draft, Passage, Reject, Removed, Reprint, Source
from .pipeline.rebuild import RebuildReport
from .pipeline.report import IngestReport
from .store import Store

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_DB",
    "Article",
    "Cleaned",
    "Config",
    "ConfigError",
    "Document",
    "Draft",
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
    "article",
    "compare",
    "ingest",
    "load_config",
    "rebuild",
    "rejects",
    "stories",
    "story",
]
