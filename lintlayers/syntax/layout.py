"""Where nodes sit in the file: full line extents, comment blocks, line endings.

Shared by fixes that move instructions with the comment lines above them.
"""

from __future__ import annotations

from lintlayers.syntax.nodes import Instruction, Trivia


def comment_block(nodes: list[Instruction | Trivia], index: int) -> int:
    """Index of the first comment line directly above node ``index`` (or ``index``)."""
    first = index
    while first > 0 and is_kind(nodes[first - 1], Trivia.COMMENT):
        first -= 1
    return first


def node_start(node: Instruction | Trivia) -> int:
    """Offset where the node's first line starts."""
    return node.start if isinstance(node, Trivia) else node.node_start


def node_end(node: Instruction | Trivia) -> int:
    """Offset just past the node's last line, newline included."""
    return node.end if isinstance(node, Trivia) else node.node_end


def is_kind(node: Instruction | Trivia, kind: str) -> bool:
    """True for trivia of ``kind`` (blank, comment, directive)."""
    return isinstance(node, Trivia) and node.kind == kind


def newline_of(text: str, instruction: Instruction) -> str:
    """The line ending to write after ``instruction``: its own, else the file's."""
    if instruction.raw.endswith("\r\n"):
        return "\r\n"
    if instruction.raw.endswith("\n"):
        return "\n"
    return "\r\n" if "\r\n" in text else "\n"
