"""Whether a folder is plausibly the build context of a Dockerfile.

Without ``--context``, lintlayers assumes the Dockerfile's own folder, as
``docker build -f`` users often do. That guess is wrong for Dockerfiles kept
apart from their sources (a ``docker/`` folder, a collection of files), and
rules that read the context would then draw conclusions from files that are
simply elsewhere. The guess is kept only when the folder shows evidence.
"""

from __future__ import annotations

import os

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.syntax.nodes import Dockerfile

PROJECT_MARKERS = (
    ".dockerignore",
    ".git",
    "requirements.txt",
    "pyproject.toml",
    "setup.py",
    "Pipfile",
    "package.json",
    "go.mod",
    "Cargo.toml",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "Gemfile",
    "composer.json",
    "mix.exs",
)
"""Files whose presence says: this folder is a project, so likely the context."""

_WILDCARDS = frozenset("*?[")


def plausible_context(dockerfile: Dockerfile, folder: str, dockerfile_path: str) -> bool:
    """True when ``folder`` looks like the build context of ``dockerfile``."""
    if os.path.exists(dockerfile_path + ".dockerignore"):
        return True
    if any(os.path.exists(os.path.join(folder, name)) for name in PROJECT_MARKERS):
        return True
    from lintlayers.model.copy_args import LOCAL, copy_args

    for instruction in dockerfile.instructions:
        if instruction.effective.keyword not in ("COPY", "ADD"):
            continue
        parsed = copy_args(instruction)
        if not parsed.from_context:
            continue
        for source in parsed.sources:
            if source.kind != LOCAL:
                continue  # URLs, Git repositories, heredocs
            path = source.value.strip().lstrip("/")
            if path in ("", ".", "./") or _WILDCARDS & set(path) or "$" in path:
                continue
            if os.path.exists(os.path.join(folder, path)):
                return True
    return False
