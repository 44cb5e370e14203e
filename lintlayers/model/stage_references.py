"""Which stages refer to which: ``FROM stage``, ``COPY --from=stage``, ``RUN --mount=from=``.

One walk of the stages' instructions, read by the question "do this stage's files reach
an image" (``steps.reaches_image``) and "do its layers ship" (``shipping.ships_layers``).
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.model.stages import BuildModel, Stage

BASE = "from"
COPY = "copy"
MOUNT = "mount"


class StageReference:
    """``user`` refers to ``target`` by ``kind`` (``from``, ``copy`` or ``mount``);
    ``whole`` marks a ``COPY --from`` of ``/``, which takes every file of the stage."""

    __slots__ = ("kind", "target", "user", "whole")

    def __init__(self, user: Stage, target: Stage, kind: str, whole: bool = False) -> None:
        self.user = user
        self.target = target
        self.kind = kind
        self.whole = whole


def stage_references(model: BuildModel) -> list[StageReference]:
    """Every reference of a stage to another, in file order (a self-reference left out)."""
    from lintlayers.model.copy_args import copy_args
    from lintlayers.model.paths import normalize
    from lintlayers.syntax.words import parse_csv_options

    found: list[StageReference] = []
    for user in model.stages:
        for base in base_stages(model, user):
            found.append(StageReference(user, base, BASE))
        for instruction in user.instructions:  # not ONBUILD's: a later build resolves them
            if instruction.keyword == "COPY":
                parsed = copy_args(instruction)  # the one COPY/ADD parse
                if not parsed.from_stage:
                    continue
                whole = any(
                    source.value.startswith("/") and normalize(source.value) == "/"
                    for source in parsed.local_sources
                )
                for target in _named(model, parsed.from_stage):
                    if target is not user:
                        found.append(StageReference(user, target, COPY, whole))
            elif instruction.keyword == "RUN":
                for value in instruction.flag_values("mount"):
                    name = dict(parse_csv_options(value)).get("from")
                    for target in _named(model, name) if name else ():
                        if target is not user:
                            found.append(StageReference(user, target, MOUNT))
    return found


def base_stages(model: BuildModel, stage: Stage) -> list[Stage]:
    """The stages ``stage`` is built ``FROM`` on some platform: its ``base_stage``, or
    each one a reference such as ``base-${TARGETARCH}`` picks (``base-amd64``,
    ``base-arm64``)."""
    words = stage.from_instruction.words
    if not words:
        return []
    found = [] if stage.base_stage is None else [stage.base_stage]
    for other in model.stages_on_platforms(words[0].value):
        if other not in found:
            found.append(other)
    return [base for base in found if base is not stage]


def root_images(context: RuleContext, stage: Stage) -> tuple[str, ...]:
    """The external images ``stage`` is ultimately built ``FROM`` on some platform, through
    the stages between (``base_stages``): ``almalinux:8`` and ``rocm/dev-almalinux-8`` for a
    stage built on ``base-${TARGETARCH}``. Found once per file for every stage."""
    return context.analysis(_root_images)[stage.index]


def _root_images(context: RuleContext) -> dict[int, tuple[str, ...]]:
    model = context.model
    found: dict[int, tuple[str, ...]] = {}
    for stage in model.stages:  # a stage is built from earlier ones only
        bases = [base for base in base_stages(model, stage) if base.index in found]
        if not bases:
            found[stage.index] = (stage.base,)
            continue
        images: dict[str, None] = {}
        for base in bases:
            images.update(dict.fromkeys(found[base.index]))
        found[stage.index] = tuple(images)
    return found


def _named(model: BuildModel, reference: str) -> list[Stage]:
    """The stages a ``--from`` reference names on any platform."""
    named = model.stage_named(reference)
    others = model.stages_on_platforms(reference)
    if named is None:
        return others
    return [named, *(stage for stage in others if stage is not named)]


def references_to(context: RuleContext) -> dict[int, list[StageReference]]:
    """``stage_references`` by the index of the stage referred to, once a file (read by
    ``steps.reaches_image`` and ``shipping.ships_layers``)."""
    return context.analysis(_references_to)


def _references_to(context: RuleContext) -> dict[int, list[StageReference]]:
    by_target: dict[int, list[StageReference]] = {}
    for reference in stage_references(context.model):
        by_target.setdefault(reference.target.index, []).append(reference)
    return by_target
