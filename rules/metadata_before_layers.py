"""LL202 metadata-before-layers."""

from __future__ import annotations

from lintlayers.diagnostics import UNSAFE, Edit, Fix, Violation
from lintlayers.model.variables import referenced_names
from lintlayers.rule import Rule
from lintlayers.syntax.layout import newline_of
from lintlayers.syntax.nodes import Trivia
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.stages import BuildModel, Scope, Stage
    from lintlayers.syntax.nodes import Dockerfile, Instruction

METADATA = frozenset(
    {
        "LABEL",
        "EXPOSE",
        "CMD",
        "ENTRYPOINT",
        "HEALTHCHECK",
        "STOPSIGNAL",
        "VOLUME",
        "MAINTAINER",
        "ONBUILD",
    }
)
"""Config-only instructions that never change what a later build step does.

VOLUME is listed but never moved: a RUN after it cannot change the volume's path.
ENV, ARG, USER and SHELL are not metadata here: they change later RUNs.
"""

LAYER_STEPS = frozenset({"RUN", "COPY", "ADD", "WORKDIR"})
"""Steps that write the filesystem and cost time to re-run."""

EXPANDED = frozenset({"LABEL", "EXPOSE", "STOPSIGNAL", "VOLUME"})
"""Metadata whose arguments the builder expands with the ARG/ENV values in scope."""

SHELL_WRAPPED = frozenset({"CMD", "ENTRYPOINT", "HEALTHCHECK"})
"""Metadata whose shell form is wrapped with the SHELL in effect where it stands."""

