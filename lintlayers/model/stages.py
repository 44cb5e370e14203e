"""Build stages and the ARG/ENV scope of each instruction, as BuildKit sees them."""

from __future__ import annotations

from _collections_abc import Mapping  # collections.abc re-exports it, at an import's cost
from bisect import bisect_right
from itertools import islice

from lintlayers.model.variables import expand, referenced_names
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import TypeVar

    from lintlayers.syntax.nodes import Dockerfile, Instruction

    V = TypeVar("V")
    T = TypeVar("T")
else:
    V = T = object  # no ``typing`` at run time (start-up)

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

PLATFORMS = (
    ("linux", "amd64", ""),
    ("linux", "arm64", ""),
    ("linux", "arm64", "v8"),
    ("linux", "arm", "v7"),
    ("linux", "arm", "v6"),
    ("linux", "386", ""),
    ("linux", "ppc64le", ""),
    ("linux", "s390x", ""),
    ("linux", "riscv64", ""),
    ("windows", "amd64", ""),
    ("windows", "arm64", ""),
    ("darwin", "amd64", ""),
    ("darwin", "arm64", ""),
    ("freebsd", "amd64", ""),
)
"""(os, architecture, variant) of the platforms a multi-platform build targets, for the
stage a reference such as ``FROM base-${TARGETARCH}`` picks on each (darwin and freebsd
for builds that export binaries, as BuildKit's own does)."""


class Stage:
    """One ``FROM`` and the instructions up to the next one."""

    __slots__ = ("_root", "base", "base_stage", "from_instruction", "index", "instructions", "name")

    def __init__(self, index: int, from_instruction: Instruction) -> None:
        self.index = index
        self.from_instruction = from_instruction
        self.instructions: list[Instruction] = []
        self.name: str | None = None
        self.base = ""
        self.base_stage: Stage | None = None
        self._root: str | None = None

    @property
    def root_image(self) -> str:
        """The external image the stage is ultimately built ``FROM`` (through the stages
        it is built on), found once for each stage of a chain."""
        if self._root is None:
            chain: list[Stage] = []
            stage: Stage = self
            seen: set[int] = set()
            while stage._root is None and stage.base_stage is not None and stage.index not in seen:
                seen.add(stage.index)
                chain.append(stage)
                stage = stage.base_stage
            root = stage._root if stage._root is not None else stage.base
            for link in chain:
                link._root = root
            self._root = root
        return self._root

    @property
    def label(self) -> str:
        """How a user refers to the stage: its name, or its index."""
        return self.name if self.name is not None else str(self.index)

    def __repr__(self) -> str:
        return f"Stage({self.label}, base={self.base!r})"


class ScopeMap(Mapping[str, V]):
    """The ARGs (or the ENVs) of a stage as they are at one version (one per ARG/ENV
    instruction): a read-only dict in the order names were first set.

    The scopes of a stage share one record of every value each name takes, where a dict
    of its own for each scope would copy the names so far (quadratic in a stage of
    thousands of ENV). Only ``BuildModel`` writes it, before any scope is handed out."""

    __slots__ = ("_entries", "_firsts", "_order", "_version")

    def __init__(self) -> None:
        self._entries: dict[str, list[tuple[int, V]]] = {}
        """name -> (version, value) in the order set."""
        self._order: list[str] = []
        """The names in the order first set."""
        self._firsts: list[int] = []
        """The version each name of ``_order`` was first set at (ascending)."""
        self._version = 0

    def _at(self, version: int) -> ScopeMap[V]:
        """The same record at ``version``."""
        view = object.__new__(type(self))
        view._entries, view._order, view._firsts = self._entries, self._order, self._firsts
        view._version = version
        return view

    def _set(self, name: str, value: V) -> None:
        """Set ``name`` at this map's version (the newest)."""
        version = self._version
        found = self._entries.get(name)
        if found is None:
            self._entries[name] = [(version, value)]
            self._order.append(name)
            self._firsts.append(version)
        elif found[-1][0] == version:
            found[-1] = (version, value)
        else:
            found.append((version, value))

    def _entry(self, name: object) -> tuple[int, V] | None:
        entries = self._entries.get(name)  # type: ignore[call-overload]
        if entries is None:
            return None
        last: tuple[int, V] = entries[-1]
        version = self._version
        if last[0] <= version:
            return last
        index = bisect_right(entries, version, key=_version_of)
        return entries[index - 1] if index else None

    def __getitem__(self, name: str) -> V:
        entry = self._entry(name)
        if entry is None:
            raise KeyError(name)
        return entry[1]

    def get(self, name: str, default: T | None = None) -> V | T | None:  # type: ignore[override]
        entry = self._entry(name)
        return default if entry is None else entry[1]

    def __contains__(self, name: object) -> bool:
        return self._entry(name) is not None

    def __len__(self) -> int:
        firsts = self._firsts
        if not firsts or firsts[-1] <= self._version:
            return len(firsts)
        return bisect_right(firsts, self._version)

    def __iter__(self) -> Iterator[str]:
        count = len(self)
        order = self._order
        return iter(order) if count == len(order) else islice(order, count)

    def names_from(self, start: int) -> list[str]:
        """The names after the first ``start``, in order."""
        return self._order[start : len(self)]

    def __repr__(self) -> str:
        return f"ScopeMap({dict(self)!r})"


