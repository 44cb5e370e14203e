"""Reordering a stage so that it misses the build cache less, without changing the image.

- ``effects``: what each instruction reads, writes, defines and observes, and
  ``commutes(a, b)``: whether two instructions may swap.
- ``pathsets``: sets of image paths and the base-image layout the analysis assumes.
- ``run_model``: what one RUN reads and writes, command by command.
- ``search``: the order of a stage that minimizes the expected rebuild cost, given a
  precedence DAG, a cost per step and the commits in which each step's key changes.
- ``inputs``: costs and per-commit key changes from ``lintlayers.cache``.
- ``transform``: the split of a broad COPY into the manifests an install needs plus
  the rest (from the install model, ``lintlayers.model.installs``).
- ``engine``: one stage from instructions to a proposal (before/after cost, moves).
- ``rewrite``: the stage's text in the new order, as one fix.

Nothing of the engine is imported on the lint hot path unless ``may_pay`` (here, keywords
only) finds a stage where another order could save ``MIN_SAVING``.
"""

from __future__ import annotations

from lintlayers.model.metadata import METADATA
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.cache.costs import Costs
    from lintlayers.cache.history import History
    from lintlayers.cache.steps import CachePlan
    from lintlayers.model.stages import Stage
    from lintlayers.syntax.nodes import Instruction

MIN_SAVING = 5.0
"""Least saving (relative seconds per commit) worth a finding."""

CHANGERS = frozenset({"COPY", "ADD"})
"""Steps whose own key may change in a commit (context files, another stage, a download)."""
COSTLY = frozenset({"RUN", "COPY", "ADD", "WORKDIR"})
"""Steps that do work when they re-run (the others only commit a config)."""


def may_pay(stage: Stage, builder: str, volatile: frozenset[int], file_cost: float = 1.0) -> bool:
    """Keywords only: whether another order of ``stage`` could save ``MIN_SAVING``.

    A step re-runs less in another order only when a step before it whose key may
    change (``may_change``; ``volatile`` holds the ``id()`` of the per-build ARG/ENV)
    moves below it, and it saves at most its own cost: a COPY, ADD or WORKDIR costs
    ``file_cost`` (``Costs``' files), a RUN or a download may cost more
    (``may_cost_more``). So a stage without such a RUN or download after such a step,
    and with fewer other costly steps after it than make ``MIN_SAVING``, keeps its order.
    """
    classic = builder == "classic"
    changer_seen = False
    cheap_after = 0.0
    for instruction in stage.instructions:
        keyword = instruction.keyword
        if changer_seen and keyword in COSTLY:
            if may_cost_more(instruction, keyword):
                return True
            cheap_after += file_cost
            if cheap_after >= MIN_SAVING:
                return True
        if may_change(instruction, keyword, volatile, classic):
            changer_seen = True
    return False


def may_cost_more(instruction: Instruction, keyword: str) -> bool:
    """Whether a costly step may cost more than copying files: a RUN, or a COPY/ADD of a
    URL or Git repository (a download, as the cache model prices it)."""
    if keyword == "RUN":
        return True
    if keyword not in CHANGERS:
        return False
    from lintlayers.model.copy_args import HEREDOC, LOCAL, copy_args

    return any(source.kind not in (LOCAL, HEREDOC) for source in copy_args(instruction).sources)


def may_change(
    instruction: Instruction, keyword: str, volatile: frozenset[int], classic: bool
) -> bool:
    """Whether a step's own key may change in a commit: a COPY or ADD (context files,
    another stage, a download), a RUN mounting either, a per-build ARG or ENV (``id()``
    in ``volatile``), metadata under the classic builder (edited with the Dockerfile)."""
    if keyword in CHANGERS or id(instruction) in volatile or (classic and keyword in METADATA):
        return True
    return keyword == "RUN" and _mounts_may_change(instruction)


def _mounts_may_change(instruction: Instruction) -> bool:
    """Whether a RUN mounts the build context or another stage (a bind mount, the
    default type, or any mount ``from=``)."""
    if not instruction.flags:
        return False
    from lintlayers.syntax.words import parse_csv_options

    for value in instruction.flag_values("mount"):
        options = dict(parse_csv_options(value))
        if options.get("type", "bind") == "bind" or "from" in options:
            return True
    return False


def suggest_order(plan: CachePlan, *, history: History, costs: Costs) -> str | None:
    """The Dockerfile with every stage in its cheapest safe order, or None if none changes.

    This is what ``lintlayers cache`` prices next to the current order. Unlike rule
    LL105 it does not leave moves to LL101/LL102/LL202: it shows what the engine alone
    finds, split COPYs included when the plan has a build context.
    """
    from lintlayers.context import RuleContext
    from lintlayers.reorder.engine import plan_stage
    from lintlayers.reorder.inputs import FileInputs
    from lintlayers.reorder.rewrite import stage_edit

    dockerfile = plan.model.dockerfile
    if dockerfile.all_errors():
        return None
    context_dir = plan.context.root if plan.context is not None else None
    path = getattr(plan.context, "dockerfile_path", None) if plan.context is not None else None
    context = RuleContext(
        dockerfile,
        builder=plan.builder,
        context_dir=context_dir,
        path=path or dockerfile.source.path,
    )
    inputs = FileInputs(context, plan=plan, history=history, costs=costs)
    edits = []
    for stage in context.model.stages:  # the same instructions as the plan's, own Stage objects
        proposal = plan_stage(context, stage, inputs)
        if proposal is not None:
            edit = stage_edit(dockerfile, proposal)
            if edit is not None:
                edits.append(edit)
    if not edits:
        return None
    text = dockerfile.source.text
    for edit in sorted(edits, key=lambda edit: -edit.start):
        text = text[: edit.start] + edit.content + text[edit.end :]
    return text
