"""Which files of the build context a stage can hold before one of its steps.

A stage that starts from an image (not a stage of this file; not ONBUILD triggers,
which run with a child's context) and ran no RUN yet holds, besides the image's own
files, only what its COPY/ADD brought from the build context. Without the context only
named files are known (``COPY go.mod main.go ./``); with it (``--context``), what a
folder or a pattern brings is read from it too. ``StageFiles`` answers "can the stage
hold a file named like this?" and gives those files as a manifests ``Tree``.
"""

from __future__ import annotations

import os
import posixpath
from fnmatch import fnmatchcase

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.model.context_copies import ContextCopy
    from lintlayers.model.manifests import Tree
    from lintlayers.model.steps import Step

MAX_FILES = 20_000
"""How many context files one COPY may bring before the answer is "unknown"."""


class StageFiles:
    """The build-context files a stage holds before one step, when that is known.

    ``known`` is False when something else may have put files in the stage (a RUN,
    another stage, a URL, an unpacked archive, a base stage of this file, ONBUILD).
    """

    __slots__ = ("context_dir", "escape", "known", "steps")

    def __init__(
        self, steps: list[Step], known: bool, context_dir: str | None, escape: str = "\\"
    ) -> None:
        self.steps = steps  # the COPY/ADD before the step
        self.known = known
        self.context_dir = context_dir
        self.escape = escape

    def holds_none(self, patterns: tuple[str, ...]) -> bool:
        """Whether the stage surely holds no file named like one of ``patterns``
        (``go.sum``): without the context, every COPY/ADD named its files, none of
        them such a file; with it, no file they bring is."""
        if not self.known:
            return False
        for step in self.steps:
            names = self._names(step)
            if names is None or any(_matches(name, patterns) for name in names):
                return False
        return True

    def tree(self) -> Tree | None:
        """The files the COPY/ADD brought, by their image path (``None`` without the
        build context, or when a COPY's destination is not known)."""
        if not self.known or self.context_dir is None:
            return None
        from lintlayers.model.context_copies import brings, context_copy
        from lintlayers.model.manifests import Tree

        copies: list[ContextCopy] = []
        for index, step in enumerate(self.steps):
            workdir = step.workdir
            copy = context_copy(index, step.instruction, workdir, step.env, self.escape)
            if copy is None or "$" in workdir:
                return None
            copies.append(copy)
        root = self.context_dir

        def source_of(path: str) -> str | None:
            for copy in reversed(copies):
                found = brings(copy, path, root, narrow=True)
                if found is None:
                    found = brings(copy, path, root, narrow=False)
                if found is not None:
                    return found
            return None

        return Tree(root, source_of)

    def _names(self, step: Step) -> list[str] | None:
        """The names of the files one COPY/ADD brings (``None``: unknown)."""
        from lintlayers.model.copy_args import ADD_ARCHIVE_SUFFIXES
        from lintlayers.model.steps import copy_sources

        parsed = step.copy_args
        if not parsed.from_context or len(parsed.local_sources) != len(parsed.sources):
            return None  # another stage or image, a URL, a git repository, a heredoc
        names: list[str] = []
        for source in copy_sources(step):
            name = source.rstrip("/").rpartition("/")[2]
            if "$" in source:
                return None
            if step.keyword == "ADD" and name.lower().endswith(ADD_ARCHIVE_SUFFIXES):
                return None  # unpacked into the destination
            if self.context_dir is not None:
                found = _context_names(self.context_dir, source)
                if found is None:
                    return None
                names += found
                continue
            from lintlayers.model.file_names import looks_like_file

            if not name or not looks_like_file(name.lstrip("*?")):
                return None  # a folder (its tree may hold anything)
            names.append(name)
        return names


def stage_files(context: RuleContext, steps: list[Step], position: int) -> StageFiles:
    """What a stage holds from the build context before ``steps[position]`` (``steps``:
    a sequence of ``model.steps.sequences``). The COPY/ADD before the sequence's first
    RUN are found once per sequence, not again for each step asked about."""
    context_dir = context.context_dir
    escape = context.dockerfile.escape
    if position <= 0 or steps[0].onbuild or steps[0].stage.base_stage is not None:
        return StageFiles([], False, context_dir, escape)
    openings = context.analysis(_openings)
    opening = openings.get(id(steps[0]))
    if opening is None:
        opening = openings[id(steps[0])] = _opening(steps)
    first_run, copies = opening
    if position > first_run:
        return StageFiles([], False, context_dir, escape)  # a RUN may have put anything
    taken = [step for index, step in copies if index < position]
    return StageFiles(taken, True, context_dir, escape)


def _openings(context: RuleContext) -> dict[int, tuple[int, list[tuple[int, Step]]]]:
    """``_opening`` of each sequence asked about, by ``id()`` of its first step."""
    return {}


def _opening(steps: list[Step]) -> tuple[int, list[tuple[int, Step]]]:
    """The position of the first RUN of ``steps`` (their length without one) and the
    COPY/ADD before it, with their positions."""
    copies: list[tuple[int, Step]] = []
    for index, step in enumerate(steps):
        if step.keyword == "RUN":
            return index, copies
        if step.keyword in ("COPY", "ADD"):
            copies.append((index, step))
    return len(steps), copies


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatchcase(name, pattern) or fnmatchcase(pattern, name) for pattern in patterns)


def _context_names(root: str, source: str) -> list[str] | None:
    """The names of the context files a COPY source brings (a file, the files a
    pattern matches, every file under a folder); ``None`` when too many."""
    import glob

    from lintlayers.model.context_copies import GLOB, normal

    path = normal(source)
    full = os.path.join(root, path)
    matched = glob.glob(full) if GLOB.search(path) else [full]
    names: list[str] = []
    for item in matched:
        if not os.path.isdir(item):
            names.append(posixpath.basename(item.replace(os.sep, "/")) or path)
            continue
        for _, folders, files in os.walk(item):
            folders.sort()
            names += files
            if len(names) > MAX_FILES:
                return None
    return names
