"""Package data an install keeps in its own layer: one answer for the size rules.

``kept_caches(context, step, kinds)`` lists the package data the installs of a RUN
leave in its layer, where the fix belongs in that RUN: the apt lists of an ``apt-get
update`` whose RUN installs (rule LL301), the apk index (LL303), the pip cache (LL304),
the npm and yarn caches (LL305) and the yum, dnf, zypper, pacman and conda caches
(LL316). Each of those rules reports every entry of its kinds at its install, and only
those. Rule LL306 (cleanup-in-later-layer) leaves a later RUN's removal of an entry's
data to that finding when its rule runs (``kept_at_install``), so one leftover is
reported once, where it is made; it still reports package data no entry holds: a lone
``apt-get update``'s lists, an ``apk upgrade --update``, ``pip download``, a yarn 2+
cache. ``later_removal`` finds the later RUN that removes an entry's data, which the
install's finding then names.
"""

from __future__ import annotations

import bisect
import re

from lintlayers.lazy_re import lazy_compile
from lintlayers.model.mounts import COVERING_MOUNTS
from lintlayers.model.package_commands import (
    APT_INSTALLS,
    NPM_INSTALLS,
    apk_action,
    apk_action_word,
    apt_action,
    apt_updates,
    npm_action,
    package_writes,
    pip_action_word,
    pip_cache_off,
    yarn_action,
)
from lintlayers.model.paths import covers
from lintlayers.model.run_effects import effects
from lintlayers.model.steps import copy_destination, copy_sources, reaches_image, sequences
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.run_effects import Creation, Removal, RunEffects
    from lintlayers.model.steps import Step
    from lintlayers.shell.commands import SimpleCommand

LIST_FILE = "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"
"""A typical file of the apt lists directory, to check that a glob removes them all."""
NO_CACHE_DIR = "--no-cache-dir"
"""The ``pip install`` option that keeps pip from writing its cache."""
GENERIC_KINDS = ("yum", "dnf", "zypper", "pacman", "conda")
"""Kinds whose install keeps its cache unless the RUN cleans it or mounts it, with no
further condition (rule LL316); apt, apk, pip, npm and yarn have their own below. The
downloaded ``.deb`` files (``apt``) are none: Docker's official Debian and Ubuntu images
delete them after every install."""
REPORTED_BY = {
    "apt-lists": "LL301",
    "apk": "LL303",
    "pip": "LL304",
    "npm": "LL305",
    "yarn": "LL305",
    **dict.fromkeys(GENERIC_KINDS, "LL316"),
}
"""The rule that reports each kind's entries at their install: a leftover is left to it
only when it runs on the file (``RuleContext.is_enabled``)."""
YARN_INSTALLS = frozenset({"install", "add", "upgrade", "global add", "global upgrade"})
BERRY_FLAGS = ("--immutable", "--immutable-cache", "--check-cache", "--inline-builds", "--mode")
BERRY_FILES = (".yarnrc.yml", ".yarn", ".pnp.cjs")
"""What tells yarn 2+ ("berry"), whose Plug'n'Play cache is the installed packages."""
_PIP_CONFIG_TEXT = lazy_compile(r"no[-_]cache[-_]dir", re.IGNORECASE)
_PIP_CONFIG_FILES = ("/etc/pip.conf", "/pip/pip.conf", "/.pip/pip.conf", "/.config/pip/pip.conf")


class KeptCache:
    """Package data of ``kind`` that a RUN keeps in its layer, in ``path``.

    ``writer`` is the command that wrote it, ``index`` the install the finding is about
    (for apt lists the last install after the ``apt-get update`` that wrote them, for
    the apk index the ``apk add`` that needed it; else the writer itself).
    """

    __slots__ = ("index", "kind", "path", "writer")

    def __init__(self, index: int, kind: str, path: str, writer: int) -> None:
        self.index = index
        self.kind = kind
        self.path = path
        self.writer = writer

    def __repr__(self) -> str:
        return f"KeptCache({self.index}, {self.kind!r}, {self.path!r}, {self.writer})"


