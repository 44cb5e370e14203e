"""The steps of each stage, with the working directory, user and shell each runs with.

Also what a COPY/ADD step names (its sources and destination), whether ``COPY
--link`` is sound for it, and whether a stage's files reach an image at all.
Results are computed once per file and shared by all rules of a lint run.
"""

from __future__ import annotations

import re

from lintlayers.lazy_re import lazy_compile
from lintlayers.model.paths import expand_known, is_within, join
from lintlayers.model.state import (  # noqa: F401 (names_windows_image: re-exported)
    UNKNOWN_WORKDIR,
    names_windows_image,
    state_after,
)
from lintlayers.readers import read_by
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lintlayers.context import RuleContext
    from lintlayers.model.copy_args import CopyArgs
    from lintlayers.model.stage_references import StageReference
    from lintlayers.model.stages import BuildModel, Scope, Stage
    from lintlayers.model.state import State
    from lintlayers.syntax.nodes import Instruction


class Step:
    """One instruction of a stage with what it runs with: variables, WORKDIR, USER, shell.

    ``env`` holds the ARG/ENV values in scope that the instruction refers to, plus
    those that steer package managers (``HOME``, ``PIP_NO_CACHE_DIR``...): keeping
    every full scope alive would cost memory quadratic in the file's length.
    """

    __slots__ = ("_copy_args", "env", "instruction", "onbuild", "stage", "state")

    def __init__(
        self,
        instruction: Instruction,
        stage: Stage,
        scope: Scope,
        state: State,
        onbuild: bool,
        values: Mapping[str, str] | None = None,
    ) -> None:
        self.instruction = instruction
        self.stage = stage
        self.env = _relevant(instruction, scope, values)
        self.state = state
        self.onbuild = onbuild
        self._copy_args: CopyArgs | None = None

    @property
    def copy_args(self) -> CopyArgs:
        """The parsed arguments of a COPY/ADD step (``model.copy_args``), parsed once."""
        if self._copy_args is None:
            from lintlayers.model.copy_args import CopyArgs

            self._copy_args = CopyArgs(self.instruction)
        return self._copy_args

    @property
    def workdir(self) -> str:
        """The working directory (``UNKNOWN_WORKDIR`` below an external base image)."""
        return self.state.workdir

    @property
    def user(self) -> str | None:
        """The USER in effect (``None`` when no USER was given)."""
        return self.state.user

    @property
    def posix_shell(self) -> bool:
        """Whether shell-form RUNs run in a POSIX shell."""
        return self.state.posix_shell

    @property
    def keyword(self) -> str:
        return self.instruction.keyword

    def __repr__(self) -> str:
        return f"Step({self.instruction!r}, workdir={self.workdir!r})"


STEERING_VARIABLES = (
    "HOME", "XDG_CACHE_HOME", "PIP_NO_CACHE_DIR", "PIP_CACHE_DIR", "YARN_CACHE_FOLDER",
    "npm_config_cache", "NPM_CONFIG_CACHE",
)  # fmt: skip
"""Variables that move or disable package caches, kept for every step."""


_NEEDS_ENV = frozenset({"RUN", "COPY", "ADD", "WORKDIR", "USER"})
_NO_ENV: dict[str, str] = {}
"""The ``env`` of every step that needs none (never mutated: one a line otherwise)."""
_LONGEST_VALUE = 1024
"""Longer values (a PATH grown step by step) are left unknown, to bound memory."""


def _relevant(
    instruction: Instruction, scope: Scope, values: Mapping[str, str] | None = None
) -> dict[str, str]:
    """What ``Step.env`` keeps of the scope's ``values`` (``scope.values()`` when not given)."""
    if instruction.keyword not in _NEEDS_ENV:
        return _NO_ENV
    if values is None:
        values = scope.values()
    if not values:
        return _NO_ENV
    from lintlayers.model.variables import referenced_names

    text = instruction.logical.text
    if instruction.heredocs:
        text += "".join(heredoc.content for heredoc in instruction.heredocs)
    names = referenced_names(text) if "$" in text else set()
    names.update(STEERING_VARIABLES)
    found = {
        name: values[name]
        for name in names
        if name in values and len(values[name]) <= _LONGEST_VALUE
    }
    return found or _NO_ENV


class FileMemo:
    """Per-file results shared by all rules of one lint run."""

    __slots__ = ("reaching", "sequences")

    def __init__(self, sequences: list[list[Step]]) -> None:
        self.sequences = sequences
        self.reaching: dict[int, bool] = {}


def file_memo(context: RuleContext) -> FileMemo:
    """The ``FileMemo`` of the file ``context`` lints (kept on the context)."""
    return context.analysis(_new_memo)


def _new_memo(context: RuleContext) -> FileMemo:
    return FileMemo(_build_sequences(context.model))


