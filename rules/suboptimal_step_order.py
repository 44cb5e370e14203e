"""LL105 suboptimal-step-order."""

from __future__ import annotations

from lintlayers.diagnostics import UNSAFE, Fix, Violation
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.reorder.engine import Proposal

DEFERRED_RULES = ("LL101", "LL102", "LL202")
"""Rules that report moves too: LL105 leaves the instructions they report to them when
they run on the file, and moves those instructions itself when they do not."""


class SuboptimalStepOrder(Rule):
    """Reports a stage whose steps, in another order, would re-run less work per commit.

    ## What it does
    Looks for the order of each stage's instructions that re-runs the least work on
    an average commit, among the orders that provably build the same image, and
    reports the stage when that order is cheaper by at least 5 relative seconds per
    commit and 5%. It moves a COPY of often-changing files below the expensive steps
    that do not need them, moves stable expensive steps up, and (with a build
    context) splits a `COPY . .` into the manifests an install needs plus the rest.
    The cost of a step and how often its key changes come from lintlayers' cache
    model: the git history of the build context when at least 10 commits change
    it (the history `lintlayers cache` replays too), otherwise a synthetic history
    by file class (sources change in every commit, manifests in one of 20). A
    per-build ARG such as `GIT_SHA` counts as changed in every commit.

    Two instructions swap only when neither can observe the other: what each one
    reads and writes in the image, the ARG/ENV names it sets or uses, the WORKDIR,
    USER and SHELL it sets or depends on, and the order among CMDs, ENTRYPOINTs or
    LABELs setting the same key. A RUN lintlayers cannot analyse (a script, a build
    tool) moves past nothing but metadata, and a RUN never crosses an ARG or ENV
    unless the variable is a per-build identifier no command it runs can read.
    When a move would help but cannot be proven safe, the finding says which and
    why instead of making it. Instructions that LL101, LL102 or LL202 report stay
    where they are, so that a problem is reported once (a per-build ARG that LL102
    reports included, also when LL102 offers no fix); when those rules are not
    selected, LL105 makes the moves itself. Under the classic builder, metadata whose
    value does not change between builds (`EXPOSE 8080`, a maintainer `LABEL`) stays
    where it is: it is practically never edited, so moving it saves nothing.

    ## Why it matters
    After the first step of a stage whose key changes, every later step re-runs. A
    `COPY . .` above `apt-get install` re-installs the packages on every edit of a
    source file; the same COPY below it costs a second.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    CMD ["python", "app.py"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    COPY . .
    CMD ["python", "app.py"]
    ```

    ## Fix
    Unsafe: one fix per stage rewrites its instructions in the new order, each with
    the comment lines directly above it; blank lines stay where they were. The
    dependency analysis is conservative and every swap is between instructions that
    cannot observe each other, but it rests on assumptions no static tool can check
    (distro packages never write under `/usr/local` or `/app`, the base image's
    `PATH` holds the usual directories), and the file's layout changes: review it.
    """

    code = "LL105"
    name = "suboptimal-step-order"
    category = "cache"
    severity = "info"
    summary = "Another safe order of the stage's steps would re-run less work per commit"

    def check(self, context: RuleContext) -> Iterator[Violation]:
        if context.dockerfile.all_errors():
            return
        from lintlayers.model.volatile import volatile_instructions
        from lintlayers.reorder import may_pay

        volatile = volatile_instructions(context)
        builder = context.builder
        stages = [stage for stage in context.model.stages if may_pay(stage, builder, volatile)]
        if not stages:
            return  # keywords alone say no order can pay: the engine and cache model stay unloaded
        from lintlayers.reorder.engine import plan_stage
        from lintlayers.reorder.inputs import FileInputs

        inputs = FileInputs(context)
        deferred: dict[int, str] | None = None
        unchanging: frozenset[int] = frozenset()
        for stage in stages:
            proposal = plan_stage(context, stage, inputs)
            if proposal is None:
                continue
            if deferred is None:
                deferred = _deferred(context)
                unchanging = _unchanging_metadata(context)
            others = {
                index: deferred[id(instruction)]
                for index, instruction in enumerate(stage.instructions)
                if id(instruction) in deferred
            }
            pinned = {
                index
                for index, instruction in enumerate(stage.instructions)
                if id(instruction) in unchanging
            }
            touched = {item.index for item in proposal.moved if item.index is not None}
            touched.update(
                item.index
                for blocked in proposal.blocked
                for item in (blocked.mover, blocked.other)
                if item.index is not None
            )
            if not touched & (others.keys() | pinned):
                yield _violation(context, proposal, {})
                continue
            proposal = plan_stage(context, stage, inputs, frozen=frozenset(others.keys() | pinned))
            if proposal is not None:
                yield _violation(context, proposal, others)