def kept_caches(context: RuleContext, step: Step, kinds: Collection[str]) -> list[KeptCache]:
    """The package data of ``kinds`` that the installs of RUN ``step`` keep in its layer.

    None for a stage whose files never reach an image (``steps.reaches_image``), unless
    ``step`` is an ONBUILD trigger. A cache or tmpfs mount on the data, or its removal
    later in the RUN (``RunEffects.cache_handled``), keeps it out; so does an install
    that runs only when an optional file was copied and the build context does not show
    it (``optional_files``: ``if [ -f /tmp/conda-tmp/environment.yml ]; then ...``).
    """
    if step.keyword != "RUN" or not (step.onbuild or reaches_image(context, step.stage)):
        return []
    run = effects(context, step)
    found: list[KeptCache] = []
    if "apt-lists" in kinds:
        found.extend(_apt_lists(run))
    if "apk" in kinds:
        found.extend(_apk_index(run))
    if "pip" in kinds and step not in _configured(context).pip_off:
        found.extend(_pip_caches(run))
    if "npm" in kinds or "yarn" in kinds:
        berry = step in _configured(context).berry
        found.extend(cache for cache in _node_caches(run, berry) if cache.kind in kinds)
    generic = [kind for kind in GENERIC_KINDS if kind in kinds]
    if generic:
        found.extend(_generic_caches(run, generic))
    if not found:
        return found
    from lintlayers.model.optional_files import runs_only_with_optional_file

    return [cache for cache in found if not runs_only_with_optional_file(run, cache.index)]


def every_kept_cache(
    context: RuleContext, kinds: Collection[str]
) -> Iterator[tuple[Step, KeptCache]]:
    """``kept_caches`` of every RUN of the file, in build order, with its step."""
    for steps in sequences(context):
        for step in steps:
            for cache in kept_caches(context, step, kinds):
                yield step, cache


def kept_at_install(context: RuleContext, step: Step, creation: Creation) -> bool:
    """Whether ``creation``, package data RUN ``step`` left, is one of its ``kept_caches``
    and the rule that reports those at the install (``REPORTED_BY``) runs there, its
    finding not suppressed by a comment: a finding there reports it."""
    kind = creation.kind
    code = REPORTED_BY.get(kind)
    outer = step.instruction.parent or step.instruction  # an ONBUILD trigger: its line's
    if code is None or not context.reports(code, outer.start_line):
        return False
    return any(cache.path == creation.path for cache in kept_caches(context, step, (kind,)))


def later_removal(
    context: RuleContext, step: Step, cache: KeptCache
) -> tuple[RunEffects, Removal] | None:
    """The first removal of ``cache``'s data by a later RUN of the sequence whose layers
    ship (``shipping.ships_layers``; an ONBUILD trigger's always may), outside a cache or
    tmpfs mount of that RUN: it hides the data, the earlier layer keeps it."""
    from lintlayers.model.shipping import ships_layers

    if not (step.onbuild or ships_layers(context, step.stage)):
        return None
    removals = context.analysis(_Removals)
    where = removals.where.get(step)
    if where is None:
        return None
    number, position = where
    found = removals.covering(context, number, cache.path)
    at = bisect.bisect_right(found[0], position)
    return found[1][at] if at < len(found[1]) else None


class _Removals:
    """Where each RUN step is in its sequence and, asked for a sequence and a path, the
    RUNs of it that remove the path (their positions, and the RUN and its first such
    removal): one pass over a sequence a path, so that asking for each install stays
    linear in the file's length (the paths are a handful of cache folders)."""

    __slots__ = ("_by_path", "where")

    def __init__(self, context: RuleContext) -> None:
        self.where: dict[Step, tuple[int, int]] = {}
        for number, steps in enumerate(sequences(context)):
            for position, step in enumerate(steps):
                if step.keyword == "RUN":
                    self.where[step] = (number, position)
        self._by_path: dict[
            tuple[int, str], tuple[list[int], list[tuple[RunEffects, Removal]]]
        ] = {}

    def covering(
        self, context: RuleContext, number: int, path: str
    ) -> tuple[list[int], list[tuple[RunEffects, Removal]]]:
        key = (number, path)
        found = self._by_path.get(key)
        if found is None:
            positions: list[int] = []
            removals: list[tuple[RunEffects, Removal]] = []
            for position, step in enumerate(sequences(context)[number]):
                if step.keyword != "RUN":
                    continue
                run = effects(context, step)
                for removal in run.removals:
                    if not covers(removal.pattern, path):
                        continue
                    if run.mount_covering(removal.pattern) is None:  # else it empties the mount
                        positions.append(position)
                        removals.append((run, removal))
                        break
            found = self._by_path[key] = (positions, removals)
        return found


