"""Whether two cache steps always miss together: the question a "merge these" rule asks.

``miss_together(context, first, second)`` is True when, by the cache model, the later
step's key can change only in a build where the earlier one misses too. A step's own
key changes (``predict``'s causes) when a context file it selects changes (a COPY/ADD
source or a bind mount), when a build argument in its key changes, when a stage it
copies or mounts from re-runs, or on any build for a remote it fetches. A miss of
``first`` re-runs ``second`` through the chain when ``second`` is chained; the converse
needs every cache step after ``first`` up to ``second`` to have no cause of its own
that ``first`` lacks. ``apart(context, first, second)`` says which one breaks it.

Out of the model: edits of the Dockerfile itself. Each step's key holds its own text,
so editing ``second`` re-runs only ``second`` while they are apart; merged, it would
re-run both. Results are shared per file through ``RuleContext.analysis``.
"""

from __future__ import annotations

from lintlayers.model.stages import PLATFORM_ARGS
from lintlayers.readers import read_by
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.cache.steps import CachePlan, CacheStep
    from lintlayers.context import RuleContext
    from lintlayers.syntax.nodes import Instruction


def cache_plan(context: RuleContext) -> CachePlan:
    """The file's ``CachePlan`` under the context's builder and build context (once per file)."""
    return context.analysis(_cache_plan)


def _release(plan: CachePlan) -> None:
    plan.release()


@read_by("LL105", "LL106", release=_release)  # LL105 through ``reorder.inputs``
def _cache_plan(context: RuleContext) -> CachePlan:
    from lintlayers.cache.steps import build_plan

    return build_plan(
        context.model, builder=context.builder, context=context.build_context, shell=context
    )


def cache_step(context: RuleContext, instruction: Instruction) -> CacheStep | None:
    """The ``CacheStep`` of an instruction of a stage (None before the first FROM)."""
    return context.analysis(_steps_by_instruction).get(instruction)


@read_by("LL106")
def _steps_by_instruction(context: RuleContext) -> dict[Instruction, CacheStep]:
    """Keyed by the instruction itself (compared by identity): an ``id`` key is an int
    object of its own for each instruction of the file."""
    return {step.instruction: step for step in cache_plan(context).steps()}


def miss_together(context: RuleContext, first: Instruction, second: Instruction) -> bool:
    """Whether ``second`` (later in the stage) misses exactly when ``first`` does."""
    return apart(context, first, second) is None


def apart(context: RuleContext, first: Instruction, second: Instruction) -> str | None:
    """Why ``second`` can miss in a build where ``first`` hits, or None when it cannot.

    Also a reason when ``first`` can miss without ``second`` (``second`` is not chained,
    ``COPY --link``) or when they are not two cache steps of one stage in that order.
    """
    one = cache_step(context, first)
    two = cache_step(context, second)
    if one is None or two is None or one.stage is not two.stage or two.index <= one.index:
        return "they are not two steps of one stage in this order"
    builder = one.stage.plan.builder
    for step in (one, two):
        if not step.cache_step:
            return f"{step.keyword} at line {step.line} is no cache step under {builder}"
    if not two.chained:
        return f"line {two.line} is keyed apart from the steps before it (--link)"
    arguments = _build_args(context, one)
    first_args = _in_key(one, arguments)
    for step in one.stage.steps[one.index + 1 : two.index + 1]:
        if not step.cache_step:
            continue
        where = f"line {step.line}"
        if step.volatile:
            return f"{where} fetches {step.remote or 'a remote'} again on every build"
        extra = _in_key(step, arguments) - first_args
        if extra:
            return f"build argument {min(extra)} is in the key of {where} only"
        stages = set(step.stage_refs) - set(one.stage_refs)
        if stages:
            return f"{where} uses stage {min(stages)}, which line {one.line} does not"
        mine = {(source.pattern, source.excludes) for source in one.key_sources}
        for source in step.key_sources:
            if (source.pattern, source.excludes) not in mine:
                through = "a bind mount" if source.mount else f"its {step.keyword} source"
                return (
                    f"context files {source.pattern!r} enter the key of {where} through "
                    f"{through}, not the key of line {one.line}"
                )
    return None


def _in_key(step: CacheStep, arguments: frozenset[str]) -> set[str]:
    """Those of ``arguments`` in the step's key (a step's names hold the whole ENV scope)."""
    return {name for name in arguments if name in step.variables or name in step.passed_args}


def _build_args(context: RuleContext, step: CacheStep) -> frozenset[str]:
    """Names a build can change from outside: ARGs declared in the stage or globally."""
    return context.analysis(_stage_build_args)[step.stage.index]


@read_by("LL106")
def _stage_build_args(context: RuleContext) -> list[frozenset[str]]:
    """``_build_args`` of each stage by index, read once per file."""
    model = context.model
    common = set(model.global_args) | PLATFORM_ARGS | {"SOURCE_DATE_EPOCH"}
    found: list[frozenset[str]] = []
    for stage in model.stages:
        names = set(common)
        for instruction in stage.instructions:
            if instruction.keyword == "ARG":
                names.update(pair.key for pair in instruction.pairs)
        found.append(frozenset(names))
    return found
