"""The one file-name guess (lintlayers.model.file_names): manifest and lockfile names."""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest

from lintlayers.model.ecosystems import ECOSYSTEMS
from lintlayers.model.file_names import _is_manifest


def _table_patterns() -> list[str]:
    return [
        pattern.rpartition("/")[2]
        for entry in ECOSYSTEMS
        for pattern in (*entry.manifests, *entry.lockfiles)
        if not pattern.endswith("/")
    ]


def _names() -> list[str]:
    """Every table name, each pattern filled in, and names that must not match."""
    names = set()
    for pattern in _table_patterns():
        names.update({pattern, pattern.replace("*", "app"), pattern.replace("*", "")})
    names.update({"src", "app.py", "Gemfile.bak", "go.mod.old", "node_modules", "x.csproj.user"})
    return sorted(names)


@pytest.mark.parametrize("name", _names())
def test_manifest_names_are_the_table_patterns(name: str) -> None:
    """Literal names are a set lookup, wildcard ones fnmatch: the same answer as matching
    every pattern of the table."""
    expected = any(fnmatchcase(name, pattern) for pattern in _table_patterns())
    assert _is_manifest(name) is expected


def test_a_plain_name_compiles_no_pattern() -> None:
    """Telling ``Gemfile`` or ``src`` from a manifest needs no fnmatch pattern compiled."""
    import fnmatch

    fnmatch._compile_pattern.cache_clear()  # type: ignore[attr-defined]
    _is_manifest.cache_clear()
    assert _is_manifest("Gemfile") is True
    assert fnmatch._compile_pattern.cache_info().currsize == 0  # type: ignore[attr-defined]
