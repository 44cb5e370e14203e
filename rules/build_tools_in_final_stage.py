"""LL312 build-tools-in-final-stage."""

from __future__ import annotations

from lintlayers.diagnostics import Violation
from lintlayers.model.comments import comments_of, explains
from lintlayers.model.image_purpose import DEVELOPMENT_WORDS, development_path, name_words
from lintlayers.model.mounts import cache_mount_flags
from lintlayers.model.package_installs import (
    ALL,
    Install,
    package_installs,
    package_key,
    removed_packages,
)
from lintlayers.model.paths import is_within
from lintlayers.model.run_effects import effects
from lintlayers.model.size_estimates import (
    SMALL_BUILD_TOOLS_MB,
    build_tool_kind,
    build_tools,
    build_tools_total,
)
from lintlayers.model.steps import copy_destination, copy_sources, sequences
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.stages import Stage

DEVELOPMENT_IMAGES = ("devcontainers", "vscode/devcontainers", "codespaces")
"""Base images of development environments, where build tools are the point."""
TOOLCHAIN_IMAGES = frozenset(
    {"golang", "rust", "gcc", "maven", "gradle", "buildpack-deps", "haskell", "swift",
     "clojure", "sbt"}
)  # fmt: skip
"""Official images that carry a compiler: a final stage built on one is a build environment."""
JDK_IMAGES = frozenset({"openjdk", "eclipse-temurin", "amazoncorretto", "ibmjava", "sapmachine"})
"""Java images whose ``jdk`` tags carry a compiler."""
SUPPORT_FOLDERS = ("/usr/local/bin", "/usr/local/sbin", "/usr/bin", "/usr/sbin", "/bin",
                   "/sbin", "/etc", "/docker-entrypoint.d")  # fmt: skip
"""Where images copy their own scripts and configuration."""
SUPPORT_FILES = frozenset(
    {"sh", "bash", "ps1", "cmd", "bat", "conf", "cfg", "ini", "yml", "yaml", "toml", "env",
     "pem", "crt", "key", "asc", "gpg", "pub", "patch", "diff", "repo", "list", "rules"}
)  # fmt: skip
"""Extensions of files an image copies to configure itself, not an application."""
_SHOWN = 5
_IN_MESSAGE = 3
"""Packages named in one message; the rest are counted."""


