"""Which command of a RUN may read any variable of its environment without naming it.

A build tool, a script or a package script runs project code, which may read any
variable; ``pip install flask`` or ``apt-get install curl`` read only the ones they
document. The answer is the project's one definition of "this RUN reads its
environment": rule LL102 uses it to find where a per-build variable is first used,
the reorder engine to decide whether a RUN may cross an ARG/ENV. What each command
reads is the command table's ``env`` field (``model.commands.COMMANDS``); this module
holds the mechanism, and what no table entry can say: a program given by its path or
a script name is a script.

``command_environment`` answers the other question about a command's environment:
which variables it runs with, the stage's whole ARG/ENV scope included.
"""

from __future__ import annotations

from collections import ChainMap

from lintlayers.model.commands import (
    COMMANDS,
    COMPILE,
    ENV_ANY,
    ENV_BUILDS,
    ENV_CODE,
    ENV_SCRIPTS,
    PACKAGE_COMMANDS,
    SOURCED_FILES,
    work_of,
)
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lintlayers.context import RuleContext
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.scope_values import ScopeCursor
    from lintlayers.shell.commands import SimpleCommand
    from lintlayers.syntax.nodes import Instruction

SCRIPT_SUFFIXES = (".sh", ".bash", ".py", ".pl", ".rb", ".js", ".mjs", ".ps1")
"""A program with one of these names is a script."""


def environment_reader(context: RuleContext, run: Instruction) -> str:
    """A command of ``run`` that may read any variable of its environment, or ``""``.

    Answered once per RUN of the file (``RuleContext.analysis``)."""
    readers = context.analysis(environment_readers)
    found = readers.get(id(run))
    if found is None:  # an instruction that is not one of the file's own
        found = _reader(context, run)
    return found


def environment_readers(context: RuleContext) -> dict[int, str]:
    """``id()`` of each RUN of the file (ONBUILD's wrapped one included) -> its reader."""
    return {id(run): _reader(context, run) for run in context.instructions("RUN")}


def _reader(context: RuleContext, run: Instruction) -> str:
    for command in context.commands(run):
        found = command_reads_environment(command.effective())
        if found:
            return found
    return ""


def command_reads_environment(view: SimpleCommand) -> str:
    """What in one command (its effective view) may read any variable of its environment
    (a script, a build tool, a package script, an interpreter running a file, a build),
    or ``""``: the command table's ``env`` answer (``model.commands``).

    The RUN model (``model.commands.command_facts``) answers with it per command."""
    if not view.words:
        return ""
    program = view.words[0].value
    name = view.name
    if "/" in program or name.endswith(SCRIPT_SUFFIXES):
        return program
    entry = COMMANDS.get(name)
    if entry is None:
        return ""
    env = entry.env
    positional = view.positional_args()
    if env == ENV_ANY:
        if name in (".", "source") and positional[:1] and positional[0] in SOURCED_FILES:
            return ""  # ``. /etc/os-release``: plain assignments
        return program
    if env == ENV_SCRIPTS:
        if positional and positional[0] not in PACKAGE_COMMANDS:
            return f"{name} {positional[0]}"
        return ""
    if env == ENV_CODE:
        if (positional or "-m" in view.args) and "-c" not in view.args:
            return f"{name} {(positional or view.args)[0]}"
        return ""
    if env == ENV_BUILDS:
        cost, _ = work_of([word.value for word in view.words])
        if cost == COMPILE:
            return f"{name} {positional[0]}" if positional else name
    return ""


def command_environment(context: RuleContext, run: RunEffects, index: int) -> Mapping[str, str]:
    """The variables command ``index`` of a RUN runs with: the stage's whole ARG/ENV
    scope, the RUN's own exports and the command's ``NAME=value`` prefixes.

    ``RunEffects.command_env`` keeps of the scope only the names the RUN refers to (and
    those that move caches); a tool also reads variables the RUN never names
    (``ENV GOFLAGS=-mod=vendor`` before ``RUN go build``). An ONBUILD trigger runs in a
    child build, whose scope is not this file's: it gets the RUN's own variables only.
    Valid until the next question: the scope's values are walked in file order
    (``model.scope_values``), neither merged again nor kept for each RUN."""
    own = run.command_env(index)
    step = run.step
    if step.onbuild:
        return own
    scope = context.analysis(_cursor).before(step.stage, run.instruction)
    if scope is None:
        return own
    if all(scope.get(name) == value for name, value in own.items()):
        return scope
    return ChainMap(own, scope)


def _cursor(context: RuleContext) -> ScopeCursor:
    from lintlayers.model.scope_values import ScopeCursor

    return ScopeCursor(context.model)


def sets_variable(environment: Mapping[str, str], run: RunEffects, index: int, name: str) -> bool:
    """Whether command ``index`` of ``run`` runs with ``name`` set, whatever its value:
    in ``environment`` (``command_environment``: the scope and the values known), or
    assigned by the RUN before it to a value only the build knows (``export
    VCPKG_BINARY_SOURCES=$(cat /run/secrets/x)``, which the environment leaves out)."""
    if name in environment:
        return True
    prefix = name + "="
    for command in run.commands[: index + 1]:
        words = list(command.assignments)
        if command.name in ("export", "declare", "local") and command.words:
            words += command.words[1:]
        if any(word.value.startswith(prefix) for word in words):
            return True
    return False
