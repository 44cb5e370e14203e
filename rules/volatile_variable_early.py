"""LL102 volatile-variable-early."""

from __future__ import annotations

import re

from lintlayers.diagnostics import UNSAFE, Edit, Fix, Violation
from lintlayers.model.variables import referenced_names
from lintlayers.rule import Rule
from lintlayers.syntax.layout import comment_block as _comment_block
from lintlayers.syntax.layout import is_kind as _is_kind
from lintlayers.syntax.layout import newline_of as _newline
from lintlayers.syntax.layout import node_end as _end
from lintlayers.syntax.layout import node_start as _start
from lintlayers.syntax.nodes import Trivia
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.syntax.nodes import Dockerfile, Instruction, KeyValue

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

BUILD_TOOLS = frozenset(
    {
        "make",
        "gmake",
        "cmake",
        "mage",
        "just",
        "task",
        "ninja",
        "bazel",
        "bazelisk",
        "goreleaser",
        "gradle",
        "mvn",
        "ant",
        "sbt",
        "rake",
        "scons",
        "meson",
        "cargo",
        "source",
        ".",
    }
)
"""Commands that run project code or scripts, which may read any environment variable."""

PACKAGE_SCRIPTS = frozenset({"npm", "yarn", "pnpm", "bun", "npx"})
PACKAGE_COMMANDS = frozenset(
    {"install", "i", "ci", "add", "remove", "config", "cache", "global", "set", "audit"}
)
"""Subcommands of ``PACKAGE_SCRIPTS`` that run no project script."""

INTERPRETERS = frozenset(
    {"sh", "bash", "dash", "ash", "zsh", "python", "python3", "node", "ruby", "perl", "php"}
)
"""Interpreters that run a file (not ``-c``) of project code."""

SCRIPT_SUFFIXES = (".sh", ".bash", ".py", ".pl", ".rb", ".js", ".mjs", ".ps1")

METADATA = frozenset(
    {"LABEL", "EXPOSE", "STOPSIGNAL", "VOLUME", "CMD", "ENTRYPOINT", "HEALTHCHECK", "MAINTAINER"}
)
"""Instructions BuildKit keeps in the image config only: no cache step of their own."""

_DECLARING = frozenset({"ARG", "ENV"})


class VolatileVariableEarly(Rule):
    """Reports a per-build ARG or ENV declared before RUN steps that do not use it.

    ## What it does
    Reports an `ARG` or `ENV` whose name marks a value that changes with every
    build or commit (`GIT_SHA`, `BUILD_DATE`, `VCS_REF`, an unpinned `VERSION`,
    ...) when RUN instructions that do not use it follow it in the stage before
    its first use. A `VERSION`-like ARG with a literal default (`ARG
    VERSION=1.4.2`) is pinned and not reported; tool versions such as
    `NODE_VERSION` never are. An ENV counts when its value comes from such an
    ARG. Global ARGs (before the first `FROM`) count only where a stage
    declares them again.

    ## Why it matters
    An ARG that has a value (from its default or `--build-arg`) and every ENV
    join the cache key of every later RUN in the stage, used or not. A value
    that changes on each build therefore re-runs all those RUNs, and everything
    after them, every time. Under BuildKit a `LABEL revision=$GIT_SHA` is
    harmless by itself: the ARG feeding it is the hazard.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    ARG GIT_SHA
    RUN pip install --no-cache-dir flask
    COPY . /app
    LABEL org.opencontainers.image.revision=$GIT_SHA
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir flask
    COPY . /app
    ARG GIT_SHA
    LABEL org.opencontainers.image.revision=$GIT_SHA
    ```

    ## Fix
    Unsafe: the declaration line (with the comment lines directly above it)
    moves down to just before the first instruction that references the
    variable (`$NAME`, `${NAME...}` anywhere, RUN text and heredoc bodies
    included), or to the end of the stage when nothing does. A script run by an
    earlier RUN may read the variable from its environment without naming it;
    such a RUN would no longer see it. A line that declares several names moves
    only when all of them are volatile.
    """

    code = "LL102"
    name = "volatile-variable-early"
    category = "cache"
    severity = "warning"
    summary = "A per-build ARG/ENV early in a stage re-runs every later RUN"

    def check(self, context: RuleContext) -> Iterator[Violation]:
        model = context.model
        global_args = model.global_args
        for stage in model.stages:
            own = [item for item in stage.instructions if item.inner is None]
            triggers = [item for item in stage.instructions if item.inner is not None]
            for sequence in (own, triggers):
                if sequence:
                    yield from _check_sequence(context, sequence, global_args)


