"""Where a file's project starts: the repository root, found without running git."""

from __future__ import annotations

import functools
import os


@functools.lru_cache(maxsize=256)
def repository_root(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` (absolute) that holds a ``.git`` (a
    folder, or a worktree's or submodule's file), None if none."""
    current = folder
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def project_root(folder: str) -> str:
    """The folder a run treats as the project of files in ``folder`` (absolute) when no
    config file says: its repository's root, else the working folder when ``folder`` is
    inside it (as ruff does), else ``folder`` itself."""
    root = repository_root(folder)
    if root is not None:
        return root
    here = os.getcwd()
    return here if os.path.commonpath([here, folder]) == here else folder
