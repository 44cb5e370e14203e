"""The text of a stage in a new order, as one edit.

Each instruction moves with the comment lines directly above it (no blank line
between). The blank lines and loose comments between instructions stay where they
are, by position: the stage keeps its layout while its instructions change places.
New COPY lines of a split join the instruction that follows them. Line endings are
each instruction's own; the stage's last line keeps (or keeps lacking) its newline.
"""

from __future__ import annotations

from itertools import pairwise

from lintlayers.syntax.layout import block_start, newline_of
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.diagnostics import Edit
    from lintlayers.reorder.engine import Proposal
    from lintlayers.syntax.nodes import Dockerfile, Instruction


def stage_edit(dockerfile: Dockerfile, proposal: Proposal) -> Edit | None:
    """One edit replacing the stage's instructions with their new order (None if unchanged)."""
    from lintlayers.diagnostics import Edit

    stage = proposal.stage
    instructions = stage.instructions
    nodes = dockerfile.nodes
    starts = [block_start(nodes, instruction) for instruction in instructions]
    text = dockerfile.source.text
    blocks = [
        text[start : instruction.node_end]
        for start, instruction in zip(starts, instructions, strict=True)
    ]
    gaps = [
        text[instructions[index - 1].node_end : starts[index]]
        for index in range(1, len(instructions))
    ]
    region_start = starts[0]
    region_end = instructions[-1].node_end
    newline = _newline(text, instructions)
    spacing = _spacing(gaps, [item.index for item in proposal.ordered if item.index is not None])
    pieces: list[str] = []
    pending: list[str] = []
    emitted = 0
    for item in proposal.ordered:
        if item.index is None:
            pending.append(item.text)
            continue
        if emitted:
            pieces.append(spacing[emitted - 1])
        pieces.extend(pending)
        pending = []
        pieces.append(blocks[item.index])
        emitted += 1
    pieces.extend(pending)
    content = _join(pieces, newline)
    if not text[region_start:region_end].endswith("\n"):
        content = content.rstrip("\r\n")
    elif not content.endswith("\n"):
        content += newline
    if content == text[region_start:region_end]:
        return None
    return Edit(region_start, region_end, content)


def _spacing(gaps: list[str], order: list[int]) -> list[str]:
    """The text between consecutive instructions of ``order`` (indexes into the old order).

    Two instructions that stay next to each other keep what was between them; the
    other gaps (where a moved run of instructions begins or ends) are handed out in
    their old order, so a stage's paragraphs keep their blank lines.
    """
    place = {index: position for position, index in enumerate(order)}
    loose = [gaps[index] for index in range(len(gaps)) if place[index + 1] != place[index] + 1]
    spacing: list[str] = []
    for previous, current in pairwise(order):
        spacing.append(gaps[previous] if current == previous + 1 else loose.pop(0))
    return spacing


def _join(pieces: list[str], newline: str) -> str:
    """Concatenate, giving a newline to any piece that lacks one before another follows."""
    out: list[str] = []
    for number, piece in enumerate(pieces):
        out.append(piece)
        if piece and not piece.endswith("\n") and number + 1 < len(pieces):
            out.append(newline)
    return "".join(out)


def _newline(text: str, instructions: list[Instruction]) -> str:
    """The line ending of the first instruction that has one, else the file's."""
    ended = [instruction for instruction in instructions if instruction.raw.endswith("\n")]
    return newline_of(text, ended[0] if ended else instructions[0])