def removed_later_clause(context: RuleContext, step: Step, cache: KeptCache, what: str) -> str:
    """``"; the removal at line N, in a later layer, does not take <what> out of this one"``
    when a later RUN removes ``cache``'s data (``later_removal``), else ``""``."""
    found = later_removal(context, step, cache)
    if found is None:
        return ""
    later, removal = found
    line = context.source.location(later.command_range(removal.index)[0]).line
    return f"; the removal at line {line}, in a later layer, does not take {what} out of this one"


# -- apt lists (LL301) ---------------------------------------------------------------


def _apt_lists(run: RunEffects) -> Iterator[KeptCache]:
    """The lists of the RUN's last ``apt-get update`` when the RUN installs and neither
    removes them after that update nor mounts a cache on them. A lone update's lists
    are none: no install of the RUN can keep them out."""
    updates = [index for index, command in enumerate(run.commands) if apt_updates(command)]
    if not updates:
        return
    installs = [
        index for index, command in enumerate(run.commands) if apt_action(command) in APT_INSTALLS
    ]
    if not installs:
        return
    path = run.cache_dirs("apt-lists", updates[-1])[0]
    if run.mount_covering(path) is not None:
        return
    if run.removal(path, after=updates[-1], child=LIST_FILE):
        return
    yield KeptCache(installs[-1], "apt-lists", path, updates[-1])


# -- apk index (LL303) ---------------------------------------------------------------


def _apk_index(run: RunEffects) -> Iterator[KeptCache]:
    """The index an ``apk update`` (or ``apk add --update``) of the RUN keeps, at most one
    entry a RUN: at the first ``apk add`` without ``--no-cache`` that installs with it,
    else at the update itself when every ``apk add`` used ``--no-cache`` or nothing
    installs after it. Not an update followed only by ``apk upgrade``/``fix``."""
    update = None  # the ``apk update`` whose index is still in the layer
    adds = 0
    for index, command in enumerate(run.commands):
        action = apk_action(command)
        if action == "update" and not command.has_flag("--no-cache"):
            if update is None and run.cache_handled("apk", index) is None:
                update = index
            continue
        if action != "add":
            continue
        adds += 1
        if command.has_flag("--no-cache") or run.cache_handled("apk", index):
            continue
        if update is None and not command.has_flag("-U", "--update", "--update-cache"):
            continue  # no index downloaded: this ``apk add`` stores nothing
        if apk_action_word(command) is None:
            continue
        writer = update if update is not None else index
        yield KeptCache(index, "apk", run.cache_dirs("apk", writer)[0], writer)
        return
    if update is not None and (adds or not _apk_installs_after(run, update)):
        yield KeptCache(update, "apk", run.cache_dirs("apk", update)[0], update)


def _apk_installs_after(run: RunEffects, update: int) -> bool:
    return any(
        apk_action(command) in ("add", "upgrade", "fix") for command in run.commands[update + 1 :]
    )


# -- pip (LL304) ---------------------------------------------------------------------


def _pip_caches(run: RunEffects) -> Iterator[KeptCache]:
    """Each ``pip install`` without ``--no-cache-dir`` or ``PIP_NO_CACHE_DIR`` whose cache
    the RUN neither removes nor mounts."""
    for index, command in enumerate(run.commands):
        word = pip_action_word(command)
        if word is None or word.value != "install" or command.has_flag(NO_CACHE_DIR):
            continue
        if _pip_cache_disabled(run, index) or run.cache_handled("pip", index):
            continue
        yield KeptCache(index, "pip", run.cache_dirs("pip", index)[0], index)


def _pip_cache_disabled(run: RunEffects, index: int) -> bool:
    """Whether ``PIP_NO_CACHE_DIR`` is set for command ``index``."""
    command = run.commands[index]
    values = dict(run.env_at(index))
    for word in command.assignments:
        name, _, assigned = word.value.partition("=")
        values[name] = assigned
    return pip_cache_off(values)


