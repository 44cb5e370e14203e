"""Packages a RUN installs with a package manager, and which of them it removes again.

``apt-get install``, ``apk add`` (with ``--virtual`` groups), ``yum``/``dnf``/``microdnf
install``, and global ``npm``/``yarn`` installs; removals by ``apt-get purge``/``remove``
(an ``apt-mark auto`` then an autoremove removes everything), ``dpkg -P``, ``apk del``,
``yum remove``/``history undo``, ``npm uninstall -g``, ``yarn global remove``. Used by
rule LL312 to tell which build tools stay in the image.
"""

from __future__ import annotations

from lintlayers.model.package_commands import (
    APK_VALUE_OPTIONS,
    APT_VALUE_OPTIONS,
    NPM_INSTALLS,
    NPM_VALUE_OPTIONS,
    YARN_VALUE_OPTIONS,
    YUM,
    apk_action,
    apk_action_word,
    apt_action,
    apt_action_word,
    npm_action,
    yarn_action,
)
from lintlayers.model.paths import expand_known
from lintlayers.model.size_estimates import package_name
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lintlayers.model.run_effects import RunEffects
    from lintlayers.shell.commands import ShellWord, SimpleCommand

YUM_VALUE_OPTIONS = ("-c", "--config", "--setopt", "--installroot", "--releasever")
DPKG_REMOVALS = ("-P", "--purge", "-r", "--remove")
NPM_REMOVALS = frozenset({"uninstall", "un", "unlink", "remove", "rm", "r"})
ALL = "*"
"""Stands for every package a RUN installed (``apt-mark auto`` then an autoremove)."""


class Install:
    """One install command of a RUN: its packaging system, package words and virtual group.

    ``tokens`` are the package arguments with known variables expanded (a ``$name``
    whose value is unknown stays as written and is not checked).
    """

    __slots__ = ("command", "group", "index", "system", "tokens", "word")

    def __init__(
        self,
        index: int,
        command: SimpleCommand,
        system: str,
        tokens: list[str],
        word: ShellWord | None,
        group: str | None = None,
    ) -> None:
        self.index = index
        self.command = command
        self.system = system
        self.tokens = tokens
        self.word = word
        self.group = group


def package_installs(run: RunEffects) -> list[Install]:
    """The package installs of a RUN: apt, apk, yum/dnf/microdnf, global npm and yarn."""
    found: list[Install] = []
    for index, command in enumerate(run.commands):
        env = run.env_at(index)
        name = command.name
        if apt_action(command) == "install":
            words = command.positional_args(APT_VALUE_OPTIONS)[1:]
            found.append(
                Install(index, command, "apt", expand_words(words, env), apt_action_word(command))
            )
        elif apk_action(command) == "add":
            words = command.positional_args(APK_VALUE_OPTIONS)[1:]
            group = command.flag_value("--virtual", "-t")
            found.append(
                Install(
                    index, command, "apk", expand_words(words, env), apk_action_word(command), group
                )
            )
        elif name in YUM:
            positional = command.positional_args(YUM_VALUE_OPTIONS)
            if positional[:1] in (["install"], ["groupinstall"]):
                words = positional[1:]
            elif positional[:2] == ["group", "install"]:
                words = positional[2:]
            else:
                continue
            word = command.word_for(positional[0])
            found.append(Install(index, command, "rpm", expand_words(words, env), word))
        elif name == "npm" and npm_action(command) in NPM_INSTALLS:
            if command.has_flag("-g", "--global"):
                words = command.positional_args(NPM_VALUE_OPTIONS)[1:]
                word = command.word_for(npm_action(command) or "")
                found.append(Install(index, command, "node", expand_words(words, env), word))
        elif name == "yarn" and yarn_action(command) == "global add":
            words = command.positional_args(YARN_VALUE_OPTIONS)[2:]
            found.append(
                Install(
                    index, command, "node", expand_words(words, env), command.word_for("global")
                )
            )
    return found


def expand_words(words: list[str], env: dict[str, str]) -> list[str]:
    """Package words with known variables expanded (split where a value holds several)."""
    tokens: list[str] = []
    for word in words:
        expanded = expand_known(word, env)
        tokens.extend(expanded.split() if expanded != word else [word])
    return tokens


