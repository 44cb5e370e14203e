"""LL102 volatile-variable-early."""

from __future__ import annotations

from lintlayers.diagnostics import UNSAFE, Fix, Violation
from lintlayers.model.volatile_moves import volatile_lines
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.volatile import Declared
    from lintlayers.model.volatile_moves import Use, VolatileLine


MESSAGE_LIMIT = 100
"""Most characters of a message naming several declarations: past it, they are counted."""
STALE_CONFIG_NOTE = (
    "No automatic fix under the classic builder: buildah keys ENV/LABEL/ARG steps on "
    "their text, so without a RUN after the moved lines the image would keep the "
    "previous value."
)
"""Why a move is not offered under the classic builder (``stale_config_hazard``)."""


class VolatileVariableEarly(Rule):
    """Reports a per-build ARG or ENV declared before RUN steps that do not use it.

    ## What it does
    Reports an `ARG` or `ENV` whose name marks a value that changes with every
    build or commit (`GIT_SHA`, `BUILD_DATE`, `VCS_REF`, an unpinned `VERSION`,
    ...) when RUN instructions that do not use it follow it in the stage before
    its first use. A `VERSION`-like ARG with a literal default (`ARG
    VERSION=1.4.2`) is pinned and not reported; tool versions such as
    `NODE_VERSION` never are. An ENV counts when its value comes from such an
    ARG. Global ARGs (before the first `FROM`) count only where a stage
    declares them again. Adjacent lines that each declare one such name, re-run
    the same RUNs and call for the same move (an `ARG VERSION`, `ARG COMMIT_SHA`,
    `ARG BUILD_ID` block above the labels that use them) are one finding, whose
    fix moves them together.

    ## Why it matters
    An ARG that has a value (from its default or `--build-arg`) and every ENV
    join the cache key of every later RUN in the stage, used or not. A value
    that changes on each build therefore re-runs all those RUNs, and everything
    after them, every time. Under BuildKit a `LABEL revision=$GIT_SHA` is
    harmless by itself: the ARG feeding it is the hazard.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    ARG GIT_SHA
    RUN pip install --no-cache-dir flask
    COPY . /app
    LABEL org.opencontainers.image.revision=$GIT_SHA
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir flask
    COPY . /app
    ARG GIT_SHA
    LABEL org.opencontainers.image.revision=$GIT_SHA
    ```

    ## Fix
    Unsafe: the declaration line (with the comment lines directly above it)
    moves down to just before the first instruction that references the
    variable (`$NAME`, `${NAME...}` anywhere, RUN text and heredoc bodies
    included), or to the end of the stage when nothing does. A script run by an
    earlier RUN may read the variable from its environment without naming it;
    such a RUN would no longer see it. A line that declares several names moves
    only when all of them are volatile.
    """

    code = "LL102"
    name = "volatile-variable-early"
    category = "cache"
    severity = "warning"
    summary = "A per-build ARG/ENV early in a stage re-runs every later RUN"
    needs = ("ARG", "ENV")

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for block in _blocks(volatile_lines(context)):
            if len(block) > 1:
                yield _block_violation(context, block)
                continue
            line = block[0]
            fix = _fix(context, line)
            for declared, use in zip(line.declared, line.uses, strict=True):
                runs = line.unused_runs(use)
                if not runs:
                    continue
                start = declared.pair.start
                end = start + _key_length(context.source.text, start)
                yield Violation(
                    start,
                    end,
                    _message(line, declared, len(runs)),
                    fix,
                    help=_help(context, line, declared, use, fix is not None),
                )


def _blocks(lines: list[VolatileLine]) -> list[list[VolatileLine]]:
    """The reported lines, those next to each other grouped: one problem, one finding.

    Lines group when they follow each other in a sequence, each declares one name, the
    same RUNs re-run for each, and the advice is the same: all first used by metadata
    before those RUNs (the ``ARG VERSION``, ``ARG COMMIT_SHA``, ``ARG BUILD_ID`` block
    above the labels using them), or all first used by the same instruction."""
    blocks: list[list[VolatileLine]] = []
    for line in lines:
        if not line.reported:
            continue
        previous = blocks[-1][-1] if blocks else None
        if previous is not None and _same_problem(previous, line):
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _same_problem(previous: VolatileLine, line: VolatileLine) -> bool:
    if previous.sequence is not line.sequence or previous.index + 1 != line.index:
        return False
    if len(previous.declared) != 1 or len(line.declared) != 1:
        return False
    before, use = previous.uses[0], line.uses[0]
    if before.step != use.step or before.reader or use.reader:
        return False
    if before.first == use.first:
        return True
    return bool(_metadata_first(previous, before) and _metadata_first(line, use))


def _metadata_first(line: VolatileLine, use: Use) -> bool:
    """Whether the name's first use is metadata standing before RUNs it re-runs."""
    return bool(line.runs(use.first + 1, use.step))


