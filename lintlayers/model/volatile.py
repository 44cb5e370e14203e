"""Per-build variables: ARG/ENV declarations whose value changes with every build.

A name such as ``GIT_SHA``, ``BUILD_DATE`` or ``VCS_REF`` (or an unpinned
``VERSION``) marks a value given anew with ``--build-arg`` on each build; an ENV
taking its value from such an ARG is one too. This is the project's one reading of
"per-build": rule LL102 reports such declarations early in a stage, the reorder
engine lets a RUN cross them and charges their change to every commit.
"""

from __future__ import annotations

from collections import ChainMap

from lintlayers.model.variables import referenced_names
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Container

    from lintlayers.context import RuleContext
    from lintlayers.model.stages import BuildModel
    from lintlayers.syntax.nodes import Instruction, KeyValue

VOLATILE_NAMES = frozenset(
    {
        "GIT_SHA",
        "GIT_COMMIT",
        "GIT_COMMIT_SHA",
        "GIT_COMMIT_ID",
        "GIT_HASH",
        "GIT_REV",
        "GIT_REVISION",
        "GIT_REF",
        "GIT_TAG",
        "GIT_BRANCH",
        "GIT_DESCRIBE",
        "GIT_VERSION",
        "COMMIT",
        "COMMIT_SHA",
        "COMMIT_HASH",
        "COMMIT_ID",
        "SOURCE_COMMIT",
        "SOURCE_VERSION",
        "SOURCE_DATE_EPOCH",
        "REVISION",
        "VCS_REF",
        "VCS_REVISION",
        "BUILD_DATE",
        "BUILD_TIME",
        "BUILD_NUMBER",
        "BUILD_ID",
        "BUILD_TIMESTAMP",
        "BUILD_VERSION",
        "BUILD_SHA",
        "BUILD_COMMIT",
        "BUILD_REF",
        "CI_COMMIT_SHA",
        "CI_COMMIT_SHORT_SHA",
        "CI_COMMIT_TAG",
        "CI_COMMIT_REF_NAME",
        "CI_PIPELINE_ID",
        "CI_JOB_ID",
        "GITHUB_SHA",
        "GITHUB_REF",
        "GITHUB_RUN_ID",
        "GITHUB_RUN_NUMBER",
        "TRAVIS_COMMIT",
        "CIRCLE_SHA1",
        "BITBUCKET_COMMIT",
        "BUILDKITE_COMMIT",
        "VERSION",
        "APP_VERSION",
        "RELEASE",
        "RELEASE_VERSION",
        "IMAGE_TAG",
        "IMAGE_VERSION",
        "DOCKER_TAG",
    }
)
"""Names of per-build or per-commit values (compared in upper case)."""

VOLATILE_SUFFIXES = (
    "_SHA",
    "_COMMIT",
    "_COMMIT_SHA",
    "_COMMIT_ID",
    "_GIT_SHA",
    "_GIT_COMMIT",
    "_BUILD_DATE",
    "_BUILD_TIME",
    "_BUILD_NUMBER",
    "_BUILD_ID",
    "_BUILD_TIMESTAMP",
    "_VCS_REF",
)
"""Suffixes that mark a per-build value whatever the prefix (``APP_GIT_SHA``)."""

PLACEHOLDERS = frozenset(
    {
        "",
        "dev",
        "devel",
        "development",
        "latest",
        "unknown",
        "local",
        "snapshot",
        "none",
        "null",
        "undefined",
        "unset",
        "n/a",
        "head",
        "untagged",
        "0",
        "0.0.0",
        "0.0.0-dev",
        "0.0.0-snapshot",
        "0.0.0-local",
        "0.0.1-snapshot",
    }
)
"""Defaults that stand in for a value given with ``--build-arg`` (compared lowercased)."""

_DECLARING = frozenset({"ARG", "ENV"})


class Declared:
    """One volatile name declared by an ARG/ENV, with what makes it so."""

    __slots__ = ("index", "origin", "pair")

    def __init__(self, index: int, pair: KeyValue, origin: str) -> None:
        self.index = index
        self.pair = pair
        self.origin = origin  # the ARG an ENV takes its value from, or ""