def package_key(system: str, token: str) -> str:
    """The package name a word installs or removes (without a version or a scope's tag)."""
    if system == "node":
        if token.startswith("@"):
            scope, _, rest = token[1:].partition("/")
            return "@" + scope + "/" + rest.partition("@")[0]
        return token.partition("@")[0]
    return package_name(token)


class Removed:
    """The package names a RUN removes after one of its commands: ask with ``in``.
    ``ALL`` is in it when everything installed before goes (and then nothing else is)."""

    __slots__ = ("_after", "_everything", "_last")

    def __init__(self, after: int, last: Mapping[str, int], everything: bool) -> None:
        self._after = after
        self._last = last
        self._everything = everything

    def __contains__(self, name: object) -> bool:
        if self._everything:
            return name == ALL
        return isinstance(name, str) and name != ALL and self._last.get(name, -1) > self._after


def removed_packages(run: RunEffects, install: Install) -> Removed:
    """Package and group names removed after ``install`` (``ALL`` for everything)."""
    last, everything_before = _removal_summary(run, install.system)
    group = install.group
    everything = install.index < everything_before or (
        group is not None and last.get(group, -1) > install.index
    )
    return Removed(install.index, last, everything)


_MARK_AUTO = "mark-auto"
_AUTOREMOVE = "autoremove"
_REMOVE = "remove"


def _removal_summary(run: RunEffects, system: str) -> tuple[dict[str, int], int]:
    """For the packages of ``system`` that ``run`` removes: the position of the last
    command that removes each name (as given and as a package), and the position before
    which everything installed goes again (an ``apt-mark auto`` then an autoremove, a
    ``yum history undo``; -1: none). Read once a RUN and system, not once for each
    install of the RUN (quadratic in a long RUN)."""
    return run.context.recent(_summary_of, (run, system))


def _summary_of(key: tuple[RunEffects, str]) -> tuple[dict[str, int], int]:
    run, system = key
    last: dict[str, int] = {}
    everything = -1
    marked = -1  # the latest ``apt-mark auto`` so far
    for index, event, tokens in _removal_events(run, system):
        if event == _MARK_AUTO:
            marked = index
        elif event == ALL:
            everything = max(everything, index)
        elif event == _AUTOREMOVE and marked >= 0:
            everything = max(everything, marked)  # what came before the mark goes
        for token in tokens:
            last[token] = last[package_key(system, token)] = index
    return last, everything


def _removal_events(run: RunEffects, system: str) -> list[tuple[int, str, list[str]]]:
    found: list[tuple[int, str, list[str]]] = []
    for index, command in enumerate(run.commands):
        name = command.name
        event = _REMOVE
        words: list[str] = []
        if system == "apt" and name in ("apt-mark",):
            if "auto" in command.positional_args():
                found.append((index, _MARK_AUTO, []))
            continue
        if system == "apt" and apt_action(command) in ("purge", "remove", "autoremove"):
            if apt_action(command) == "autoremove" or command.has_flag(
                "--auto-remove", "--autoremove"
            ):
                event = _AUTOREMOVE
            words = command.positional_args(APT_VALUE_OPTIONS)[1:]
        elif system == "apt" and name == "dpkg" and command.has_flag(*DPKG_REMOVALS):
            words = command.positional_args()
        elif system == "apk" and apk_action(command) == "del":
            words = command.positional_args(APK_VALUE_OPTIONS)[1:]
        elif system == "rpm" and name in YUM:
            positional = command.positional_args(YUM_VALUE_OPTIONS)
            if positional[:2] == ["history", "undo"]:
                found.append((index, ALL, []))
                continue
            if positional[:1] in (["remove"], ["erase"], ["autoremove"], ["groupremove"]):
                words = positional[1:]
            elif positional[:2] == ["group", "remove"]:
                words = positional[2:]
        elif system == "node" and name == "npm" and npm_action(command) in NPM_REMOVALS:
            words = command.positional_args(NPM_VALUE_OPTIONS)[1:]
        elif system == "node" and name == "yarn" and yarn_action(command) == "global remove":
            words = command.positional_args(YARN_VALUE_OPTIONS)[2:]
        if words or event == _AUTOREMOVE:
            found.append((index, event, expand_words(words, run.env_at(index))))
    return found
