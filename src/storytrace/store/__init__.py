"""The embedded store: one SQLite file (WAL mode), schema in docs/schema.md."""

from .db import connect, ensure_schema, transaction
from .schema import SCHEMA_VERSION
from .store import Store

__all__ = ["SCHEMA_VERSION", "Store", "connect", "ensure_schema", "transaction"]
