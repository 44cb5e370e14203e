"""Where nodes sit in the file: full line extents, comment blocks, line endings.

Shared by fixes that move instructions with the comment lines above them
(``move_edits``): rules LL101, LL102 and LL202 and the reorder engine's rewrite.
"""

from __future__ import annotations

from bisect import bisect_left
from operator import attrgetter

from lintlayers.syntax.nodes import Instruction, Trivia
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lintlayers.diagnostics import Edit
    from lintlayers.syntax.nodes import Dockerfile


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


def block_start(nodes: list[Instruction | Trivia], node: Instruction | Trivia) -> int:
    """Offset where ``node`` starts together with the comment lines directly above it."""
    return node_start(nodes[comment_block(nodes, node_index(nodes, node))])


_start = attrgetter("start")


def find_node(nodes: Sequence[Instruction | Trivia], node: Instruction | Trivia) -> int | None:
    """Index of ``node`` in ``nodes``, a file's nodes or instructions (None: not one of
    them), by a binary search of their starts (increasing: the nodes tile the file and
    each starts inside its own tile), where a scan for each node would be quadratic and a
    map costs a dict entry and two int objects a node (43 MB at 200,000 lines)."""
    index = bisect_left(nodes, node.start, key=_start)
    return index if index < len(nodes) and nodes[index] is node else None


def node_index(nodes: Sequence[Instruction | Trivia], node: Instruction | Trivia) -> int:
    """Index of ``node``, one of ``nodes`` (``find_node``)."""
    index = find_node(nodes, node)
    if index is None:
        raise LookupError(f"not a node of the file: {node!r}")
    return index


def move_edits(
    dockerfile: Dockerfile,
    moved: Sequence[Instruction],
    *,
    before: Instruction | None = None,
    after: Instruction | None = None,
    paragraph: bool = False,
) -> list[Edit] | None:
    """Edits moving ``moved`` (in file order), each with the comment lines directly
    above it, to just before ``before`` (and its comments) or just after ``after``.

    Where a moved block stood between two blank lines, one of them goes with it. With
    ``paragraph`` the blocks moved after ``after`` start a paragraph of their own when a
    blank line follows ``after`` (or followed them, at the end of the file). None when
    the place to insert falls inside a moved block.
    """
    from lintlayers.diagnostics import Edit

    if not moved or (before is None) == (after is None):
        return None
    text = dockerfile.source.text
    nodes = dockerfile.nodes
    spans: list[list[int]] = []  # [first, last] node indexes removed together
    blocks: list[str] = []
    for instruction in moved:
        index = node_index(nodes, instruction)
        first = comment_block(nodes, index)
        block = text[node_start(nodes[first]) : instruction.node_end]
        if not block.endswith("\n"):
            block += newline_of(text, instruction)
        blocks.append(block)
        if spans and spans[-1][1] == first - 1:
            spans[-1][1] = index
        else:
            spans.append([first, index])
    edits: list[Edit] = []
    separated: list[bool] = []
    for first, last in spans:
        apart = (
            first > 0
            and is_kind(nodes[first - 1], Trivia.BLANK)
            and last + 1 < len(nodes)
            and is_kind(nodes[last + 1], Trivia.BLANK)
        )
        separated.append(apart)
        end = node_end(nodes[last + 1]) if apart else node_end(nodes[last])
        edits.append(Edit.delete(node_start(nodes[first]), end))
    content = "".join(blocks)
    if before is not None:
        insert_at = block_start(nodes, before)
    else:
        assert after is not None
        insert_at = after.node_end
        newline = newline_of(text, after)
        following = node_index(nodes, after) + 1
        at_end = following >= len(nodes)
        if paragraph and (
            (not at_end and is_kind(nodes[following], Trivia.BLANK)) or (at_end and separated[0])
        ):
            content = newline + content
        if text[insert_at - 1 : insert_at] != "\n":
            content = newline + content
        if at_end and not text.endswith("\n"):
            content = content.rstrip("\r\n")  # the file had no final newline: keep it so
    if any(edit.start < insert_at < edit.end for edit in edits):
        return None
    edits.append(Edit.insert(insert_at, content))
    return edits
