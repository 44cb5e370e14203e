"""Which files to lint: explicit files as given, Dockerfiles found under directories."""

from __future__ import annotations

import os

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

EXACT_NAMES = frozenset(("Dockerfile", "Containerfile", "dockerfile"))
NAME_PREFIXES = ("Dockerfile.", "Containerfile.", "dockerfile.")
NAME_SUFFIXES = (".Dockerfile", ".dockerfile", ".Containerfile")
NOT_DOCKERFILE_SUFFIXES = (".dockerignore", ".containerignore")
SKIPPED_DIRS = frozenset((".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"))

PRE_COMMIT_FILES_PATTERN = (
    r"(^|/)(?![^/]*\.(dockerignore|containerignore)$)"
    r"((Dockerfile|Containerfile|dockerfile)(\.[^/]+)?|[^/]+\.(Dockerfile|dockerfile|Containerfile))$"
)
"""The same names as :func:`is_dockerfile_name`, as a ``files:`` regex for pre-commit."""


class DiscoveryError(Exception):
    """A path given on the command line that does not exist."""


def is_dockerfile_name(name: str) -> bool:
    """Whether a file called ``name`` (a base name) is linted when found in a directory.

    ``Dockerfile``, ``Containerfile``, ``Dockerfile.*``, ``Containerfile.*``,
    ``*.Dockerfile``, ``*.dockerfile``, ``*.Containerfile`` and lowercase
    ``dockerfile``/``dockerfile.*``; never ``*.dockerignore``/``*.containerignore``.
    """
    if name in EXACT_NAMES:
        return True
    if name.endswith(NOT_DOCKERFILE_SUFFIXES):
        return False
    if name.startswith(NAME_PREFIXES) and name not in NAME_PREFIXES:
        return True
    return name.endswith(NAME_SUFFIXES) and name not in NAME_SUFFIXES


def discover(paths: Sequence[str]) -> list[str]:
    """The files to lint for ``paths``: sorted, without duplicates.

    A file is taken whatever its name (``-`` for standard input passes through);
    a directory is walked for Dockerfile names, skipping VCS, virtualenv, cache
    and hidden folders and not following symlinked folders.
    """
    found: set[str] = set()
    for path in paths:
        if path == "-":
            found.add(path)
        elif os.path.isdir(path):
            _walk(path, found)
        elif os.path.exists(path):
            found.add(os.path.normpath(path))
        else:
            raise DiscoveryError(f"{path}: no such file or directory")
    return sorted(found)


def _walk(top: str, found: set[str]) -> None:
    for folder, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if not _skipped_dir(folder, d)]
        for name in filenames:
            if is_dockerfile_name(name):
                path = os.path.join(folder, name)
                if os.path.isfile(path):  # drops dangling symlinks
                    found.add(os.path.normpath(path))


def _skipped_dir(folder: str, name: str) -> bool:
    if name in SKIPPED_DIRS or name.startswith("."):
        return True
    return os.path.islink(os.path.join(folder, name))
