"""What one RUN reads and writes in the image, command by command (``RunModel``).

What each command reads, writes, creates and removes is ``model.command_writes`` (the
one computation the size rules read too, from the command table ``model.commands``
and the ecosystem table); this module adds what the reorder engine assumes of the
image's layout (``reorder.pathsets``): the system and language directories a package
manager writes, the program found through ``PATH``, the settings a tool reads in its
directory and above, and whether a dependency install is proven to read only its
manifests. A command lintlayers does not know reads and writes everything.
"""

from __future__ import annotations

from lintlayers.model.commands import BUILTIN, SYSTEM
from lintlayers.model.paths import join
from lintlayers.reorder.pathsets import (
    APP_DIRS,
    DEFAULT_PATH,
    HOME_DOTS,
    RUNTIME_READS,
    SYSTEM_DIRS,
    VAGUE_VARIABLE,
    PathSet,
    ancestors,
    path_parts,
    show,
)
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.model.command_writes import CommandWrites
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.stages import Scope
    from lintlayers.reorder.effects import Analyser, Effect
    from lintlayers.shell.commands import SimpleCommand


class RunModel:
    """The reads and writes of one RUN, command by command."""

    __slots__ = (
        "analyser",
        "effect",
        "home_dots",
        "nonroot",
        "path_dirs",
        "run",
        "scope_values",
        "tool_dirs",
    )

    def __init__(self, analyser: Analyser, effect: Effect, run: RunEffects, scope: Scope) -> None:
        self.analyser = analyser
        self.effect = effect
        self.run = run
        self.scope_values = scope.values()
        self.nonroot = not analyser.runs_as_root(run.step)
        self.path_dirs = self._path_dirs()
        self.tool_dirs = self._tool_dirs()
        self.home_dots = list(HOME_DOTS)
        home = self.scope_values.get("HOME")
        if home and home.startswith("/") and "$" not in home:
            self.home_dots.append(home.rstrip("/") + "/.*")

    def _path_dirs(self) -> list[str]:
        found = list(DEFAULT_PATH)
        value = self.scope_values.get("PATH")
        if value:
            for part in value.split(":"):
                if part.startswith("/") and part not in found:
                    found.append(part)
        return found

    def _tool_dirs(self) -> list[str]:
        from lintlayers.model.ecosystems import tool_dir_variable

        found: list[str] = []
        for name, value in self.scope_values.items():
            if len(value) > 512 or not tool_dir_variable(name):
                continue
            for part in value.split(":"):
                if part.startswith("/") and part not in found:
                    found.append(part)
        for part in self.path_dirs:
            if part not in DEFAULT_PATH:  # a venv's bin: the venv is written too
                parent = part.rstrip("/").rpartition("/")[0] or "/"
                for path in (part, parent):
                    if path not in found and path != "/":
                        found.append(path)
        return found

    # -- entry --------------------------------------------------------------------------

    def analyse(self) -> None:
        effect = self.effect
        run = self.run
        instruction = run.instruction
        if not run.step.posix_shell:
            self.analyser.unknown(effect, "a non-POSIX shell")
            return
        if instruction.is_json:
            self.analyser.unknown(effect, " ".join(instruction.json_args or [])[:40] or "RUN")
            return
        scripts = self.analyser.context.scripts(instruction)
        if any(script.has_errors for script in scripts[1 if instruction.heredocs else 0 :]):
            self.analyser.unknown(effect, "a shell script lintlayers cannot parse")
            return
        if instruction.heredocs and not self._heredocs_understood():
            self.analyser.unknown(effect, "a here-document run by another interpreter")
            return
        self._mounts()
        effect.reads.entries.extend(_RUNTIME.entries)
        cwds: list[str] = [run.step.workdir]
        for index, command in enumerate(run.commands):
            if run.cwds[index] not in cwds:
                cwds.append(run.cwds[index])
            problem = self._command(index, command, list(cwds))
            if problem:
                self.analyser.unknown(effect, problem)
                return
            if command.name in ("cd", "pushd"):
                after = run.cwds[index + 1] if index + 1 < len(run.cwds) else run.end_cwd
                if after not in cwds:
                    cwds.append(after)
        if self.nonroot or any(command.name == "umask" for command in run.commands):
            for parts, vague, _ in list(effect.writes.entries):
                if not vague:
                    effect.writes.add_all(ancestors(show(parts), self.analyser.made))
        effect.writes_visible = effect.writes
        from lintlayers.model.environment import environment_reader

        effect.env_safe = not environment_reader(self.analyser.context, instruction)

    def _heredocs_understood(self) -> bool:
        """Whether every heredoc is a shell script or data fed to a command of the RUN.

        ``RUN <<EOF`` with a ``#!/usr/bin/env python`` body has no command to judge.
        """
        instruction = self.run.instruction
        markers = [(heredoc.marker.start, heredoc.marker.end) for heredoc in instruction.heredocs]
        if any(
            not any(start <= word.start < end for start, end in markers)
            for word in instruction.words
        ):
            return True  # data for the commands (each judged on its own) or run by them
        scripts = self.analyser.context.scripts(instruction)
        return len(scripts) >= 1 + len(instruction.heredocs)

    def _mounts(self) -> None:
        effect = self.effect
        caches: set[str] = set()
        refs: list[str] = []
        for mount in self.run.mounts:
            if mount.target:
                effect.reads.exclude.append(path_parts(mount.target))
                effect.writes.exclude.append(path_parts(mount.target))
            if mount.type == "cache":
                caches.add(str(mount.options.get("id") or mount.target or ""))
            reference = mount.options.get("from")
            if reference:
                refs.append(reference)
        effect.caches = frozenset(caches)
        effect.stage_refs = tuple(refs)

    # -- one command ---------------------------------------------------------------------

    def _command(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        """Record what command ``index`` reads and writes (``model.command_writes``, shared
        with the size rules); a reason if it is unknown."""
        effect = self.effect
        found = self.run.writes(index)
        if found.unknown:
            return found.unknown
        for value in found.writes:
            self.write(index, value, cwds)
        for value in found.reads:
            self.read(index, value, cwds)
        if not command.words:
            return ""
        name = command.name
        files = found.family
        if files != BUILTIN and name not in ("test", "[", "[[") and "/" not in name:
            self._program(index, name)
        if files == "shell":
            return self._shell(command)
        for value in found.vague_reads:
            effect.reads.add(self.paths(index, value, cwds)[0], VAGUE_VARIABLE)
        if found.reads_everything:
            effect.reads.everything(found.reads_everything)
        if found.home_reads:
            effect.reads.add_all(self.home_dots)
        if found.home_writes:
            effect.writes.add_all(self.home_dots)
        for link, target in found.links:
            for path in self.paths(index, link, cwds):
                if not target.startswith("/"):
                    target = join(path.rpartition("/")[0] or "/", target)
                effect.links.append((path, self.run.expand(target, self.run.env_at(index))))
        if files == SYSTEM:
            effect.reads.entries.extend(_SYSTEM_READS.entries)
            effect.writes.entries.extend(_SYSTEM_WRITES.entries)
        if found.tool:
            self.language_dirs(cwds, found.tool)
        if found.install is not None:
            self._install(index, found, cwds)
        for kind in (*found.leaves, *found.cleans):  # package data, where this user keeps it
            for path in self.run.cache_dirs(kind, index):
                effect.writes.add(path)
                effect.reads.add(path)
        gnupg_unknown = "GNUPGHOME" not in self.run.command_env(index)  # set, but to what?
        if files == "gpg" and "GNUPGHOME" in effect.text and gnupg_unknown:
            effect.writes.add("/", VAGUE_VARIABLE)
        return ""

    def _program(self, index: int, name: str) -> None:
        """The program, found through ``PATH`` (the RUN's own ``export PATH=`` included)."""
        effect = self.effect
        directories = self.path_dirs
        exported = self.run.env_at(index).get("PATH")
        if exported and exported != self.scope_values.get("PATH"):
            directories = directories + [
                part for part in exported.split(":") if part.startswith("/")
            ]
            if "$" in exported or any(not part.startswith("/") for part in exported.split(":")):
                effect.reads.add("/", VAGUE_VARIABLE)
        for directory in directories:
            effect.reads.entries.append(((*path_parts(directory), name), "", ()))

    def _shell(self, command: SimpleCommand) -> str:
        """``sh -c``: known when its script was parsed into nested commands of the RUN."""
        inner = [
            other
            for other in self.run.commands
            if other.shell_depth > command.shell_depth
            and command.start <= other.start
            and other.end <= command.end
        ]
        return "" if inner else command.name + " -c"

    def _install(self, index: int, found: CommandWrites, cwds: list[str]) -> None:
        """A dependency install not proven to read only its manifests may read (and, when it
        builds the project, write) its whole project."""
        install = found.install
        assert install is not None
        if id(self.run.instruction) in self.analyser.proven and install.manifest_only:
            return
        for project in self.paths(index, install.project_dir, cwds):
            self.effect.reads.add(project, "the install may read more than its manifests")
            if found.builds_project:
                self.effect.writes.add(project, "the install builds the project itself")

    def paths(self, index: int, value: str, cwds: list[str]) -> list[str]:
        """Absolute paths ``value`` may name (every working directory the RUN may be in)."""
        run = self.run
        resolved = run.resolve(index, value)
        if value.startswith(("/", "~", "$")) or "\x00" in resolved:
            return [resolved]
        expanded = run.expand(value, run.env_at(index))
        found = [resolved]
        for cwd in cwds:
            path = join(cwd, expanded)
            if path not in found:
                found.append(path)
        return found

    def read(self, index: int, value: str, cwds: list[str]) -> None:
        for path in self.paths(index, value, cwds):
            self.effect.reads.add(path)

    def write(self, index: int, value: str, cwds: list[str]) -> None:
        for path in self.paths(index, value, cwds):
            self.effect.writes.add(path)
            self.effect.reads.add(path)

    def language_dirs(self, cwds: list[str], tool: str) -> None:
        """What a language package manager reads and writes besides its project.

        Besides its global directories it reads project settings in the directory it
        runs in and every directory above (``.npmrc``, ``.yarnrc``, ``.cargo/``,
        ``.bundle/config``, ``package.json``...), even for a global install.
        """
        effect = self.effect
        effect.writes.entries.extend(_LANGUAGE_WRITES.entries)
        effect.reads.entries.extend(_LANGUAGE_WRITES.entries)
        effect.reads.entries.extend(_LANGUAGE_READS.entries)
        for path in (*self.home_dots, *self.tool_dirs):
            effect.writes.add(path)
            effect.reads.add(path)
        from lintlayers.model.ecosystems import settings_of

        names = settings_of(tool)
        if names is None:
            names = (".*",)  # unknown: any dotfile
        for cwd in cwds if names else ():
            if "\x00" in cwd:
                effect.reads.add(cwd)
                continue
            directory = cwd
            while names:
                for name in names:
                    effect.reads.add(join(directory, name))
                if directory == "/":
                    break
                directory = directory.rpartition("/")[0] or "/"


_RUNTIME = PathSet(RUNTIME_READS)
_SYSTEM_WRITES = PathSet(SYSTEM_DIRS, APP_DIRS)
"""Distro packages and their maintainer scripts: never ``/usr/local`` nor the app dirs."""
_SYSTEM_READS = PathSet(SYSTEM_DIRS, APP_DIRS[:-1])
_SYSTEM_READS.entries[0] = (
    ("usr",),
    "",
    (("usr", "src", "app"), ("usr", "app"), ("usr", "local", "bin"), ("usr", "local", "sbin")),
)
_SYSTEM_READS.add_all(
    "/usr/local/bin/" + name for name in ("sh", "bash", "dash", "python*", "perl*", "env")
)
"""Maintainer scripts read ``/usr/local`` too (certificates, libraries), but its programs only
by the names of the interpreters they run."""


_LANGUAGE_WRITES = PathSet(
    ("/usr/local", "/usr/lib", "/usr/share", "/opt", "/tmp", "/var/lib/gems"), APP_DIRS[:-1]
)
"""Where pip, npm -g, gem... install: site-packages, global prefixes, /opt venvs."""
_LANGUAGE_READS = PathSet(("/usr", "/etc"), APP_DIRS[:-1])
