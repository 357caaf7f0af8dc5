#!/usr/bin/env python3
"""Fail when a runtime dependency of storytrace has a licence that does not fit Apache-2.0.

Walks the installed distribution metadata (``importlib.metadata``) from storytrace's base
``dependencies`` and the ``web`` and ``spark`` extras, recursively (the ``test``
and ``bench`` extras are not shipped to users and are not checked). Each distribution's
licence is read from ``License-Expression``, else the ``License ::`` classifiers, else the
free-text ``License`` field. Run it in the environment storytrace is installed in::

    python .ci/licences.py            # exit 1 with a list when a licence is not allowed
    python .ci/licences.py --list     # also print every dependency and its licence
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = "storytrace"
EXTRAS = ("web", "spark")

# SPDX ids whose terms fit in an Apache-2.0 project (the ASF's "category A" permissive
# licences), plus the MPL (file-level copyleft, the ASF's "category B": fine to depend on
# as an unmodified, separately installed package; certifi and tqdm are MPL-2.0, tld offers
# MPL-1.1). CNRI-Python is the permissive licence of Python 1.6 (regex carries it for code
# taken from CPython); PSF-2.0 / Python-2.0 are Python's own.
ALLOWED = {
    "0BSD", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "BSD-3-Clause-Clear", "HPND", "ISC",
    "MIT", "MIT-0", "PSF-2.0", "Python-2.0", "CNRI-Python", "Unlicense", "Zlib", "CC0-1.0",
    "MPL-2.0", "MPL-1.1",
}
# Classifier and free-text spellings seen in package metadata -> SPDX id.
ALIASES = {
    "apache software license": "Apache-2.0",
    "apache 2.0": "Apache-2.0",
    "apache-2.0": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
    "apache license, version 2.0": "Apache-2.0",
    "apache license version 2.0": "Apache-2.0",
    "apache 2": "Apache-2.0",
    "mit license": "MIT",
    "mit": "MIT",
    "bsd license": "BSD-3-Clause",  # the classifier does not say which BSD; all fit
    "bsd": "BSD-3-Clause",
    "bsd-2-clause": "BSD-2-Clause",
    "bsd-3-clause": "BSD-3-Clause",
    "new bsd": "BSD-3-Clause",
    "new bsd license": "BSD-3-Clause",
    "3-clause bsd license": "BSD-3-Clause",
    "isc license (iscl)": "ISC",
    "isc license": "ISC",
    "isc": "ISC",
    "python software foundation license": "PSF-2.0",
    "psf": "PSF-2.0",
    "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0",
    "mpl-2.0": "MPL-2.0",
    "the unlicense (unlicense)": "Unlicense",
    "unlicense": "Unlicense",
    "historical permission notice and disclaimer (hpnd)": "HPND",
    "zlib/libpng license": "Zlib",
    "cc0 1.0 universal (cc0 1.0) public domain dedication": "CC0-1.0",
}
# Judgement calls on distributions whose metadata is wrong: name -> (licence, text its licence
# file must contain for the call to stand, reason). A new release with another licence text
# fails the check instead of passing silently.
OVERRIDES: dict[str, tuple[str, str, str]] = {
    "locate": (
        "MIT",
        "Permission is hereby granted, free of charge",
        "wordfreq needs it; its classifier says Other/Proprietary but the LICENSE file in the "
        "wheel is the MIT licence text",
    ),
}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def allowed(expression: str) -> bool:
    """Whether an SPDX expression fits: every part of an AND, at least one side of an OR.
    "X WITH exception" counts as X (an exception only adds permissions)."""
    tokens = re.findall(r"\(|\)|[^\s()]+", expression)
    pos = 0

    def term() -> bool:
        nonlocal pos
        tok = tokens[pos] if pos < len(tokens) else ""
        pos += 1
        if tok == "(":
            ok = either()
            pos += 1  # ")"
        else:
            ok = tok in ALLOWED
        if pos < len(tokens) and tokens[pos].upper() == "WITH":
            pos += 2
        return ok

    def both() -> bool:
        nonlocal pos
        ok = term()
        while pos < len(tokens) and tokens[pos].upper() == "AND":
            pos += 1
            ok = term() and ok
        return ok

    def either() -> bool:
        nonlocal pos
        ok = both()
        while pos < len(tokens) and tokens[pos].upper() == "OR":
            pos += 1
            ok = both() or ok
        return ok

    return bool(tokens) and either() and pos >= len(tokens)


def _field(dist: metadata.Distribution, name: str) -> str:
    values = dist.metadata.get_all(name) or []
    return str(values[0]).strip() if values else ""


def _licence_texts(dist: metadata.Distribution) -> str:
    files = [f for f in dist.files or [] if re.search(r"(?i)licen[cs]e|copying", f.name)]
    paths = [Path(f.locate()) for f in files]
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in paths)


def licence(dist: metadata.Distribution) -> str:
    """``dist``'s licence as an SPDX expression, or the raw text when it maps to nothing:
    ``License-Expression``, else the ``License ::`` classifiers (all of them apply), else the
    first line of the free-text ``License`` field."""
    name = _norm(dist.metadata["Name"])
    if name in OVERRIDES:
        spdx, marker, _ = OVERRIDES[name]
        return spdx if marker in _licence_texts(dist) else f"UNKNOWN (override for {name} no longer holds)"
    expr = _field(dist, "License-Expression")
    if expr:
        return expr
    found: list[str] = []
    for c in dist.metadata.get_all("Classifier") or []:
        if c.startswith("License ::") and c != "License :: OSI Approved":
            leaf = c.split("::")[-1].strip()
            found.append(ALIASES.get(leaf.lower(), leaf))
    if found:
        return " AND ".join(dict.fromkeys(found))
    text = _field(dist, "License")
    if text:
        first = text.splitlines()[0].strip()
        return ALIASES.get(first.lower(), first)
    return "UNKNOWN"


def _requirements(dist: metadata.Distribution, extras: tuple[str, ...]) -> list[Requirement]:
    out = []
    for line in dist.requires or []:
        req = Requirement(line)
        env = {"extra": ""}
        if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in extras) or (
            req.marker.evaluate(env)
        ):
            out.append(req)
    return out


def walk() -> dict[str, metadata.Distribution]:
    """Every distribution storytrace's runtime (base + ``EXTRAS``) pulls in, by name."""
    seen: dict[str, metadata.Distribution] = {}
    todo: list[tuple[str, tuple[str, ...]]] = [(ROOT, EXTRAS)]
    while todo:
        name, extras = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise SystemExit(f"licences: {name} is required but not installed") from None
        key = _norm(dist.metadata["Name"])
        first = key not in seen
        seen[key] = dist
        for req in _requirements(dist, extras):
            if _norm(req.name) == _norm(ROOT):  # storytrace[web] naming itself
                continue
            if first or req.extras:
                todo.append((req.name, tuple(sorted(req.extras))))
    return seen


def main(argv: list[str]) -> int:
    dists = walk()
    bad: list[str] = []
    for key, dist in sorted(dists.items()):
        if key == ROOT:
            continue
        lic = licence(dist)
        ok = allowed(lic)
        line = f"{dist.metadata['Name']} {dist.version}: {lic}"
        if "--list" in argv:
            print(("  " if ok else "! ") + line)
        if not ok:
            bad.append(line)
    if bad:
        print("Licences not on the allow list of .ci/licences.py (Apache-2.0-compatible):")
        for line in bad:
            print("  " + line)
        print("Replace the dependency, or add a reasoned entry to OVERRIDES/ALIASES.")
        return 1
    print(f"licences: {len(dists) - 1} runtime dependencies, all on the allow list")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