class Declared:
    """One volatile name declared by an ARG/ENV, with what makes it so."""

    __slots__ = ("index", "origin", "pair")

    def __init__(self, index: int, pair: KeyValue, origin: str) -> None:
        self.index = index
        self.pair = pair
        self.origin = origin  # the ARG an ENV takes its value from, or ""


def _check_sequence(
    context: RuleContext, sequence: list[Instruction], global_args: dict[str, str | None]
) -> Iterator[Violation]:
    effective = [item.effective for item in sequence]
    found = volatile_declarations(effective, global_args)
    by_line: dict[int, list[Declared]] = {}
    for declared in found:
        by_line.setdefault(declared.index, []).append(declared)
    classic = context.builder == "classic"
    for index, names in by_line.items():
        instruction = effective[index]
        uses = [_first_use(context, effective, index, declared.pair, classic) for declared in names]
        fix = None
        stale_config_hazard = False
        if len(names) == len(instruction.pairs) and not any(
            _runs(effective, use.first + 1, use.step) for use in uses
        ):
            destination = min(use.first for use in uses)
            if classic and not _runs(effective, destination, len(effective)):
                # buildah keys config steps (ENV, LABEL, ARG) on their text, not on the
                # value they expand to: with no RUN after them to miss and commit the
                # config again, the image would keep the previous value (buildah#5575)
                stale_config_hazard = True
            else:
                fix = _move_fix(context.dockerfile, sequence, index, destination)
        for declared, use in zip(names, uses, strict=True):
            runs = _runs(effective, index + 1, use.step)
            if not runs:
                continue
            start = declared.pair.start
            end = start + _key_length(context.source.text, start)
            message = _message(context, effective, declared, runs, use, fix is not None)
            if stale_config_hazard:
                message += (
                    "; no automatic fix under the classic builder: buildah keys ENV/LABEL/ARG "
                    "steps on their text, so without a RUN after the moved lines the image "
                    "would keep the previous value"
                )
            yield Violation(start, end, message, fix)


def _runs(effective: list[Instruction], start: int, stop: int) -> list[Instruction]:
    return [item for item in effective[start:stop] if item.keyword == "RUN"]


class _Use:
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


def volatile_declarations(
    effective: list[Instruction], global_args: dict[str, str | None]
) -> list[Declared]:
    """Each ARG/ENV pair of the sequence that holds a per-build value."""
    volatile: set[str] = set()  # names holding a per-build value at this point
    unpinned: set[str] = set()  # ARGs declared without a pinned default
    known = {pair.key for item in effective if item.keyword in _DECLARING for pair in item.pairs}
    known.update(global_args)
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


def is_volatile_name(name: str, known: set[str] | frozenset[str] = frozenset()) -> bool:
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


def _first_use(
    context: RuleContext,
    effective: list[Instruction],
    index: int,
    pair: KeyValue,
    classic: bool,
) -> _Use:
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
            return _Use(min(first, position), position, "")
        text = _text(instruction)
        if name in referenced_names(text) or (keyword == "RUN" and bare.search(text)):
            first = min(first, position)
            if classic or keyword not in METADATA:
                return _Use(first, position, "")
            continue
        if keyword == "RUN":
            reader = environment_reader(context, instruction)
            if reader:
                return _Use(min(first, position), position, reader)
    return _Use(first, len(effective), "")


def environment_reader(context: RuleContext, run: Instruction) -> str:
    """A command of ``run`` that may read any variable of its environment, or ``""``."""
    for command in context.commands(run):
        view = command.effective()
        if not view.words:
            continue
        program = view.words[0].value
        name = view.name
        positional = view.positional_args()
        if "/" in program or name.endswith(SCRIPT_SUFFIXES) or name in BUILD_TOOLS:
            return program
        if name in PACKAGE_SCRIPTS and positional and positional[0] not in PACKAGE_COMMANDS:
            return f"{name} {positional[0]}"
        if name in INTERPRETERS and (positional or "-m" in view.args) and "-c" not in view.args:
            return f"{name} {(positional or view.args)[0]}"
    return ""


