"""The install moves rule LL101's fix makes: an install RUN above its broad COPY.

This is the one question rule LL105 asks about LL101 (to leave those two
instructions to it): for each dependency install whose manifests a broad
``COPY . .`` brings, and which LL101 can fix, the COPY and the RUN that moves
above it with a COPY of its manifests. Per file, through ``RuleContext.analysis``.

Transitional: the install model (manifests, installs, the broad COPY bringing
them) still lives in rule LL101 while it moves to ``lintlayers.model``; until then
the answer is read from LL101's own findings here, and nowhere else. When the move
lands, ``_install_moves`` asks the install model instead; the interface stays.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.syntax.nodes import Instruction


class InstallMove:
    """A broad COPY and the install RUN that LL101's fix moves above it."""

    __slots__ = ("copy", "run")

    def __init__(self, copy: Instruction, run: Instruction) -> None:
        self.copy = copy
        self.run = run

    def __repr__(self) -> str:
        return f"InstallMove(copy line {self.copy.start_line}, run line {self.run.start_line})"


def install_moves(context: RuleContext) -> list[InstallMove]:
    """The install moves LL101's fix makes in the file (instructions are top-level nodes)."""
    return context.analysis(_install_moves)


def _install_moves(context: RuleContext) -> list[InstallMove]:
    # transitional (see the module docstring): removed with LL101's move to the model
    from lintlayers.rules.broad_copy_before_install import BroadCopyBeforeInstall

    instructions = context.dockerfile.instructions
    found: list[InstallMove] = []
    try:
        violations = list(BroadCopyBeforeInstall().check(context))
    except Exception:  # LL101 reports its own failure
        return found
    for violation in violations:
        fix = violation.fix
        if fix is None:
            continue
        copy = _covering(instructions, violation.start, max(violation.end, violation.start + 1))
        deleted = [edit for edit in fix.edits if edit.end > edit.start]
        run = _covering(instructions, deleted[0].start, deleted[0].end) if deleted else None
        if copy is not None and run is not None:
            found.append(InstallMove(copy, run))
    return found


def _covering(instructions: list[Instruction], start: int, end: int) -> Instruction | None:
    """The last instruction overlapping ``start..end`` (a RUN after its comment lines)."""
    found = None
    for instruction in instructions:
        if instruction.node_start < end and start < instruction.node_end:
            found = instruction
    return found
