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

Nothing here is imported on the lint hot path unless rule LL105 runs.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.cache.costs import Costs
    from lintlayers.cache.history import History
    from lintlayers.cache.steps import CachePlan


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
