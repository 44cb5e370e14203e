"""What a RUN leaves in its layer: the shared knowledge of the size rules.

Which paths an ``rm`` (or a cache-cleaning command) of the same RUN removes, what
a RUN or a COPY/ADD step creates, which ``--mount`` of a RUN covers a path, and the
working directory, environment and user each command of a RUN runs with. Mount
flags are ``lintlayers.model.mounts``; where package managers keep their data,
``lintlayers.model.package_commands``; the steps themselves, ``lintlayers.model.steps``.
"""

from __future__ import annotations

from lintlayers.model.command_writes import (
    DIR,
    command_writes,
    download_targets,
    extracted_archives,
    unseen_script,
)
from lintlayers.model.mounts import COVERING_MOUNTS, parse_mounts
from lintlayers.model.package_commands import CACHE_DIRS, DNF_CACHE
from lintlayers.model.paths import (
    TYPICAL_CHILD_NAME,
    covers,
    expand_known,
    has_glob,
    is_within,
    join,
)
from lintlayers.model.state import CommandWalk, assign, home_of, is_root_user
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext, RunScript
    from lintlayers.model.command_writes import CommandWrites
    from lintlayers.model.commands import CommandFacts
    from lintlayers.model.mounts import Mount
    from lintlayers.model.steps import Step
    from lintlayers.shell.commands import ShellWord, SimpleCommand
    from lintlayers.source import SourceText
    from lintlayers.syntax.nodes import Instruction

__all__ = ["download_targets", "extracted_archives"]  # the size rules' entry point to them

_NONE: list = []
"""The shared empty list of a RUN without mounts, removals or creations (never mutated)."""


class Removal:
    """A path pattern that command ``index`` of a RUN removes."""

    __slots__ = ("index", "pattern")

    def __init__(self, index: int, pattern: str) -> None:
        self.index = index
        self.pattern = pattern

    def __repr__(self) -> str:
        return f"Removal({self.index}, {self.pattern!r})"


class Creation:
    """A path that command ``index`` of a step writes.

    ``kind`` is a package-data kind (``apt-lists``, ``pip``...), ``download``,
    ``clone``, ``file``, ``dir`` (made and entered with ``cd``) or ``copy`` (a
    COPY/ADD; ``index`` is then -1); ``deep`` means removing something inside
    the path removes bytes the step wrote (a cloned repository).
    """

    __slots__ = ("deep", "index", "kind", "path")

    def __init__(self, index: int, path: str, kind: str, deep: bool = False) -> None:
        self.index = index
        self.path = path
        self.kind = kind
        self.deep = deep

    def __repr__(self) -> str:
        return f"Creation({self.index}, {self.path!r}, {self.kind})"


def copy_creations(step: Step, context_dir: str | None = None) -> list[Creation]:
    """What a COPY/ADD step writes: where each source lands (``model.copy_targets``, which
    the reorder engine reads too); a file matched by a glob stands as its destination."""
    from lintlayers.model.copy_targets import copy_targets

    found: list[Creation] = []
    for target in copy_targets(step, context_dir):
        path = target.path
        if has_glob(path.rpartition("/")[2]) and path != target.destination:
            path = target.destination
        found.append(Creation(-1, path, "copy"))
    return found


def effects(context: RuleContext, step: Step) -> RunEffects:
    """The ``RunEffects`` of a RUN step (computed once per file)."""
    memo = context.analysis(_effects_memo)
    instruction = step.instruction
    found = memo.get(instruction)
    if found is None:
        found = memo[instruction] = RunEffects(context, step)
    return found


def _effects_memo(context: RuleContext) -> dict[Instruction, RunEffects]:
    """``effects`` of each RUN, keyed by the instruction itself (compared by identity):
    an ``id`` key is an int object of its own for each RUN of the file."""
    return {}