def _writes_pip_config(step: Step) -> bool:
    destination = copy_destination(step)
    if destination is None:
        return False
    return destination.endswith(_PIP_CONFIG_FILES) or destination in ("/etc/xdg/pip", "/etc")


# -- npm and yarn (LL305) ------------------------------------------------------------


def _node_caches(run: RunEffects, berry: bool) -> Iterator[KeptCache]:
    """The first install of each of npm and yarn 1 whose cache the RUN neither removes
    nor mounts (nor mounts a cache whose target names the tool, set up some other way)."""
    seen: set[str] = set()
    for index, command in enumerate(run.commands):
        manager = _node_manager(command)
        if manager is None or manager in seen:
            continue
        if manager == "yarn" and (berry or _is_berry(run)):
            continue
        if run.cache_handled(manager, index) or _named_mount(run, manager):
            continue
        seen.add(manager)
        yield KeptCache(index, manager, run.cache_dirs(manager, index)[0], index)


def _node_manager(command: SimpleCommand) -> str | None:
    """``yarn`` or ``npm`` for an install of theirs, else None."""
    if command.name == "yarn" and yarn_action(command) in YARN_INSTALLS:
        return "yarn"
    if command.name == "npm" and npm_action(command) in NPM_INSTALLS:
        return "npm"
    return None


def _is_berry(run: RunEffects) -> bool:
    for command in run.commands:
        if command.name == "corepack":
            return True
        if command.name == "yarn":
            if command.has_flag(*BERRY_FLAGS):
                return True
            if command.positional_args()[:2] == ["set", "version"]:
                return True
    return False


def _named_mount(run: RunEffects, manager: str) -> bool:
    """A cache mount whose target names the package manager (``/root/.npm``, ``/yarn-cache``)."""
    return any(
        mount.type in COVERING_MOUNTS and mount.target and manager in mount.target.lower()
        for mount in run.mounts
    )


def _copies_berry(step: Step) -> bool:
    return any(source.rstrip("/").endswith(BERRY_FILES) for source in copy_sources(step))


# -- yum, dnf, zypper, pacman, conda (LL316) -----------------------------------------


def _generic_caches(run: RunEffects, kinds: list[str]) -> Iterator[KeptCache]:
    """The first command of each kind whose cache the RUN neither cleans nor mounts."""
    seen: set[str] = set()
    for index, command in enumerate(run.commands):
        for kind in package_writes(command):
            if kind not in kinds or kind in seen or run.cache_handled(kind, index):
                continue
            seen.add(kind)
            yield KeptCache(index, kind, run.cache_dirs(kind, index)[0], index)


# -- what earlier steps configured ---------------------------------------------------


class _Configured:
    """The RUN steps that run with pip's cache turned off (``no-cache-dir`` written to a
    pip configuration by an earlier step of the stage or of its base) and those after a
    COPY/ADD of yarn 2+ files (``.yarnrc.yml``...) in their sequence."""

    __slots__ = ("berry", "pip_off")

    def __init__(self) -> None:
        self.pip_off: set[Step] = set()
        self.berry: set[Step] = set()


def _configured(context: RuleContext) -> _Configured:
    return context.analysis(_find_configured)


def _find_configured(context: RuleContext) -> _Configured:
    found = _Configured()
    configured: dict[int, bool] = {}
    for steps in sequences(context):
        if not steps:
            continue
        stage = steps[0].stage
        off = configured.get(stage.base_stage.index, False) if stage.base_stage else False
        berry = False
        for step in steps:
            if step.keyword in ("COPY", "ADD"):
                off = off or _writes_pip_config(step)
                berry = berry or _copies_berry(step)
            if step.keyword != "RUN":
                continue
            if off:
                found.pip_off.add(step)
            if berry:
                found.berry.add(step)
            text = step.instruction.arguments + "".join(
                heredoc.content for heredoc in step.instruction.heredocs
            )
            if ("pip.conf" in text or "config set" in text) and _PIP_CONFIG_TEXT.search(text):
                off = True
        if not steps[0].onbuild:
            configured[stage.index] = off
    return found
