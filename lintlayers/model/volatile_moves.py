"""Where each per-build ARG/ENV is first used, and where its declaration can move.

A per-build declaration (``lintlayers.model.volatile``) joins the cache key of
every later RUN of its stage. ``volatile_lines`` answers, per declaring line: the
RUNs before each name's first use, and whether the line can move down to just
before that use (or to the end of the stage). Rule LL102 reports and moves these
lines; rule LL105 leaves every line LL102 reports (``VolatileLine.reported``) to it,
whether LL102 can move it or not, so that the problem is reported once.
"""

from __future__ import annotations

import re

from lintlayers.model.metadata import METADATA
from lintlayers.model.variables import referenced_names
from lintlayers.model.volatile import volatile_declarations
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.diagnostics import Edit
    from lintlayers.model.volatile import Declared
    from lintlayers.syntax.nodes import Instruction, KeyValue

_DECLARING = frozenset({"ARG", "ENV"})


class Use:
    """Where a declared variable is first used.

    ``first`` is the first instruction that references it; ``step`` the first
    that makes a cache step depend on it (a RUN, COPY, WORKDIR... using it, a
    RUN that may read it from its environment, a redeclaration); ``reader`` the
    command of that RUN which may read it. Indexes are ``len(sequence)`` when
    there is none.
    """

    __slots__ = ("first", "reader", "step")

    def __init__(self, first: int, step: int, reader: str) -> None:
        self.first = first
        self.step = step
        self.reader = reader


class VolatileLine:
    """An ARG/ENV line declaring per-build values, and where it can move.

    ``sequence`` holds a stage's own instructions or its ONBUILD triggers
    (``effective``: the same, ONBUILD unwrapped); the line is ``sequence[index]``.
    ``declared`` are its per-build names and ``uses`` where each is first used.
    ``edits`` move the line (with its comments) to just before
    ``sequence[destination]`` (``len(sequence)``: the end of the stage); None when
    it stays. ``stale_config_hazard``: a move the classic builder would get wrong
    (buildah keys config steps on their text: with no RUN after the moved line, the
    image would keep the previous value, buildah#5575).
    """

    __slots__ = (
        "declared",
        "destination",
        "edits",
        "effective",
        "index",
        "sequence",
        "stale_config_hazard",
        "uses",
    )

    def __init__(
        self,
        sequence: list[Instruction],
        effective: list[Instruction],
        index: int,
        declared: list[Declared],
        uses: list[Use],
    ) -> None:
        self.sequence = sequence
        self.effective = effective
        self.index = index
        self.declared = declared
        self.uses = uses
        self.destination = len(sequence)
        self.edits: list[Edit] | None = None
        self.stale_config_hazard = False

    @property
    def instruction(self) -> Instruction:
        return self.sequence[self.index]

    def runs(self, start: int, stop: int) -> list[Instruction]:
        """The RUNs among ``effective[start:stop]``."""
        return [item for item in self.effective[start:stop] if item.keyword == "RUN"]

    def unused_runs(self, use: Use) -> list[Instruction]:
        """The RUNs between the line and the first step depending on the name."""
        return self.runs(self.index + 1, use.step)

    @property
    def reported(self) -> bool:
        """Whether a RUN that does not use one of the names follows the line."""
        return any(self.unused_runs(use) for use in self.uses)

    @property
    def moves(self) -> bool:
        """Whether the line is reported and its move can be made."""
        return self.edits is not None and self.reported


def volatile_lines(context: RuleContext) -> list[VolatileLine]:
    """Every ARG/ENV line of the file that declares per-build values.

    Answered once per file (``RuleContext.analysis``)."""
    return context.analysis(_volatile_lines)


def _volatile_lines(context: RuleContext) -> list[VolatileLine]:
    model = context.model
    found: list[VolatileLine] = []
    for stage in model.stages:
        own = [item for item in stage.instructions if item.inner is None]
        triggers = [item for item in stage.instructions if item.inner is not None]
        for sequence in (own, triggers):
            if sequence:
                found.extend(_sequence_lines(context, sequence, model.global_args))
    return found


def _sequence_lines(
    context: RuleContext, sequence: list[Instruction], global_args: dict[str, str | None]
) -> list[VolatileLine]:
    effective = [item.effective for item in sequence]
    by_line: dict[int, list[Declared]] = {}
    for declared in volatile_declarations(effective, global_args):
        by_line.setdefault(declared.index, []).append(declared)
    classic = context.builder == "classic"
    found: list[VolatileLine] = []
    for index, names in by_line.items():
        uses = [first_use(context, effective, index, declared.pair, classic) for declared in names]
        line = VolatileLine(sequence, effective, index, names, uses)
        found.append(line)
        if len(names) != len(effective[index].pairs) or any(
            line.runs(use.first + 1, use.step) for use in uses
        ):
            continue  # other names share the line, or a metadata use stands before RUNs
        line.destination = min(use.first for use in uses)
        if classic and not line.runs(line.destination, len(effective)):
            line.stale_config_hazard = True
        elif line.destination > index + 1:
            from lintlayers.syntax.layout import move_edits  # only a line that moves

            moved = [sequence[index]]
            if line.destination < len(sequence):
                line.edits = move_edits(
                    context.dockerfile, moved, before=sequence[line.destination]
                )
            else:
                line.edits = move_edits(context.dockerfile, moved, after=sequence[-1])
    return found


def block_edits(context: RuleContext, lines: list[VolatileLine]) -> list[Edit] | None:
    """Edits moving adjacent ``lines`` of one sequence, that all move to the same place,
    there together (in their order); None when one of them does not move."""
    first = lines[0]
    if any(line.edits is None or line.destination != first.destination for line in lines):
        return None
    from lintlayers.syntax.layout import move_edits

    sequence = first.sequence
    moved = [line.instruction for line in lines]
    if first.destination < len(sequence):
        return move_edits(context.dockerfile, moved, before=sequence[first.destination])
    return move_edits(context.dockerfile, moved, after=sequence[-1])


def first_use(
    context: RuleContext,
    effective: list[Instruction],
    index: int,
    pair: KeyValue,
    classic: bool,
) -> Use:
    """Where the variable ``pair`` declares at ``effective[index]`` is first used.

    A RUN that runs a script or build tool may read the variable from its
    environment: it counts as a use. So does an instruction that redeclares a
    variable the declaration's value refers to: moving the declaration past it
    would change its value. Under BuildKit metadata (LABEL, EXPOSE...) is no
    cache step: a use there leaves the variable in scope of the RUNs after it.
    """
    name = pair.key
    watched = {name} | (referenced_names(pair.value_raw) if pair.value_raw else set())
    bare = re.compile(rf"(?<![\w$]){re.escape(name)}(?!\w)")
    first = len(effective)
    for position in range(index + 1, len(effective)):
        instruction = effective[position]
        keyword = instruction.keyword
        if keyword in _DECLARING and any(other.key in watched for other in instruction.pairs):
            return Use(min(first, position), position, "")
        text = _text(instruction)
        if name in referenced_names(text) or (keyword == "RUN" and bare.search(text)):
            first = min(first, position)
            if classic or keyword not in METADATA:
                return Use(first, position, "")
            continue
        if keyword == "RUN":
            from lintlayers.model.environment import environment_reader

            reader = environment_reader(context, instruction)
            if reader:
                return Use(min(first, position), position, reader)
    return Use(first, len(effective), "")


def _text(instruction: Instruction) -> str:
    """Everything an instruction says: its line(s) and heredoc bodies."""
    parts = [instruction.logical.text]
    parts.extend(heredoc.content for heredoc in instruction.heredocs)
    return "\n".join(parts)
