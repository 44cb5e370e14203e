"""What the containers of the images built from a stage run: their CMD and ENTRYPOINT.

A stage's images are the stage itself and every stage built ``FROM`` it, directly or
through others (``stage_references``). ``starts_tool`` answers "does a container of
one of them start this tool with one of these subcommands" (``cargo run --offline``,
``mvn spring-boot:run``): a tool that reads its dependencies from its own cache folders
then needs them in the image, not in a cache mount.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection

    from lintlayers.context import RuleContext
    from lintlayers.model.stages import Stage
    from lintlayers.syntax.nodes import Instruction


def starts_tool(
    context: RuleContext, stage: Stage, programs: Collection[str], subcommands: Collection[str]
) -> bool:
    """Whether a CMD or ENTRYPOINT of ``stage`` or of a stage built from it starts one of
    ``programs`` (compared by file name: ``./mvnw`` is ``mvnw``) with one of
    ``subcommands`` as its first argument (``*``: with any)."""
    for command in context.analysis(_started).get(stage.index, ()):
        if command[0] in programs and (
            "*" in subcommands or (len(command) > 1 and command[1] in subcommands)
        ):
            return True
    return False


def _started(context: RuleContext) -> dict[int, frozenset[tuple[str, ...]]]:
    """The commands each stage's images start (program file name and arguments), by
    stage index."""
    from lintlayers.model.stage_references import BASE, references_to

    own = {
        stage.index: {
            command
            for instruction in stage.instructions
            if instruction.keyword in ("CMD", "ENTRYPOINT")
            for command in _commands(instruction)
        }
        for stage in context.model.stages
    }
    references = references_to(context)
    started: dict[int, frozenset[tuple[str, ...]]] = {}
    for stage in reversed(context.model.stages):  # a stage is built only FROM earlier ones
        commands = set(own[stage.index])
        for use in references.get(stage.index, ()):
            if use.kind == BASE and use.user.index > stage.index:
                commands |= started.get(use.user.index, frozenset())
        started[stage.index] = frozenset(commands)
    return started


def _commands(instruction: Instruction) -> list[tuple[str, ...]]:
    """The commands a CMD or ENTRYPOINT runs, each its argv as the ecosystem table names
    it (``package_managers.normalize_argv``: ``./mvnw`` is ``mvnw``), wrappers and
    ``NAME=value`` prefixes left out, those of a ``sh -c`` string included."""
    import shlex

    from lintlayers.model.package_managers import normalize_argv
    from lintlayers.shell.commands import parse_shell

    exec_form = instruction.json_args
    text = instruction.arguments if exec_form is None else shlex.join(exec_form)
    found = []
    for command in parse_shell(text).commands:
        argv = normalize_argv([word.value for word in command.effective().words])
        if argv:
            found.append(tuple(argv))
    return found
