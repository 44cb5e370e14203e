"""The packages a stage has installed so far with apt, for what a later install adds.

LL302 counts only the recommends a later ``apt-get install`` really adds: what an
earlier install of the stage requested (with or without its recommends) is there
already, unless a RUN removed it again.
"""

from __future__ import annotations

from lintlayers.lazy_re import lazy_compile
from lintlayers.model.debian import install, present, requested_name
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
ALTERNATIVES = lazy_compile(r"\b(?:else|elif)\b|\|\||;;")
"""Between two commands of a RUN: they may be alternatives of each other."""
_QUOTED = lazy_compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"")
_GROUP = lazy_compile(r"\([^()]*\)")
"""An innermost parenthesised group: a subshell or ``$(...)`` between two commands runs
whole, whatever alternatives it holds inside."""


def may_be_alternatives(text: str, start: int, end: int) -> bool:
    """Whether the script ``text[start:end]`` between two commands may make them
    alternatives of each other (an ``else``, ``elif``, ``||`` or ``;;``), not counting
    what quoted strings and complete subshells or command substitutions hold:
    ``curl ... | (apt-key add - || echo failed)`` between two installs runs them both."""
    between = _QUOTED.sub("", text[start:end])
    while True:
        reduced = _GROUP.sub("", between)
        if reduced == between:
            break
        between = reduced
    return ALTERNATIVES.search(between) is not None


class Installed:
    """The packages a stage's installs requested so far, with and without recommends.

    An earlier install of the same RUN counts only when no ``else``, ``elif``, ``||`` or
    ``;;`` stands between the two (then they may be alternatives: one runs, not both).
    What they install is kept as it grows (an install costs what it adds, not a look at
    every earlier one); a RUN that removes a requested package has it counted again.
    """

    __slots__ = ("_base", "_frozen", "_known", "requested", "this_run")

    def __init__(self, before: Installed | None = None) -> None:
        # name -> installed with its recommends, in the order first requested
        self.requested: dict[str, bool] = dict(before.requested) if before else {}
        self.this_run: list[tuple[int, list[str], bool]] = []  # (end offset, names, with)
        self._base: frozenset[str] | None = before._base if before else None
        self._known: set[str] | None = None  # what ``present`` answers for the stage's
        if before is not None and before._known is not None:
            self._known = set(before._known)
        self._frozen: frozenset[str] | None = before._frozen if before else None

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
        requested = self.requested
        if any([requested.pop(name, None) is not None for name in gone]):
            self._known = self._frozen = None  # counted again on the next question
        for _, names, with_recommends in self.this_run:
            new = [
                name
                for name in names
                if name not in requested or (with_recommends and not requested[name])
            ]
            for name in new:
                requested[name] = requested.get(name, False) or with_recommends
            known = self._known
            if new and known is not None and install(known, new, recommends=with_recommends):
                self._frozen = None
        self.this_run = []

    def present(
        self, base_image: frozenset[str], context: RuleContext, run: RunEffects, index: int
    ) -> frozenset[str]:
        """What is installed before command ``index`` of ``run``: the base image's packages
        and the earlier installs'."""
        if self._known is None or base_image != self._base:
            self._base = base_image
            self._known = set(present(base_image))
            for name, with_recommends in self.requested.items():
                install(self._known, (name,), recommends=with_recommends)
            self._frozen = None
        start = run.command_range(index)[0]
        text = context.source.text
        earlier = [
            (names, with_)
            for end, names, with_ in self.this_run
            if end <= start and not may_be_alternatives(text, end, start)
        ]
        if not earlier:
            if self._frozen is None:
                self._frozen = frozenset(self._known)
            return self._frozen
        known = set(self._known)
        for names, with_recommends in earlier:
            install(known, names, recommends=with_recommends)
        return frozenset(known)


def removed_later(commands: tuple[SimpleCommand, ...]) -> set[str]:
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
