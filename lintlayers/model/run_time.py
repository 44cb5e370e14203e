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
            for command in [_command(instruction)]
            if command
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


def _command(instruction: Instruction) -> tuple[str, ...]:
    """The program a CMD or ENTRYPOINT starts (its file name) and its arguments; through
    ``sh -c``, the words of the command given; () when there is none."""
    from lintlayers.model.state import is_posix_shell

    if instruction.json_args is not None:
        words = list(instruction.json_args)
    else:
        words = [word.value for word in instruction.words]
    if len(words) > 2 and is_posix_shell(words[0]) and words[1] == "-c":
        words = words[2].split()
    while words and "=" in words[0] and not words[0].startswith("-"):
        words = words[1:]  # VAR=value before the program
    if not words:
        return ()
    return (words[0].replace("\\", "/").rpartition("/")[2], *words[1:])
