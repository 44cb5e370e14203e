"""Paths inside an image: normalizing, joining, containment, shell globs, variables.

The pure string work the Dockerfile models share: resolve a path against a
working directory, tell whether one path holds another or whether a removed
pattern covers it, and expand the variables whose values are known.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

from lintlayers.lazy_re import lazy_compile
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

_VARIABLE = lazy_compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)
TYPICAL_CHILD_NAME = "file"
"""A typical entry name inside a directory: ``covers``' default ``child``."""


def normalize(path: str) -> str:
    """An absolute path without ``.``/``..``/duplicate slashes or a trailing slash."""
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def join(base: str, path: str) -> str:
    """``path`` resolved against the directory ``base``, normalized."""
    if path.startswith("/"):
        return normalize(path)
    return normalize(base + "/" + path)


def is_within(path: str, parent: str) -> bool:
    """Whether normalized ``path`` is ``parent`` or inside it."""
    return path == parent or parent == "/" or path.startswith(parent + "/")


def has_glob(text: str) -> bool:
    """Whether ``text`` holds a shell glob character (``*``, ``?`` or ``[``)."""
    return any(char in text for char in "*?[")


def covers(pattern: str, path: str, child: str | None = TYPICAL_CHILD_NAME) -> bool:
    """Whether removing ``pattern`` (a path or shell glob) removes ``path`` or all it holds.

    True when the pattern names ``path``, an ancestor of it, or (with ``child``,
    a typical file name) every entry of ``path``, as ``/var/lib/apt/lists/*`` does.
    Globs match one path component each and skip hidden names, like a shell.
    """
    target = _parts(path)
    for expanded in _braces(pattern):
        parts = _parts(expanded)
        if _prefix_match(parts, target):
            return True
        if child is not None and _prefix_match(parts, [*target, child]):
            return True
    return False


def _parts(path: str) -> list[str]:
    return [part for part in normalize(path).split("/") if part]


def _prefix_match(pattern: list[str], path: list[str]) -> bool:
    if len(pattern) > len(path):
        return False
    for glob, name in zip(pattern, path, strict=False):
        if glob == name:
            continue
        if not has_glob(glob) or not fnmatchcase(name, glob):
            return False
        if name.startswith(".") and not glob.startswith("."):
            return False
    return True


def _braces(pattern: str) -> list[str]:
    """One level of ``{a,b}`` expansion."""
    start = pattern.find("{")
    end = pattern.find("}", start + 1)
    if start == -1 or end == -1 or "," not in pattern[start:end]:
        return [pattern]
    head, tail = pattern[:start], pattern[end + 1 :]
    return [head + choice + tail for choice in pattern[start + 1 : end].split(",")]


def expand_known(text: str, env: Mapping[str, str]) -> str:
    """Expand ``$NAME``/``${NAME}``/``${NAME:-x}`` whose value is known; keep the rest."""
    if "$" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        value = env.get(name)
        if value is not None:
            return value
        default = match.group(2)
        return default if default is not None and "$" not in default else match.group(0)

    return _VARIABLE.sub(replace, text)


def clone_directory(url: str) -> str:
    """The folder ``git clone URL`` creates without a directory argument (``""`` if none)."""
    return url.rstrip("/").rpartition("/")[2].removesuffix(".git")
