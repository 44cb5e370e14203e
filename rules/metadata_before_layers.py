"""LL202 metadata-before-layers."""

from __future__ import annotations

from lintlayers.diagnostics import UNSAFE, Fix, Violation
from lintlayers.model.metadata import metadata_moves
from lintlayers.rule import Rule
from lintlayers.syntax.layout import move_edits
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.metadata import StageMetadata
    from lintlayers.syntax.nodes import Dockerfile, Instruction


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
        dockerfile = context.dockerfile
        for stage in metadata_moves(context):
            fix = _move_fix(dockerfile, stage)
            for index in stage.reported:
                instruction = stage.instructions[index]
                following = stage.steps_after(index)
                movable = index in stage.movable
                yield Violation(
                    instruction.start,
                    _first_line_end(dockerfile, instruction),
                    _message(instruction, following[0], len(following)),
                    fix if movable else None,
                    help=_help(instruction, movable),
                )


def _move_fix(dockerfile: Dockerfile, stage: StageMetadata) -> Fix | None:
    """One fix moving the movable metadata (with their comments) below the last step."""
    moved = stage.moved
    last_step = stage.instructions[stage.last]
    edits = move_edits(dockerfile, moved, after=last_step, paragraph=True)
    if edits is None:
        return None
    lines = ", ".join(str(instruction.start_line) for instruction in moved)
    return Fix(
        f"Move the metadata on line{'s' if len(moved) > 1 else ''} {lines} below the "
        f"{last_step.keyword} on line {last_step.start_line}",
        edits,
        UNSAFE,
    )


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


def _message(instruction: Instruction, next_step: Instruction, count: int) -> str:
    """One sentence: where it stands and what editing it re-runs."""
    keyword = instruction.keyword
    steps = "the step after it" if count == 1 else f"{count} later steps"
    return (
        f"{keyword} before the {next_step.keyword} on line {next_step.start_line}: "
        f"editing it re-runs {steps} (classic builders)"
    )


def _help(instruction: Instruction, movable: bool) -> str:
    """The detail: which builders, and what to do."""
    why = (
        "Classic builders (legacy docker, buildah, kaniko) cache each instruction keyed on "
        "the whole image config."
    )
    if movable:
        return f"{why} Move it below the last RUN/COPY/ADD/WORKDIR of the stage."
    return (
        f"{why} Not moved automatically because a RUN after a {instruction.keyword} cannot "
        "change files under its path: move it down by hand if no later RUN writes there."
    )
