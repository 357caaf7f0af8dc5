"""The news agencies attribution looks for: a packaged list (agencies.json), extensible.

An agency has a canonical ``name``, the ``codes`` written in datelines ("(AP)"), ``aliases``
written in prose ("The Associated Press") and ``domains`` of its own sites. More agencies come
from ``--agency "Name=CODE[,CODE...][@domain]"`` on the command line or a ``[coverage]`` table in
``storytrace.toml``::

    [coverage]
    agencies = { "Meridian Press" = "MP" }
    # or: agencies = [{ name = "Meridian Press", codes = ["MP"], domains = ["meridianpress.example"] }]
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError


@dataclass(frozen=True)
class Agency:
    name: str
    codes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        return self.codes[0] if self.codes else self.name

    def forms(self) -> tuple[str, ...]:
        """Every way of writing the agency, longest first."""
        return tuple(sorted({self.name, *self.codes, *self.aliases}, key=len, reverse=True))

    def owns(self, outlet: str | None, outlet_name: str | None = None) -> bool:
        """Whether an article from ``outlet`` (a domain) or named ``outlet_name`` is the agency's own."""
        if outlet_name and _squash(outlet_name) in {_squash(f) for f in (self.name, *self.aliases)}:
            return True
        if not outlet:
            return False
        host = outlet.lower().removeprefix("www.")
        if any(host == d or host.endswith("." + d) for d in self.domains):
            return True
        # "meridianpress.example" for "Meridian Press": the first label spells the name
        label = host.split(".")[0]
        return len(label) >= 6 and label in {_squash(f) for f in (self.name, *self.aliases)}


def _squash(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


@dataclass(frozen=True)
class Agencies:
    """A lookup over a list of agencies, by any written form."""

    items: tuple[Agency, ...]
    _by_form: dict[str, Agency] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for a in self.items:
            for f in a.forms():
                # codes are case-sensitive ("AP" but not "ap"); names are not
                self._by_form.setdefault(f if f in a.codes else f.lower(), a)

    def lookup(self, written: str) -> Agency | None:
        w = " ".join(written.split()).strip(" .,;:")
        w = re.sub(r"^(?:the)\s+", "", w, flags=re.IGNORECASE)
        return (
            self._by_form.get(w)
            or self._by_form.get(w.lower())
            or self._by_form.get("the " + w.lower())
        )

    def find(self, name: str) -> Agency | None:
        return next((a for a in self.items if a.name == name), None)

    def pattern(self) -> str:
        """A regex alternation of every written form, longest first (for prose search)."""
        forms = sorted({f for a in self.items for f in a.forms()}, key=len, reverse=True)
        return "|".join(re.escape(f) for f in forms)

    def extended(self, extra: Iterable[Agency]) -> Agencies:
        merged: dict[str, Agency] = {a.name: a for a in self.items}
        for a in extra:
            old = merged.get(a.name)
            if old:
                a = Agency(
                    a.name,
                    _union(old.codes, a.codes),
                    _union(old.aliases, a.aliases),
                    _union(old.domains, a.domains),
                )
            merged[a.name] = a
        return Agencies(tuple(merged.values()))


def _union(a: Sequence[str], b: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*a, *b]))


@lru_cache(maxsize=1)
def default_agencies() -> Agencies:
    """The packaged list (``storytrace/coverage/agencies.json``)."""
    data = json.loads(
        resources.files("storytrace.coverage").joinpath("agencies.json").read_text("utf-8")
    )
    return Agencies(tuple(_from_mapping(d) for d in data["agencies"]))


def _from_mapping(d: Mapping[str, Any]) -> Agency:
    if not isinstance(d.get("name"), str) or not d["name"].strip():
        raise ConfigError(f"agency entry without a name: {d!r}")

    def seq(key: str) -> tuple[str, ...]:
        v = d.get(key) or ()
        return (v,) if isinstance(v, str) else tuple(str(x) for x in v)

    return Agency(d["name"].strip(), seq("codes"), seq("aliases"), seq("domains"))


def parse_agency(spec: str) -> Agency:
    """``"Meridian Press=MP"``, ``"Meridian Press=MP,MPA@meridianpress.example"`` or a bare name."""
    name, _, rest = spec.partition("=")
    codes_part, _, domains = rest.partition("@")
    name = name.strip()
    if not name:
        raise ConfigError(f"--agency {spec!r}: expected NAME=CODE (e.g. 'Meridian Press=MP')")
    codes = tuple(c.strip() for c in codes_part.split(",") if c.strip())
    doms = tuple(d.strip().lower() for d in domains.split(",") if d.strip())
    return Agency(name, codes, (), doms)


def agencies_from_toml(path: str | Path | None = None) -> list[Agency]:
    """Agencies of the ``[coverage] agencies`` table of ``storytrace.toml`` (none if absent)."""
    toml_path = Path(path) if path else Path("storytrace.toml")
    if not toml_path.is_file():
        if path:
            raise ConfigError(f"config file {str(path)!r} not found")
        return []
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{toml_path}: not valid TOML: {exc}") from exc
    raw = data.get("coverage", {}).get("agencies", [])
    if isinstance(raw, Mapping):  # { "Meridian Press" = "MP" } or = ["MP", "MPA"]
        return [_from_mapping({"name": k, "codes": v}) for k, v in raw.items()]
    if isinstance(raw, list):
        return [_from_mapping(d) if isinstance(d, Mapping) else parse_agency(str(d)) for d in raw]
    raise ConfigError(f"{toml_path}: [coverage] agencies must be a table or a list")


def load_agencies(
    extra: Iterable[str | Agency] = (), *, config: str | Path | None = None, use_config: bool = True
) -> Agencies:
    """Packaged agencies + ``storytrace.toml``'s ``[coverage] agencies`` + ``extra`` specs."""
    more: list[Agency] = agencies_from_toml(config) if use_config else []
    more += [a if isinstance(a, Agency) else parse_agency(a) for a in extra]
    return default_agencies().extended(more)
