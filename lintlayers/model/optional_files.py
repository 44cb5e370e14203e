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

import bisect
import posixpath
from fnmatch import fnmatchcase

from lintlayers.lazy_re import lazy_compile
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.model.context_copies import ContextCopy
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.steps import Step

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
    if not run.step.posix_shell:
        return False
    script = run.script_of(index)
    guards = run.context.analysis(_Guards).of(script.text)
    if not guards[0]:
        return False
    start = run.commands[index].start
    at = bisect.bisect_right(guards[0], start) - 1  # the last guard that ends before it
    if at < 0 or start >= guards[1][at]:
        return False  # none, or its branch closed before the command
    target = run.resolve(index, guards[2][at])
    return "$" not in target and _optional_copy(run, target)


class _Guards:
    """The file-test guards of each script text, found once a lint: where each ``if [ -f
    path ]; then`` ends, where its branch closes (the next ``fi``, ``else`` or ``elif``),
    and the path, as three lists in the order of the text (so a question is a bisection:
    linear in the RUN's length however many installs it holds)."""

    __slots__ = ("_found",)

    def __init__(self, context: RuleContext) -> None:
        self._found: dict[str, tuple[list[int], list[int], list[str]]] = {}

    def of(self, text: str) -> tuple[list[int], list[int], list[str]]:
        found = self._found.get(text)
        if found is None:
            found = self._found[text] = ([], [], [])
            if "if" in text:
                closings = [match.start() for match in _CLOSED.finditer(text)]
                for match in _GUARD.finditer(text):
                    at = bisect.bisect_left(closings, match.end())
                    found[0].append(match.end())
                    found[1].append(closings[at] if at < len(closings) else len(text))
                    found[2].append(match.group(2))
        return found


def _optional_copy(run: RunEffects, target: str) -> bool:
    """Whether the last COPY of the stage into ``target``'s folder names it through a glob
    that may match nothing, and the build context does not show that it matches."""
    from lintlayers.model.context_copies import GLOB, normal

    context = run.context
    found = context.analysis(_Copies).last_into(context, run.step, posixpath.dirname(target))
    if found is None:
        return False
    name = posixpath.basename(target)
    for value, _, _ in found.sources:
        pattern = posixpath.basename(value.rstrip("/"))
        if pattern == name:
            return False  # named: the COPY fails without it
        if GLOB.search(pattern) and fnmatchcase(name, pattern):
            return not _in_context(context.context_dir, normal(value), name)
    return False


class _Copies:
    """The COPY/ADD from the build context of each sequence by destination folder, with
    their positions, listed in one pass a sequence: finding the last one into a folder
    before a step is a bisection."""

    __slots__ = ("_by_sequence", "_where")

    def __init__(self, context: RuleContext) -> None:
        from lintlayers.model.steps import sequences

        self._where: dict[Step, tuple[int, int]] = {}
        for number, steps in enumerate(sequences(context)):
            for position, step in enumerate(steps):
                self._where[step] = (number, position)
        self._by_sequence: dict[int, dict[str, tuple[list[int], list[ContextCopy]]]] = {}

    def last_into(self, context: RuleContext, step: Step, folder: str) -> ContextCopy | None:
        """The last COPY/ADD of ``step``'s sequence before it whose destination is
        ``folder``."""
        where = self._where.get(step)
        if where is None:
            return None
        number, position = where
        by_folder = self._by_sequence.get(number)
        if by_folder is None:
            by_folder = self._by_sequence[number] = _copies_by_folder(context, number)
        found = by_folder.get(folder)
        if found is None:
            return None
        at = bisect.bisect_left(found[0], position) - 1
        return found[1][at] if at >= 0 else None


def _copies_by_folder(
    context: RuleContext, number: int
) -> dict[str, tuple[list[int], list[ContextCopy]]]:
    from lintlayers.model.context_copies import context_copy
    from lintlayers.model.steps import sequences

    escape = context.dockerfile.escape
    by_folder: dict[str, tuple[list[int], list[ContextCopy]]] = {}
    for position, step in enumerate(sequences(context)[number]):
        if step.keyword not in ("COPY", "ADD"):
            continue
        copy = context_copy(position, step.instruction, step.workdir, step.env, escape)
        if copy is not None:
            entry = by_folder.setdefault(copy.dest.rstrip("/") or "/", ([], []))
            entry[0].append(position)
            entry[1].append(copy)
    return by_folder


def _in_context(context_dir: str | None, source: str, name: str) -> bool:
    """Whether the build context holds ``name`` where the glob ``source`` looks."""
    if context_dir is None:
        return False
    import os

    folder = posixpath.dirname(source)
    if any(char in folder for char in "*?["):
        return True  # a glob in a folder: not worth resolving, taken as there
    return os.path.isfile(os.path.join(context_dir, folder, name))
