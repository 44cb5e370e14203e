#!/usr/bin/env python3
"""Measure what ``apt-get install --no-install-recommends PACKAGE`` adds on this Debian.

The size of a package is the sum of the ``Installed-Size`` fields (KiB) of the package
and its ``Depends``/``Pre-Depends`` closure (first alternative of each), minus the base:
the ``Priority: required`` and ``Essential: yes`` packages and their closure (what
``debian:bookworm-slim`` holds, give or take). Reads ``apt-cache dumpavail`` only (run
``apt-get update`` first); installs nothing. Prints ``name<TAB>MB<TAB>packages added``
in decimal MB, the figures of ``lintlayers/model/size_estimates.py``.

Usage: ``python scripts/measure_apt_sizes.py PACKAGE ...``
"""

from __future__ import annotations

import subprocess
import sys


def available() -> dict[str, dict[str, str]]:
    """Each available package's first stanza of ``apt-cache dumpavail``, by name."""
    out = subprocess.run(
        ["apt-cache", "dumpavail"], capture_output=True, text=True, check=True
    ).stdout
    packages: dict[str, dict[str, str]] = {}
    for block in out.split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.split("\n"):
            if line.startswith(" ") and key:
                fields[key] += line
            elif ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if "Package" in fields:
            packages.setdefault(fields["Package"], fields)
    return packages


class Archive:
    """Dependency closures over the available packages (virtual names resolved)."""

    def __init__(self, packages: dict[str, dict[str, str]]) -> None:
        self.packages = packages
        self.provides: dict[str, str] = {}
        for name, fields in packages.items():
            for provided in fields.get("Provides", "").split(","):
                provided = provided.strip().split(" ")[0]
                if provided:
                    self.provides.setdefault(provided, name)

    def real(self, name: str) -> str | None:
        return name if name in self.packages else self.provides.get(name)

    def depends(self, name: str) -> list[str]:
        fields = self.packages[name]
        found = []
        for field in ("Pre-Depends", "Depends"):
            for alternatives in fields.get(field, "").split(","):
                first = alternatives.split("|")[0].strip().split(" ")[0].split(":")[0]
                if first:
                    found.append(first)
        return found

    def closure(self, names: list[str]) -> set[str]:
        seen: set[str] = set()
        stack = [real for real in map(self.real, names) if real]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            stack.extend(real for real in map(self.real, self.depends(name)) if real)
        return seen

    def installed_kib(self, names: set[str]) -> int:
        return sum(int(self.packages[name].get("Installed-Size", "0")) for name in names)


def main(names: list[str]) -> None:
    archive = Archive(available())
    required = [
        name
        for name, fields in archive.packages.items()
        if fields.get("Priority") == "required" or fields.get("Essential") == "yes"
    ]
    base = archive.closure(required)
    for name in names:
        added = archive.closure([name]) - base
        megabytes = archive.installed_kib(added) * 1024 / 1e6
        print(f"{name}\t{megabytes:.1f}\t{len(added)}")


if __name__ == "__main__":
    main(sys.argv[1:])
