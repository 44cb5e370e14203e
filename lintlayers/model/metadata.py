"""Metadata instructions, and which of them may move below a stage's layer steps.

Classic builders (legacy docker, buildah, kaniko) commit every instruction as a
cache step keyed on the whole image config, so metadata early in a stage re-runs
the steps after it when edited. ``metadata_moves`` answers, per stage, which
metadata keeps its meaning below the stage's last layer step: rule LL202 reports
and moves it, rule LL105 leaves those lines to LL202.
"""

from __future__ import annotations

from lintlayers.model.variables import referenced_names
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.model.stages import BuildModel, Scope, Stage
    from lintlayers.syntax.nodes import Instruction

METADATA = frozenset(
    {
        "LABEL",
        "EXPOSE",
        "CMD",
        "ENTRYPOINT",
        "HEALTHCHECK",
        "STOPSIGNAL",
        "VOLUME",
        "MAINTAINER",
        "ONBUILD",
    }
)
"""Config-only instructions that never change what a later build step does.

BuildKit keeps them in the image config only: no cache step of their own. VOLUME
is listed but never moved: a RUN after it cannot change the volume's path. ENV,
ARG, USER and SHELL are not metadata: they change later RUNs.
"""

MOVABLE_ACROSS = METADATA - {"VOLUME", "ONBUILD"}
"""Metadata a layer step may move across without changing what it does: not VOLUME (a
RUN's writes below a declared volume are discarded under classic builders) nor ONBUILD
(its trigger runs in a child build)."""

LAYER_STEPS = frozenset({"RUN", "COPY", "ADD", "WORKDIR"})
"""Steps that write the filesystem and cost time to re-run."""

EXPANDED = frozenset({"LABEL", "EXPOSE", "STOPSIGNAL", "VOLUME"})
"""Metadata whose arguments the builder expands with the ARG/ENV values in scope."""

SHELL_WRAPPED = frozenset({"CMD", "ENTRYPOINT", "HEALTHCHECK"})
"""Metadata whose shell form is wrapped with the SHELL in effect where it stands."""

LAST_ONE_WINS = frozenset(
    {"CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "MAINTAINER", "ONBUILD"}
)
"""Metadata whose relative order with another of the same keyword matters."""


class StageMetadata:
    """The metadata of one stage that stands before its last layer step.

    ``instructions`` are the stage's; ``last`` indexes its last layer step;
    ``reported`` the metadata before it that editing re-runs steps for (in order),
    ``movable`` those of them that keep their meaning below ``last``.
    """

    __slots__ = ("instructions", "last", "layer_steps", "movable", "reported")

    def __init__(self, instructions: list[Instruction], layer_steps: list[int]) -> None:
        self.instructions = instructions
        self.layer_steps = layer_steps
        self.last = layer_steps[-1]
        self.reported: list[int] = []
        self.movable: set[int] = set()

    @property
    def moved(self) -> list[Instruction]:
        """The instructions a move takes below the last layer step, in file order."""
        return [self.instructions[index] for index in sorted(self.movable)]

    def steps_after(self, index: int) -> list[Instruction]:
        """The layer steps after ``instructions[index]``."""
        return [self.instructions[step] for step in self.layer_steps if step > index]


def metadata_moves(context: RuleContext) -> list[StageMetadata]:
    """Per stage with a layer step: its metadata before the last one, and what may move.

    Answered once per file (``RuleContext.analysis``)."""
    return context.analysis(_metadata_moves)


def _metadata_moves(context: RuleContext) -> list[StageMetadata]:
    model = context.model
    found = [_stage_metadata(model, stage) for stage in model.stages]
    return [stage for stage in found if stage is not None]


def _stage_metadata(model: BuildModel, stage: Stage) -> StageMetadata | None:
    walked = list(model.walk(stage))
    instructions = [instruction for instruction, _ in walked]
    layer_indexes = [i for i, item in enumerate(instructions) if item.keyword in LAYER_STEPS]
    if not layer_indexes:
        return None
    found = StageMetadata(instructions, layer_indexes)
    last = found.last
    final_scope = walked[last][1]  # layer steps change no variable: same after it
    blocked: list[int] = []  # metadata that stays where it is
    for index in range(last):
        instruction, scope = walked[index]
        if instruction.keyword not in METADATA:
            continue
        if _has_errors(instruction):
            blocked.append(index)
            continue
        if instruction.keyword == "VOLUME":
            found.reported.append(index)
            blocked.append(index)
        elif _keeps_meaning(instruction, scope, final_scope, instructions[index + 1 : last]):
            found.reported.append(index)
            found.movable.add(index)
        else:
            blocked.append(index)
    changed = True
    while changed:  # an instruction cannot jump over one it must stay before
        changed = False
        for index in sorted(found.movable):
            if any(
                index < other < last and _order_matters(instructions[index], instructions[other])
                for other in blocked
            ):
                found.movable.discard(index)
                found.reported.remove(index)
                blocked.append(index)
                changed = True
    return found


def _has_errors(instruction: Instruction) -> bool:
    return bool(instruction.errors) or (
        instruction.inner is not None and bool(instruction.inner.errors)
    )


def _keeps_meaning(
    instruction: Instruction, scope: Scope, final_scope: Scope, between: list[Instruction]
) -> bool:
    """True when the instruction means the same after the stage's last layer step."""
    keyword = instruction.keyword
    if keyword in EXPANDED:
        for name in referenced_names(instruction.arguments):
            if _variable_state(scope, name) != _variable_state(final_scope, name):
                return False
    if keyword in SHELL_WRAPPED and not instruction.is_json:
        if keyword == "HEALTHCHECK" and instruction.arguments.strip().upper() == "NONE":
            return True
        return not any(other.keyword == "SHELL" for other in between)
    return True


def _variable_state(scope: Scope, name: str) -> tuple[object, ...]:
    return (name in scope.args, scope.args.get(name), name in scope.env, scope.env.get(name))


def _order_matters(moved: Instruction, staying: Instruction) -> bool:
    """True when swapping the two instructions could change the image config."""
    if moved.keyword != staying.keyword:
        return False
    if moved.keyword in LAST_ONE_WINS:
        return True
    if moved.keyword == "LABEL":
        if staying.errors or not staying.pairs:
            return True
        keys = {pair.key for pair in moved.pairs}
        other = {pair.key for pair in staying.pairs}
        return bool(keys & other) or any("$" in key for key in keys | other)
    return False
