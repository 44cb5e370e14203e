"""The packages a stage has installed so far with apt, for what a later install adds.

LL302 counts only the recommends a later ``apt-get install`` really adds: what an
earlier install of the stage requested (with or without its recommends) is there
already, unless a RUN removed it again.
"""

from __future__ import annotations

import re

from lintlayers.model.debian import present, requested_name
from lintlayers.model.package_commands import APT_VALUE_OPTIONS, apt_action
from lintlayers.model.package_installs import ALL, removed_packages
from lintlayers.model.size_estimates import package_name
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.model.package_installs import Install
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.shell.commands import SimpleCommand

REMOVES = frozenset({"remove", "purge", "autoremove", "autopurge"})
"""apt actions that remove packages."""
ALTERNATIVES = re.compile(r"\b(?:else|elif)\b|\|\||;;")
"""Between two commands of a RUN: they may be alternatives of each other."""


class Installed:
    """The packages a stage's installs requested so far, with and without recommends.

    An earlier install of the same RUN counts only when no ``else``, ``elif``, ``||`` or
    ``;;`` stands between the two (then they may be alternatives: one runs, not both).
    """

    __slots__ = ("plain", "this_run", "with_recommends")

    def __init__(self, before: Installed | None = None) -> None:
        self.plain: list[str] = list(before.plain) if before else []
        self.with_recommends: list[str] = list(before.with_recommends) if before else []
        self.this_run: list[tuple[int, list[str], bool]] = []  # (end offset, names, with)

    def add(self, install: Install, run: RunEffects, *, with_recommends: bool) -> None:
        """Record ``install``, without what a later command of its RUN removes again."""
        gone = removed_packages(run, install)
        if ALL in gone:
            return  # ``apt-mark auto`` and an autoremove: all of it goes again
        names = [name for name in map(requested_name, install.tokens) if name not in gone]
        end = run.command_range(install.index)[1]
        self.this_run.append((end, [name for name in names if name], with_recommends))

    def end_run(self, run: RunEffects) -> None:
        """Move the RUN's installs to the stage's, after the packages the RUN removes."""
        gone: set[str] = set()
        for command in run.commands:
            if apt_action(command) in REMOVES:
                gone.update(map(package_name, command.positional_args(APT_VALUE_OPTIONS)[1:]))
        self.plain = [name for name in self.plain if name not in gone]
        self.with_recommends = [name for name in self.with_recommends if name not in gone]
        for _, names, with_recommends in self.this_run:
            (self.with_recommends if with_recommends else self.plain).extend(names)
        self.this_run = []

    def present(
        self, base_image: frozenset[str], context: RuleContext, run: RunEffects, index: int
    ) -> frozenset[str]:
        """What is installed before command ``index`` of ``run``: the base image's packages
        and the earlier installs'."""
        plain = [*base_image, *self.plain]
        with_recommends = list(self.with_recommends)
        start = run.command_range(index)[0]
        text = context.source.text
        for end, names, with_ in self.this_run:
            if end <= start and not ALTERNATIVES.search(text, end, start):
                (with_recommends if with_ else plain).extend(names)
        return present(plain, with_recommends)


def removed_later(commands: list[SimpleCommand]) -> set[str]:
    """Packages a later ``apt-get purge/remove --autoremove`` of the same RUN removes,
    with the recommends they brought in."""
    removed: set[str] = set()
    autoremove = any(apt_action(command) in ("autoremove", "autopurge") for command in commands)
    for command in commands:
        if apt_action(command) not in REMOVES:
            continue
        if autoremove or command.has_flag("--autoremove", "--auto-remove"):
            removed.update(
                package_name(name) for name in command.positional_args(APT_VALUE_OPTIONS)[1:]
            )
    return removed