def volatile_instructions(context: RuleContext) -> frozenset[int]:
    """``id()``s of the file's ARG/ENV instructions declaring a per-build value.

    ONBUILD triggers are left out: they run in another build. Answered once per file
    (``RuleContext.analysis``)."""
    return context.analysis(_volatile_instructions)


def _volatile_instructions(context: RuleContext) -> frozenset[int]:
    found: set[int] = set()
    model = context.model
    for stage in model.stages:
        own = [item for item in stage.instructions if item.inner is None]
        for declared in volatile_declarations(own, model.global_args):
            found.add(id(own[declared.index]))
    return frozenset(found)


def per_build_args(model: BuildModel) -> frozenset[str]:
    """Names of the build arguments the file's per-build declarations take from a build.

    Each per-build ARG, and the ARG a per-build ENV (or ARG) takes its value from:
    what ``lintlayers cache`` replays as new on every build, as rule LL105 does."""
    names: set[str] = set()
    for stage in model.stages:
        own = [item for item in stage.instructions if item.inner is None]
        for declared in volatile_declarations(own, model.global_args):
            if own[declared.index].keyword == "ARG":
                names.add(declared.pair.key)
            if declared.origin:
                names.add(declared.origin)
    return frozenset(names)


def volatile_declarations(
    effective: list[Instruction], global_args: dict[str, str | None]
) -> list[Declared]:
    """Each ARG/ENV pair of the sequence (one stage's instructions) holding a per-build value."""
    volatile: set[str] = set()  # names holding a per-build value at this point
    unpinned: set[str] = set()  # ARGs declared without a pinned default
    declared: dict[str, str | None] = {
        pair.key: None for item in effective if item.keyword in _DECLARING for pair in item.pairs
    }
    known = ChainMap(declared, global_args)  # looked up, not copied: a file has many stages
    found: list[Declared] = []
    for index, instruction in enumerate(effective):
        keyword = instruction.keyword
        if keyword not in _DECLARING:
            continue
        for pair in instruction.pairs:
            name = pair.key
            raw = pair.value_raw
            refs = referenced_names(raw) if raw else set()
            origin = ""
            if keyword == "ARG":
                if raw is None:
                    default = global_args.get(name)
                    is_unpinned = default is None or _placeholder(default)
                else:
                    is_unpinned = bool(refs) or _placeholder(_unquote(raw))
                from_volatile = sorted(refs & volatile)
                named = is_volatile_name(name, known)
                is_volatile = (named and is_unpinned) or bool(from_volatile)
                if is_unpinned:
                    unpinned.add(name)
                else:
                    unpinned.discard(name)
                if from_volatile and not named:
                    origin = from_volatile[0]
            else:
                from_volatile = sorted(refs & volatile)
                from_unpinned = sorted(refs & unpinned)
                is_volatile = bool(from_volatile) or (
                    is_volatile_name(name, known) and bool(from_unpinned)
                )
                if is_volatile:
                    origin = (from_volatile or from_unpinned)[0]
            if is_volatile:
                volatile.add(name)
                found.append(Declared(index, pair, origin))
            else:
                volatile.discard(name)
    return found


def is_volatile_name(name: str, known: Container[str] = frozenset()) -> bool:
    """Whether ``name`` marks a per-build value.

    Upper-case names only (``build_date`` is usually a pinned input). A suffix
    match such as ``LUAROCKS_SHA`` next to a ``LUAROCKS_VERSION`` in ``known`` is
    the checksum of a versioned download, not a commit.
    """
    if name != name.upper():
        return False
    if name in VOLATILE_NAMES:
        return True
    suffix = next((suffix for suffix in VOLATILE_SUFFIXES if name.endswith(suffix)), None)
    if suffix is None:
        return False
    return name[: -len(suffix)] + "_VERSION" not in known


def _placeholder(value: str) -> bool:
    return value.strip().lower() in PLACEHOLDERS


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1]
    return raw
