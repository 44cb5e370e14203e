"""Whether a step can see files of the build context, and so re-runs on a source edit.

A step's cache key changes with the build context only through a COPY/ADD of local
files (no ``--from``), a ``RUN --mount`` binding the context, or a stage such a step is
in (``FROM stage``, ``COPY --from=stage``, ``RUN --mount=from=stage``). A step that sees
none of them re-runs only when the Dockerfile, a base image or a remote file changes:
far less often than one after ``COPY . .``. An ONBUILD trigger sees the child build's
context. A ``--from`` naming no stage of the file is an image, unless it holds a
variable (then it may be a stage: assumed to see the context).
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.model.stages import BuildModel, Stage
    from lintlayers.model.steps import Step
    from lintlayers.syntax.nodes import Instruction


def sees_build_context(context: RuleContext, step: Step) -> bool:
    """Whether ``step`` (or a step before it in its stage, or a stage it builds on or
    copies from) reads files of the build context."""
    if step.onbuild:
        return True
    memo: dict[int, int | None] = context.analysis(_new_memo)
    first = _first_reader(context.model, step.stage, memo)
    return first is not None and step.instruction.start >= first


def _new_memo(context: RuleContext) -> dict[int, int | None]:
    return {}


_BASE_READS = -1
"""The stage's base reads the context: every step of the stage sees it."""


def _first_reader(model: BuildModel, stage: Stage, memo: dict[int, int | None]) -> int | None:
    """Start offset of the first instruction of ``stage`` that reads the build context
    (``_BASE_READS`` when its base stage does), None when nothing of it does."""
    if stage.index in memo:
        return memo[stage.index]
    memo[stage.index] = _BASE_READS  # a cycle of stage references: assume it reads
    from lintlayers.model.stage_references import base_stages

    found: int | None = None
    if any(_first_reader(model, base, memo) is not None for base in base_stages(model, stage)):
        found = _BASE_READS
    else:
        for item in stage.instructions:
            if _reads_context(model, item, memo):
                found = item.start
                break
    memo[stage.index] = found
    return found


def _reads_context(
    model: BuildModel, instruction: Instruction, memo: dict[int, int | None]
) -> bool:
    if instruction.inner is not None:
        return False  # an ONBUILD trigger runs in another build
    if instruction.keyword in ("COPY", "ADD"):
        from lintlayers.model.copy_args import copy_args

        parsed = copy_args(instruction)
        if not parsed.local_sources:
            return False  # URLs, Git repositories and heredocs only
        if parsed.from_stage is None:
            return True
        return _stage_reference_sees(model, parsed.from_stage, memo)
    if instruction.keyword == "RUN":
        from lintlayers.model.mounts import parse_mounts

        for mount in parse_mounts(instruction, {}, "/"):  # the target does not matter here
            if mount.type != "bind":
                continue
            source = mount.options.get("from")
            if source is None or _stage_reference_sees(model, source, memo):
                return True
    return False


def _stage_reference_sees(model: BuildModel, reference: str, memo: dict[int, int | None]) -> bool:
    if "$" in reference:
        return True
    target = model.stage_named(reference)
    return target is not None and _first_reader(model, target, memo) is not None
