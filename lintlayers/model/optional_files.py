"""Commands that run only when an optional file of the build context was copied.

Templates copy a file that may be missing with a glob that can match nothing, beside a
file that is always there so that the COPY never fails, and run a command only when the
file came (the dev container templates' idiom)::

    COPY environment.yml* noop.txt /tmp/conda-tmp/
    RUN if [ -f /tmp/conda-tmp/environment.yml ]; then conda env update -f ...; fi

Without the build context nothing says such a command runs; with it, the glob's matches
in the context do.
"""

from __future__ import annotations

import posixpath
from fnmatch import fnmatchcase

from lintlayers.lazy_re import lazy_compile
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.model.run_effects import RunEffects

_GUARD = lazy_compile(
    r"""(?:^|[\s;&|(])if\s+(?:\[\[?|test)\s+-[fesr]\s+(["']?)([^\s"';\]]+)\1\s*\]?\]?\s*;?\s*then(?=\s)"""
)
"""``if [ -f path ]; then`` (``[[ -e "path" ]]``, ``test -s path``): a branch that runs only
when the file exists. The shell model keeps simple commands, not the tests of an ``if``."""
_CLOSED = lazy_compile(r"(?:^|[\s;&|])(?:fi|else|elif)(?:$|[\s;&|])")


def runs_only_with_optional_file(run: RunEffects, index: int) -> bool:
    """Whether command ``index`` of ``run`` runs only when a file exists that an earlier
    COPY of the stage brings only if the build context has it (a glob source), and the
    build context is unknown or does not have it."""
    scripts = run.scripts
    if not scripts:
        return False
    text = scripts[index].text
    start = run.commands[index].start
    guards = list(_GUARD.finditer(text, 0, start))
    if not guards:
        return False
    guard = guards[-1]
    if _CLOSED.search(text, guard.end(), start):
        return False
    target = run.resolve(index, guard.group(2))
    return "$" not in target and _optional_copy(run, target)


def _optional_copy(run: RunEffects, target: str) -> bool:
    """Whether the last COPY of the stage that brings ``target`` brings it through a glob
    that may match nothing, and the build context does not show that it matches."""
    from lintlayers.model.context_copies import GLOB, context_copy, normal
    from lintlayers.model.steps import sequences

    context = run.context
    escape = context.dockerfile.escape
    for steps in sequences(context):
        if run.step not in steps:
            continue
        position = steps.index(run.step)
        for step in reversed(steps[:position]):
            if step.keyword not in ("COPY", "ADD"):
                continue
            copy = context_copy(0, step.instruction, step.workdir, step.env, escape)
            if copy is None or posixpath.dirname(target) != copy.dest.rstrip("/"):
                continue
            name = posixpath.basename(target)
            for value, _, _ in copy.sources:
                pattern = posixpath.basename(value.rstrip("/"))
                if pattern == name:
                    return False  # named: the COPY fails without it
                if GLOB.search(pattern) and fnmatchcase(name, pattern):
                    return not _in_context(context.context_dir, normal(value), name)
        return False
    return False


def _in_context(context_dir: str | None, source: str, name: str) -> bool:
    """Whether the build context holds ``name`` where the glob ``source`` looks."""
    if context_dir is None:
        return False
    import os

    folder = posixpath.dirname(source)
    if any(char in folder for char in "*?["):
        return True  # a glob in a folder: not worth resolving, taken as there
    return os.path.isfile(os.path.join(context_dir, folder, name))
