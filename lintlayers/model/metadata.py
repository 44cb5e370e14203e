"""Metadata instructions, which of them change between builds, and which may move below
a stage's layer steps.

Classic builders (legacy docker, buildah, kaniko) commit every instruction as a
cache step keyed on the whole image config, so metadata early in a stage re-runs
the steps after it when its value changes. Most metadata never changes (a maintainer
label, ``EXPOSE 8080``, ``CMD``): moving it saves nothing. ``metadata_moves`` answers,
per stage, which metadata before the stage's last layer step changes between builds
and re-runs steps that would not re-run anyway (``Change``), and which of it keeps its
meaning below that step: rule LL202 reports and moves it, rule LL105 leaves those
lines to LL202 and never moves the metadata that does not change.

A value changes between builds when it expands a per-build variable (``GIT_SHA``,
``BUILD_DATE``, an unpinned ``VERSION`` or ``RELEASE``: ``lintlayers.model.volatile``,
the project's one reading of "per-build"). Its place costs nothing when the same
change re-runs the steps anyway: a RUN, COPY or WORKDIR before it that uses the
variable, or the next costly step after it doing so (a version label whose version a
later RUN downloads). A value written in the Dockerfile (``ENV OTP_VERSION=26.2`` and
``LABEL version=$OTP_VERSION``) changes only with an edit of the declaration before
it, which re-runs every step after the declaration anyway.
"""

from __future__ import annotations

from lintlayers.lazy_re import lazy_compile
from lintlayers.model.variables import referenced_names
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

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

RELEASE_LABELS = frozenset({"version", "release", "revision"})
"""Last parts of the label keys whose value a release changes
(``org.opencontainers.image.version``), compared in lower case."""

COSTLY_STEPS = frozenset({"RUN", "COPY", "ADD"})
"""Layer steps worth not re-running (a WORKDIR re-runs in milliseconds)."""


class Change:
    """Why a metadata instruction's value changes between builds, and what that re-runs.

    ``names``: the per-build variables it expands, in order; ``release``: the release a
    version label holds as written (``1.4.2``), when ``names`` are none; ``reruns``:
    indexes of the layer steps after it that re-run only because of it (up to the
    first step that uses the same variable or release, which re-runs anyway)."""

    __slots__ = ("names", "release", "reruns")

    def __init__(self, names: list[str], release: str, reruns: list[int]) -> None:
        self.names = names
        self.release = release
        self.reruns = reruns


class StageMetadata:
    """The metadata of one stage that stands before its last layer step and changes.

    ``instructions`` are the stage's; ``last`` indexes its last layer step;
    ``changes`` the metadata before it whose value changes between builds and re-runs
    costly steps; ``reported`` those of them LL202 reports (in order), ``movable`` those
    of them that keep their meaning below ``last``; ``blocks`` the reported ones grouped
    by run of consecutive metadata instructions (one finding each).
    """

    __slots__ = ("changes", "instructions", "last", "layer_steps", "movable", "reported")

    def __init__(self, instructions: list[Instruction], layer_steps: list[int]) -> None:
        self.instructions = instructions
        self.layer_steps = layer_steps
        self.last = layer_steps[-1]
        self.changes: dict[int, Change] = {}
        self.reported: list[int] = []
        self.movable: set[int] = set()

    @property
    def moved(self) -> list[Instruction]:
        """The instructions a move takes below the last layer step, in file order."""
        return [self.instructions[index] for index in sorted(self.movable)]

    @property
    def blocks(self) -> list[list[int]]:
        """The reported indexes, one list per run of consecutive metadata instructions."""
        blocks: list[list[int]] = []
        previous = -2
        for index in self.reported:
            between = self.instructions[previous + 1 : index]
            if blocks and all(item.keyword in METADATA for item in between):
                blocks[-1].append(index)
            else:
                blocks.append([index])
            previous = index
        return blocks

    @property
    def unchanging(self) -> list[Instruction]:
        """The metadata before the last layer step whose value does not change between
        builds (``EXPOSE 8080``, a maintainer label): moving it saves nothing."""
        return [
            item
            for index, item in enumerate(self.instructions[: self.last])
            if item.keyword in METADATA and index not in self.changes
        ]