def sequences(context: RuleContext) -> list[list[Step]]:
    """The steps of each stage in build order; a stage's ONBUILD triggers form their own list.

    Every list runs in order in one image (ONBUILD triggers in a child image), so
    an earlier step of the same list wrote the files a later one sees.
    """
    return file_memo(context).sequences


def step_of(context: RuleContext, instruction: Instruction) -> Step | None:
    """The first ``Step`` of ``sequences`` whose instruction is ``instruction``, if any."""
    return context.analysis(_steps_by_instruction).get(instruction)


@read_by("LL101", "LL106")  # LL106 through ``model.run_join``
def _steps_by_instruction(context: RuleContext) -> dict[Instruction, Step]:
    """Keyed by the instruction itself (compared by identity): an ``id`` key is an int
    object of its own for each instruction of the file."""
    found: dict[Instruction, Step] = {}
    for steps in sequences(context):
        for step in steps:
            found.setdefault(step.instruction, step)
    return found


def _build_sequences(model: BuildModel) -> list[list[Step]]:
    from lintlayers.model.scope_values import walk_scopes
    from lintlayers.model.state import initial_state

    result: list[list[Step]] = []
    finals: dict[int, State] = {}
    for stage in model.stages:
        state = initial_state(model, stage, finals)
        steps: list[Step] = []
        triggers: list[Step] = []
        for instruction, scope, values in walk_scopes(model, stage):
            effective = instruction.effective
            if effective is not instruction:
                triggers.append(Step(effective, stage, scope, state, True, values))
                continue
            steps.append(Step(instruction, stage, scope, state, False, values))
            state = state_after(state, instruction, steps[-1].env)
        finals[stage.index] = state
        result.append(steps)
        if triggers:
            _retrack(triggers)
            result.append(triggers)
    return result


def _retrack(triggers: list[Step]) -> None:
    """WORKDIR/USER/SHELL of ONBUILD triggers follow the triggers themselves."""
    state = triggers[0].state
    for step in triggers:
        step.state = state
        state = state_after(state, step.instruction, step.env)


def copy_sources(step: Step) -> list[str]:
    """The sources of a COPY/ADD step as written (variables expanded when known)."""
    values = copy_arguments(step)
    return values[:-1]


def copy_destination(step: Step) -> str | None:
    """The absolute destination of a COPY/ADD step (WORKDIR and variables resolved)."""
    values = copy_arguments(step)
    if len(values) < 2:
        return None
    return join(step.workdir, values[-1])


def copy_arguments(step: Step) -> list[str]:
    """The sources then the destination of a COPY/ADD step, variables expanded when known
    (heredoc sources as their marker word); parsed by ``model.copy_args``."""
    env = step.env
    return [expand_known(value, env) for value in step.copy_args.values]


def display(path: str) -> str:
    """A path for messages: relative to WORKDIR when the working directory is unknown."""
    if path.startswith(UNKNOWN_WORKDIR):
        return "." + path[len(UNKNOWN_WORKDIR) :]
    return path


LINK_UNSAFE_ROOTS = frozenset(
    {"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "var", "run", "proc",
     "sys", "dev"}
)  # fmt: skip
"""Top directories where a base image may hold symlinks (``/lib -> usr/lib``,
``/var/run -> /run``) that a ``COPY --link`` layer would replace with directories."""
_NUMERIC_OWNER = lazy_compile(r"\d+(?::\d+)?")


def link_advisable(context: RuleContext, steps: list[Step], position: int) -> bool:
    """Whether suggesting ``COPY --link`` for the COPY/ADD at ``steps[position]`` is sound.

    Conservative: BuildKit only; the COPY has no ``--link`` yet, no ``--chmod`` (its key
    would depend on the earlier layers again) and no ``--chown`` by name (BuildKit
    cannot resolve a name without the earlier layers' ``/etc/passwd``); the stage is
    built from an external image; the destination is known, absolute and outside the
    system directories; and no earlier step of the stage writes or names the
    destination, a parent or anything inside it (a linked layer brings its own copy
    of those directories, with its own owner and mode).
    """
    if context.builder != "buildkit":
        return False
    step = steps[position]
    instruction = step.instruction
    if step.onbuild or instruction.keyword not in ("COPY", "ADD"):
        return False
    parsed = step.copy_args
    if parsed.link or parsed.chmod is not None:
        return False
    if parsed.chown is not None and not _NUMERIC_OWNER.fullmatch(parsed.chown):
        return False
    if step.stage.base_stage is not None:
        return False
    destination = copy_destination(step)
    if destination is None or UNKNOWN_WORKDIR in destination or "$" in destination:
        return False
    parts = [part for part in destination.split("/") if part]
    if not parts or parts[0] in LINK_UNSAFE_ROOTS:
        return False
    ancestors = ["/" + "/".join(parts[: count + 1]) for count in range(len(parts))]
    for earlier in steps[:position]:
        keyword = earlier.keyword
        if keyword in ("COPY", "ADD"):
            other = copy_destination(earlier)
            if other is None or is_within(other, destination) or is_within(destination, other):
                return False
        elif keyword == "WORKDIR":
            made = _workdir_made(earlier)
            if made is None or (
                made != "/" and (is_within(made, destination) or is_within(destination, made))
            ):
                return False
        elif keyword == "RUN":
            text = earlier.instruction.logical.text + "".join(
                heredoc.content for heredoc in earlier.instruction.heredocs
            )
            if any(path in text for path in ancestors):
                return False
    return True


