"""Build stages and the ARG/ENV scope of each instruction, as BuildKit sees them."""

from __future__ import annotations

from lintlayers.model.variables import expand
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.syntax.nodes import Dockerfile, Instruction

PREDEFINED_ARGS = frozenset(
    {
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "FTP_PROXY",
        "ftp_proxy",
        "NO_PROXY",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
    }
)
"""Proxy ARGs BuildKit predefines; they stay out of the cache key unless declared."""

PLATFORM_ARGS = frozenset(
    {
        "TARGETPLATFORM",
        "TARGETOS",
        "TARGETARCH",
        "TARGETVARIANT",
        "BUILDPLATFORM",
        "BUILDOS",
        "BUILDARCH",
        "BUILDVARIANT",
    }
)


class Stage:
    """One ``FROM`` and the instructions up to the next one."""

    __slots__ = ("base", "base_stage", "from_instruction", "index", "instructions", "name")

    def __init__(self, index: int, from_instruction: Instruction) -> None:
        self.index = index
        self.from_instruction = from_instruction
        self.instructions: list[Instruction] = []
        self.name: str | None = None
        self.base = ""
        self.base_stage: Stage | None = None

    @property
    def label(self) -> str:
        """How a user refers to the stage: its name, or its index."""
        return self.name if self.name is not None else str(self.index)

    def __repr__(self) -> str:
        return f"Stage({self.label}, base={self.base!r})"


class Scope:
    """Variables in effect at one instruction of a stage.

    ``args`` are the ARGs declared in the stage (value ``None`` when declared
    without a default and no global default applies); ``env`` the ENV values.
    """

    __slots__ = ("args", "env")

    def __init__(self) -> None:
        self.args: dict[str, str | None] = {}
        self.env: dict[str, str] = {}

    def copy(self) -> Scope:
        scope = Scope()
        scope.args = dict(self.args)
        scope.env = dict(self.env)
        return scope

    def values(self) -> dict[str, str]:
        """What ``$name`` expands to: ENV wins over ARG."""
        merged = {name: value for name, value in self.args.items() if value is not None}
        merged.update(self.env)
        return merged


class BuildModel:
    """The stages of a Dockerfile and its global (before the first FROM) ARGs."""

    __slots__ = ("dockerfile", "global_args", "global_instructions", "stages")

    def __init__(self, dockerfile: Dockerfile) -> None:
        self.dockerfile = dockerfile
        self.global_instructions: list[Instruction] = []
        self.global_args: dict[str, str | None] = {}
        self.stages: list[Stage] = []

    def stage_named(self, reference: str) -> Stage | None:
        """The stage a ``FROM``/``COPY --from`` reference points at (name or index)."""
        lowered = reference.lower()
        for stage in self.stages:
            if stage.name == lowered:
                return stage
        if reference.isdigit():
            index = int(reference)
            if index < len(self.stages):
                return self.stages[index]
        return None

    def stage_of(self, instruction: Instruction) -> Stage | None:
        for stage in self.stages:
            if instruction is stage.from_instruction or instruction in stage.instructions:
                return stage
        return None

    def walk(self, stage: Stage) -> Iterator[tuple[Instruction, Scope]]:
        """Each instruction of ``stage`` with the scope in effect *before* it runs."""
        scope = Scope()
        escape = self.dockerfile.escape
        for instruction in stage.instructions:
            yield instruction, scope
            effective = instruction.effective
            if effective is not instruction:
                continue  # ONBUILD triggers run in a child image, not here
            if instruction.keyword == "ARG":
                scope = scope.copy()
                for pair in instruction.pairs:
                    if pair.value_raw is not None:
                        value = _expanded(pair.value_raw, scope, escape)
                        scope.args[pair.key] = _unquoted(value, escape)
                    else:
                        scope.args[pair.key] = self.global_args.get(pair.key)
            elif instruction.keyword == "ENV":
                scope = scope.copy()
                for pair in instruction.pairs:
                    raw = pair.value_raw or ""
                    scope.env[pair.key] = _unquoted(_expanded(raw, scope, escape), escape)


def _expanded(raw: str, scope: Scope, escape: str) -> str:
    """``raw`` expanded in ``scope``, whose values are merged only when it names one (a
    stage of thousands of ENV would merge them all again for each)."""
    return expand(raw, scope.values(), escape) if "$" in raw else raw


def _unquoted(value: str, escape: str) -> str:
    from lintlayers.syntax.words import unquote

    return unquote(value, escape)


def build_model(dockerfile: Dockerfile) -> BuildModel:
    """Group the instructions of ``dockerfile`` into stages."""
    model = BuildModel(dockerfile)
    escape = dockerfile.escape
    current: Stage | None = None
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            current = Stage(len(model.stages), instruction)
            _read_from(model, current, escape)
            model.stages.append(current)
        elif current is None:
            model.global_instructions.append(instruction)
            if instruction.keyword == "ARG":
                for pair in instruction.pairs:
                    value = None
                    if pair.value_raw is not None:
                        value = _unquoted(
                            expand(pair.value_raw, _known(model.global_args), escape), escape
                        )
                    model.global_args[pair.key] = value
        else:
            current.instructions.append(instruction)
    return model


def _known(args: dict[str, str | None]) -> dict[str, str]:
    return {name: value for name, value in args.items() if value is not None}


def _read_from(model: BuildModel, stage: Stage, escape: str) -> None:
    words = stage.from_instruction.words
    if not words:
        return
    stage.base = expand(words[0].value, _known(model.global_args), escape)
    if len(words) >= 3 and words[1].value.lower() == "as":
        stage.name = words[2].value.lower()
    stage.base_stage = model.stage_named(stage.base) if not stage.base.isdigit() else None
