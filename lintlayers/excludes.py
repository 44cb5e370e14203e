"""Paths a run leaves out: the ``exclude`` and ``extend-exclude`` settings.

Patterns are the globs of ``per-file-ignores`` (``lintlayers.globs``), each relative to
the folder of the file that sets it (the current folder for the command line). A path
is excluded when it, or a folder above it, matches: a pattern without ``/`` (``testdata``)
names a file or folder at any depth below that base, as in ruff and ``.gitignore``.
"""

from __future__ import annotations

import os

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from re import Pattern

DEFAULT_EXCLUDE = (
    ".git", ".tox", ".venv", "__fixtures__", "__pycache__", "fixtures", "node_modules",
    "testdata", "testfiles", "venv",
)  # fmt: skip
"""What ``exclude`` is unless configured: folders of version control, virtualenvs and
caches, and folders of test inputs: ``testdata``, which Go's tools ignore (and
golangci-lint by default), ``fixtures`` and ``__fixtures__`` (pytest's, Rails', Jest's),
``testfiles`` (BuildKit's parser cases): their Dockerfiles are inputs of tests, not images
anyone builds to ship (folder discovery also skips every hidden folder and folder
symlinks)."""

_GLOB_CHARACTERS = frozenset("*?[")


class Excludes:
    """Exclusion patterns, each with its base folder."""

    __slots__ = ("_glob_patterns", "_globs", "_names", "patterns")

    def __init__(self, patterns: Sequence[tuple[str, str]]) -> None:
        self.patterns = tuple(patterns)
        """``(base folder, pattern)`` pairs, as configured."""
        names: dict[str, set[str]] = {}
        globs: list[tuple[str, str]] = []
        for base, pattern in self.patterns:
            if "/" in pattern or _GLOB_CHARACTERS.intersection(pattern):
                globs.append((base, pattern))
            else:  # a plain name: compared with each path segment, no regex to compile
                names.setdefault(_prefix(base), set()).add(pattern)
        self._names = [(prefix, frozenset(found)) for prefix, found in names.items()]
        self._glob_patterns = tuple(globs)
        self._globs: list[Pattern[str]] | None = None  # compiled when first needed

    def excludes(self, path: str, *, folder: bool = False, parents: bool = True) -> bool:
        """Whether ``path`` (a file, or a ``folder``) is excluded; with ``parents``, also
        when a folder above it is (folder discovery, which checks each folder it enters,
        asks without)."""
        absolute = os.path.abspath(path).replace(os.sep, "/")
        for prefix, names in self._names:
            if absolute.startswith(prefix):
                relative = absolute[len(prefix) :]
                segments = relative.split("/") if parents else (relative.rpartition("/")[2],)
                if not names.isdisjoint(segments):
                    return True
        if not self._glob_patterns:
            return False
        candidates = [absolute + "/", absolute] if folder else [absolute]
        if parents:
            parent = absolute.rpartition("/")[0]
            while parent:
                candidates.append(parent)
                parent = parent.rpartition("/")[0]
        globs = self._compiled()
        return any(glob.fullmatch(candidate) for glob in globs for candidate in candidates)

    def _compiled(self) -> list[Pattern[str]]:
        if self._globs is None:
            from lintlayers.globs import compile_glob

            self._globs = [compile_glob(base, glob) for base, glob in self._glob_patterns]
        return self._globs

    def __repr__(self) -> str:
        return f"Excludes({[pattern for _base, pattern in self.patterns]!r})"


def _prefix(base: str) -> str:
    return os.path.abspath(base).replace(os.sep, "/").rstrip("/") + "/"
