"""Which files to lint: explicit files as given, Dockerfiles found under directories."""

from __future__ import annotations

import os

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    Excluded = Callable[[str, bool, bool], bool]
    """Whether a path (a folder when the second argument says so), named on the command
    line when the third does, is left out of the run."""

EXACT_NAMES = frozenset(("Dockerfile", "Containerfile", "dockerfile"))
NAME_PREFIXES = ("Dockerfile.", "Containerfile.", "dockerfile.")
NAME_SUFFIXES = (".Dockerfile", ".dockerfile", ".Containerfile")
NOT_DOCKERFILE_SUFFIXES = (".dockerignore", ".containerignore")

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


def discover(paths: Sequence[str], excluded: Excluded | None = None) -> list[str]:
    """The files to lint for ``paths``: sorted, without duplicates.

    A file is taken whatever its name (``-`` for standard input passes through);
    a directory is walked for Dockerfile names, skipping VCS, virtualenv, cache
    and hidden folders and not following symlinked folders. ``excluded`` is asked about
    each path given and each file and folder found (configured exclusions).
    """
    found: set[str] = set()
    for path in paths:
        if path == "-":
            found.add(path)
        elif os.path.isdir(path):
            if excluded is None or not excluded(path, True, True):
                _walk(path, found, excluded)
        elif os.path.exists(path):
            if excluded is None or not excluded(path, False, True):
                found.add(os.path.normpath(path))
        else:
            raise DiscoveryError(f"{path}: no such file or directory")
    return sorted(found)


def _walk(top: str, found: set[str], excluded: Excluded | None) -> None:
    for folder, dirnames, filenames in os.walk(top):
        dirnames[:] = [
            name
            for name in dirnames
            if not _skipped_dir(folder, name)
            and (excluded is None or not excluded(os.path.join(folder, name), True, False))
        ]
        for name in filenames:
            if is_dockerfile_name(name):
                path = os.path.join(folder, name)
                if os.path.isfile(path) and (  # isfile drops dangling symlinks
                    excluded is None or not excluded(path, False, False)
                ):
                    found.add(os.path.normpath(path))


def _skipped_dir(folder: str, name: str) -> bool:
    if name.startswith("."):
        return True
    return os.path.islink(os.path.join(folder, name))