def metadata_moves(context: RuleContext) -> list[StageMetadata]:
    """Per stage with a layer step: its changing metadata before the last one, and what
    may move.

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
    per_build = _per_build_names(model, instructions)
    found_copy: list[int] = []

    def context_copy() -> int:
        """The last COPY/ADD of the whole context (-1: none), found when a release label
        first asks (a stage with none never parses its COPYs for it)."""
        if not found_copy:
            found_copy.append(
                max(
                    (i for i, item in enumerate(instructions) if _copies_whole_context(item)),
                    default=-1,
                )
            )
        return found_copy[0]

    blocked: list[int] = []  # metadata that stays where it is
    for index in range(last):
        instruction, scope = walked[index]
        if instruction.keyword not in METADATA:
            continue
        change = (
            None
            if _has_errors(instruction)
            else _change(found, index, per_build, stage.from_instruction, context_copy)
        )
        if change is None:
            blocked.append(index)
            continue
        found.changes[index] = change
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


def _per_build_names(model: BuildModel, instructions: list[Instruction]) -> list[frozenset[str]]:
    """Per instruction, the per-build variables in scope before it (``model.volatile``)."""
    from lintlayers.model.volatile import volatile_declarations

    own = [item for item in instructions if item.inner is None]
    declared = {
        (id(own[item.index]), item.pair.key)
        for item in volatile_declarations(own, model.global_args)
    }
    names: set[str] = set()
    found: list[frozenset[str]] = []
    for instruction in instructions:
        found.append(frozenset(names))
        if instruction.inner is None and instruction.keyword in ("ARG", "ENV"):
            for pair in instruction.pairs:
                if (id(instruction), pair.key) in declared:
                    names.add(pair.key)
                else:
                    names.discard(pair.key)
    return found


def _change(
    found: StageMetadata,
    index: int,
    per_build: list[frozenset[str]],
    base: Instruction,
    context_copy: Callable[[], int],
) -> Change | None:
    """How ``found.instructions[index]`` changes between builds and what that alone
    re-runs, or None when it never changes or re-runs no costly step. ``context_copy()``
    indexes the stage's last COPY/ADD of the whole build context (-1: none)."""
    instructions = found.instructions
    instruction = instructions[index]
    if instruction.keyword not in EXPANDED:
        return None  # CMD, ENTRYPOINT... are the text as written: edited, never per build
    names = [name for name in _names(instruction) if name in per_build[index]]
    release = "" if names else _release(instruction)
    if not names and (not release or context_copy() < index):
        # a release label of an image that does not copy the whole context after it names
        # the software its steps install: a bump edits them too, or the label goes stale
        return None

    def uses(other: Instruction, before: bool) -> bool:
        """Whether the same change re-runs ``other`` anyway. An ARG's key is its
        declaration, not the value it takes; an earlier ENV taking a per-build value is
        LL102's to move (once this one has moved). A release bump edits every line
        holding the release."""
        if other.keyword in METADATA:
            return False
        if release:
            return release in other.raw
        if other.keyword == "ARG" or (before and other.keyword == "ENV"):
            return False
        return bool(referenced_names(other.raw).intersection(names))

    earlier = [base, *instructions[:index]]
    if any(uses(item, before=True) for item in earlier):
        return None  # the same change re-runs everything from an earlier step
    reruns: list[int] = []
    for step in range(index + 1, len(instructions)):
        other = instructions[step]
        if uses(other, before=False):
            break
        if other.keyword in LAYER_STEPS:
            reruns.append(step)
    if not any(instructions[step].keyword in COSTLY_STEPS for step in reruns):
        return None
    return Change(names, release, reruns)


def _copies_whole_context(instruction: Instruction) -> bool:
    """A COPY/ADD of the build context's root (``COPY . .``): the repository's own code,
    whose release a version label before it names."""
    if instruction.inner is not None or instruction.keyword not in ("COPY", "ADD"):
        return False
    from lintlayers.model.copy_args import copy_args
    from lintlayers.model.paths import normalize

    parsed = copy_args(instruction)
    return parsed.from_stage is None and any(
        normalize(source.value) == "/" for source in parsed.local_sources
    )


def _names(instruction: Instruction) -> list[str]:
    """The variables the instruction expands, in order of appearance."""
    found = referenced_names(instruction.arguments)
    return sorted(found, key=lambda name: instruction.arguments.find(name))


def _release(instruction: Instruction) -> str:
    """The release a LABEL's version key holds as written (``1.4.2``), or ""."""
    if instruction.keyword != "LABEL":
        return ""
    for pair in instruction.pairs:
        key = pair.key.strip("\"'").lower().replace("/", ".")
        value = (pair.value_raw or "").strip("\"'").removeprefix("v")
        if key.rsplit(".", 1)[-1] in RELEASE_LABELS and "$" not in value:
            match = _RELEASE.fullmatch(value)
            if match is not None:
                return value
    return ""


_RELEASE = lazy_compile(r"\d+(\.\d+)+([-+~_.][\w.+~-]*)?")
"""A release as written: a dotted version (``1.4.2``, ``2.0.0-rc1``, ``1.8.0_60``)."""


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
