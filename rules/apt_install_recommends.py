"""LL302 apt-install-recommends."""

from __future__ import annotations

import re

from lintlayers.diagnostics import UNSAFE, Fix, Violation
from lintlayers.lazy_re import lazy_compile
from lintlayers.model.debian import (
    Vendors,
    biggest_added,
    excludes_documentation,
    graph_release,
    image_packages,
    missing_in,
    recommends,
    requested_name,
)
from lintlayers.model.installed_packages import (
    NO_RECOMMENDS,
    Installed,
    NeededLater,
    apt_installs,
    dpkg_installs,
    later_apt_needs,
    recommends_off,
    removed_later,
)
from lintlayers.model.paths import is_within
from lintlayers.model.run_effects import effects
from lintlayers.model.size_estimates import MB, MEASURED, SizeEstimate
from lintlayers.model.steps import copy_destination, reaches_image, sequences
from lintlayers.rule import Rule
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.debian import Recommends
    from lintlayers.model.package_installs import Install
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.steps import Step

FLAG = NO_RECOMMENDS
_CONFIGURED = lazy_compile(r"apt::install-recommends\W+(?:0|false|no|off)\b", re.IGNORECASE)
APT_CONF = "/etc/apt"
SMALL_BYTES = 2 * MB
"""Measured recommends below this are not reported: adding the flag would save less than
a missing recommended package risks."""
_KEYSERVER = lazy_compile(r"--(?:recv-keys?|keyserver|fetch-keys|locate-keys?)\b")
_GNUPG = frozenset({"gnupg", "gnupg2", "gpg", "gpg-agent", "gnupg-agent", "dirmngr"})
"""Packages whose recommends (gnupg, dirmngr) ``gpg --recv-keys`` needs."""
_INTENT = lazy_compile(r"^\s*#.*(?<![-\w])recommend", re.IGNORECASE | re.MULTILINE)
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
    `COPY --from` source of specific paths, or only by targets named for tests or
    development such as `test`, `lint` or `dev`) are not checked.

    Reported only when the recommends are measured to add at least 2 MB, and
    the message names the size: it is computed, the way apt installs them, from
    Debian 12's archive (the packages' sizes and relations,
    `lintlayers/model/data/debian12_packages.tsv`), on a Debian 11 base from
    Debian 11's (`debian11_packages.tsv`; a tag naming `bullseye` or Debian 11,
    such as `debian:11` or `python:3.9-slim-bullseye`, or a default tag of .NET
    6.0's and 7.0's images, such as `mcr.microsoft.com/dotnet/sdk:6.0`), on a
    Debian 13 base from Debian 13's (`debian13_packages.tsv`; a tag naming
    `trixie` or Debian 13, such as `debian:13-slim` or
    `python:3.14-slim-trixie`; a tag naming no release, such as `python:3.14`
    or `debian:latest`, is measured on Debian 12, since its release depends on
    when the image was built), and the help says which release. It counts
    neither what the same install requests anyway (`dirmngr`'s recommend
    `gnupg` when `gnupg` is listed too), what an earlier install of the stage
    installed, nor what the base image holds where it is known (`git` or `gcc`
    on `python:3`, `curl` on a .NET SDK or a dev container image), nor man
    pages and `-doc` packages on a base that leaves documentation out (a `slim`
    tag, the images built on Debian's slim variant such as `nginx`, `postgres`,
    `php` and the .NET images, Ubuntu since 18.04), nor what a later install of
    the stage depends on (it comes anyway).
    `ca-certificates`, which HTTPS needs, counts as needed, and so do
    `systemd`'s recommend `dbus`, `gcc`'s `libc6-dev` (without the C library's
    headers it compiles nothing) and `xvfb`'s `xauth` (which `xvfb-run` needs).
    A versioned name the release lacks is measured as its family's member
    there (`php8.3-dev` as `php8.2-dev` on Debian 12, `libicu72` as `libicu76`
    on Debian 13). On a base whose tag names another older release (`buster`, `bionic`, `20.04`...)
    Debian 12's figures are used without the packages that release lacks
    (`libc-devtools`, which `libc-dev-bin` recommends, with its ~50 MB of image
    libraries). The recommends of a package Debian does not have (Microsoft's, MongoDB's, a
    PPA's), of one from a vendor's repository the stage adds (Microsoft's
    `azure-cli`, NodeSource's `nodejs`, Yarn's `yarn`), of a Debian package the
    table lacks (it holds what the installs of a corpus of 2,582 Dockerfiles
    name and pull in) and of a variable whose value is unknown are not known
    here: they are not counted, and an install of nothing else is not
    reported. Nor when the recommends go or are needed anyway: a later
    `apt-get purge --autoremove` of the package in the same RUN, `gnupg`/`gpg`
    in a stage that runs `gpg --recv-keys` (which needs `dirmngr`), an
    `apt-get install -s` (a simulation), an `apt-get -f install` with no
    `dpkg -i` before it (nothing to resolve), or a comment about recommends
    above the install (the author chose them).

    ## Why it matters
    Debian and Ubuntu install "recommended" packages by default: often tens or
    hundreds of MB (documentation, X libraries, compilers) that a container
    never uses. Measured on Debian 12: 12 MB more for `git`, 58 MB for `gcc`
    listed with the `libc6-dev` it needs and for most `-dev` packages (through
    `libc6-dev`: its `libc-dev-bin` recommends `libc-devtools` and its image
    libraries; 20 MB on Debian 11, 5.8 MB of man pages on Debian 13), 378 MB
    for `python3-pip`.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y git
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends git
    ```

    ## Fix
    Unsafe: inserts ` --no-install-recommends` right after `install`, followed
    by the needed packages that only a recommend brings (`ca-certificates` for
    `curl` on a base without it, `libc6-dev` for `gcc`, `xauth` for `xvfb`). It
    changes which packages are installed: software that relied on another
    recommended package may need it added to the list by hand.
    """

    code = "LL302"
    name = "apt-install-recommends"
    category = "size"
    severity = "warning"
    summary = "apt-get install without --no-install-recommends installs extra packages"
    hadolint = ("DL3015",)
    needs = ("RUN",)

    def check(self, context: RuleContext) -> Iterator[Violation]:
        configured: dict[int, bool] = {}  # stage index -> recommends turned off by its end
        installed: dict[int, Installed] = {}  # stage index -> what its installs requested
        vendors: dict[int, Vendors] = {}  # stage index -> repositories its RUNs added
        for steps in sequences(context):
            if not steps:
                continue
            stage_text = "".join(_run_text(step) for step in steps if step.keyword == "RUN")
            keys = "key" in stage_text and _KEYSERVER.search(stage_text)  # compiled if "key"
            needed = _GNUPG if keys else frozenset()
            root = steps[0].stage.root_image
            # the base image's packages, the Debian 12 ones its release lacks, the
            # release whose package graph measures its installs, and whether it is slim
            base = (
                image_packages(root),
                missing_in(root),
                graph_release(root),
                excludes_documentation(root),
            )
            stage = steps[0].stage
            off = configured.get(stage.base_stage.index, False) if stage.base_stage else False
            before = installed.get(stage.base_stage.index) if stage.base_stage else None
            if steps[0].onbuild:
                off = configured.get(stage.index, off)
                before = installed.get(stage.index, before)
            state = Installed(before)
            # the vendors' repositories that the RUNs so far of the stage and the stages it
            # is built from add
            inherited = vendors.get(stage.base_stage.index) if stage.base_stage else None
            if steps[0].onbuild:
                inherited = vendors.get(stage.index, inherited)
            added = Vendors(inherited)
            later = later_apt_needs(context, steps, base[2])  # what later installs need
            position = 0
            for step in steps:
                if step.keyword in ("COPY", "ADD") and _writes_apt_config(step):
                    off = True
                if step.keyword != "RUN":
                    continue
                text = _run_text(step)
                added.read(text)
                checked = not off and (step.onbuild or reaches_image(context, step.stage))
                run = effects(context, step)
                for install in apt_installs(run):
                    position += 1
                    command = install.command
                    with_recommends = not off and not recommends_off(command)
                    if checked and with_recommends:
                        found = self._finding(
                            context,
                            step,
                            run,
                            install,
                            needed,
                            base,
                            state,
                            added,
                            NeededLater(later, position),
                        )
                        if found is not None:
                            yield found
                    state.add(install, run, with_recommends=with_recommends)
                state.end_run(run)
                off = off or ("::" in text and bool(_CONFIGURED.search(text)))
            if not steps[0].onbuild:
                configured[stage.index] = off
                installed[stage.index] = state
                vendors[stage.index] = added

    def _finding(
        self,
        context: RuleContext,
        step: Step,
        run: RunEffects,
        install: Install,
        needed: frozenset[str],
        base: tuple[frozenset[str], frozenset[str], str, bool],
        state: Installed,
        repositories: Vendors,
        later: NeededLater | None = None,
    ) -> Violation | None:
        """The finding of one ``apt-get install`` with recommends, if they add enough, on a
        ``base`` image: its packages, the missing ones, the release measured on and whether
        it leaves documentation out (slim); ``later``: what the stage's later installs
        depend on, which comes anyway."""
        base_image, missing, release, slim = base
        index, command, word = install.index, install.command, install.word
        if word is None:
            return None
        start, end = run.span_range(index, command.words[0], word)
        if _intent_before(context, step, start):
            return None
        removed = removed_later(context, run, index)
        names: list[str] = []
        unknown: list[str] = []
        for token in install.tokens:
            name = requested_name(token)
            if name is None:
                unknown.append(token)  # a variable, a glob: nothing known
            elif name in needed or name in removed:
                continue  # their recommends are needed, or go again in the same RUN
            elif repositories.supplies(name):
                unknown.append(name)  # another repository's package: its recommends unknown
            else:
                names.append(name)
        if not install.tokens:
            if not any(dpkg_installs(earlier) for earlier in run.commands[:index]):
                return None  # `apt-get -f install` with nothing left broken installs nothing
            waste = "also installs recommended packages"
            detail = "it resolves dependencies with their recommends, often tens of MB"
        else:
            present = state.present(base_image, context, run, index, release)
            # what the stage's later installs depend on comes anyway: not saved
            found = recommends(
                names, present, missing, release, documentation_weightless=slim, anyway=later
            )
            unknown += found.unknown
            if found.size < SMALL_BYTES:
                return None  # measured: little or nothing to save (or nothing known)
            size = SizeEstimate(found.size, basis=MEASURED, source=found.source)
            waste = f"adds {size.text()} of recommended packages"
            detail = _detail(size, found, unknown)
        keep = state.needed_only_as_recommends(install, base_image, release)
        listed = " ".join(keep)
        fix = None
        if word.raw == "install":
            from lintlayers.model.run_edits import add_flag

            title = f"Add `{FLAG}`" + (f" and `{listed}`" if keep else "")
            fix = Fix(
                f"{title} (unsafe: installs fewer packages)",
                [add_flag(run, index, word, f"{FLAG} {listed}" if keep else FLAG)],
                UNSAFE,
            )
        also = ""
        if keep:
            why = "HTTPS needs it" if keep == ["ca-certificates"] else "needed"
            it = "it" if len(keep) == 1 else "them"
            also = f" with `{listed}` ({why}; only a recommend brings {it} here)"
        return Violation(
            start,
            end,
            f"`{command.name} install` without `{FLAG}` {waste}",
            fix,
            help=f"{detail}; add `{FLAG}`{also} and list what the image really needs",
        )


def _detail(size: SizeEstimate, found: Recommends, unknown: list[str]) -> str:
    """The help: the size and its source, the biggest added packages, what is not counted."""
    count = len(found.added)
    biggest = ", ".join(biggest_added(found, 3))
    if count == 1:
        detail = f"{size.text()} {size.source}: {biggest}"
    else:
        detail = f"{size.text()} {size.source}: {count} packages, the largest {biggest}"
    if found.standing_in:
        pairs = ", ".join(f"{name} as {real}" for name, real in found.standing_in[:2])
        detail += f" (measured {pairs})"
    if found.largest is not None:
        name, alone = found.largest
        detail += f"; {SizeEstimate(alone, basis=MEASURED).text()} for {name} alone"
    if unknown:
        shown = ", ".join(unknown[:3]) + (", ..." if len(unknown) > 3 else "")
        detail += f"; not counted: {shown} (recommends not known)"
    return detail


def _run_text(step: Step) -> str:
    instruction = step.instruction
    return instruction.arguments + "".join(heredoc.content for heredoc in instruction.heredocs)


def _intent_before(context: RuleContext, step: Step, offset: int) -> bool:
    """Whether a comment about recommends stands in the comment lines directly above the
    RUN or in its text before file offset ``offset``."""
    found = context.recent(_first_intent, (context, step))
    return found[0] is not None and found[0] <= offset - found[1]


def _first_intent(key: tuple[RuleContext, Step]) -> tuple[int | None, int]:
    """Where the first comment about recommends ends in the text above the RUN and the
    RUN's own (None: there is none), and the file offset that text position 0 stands
    for: found once a RUN, not again for each install of it (quadratic in a long RUN)."""
    from lintlayers.syntax.layout import comment_block

    context, step = key
    instruction = step.instruction
    outer = instruction.parent if instruction.parent is not None else instruction
    nodes = context.dockerfile.nodes
    above = ""
    index = context.node_index(outer)  # not a scan of the nodes for each RUN (quadratic)
    if index is not None:
        above = "".join(
            getattr(nodes[i], "raw", "") for i in range(comment_block(nodes, index), index)
        )
    match = _INTENT.search(above + context.source.text[outer.start : outer.end])
    return (None if match is None else match.end()), outer.start - len(above)


def _writes_apt_config(step: Step) -> bool:
    destination = copy_destination(step)
    return destination is not None and is_within(destination, APT_CONF)
