"""LL302 apt-install-recommends."""

from __future__ import annotations

import re

from lintlayers.diagnostics import UNSAFE, Edit, Fix, Violation
from lintlayers.model.package_commands import APT_VALUE_OPTIONS, apt_action, apt_action_word
from lintlayers.model.paths import is_within
from lintlayers.model.run_effects import effects
from lintlayers.model.size_estimates import (
    APT_RECOMMENDS_MB,
    apt_recommends,
    package_name,
    root_image,
)
from lintlayers.model.steps import copy_destination, reaches_image, sequences
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.steps import Step
    from lintlayers.shell.commands import SimpleCommand

FLAG = "--no-install-recommends"
_CONFIGURED = re.compile(r"apt::install-recommends\W+(?:0|false|no|off)\b", re.IGNORECASE)
_OFF = frozenset({"0", "false", "no", "off"})
APT_CONF = "/etc/apt"
SMALL_MB = 2.0
"""Measured recommends below this (summed over the packages) are not reported: adding the
flag would save less than a missing recommended package risks."""
_SIMULATE = ("-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act")
_REMOVES = frozenset({"remove", "purge", "autoremove", "autopurge"})
_NODESOURCE = re.compile(r"nodesource", re.IGNORECASE)
"""NodeSource's ``nodejs`` package recommends nothing (Debian's recommends nodejs-doc)."""
_KEYSERVER = re.compile(r"--(?:recv-keys?|keyserver|fetch-keys|locate-keys?)\b")
_GNUPG = frozenset({"gnupg", "gnupg2", "gpg", "gpg-agent", "gnupg-agent", "dirmngr"})
"""Packages whose recommends (gnupg, dirmngr) ``gpg --recv-keys`` needs."""
_CURL = frozenset({"ca-certificates", "curl", "wget", "gnupg", "gnupg2", "dirmngr", "netbase"})
_SCM = _CURL | {"git", "openssh-client", "procps", "subversion", "mercurial"}
_FULL_IMAGES = frozenset(
    {"buildpack-deps", "python", "node", "golang", "ruby", "rust", "gcc", "perl"}
)
"""Official images whose default variant is built on ``buildpack-deps`` (``-scm``): they
hold curl, wget, ca-certificates, gnupg, git and openssh-client already."""
_DOTNET_SDK = frozenset({"ca-certificates", "curl", "git", "wget"})
_DEV_CONTAINER = _CURL | {
    "git", "openssh-client", "less", "procps", "lsb-release", "sudo", "unzip", "zip",
    "iproute2", "jq", "nano", "apt-transport-https", "apt-utils", "lsof", "htop",
}  # fmt: skip
"""What the dev container images (``mcr.microsoft.com/devcontainers/*``, built with
``common-debian.sh``) install already."""
_INTENT = re.compile(r"^\s*#.*(?<![-\w])recommend", re.IGNORECASE | re.MULTILINE)
"""A comment about recommends above the install: the author chose them."""


