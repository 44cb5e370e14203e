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
    declares them again.

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
        for line in volatile_lines(context):
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


def _fix(context: RuleContext, line: VolatileLine) -> Fix | None:
    """The move of the declaring line, when it can be made."""
    if line.edits is None:
        return None
    if line.destination < len(line.sequence):
        target = line.sequence[line.destination].effective
        where = f"before line {context.source.location(target.start).line}"
    else:
        where = "to the end of the stage"
    return Fix(f"Move the {line.instruction.effective.keyword} {where}", line.edits, UNSAFE)


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
        parts.append(
            "No automatic fix under the classic builder: buildah keys ENV/LABEL/ARG steps on "
            "their text, so without a RUN after the moved lines the image would keep the "
            "previous value."
        )
    return " ".join(parts)
