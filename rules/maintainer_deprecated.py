"""LL201 maintainer-deprecated."""

from __future__ import annotations

from lintlayers.diagnostics import SAFE, Edit, Fix, Violation
from lintlayers.model.shipping import ships_layers
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.syntax.nodes import Dockerfile, Instruction

MESSAGE_TEXT_LIMIT = 60


class MaintainerDeprecated(Rule):
    """Reports the deprecated `MAINTAINER` instruction.

    ## What it does
    Reports every `MAINTAINER` instruction and offers to replace it with
    `LABEL maintainer="..."` holding the same text.

    ## Why it matters
    `MAINTAINER` has been deprecated since Docker 1.13: it fills the image's
    legacy `Author` field, which tools barely show, and BuildKit's own check
    (`MaintainerDeprecated`) warns about it. A label is the documented
    replacement and is visible with `docker inspect` like any other metadata.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    MAINTAINER Jane Doe <jane@example.com>
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL maintainer="Jane Doe <jane@example.com>"
    ```

    In a stage whose image no shipped image is built on (a builder stage
    used only by `COPY --from`, a stage of a test target), the Author field
    is discarded with the stage's metadata: the advice there is to delete
    the instruction, and to name the maintainer in the stage that ships.

    ## Fix
    Safe: in a stage that no shipped image builds on, the instruction is
    deleted (only that stage's own metadata changes). Elsewhere it is replaced
    by a `LABEL` with the same text, quoted and escaped for the file's escape
    character, in the keyword case the file uses. No build step and no file of
    the image changes; the maintainer moves from the deprecated `Author` field
    to the `maintainer` label.
    `ONBUILD MAINTAINER` is a build error reported by LL001 and is left to it.
    """

    code = "LL201"
    name = "maintainer-deprecated"
    category = "metadata"
    severity = "warning"
    summary = "MAINTAINER is deprecated: use LABEL maintainer=... instead"
    hadolint = ("DL4000",)
    needs = ("MAINTAINER",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        dockerfile = context.dockerfile
        stage_of = {
            id(instruction): stage
            for stage in context.model.stages
            for instruction in stage.instructions
        }
        for instruction in dockerfile.instructions:
            # `ONBUILD MAINTAINER` is an error BuildKit refuses; LL001 reports it.
            if instruction.keyword != "MAINTAINER":
                continue
            text = instruction.arguments
            shown = text if len(text) <= MESSAGE_TEXT_LIMIT else text[:MESSAGE_TEXT_LIMIT] + "..."
            value = _double_quoted(shown, dockerfile.escape) if text else "..."
            stage = stage_of.get(id(instruction))
            if stage is None or ships_layers(context, stage):
                yield Violation(
                    instruction.start,
                    instruction.keyword_end,
                    "MAINTAINER is deprecated: it only fills the legacy Author field",
                    _fix(dockerfile, instruction),
                    help=f"use `LABEL maintainer={value}` instead",
                )
                continue
            yield Violation(
                instruction.start,
                instruction.keyword_end,
                "MAINTAINER in a stage no shipped image builds on: its Author field is lost",
                Fix(
                    "Delete MAINTAINER (no shipped image keeps it)",
                    [Edit.delete(instruction.node_start, instruction.node_end)],
                    SAFE,
                ),
                help=f"delete it; for an image that names its maintainer, put `LABEL "
                f"maintainer={value}` in the stage that ships",
            )


def _fix(dockerfile: Dockerfile, instruction: Instruction) -> Fix | None:
    """Replace the instruction with an equivalent `LABEL`, when that is unambiguous."""
    if instruction.errors or instruction.flags or not instruction.arguments:
        return None
    source = dockerfile.source
    for line in range(instruction.start_line + 1, instruction.end_line + 1):
        stripped = source.line_text(line).strip()
        if not stripped or stripped.startswith("#"):
            return None  # a comment inside the continuation would be lost
    keyword = _label_keyword(dockerfile, instruction)
    value = _double_quoted(instruction.arguments, dockerfile.escape)
    content = f"{keyword} maintainer={value}"
    return Fix(
        "Replace MAINTAINER with LABEL maintainer=...",
        [Edit(instruction.start, instruction.end, content)],
        SAFE,
    )


def _label_keyword(dockerfile: Dockerfile, instruction: Instruction) -> str:
    """`LABEL` in the case style of the MAINTAINER keyword (or of the file)."""
    raw = instruction.keyword_raw
    if raw.islower():
        return "label"
    if raw.isupper():
        return "LABEL"
    keywords = [other.keyword_raw for other in dockerfile.instructions if other is not instruction]
    lower = sum(1 for keyword in keywords if keyword.islower())
    upper = sum(1 for keyword in keywords if keyword.isupper())
    return "label" if lower > upper else "LABEL"


def _double_quoted(text: str, escape: str) -> str:
    """`text` as a double-quoted LABEL value that BuildKit reads back unchanged.

    Inside double quotes BuildKit's lexer honours the escape character before
    `"`, `$` and itself only; `$` must be escaped because LABEL expands
    variables while MAINTAINER never did.
    """
    special = ('"', "$", escape)
    return '"' + "".join(escape + char if char in special else char for char in text) + '"'
