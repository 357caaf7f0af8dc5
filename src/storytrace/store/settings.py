"""Settings that shape stored data, fixed per database file (the ``settings`` table).

The shingles and the candidate index of every stored article are made with ``shingle_size``
words per shingle, ``anchor_modulus`` sampling and the normaliser and shingle scheme of
:data:`SIGNATURE_VERSION`. An article signed otherwise would silently stop matching the old
ones, so a database records the values it was created with, and an ingest asking for others is
refused: ``storytrace rebuild`` re-derives the database under new values.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from ..errors import ConfigError

SIGNATURE_VERSION = 2
"""Version of the text normaliser and the shingle hashing scheme (``storytrace.normalize``,
``storytrace.match``). Raise it with any change that alters the stored shingles of a text:
databases made before then must be rebuilt."""

FIXED = ("shingle_size", "anchor_modulus", "signature_version")


def asked(config: Any) -> dict[str, int]:
    """The fixed settings a run of ``config`` (a :class:`storytrace.Config`) would store."""
    return {
        "shingle_size": int(config.shingle_size),
        "anchor_modulus": int(config.anchor_modulus),
        "signature_version": SIGNATURE_VERSION,
    }


def stored(conn: sqlite3.Connection) -> dict[str, Any]:
    """The fixed settings recorded in a database ({} for a new one)."""
    return {str(k): json.loads(v) for k, v in conn.execute("SELECT key, value FROM settings")}


def record(conn: sqlite3.Connection, values: Mapping[str, Any]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
        [(k, json.dumps(v)) for k, v in values.items()],
    )


def check(held: Mapping[str, Any], wanted: Mapping[str, Any], name: str) -> None:
    """Raise :class:`ConfigError` when ``wanted`` differs from the values ``held`` by ``name``."""
    differ = [k for k in FIXED if k in held and held[k] != wanted.get(k)]
    if not differ:
        return
    if differ == ["signature_version"]:
        raise ConfigError(
            f"{name} was made with shingle scheme version {held['signature_version']} and this "
            f"storytrace signs articles with version {wanted['signature_version']}: run "
            f"`storytrace --db {name} rebuild` to re-derive it"
        )
    was = ", ".join(f"{k}={held[k]}" for k in differ)
    now = ", ".join(f"{k}={wanted.get(k)}" for k in differ)
    flags = " ".join(
        f"--{k.replace('_', '-')} {wanted.get(k)}" for k in differ if k != "signature_version"
    )
    raise ConfigError(
        f"{name} was built with {was}, but this run asks for {now}; these settings are fixed "
        f"per database: use the stored values (in storytrace.toml [ingest]), or run "
        f"`storytrace --db {name} rebuild {flags}` to re-derive the database with the new ones"
    )