class BuildToolsInFinalStage(Rule):
    """Reports compilers, toolchains and `-dev` packages left installed in the final image.

    ## What it does
    Reports an install in the final stage (the last one, which `docker build`
    builds without `--target`; or a stage it is built `FROM`, or one of its
    ONBUILD triggers) of build tools that the same RUN does not remove again:
    compilers and toolchains (`build-essential`, `build-base`, `gcc`, `g++`,
    `make`, `cmake`, `clang`, `golang`/`go`, `rustc`, `cargo`, a JDK, `maven`,
    `gradle`, autotools), development packages (`*-dev`, `*-devel`,
    `musl-dev`, `linux-headers`) and Node.js build tools installed globally
    (`npm install -g typescript`, `node-gyp`, `webpack`...), with `apt-get`,
    `apk`, `yum`/`dnf` or `npm`/`yarn`. Variables whose value is known
    (`$buildDeps` set by ENV, ARG or earlier in the RUN) are expanded.

    A removal later in the same RUN counts: `apt-get purge`/`remove` of the
    packages, `apt-mark auto` followed by `apt-get purge --auto-remove` or
    `autoremove` (the official images' pattern), `apk del` of the packages or
    of their `--virtual` group, `yum`/`dnf remove`, `npm uninstall -g`.

    Not reported, where the tools are the point of the image: earlier stages
    (a builder stage is the right place); a final stage built on an image
    that already carries a compiler (`golang`, `rust`, `gcc`, `maven`,
    `gradle`, `buildpack-deps`, a .NET SDK, a JDK tag) or on a
    `devcontainers` image; an image that copies no application from the
    build context, only scripts and configuration (the official toolchain
    images); a Dockerfile named or kept for development (`Dockerfile.dev`,
    `builder.Dockerfile`, a final stage `AS dev`, a `ci/`, `test/` or
    `.devcontainer/` folder). The message names the packages and their
    estimated size (measured on Debian 12 for apt packages, typical
    otherwise; none for a `-dev` package that was not measured). When a
    comment directly above the RUN names one of the packages or gives a
    reason (a fix, a workaround, a run-time need), or a comment line inside the RUN
    does (`# To run the Makefile` above `make \\`), the finding is an `info`;
    so is one whose packages all were measured and weigh under 5 MB together
    (a few headers without a compiler: `libxcb1-dev`, `unixodbc-dev`). When a
    later RUN may compile with them (a compiler or build tool, a language
    package install: `pip install pyodbc`), the help names it and advises the
    builder stage alone: purging the tools in their own RUN would break it.

    ## Why it matters
    A compiler and its headers weigh hundreds of MB (`gcc` 180 MB with its
    dependencies, `build-essential` 274 MB, `golang` 465 MB, `rustc` 658 MB on
    Debian 12) that the running container never uses, and they widen its
    attack surface. Removing them in a later RUN does not shrink the image.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \\
        && rm -rf /var/lib/apt/lists/*
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim AS build
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
    COPY requirements.txt .
    RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt

    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
        && rm -rf /var/lib/apt/lists/*
    COPY --from=build /wheels /wheels
    RUN pip install --no-cache-dir /wheels/*
    ```
    or, with Alpine, install the tools as a virtual package and delete it in
    the same RUN: `apk add --virtual .build-deps gcc musl-dev && ... && apk
    del .build-deps`.

    ## Fix
    None: splitting a build into stages needs to know which files the image
    needs at run time.
    """

    code = "LL312"
    name = "build-tools-in-final-stage"
    category = "size"
    severity = "warning"
    summary = "Compilers and -dev packages installed in the final stage stay in the image"
    needs = ("RUN",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        stages = context.model.stages
        if not stages:
            return
        final = stages[-1]
        chain = _chain(final)
        if _development_image(context, final) or not _packages_application(context, chain):
            return
        where = "the final stage" if len(stages) > 1 else "the image"
        for steps in sequences(context):
            if not steps or steps[0].stage.index not in chain:
                continue
            if steps[0].onbuild and steps[0].stage is not final:
                continue  # triggers of a base stage run only in images built from it elsewhere
            place = "the images built from this one" if steps[0].onbuild else where
            from lintlayers.model.installs import may_compile  # once a final-stage RUN is seen

            builds_later: int | None = None  # the line of the next RUN that may compile
            found: list[Violation] = []
            for step in reversed(steps):
                if step.keyword != "RUN":
                    continue
                comment = comments_of(context, step.instruction)
                run = effects(context, step)
                checked = _check_run(run, place, context.builder, comment, builds_later)
                found.extend(reversed(checked))  # the steps backwards: reversed at the end
                if any(may_compile(command) for command in run.commands):
                    builds_later = step.instruction.start_line
            yield from reversed(found)


def _chain(final: Stage) -> set[int]:
    """The final stage and the stages it is built ``FROM``."""
    found: set[int] = set()
    stage: Stage | None = final
    while stage is not None and stage.index not in found:
        found.add(stage.index)
        stage = stage.base_stage
    return found


def _development_image(context: RuleContext, final: Stage) -> bool:
    """Whether the image is meant for developing, building or testing, by its names."""
    if development_path(context):
        return True
    if final.name and DEVELOPMENT_WORDS.intersection(name_words(final.name)):
        return True
    image = final.root_image.lower()
    return any(name in image for name in DEVELOPMENT_IMAGES) or _toolchain_image(image)


def _toolchain_image(image: str) -> bool:
    """Whether an image reference names an image that already carries a compiler."""
    name = image.split("@", 1)[0]
    last = name.rpartition("/")[2]
    repository, _, tag = last.partition(":")
    if "/dotnet/sdk" in name or repository in TOOLCHAIN_IMAGES:
        return True
    return repository in JDK_IMAGES and "jdk" in tag


def _packages_application(context: RuleContext, chain: set[int]) -> bool:
    """Whether the final image copies in an application from the build context.

    An image that only installs tools and copies its own scripts and configuration
    (the official toolchain images: golang, gcc, buildpack-deps...) provides those
    tools on purpose; one that copies sources or manifests runs an application.
    """
    for steps in sequences(context):
        if not steps or steps[0].stage.index not in chain:
            continue
        for step in steps:
            if step.keyword not in ("COPY", "ADD") or step.instruction.has_flag("from"):
                continue
            destination = copy_destination(step)
            if destination is not None and any(
                is_within(destination, folder) for folder in SUPPORT_FOLDERS
            ):
                continue
            for source in copy_sources(step):
                if "://" in source or source.startswith("<<"):
                    continue
                name = source.rstrip("/").rpartition("/")[2].lower()
                extension = name.rpartition(".")[2] if "." in name[1:] else ""
                if extension in SUPPORT_FILES or "entrypoint" in name:
                    continue
                if name.startswith("docker-"):
                    continue
                return True
    return False


def _check_run(
    run: RunEffects, place: str, builder: str, comment: str, builds_later: int | None
) -> list[Violation]:
    found = []
    for install in package_installs(run):
        names = _leftover_tools(run, install)
        if names:
            explained = explains(comment, names)
            found.append(_violation(run, install, names, place, builder, explained, builds_later))
    return found


def _leftover_tools(run: RunEffects, install: Install) -> list[str]:
    """The build tools ``install`` adds that nothing later in the RUN removes."""
    tools: list[str] = []
    for token in install.tokens:
        if token.startswith("-") or any(char in token for char in "${}%<>"):
            continue  # an unknown variable, an option or a template placeholder
        name = package_key(install.system, token)
        if build_tool_kind(install.system, name) is not None and name not in tools:
            tools.append(name)
    if not tools:
        return []
    removed = removed_packages(run, install)
    if ALL in removed:
        return []
    return [name for name in tools if name not in removed]


def _violation(
    run: RunEffects,
    install: Install,
    names: list[str],
    place: str,
    builder: str,
    explained: bool,
    builds_later: int | None,
) -> Violation:
    command = install.command
    last = install.word or command.words[0]
    start, end = run.span_range(install.index, command.words[0], last)
    label = " ".join(word.value for word in command.words[: command.words.index(last) + 1])
    if len(label) > 40:
        label = f"{command.name} {last.value}"
    shown = ", ".join(names[:_SHOWN])
    if len(names) > _SHOWN:
        shown += f" and {len(names) - _SHOWN} more"
    # the message names a few (fewer when the label is long); the help all it shows
    count = _IN_MESSAGE
    while True:
        named = ", ".join(names[:count])
        if len(names) > count:
            named += f" and {len(names) - count} more"
        if count == 1 or len(f"`{label}` leaves build tools in {place}: {named}") <= 100:
            break
        count -= 1
    listing = f"{shown}: " if len(names) > count else ""
    size = build_tools(install.system, names)
    total = build_tools_total(install.system, names)
    small = total is not None and total < SMALL_BUILD_TOOLS_MB  # a few MB: a note
    amount = f"{size.text()} or more ({size.source}), " if size is not None else ""
    if small and size is not None:
        amount = f"only {size.text()} ({size.source}), "
        if len(names) > 1:
            amount = f"only {total:.1f} MB at most (each with its dependencies on Debian 12), "
    listed = " ".join(names[:_SHOWN]) + (" ..." if len(names) > _SHOWN else "")
    if install.system == "apt":
        instead = f"purge them at the end of this RUN (`apt-get purge -y --auto-remove {listed}`)"
    elif install.system == "apk":
        instead = (
            "install them as a virtual package deleted at the end of this RUN "
            f"(`apk add --virtual .build-deps {listed} && ... && apk del .build-deps`)"
        )
    elif install.system == "rpm":
        instead = f"remove them at the end of this RUN (`{command.name} remove -y {listed}`)"
    else:
        instead = f"uninstall them at the end of this RUN (`npm uninstall -g {listed}`)"
    stage = "an earlier stage"
    if builder == "buildkit" and any(build_tool_kind(install.system, n) == "go" for n in names):
        stage += f" (`FROM golang`, with `{cache_mount_flags('go')}` on its `go build`)"
    message = f"`{label}` leaves build tools in {place}: {named}"
    help = (
        f"{listing}{amount}not removed by this RUN; build in {stage} and `COPY --from` only "
        f"what the image needs at run time, or {instead}"
    )
    if builds_later is not None:  # removing them here would break that build
        help = (
            f"{listing}{amount}not removed by this RUN, and the RUN at line {builds_later} "
            f"may compile with them; build in {stage} and `COPY --from` only what the image "
            "needs at run time"
        )
    if explained:  # the author says why: a hint to check, not a warning
        help += "; a comment on this RUN may explain why they are there"
        return Violation(start, end, message, severity="info", help=help)
    if small:
        return Violation(start, end, message, severity="info", help=help)
    return Violation(start, end, message, help=help)
