"""LL103 apt-get-update-alone."""

from __future__ import annotations

from lintlayers.diagnostics import UNSAFE, Edit, Fix, Violation
from lintlayers.model.stage_references import base_stages
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext, RunScript
    from lintlayers.shell.commands import SimpleCommand
    from lintlayers.syntax.nodes import Instruction

APT = frozenset({"apt-get", "apt", "aptitude", "apt-fast", "nala", "xx-apt-get", "xx-apt"})
"""Front ends whose ``update`` refreshes the package index (``xx-apt-get`` cross-compiles)."""

APT_OPTIONS = ("-o", "-c", "-t", "--option", "--config-file", "--target-release")
"""apt options that take the next word as their value."""

INDEX_READERS = frozenset(
    {
        "install",
        "upgrade",
        "dist-upgrade",
        "full-upgrade",
        "build-dep",
        "source",
        "satisfy",
        "reinstall",
        "download",
    }
)
"""apt subcommands that read the package index an update fetched."""

OTHER_READERS = frozenset(
    {"apt-cache", "apt-file", "install_packages", "gdebi", "mk-build-deps", "rosdep", "debconf"}
)
"""Other tools that read the apt index (``install_packages`` is Bitnami's apt wrapper)."""

SCRIPT_RUNNERS = frozenset({"sh", "bash", "dash", "ash", "zsh", "source", ".", "make"})
"""Commands that run a script of the context, which may install packages."""

APT_LISTS = ("/var/lib/apt", "/var/lib/apt/lists")


