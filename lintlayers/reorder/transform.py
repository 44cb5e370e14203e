"""Splitting a broad COPY into the manifests an install needs plus the rest.

Everything about installs and manifests is rule LL101's (``broad_copy_before_install``):
which RUN installs from which manifests, which broad COPY brings them, what the build
context says against installing before the sources (workspaces, install scripts,
``-e .`` in a requirements file), and the text of the narrow COPY lines. This module
calls into it and only turns its answer into new instructions the search can place.

The split is offered only with a build context, so that the install is proven to
read nothing but its manifests. ``COPY manifests`` then ``COPY . .`` leaves the image
as ``COPY . .`` alone does, as long as nothing else writes the manifests in between:
the engine checks that before it uses a split.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.model.stages import Stage
    from lintlayers.syntax.nodes import Instruction


class Split:
    """New COPY lines for the manifests of the install at ``run``, before the broad COPY.

    ``broad`` and ``run`` index the stage's instructions; ``text`` holds the COPY lines
    (each ending with a newline) and ``instructions`` the same lines parsed.
    """

    __slots__ = ("broad", "instructions", "run", "sources", "text")

    def __init__(self, broad: int, run: int, text: str, instructions: list[Instruction]) -> None:
        self.broad = broad
        self.run = run
        self.text = text
        self.instructions = instructions
        self.sources: list[list[str]] = [
            [word.value for word in instruction.words[:-1]] for instruction in instructions
        ]

    def __repr__(self) -> str:
        return f"Split(broad={self.broad}, run={self.run}, {self.text!r})"


def find_splits(context: RuleContext, stage: Stage) -> list[Split]:
    """The splits rule LL101's logic supports in ``stage`` (none without a build context)."""
    if context.context_dir is None:
        return []
    from lintlayers.rules import broad_copy_before_install as ll101

    model = context.model
    sequence = ll101._Sequence(context, ll101._inherited_workdir(model, stage, {}))
    positions: list[int] = []
    for index, (item, scope) in enumerate(model.walk(stage)):
        if item.inner is None:
            sequence.add(item, scope)
            positions.append(index)
    found: list[Split] = []
    before: list[tuple[int, object]] = []
    for run_index, installs in sequence.installs:
        chosen: dict[int, tuple[object, list[object]]] = {}
        for install in installs:
            copy = _broad_copy(sequence, run_index, install, before, context.context_dir)
            if copy is not None:
                chosen.setdefault(copy.index, (copy, []))[1].append(install)
        before.extend((run_index, install) for install in installs)
        for copy, wanted in chosen.values():
            split = _split(context, sequence, run_index, copy, wanted, positions)
            if split is not None:
                found.append(split)
    return found


def _broad_copy(
    sequence: object, run_index: int, install: object, before: list, context_dir: str
) -> object | None:
    """The broad COPY whose manifests ``install`` alone needs, if LL101's checks pass."""
    from lintlayers.rules import broad_copy_before_install as ll101

    found = install.found  # type: ignore[attr-defined]
    if found.reads_sources or found.installer.note:
        return None
    broad = sequence._broad_copy(run_index, install)  # type: ignore[attr-defined]
    if broad is None:
        return None
    copy = broad[0]
    tool = found.installer.tool
    primary = install.primary  # type: ignore[attr-defined]
    for earlier, other in before:
        if (
            earlier < copy.index
            and other.found.installer.tool == tool  # type: ignore[attr-defined]
            and other.primary == primary  # type: ignore[attr-defined]
        ):
            return None  # the manifests were installed on their own before
    if not sequence._read_manifests(copy, install):  # type: ignore[attr-defined]
        return None
    if found.installs_project:
        return None
    paths = [
        sequence._context_path(copy, path)  # type: ignore[attr-defined]
        for path in install.required  # type: ignore[attr-defined]
    ]
    if ll101._context_problem(found, context_dir, paths):
        return None
    return copy


def _split(
    context: RuleContext,
    sequence: object,
    run_index: int,
    copy: object,
    installs: list[object],
    positions: list[int],
) -> Split | None:
    from lintlayers.rules import broad_copy_before_install as ll101
    from lintlayers.source import SourceText
    from lintlayers.syntax.parser import parse_source

    _, fix = sequence._build_fix(run_index, copy, installs)  # type: ignore[attr-defined]
    if fix is None:
        return None
    text = context.source.text
    run = sequence.items[run_index]  # type: ignore[attr-defined]
    nodes = context.dockerfile.nodes
    node_index = next(number for number, node in enumerate(nodes) if node is run)
    block = text[ll101._start(nodes[ll101._comment_block(nodes, node_index)]) : run.node_end]
    content = fix.edits[0].content
    if content.endswith(block):
        lines = content[: len(content) - len(block)]
    else:
        stripped = content.rstrip("\r\n")
        if not stripped.endswith(block.rstrip("\r\n")):
            return None
        lines = stripped[: len(stripped) - len(block.rstrip("\r\n"))]
    if not lines.strip():
        return None
    parsed = parse_source(SourceText("FROM scratch\n" + lines))
    instructions = parsed.instructions[1:]
    if parsed.all_errors() or not instructions:
        return None
    if any(item.keyword not in ("COPY", "ADD") for item in instructions):
        return None
    broad = positions[copy.index]  # type: ignore[attr-defined]
    return Split(broad, positions[run_index], lines, instructions)
