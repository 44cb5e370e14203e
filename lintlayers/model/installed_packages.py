"""The packages a stage has installed so far with apt, for what a later install adds.

LL302 counts only the recommends a later ``apt-get install`` really adds: what an
earlier install of the stage requested (with or without its recommends) is there
already, unless a RUN removed it again.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from lintlayers.lazy_re import lazy_compile
from lintlayers.model.debian import (
    DEFAULT_RELEASE,
    install,
    needed_by_recommends,
    packages,
    present,
    requested_name,
)
from lintlayers.model.package_commands import APT_VALUE_OPTIONS, apt_action
from lintlayers.model.package_installs import ALL, Removed, removed_packages
from lintlayers.model.size_estimates import package_name
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Set as AbstractSet

    from lintlayers.context import RuleContext
    from lintlayers.model.package_installs import Install
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.steps import Step
    from lintlayers.shell.commands import SimpleCommand
    from lintlayers.syntax.nodes import Instruction

NO_RECOMMENDS = "--no-install-recommends"
_OFF = frozenset({"0", "false", "no", "off"})
APT_SIMULATE = ("-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act")
"""apt options that only simulate: such an install installs nothing."""
REMOVES = frozenset({"remove", "purge", "autoremove", "autopurge"})
"""apt actions that remove packages."""
ALTERNATIVES = lazy_compile(r"\b(?:else|elif)\b|\|\||;;")
"""Between two commands of a RUN: they may be alternatives of each other."""
_QUOTED = lazy_compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"")
_PARENS = lazy_compile(r"[()]")


class Separators:
    """Where a RUN's script may branch (an ``else``, ``elif``, ``||`` or ``;;``), by file
    offset, with how deep in subshells and command substitutions each stands.

    Two commands may be alternatives of each other when such a mark stands between them
    at the later one's depth or above: ``a || b`` and ``(a || b)``, not ``curl ... |
    (apt-key add - || echo failed)`` between two installs, which runs whole. Quoted
    strings hold none. Built once per RUN (a look at the text between every two commands
    would grow with the cube of a long RUN's commands)."""

    __slots__ = ("_depths", "_levels", "_marks", "_parens")

    def __init__(self, text: str, offset: int) -> None:
        blank = _QUOTED.sub(lambda match: " " * len(match.group()), text)
        self._parens: list[int] = []  # file offset of each parenthesis
        self._levels: list[int] = []  # the depth after it
        depth = 0
        for match in _PARENS.finditer(blank):
            depth = depth + 1 if match.group() == "(" else max(depth - 1, 0)
            self._parens.append(offset + match.start())
            self._levels.append(depth)
        self._marks = [offset + match.start() for match in ALTERNATIVES.finditer(blank)]
        self._depths = [self.depth(mark) for mark in self._marks]

    def depth(self, position: int) -> int:
        """How deep in parentheses the script is at file offset ``position``."""
        index = bisect_right(self._parens, position)
        return self._levels[index - 1] if index else 0

    def barrier(self, start: int) -> int:
        """The file offset of the last mark before ``start`` that makes the command there
        a possible alternative of those before it (-1: none)."""
        depth = self.depth(start)
        for index in range(bisect_left(self._marks, start) - 1, -1, -1):
            if self._depths[index] <= depth:
                return self._marks[index]
        return -1


def separators(context: RuleContext, run: RunEffects) -> Separators:
    """The ``Separators`` of ``run``'s script (its whole instruction, heredocs included),
    read once while the RUN is looked at."""
    instruction = run.step.instruction
    return context.recent(_separators_of, (instruction, context.source.text))


def _separators_of(key: tuple[Instruction, str]) -> Separators:
    instruction, text = key
    return Separators(text[instruction.start : instruction.end], instruction.start)


class Installed:
    """The packages a stage's installs requested so far, with and without recommends.

    An earlier install of the same RUN counts only when no ``else``, ``elif``, ``||`` or
    ``;;`` stands between the two at the later one's depth (``Separators``: then they may
    be alternatives, one runs, not both).
    What they install is kept as it grows (an install costs what it adds, not a look at
    every earlier one); a RUN that removes a requested package has it counted again.
    """

    __slots__ = ("_base", "_ends", "_frozen", "_known", "_suffix", "requested", "this_run")

    def __init__(self, before: Installed | None = None) -> None:
        # name -> installed with its recommends, in the order first requested
        self.requested: dict[str, bool] = dict(before.requested) if before else {}
        self.this_run: list[tuple[int, list[str], bool]] = []  # (end offset, names, with)
        self._ends: list[int] = []  # the end offsets of ``this_run``, in order
        # the base image's packages and the release ``_known`` is counted on
        self._base: tuple[frozenset[str], str] | None = before._base if before else None
        self._known: set[str] | None = None  # what ``present`` answers for the stage's
        if before is not None and before._known is not None:
            self._known = set(before._known)
        self._frozen: frozenset[str] | None = before._frozen if before else None
        # the RUN's installs after a barrier, added up: (index of the first, index after
        # the last added, the packages then present)
        self._suffix: tuple[int, int, set[str]] | None = None

    def add(self, install: Install, run: RunEffects, *, with_recommends: bool) -> None:
        """Record ``install``, without what a later command of its RUN removes again."""
        gone = removed_packages(run, install)
        if ALL in gone:
            return  # ``apt-mark auto`` and an autoremove: all of it goes again
        names = [name for name in map(requested_name, install.tokens) if name not in gone]
        end = run.command_range(install.index)[1]
        if self._ends and end < self._ends[-1]:
            end = self._ends[-1]  # kept in order for ``present``'s bisection
        self.this_run.append((end, [name for name in names if name], with_recommends))
        self._ends.append(end)

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
            known, base = self._known, self._base
            if (
                new
                and known is not None
                and base is not None
                and install(known, new, recommends=with_recommends, release=base[1])
            ):
                self._frozen = None
        self.this_run = []
        self._ends = []
        self._suffix = None

    def needed_only_as_recommends(
        self, install: Install, base_image: frozenset[str], release: str = DEFAULT_RELEASE
    ) -> list[str]:
        """What HTTPS needs (``ca-certificates``) and only the recommends of ``install``
        bring, on a base without it and before any install of the stage requested it:
        what ``--no-install-recommends`` must list. Counted for every package requested,
        also one the RUN removes again after using it (curl, then purged)."""
        every = [name for name in map(requested_name, install.tokens) if name]
        earlier = {name for _, names, _ in self.this_run for name in names}
        return sorted(
            needed_by_recommends(every, release)
            - base_image
            - self.requested.keys()
            - earlier
            - set(every)
        )

    def present(
        self,
        base_image: frozenset[str],
        context: RuleContext,
        run: RunEffects,
        index: int,
        release: str = DEFAULT_RELEASE,
    ) -> AbstractSet[str]:
        """What is installed before command ``index`` of ``run``: the base image's packages
        and the earlier installs', counted on ``release``'s package graph (a set the next
        call may change: read it, do not keep it; a copy for each install of a long RUN
        would grow with the square)."""
        if self._known is None or (base_image, release) != self._base:
            self._base = (base_image, release)
            self._known = set(present(base_image, release=release))
            for name, with_recommends in self.requested.items():
                install(self._known, (name,), recommends=with_recommends, release=release)
            self._frozen = self._suffix = None
        start = run.command_range(index)[0]
        barrier = separators(context, run).barrier(start) if self.this_run else -1
        ends = self._ends  # in order: commands end one after another
        first, stop = bisect_right(ends, barrier), bisect_right(ends, start)
        if stop <= first:
            if self._frozen is None:
                self._frozen = frozenset(self._known)
            return self._frozen
        # the installs after the barrier so far, added to what the ones before added
        cached = self._suffix
        if cached is None or cached[0] != first or cached[1] > stop:
            cached = (first, first, set(self._known))
        known = cached[2]
        for _, names, with_recommends in self.this_run[cached[1] : stop]:
            install(known, names, recommends=with_recommends, release=release)
        self._suffix = (first, stop, known)
        return known


def removed_later(context: RuleContext, run: RunEffects, index: int) -> Removed:
    """Packages a later ``apt-get purge/remove --autoremove`` of the same RUN (after
    command ``index``) removes, with the recommends they brought in: every removal
    counts when an autoremove follows, else those with ``--autoremove``."""
    last_autoremove, last_any, last_flagged = context.recent(_apt_removals, run)
    return Removed(index, last_any if last_autoremove > index else last_flagged, False)


def _apt_removals(run: RunEffects) -> tuple[int, dict[str, int], dict[str, int]]:
    """The position of a RUN's last autoremove (-1: none), and of the last removal of
    each package, by any removal and by one with ``--autoremove``: one look at the RUN,
    not one for each of its installs."""
    last_autoremove = -1
    last_any: dict[str, int] = {}
    last_flagged: dict[str, int] = {}
    for position, command in enumerate(run.commands):
        action = apt_action(command)
        if action in ("autoremove", "autopurge"):
            last_autoremove = position
        if action in REMOVES:
            flagged = command.has_flag("--autoremove", "--auto-remove")
            for name in command.positional_args(APT_VALUE_OPTIONS)[1:]:
                last_any[package_name(name)] = position
                if flagged:
                    last_flagged[package_name(name)] = position
    return last_autoremove, last_any, last_flagged


class NeededLater:
    """The packages a later apt install of a stage depends on, seen from its install at
    ``position`` (counted from 1): they come anyway, so the recommends among them save
    nothing. ``last``: each package and the last install that needs it
    (``later_apt_needs``)."""

    __slots__ = ("last", "position")

    def __init__(self, last: dict[str, int], position: int) -> None:
        self.last = last
        self.position = position

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.last.get(name, 0) > self.position


def apt_installs(run: RunEffects) -> list[Install]:
    """The apt installs of a RUN, in order, but simulations (``-s``), which install nothing."""
    from lintlayers.model.package_installs import package_installs

    return [
        found
        for found in package_installs(run)
        if found.system == "apt" and not found.command.has_flag(*APT_SIMULATE)
    ]


def later_apt_needs(
    context: RuleContext, steps: list[Step], release: str = DEFAULT_RELEASE
) -> dict[str, int]:
    """For a stage's apt installs in order (from 1): each package one of them depends on
    (without recommends), with the last install that does. One pass from the end, each
    package's dependencies followed once: linear in the stage's installs."""
    from lintlayers.model.run_effects import effects

    requested: list[list[str]] = []
    for step in steps:
        if step.keyword != "RUN":
            continue
        for found in apt_installs(effects(context, step)):
            names = (requested_name(token) for token in found.tokens)
            requested.append([name for name in names if name])
    graph = packages(release)
    last: dict[str, int] = {}
    covered: set[str] = set()
    for position in range(len(requested), 0, -1):
        found_names = [real for real in map(graph.find, requested[position - 1]) if real]
        for name in graph.closure(found_names, covered, recommends=False):
            last[name] = position
            covered.add(name)
    return last


def recommends_off(command: SimpleCommand) -> bool:
    """Whether an apt command installs without recommends (``--no-install-recommends``,
    ``-o APT::Install-Recommends=false``)."""
    if command.has_flag(NO_RECOMMENDS):
        return True
    for value in command.flag_values("-o", "--option"):
        key, _, setting = value.partition("=")
        if key.strip().lower() == "apt::install-recommends" and setting.strip().lower() in _OFF:
            return True
    return False


def dpkg_installs(command: SimpleCommand) -> bool:
    """``dpkg -i``: it leaves the dependencies of the .deb for ``apt-get -f install``."""
    return command.name == "dpkg" and command.has_flag("-i", "--install")