class AptGetUpdateAlone(Rule):
    """Reports `apt-get update` in a RUN that installs nothing after it.

    ## What it does
    Reports `apt-get update` (or `apt update`) in a RUN that does not also run
    `apt-get install`, `upgrade`, `dist-upgrade`, `build-dep` or `source`, or
    another tool that reads the package index, after it. When nothing later in
    the stage reads the index either (and no other stage or ONBUILD child builds
    on it), the update is only dead weight and the finding says to delete it.

    ## Why it matters
    The builder never re-runs a cached RUN because the outside world changed:
    the update's layer is reused forever. When the install line in a later RUN
    changes, it runs against that old index and fails on packages that have
    since been removed from the mirror, or installs outdated versions. The
    downloaded lists also stay in the image.

    ## Example
    ```dockerfile
    FROM debian:bookworm
    RUN apt-get update
    RUN apt-get install -y --no-install-recommends curl
    ```

    ## Use instead
    ```dockerfile
    FROM debian:bookworm
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Fix
    Unsafe: when the very next instruction is a RUN that runs `apt-get install`
    and both are plain shell-form RUNs (no flags, no heredocs) and the update is
    alone in its RUN, the update is merged into it as
    `RUN apt-get update && <its command>`. The merged step re-runs the update,
    so the packages installed may be newer than what the cached layers held.
    Unsafe: a RUN holding only an update that nothing later uses is deleted
    (a script the rule cannot see into might still read the lists).
    """

    code = "LL103"
    name = "apt-get-update-alone"
    category = "cache"
    severity = "warning"
    summary = "apt-get update in a RUN without an install after it"
    needs = ("RUN",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for sequence, inherited in _sequences(context):
            last_reader = -2  # the last RUN that may read the lists; -2: not looked for yet
            for index, outer in enumerate(sequence):
                run = outer.effective
                if run.keyword != "RUN":
                    continue
                if last_reader == -2 and not inherited:
                    last_reader = _last_reader(context, sequence)
                following = sequence[index + 1] if index + 1 < len(sequence) else None
                unused = not inherited and last_reader <= index
                yield from self._check_run(context, outer, following, unused)

    def _check_run(
        self,
        context: RuleContext,
        outer: Instruction,
        following: Instruction | None,
        unused: bool,
    ) -> Iterator[Violation]:
        run = outer.effective
        commands = _ordered(context.scripts(run))
        for position, (script, command) in enumerate(commands):
            view = command.effective()
            if not _is_update(view):
                continue
            later = [other.effective() for _, other in commands[position + 1 :]]
            if any(_reads_index(other) for other in later):
                continue
            start = script.file_offset(command.start)
            end = script.file_end(command.end)
            text = context.source.text[start:end]
            if unused:  # nothing installs from these lists: they only cost space
                yield Violation(start, end, _unused_message(text), _delete_fix(outer, commands))
                continue
            fix = None
            if len(commands) == 1 and following is not None:
                fix = _merge_fix(context, outer, command, following)
            message = f"`{text}` in a RUN that installs nothing after it leaves a stale index"
            help = _help(context, run, fix, following)
            yield Violation(start, end, message, fix, help=help)


def _sequences(context: RuleContext) -> list[tuple[list[Instruction], bool]]:
    """Instructions that run one after another: each stage's own, then its ONBUILD
    triggers; with whether later instructions may build on them (another stage
    ``FROM`` this one, or a child image through ONBUILD)."""
    found = []
    model = context.model
    bases = {base.index for other in model.stages for base in base_stages(model, other)}
    for stage in model.stages:
        derived = stage.index in bases
        triggers = [item for item in stage.instructions if item.inner is not None]
        own = [item for item in stage.instructions if item.inner is None]
        found.append((own, derived or bool(triggers)))
        if triggers:
            found.append((triggers, True))
    return found


def _last_reader(context: RuleContext, sequence: list[Instruction]) -> int:
    """The position of the last RUN of ``sequence`` that may read the package lists (-1:
    none), found once from the end (not the rest of the stage again for each RUN)."""
    for index in range(len(sequence) - 1, -1, -1):
        run = sequence[index].effective
        if run.keyword == "RUN" and _run_reads_index(context, run):
            return index
    return -1


def _run_reads_index(context: RuleContext, run: Instruction) -> bool:
    """Whether a RUN may install from the package lists (an exec form may: not parsed)."""
    if run.is_json:
        return True
    return any(_reads_index(view.effective()) for _, view in _ordered(context.scripts(run)))


def _unused_message(text: str) -> str:
    return f"`{text}` fetches package lists that nothing later in this stage uses: delete it"


def _delete_fix(outer: Instruction, commands: list[tuple[RunScript, SimpleCommand]]) -> Fix | None:
    """Delete a RUN that only updates the index (unsafe: a script may still use the lists)."""
    if len(commands) != 1 or outer.inner is not None:
        return None
    return Fix(
        "Delete the unused `apt-get update`",
        [Edit.delete(outer.node_start, outer.node_end)],
        UNSAFE,
    )


def _ordered(scripts: tuple[RunScript, ...]) -> list[tuple[RunScript, SimpleCommand]]:
    """Commands of a RUN in execution order (``sh -c`` bodies in place)."""
    ordered: list[tuple[RunScript, SimpleCommand]] = []
    for script in scripts:
        commands = sorted(script.commands, key=lambda command: command.start)
        ordered.extend((script, command) for command in commands)
    return ordered


def _subcommand(command: SimpleCommand) -> str:
    positional = command.positional_args(APT_OPTIONS)
    return positional[0] if positional else ""


def _is_update(command: SimpleCommand) -> bool:
    return command.name in APT and _subcommand(command) == "update"


def _reads_index(command: SimpleCommand) -> bool:
    name = command.name
    if name in APT:
        return _subcommand(command) in INDEX_READERS
    if name in OTHER_READERS:
        return True
    if name in SCRIPT_RUNNERS:
        return bool(command.positional_args()) or name == "make"
    if not command.words:
        return False
    return "/" in command.words[0].value or name.endswith(".sh")  # a script of the context


def _merge_fix(
    context: RuleContext, outer: Instruction, command: SimpleCommand, following: Instruction
) -> Fix | None:
    """Merge a RUN holding only the update into the next RUN, when that one installs."""
    run = outer.effective
    target = following.effective
    if target.keyword != "RUN" or not _plain(run) or not _plain(target):
        return None
    if command.shell_depth or run.arguments.strip() != run.arguments[command.start : command.end]:
        return None
    commands = [view.effective() for _, view in _ordered(context.scripts(target))]
    installs = [index for index, view in enumerate(commands) if _reads_index(view)]
    if not installs or not any(view.name in APT for view in commands):
        return None
    update = run.arguments[command.start : command.end]
    if any(_is_update(view) for view in commands[: installs[0]]):
        edits = [Edit.delete(outer.node_start, outer.node_end)]
        return Fix("Remove the RUN: the next RUN updates the index itself", edits, UNSAFE)
    edits = [
        Edit.delete(outer.node_start, outer.node_end),
        Edit.insert(target.arguments_offset(0), f"{update} && "),
    ]
    return Fix(f"Merge `{update}` into the next RUN", edits, UNSAFE)


def _plain(run: Instruction) -> bool:
    return not run.is_json and not run.flags and not run.heredocs and bool(run.arguments)


def _help(
    context: RuleContext,
    run: Instruction,
    fix: Fix | None,
    following: Instruction | None,
) -> str:
    help = (
        "the builder reuses this cached layer until its text changes, so a later install "
        "runs against a stale package index"
    )
    if not _has_lists_mount(run):
        help += " (and the downloaded lists stay in the image)"
    if fix is not None and following is not None:
        line = context.source.location(following.effective.start).line
        if len(fix.edits) == 1:
            return f"{help}; the RUN at line {line} updates the index again before installing"
        return f"{help}; run it in the same RUN as the install at line {line}"
    return f"{help}; run it in the same RUN as `apt-get install`"


def _has_lists_mount(run: Instruction) -> bool:
    from lintlayers.syntax.words import parse_csv_options

    for value in run.flag_values("mount"):
        for key, setting in parse_csv_options(value):
            if key in ("target", "dst", "destination") and (setting or "").rstrip("/") in APT_LISTS:
                return True
    return False
