"""Named errors raised at the API boundary. Batch loops count rejects instead of raising."""


class StorytraceError(Exception):
    """Base class: the message says what was wrong and what to do."""


class InputError(StorytraceError):
    """A path or option given by the user cannot be used."""


class NotFoundError(StorytraceError):
    """An id that is not in the store."""


class StoreError(StorytraceError):
    """The database cannot be opened or is of an unknown schema version."""


class StoreBusy(StoreError):
    """Another process is writing the database (see ``store/writer_lock.py``)."""


class ConfigError(StorytraceError):
    """A configuration value is out of range."""