LAST_ONE_WINS = frozenset(
    {"CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "MAINTAINER", "ONBUILD"}
)
"""Metadata whose relative order with another of the same keyword matters."""


class MetadataBeforeLayers(Rule):
    """Reports metadata placed before layer steps, for builders that cache it as a step.

    ## What it does
    With `--builder classic` (the legacy builder, buildah and kaniko), reports
    `LABEL`, `EXPOSE`, `CMD`, `ENTRYPOINT`, `HEALTHCHECK`,
    `STOPSIGNAL`, `VOLUME`, `MAINTAINER` and `ONBUILD` placed before a
    `RUN`, `COPY`, `ADD` or `WORKDIR` of the same stage, when moving
    them below the last of those steps keeps the image the same.

    ## Why it matters
    These builders commit every instruction as a cache step keyed on the parent
    and the whole image config. Editing an early `LABEL version=...` therefore
    re-runs every later `RUN` and `COPY` of the stage, although a label never
    changes what those steps do. BuildKit does not make metadata a cache step,
    so the rule does not apply to it (a volatile `ARG` feeding a label is
    LL102's business).

    ## Example
    ```dockerfile
    FROM debian:bookworm
    LABEL org.opencontainers.image.version="1.4.2"
    EXPOSE 8080
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    COPY app /app
    CMD ["/app/run"]
    ```

    ## Use instead
    ```dockerfile
    FROM debian:bookworm
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    COPY app /app
    LABEL org.opencontainers.image.version="1.4.2"
    EXPOSE 8080
    CMD ["/app/run"]
    ```

    ## Fix
    Unsafe: one fix per stage moves every movable instruction, with the comment
    lines directly above it, to just after the stage's last layer step, keeping
    their order. The image config stays the same (labels, ports and commands
    never affect build steps; an instruction whose expanded value, shell or
    order against another instruction would change is not reported), but the
    layout of the file changes, so a reviewer should look. `VOLUME` is
    reported without a fix: a `RUN` after it cannot change files under its
    path, so moving it could change the image.
    """

    code = "LL202"
    name = "metadata-before-layers"
    category = "metadata"
    severity = "warning"
    summary = "Metadata before RUN/COPY: classic builders re-run later steps when it changes"
    builders = ("classic",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        model = context.model
        for stage in model.stages:
            yield from _check_stage(context.dockerfile, model, stage)


def _check_stage(dockerfile: Dockerfile, model: BuildModel, stage: Stage) -> Iterator[Violation]:
    walked = list(model.walk(stage))
    instructions = [instruction for instruction, _ in walked]
    layer_indexes = [i for i, item in enumerate(instructions) if item.keyword in LAYER_STEPS]
    if not layer_indexes:
        return
    last = layer_indexes[-1]
    final_scope = walked[last][1]  # layer steps change no variable: same after it
    reported: list[int] = []
    movable: set[int] = set()
    blocked: list[int] = []  # metadata that stays where it is
    for index in range(last):
        instruction, scope = walked[index]
        if instruction.keyword not in METADATA:
            continue
        if _has_errors(instruction):
            blocked.append(index)
            continue
        if instruction.keyword == "VOLUME":
            reported.append(index)
            blocked.append(index)
        elif _keeps_meaning(instruction, scope, final_scope, instructions[index + 1 : last]):
            reported.append(index)
            movable.add(index)
        else:
            blocked.append(index)
    changed = True
    while changed:  # an instruction cannot jump over one it must stay before
        changed = False
        for index in sorted(movable):
            if any(
                index < other < last and _order_matters(instructions[index], instructions[other])
                for other in blocked
            ):
                movable.discard(index)
                reported.remove(index)
                blocked.append(index)
                changed = True
    fix = _move_fix(dockerfile, [instructions[i] for i in sorted(movable)], instructions[last])
    for index in reported:
        instruction = instructions[index]
        following = [i for i in layer_indexes if i > index]
        yield Violation(
            instruction.start,
            _first_line_end(dockerfile, instruction),
            _message(instruction, instructions[following[0]], len(following), index in movable),
            fix if index in movable else None,
        )


def _has_errors(instruction: Instruction) -> bool:
    return bool(instruction.errors) or (
        instruction.inner is not None and bool(instruction.inner.errors)
    )


def _keeps_meaning(
    instruction: Instruction, scope: Scope, final_scope: Scope, between: list[Instruction]
) -> bool:
    """True when the instruction means the same after the stage's last layer step."""
    keyword = instruction.keyword
    if keyword in EXPANDED:
        for name in referenced_names(instruction.arguments):
            if _variable_state(scope, name) != _variable_state(final_scope, name):
                return False
    if keyword in SHELL_WRAPPED and not instruction.is_json:
        if keyword == "HEALTHCHECK" and instruction.arguments.strip().upper() == "NONE":
            return True
        return not any(other.keyword == "SHELL" for other in between)
    return True


def _variable_state(scope: Scope, name: str) -> tuple[object, ...]:
    return (name in scope.args, scope.args.get(name), name in scope.env, scope.env.get(name))


def _order_matters(moved: Instruction, staying: Instruction) -> bool:
    """True when swapping the two instructions could change the image config."""
    if moved.keyword != staying.keyword:
        return False
    if moved.keyword in LAST_ONE_WINS:
        return True
    if moved.keyword == "LABEL":
        if staying.errors or not staying.pairs:
            return True
        keys = {pair.key for pair in moved.pairs}
        other = {pair.key for pair in staying.pairs}
        return bool(keys & other) or any("$" in key for key in keys | other)
    return False


def _first_line_end(dockerfile: Dockerfile, instruction: Instruction) -> int:
    """End of the instruction's first line, without a trailing continuation."""
    source = dockerfile.source
    end = min(instruction.end, source.line_end(instruction.start_line))
    text = source.text
    if end < instruction.end:
        while end > instruction.keyword_end and text[end - 1] in " \t":
            end -= 1
        if end > instruction.keyword_end and text[end - 1] == dockerfile.escape:
            end -= 1
        while end > instruction.keyword_end and text[end - 1] in " \t":
            end -= 1
    return end


def _message(instruction: Instruction, next_step: Instruction, count: int, movable: bool) -> str:
    keyword = instruction.keyword
    steps = "layer step" if count == 1 else f"{count} layer steps"
    head = (
        f"{keyword} before the {next_step.keyword} on line {next_step.start_line}: classic "
        "builders (legacy docker, buildah, kaniko) cache each instruction keyed on the whole "
        f"image config, so editing this {keyword} re-runs the {steps} after it"
    )
    if movable:
        return head + "; move it below the last RUN/COPY/ADD/WORKDIR of the stage"
    return head + (
        "; not moved automatically because a RUN after a VOLUME cannot change files under "
        "its path: move it down by hand if no later RUN writes there"
    )


def _move_fix(
    dockerfile: Dockerfile, moved: list[Instruction], last_step: Instruction
) -> Fix | None:
    """One edit set moving `moved` (with their comments) to just after `last_step`."""
    if not moved:
        return None
    text = dockerfile.source.text
    nodes = dockerfile.nodes
    position = {id(node): index for index, node in enumerate(nodes)}
    runs: list[list[int]] = []  # [first, last] node indexes removed together
    blocks: list[str] = []
    for instruction in moved:
        index = position[id(instruction)]
        first = index
        while first > 0 and _is_kind(nodes[first - 1], Trivia.COMMENT):
            first -= 1
        blocks.append(text[_node_start(nodes[first]) : instruction.node_end])
        if runs and runs[-1][1] == first - 1:
            runs[-1][1] = index
        else:
            runs.append([first, index])
    edits: list[Edit] = []
    blank_separated: list[bool] = []
    for first, last in runs:
        separated = (
            first > 0
            and _is_kind(nodes[first - 1], Trivia.BLANK)
            and last + 1 < len(nodes)
            and _is_kind(nodes[last + 1], Trivia.BLANK)
        )
        if separated:
            last += 1  # keep one blank line where the block was, not two
        blank_separated.append(separated)
        edits.append(Edit.delete(_node_start(nodes[first]), _node_end(nodes[last])))
    insert_at = last_step.node_end
    newline = newline_of(text, last_step)
    content = "".join(blocks)
    after = position[id(last_step)] + 1
    at_end = after >= len(nodes)
    if (not at_end and _is_kind(nodes[after], Trivia.BLANK)) or (at_end and blank_separated[0]):
        content = newline + content
    if text[insert_at - 1 : insert_at] != "\n":
        content = newline + content
    trailing = _trailing_newline(content)
    if at_end and trailing and not text.endswith("\n"):
        content = content[: -len(trailing)]  # the file had no final newline: keep it so
    edits.append(Edit.insert(insert_at, content))
    lines = ", ".join(str(instruction.start_line) for instruction in moved)
    return Fix(
        f"Move the metadata on line{'s' if len(moved) > 1 else ''} {lines} below the "
        f"{last_step.keyword} on line {last_step.start_line}",
        edits,
        UNSAFE,
    )


def _node_start(node: Instruction | Trivia) -> int:
    return node.start if isinstance(node, Trivia) else node.node_start


def _node_end(node: Instruction | Trivia) -> int:
    return node.end if isinstance(node, Trivia) else node.node_end


def _is_kind(node: Instruction | Trivia, kind: str) -> bool:
    return isinstance(node, Trivia) and node.kind == kind


def _trailing_newline(content: str) -> str:
    if content.endswith("\r\n"):
        return "\r\n"
    return "\n" if content.endswith("\n") else ""
