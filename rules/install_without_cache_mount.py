"""LL107 install-without-cache-mount."""

from __future__ import annotations

from lintlayers.diagnostics import Violation
from lintlayers.model.cache_mounts import (
    RUBY_IMAGE_GEMS,
    compiles_into_cache,
    holds_tool_cache,
    system_ruby,
    tool_cache_targets,
)
from lintlayers.model.ecosystems import ecosystem
from lintlayers.model.package_commands import package_writes
from lintlayers.model.package_managers import match_any, project_tool
from lintlayers.model.run_effects import effects
from lintlayers.model.run_time import starts_tool
from lintlayers.model.stage_references import root_images
from lintlayers.model.state import builds_on_windows
from lintlayers.model.steps import reaches_image, sequences
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.stages import Stage
    from lintlayers.model.steps import Step


class InstallWithoutCacheMount(Rule):
    """Reports a dependency install that BuildKit could serve from a cache mount.

    ## What it does
    Under BuildKit, reports a RUN that installs dependencies with a language
    package manager of the ecosystem table (pip, uv, Poetry, npm, Yarn, pnpm,
    Bun, Go modules, Cargo, Maven, Gradle, sbt, Leiningen, the Clojure CLI,
    NuGet, Bundler, Composer, Mix, Gleam, pub, SwiftPM, Cabal, Stack, Shards,
    opam, conda and the rest), also through a build that
    installs on the way (`go build`, `dotnet publish`), when no cache mount
    holds that tool's download cache. Stays quiet where a size rule already
    reports the cache left in the layer (LL304, LL305, LL316: their advice
    names the mount), for system package managers, in a stage built on a
    Windows image (BuildKit gives Windows containers no cache mounts), and in an
    ONBUILD trigger: it runs in the builds of the image's users, whom a mount
    would tie to BuildKit.

    A build that installs on the way is not reported after an install of its
    tool in the stage, or after a build of it without a mount: what those
    fetched (and compiled) is in the layer. Nor when it can download
    nothing: a Go build in a stage that holds no `go.sum` (the stage starts
    from an image, and before the build only COPY/ADD of named context files,
    none of them `go.sum`, put files in it) builds the standard library and
    its own packages only: a module needing a download would fail without its
    `go.sum` entries. So are builds with `GO111MODULE=off` or
    `GOFLAGS=-mod=vendor`, and builds on a `golang` tag before 1.16, whose
    GOPATH mode (`go get -d .` under `/go/src`) keeps no module cache to mount.
    Nor an install given a cache of its own outside the builder: vcpkg with
    `VCPKG_BINARY_SOURCES` set (by ENV, ARG or the RUN, even to a secret's
    content) restores what it built from there.

    Nor is an install that sees nothing of the build context: no COPY/ADD of
    local files or context bind mount before it in its stage, its base stages
    or the stages it copies from (an upstream release cloned at a pinned ref
    and built). It re-runs only when the Dockerfile or a base image changes,
    rarely enough that a mount saves little.

    Nor where the tool keeps what it fetched in its cache folders and the
    container starts the tool itself: a CMD or ENTRYPOINT of the stage, or of a
    stage built from it, runs `cargo run --offline`, `go run`, `mvn
    spring-boot:run`, `dotnet test` (not `dotnet app.dll`), which read the
    dependencies there. With a cache mount they would stay out of the image.

    With the build context (`--context`), the folders such a stage copies are
    read too, and so are the manifests of the install: nothing is reported when
    they declare nothing to download (a .NET project without
    `<PackageReference>`, a `go.mod` without `require`, a `package.json`
    without dependencies, a requirements file without requirements).

    ## Why it matters
    Whenever the install step re-runs (a manifest changed, an earlier step
    missed), every dependency is downloaded again. A cache mount
    (`RUN --mount=type=cache,target=...`) keeps the tool's downloads between
    builds on the same builder, outside the image. For a build whose tool
    keeps a build cache there too (`go build`, `go test`: Go's `GOCACHE`,
    where since Go 1.20 even the standard library is compiled), the mount
    also keeps what it compiled: a re-run recompiles only what changed, so
    the message says so, also for a program without dependencies. Not with
    `go build -a`, which rebuilds every package anyway.

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
    needs = ("RUN",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        at_end: dict[int, set[str]] = {}  # what each stage's layers hold when it ends
        for steps in sequences(context):
            if not steps:
                continue
            # ecosystems an install or build without a mount already fetched into the
            # layers, those of the stage this one is built on included (awesome-compose's
            # `FROM build AS publish`: `dotnet publish` after the build stage's restore)
            installed = _inherited(steps[0].stage, at_end) if not steps[0].onbuild else set()
            if not steps[0].onbuild:
                at_end[steps[0].stage.index] = installed
            for position, step in enumerate(steps):
                if step.keyword != "RUN" or step.onbuild:
                    continue  # a trigger runs in the builds of the image's users
                if builds_on_windows(context, step.stage):
                    continue  # no cache mounts for Windows containers
                shipped = step.onbuild or reaches_image(context, step.stage)
                run = effects(context, step)
                yield from _check_run(context, run, shipped, installed, steps, position)


def _inherited(stage: Stage, at_end: dict[int, set[str]]) -> set[str]:
    """What the layers of the stage ``stage`` is built on hold (``at_end``), through
    stages that install nothing themselves; empty on an external image."""
    seen: set[int] = set()
    base = stage.base_stage
    while base is not None and base.index not in seen:
        if base.index in at_end:
            return set(at_end[base.index])
        seen.add(base.index)
        base = base.base_stage
    return set()


def _check_run(
    context: RuleContext,
    run: RunEffects,
    shipped: bool,
    installed: set[str],
    steps: list[Step],
    position: int,
) -> Iterator[Violation]:
    reported: set[str] = set()
    files = None
    rare: bool | None = None  # whether the step sees nothing of the build context
    tools: set[str] = set()  # the tools that worked on a project before (go mod tidy)
    for index, command in enumerate(run.commands):
        words = [word.value for word in command.words]
        found = match_any(words)
        before = frozenset(tools) if found is not None else frozenset()
        tool = project_tool(words)
        if tool:
            tools.add(tool)
        if found is None or found.installer.ecosystem in reported:
            continue
        if found.implicit and found.installer.ecosystem in installed:
            continue  # a build after the install or a build: its downloads are in the layer
        from lintlayers.model.environment import command_environment, sets_variable
        from lintlayers.model.installs import builds_named_files, downloads_nothing
        from lintlayers.model.stage_files import stage_files

        if files is None:
            files = stage_files(context, steps, position)
        environment = command_environment(context, run, index)
        # GOFLAGS=-mod=vendor, no go.sum in the stage, manifests without dependencies
        nothing = downloads_nothing(run, index, found, environment, files)
        if not found.implicit:
            installed.add(found.installer.ecosystem)
        entry = ecosystem(found.installer.ecosystem)
        if nothing or entry is None or entry.system:
            continue
        if any(sets_variable(environment, run, index, n) for n in entry.remote_cache_env):
            continue  # a cache outside the builder serves it (VCPKG_BINARY_SOURCES)
        compiles = compiles_into_cache(entry, found)
        if not compiles and context.context_dir is None and builds_named_files(found, before):
            continue  # ``go build -a main.go`` keeps only downloads, which its sources tell
        kinds = package_writes(command)
        if shipped and any(run.cache_handled(kind, index) is None for kind in kinds):
            continue  # a size rule reports the cache kept, with the mount in its advice
        images = root_images(context, steps[position].stage)
        user = run.user_at(index)
        ruby = RUBY_IMAGE_GEMS in entry.cache_directories() and system_ruby(
            context, steps[position]
        )
        targets = tool_cache_targets(entry, user, environment, images, found.argv, ruby)
        if not targets or holds_tool_cache(run, targets):
            continue
        # a build without a mount leaves what it fetched (and compiled) in the layer, where
        # a later build of the stage finds it
        installed.add(found.installer.ecosystem)
        running = entry.runs_from_cache
        if running and starts_tool(context, steps[position].stage, entry.tools, running):
            continue  # the container starts the tool, which reads them from its cache
        if rare is None:
            from lintlayers.model.context_inputs import sees_build_context

            rare = not sees_build_context(context, steps[position])
        if rare:
            continue  # re-runs only when the Dockerfile or a base image changes
        reported.add(entry.name)
        flags = " ".join(f"--mount=type=cache,target={target}" for target in targets)
        start, end = run.command_range(index)
        label = " ".join(_leading_words(found.argv))
        message = f"`{label}` downloads every dependency again each time this step re-runs"
        if compiles:
            message = (
                f"`{label}` recompiles every package and refetches every dependency "
                "whenever this step re-runs"
            )
        kept = "downloads and compiled packages" if compiles else "downloads"
        yield Violation(
            start,
            end,
            message,
            help=(
                f"a BuildKit cache mount keeps {entry.name}'s {kept} between builds: "
                f"`RUN {flags} ...`, on every RUN of the stage that uses them"
                + _conflict(run, index, found.argv, entry.cleanup, kinds)
            ),
        )


def _conflict(
    run: RunEffects, index: int, argv: list[str], cleanup: tuple[str, ...], kinds: tuple[str, ...]
) -> str:
    """Advice on what of the RUN would defeat the mount: an option that turns the tool's
    cache off (an option of one of its ecosystem's cleanups, ``pip install
    --no-cache-dir``), or a later command of the RUN that removes the cache."""
    flags = []
    for item in cleanup:
        words = item.split()
        if len(words) > 2 and words[:2] == argv[:2]:
            flags += [word for word in words[2:] if word.startswith("--") and word in argv]
    if flags:
        shown = ", ".join(f"`{flag}`" for flag in flags)
        return f"; with the mount, drop {shown}: it would leave the mount unused"
    if any(run.cache_handled(kind, index) == "removed" for kind in kinds):
        return "; with the mount, drop the RUN's cache cleanup: it would empty the mount each build"
    return ""


def _leading_words(argv: list[str]) -> list[str]:
    """The program and its subcommand words (``go mod download``), at most three."""
    words = argv[:1]
    for word in argv[1:3]:
        if word.startswith("-") or "/" in word or "." in word:
            break
        words.append(word)
    return words
