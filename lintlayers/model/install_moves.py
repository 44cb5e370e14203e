"""The install moves rule LL101's fix makes: an install RUN above its broad COPY.

This is the one question rule LL105 asks about LL101 (to leave those two
instructions to it): for each dependency install whose manifests a broad
``COPY . .`` brings, and which LL101 can fix, the COPY and the RUN that moves
above it with a COPY of its manifests. Per file, through ``RuleContext.analysis``.

The answer comes from the install model (``lintlayers.model.installs``), the same
values LL101 turns into findings.
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
    from lintlayers.model.installs import install_findings

    return [
        InstallMove(finding.copy, finding.run)
        for finding in install_findings(context)
        if finding.fixable
    ]