def _block_violation(context: RuleContext, block: list[VolatileLine]) -> Violation:
    """One finding for adjacent lines declaring per-build values, with one advice."""
    from lintlayers.model.volatile_moves import block_edits

    first, last = block[0], block[-1]
    keywords = {line.effective[line.index].keyword for line in block}
    keyword = keywords.pop() if len(keywords) == 1 else "ARG/ENV"
    names = [line.declared[0].pair.key for line in block]
    count = len(first.unused_runs(first.uses[0]))
    runs = f"{count} later RUN{'s' if count > 1 else ''}"
    message = f"{keyword} {', '.join(names)} hold per-build values and re-run {runs}"
    if len(message) > MESSAGE_LIMIT:
        message = f"{len(names)} {keyword} lines from {names[0]} on hold per-build values"
        message += f" and re-run {runs}"
    edits = block_edits(context, block)
    fix = None
    if edits is not None:
        fix = Fix(_fix_label(context, first, f"the {len(block)} lines"), edits, UNSAFE)
    start = first.declared[0].pair.start
    end_start = last.declared[0].pair.start
    end = end_start + _key_length(context.source.text, end_start)
    return Violation(start, end, message, fix, help=_block_help(context, block))


def _block_help(context: RuleContext, block: list[VolatileLine]) -> str:
    """The detail for a block of declarations: how the values enter the keys, where they
    are used, what to do."""
    first = block[0]
    use = first.uses[0]
    location = context.source.location
    runs = first.unused_runs(use)
    parts = [
        "Each that has a value (a default, --build-arg, or an ARG it takes it from) joins "
        "the cache key of every later RUN in the stage, so each new value re-runs them, "
        f"from the RUN at line {location(runs[0].start).line} on."
    ]
    if _metadata_first(first, use):
        uses = sorted({line.uses[0].first for line in block})
        keywords = sorted({first.effective[index].keyword for index in uses})
        numbers = [str(location(first.effective[index].start).line) for index in uses]
        what = " or ".join(keywords) + ("s" if len(uses) > 1 else "")
        at = "lines " + ", ".join(numbers) if len(numbers) > 1 else "line " + numbers[0]
        verb = "uses, the {} at {}, come" if len(uses) > 1 else "use, the {} at {}, comes"
        parts.append(
            f"Their first {verb.format(what, at)} before those RUNs (harmless by itself: "
            "metadata is no build step, but the names stay in scope after it). "
            f"Move the {what} and these declarations below the last RUN of the stage."
        )
    elif use.first >= len(first.effective):
        parts.append("Nothing later in the stage uses them: declare them at the end of the stage.")
    else:
        target = first.effective[use.first]
        number = location(target.start).line
        parts.append(f"Their first use is the {target.keyword} at line {number}.")
        parts.append("Declare them just before it.")
    if first.stale_config_hazard:
        parts.append(STALE_CONFIG_NOTE)
    return " ".join(parts)


def _fix(context: RuleContext, line: VolatileLine) -> Fix | None:
    """The move of the declaring line, when it can be made."""
    if line.edits is None:
        return None
    label = _fix_label(context, line, f"the {line.instruction.effective.keyword}")
    return Fix(label, line.edits, UNSAFE)


def _fix_label(context: RuleContext, line: VolatileLine, what: str) -> str:
    if line.destination < len(line.sequence):
        target = line.sequence[line.destination].effective
        return f"Move {what} before line {context.source.location(target.start).line}"
    return f"Move {what} to the end of the stage"


def _key_length(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end] not in "= \t\r\n":
        end += 1
    return end - start


def _message(line: VolatileLine, declared: Declared, count: int) -> str:
    """One sentence: the variable, why it costs, how many RUNs it re-runs."""
    name = declared.pair.key
    runs = f"{count} later RUN{'s' if count > 1 else ''} that do{'es' if count == 1 else ''}"
    keyword = line.effective[declared.index].keyword
    return f"{keyword} {name} holds a per-build value and re-runs {runs} not use it"


def _help(
    context: RuleContext, line: VolatileLine, declared: Declared, use: Use, fixable: bool
) -> str:
    """The detail: how the value enters the keys, where it is used, what to do."""
    effective = line.effective
    runs = line.unused_runs(use)
    name = declared.pair.key
    location = context.source.location
    if effective[declared.index].keyword == "ARG":
        what = "Once it has a value (a default or --build-arg) it"
        if declared.origin:
            what = f"It takes its value from {declared.origin}; it"
    else:
        what = f"It takes its value from ARG {declared.origin} and"
    parts = [
        f"{what} joins the cache key of every later RUN in the stage, so each new value "
        f"re-runs them, from the RUN at line {location(runs[0].start).line} on."
    ]
    after = line.runs(use.first + 1, use.step)
    if after:
        metadata = effective[use.first]
        number = location(metadata.start).line
        which = "them" if len(after) == len(runs) else f"{len(after)} of them"
        parts.append(
            f"Its first use, the {metadata.keyword} at line {number}, comes before {which} "
            f"(harmless by itself: the {metadata.keyword} is no build step, but {name} stays "
            f"in scope after it). Move the {metadata.keyword} and this declaration below the "
            "last RUN of the stage."
        )
    elif use.first >= len(effective):
        parts.append("Nothing later in the stage uses it: declare it at the end of the stage.")
    else:
        target = effective[use.first]
        number = location(target.start).line
        if use.reader:
            parts.append(
                f"Its first possible use is the RUN at line {number}, which runs "
                f"`{use.reader}` (it may read the variable from its environment)."
            )
        else:
            parts.append(f"Its first use is the {target.keyword} at line {number}.")
        if not fixable and len(effective[declared.index].pairs) > 1:
            parts.append("Declare it just before, apart from the other names on its line.")
        else:
            parts.append("Declare it just before its first use.")
    if line.stale_config_hazard:
        parts.append(STALE_CONFIG_NOTE)
    return " ".join(parts)