def _workdir_made(step: Step) -> str | None:
    """The directory a WORKDIR step makes, None when unknown."""
    words = step.instruction.words
    if not words:
        return None
    path = join(step.workdir, expand_known(words[0].value, step.env))
    return None if UNKNOWN_WORKDIR in path or "$" in path else path


def reaches_image(context: RuleContext, stage: Stage) -> bool:
    """Whether files of ``stage`` can end up in an image that ships.

    False for a stage that is not the last one and whose every use is a
    ``COPY --from`` of specific paths (or a ``RUN --mount=from=``), directly or
    through stages built ``FROM`` it or flattened into (``COPY --from=stage / /``)
    that are themselves used only that way. A
    stage nothing refers to may be a ``--target``: it counts as an image built.
    An image built whose stage is named for tests (``test``, ``e2e``,
    ``integration-tests``, ``lint``, ``validate``: ``is_test_image``) runs in CI
    and is not pushed, one named for development (``dev``, ``development``,
    ``dev-envs``) runs on a developer's machine: neither counts (``stays_local``).
    """
    from lintlayers.model.stage_references import references_to

    memo = file_memo(context)
    references = references_to(context)
    if not memo.reaching:  # from the last stage back: a stage's users (later) are settled,
        for later in reversed(context.model.stages):  # so a chain of stages never recurses deep
            _reaches(context.model, later, memo.reaching, set(), references)
    return _reaches(context.model, stage, memo.reaching, set(), references)


_TEST_STAGE = lazy_compile(
    r"(?:^|[-_.])(?:test|tests|testing|e2e|lint|validate)(?:$|[-_.])", re.IGNORECASE
)
"""A stage name that says its image runs tests or checks (``test``, ``unit-test``,
``integration-tests``, ``e2e``, ``lint``, ``validate-vendor``)."""


def is_test_image(stage: Stage) -> bool:
    """Whether the image of ``stage`` (built as a target) is one for tests or checks."""
    name = stage.name
    return bool(name) and name is not None and _TEST_STAGE.search(name) is not None


_DEVELOPMENT_STAGE = lazy_compile(
    r"(?:^|[-_.])(?:dev|development|devcontainer)(?:$|[-_.])", re.IGNORECASE
)
"""A stage name that says its image is for developing on one's own machine (``dev``,
``development``, awesome-compose's ``dev-envs`` for Docker Dev Environments): not
``devel`` (CUDA's shipped flavour), ``build`` or ``sdk``, whose images may be pushed."""


def is_development_image(stage: Stage) -> bool:
    """Whether the image of ``stage`` (built as a target) is one to develop in."""
    name = stage.name
    return name is not None and _DEVELOPMENT_STAGE.search(name) is not None


def stays_local(stage: Stage) -> bool:
    """Whether the image of ``stage`` (built as a target) stays where it is built: one
    for tests or checks (``is_test_image``), run in CI, or for development, run on a
    developer's machine. Its size costs no pull; its build time still counts."""
    return is_test_image(stage) or is_development_image(stage)


def _reaches(
    model: BuildModel,
    stage: Stage,
    memo: dict[int, bool],
    visiting: set[int],
    references: dict[int, list[StageReference]],
) -> bool:
    from lintlayers.model.stage_references import BASE, COPY

    known = memo.get(stage.index)
    if known is not None:
        return known
    if stage.index in visiting:
        return True
    # a development stage is another target beside the one it builds on (awesome-compose's
    # ``FROM builder AS dev-envs``, compose building ``target: builder``)
    uses = [use for use in references.get(stage.index, []) if not is_development_image(use.user)]
    if stage.index == len(model.stages) - 1 or not uses:
        result = not stays_local(stage)  # an image built: the last stage or a --target
        memo[stage.index] = result
        return result
    visiting.add(stage.index)
    result = any(
        (use.kind == BASE or (use.kind == COPY and use.whole))  # every file goes on
        and _reaches(model, use.user, memo, visiting, references)
        for use in uses
    )
    visiting.discard(stage.index)
    memo[stage.index] = result
    return result