class AptInstallRecommends(Rule):
    """Reports `apt-get install` without `--no-install-recommends`.

    ## What it does
    Reports `apt-get install` and `apt install` commands that install the
    packages' recommended packages too: no `--no-install-recommends` and no
    `-o APT::Install-Recommends=false`. An earlier RUN of the stage (or of the
    stages it is built from) that writes `APT::Install-Recommends "0";` into
    the apt configuration, or a COPY/ADD into `/etc/apt`, counts as turning
    recommends off. Stages whose files cannot reach an image (used only as a
    `COPY --from` source of specific paths) are not checked.

    Not reported when every package of the install is measured on Debian 12
    and together they recommend less than 2 MB (`ca-certificates`, which
    HTTPS needs, counted as needed): `curl`, `wget`, `gnupg`, `locales`,
    `unzip`, most libraries. Nor when the recommends go or are needed
    anyway: a later `apt-get purge --autoremove` of the package in the same
    RUN, `gnupg`/`gpg` in a stage that runs `gpg --recv-keys` (which needs
    `dirmngr`), NodeSource's `nodejs` (it recommends nothing), an
    `apt-get install -s` (a simulation), a package the base image holds
    already (`git` on `python:3`, `curl` on a .NET SDK or a dev container
    image: installing it again adds nothing), or a comment about recommends
    above the install (the author chose them).

    ## Why it matters
    Debian and Ubuntu install "recommended" packages by default: often tens or
    hundreds of MB (documentation, X libraries, compilers) that a container
    never uses. Measured on Debian 12: 12 MB more for `git`, 82 MB for `gcc`
    (and for most `-dev` packages, whose `libc6-dev` recommends a compiler),
    379 MB for `python3-pip`; the message names the largest measured one.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y git
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends git
    ```

    ## Fix
    Unsafe: inserts ` --no-install-recommends` right after `install`. It
    changes which packages are installed: software that relied on a
    recommended package (for example `ca-certificates` for `curl` over HTTPS)
    may need it added to the list by hand.
    """

    code = "LL302"
    name = "apt-install-recommends"
    category = "size"
    severity = "warning"
    summary = "apt-get install without --no-install-recommends installs extra packages"
    hadolint = ("DL3015",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        configured: dict[int, bool] = {}  # stage index -> recommends turned off by its end
        for steps in sequences(context):
            if not steps:
                continue
            stage_text = "".join(_run_text(step) for step in steps if step.keyword == "RUN")
            needed = _GNUPG if _KEYSERVER.search(stage_text) else frozenset()
            needed |= preinstalled(root_image(steps[0].stage))
            nodesource = False  # whether the RUN text of the stage so far names NodeSource
            stage = steps[0].stage
            off = configured.get(stage.base_stage.index, False) if stage.base_stage else False
            if steps[0].onbuild:
                off = configured.get(stage.index, off)
            for step in steps:
                if step.keyword in ("COPY", "ADD") and _writes_apt_config(step):
                    off = True
                if step.keyword != "RUN":
                    continue
                text = _run_text(step)
                nodesource = nodesource or bool(_NODESOURCE.search(text))
                if off or not (step.onbuild or reaches_image(context, step.stage)):
                    off = off or bool(_CONFIGURED.search(text))
                    continue
                run = effects(context, step)
                for index, command in enumerate(run.commands):
                    if apt_action(command) != "install" or _recommends_off(command):
                        continue
                    if command.has_flag(*_SIMULATE):
                        continue  # a simulation installs nothing
                    word = apt_action_word(command)
                    if word is None:
                        continue
                    start, end = run.span_range(index, command.words[0], word)
                    if _INTENT.search(_text_before(context, step, start)):
                        continue
                    nothing = set(needed) | _removed_later(run.commands[index + 1 :])
                    if nodesource:
                        nothing.add("nodejs")
                    named = command.positional_args(APT_VALUE_OPTIONS)[1:]
                    packages = [name for name in named if package_name(name) not in nothing]
                    if named and not packages:
                        continue  # what it would save is there already, removed or needed
                    found = _waste(packages)
                    if found is None:
                        continue
                    waste, detail = found
                    fix = None
                    if word.raw == "install":
                        fix = Fix(
                            f"Add `{FLAG}` (unsafe: installs fewer packages)",
                            [Edit.insert(run.word_range(index, word)[1], " " + FLAG)],
                            UNSAFE,
                        )
                    yield Violation(
                        start,
                        end,
                        f"`{command.name} install` without `{FLAG}` {waste}",
                        fix,
                        help=f"{detail}; add `{FLAG}` and list what the image really needs",
                    )
                off = off or bool(_CONFIGURED.search(text))
            if not steps[0].onbuild:
                configured[stage.index] = off


def _waste(packages: list[str]) -> tuple[str, str] | None:
    """What the recommended packages of an install add (for the message) and the detail;
    ``None`` when every package is measured and together they add less than ``SMALL_MB``."""
    found = apt_recommends(packages)
    names = [package_name(name) for name in packages]
    known = bool(names) and all(name in APT_RECOMMENDS_MB for name in names)
    if known and sum(APT_RECOMMENDS_MB[name] for name in names) < SMALL_MB:
        return None
    if found is not None and found[0].low:
        size, name = found
        return (
            f"adds {size.text()} of recommended packages",
            f"{size.text()} for {name} alone, {size.source}",
        )
    return (
        "also installs recommended packages",
        "they often add tens of MB the image never uses",
    )


def preinstalled(image: str) -> frozenset[str]:
    """Packages of the base ``image`` already installed: installing them again installs
    nothing, their recommends included."""
    name = image.lower().split("@", 1)[0]
    repository, _, tag = name.rpartition(":") if ":" in name.rpartition("/")[2] else (name, "", "")
    repository = repository.removeprefix("docker.io/").removeprefix("library/")
    if repository.startswith(("mcr.microsoft.com/devcontainers/", "mcr.microsoft.com/vscode/")):
        return _DEV_CONTAINER
    if repository.startswith(("mcr.microsoft.com/dotnet/sdk", "mcr.microsoft.com/dotnet/core/sdk")):
        return _DOTNET_SDK
    if repository not in _FULL_IMAGES:
        return frozenset()
    if (
        name.endswith(":")
        or "$" in tag
        or any(w in tag for w in ("slim", "alpine", "windows", "nanoserver", "servercore"))
    ):
        return frozenset()
    if repository == "buildpack-deps" and tag.endswith("curl"):
        return _CURL
    return _SCM


def _run_text(step: Step) -> str:
    instruction = step.instruction
    return instruction.arguments + "".join(heredoc.content for heredoc in instruction.heredocs)


def _text_before(context: RuleContext, step: Step, offset: int) -> str:
    """The comment lines directly above the RUN and its text up to ``offset``."""
    from lintlayers.syntax.layout import comment_block

    instruction = step.instruction
    outer = instruction.parent if instruction.parent is not None else instruction
    nodes = context.dockerfile.nodes
    above = ""
    index = context.node_index(outer)  # not a scan of the nodes for each RUN (quadratic)
    if index is not None:
        above = "".join(
            getattr(nodes[i], "raw", "") for i in range(comment_block(nodes, index), index)
        )
    return above + context.source.text[outer.start : offset]


def _removed_later(commands: list[SimpleCommand]) -> set[str]:
    """Packages a later ``apt-get purge/remove --autoremove`` of the same RUN removes,
    with the recommends they brought in."""
    removed: set[str] = set()
    autoremove = any(apt_action(command) in ("autoremove", "autopurge") for command in commands)
    for command in commands:
        if apt_action(command) not in _REMOVES:
            continue
        if autoremove or command.has_flag("--autoremove", "--auto-remove"):
            removed.update(
                package_name(name) for name in command.positional_args(APT_VALUE_OPTIONS)[1:]
            )
    return removed


def _recommends_off(command: SimpleCommand) -> bool:
    if command.has_flag(FLAG):
        return True
    for value in command.flag_values("-o", "--option"):
        key, _, setting = value.partition("=")
        if key.strip().lower() == "apt::install-recommends" and setting.strip().lower() in _OFF:
            return True
    return False


def _writes_apt_config(step: Step) -> bool:
    destination = copy_destination(step)
    return destination is not None and is_within(destination, APT_CONF)
