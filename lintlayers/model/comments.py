"""What the comments beside an instruction say: the lines directly above it and those
between its continuation lines, and whether they give a reason for what it installs."""

from __future__ import annotations

import re

from lintlayers.lazy_re import lazy_compile
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.syntax.nodes import Instruction

_REASON = lazy_compile(
    r"\b(fix|fixes|workaround|work around|needed|needs|required|requires|runtime|run time|"
    r"keep|do not remove|don't remove)\b",
    re.IGNORECASE,
)
"""Words of a comment that says why something is installed on purpose."""


def comments_of(context: RuleContext, instruction: Instruction) -> str:
    """The comment lines directly above an instruction (its ONBUILD line's, for a trigger)
    and those between its continuation lines (``# To run the Makefile`` beside ``make``)."""
    from lintlayers.syntax.layout import comment_block

    outer = instruction.parent if instruction.parent is not None else instruction
    nodes = context.dockerfile.nodes
    index = context.node_index(outer)
    if index is None:
        return ""
    above = "".join(getattr(nodes[i], "raw", "") for i in range(comment_block(nodes, index), index))
    within = [line for line in outer.raw.splitlines()[1:] if line.lstrip().startswith("#")]
    return above + "".join(line + "\n" for line in within)


def explains(comment: str, names: list[str]) -> bool:
    """Whether a comment gives a reason for installing these tools: it names one, or
    speaks of a fix, a workaround or a run-time need."""
    if not comment:
        return False
    lowered = comment.lower()
    return bool(_REASON.search(comment)) or any(name.lower() in lowered for name in names)