def _deferred(context: RuleContext) -> dict[int, str]:
    """``id()`` of each instruction another running rule reports a move of -> its code.

    The model says which moves LL101, LL102 and LL202 report: LL101's and LL202's fixes,
    and every per-build ARG/ENV line LL102 reports, also when it offers no fix (a LABEL
    using the variable first: LL102 says to move both). A proposal that only moves RUNs
    above such a line reports LL102's problem a second time, so it is not made. A rule
    that does not run on this file (not selected, or not for this builder), or whose
    finding a comment suppresses, leaves its moves to LL105."""
    from lintlayers.model.install_moves import install_moves
    from lintlayers.model.metadata import metadata_moves
    from lintlayers.model.volatile_moves import volatile_lines

    found: dict[int, str] = {}
    if context.is_enabled("LL101"):
        for move in install_moves(context):
            if context.reports("LL101", move.copy.start_line):  # not suppressed there
                found.setdefault(id(move.copy), "LL101")
                found.setdefault(id(move.run), "LL101")
    if context.is_enabled("LL102"):
        for line in volatile_lines(context):
            # LL102's finding owns the line, with or without its fix, unless suppressed
            if line.reported and context.reports("LL102", line.instruction.start_line):
                found.setdefault(id(line.instruction), "LL102")
    if context.builder == "classic" and context.is_enabled("LL202"):
        for stage in metadata_moves(context):
            for block in stage.blocks:  # LL202 reports each block at its first line
                if context.reports("LL202", stage.instructions[block[0]].start_line):
                    for index in block:
                        if index in stage.movable:
                            found.setdefault(id(stage.instructions[index]), "LL202")
    return found


def _unchanging_metadata(context: RuleContext) -> frozenset[int]:
    """``id()`` of each metadata instruction the classic builder keys a step on whose value
    does not change between builds (``model.metadata``): it stays where it is, since
    moving it saves nothing (a static label is practically never edited)."""
    if context.builder != "classic":
        return frozenset()
    from lintlayers.model.metadata import metadata_moves

    return frozenset(
        id(instruction) for stage in metadata_moves(context) for instruction in stage.unchanging
    )


def _violation(context: RuleContext, proposal: Proposal, others: dict[int, str]) -> Violation:
    from lintlayers.reorder.rewrite import stage_edit

    instructions = proposal.stage.instructions
    edit = stage_edit(context.dockerfile, proposal)
    message = (
        f"This order re-runs {proposal.before:.1f} relative seconds of work per commit; "
        f"another needs {proposal.after:.1f}"
    )
    first = min(item.index for item in proposal.moved if item.index is not None)
    fix = None if edit is None else Fix("Reorder the stage's instructions", [edit], UNSAFE)
    anchor = instructions[first]
    start, end = anchor.start, _first_line_end(context, anchor)
    return Violation(start, end, message, fix, help=_help(proposal, others))


def _help(proposal: Proposal, others: dict[int, str]) -> str:
    """The detail: the history priced, the moves, the moves not proven safe, what is left
    to other rules."""
    history = proposal.history
    commits = len(history)  # type: ignore[arg-type]
    if getattr(history, "source", "") == "git":
        over = f"over the last {commits} commits of the build context"
    else:
        over = f"over a synthetic history of {commits} commits"
    parts = [f"Costs priced {over}.", "Moves: " + "; ".join(proposal.moves) + "."]
    blocked = [blocked.describe() for blocked in proposal.blocked]
    if blocked:
        parts.append("Not moved: " + "; ".join(blocked) + ".")
    if others:
        instructions = proposal.stage.instructions
        codes = sorted(set(others.values()))
        lines = sorted(instructions[index].start_line for index in others)
        parts.append(
            f"Line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))} "
            f"{'are' if len(lines) > 1 else 'is'} left to {' and '.join(codes)}, "
            f"which report{'s' if len(codes) == 1 else ''} {'them' if len(lines) > 1 else 'it'}."
        )
    return " ".join(parts)


def _first_line_end(context: RuleContext, instruction: object) -> int:
    """End of the instruction's first line, without a trailing continuation."""
    source = context.source
    text = source.text
    start = instruction.start  # type: ignore[attr-defined]
    end = min(instruction.end, source.line_end(source.location(start).line))  # type: ignore[attr-defined]
    keyword_end = instruction.keyword_end  # type: ignore[attr-defined]
    while end > keyword_end and text[end - 1] in " \t\\`":
        end -= 1
    return end