def _version_of(entry: tuple[int, object]) -> int:
    return entry[0]


class Scope:
    """Variables in effect at one instruction of a stage.

    ``args`` are the ARGs declared in the stage (value ``None`` when declared
    without a default and no global default applies); ``env`` the ENV values. Both are
    read-only dicts (``ScopeMap``) that the scopes of a stage share.
    """

    __slots__ = ("args", "env")

    def __init__(
        self, args: ScopeMap[str | None] | None = None, env: ScopeMap[str] | None = None
    ) -> None:
        self.args: ScopeMap[str | None] = args if args is not None else ScopeMap()
        self.env: ScopeMap[str] = env if env is not None else ScopeMap()

    def values(self) -> ScopeValues:
        """What ``$name`` expands to: ENV wins over ARG (a read-only dict)."""
        return ScopeValues(self.args, self.env)


class ScopeValues(Mapping[str, str]):
    """``Scope.values()``: the ARGs with a value and the ENVs, ENV winning, in the order
    a dict of the ARGs updated with the ENVs would have; looked up, never copied."""

    __slots__ = ("_args", "_env")

    def __init__(self, args: ScopeMap[str | None], env: ScopeMap[str]) -> None:
        self._args = args
        self._env = env

    def get(self, name: str, default: T | None = None) -> str | T | None:  # type: ignore[override]
        entry = self._env._entry(name)
        if entry is not None:
            return entry[1]
        value = self._args.get(name)
        return default if value is None else value

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return self.get(name) is not None  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[str]:
        args, env = self._args, self._env
        for name in args:
            if args[name] is not None:
                yield name
        for name in env:
            if args.get(name) is None:
                yield name

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return bool(self._env) or any(value is not None for value in self._args.values())

    def __repr__(self) -> str:
        return f"ScopeValues({dict(self)!r})"


