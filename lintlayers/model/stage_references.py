"""Which stages refer to which: ``FROM stage``, ``COPY --from=stage``, ``RUN --mount=from=``.

One walk of the stages' instructions, read by the question "do this stage's files reach
an image" (``steps.reaches_image``) and "do its layers ship" (``shipping.ships_layers``).
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
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
        base = user.base_stage
        if base is not None and base is not user:
            found.append(StageReference(user, base, BASE))
        for instruction in user.instructions:  # not ONBUILD's: a later build resolves them
            if instruction.keyword == "COPY":
                parsed = copy_args(instruction)  # the one COPY/ADD parse
                target = model.stage_named(parsed.from_stage) if parsed.from_stage else None
                if target is not None and target is not user:
                    whole = any(
                        source.value.startswith("/") and normalize(source.value) == "/"
                        for source in parsed.local_sources
                    )
                    found.append(StageReference(user, target, COPY, whole))
            elif instruction.keyword == "RUN":
                for value in instruction.flag_values("mount"):
                    name = dict(parse_csv_options(value)).get("from")
                    target = model.stage_named(name) if name else None
                    if target is not None and target is not user:
                        found.append(StageReference(user, target, MOUNT))
    return found


def references_to(model: BuildModel) -> dict[int, list[StageReference]]:
    """``stage_references`` by the index of the stage referred to."""
    by_target: dict[int, list[StageReference]] = {}
    for reference in stage_references(model):
        by_target.setdefault(reference.target.index, []).append(reference)
    return by_target
