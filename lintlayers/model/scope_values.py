"""What each instruction's variables expand to, walked with one running dict.

``BuildModel.walk`` gives the ``Scope`` before each instruction, a new one after each
ARG/ENV; ``Scope.values()`` is a read-only view whose every lookup searches the stage's
record of values. A reader that looks up many names of each scope is faster with
``walk_values``: one plain dict kept up to date with the names each ARG/ENV sets, and
``ScopeCursor`` answers in file order from it.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.model.stages import BuildModel, Scope, Stage
    from lintlayers.syntax.nodes import Instruction


def walk_values(model: BuildModel, stage: Stage) -> Iterator[tuple[Instruction, dict[str, str]]]:
    """Each instruction of ``stage`` (``BuildModel.walk``) with ``Scope.values()`` of the
    scope before it. The dict is the same object throughout, changed as the walk goes
    on: read it before taking the next instruction, never keep or change it."""
    for instruction, _scope, values in walk_scopes(model, stage):
        yield instruction, values


def walk_scopes(
    model: BuildModel, stage: Stage
) -> Iterator[tuple[Instruction, Scope, dict[str, str]]]:
    """``walk_values`` with the scope of each instruction (``BuildModel.walk``) too."""
    values: dict[str, str] = {}
    seen: Scope | None = None
    previous: Instruction | None = None
    for instruction, scope in model.walk(stage):
        if scope is not seen:
            if seen is None or previous is None:
                values = dict(scope.values())
            else:  # the ARG/ENV before set these names; the others are as they were
                for pair in previous.pairs:
                    _update(values, scope, pair.key)
            seen = scope
        yield instruction, scope, values
        previous = instruction


def _update(values: dict[str, str], scope: Scope, name: str) -> None:
    """``values[name]`` as ``scope.values()`` has it: ENV wins over ARG."""
    if name in scope.env:
        values[name] = scope.env[name]
        return
    value = scope.args.get(name)
    if value is None:
        values.pop(name, None)
    else:
        values[name] = value


class ScopeCursor:
    """``walk_values`` of one stage at a time, for questions asked in file order: each
    costs the instructions walked since the last (asked out of order, the stage is
    walked again from its start)."""

    __slots__ = ("instruction", "model", "stage", "values", "walk")

    def __init__(self, model: BuildModel) -> None:
        self.model = model
        self.stage: Stage | None = None
        self.walk: Iterator[tuple[Instruction, dict[str, str]]] = iter(())
        self.instruction: Instruction | None = None
        self.values: dict[str, str] = {}

    def before(self, stage: Stage, instruction: Instruction) -> dict[str, str] | None:
        """``Scope.values()`` before ``instruction`` of ``stage`` (None when the stage has
        no such instruction); valid until the next question."""
        for attempt in range(2):
            if self.stage is not stage or attempt:
                self.stage = stage
                self.walk = walk_values(self.model, stage)
                self.instruction = None
            if self.instruction is instruction:
                return self.values
            for item, values in self.walk:
                self.instruction, self.values = item, values
                if item is instruction:
                    return values
        return None