class BuildModel:
    """The stages of a Dockerfile and its global (before the first FROM) ARGs."""

    __slots__ = (
        "_named",
        "_platform_args",
        "_platform_names",
        "_walked",
        "dockerfile",
        "global_args",
        "global_instructions",
        "stages",
    )

    def __init__(self, dockerfile: Dockerfile) -> None:
        self.dockerfile = dockerfile
        self._platform_args: list[dict[str, str]] | None = None  # ``stages_on_platforms``
        self._platform_names: frozenset[str] = frozenset()  # ARGs that differ by platform
        self._named: dict[str, Stage] = {}  # the first stage of each name, by ``build_model``
        self._walked: dict[int, list[Scope]] = {}  # stage index -> ``_scopes``
        self.global_instructions: list[Instruction] = []
        self.global_args: dict[str, str | None] = {}
        self.stages: list[Stage] = []

    def stage_named(self, reference: str) -> Stage | None:
        """The stage a ``FROM``/``COPY --from`` reference points at (name or index)."""
        named = self._named.get(reference.lower())
        if named is not None:
            return named
        if reference.isdigit():
            index = int(reference)
            if index < len(self.stages):
                return self.stages[index]
        return None

    def stages_on_platforms(self, raw_reference: str) -> list[Stage]:
        """The stages an unexpanded ``FROM``/``COPY --from`` reference names on any
        platform of ``PLATFORMS``: ``base-${TARGETARCH}`` is ``base-amd64`` on one and
        ``base-arm64`` on another (BuildKit defines the platform ARGs for ``FROM`` lines
        and the global ARGs)."""
        if "$" not in raw_reference:
            return []
        escape = self.dockerfile.escape
        if self._platform_args is None:
            self._platform_args = [self._global_args_on(platform) for platform in PLATFORMS]
            first, *others = self._platform_args
            self._platform_names = frozenset(
                name
                for args in others
                for name in args.keys() | first.keys()
                if args.get(name) != first.get(name)
            )
        platforms = self._platform_args
        if not referenced_names(raw_reference) & self._platform_names:
            platforms = platforms[:1]  # the same on every platform
        found: list[Stage] = []
        for args in platforms:
            stage = self.stage_named(expand(raw_reference, args, escape))
            if stage is not None and stage not in found:
                found.append(stage)
        return found

    def _global_args_on(self, platform: tuple[str, str, str]) -> dict[str, str]:
        """The global ARGs with a value when building for ``platform``, its ARGs included."""
        os_name, architecture, variant = platform
        known: dict[str, str] = {}
        for prefix in ("TARGET", "BUILD"):
            known[f"{prefix}PLATFORM"] = "/".join(part for part in platform if part)
            known[f"{prefix}OS"] = os_name
            known[f"{prefix}ARCH"] = architecture
            known[f"{prefix}VARIANT"] = variant
        args: dict[str, str | None] = dict(known)
        for instruction in self.global_instructions:
            if instruction.keyword == "ARG":
                _declare_global_args(instruction, args, known, self.dockerfile.escape)
        return known

    def stage_of(self, instruction: Instruction) -> Stage | None:
        for stage in self.stages:
            if instruction is stage.from_instruction or instruction in stage.instructions:
                return stage
        return None

    def walk(self, stage: Stage) -> Iterator[tuple[Instruction, Scope]]:
        """Each instruction of ``stage`` with the scope in effect *before* it runs.

        A new scope after each ARG/ENV; the scopes are worked out once per stage."""
        scopes = self._scopes(stage)
        position = 0
        scope = scopes[0]
        for instruction in stage.instructions:
            yield instruction, scope
            if instruction.effective is not instruction:
                continue  # ONBUILD triggers run in a child image, not here
            keyword = instruction.keyword
            if keyword == "ARG" or keyword == "ENV":
                position += 1
                scope = scopes[position]

    def _scopes(self, stage: Stage) -> list[Scope]:
        """The scope before the first instruction of ``stage``, then after each ARG/ENV."""
        known = self._walked.get(stage.index)
        if known is not None and self.stages[stage.index] is stage:
            return known
        escape = self.dockerfile.escape
        args: ScopeMap[str | None] = ScopeMap()
        env: ScopeMap[str] = ScopeMap()
        scope = Scope(args, env)
        scopes = [scope]
        version = 0
        for instruction in stage.instructions:
            if instruction.effective is not instruction:
                continue
            keyword = instruction.keyword
            if keyword != "ARG" and keyword != "ENV":
                continue
            version += 1
            args, env = args._at(version), env._at(version)
            scope = Scope(args, env)
            scopes.append(scope)
            if keyword == "ARG":
                for pair in instruction.pairs:
                    if pair.value_raw is not None:
                        value = _expanded(pair.value_raw, scope, escape)
                        args._set(pair.key, _unquoted(value, escape))
                    else:
                        args._set(pair.key, self.global_args.get(pair.key))
            else:
                for pair in instruction.pairs:
                    raw = pair.value_raw or ""
                    env._set(pair.key, _unquoted(_expanded(raw, scope, escape), escape))
        if 0 <= stage.index < len(self.stages) and self.stages[stage.index] is stage:
            self._walked[stage.index] = scopes
        return scopes


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
    known: dict[str, str] = {}  # the global ARGs with a value
    current: Stage | None = None
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            current = Stage(len(model.stages), instruction)
            _read_from(model, current, escape, known)
            model.stages.append(current)
            if current.name is not None:
                model._named.setdefault(current.name, current)
        elif current is None:
            model.global_instructions.append(instruction)
            if instruction.keyword == "ARG":
                _declare_global_args(instruction, model.global_args, known, escape)
        else:
            current.instructions.append(instruction)
    return model


def _declare_global_args(
    instruction: Instruction,
    args: dict[str, str | None],
    known: dict[str, str],
    escape: str,
) -> None:
    """Set the ARGs a global ``ARG`` declares in ``args``, and in ``known`` (those with a
    value): a default is expanded with the ARGs before it; without one, a platform ARG
    keeps its value, others have none."""
    for pair in instruction.pairs:
        if pair.value_raw is not None:
            value = _unquoted(expand(pair.value_raw, known, escape), escape)
            args[pair.key] = known[pair.key] = value
        elif pair.key not in PLATFORM_ARGS or pair.key not in args:
            args[pair.key] = None
            known.pop(pair.key, None)


def _read_from(model: BuildModel, stage: Stage, escape: str, known: dict[str, str]) -> None:
    words = stage.from_instruction.words
    if not words:
        return
    stage.base = expand(words[0].value, known, escape)
    if len(words) >= 3 and words[1].value.lower() == "as":
        stage.name = words[2].value.lower()
    stage.base_stage = model.stage_named(stage.base) if not stage.base.isdigit() else None