class RunEffects(CommandWalk):
    """What one RUN does to the filesystem, as far as its commands tell.

    It is the ``CommandWalk`` of its commands itself: one object a RUN, not
    two.

    ``commands`` are the effective commands (wrappers such as ``sudo`` looked
    through) of its shell form and shell heredocs, ``cwds[i]`` the directory
    command ``i`` runs in (after ``cd``), ``removals`` what ``rm``, ``find
    -delete`` and cache-cleaning commands remove.
    """

    __slots__ = (
        "_creations",
        "_facts",
        "_writes",
        "commands",
        "context",
        "mounts",
        "removals",
        "step",
    )

    def __init__(self, context: RuleContext, step: Step) -> None:
        run = step.instruction
        self.context = context
        self.step = step
        home = self.env.get("HOME") or home_of(step.user)
        self.mounts = parse_mounts(run, self.env, step.workdir) or _NONE
        self.commands: tuple[SimpleCommand, ...] = ()
        if step.posix_shell:
            scripts = context.scripts(run)
            self.commands = tuple(
                [command.effective() for script in scripts for command in script.commands]
            )
            if len(scripts) == 1 and all(
                view is command
                for view, command in zip(self.commands, scripts[0].commands, strict=True)
            ):
                self.commands = scripts[0].commands  # the same tuple: one a RUN is enough
        # the shared empty list where nothing is found (never mutated): a large file keeps
        # one of these a RUN, most removing or creating nothing
        self._creations: list[Creation] | None = None
        self._facts: dict[int, CommandFacts] | None = None
        CommandWalk.__init__(self, self.commands, step.workdir, self.env, home)
        self._writes = tuple(
            [
                command_writes(command, self.command_env(index))
                for index, command in enumerate(self.commands)
            ]
        )  # a tuple: one block of the exact size, where a list is two
        removals: list[Removal] = []
        for index in range(len(self.commands)):
            self._removals(index, removals)
        self.removals = removals or _NONE

    @property
    def instruction(self) -> Instruction:
        return self.step.instruction

    @property
    def env(self) -> dict[str, str]:
        """The ARG/ENV values the RUN's step keeps (``Step.env``)."""
        return self.step.env

    @property
    def source(self) -> SourceText:
        return self.context.source

    @property
    def escape(self) -> str:
        return self.context.dockerfile.escape

    def moved_away(self) -> list[str]:
        """The paths the RUN's ``mv`` commands take away (absolute, variables known): no
        longer where an earlier step wrote them, though still in its layer."""
        found: list[str] = []
        for index, writes in enumerate(self._writes):
            for value in writes.moves:
                expanded = self.expand(value, self.envs[index])
                if expanded:
                    found.append(join(self.cwds[index], expanded))
        return found

    def _removals(self, index: int, removals: list[Removal]) -> None:
        """What command ``index`` surely removes (``model.command_writes``)."""
        found = self._writes[index]
        env = self.envs[index]
        cwd = self.cwds[index]
        for value in found.removes:
            expanded = self.expand(value, env)
            if expanded:  # an empty variable removes nothing
                removals.append(Removal(index, join(cwd, expanded)))
        for kind in found.cleans:
            for path in self.cache_dirs(kind, index):
                removals.append(Removal(index, path + "/*"))

    @property
    def scripts(self) -> list[RunScript]:
        """The script of each command (``scripts[i]`` holds ``commands[i]``), listed when
        asked: few readers, where a list a RUN would be kept for the whole lint."""
        if not self.step.posix_shell:
            return []
        return [
            script
            for script in self.context.scripts(self.instruction)
            for _ in range(len(script.commands))
        ]

    def script_of(self, index: int) -> RunScript:
        """``scripts[index]`` without listing them all."""
        for script in self.context.scripts(self.instruction):
            if index < len(script.commands):
                return script
            index -= len(script.commands)
        raise IndexError(index)

    def writes(self, index: int) -> CommandWrites:
        """What command ``index`` reads, writes, creates and removes: the one answer of
        ``model.command_writes``, which the reorder engine reads too."""
        return self._writes[index]

    def command_env(self, index: int) -> dict[str, str]:
        """The variables command ``index`` runs with: ``env_at`` plus its own assignments."""
        env = self.envs[index]
        command = self.commands[index]
        return assign(env, command.assignments) if command.assignments else env

    def facts(self, index: int) -> CommandFacts:
        """What command ``index`` does, from the one RUN model (``model.commands``): its
        cost class, what it reads, network use, the install it is, the package data it
        leaves."""
        if self._facts is None:
            self._facts = {}
        found = self._facts.get(index)
        if found is None:
            from lintlayers.model.commands import facts_of

            found = self._facts[index] = facts_of(self.commands[index])
        return found

    # -- queries ------------------------------------------------------------

    def env_at(self, index: int) -> dict[str, str]:
        """Variables in effect at command ``index`` (scope plus the RUN's own assignments).

        ``index`` may be ``len(commands)``: what a command appended to the RUN would see.
        """
        return self.envs[index] if index < len(self.envs) else self.end_env

    def resolve_at_end(self, value: str) -> str:
        """``resolve`` for a command appended at the end of the RUN."""
        return self.resolve(len(self.commands), value)

    def mount_covering(self, path: str) -> Mount | None:
        """The cache or tmpfs mount whose target holds ``path``, if any."""
        for mount in self.mounts:
            if mount.type in COVERING_MOUNTS and mount.target and is_within(path, mount.target):
                return mount
        return None

    def removal(
        self, path: str, after: int = -1, child: str | None = TYPICAL_CHILD_NAME
    ) -> Removal | None:
        """The first removal after command ``after`` that removes ``path`` or all it holds."""
        for removal in self.removals:
            if removal.index > after and covers(removal.pattern, path, child):
                return removal
        return None

    def unseen_script(self, index: int) -> str:
        """The script command ``index`` runs whose text lintlayers never reads (``""`` if
        none; ``-`` its standard input): ``model.command_writes.unseen_script``. It may
        install or download with any package manager, or remove anything."""
        return unseen_script(self.commands[index])

    def user_at(self, index: int) -> str | None:
        """The user command ``index`` runs as: the RUN's USER, or ``sudo -u``/``gosu``'s."""
        return _wrapper_user(self.commands[index]) or self.step.user

    def cache_dirs(self, kind: str, index: int) -> list[str]:
        """Where command ``index`` keeps package data of ``kind`` (env and options honoured).

        The first entry is where the data most likely is.
        """
        command = self.commands[index]
        env = self.command_env(index)
        wrapped = _wrapper_user(command)
        home = home_of(wrapped) if wrapped else env.get("HOME") or self.home
        root = is_root_user(wrapped or self.step.user)
        found: list[str] = []
        override: str | None = None
        if kind == "pip":
            override = command.flag_value("--cache-dir") or env.get("PIP_CACHE_DIR")
        elif kind == "yarn":
            override = command.flag_value("--cache-folder") or env.get("YARN_CACHE_FOLDER")
        elif kind == "npm":
            override = (
                command.flag_value("--cache")
                or env.get("npm_config_cache")
                or env.get("NPM_CONFIG_CACHE")
            )
        elif kind == "apk":
            override = command.flag_value("--cache-dir")
        if override:
            found.append(override)
        xdg = env.get("XDG_CACHE_HOME")
        if xdg and kind in ("pip", "yarn"):
            found.append(xdg + "/" + kind)
        defaults = CACHE_DIRS.get(kind, ())
        if kind == "yum" and self.yum_is_dnf:  # Fedora, RHEL 8+, Amazon Linux 2023
            defaults = (DNF_CACHE, *defaults)
        if kind == "yarn" and not root:
            defaults = defaults[::-1]  # yarn 1 uses /usr/local/share/.cache only for root
        found.extend(defaults)
        cwd = self.cwds[index]
        paths: list[str] = []
        for path in found:
            if path == "~" or path.startswith("~/"):
                path = home + path[1:]
            paths.append(join(cwd, expand_known(path, {**env, "HOME": home})))
        return paths

    @property
    def yum_is_dnf(self) -> bool:
        """Whether ``yum`` is DNF on the images the RUN's stage is built on
        (``size_estimates.yum_is_dnf``: its cache is ``/var/cache/dnf``)."""
        from lintlayers.model.size_estimates import yum_is_dnf
        from lintlayers.model.stage_references import root_images

        images = root_images(self.context, self.step.stage)
        return bool(images) and all(yum_is_dnf(image) for image in images)

    def cache_handled(self, kind: str, index: int) -> str | None:
        """How the package data of ``kind`` written by command ``index`` stays out of the layer.

        ``"mount"`` when a cache/tmpfs mount holds its directory, ``"removed"``
        when a later command of the RUN removes it, ``None`` when it stays.
        """
        paths = self.cache_dirs(kind, index)
        home_relative = any(path.startswith("~") for path in CACHE_DIRS.get(kind, ()))
        for path in paths:
            if self.mount_covering(path) is not None:
                return "mount"
        if home_relative and not is_root_user(self.user_at(index)):  # a guessed home: be lenient
            for mount in self.mounts:
                if mount.type not in COVERING_MOUNTS or not mount.target:
                    continue
                for path in CACHE_DIRS[kind]:
                    suffix = path[1:]  # ``/.cache/pip``
                    parent = suffix.rpartition("/")[0]  # ``/.cache``
                    if path.startswith("~") and (
                        mount.target.endswith(suffix) or (parent and mount.target.endswith(parent))
                    ):
                        return "mount"
        for path in paths:
            if self.removal(path, index) is not None:
                return "removed"
        return None

    def command_range(self, index: int) -> tuple[int, int]:
        """File offsets of command ``index``, from its name (after ``sudo`` and such) on."""
        command = self.commands[index]
        script = self.script_of(index)
        start = command.words[0].start if command.words else command.start
        return script.file_offset(start), script.file_end(command.end)

    def word_range(self, index: int, word: ShellWord) -> tuple[int, int]:
        """File offsets of ``word``, one of the words of command ``index``."""
        script = self.script_of(index)
        return script.file_offset(word.start), script.file_end(word.end)

    def span_range(self, index: int, first: ShellWord, last: ShellWord) -> tuple[int, int]:
        """File offsets from the start of ``first`` to the end of ``last``."""
        script = self.script_of(index)
        return script.file_offset(first.start), script.file_end(last.end)

    def in_shell_text(self, index: int) -> bool:
        """Whether command ``index`` is in the shell-form text itself (not a heredoc or ``-c``)."""
        scripts = self.context.scripts(self.instruction) if self.step.posix_shell else []
        first = next((script for script in scripts if script.commands), None)
        return (
            first is not None
            and index < len(first.commands)
            and not self.instruction.heredocs
            and self.commands[index].shell_depth == 0
        )

    # -- what the RUN writes ------------------------------------------------

    def creations(self) -> list[Creation]:
        """Paths the RUN writes: package data, downloads, clones, copies, directories it enters."""
        if self._creations is None:
            self._creations = self._find_creations() or _NONE
        return self._creations

    def _find_creations(self) -> list[Creation]:
        found: list[Creation] = []
        for index in range(len(self.commands)):
            written = self.writes(index)
            for kind in written.leaves:
                for path in self.cache_dirs(kind, index)[:1]:
                    found.append(Creation(index, path, kind))
            for created in written.creates:
                path = self.resolve(index, created.word)
                if created.into and self.is_directory(index, path):
                    path = join(path, created.into)  # ``cp a /tmp``: /tmp/a
                if created.kind != DIR:
                    found.append(Creation(index, path, created.kind, created.deep))
                elif any(is_within(cwd, path) for cwd in self.cwds[index + 1 :]):
                    found.append(Creation(index, path, DIR))  # made, then entered with cd
        return found

    def is_directory(self, index: int, path: str) -> bool:
        """Whether ``path`` surely is a directory when command ``index`` runs: a standard
        one, one an earlier step made (``model.directories``), a directory this RUN has
        been in, or one an earlier command of it made."""
        from lintlayers.model.directories import directories_before, is_known_directory

        if is_known_directory(path, directories_before(self.context, self.step)):
            return True
        if any(is_within(cwd, path) for cwd in self.cwds[: index + 1]):
            return True
        return any(
            created.kind == DIR and is_within(self.resolve(earlier, created.word), path)
            for earlier in range(index)
            for created in self.writes(earlier).creates
        )

    def leftovers(self) -> list[Creation]:
        """Creations that are still in the layer when the RUN ends."""
        kept: list[Creation] = []
        for creation in self.creations():
            if self.mount_covering(creation.path) is not None:
                continue
            if self.removal(creation.path, creation.index) is not None:
                continue
            kept.append(creation)
        return kept


def _wrapper_user(command: SimpleCommand) -> str | None:
    """The user of ``sudo -u USER``, ``gosu USER`` or ``su-exec USER`` before ``command``."""
    prefix = [word.value for word in command.prefix]
    if not prefix:
        return None
    name = prefix[0].rpartition("/")[2]
    if name in ("gosu", "su-exec") and len(prefix) > 1:
        return prefix[1]
    if name == "sudo":
        for position, value in enumerate(prefix[1:], 1):
            if value in ("-u", "--user") and position + 1 < len(prefix):
                return prefix[position + 1]
            if value.startswith("--user="):
                return value[7:]
            if value.startswith("-u") and len(value) > 2:
                return value[2:]
    return None
