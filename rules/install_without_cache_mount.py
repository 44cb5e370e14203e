"""LL107 install-without-cache-mount."""

from __future__ import annotations

from lintlayers.diagnostics import Violation
from lintlayers.model.ecosystems import ecosystem
from lintlayers.model.installs import implicit_off
from lintlayers.model.mounts import COVERING_MOUNTS
from lintlayers.model.package_commands import package_writes
from lintlayers.model.package_managers import match_any
from lintlayers.model.paths import is_within
from lintlayers.model.run_effects import effects, home_of
from lintlayers.model.steps import reaches_image, sequences
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.shell.commands import SimpleCommand

SYSTEM = frozenset({"apt", "apk", "yum", "dnf", "microdnf", "zypper", "pacman"})
"""System package managers: their caches are the size rules' (LL301, LL303, LL316)."""


class InstallWithoutCacheMount(Rule):
    """Reports a dependency install that BuildKit could serve from a cache mount.

    ## What it does
    Under BuildKit, reports a RUN that installs dependencies with a language
    package manager of the ecosystem table (pip, uv, Poetry, npm, Yarn, pnpm,
    Bun, Go modules, Cargo, Maven, Gradle, sbt, NuGet, Bundler, Composer, Mix,
    pub, SwiftPM, Cabal, Stack, conda and the rest), also through a build that
    installs on the way (`go build`, `dotnet publish`), when no cache mount
    holds that tool's download cache. Stays quiet where a size rule already
    reports the cache left in the layer (LL304, LL305, LL316: their advice
    names the mount) and for system package managers.

    ## Why it matters
    Whenever the install step re-runs (a manifest changed, an earlier step
    missed), every dependency is downloaded again. A cache mount
    (`RUN --mount=type=cache,target=...`) keeps the tool's downloads between
    builds on the same builder, outside the image.

    ## Example
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY go.mod go.sum ./
    RUN go mod download
    ```

    ## Use instead
    ```dockerfile
    # syntax=docker/dockerfile:1
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY go.mod go.sum ./
    RUN --mount=type=cache,target=/go/pkg/mod go mod download
    ```

    ## Fix
    None: the mount belongs on every RUN of the stage that uses the tool's
    cache (the install and the build after it), which only the author knows.
    """

    code = "LL107"
    name = "install-without-cache-mount"
    category = "cache"
    severity = "info"
    summary = "A dependency install BuildKit could serve from a cache mount"
    builders = ("buildkit",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        model = context.model
        scopes = {
            id(instruction): scope
            for stage in model.stages
            for instruction, scope in model.walk(stage)
        }
        for steps in sequences(context):
            installed: set[str] = set()  # ecosystems an explicit install already fetched
            for step in steps:
                if step.keyword != "RUN":
                    continue
                shipped = step.onbuild or reaches_image(context, step.stage)
                scope = scopes.get(id(step.instruction))
                stage_env = scope.values() if scope is not None else {}
                run = effects(context, step)
                yield from _check_run(run, shipped, installed, stage_env)


def _check_run(
    run: RunEffects, shipped: bool, installed: set[str], stage_env: dict[str, str]
) -> Iterator[Violation]:
    reported: set[str] = set()
    for index, command in enumerate(run.commands):
        found = match_any([word.value for word in command.words])
        if found is None or found.installer.ecosystem in reported:
            continue
        if found.implicit and found.installer.ecosystem in installed:
            continue  # a build after the install: the dependencies are in the layer already
        environment = _environment(stage_env, run, index, command)
        if found.implicit and implicit_off(found.installer, environment):
            continue  # GO111MODULE=off, -mod=vendor in GOFLAGS...: the build downloads nothing
        if not found.implicit:
            installed.add(found.installer.ecosystem)
        entry = ecosystem(found.installer.ecosystem)
        if entry is None or entry.name in SYSTEM:
            continue
        kinds = package_writes(command)
        if shipped and any(run.cache_handled(kind, index) is None for kind in kinds):
            continue  # a size rule reports the cache kept, with the mount in its advice
        home = home_of(run.user_at(index))
        targets = tuple(
            home + path[1:] if path.startswith("~") else path for path in entry.cache_directories()
        )
        if not targets or _mounted(run, targets):
            continue
        reported.add(entry.name)
        flags = " ".join(f"--mount=type=cache,target={target}" for target in targets)
        start, end = run.command_range(index)
        label = " ".join(_leading_words(found.argv))
        yield Violation(
            start,
            end,
            f"`{label}` downloads every dependency again each time this step re-runs",
            help=(
                f"a BuildKit cache mount keeps {entry.name}'s downloads between builds: "
                f"`RUN {flags} ...`, on every RUN of the stage that uses them"
            ),
        )


def _mounted(run: RunEffects, targets: tuple[str, ...]) -> bool:
    """Whether a cache or tmpfs mount of the RUN holds one of the tool's cache folders."""
    return any(
        mount.type in COVERING_MOUNTS
        and mount.target is not None
        and any(_overlap(target, mount.target) for target in targets)
        for mount in run.mounts
    )


def _overlap(target: str, mounted: str) -> bool:
    return is_within(target, mounted) or is_within(mounted, target)


def _leading_words(argv: list[str]) -> list[str]:
    """The program and its subcommand words (``go mod download``), at most three."""
    words = argv[:1]
    for word in argv[1:3]:
        if word.startswith("-") or "/" in word or "." in word:
            break
        words.append(word)
    return words


def _environment(
    stage_env: dict[str, str], run: RunEffects, index: int, command: SimpleCommand
) -> dict[str, str]:
    """The variables command ``index`` runs with: the stage's ARG/ENV, the RUN's own
    exports, and the command's ``NAME=value`` prefixes."""
    values = {**stage_env, **run.env_at(index)}
    for assignment in command.assignments:
        name, equals, value = assignment.value.partition("=")
        if equals:
            values[name] = value.strip("'\"")
    return values
