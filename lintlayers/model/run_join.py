"""Joining two adjacent RUNs into one with ``&&``, when that keeps what they run.

``join_runs(context, first, second)`` is the fix of a "merge these RUNs" rule: one
edit that appends the commands of ``second`` to ``first`` in ``first``'s style (the
``run_edits.append_to_run`` helper: continuation character, indentation, leading or
trailing ``&&``) and deletes ``second``. It is None unless the merged RUN runs the
same commands in the same environment with the same outcome:

- the two are adjacent RUNs of one stage (blank lines between them at most: a
  comment there is taken as a reason to keep them apart), in the shell form, with
  no heredocs, under a POSIX shell, and with the same flags (``--mount``,
  ``--network``, ``--security``), so each command keeps its mounts;
- ``first`` leaves no shell state behind that ``second`` would then inherit: no
  ``cd``, ``export``, ``set`` (other than ``-e``/``-x``), ``umask``, bare variable
  assignment, ``exit``, ``exec``..., and no ``for`` loop variable that ``second``
  reads (a new shell ran ``second`` before);
- ``first`` ends with a simple command, not ``fi``, ``done`` or a trailing comment;
- ``second`` is a chain of pipelines joined by ``&&`` only: appended after ``&&``,
  a ``;`` or ``||`` in it would run its later commands even when ``first`` failed;
- the shells parsed both without errors.
"""

from __future__ import annotations

from itertools import pairwise

from lintlayers.lazy_re import lazy_compile
from lintlayers.model.variables import referenced_names
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.diagnostics import Edit
    from lintlayers.model.steps import Step
    from lintlayers.shell.commands import SimpleCommand
    from lintlayers.syntax.nodes import Instruction

SHELL_STATE = frozenset(
    {
        ".", "alias", "builtin", "cd", "declare", "enable", "eval", "exec", "exit", "export",
        "getopts", "hash", "let", "local", "mapfile", "popd", "pushd", "read", "readarray",
        "readonly", "return", "set", "shift", "shopt", "source", "trap", "typeset", "ulimit",
        "umask", "unalias", "unset",
    }
)  # fmt: skip
"""Commands whose effect outlives them in the shell (or end it): a later command sees it."""
_HARMLESS_SET = frozenset({"-e", "-x", "-ex", "-xe", "+e", "+x", "-o", "+o", "errexit", "xtrace"})
"""``set`` words that cannot change the outcome of an ``&&`` chain run after them."""
_LOOP_VARIABLE = lazy_compile(r"\b(?:for|select)\s+([A-Za-z_]\w*)\s+in\b")


def join_runs(context: RuleContext, first: Instruction, second: Instruction) -> Edit | None:
    """The edit merging ``second`` into ``first`` with ``&&``, or None (see the module)."""
    from lintlayers.diagnostics import Edit
    from lintlayers.model.run_edits import append_to_run
    from lintlayers.model.run_effects import effects

    if not _joinable_forms(context, first, second):
        return None
    step = _step(context, first)
    if step is None or not step.posix_shell:
        return None
    if not _leaves_no_state(context.commands(first)) or not _and_chain(context, second):
        return None
    if set(_LOOP_VARIABLE.findall(first.arguments)) & referenced_names(second.arguments):
        return None  # ``for f in ...`` leaves ``$f`` set for the commands after the loop
    source = context.source.text
    text = source[second.arguments_offset(0) : second.end]
    appended = append_to_run(effects(context, step), text)
    if appended is None or source[appended.start : second.start].strip():
        return None  # a comment between them, or text after the last command of ``first``
    return Edit(appended.start, second.end, appended.content)


def _joinable_forms(context: RuleContext, first: Instruction, second: Instruction) -> bool:
    """Adjacent shell-form RUNs of one stage, no heredocs, the same flags, parsed cleanly."""
    index = context.instruction_index(first)
    if index is None or context.instruction_index(second) != index + 1:
        return False
    for run in (first, second):
        if run.keyword != "RUN" or run.is_json or run.heredocs or run.errors:
            return False
        if not run.arguments.strip() or any(s.has_errors for s in context.scripts(run)):
            return False
    return _flags(first) == _flags(second)


def _flags(run: Instruction) -> list[tuple[str, str]]:
    """The RUN's flags in a fixed order; a flag without ``=`` (``--mount``) sorts first."""
    return sorted((flag.name, "" if flag.value is None else "=" + flag.value) for flag in run.flags)


def _step(context: RuleContext, run: Instruction) -> Step | None:
    from lintlayers.model.steps import step_of

    return step_of(context, run)


def _leaves_no_state(commands: list[SimpleCommand]) -> bool:
    """Whether no command changes the shell for the commands after it."""
    for command in commands:
        if not command.words:
            if command.assignments:
                return False  # ``NAME=value`` alone sets a shell variable
            continue
        names = {command.name, command.effective().name}
        if "set" in names and set(command.args) <= _HARMLESS_SET:
            continue
        if names & SHELL_STATE:
            return False
    return True


def _and_chain(context: RuleContext, run: Instruction) -> bool:
    """Whether the RUN's script is pipelines joined by ``&&`` only (no lists, no compounds)."""
    (script,) = context.scripts(run)
    text = script.text
    outer: list[SimpleCommand] = []
    for command in script.commands:  # in source order; nested ones lie inside an outer one
        if outer and command.start < outer[-1].end:
            continue
        outer.append(command)
    if not outer or text[: outer[0].start].strip() or text[outer[-1].end :].strip():
        return False
    return all(
        text[left.end : right.start].strip() in ("&&", "|") for left, right in pairwise(outer)
    )
