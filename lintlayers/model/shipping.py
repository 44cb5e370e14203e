"""Which stages ship their layers in an image, rather than only some of their files.

A stage's layers are pushed with an image when it is the image built (the last stage,
or a stage nothing else uses but a development stage, which may be a ``--target``; not
one named for tests or development, ``steps.stays_local``) or the base (``FROM``) of one
that ships. A stage used only through ``COPY --from`` (even ``COPY --from=stage / /``,
which flattens it) or ``RUN --mount=from=`` gives away its final files, never its
layers: a file deleted in a later layer of such a stage costs nothing in the image.
Whether a stage's files reach an image at all is ``steps.reaches_image``.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.stages import Stage


def ships_layers(context: RuleContext, stage: Stage) -> bool:
    """Whether ``stage``'s layers are part of an image built from this file."""
    return context.analysis(_shipping).get(stage.index, True)


def _shipping(context: RuleContext) -> dict[int, bool]:
    from lintlayers.model.stage_references import base_stages, references_to
    from lintlayers.model.steps import is_development_image, stays_local

    model = context.model
    references = references_to(context)  # the stages another builds on, copies from or mounts
    used = {  # a development stage is another target beside the one it builds on
        index
        for index, uses in references.items()
        if any(not is_development_image(use.user) for use in uses)
    }
    shipped: dict[int, bool] = {}

    for stage in model.stages:
        if (stage is model.stages[-1] or stage.index not in used) and not stays_local(stage):
            pending = [stage]
            while pending:
                current = pending.pop()
                if not shipped.get(current.index):
                    shipped[current.index] = True
                    pending.extend(base_stages(model, current))
    return {stage.index: shipped.get(stage.index, False) for stage in model.stages}


def image_runs(context: RuleContext) -> Iterator[RunEffects]:
    """The effects of every RUN whose files can reach an image, in build order: the RUNs
    of stages that reach one (``steps.reaches_image``) and every ONBUILD trigger."""
    from lintlayers.model.run_effects import effects
    from lintlayers.model.steps import reaches_image, sequences

    for steps in sequences(context):
        for step in steps:
            if step.keyword == "RUN" and (step.onbuild or reaches_image(context, step.stage)):
                yield effects(context, step)


def later_runs(context: RuleContext, run: RunEffects) -> Iterator[RunEffects]:
    """The RUNs after ``run`` in its sequence (its stage's, or its ONBUILD triggers')."""
    from lintlayers.model.run_effects import effects
    from lintlayers.model.steps import sequences

    for steps in sequences(context):
        after = False
        for step in steps:
            if step.instruction is run.instruction:
                after = True
            elif after and step.keyword == "RUN":
                yield effects(context, step)