def _text(instruction: Instruction) -> str:
    """Everything an instruction says: its line(s) and heredoc bodies."""
    parts = [instruction.logical.text]
    parts.extend(heredoc.content for heredoc in instruction.heredocs)
    return "\n".join(parts)


def _key_length(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end] not in "= \t\r\n":
        end += 1
    return end - start


def _message(
    context: RuleContext,
    effective: list[Instruction],
    declared: Declared,
    runs: list[Instruction],
    use: _Use,
    fixable: bool,
) -> str:
    name = declared.pair.key
    location = context.source.location
    if effective[declared.index].keyword == "ARG":
        what = f"ARG {name} holds a per-build value"
        if declared.origin:
            what = f"ARG {name} takes a per-build value from {declared.origin}"
        what += "; once it has a value (default or --build-arg) it joins"
    else:
        what = f"ENV {name} takes a per-build value from ARG {declared.origin}; it joins"
    verb = "does" if len(runs) == 1 else "do"
    plural = "s" if len(runs) > 1 else ""
    count = f"{len(runs)} RUN{plural} (first at line {location(runs[0].start).line})"
    message = (
        f"{what} the cache key of every later RUN in the stage, so each new value re-runs "
        f"{count} that {verb} not use it"
    )
    after = _runs(effective, use.first + 1, use.step)
    if after:
        metadata = effective[use.first]
        line = location(metadata.start).line
        which = "them" if len(after) == len(runs) else f"{len(after)} of them"
        return (
            f"{message}; its first use, the {metadata.keyword} at line {line}, comes before "
            f"{which} (harmless by itself: the {metadata.keyword} is no build step, but {name} "
            f"stays in scope after it). Move the {metadata.keyword} and this declaration "
            "below the last RUN of the stage"
        )
    if use.first >= len(effective):
        return f"{message}; nothing later in the stage uses it. Declare it at the end of the stage"
    target = effective[use.first]
    line = location(target.start).line
    if use.reader:
        message += (
            f"; its first possible use is the RUN at line {line}, which runs "
            f"`{use.reader}` (it may read the variable from its environment)"
        )
    else:
        message += f"; its first use is the {target.keyword} at line {line}"
    if not fixable and len(effective[declared.index].pairs) > 1:
        return f"{message}. Declare it just before, apart from the other names on its line"
    return f"{message}. Declare it just before its first use"


def _move_fix(
    dockerfile: Dockerfile, sequence: list[Instruction], index: int, stop: int
) -> Fix | None:
    """Move ``sequence[index]`` (and its comments) to just before ``sequence[stop]``."""
    if stop <= index + 1:
        return None
    moved = sequence[index]
    text = dockerfile.source.text
    nodes = dockerfile.nodes
    position = {id(node): number for number, node in enumerate(nodes)}
    node_index = position[id(moved)]
    first = _comment_block(nodes, node_index)
    block = text[_start(nodes[first]) : moved.node_end]
    delete_end = moved.node_end
    if (
        first > 0
        and _is_kind(nodes[first - 1], Trivia.BLANK)
        and node_index + 1 < len(nodes)
        and _is_kind(nodes[node_index + 1], Trivia.BLANK)
    ):
        delete_end = _end(nodes[node_index + 1])  # keep one blank line, not two
    newline = _newline(text, moved)
    if not block.endswith("\n"):
        block += newline
    if stop < len(sequence):
        target = sequence[stop]
        insert_at = _start(nodes[_comment_block(nodes, position[id(target)])])
        where = f"before line {dockerfile.source.location(target.effective.start).line}"
    else:
        last = sequence[-1]
        insert_at = last.node_end
        if not text[:insert_at].endswith("\n"):
            block = newline + block.rstrip("\r\n")
        where = "to the end of the stage"
    if insert_at < delete_end:
        return None
    edits = [Edit.delete(_start(nodes[first]), delete_end), Edit.insert(insert_at, block)]
    keyword = moved.effective.keyword
    return Fix(f"Move the {keyword} {where}", edits, UNSAFE)
