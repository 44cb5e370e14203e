"""Which command of a RUN may read any variable of its environment without naming it.

A build tool, a script or a package script runs project code, which may read any
variable; ``pip install flask`` or ``apt-get install curl`` read only the ones they
document. The answer is the project's one definition of "this RUN reads its
environment": rule LL102 uses it to find where a per-build variable is first used,
the reorder engine to decide whether a RUN may cross an ARG/ENV.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.shell.commands import SimpleCommand
    from lintlayers.syntax.nodes import Instruction

BUILD_TOOLS = frozenset(
    {
        "make",
        "gmake",
        "cmake",
        "mage",
        "just",
        "task",
        "ninja",
        "bazel",
        "bazelisk",
        "goreleaser",
        "gradle",
        "mvn",
        "ant",
        "sbt",
        "rake",
        "scons",
        "meson",
        "cargo",
        "source",
        ".",
    }
)
"""Commands that run project code or scripts, which may read any environment variable."""

PACKAGE_SCRIPTS = frozenset({"npm", "yarn", "pnpm", "bun", "npx"})
PACKAGE_COMMANDS = frozenset(
    {"install", "i", "ci", "add", "remove", "config", "cache", "global", "set", "audit"}
)
"""Subcommands of ``PACKAGE_SCRIPTS`` that run no project script."""

INTERPRETERS = frozenset(
    {"sh", "bash", "dash", "ash", "zsh", "python", "python3", "node", "ruby", "perl", "php"}
)
"""Interpreters that run a file (not ``-c``) of project code."""

SCRIPT_SUFFIXES = (".sh", ".bash", ".py", ".pl", ".rb", ".js", ".mjs", ".ps1")


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
    (a script, a build tool, a package script, an interpreter running a file), or ``""``.

    The RUN model (``model.commands.command_facts``) answers with it per command."""
    if not view.words:
        return ""
    program = view.words[0].value
    name = view.name
    positional = view.positional_args()
    if "/" in program or name.endswith(SCRIPT_SUFFIXES) or name in BUILD_TOOLS:
        return program
    if name in PACKAGE_SCRIPTS and positional and positional[0] not in PACKAGE_COMMANDS:
        return f"{name} {positional[0]}"
    if name in INTERPRETERS and (positional or "-m" in view.args) and "-c" not in view.args:
        return f"{name} {(positional or view.args)[0]}"
    return ""
