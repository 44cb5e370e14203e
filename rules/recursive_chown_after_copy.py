"""LL307 recursive-chown-after-copy."""

from __future__ import annotations

from lintlayers.diagnostics import UNSAFE, Edit, Fix, Violation
from lintlayers.lazy_re import lazy_compile
from lintlayers.model.paths import covers
from lintlayers.model.run_effects import effects
from lintlayers.model.size_estimates import copied_bytes
from lintlayers.model.steps import (
    copy_destination,
    display,
    link_advisable,
    reaches_image,
    sequences,
)
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.steps import Step
    from lintlayers.shell.commands import SimpleCommand
    from lintlayers.syntax.nodes import Instruction

RECURSIVE = ("-R", "--recursive")
HARMLESS_OPTIONS = frozenset(
    {"-R", "--recursive", "-v", "--verbose", "-f", "--silent", "--quiet", "-c", "--changes"}
)
NEUTRAL = frozenset(
    {"ENV", "ARG", "LABEL", "EXPOSE", "USER", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL",
     "MAINTAINER", "SHELL", "ONBUILD", "VOLUME"}
)  # fmt: skip
"""Instructions that neither read nor write files: moving ownership to the COPY over them is ok."""
_OCTAL = lazy_compile(r"[0-7]{3,4}")
_NUMERIC_OWNER = lazy_compile(r"\d+:\d+")
"""An owner ``COPY --link --chown`` accepts: BuildKit resolves no names without the
earlier layers (moby/buildkit#2987: "invalid user index: -1")."""
_SYMBOLIC = lazy_compile(r"[ugoa]*[-+=][rwx]+(?:,[ugoa]*[-+=][rwx]+)*")
_CHMOD_SYNTAX = lazy_compile(r"docker/dockerfile(?:-upstream)?:(\d+)(?:\.(\d+))?")


