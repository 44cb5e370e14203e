"""LL202 metadata-before-layers."""

from __future__ import annotations

from lintlayers.diagnostics import UNSAFE, Fix, Violation
from lintlayers.model.metadata import metadata_moves
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.metadata import StageMetadata
    from lintlayers.syntax.nodes import Dockerfile, Instruction


class MetadataBeforeLayers(Rule):
    """Reports metadata that changes between builds placed before layer steps, for
    builders that cache it as a step.

    ## What it does
    With `--builder classic` (the legacy builder, buildah and kaniko), reports a
    `LABEL`, `EXPOSE`, `STOPSIGNAL` or `VOLUME` placed before a `RUN`, `COPY`,
    `ADD` or `WORKDIR` of the same stage when its value changes between builds:
    it expands a per-build build argument (`GIT_SHA`, `BUILD_DATE`, `VCS_REF`, an
    unpinned `VERSION`: what LL102 calls per-build), or it is a version label
    holding the release as written (`LABEL org.opencontainers.image.version=1.4.2`)
    in a stage that copies the whole build context after it (`COPY . .`: the
    label names the release of that code, and the steps between re-run for
    nothing at each release). A release label of an image that installs some
    software and copies no whole context names that software's release: a bump
    edits its download too, or the label goes stale, so it is not reported.
    It is not reported when the same change re-runs the steps anyway: an earlier
    `RUN`, `COPY` or `WORKDIR` that uses the variable, an earlier line holding the
    release (the `FROM`, an `ENV`: a release bump edits it too), or the next costly
    step after it doing so. A version label expanding a variable written in the
    file (`ENV OTP_VERSION=26.2`) changes only with an edit of that declaration,
    which re-runs every later step anyway. One finding per run of consecutive
    metadata instructions.

    Static metadata (`EXPOSE 8080`, a maintainer `LABEL`, `VOLUME /data`, `CMD`,
    `ENTRYPOINT`, `STOPSIGNAL SIGTERM`, `ONBUILD`) is not reported: it is
    practically never edited, so moving it saves nothing.

    ## Why it matters
    These builders commit every instruction as a cache step keyed on the parent
    and the whole image config. A label set from `--build-arg GIT_SHA=...` early
    in a stage therefore re-runs every later `RUN` and `COPY` of the stage on
    every build, although a label never changes what those steps do. BuildKit
    does not make metadata a cache step, so the rule does not apply to it (a
    per-build `ARG` early in a stage is LL102's business).

    ## Example
    ```dockerfile
    FROM debian:bookworm
    ARG GIT_SHA
    LABEL org.opencontainers.image.revision=$GIT_SHA
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    COPY app /app
    CMD ["/app/run"]
    ```

    ## Use instead
    ```dockerfile
    FROM debian:bookworm
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    COPY app /app
    ARG GIT_SHA
    LABEL org.opencontainers.image.revision=$GIT_SHA
    CMD ["/app/run"]
    ```

    ## Fix
    Unsafe: one fix per stage moves every reported instruction, with the comment
    lines directly above it, to just after the stage's last layer step, keeping
    their order; the `ARG` it expands then moves down with LL102's fix. The
    image config stays the same (labels and ports never affect build steps; an
    instruction whose expanded value or order against another instruction would
    change is not reported), but the layout of the file changes, so a reviewer
    should look. `VOLUME` is reported without a fix: a `RUN` after it cannot
    change files under its path, so moving it could change the image.
    """

    code = "LL202"
    name = "metadata-before-layers"
    category = "metadata"
    severity = "warning"
    summary = "Metadata that changes per build or release before RUN/COPY re-runs them (classic)"
    builders = ("classic",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        dockerfile = context.dockerfile
        for stage in metadata_moves(context):
            fix = _move_fix(dockerfile, stage)
            for block in stage.blocks:
                first = stage.instructions[block[0]]
                movable = [index for index in block if index in stage.movable]
                yield Violation(
                    first.start,
                    _first_line_end(dockerfile, first),
                    _message(stage, block),
                    fix if movable else None,
                    help=_help(stage, block, movable),
                )


def _move_fix(dockerfile: Dockerfile, stage: StageMetadata) -> Fix | None:
    """One fix moving the movable metadata (with their comments) below the last step."""
    from lintlayers.syntax.layout import move_edits  # only for a finding

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


def _message(stage: StageMetadata, block: list[int]) -> str:
    """One sentence: what changes with every build, and how many later steps that re-runs."""
    instructions = [stage.instructions[index] for index in block]
    changes = [stage.changes[index] for index in block]
    reruns = len({step for change in changes for step in change.reruns})
    steps = "the next step" if reruns == 1 else f"{reruns} later steps"
    keywords = {instruction.keyword for instruction in instructions}
    if len(block) == 1:
        subject, verbs = instructions[0].keyword, ("changes", "re-runs")
    else:
        kind = f"{keywords.pop()}s" if len(keywords) == 1 else "metadata instructions"
        subject, verbs = f"{len(block)} {kind}", ("change", "re-run")
    names = list(dict.fromkeys(name for change in changes for name in change.names))
    if not names:
        release = changes[0].release
        return f"{subject} {verbs[0]} with release {release} and {verbs[1]} {steps} (classic)"
    shown = ", ".join(names[:2]) + (", ..." if len(names) > 2 else "")
    return f"{subject} {verbs[0]} with every build ({shown}) and {verbs[1]} {steps} (classic)"


def _help(stage: StageMetadata, block: list[int], movable: list[int]) -> str:
    """The detail: which builders, and what to do."""
    why = (
        "Classic builders (legacy docker, buildah, kaniko) cache each instruction keyed on "
        "the whole image config."
    )
    if len(movable) == len(block):
        return f"{why} Move it below the last RUN/COPY/ADD/WORKDIR of the stage."
    return (
        f"{why} A VOLUME is not moved automatically because a RUN after it cannot change "
        "files under its path: move it down by hand if no later RUN writes there."
    )