class RecursiveChownAfterCopy(Rule):
    """Reports `RUN chown -R`/`chmod -R` on files an earlier COPY/ADD of the stage wrote.

    ## What it does
    Reports `chown -R`, `chmod -R` (or `--recursive`) in a RUN when one of its
    paths (resolved against WORKDIR and `cd`) is the destination of an earlier
    COPY or ADD of the same stage or a parent directory of it, or a glob
    covering it. A COPY of less than 64 kB (measured with the build context,
    else judged by names: scripts, configuration, `authorized_keys`) is not
    worth it and not reported. When the user or group is created after the
    COPY, the advice says to create it first, and there is no fix.

    ## Why it matters
    Changing the owner or mode of a file copies the whole file into the new
    layer: every byte the COPY wrote is stored twice in the image. `COPY
    --chown=user:group` and `COPY --chmod=...` set them while copying, for
    free. (`COPY --chmod` needs BuildKit or a recent classic builder;
    symbolic modes like `u+x` need the Dockerfile frontend 1.14 or later.)
    With the build context known, the message gives the exact size of what
    the COPY wrote, which the chown stores a second time.

    Under BuildKit the message also suggests `COPY --link` when that is
    sound: a numeric `uid:gid` (BuildKit cannot resolve a user name for a
    linked COPY), no `--chmod`, a stage built from an external image, a
    destination outside the system directories (`/usr`, `/etc`, `/var`,
    `/lib`...) that no earlier step of the stage writes or names.

    ## Example
    ```dockerfile
    COPY . /app
    RUN chown -R app:app /app
    ```

    ## Use instead
    ```dockerfile
    COPY --chown=app:app . /app
    ```

    ## Fix
    Unsafe: adds `--chown=`/`--chmod=` to the COPY and deletes the RUN, when
    the RUN is exactly that one command on exactly the COPY destination,
    nothing between them reads or writes files (no RUN, COPY, ADD or
    WORKDIR), and the COPY has no such flag yet. `chown -R user` keeps the
    group, so it becomes `--chown=user:root`. A mode is moved only when octal
    (or simple symbolic under a `# syntax=docker/dockerfile:1.14`+ directive),
    and only under BuildKit. Unsafe because a directory that existed before
    the COPY (made by WORKDIR, say) keeps its old owner or mode.
    """

    code = "LL307"
    name = "recursive-chown-after-copy"
    category = "size"
    severity = "warning"
    summary = "chown -R/chmod -R after COPY stores every copied file twice"
    needs = ("RUN",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for steps in sequences(context):
            copies: list[tuple[int, str]] = []  # (position in steps, destination)
            for position, step in enumerate(steps):
                keyword = step.keyword
                if keyword in ("COPY", "ADD"):
                    destination = copy_destination(step)
                    if destination is not None:
                        copies.append((position, destination))
                    continue
                if keyword != "RUN" or not copies:
                    continue
                if not (step.onbuild or reaches_image(context, step.stage)):
                    continue
                run = effects(context, step)
                for index, command in enumerate(run.commands):
                    found = _tied_copy(run, index, command, copies)
                    if found is None:
                        continue
                    copy_position, destination, path = found
                    from lintlayers.model.small_copies import small_copy

                    if small_copy(context, steps[copy_position]):
                        continue  # a few small files stored twice: not worth a change
                    yield self._violation(
                        context, run, index, command, steps, copy_position, destination, path,
                        steps[copy_position + 1 : position],
                    )  # fmt: skip

    def _violation(
        self,
        context: RuleContext,
        run: RunEffects,
        index: int,
        command: SimpleCommand,
        steps: list[Step],
        copy_position: int,
        destination: str,
        path: str,
        between: list[Step],
    ) -> Violation:
        copy_step = steps[copy_position]
        copy = copy_step.instruction
        line = context.source.location(copy.start).line
        mode, operands = _operands(command)
        flag = "chown" if command.name == "chown" else "chmod"
        value = mode or "..."
        if flag == "chown" and value.endswith(":"):
            value = value[:-1]  # ``user:``: the user's login group
        elif flag == "chown" and ":" not in value and value != "...":
            value += ":root"  # ``chown user`` keeps the group, root for copied files
        size = copied_bytes(context, copy_step)
        amount = ""
        if size is not None:
            amount = f", {'at least ' if path != destination else ''}{size.clause()}"
        created = None
        if flag == "chown":
            created = _created_after_copy(context, run, index, between, value)
        advice = f"`{copy.keyword} --{flag}={value}`"
        if created is not None:
            advice = f"{advice} after creating `{created}` before the {copy.keyword}"
        message = (
            f"`{command.name} -R` copies what {copy.keyword} at line {line} wrote into a new "
            "layer: the image stores them twice"
        )
        help = (
            f"`{command.name} -R` on {display(path)} copies every file that {copy.keyword} "
            f"wrote ({display(destination)}{amount}); set it while copying with {advice}"
        )
        if flag == "chmod":
            help += " (needs BuildKit or a recent classic builder)"
        elif (
            copy.keyword == "COPY"
            and _NUMERIC_OWNER.fullmatch(value)
            and link_advisable(context, steps, copy_position)
        ):
            help += (
                f"; under BuildKit, `COPY --link --chown={value}` also keeps that layer "
                "independent of the earlier ones"
            )
        fix = None
        if (
            len(run.commands) == 1
            and not run.instruction.heredocs
            and not run.instruction.flags
            and len(operands) == 1
            and path == destination
            and not copy.has_flag(flag)
            and all(step.keyword in NEUTRAL for step in between)
            and _movable(context, command, mode)
            and created is None
        ):
            fix = _fix(context, copy, run.instruction, flag, value)
        start, end = run.command_range(index)
        return Violation(start, end, message, fix, help=help)


USER_TOOLS = frozenset({"useradd", "adduser", "groupadd", "addgroup"})
"""Commands that create a user or group."""


def _created_after_copy(
    context: RuleContext, run: RunEffects, index: int, between: list[Step], owner: str
) -> str | None:
    """The user or group of ``owner`` (``user:group``) that a command after the COPY
    creates (in a RUN between, or earlier in this RUN): ``--chown`` at the COPY would
    name one that does not exist yet."""
    names = {name for name in owner.split(":") if name and not name.isdigit()}
    if not names:
        return None
    commands = [
        command
        for step in between
        if step.keyword == "RUN"
        for command in effects(context, step).commands
    ]
    commands += run.commands[:index]
    for command in commands:
        if command.name in USER_TOOLS:
            for value in command.args:
                if value in names:
                    return value
    return None


def _tied_copy(
    run: RunEffects, index: int, command: SimpleCommand, copies: list[tuple[int, str]]
) -> tuple[int, str, str] | None:
    """The latest COPY/ADD whose destination a recursive chown/chmod operand covers."""
    if command.name not in ("chown", "chmod") or not command.has_flag(*RECURSIVE):
        return None
    _, operands = _operands(command)
    for value in operands:
        path = run.resolve(index, value)
        for copy_position, destination in reversed(copies):
            if covers(path, destination):
                return copy_position, destination, path
    return None


def _operands(command: SimpleCommand) -> tuple[str | None, list[str]]:
    """The owner or mode of a chown/chmod (``None`` with ``--reference``) and its paths."""
    values = [
        value
        for value in command.args
        if value not in HARMLESS_OPTIONS and not _cluster_of(value, "Rvfc")
    ]
    reference = any(value.startswith("--reference") for value in values)
    values = [value for value in values if not value.startswith("--")]
    if command.name == "chown":
        values = [value for value in values if not value.startswith("-")]
    if reference:
        return None, values
    return (values[0], values[1:]) if values else (None, [])


def _cluster_of(value: str, letters: str) -> bool:
    return len(value) > 1 and value[0] == "-" and all(char in letters for char in value[1:])


def _movable(context: RuleContext, command: SimpleCommand, mode: str | None) -> bool:
    """Whether the owner or mode can move to the COPY unchanged."""
    if mode is None or "$" in mode or command.prefix or command.assignments:
        return False
    for value in command.args:
        if value == mode or not value.startswith("-"):
            continue
        if value not in HARMLESS_OPTIONS and not _cluster_of(value, "Rvfc"):
            return False
    if command.name == "chown":
        owner, colon, group = mode.partition(":")
        if not colon and "." in owner:
            return False  # ``user.group``: a form COPY --chown does not read
        return bool(owner) and (not colon or bool(group))
    if context.builder != "buildkit":
        return False
    if _OCTAL.fullmatch(mode):
        return True
    if not _SYMBOLIC.fullmatch(mode):
        return False
    directive = context.dockerfile.directives.get("syntax")
    match = _CHMOD_SYNTAX.search(directive.value) if directive is not None else None
    if match is None:
        return False
    major, minor = int(match.group(1)), int(match.group(2) or 99)
    return major > 1 or (major == 1 and minor >= 14)


def _fix(context: RuleContext, copy: Instruction, run: Instruction, flag: str, value: str) -> Fix:
    source = context.source
    outer = run.parent if run.parent is not None else run
    start = source.line_start(source.location(outer.start).line)
    end = outer.node_end
    return Fix(
        f"Use `{copy.keyword} --{flag}={value}` and drop the RUN (unsafe)",
        [Edit.insert(copy.keyword_end, f" --{flag}={value}"), Edit.delete(start, end)],
        UNSAFE,
    )
