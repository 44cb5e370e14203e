"""What one RUN reads and writes in the image, command by command (``RunModel``).

Which family a command belongs to is the one command table, ``model.commands.COMMANDS``
(builtins, quiet programs, readers, system tools, language tools, or the handler that
reads its arguments here: ``_HANDLERS``: file tools, archives, downloads, shells...);
dependency installs are ``model.package_managers``'; a command lintlayers does not
know reads and writes everything.
"""

from __future__ import annotations

import re

from lintlayers.model.commands import (
    BUILTIN,
    COMMANDS,
    OPERAND_OPTIONS,
    OPERANDS,
    QUIET,
    READER,
    SOURCED_FILES,
    SYSTEM,
    UNKNOWN,
    USER_TOOLS,
)
from lintlayers.model.paths import clone_directory, join
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
    from collections.abc import Iterable

    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.stages import Scope
    from lintlayers.reorder.effects import Analyser, Effect
    from lintlayers.shell.commands import SimpleCommand

_COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".lzma", ".tar")

# ----------------------------------------------------------------------------- commands

_VERSION_FLAGS = frozenset({"--version", "-v", "-V", "version", "--help", "-h"})


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
        if any(script.script.has_errors for script in scripts[1 if instruction.heredocs else 0 :]):
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
        """Record what command ``index`` reads and writes; a reason if it is unknown."""
        effect = self.effect
        self._redirects(index, command, cwds)
        if not command.words:
            return ""
        if command.prefix and command.prefix[0].value.rpartition("/")[2] == "xargs":
            return "xargs " + command.name
        name = command.name
        program = command.words[0].value
        if "$" in program or "`" in program:
            return program
        if "/" in program and not program.startswith(("/usr/", "/bin/", "/sbin/")):
            return program  # a script or a program the Dockerfile put there
        entry = COMMANDS.get(name)
        files = entry.files if entry is not None else UNKNOWN
        if files != BUILTIN and name not in ("test", "[", "[[") and "/" not in name:
            entries = effect.reads.entries
            directories = self.path_dirs
            exported = self.run.env_at(index).get("PATH")  # ``export PATH=/x/bin:$PATH``
            if exported and exported != self.scope_values.get("PATH"):
                directories = directories + [
                    part for part in exported.split(":") if part.startswith("/")
                ]
                if "$" in exported or any(not part.startswith("/") for part in exported.split(":")):
                    effect.reads.add("/", VAGUE_VARIABLE)
            for directory in directories:  # the program found through PATH
                entries.append(((*path_parts(directory), name), "", ()))
        if files in (BUILTIN, QUIET):
            return ""
        if files == READER:
            return self._reader(index, command, cwds)
        if files == SYSTEM:
            return self._system(index, command, cwds)
        handler = _HANDLERS.get(files)
        if handler is not None:
            return handler(self, index, command, cwds)
        return self._language(index, command, cwds)  # language tools, and unknown commands

    def _redirects(self, index: int, command: SimpleCommand, cwds: list[str]) -> None:
        for operator, target in zip(command.redirect_ops, command.redirects, strict=False):
            value = target.value
            if value.startswith("/dev/") or value.isdigit() or value == "-":
                continue
            if operator in (">", ">>", ">|", "&>", "&>>", ">&"):
                self.write(index, value, cwds)
            elif operator in ("<", "<>"):
                self.read(index, value, cwds)

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

    def cwd(self, cwds: list[str]) -> list[str]:
        return list(dict.fromkeys(cwds))

    # -- families ----------------------------------------------------------------------------

    def _reader(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        name = command.name
        if name == "find":
            args = command.args
            if any(value in ("-exec", "-execdir", "-ok", "-okdir") for value in args):
                return "find -exec"
            starts = []
            for value in args:
                if value.startswith(("-", "(", "!")):
                    break
                starts.append(value)
            for value in starts or ["."]:
                if "-delete" in args or "-fprint" in args:
                    self.write(index, value, cwds)
                else:
                    self.read(index, value, cwds)
            return ""
        if name == "sed" and any(
            value == "-i" or value.startswith(("-i", "--in-place")) for value in command.args
        ):
            positional = command.positional_args(("-e", "--expression", "-f", "--file"))
            if not command.has_flag("-e", "--expression", "-f", "--file"):
                positional = positional[1:]
            for value in positional:
                self.write(index, value, cwds)
            return ""
        if name.endswith("sum") and command.has_flag("-c", "--check"):
            self.effect.reads.everything("it checks files listed in its input")
        for value in command.positional_args():
            self.read(index, value, cwds)
        return ""

    def _system(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        effect = self.effect
        effect.reads.entries.extend(_SYSTEM_READS.entries)
        effect.writes.entries.extend(_SYSTEM_WRITES.entries)
        if command.name in USER_TOOLS:
            positional = command.positional_args(_USER_OPTIONS)
            home = command.flag_value("-d", "--home", "-h")
            if home:
                self.write(index, home, cwds)
            elif positional:
                self.write(index, "/home/" + positional[-1], cwds)
            else:
                effect.writes.add("/home")
        for value in command.positional_args(_SYSTEM_VALUE_OPTIONS):
            if value.startswith(("/", "./", "../")) or value.endswith(_PACKAGE_FILES):
                self.read(index, value, cwds)
        return ""

    def _language(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        """Language package managers: dependency installs and global tool installs."""
        from lintlayers.model.package_managers import match_install, normalize_argv

        argv = [word.value for word in command.words]
        normal = normalize_argv(argv)
        tool = normal[0] if normal else ""
        rest = normal[1:]
        if rest and all(value in _VERSION_FLAGS for value in rest[:1]) and len(rest) == 1:
            return ""  # ``python --version``
        install = match_install(argv)
        if install is not None:
            return self._install(index, command, install, cwds)
        handler = _TOOLS.get(_tool_for(tool))
        if handler is None:
            return command.words[0].value
        return handler(self, index, command, tool, rest, cwds)

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

    def project_settings(self, index: int, tool: str, cwds: list[str]) -> None:
        """A ``config``/``set`` command may write the tool's settings in its directory."""
        from lintlayers.model.ecosystems import settings_of

        for name in settings_of(tool) or (".*",):
            self.write(index, name, cwds)

    def _install(self, index: int, command: SimpleCommand, install: object, cwds: list[str]) -> str:
        """A dependency install from manifests (``npm ci``, ``pip install -r``...)."""
        from lintlayers.model.ecosystems import ecosystem
        from lintlayers.model.package_managers import InstallMatch

        assert isinstance(install, InstallMatch)
        self.language_dirs(cwds, install.installer.tool)
        args = set(install.argv)
        entry = ecosystem(install.installer.ecosystem)  # outputs and lockfiles: the table's
        outputs = entry.outputs if entry is not None else ()
        locks, frozen = entry.lock_writes if entry is not None else ((), ())
        for project in self.paths(index, install.project_dir, cwds):
            for name in (*install.manifests, *install.optional, *install.wrapper):
                self.effect.reads.add(join(project, name.rstrip("/")))
            for name in outputs:
                self.effect.writes.add(join(project, name))
                self.effect.reads.add(join(project, name))
            if not (args & set(frozen)):
                for name in locks:
                    self.effect.writes.add(join(project, name))
            proven = id(self.run.instruction) in self.analyser.proven and install.manifest_only
            if not proven:
                self.effect.reads.add(project, "the install may read more than its manifests")
                if install.reads_sources or install.installs_project:
                    self.effect.writes.add(project, "the install builds the project itself")
        if entry is not None:
            self.path_options(index, command, entry.path_options, cwds)
        return ""

    def path_options(
        self, index: int, command: SimpleCommand, options: tuple[str, ...], cwds: list[str]
    ) -> None:
        """Directories the tool's ``path_options`` name (``pip --target``): read and written."""
        for value in command.flag_values(*options) if options else ():
            if "://" not in value:
                self.write(index, value, cwds)

    # -- handlers for particular commands ------------------------------------------------

    def _write_operands(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        """A command that writes each of its operands (``model.commands.OPERANDS``)."""
        for value in command.positional_args(OPERAND_OPTIONS.get(command.name, ())):
            self.write(index, value, cwds)
        return ""

    def _touch(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        for value in command.flag_values("-r", "--reference"):
            self.read(index, value, cwds)
        for value in command.positional_args(("-d", "-r", "-t", "--date", "--reference")):
            self.write(index, value, cwds)
        return ""

    def _chmod(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        positional = command.positional_args(("--reference",))
        if command.name in ("chown", "chgrp"):
            self.effect.reads.add_all(("/etc/passwd", "/etc/group"))
        mode_as_flag = command.name == "chmod" and any(
            re.fullmatch(r"-[rwxXstugoa]+", value) for value in command.args
        )
        if not mode_as_flag and not any(value.startswith("--reference") for value in command.args):
            positional = positional[1:]
        for value in positional:
            self.write(index, value, cwds)
        return ""

    def _ln(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        target_dir = command.flag_value("-t", "--target-directory")
        positional = command.positional_args(("-t", "--target-directory", "-S", "--suffix"))
        if target_dir:
            self.write(index, target_dir, cwds)
            return ""
        if not positional:
            return ""
        if len(positional) == 1:
            link = positional[0].rstrip("/").rpartition("/")[2] or positional[0]
        else:
            link = positional[-1]
        self.write(index, link, cwds)
        symbolic = command.has_flag("-s", "--symbolic")
        if not symbolic:
            for value in positional[:-1]:
                self.read(index, value, cwds)
        elif len(positional) == 2:
            for path in self.paths(index, link, cwds):
                target = positional[0]
                if not target.startswith("/"):
                    target = join(path.rpartition("/")[0] or "/", target)
                target = self.run.expand(target, self.run.env_at(index))
                self.effect.links.append((path, target))
        return ""

    def _copy_like(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        name = command.name
        target_dir = command.flag_value("-t", "--target-directory")
        positional = command.positional_args(_COPY_VALUE_OPTIONS)
        if name == "install" and command.has_flag("-d", "--directory"):
            for value in positional:
                self.write(index, value, cwds)
            return ""
        if name == "rsync":
            positional = [value for value in positional if ":" not in value]
        if target_dir:
            sources, destination = positional, target_dir
        elif len(positional) >= 2:
            sources, destination = positional[:-1], positional[-1]
        else:
            return "" if not positional else name + " with one operand"
        for value in sources:
            if name == "mv":
                self.write(index, value, cwds)
            else:
                self.read(index, value, cwds)
        self.write(index, destination, cwds)
        if name == "install" and command.has_flag("-o", "--owner", "-g", "--group"):
            self.effect.reads.add_all(("/etc/passwd", "/etc/group"))
        return ""

    def _tar(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        from lintlayers.model.run_effects import extracted_archives

        args = command.args
        letters = args[0] if args and not args[0].startswith("-") and args[0].isalpha() else ""
        directory = command.flag_value("-C", "--directory")
        extract = "x" in letters or command.has_flag("-x", "--extract", "--get")
        create = "c" in letters or command.has_flag("-c", "--create", "-r", "--append")
        archive = command.flag_value("-f", "--file")
        if archive is None and "f" in letters:
            archives = extracted_archives(command) if extract else []
            archive = archives[0] if archives else None
        if extract:
            if archive:
                self.read(index, archive, cwds)
            self.write(index, directory or ".", cwds)
        elif create:
            for value in command.positional_args(("-C", "--directory", "-f", "--file")):
                if value != letters:
                    self.read(index, directory or value, cwds)
            if archive:
                self.write(index, archive, cwds)
            elif "f" in letters:
                return "tar with an archive lintlayers cannot find"
        elif archive:
            self.read(index, archive, cwds)
        return ""

    def _unzip(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        positional = command.positional_args(("-d", "-P", "-x", "-I", "-O"))
        if positional:
            self.read(index, positional[0], cwds)
        self.write(index, command.flag_value("-d") or ".", cwds)
        return ""

    def _compress(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        to_stdout = command.has_flag("-c", "--stdout", "--to-stdout")
        if command.has_flag("-S", "--suffix", "-r", "--recursive"):
            return f"{command.name} with a suffix or recursion"
        for value in command.positional_args(("-S", "--suffix", "-o", "-T", "--threads")):
            self.read(index, value, cwds)
            if not to_stdout:
                self.write(index, value, cwds)
                stem = re.sub(r"\.(gz|bz2|xz|zst|lzma|Z|tgz|tbz2|txz)$", "", value)
                for path in {stem, *(value + suffix for suffix in _COMPRESSED)}:
                    self.write(index, path, cwds)
        output = command.flag_value("-o")
        if output:
            self.write(index, output, cwds)
        return ""

    def _download(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        from lintlayers.model.run_effects import download_targets

        effect = self.effect
        effect.reads.add_all(("/etc", "/usr/share/ca-certificates", "/usr/local/share"))
        effect.reads.add_all(self.home_dots)
        for value in download_targets(command):
            self.write(index, value, cwds)
        if command.name == "wget" and command.has_flag("-r", "--recursive", "-m", "--mirror"):
            self.write(index, command.flag_value("-P", "--directory-prefix") or ".", cwds)
        if command.name == "curl":
            if command.has_flag("-O", "--remote-name", "--remote-name-all", "-J"):
                self.write(index, command.flag_value("--output-dir") or ".", cwds)
            for flag in _CURL_FILE_OPTIONS:
                for value in command.flag_values(flag):
                    self.read(index, value, cwds)
            for flag in ("-d", "--data", "--data-binary", "--data-urlencode", "-F", "--form"):
                for value in command.flag_values(flag):
                    if "@" in value:
                        self.read(index, value.rpartition("@")[2].partition(";")[0], cwds)
        return ""

    def _git(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        effect = self.effect
        effect.reads.add_all(("/etc", *self.home_dots))
        directory = command.flag_value("-C")
        positional = command.positional_args(_GIT_VALUE_OPTIONS)
        here = directory or "."
        if not positional:
            return ""
        action = positional[0]
        if action == "clone":
            if len(positional) >= 3:
                self.write(index, positional[2], cwds)
            elif len(positional) == 2:
                self.write(index, clone_directory(positional[1]) or ".", cwds)
            return ""
        if action == "config":
            if command.has_flag("--system"):
                effect.writes.add("/etc/gitconfig")
            elif command.has_flag("--global"):
                effect.writes.add_all(self.home_dots)
            else:
                self.write(index, here, cwds)
            return ""
        if action in ("--version", "version", "rev-parse", "log", "describe", "status"):
            self.read(index, here, cwds)
            return ""
        self.write(index, here, cwds)  # checkout, apply, submodule, fetch...: the repository
        return ""

    def _gpg(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        effect = self.effect
        effect.reads.add_all(("/etc", *self.home_dots))
        effect.writes.add_all(self.home_dots)
        home = command.flag_value("--homedir")
        gnupg = self.run.env_at(index).get("GNUPGHOME") or self.scope_values.get("GNUPGHOME")
        for value in (home, gnupg):
            if value:
                self.write(index, value, cwds)
        if "GNUPGHOME" in self.effect.text and not gnupg:
            self.effect.writes.add("/", VAGUE_VARIABLE)
        for value in command.flag_values("-o", "--output"):
            self.write(index, value, cwds)
        if command.has_flag(*_GPG_KEY_ACTIONS):
            return ""  # the words are key ids, not files
        for value in command.positional_args(_GPG_VALUE_OPTIONS):
            self.read(index, value, cwds)
        return ""

    def _mktemp(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        directory = command.flag_value("-p", "--tmpdir") or self.scope_values.get("TMPDIR")
        self.effect.writes.add(directory or "/tmp")
        return ""

    def _shell(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        if not command.has_flag("-c"):
            return command.name + " without -c"
        inner = [
            other
            for other in self.run.commands
            if other.shell_depth > command.shell_depth
            and command.start <= other.start
            and other.end <= command.end
        ]
        return "" if inner else command.name + " -c"

    def _source(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        positional = command.positional_args()
        if positional and positional[0] in SOURCED_FILES:
            self.read(index, positional[0], cwds)
            return ""
        return f"{command.name} {positional[0] if positional else ''}".strip()

    def _test(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        for value in command.args:
            if not value.startswith("-") and value not in ("]", "]]", "!", "=", "==", "!="):
                self.read(index, value, cwds)
        return ""

    def _umask(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        return ""


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


_COPY_VALUE_OPTIONS = (
    "-t", "--target-directory", "-S", "--suffix", "-m", "--mode", "-o", "--owner", "-g",
    "--group", "--exclude", "--include", "-e", "--chmod", "--chown",
)  # fmt: skip
_GIT_VALUE_OPTIONS = (
    "-C", "-c", "-b", "--branch", "--depth", "-o", "--origin", "-j", "--config", "--reference",
    "--separate-git-dir", "--filter", "--shallow-since",
)  # fmt: skip
_NODE_VALUE_OPTIONS = (
    "--prefix", "--registry", "--cache", "-C", "--dir", "--cwd", "--filter", "-F", "--loglevel",
    "-w", "--workspace",
)  # fmt: skip
_LANGUAGE_WRITES = PathSet(
    ("/usr/local", "/usr/lib", "/usr/share", "/opt", "/tmp", "/var/lib/gems"), APP_DIRS[:-1]
)
"""Where pip, npm -g, gem... install: site-packages, global prefixes, /opt venvs."""
_LANGUAGE_READS = PathSet(("/usr", "/etc"), APP_DIRS[:-1])

_CURL_FILE_OPTIONS = (
    "-T", "--upload-file", "-K", "--config", "--cacert", "-E", "--cert", "--key", "--capath",
)  # fmt: skip
_GPG_KEY_ACTIONS = (
    "--recv-keys", "--recv-key", "--keyserver", "--export", "-k", "--list-keys",
    "--fingerprint", "--search-keys",
)  # fmt: skip
_GPG_VALUE_OPTIONS = (
    "--keyserver", "--recv-keys", "--recv-key", "--homedir", "-o", "--output", "-r",
    "--recipient", "-u", "--local-user", "--keyserver-options", "--default-key",
    "--trust-model", "--export", "-k", "--list-keys",
)  # fmt: skip
_PIP_ACTIONS = frozenset(
    {"install", "uninstall", "download", "wheel", "cache", "config", "freeze", "list", "show",
     "check", "--version", ""}
)  # fmt: skip
_USER_OPTIONS = ("-d", "--home", "-h", "-g", "--gid", "-G", "--groups", "-s", "--shell", "-u",
                 "--uid", "-c", "--comment", "-k", "--skel", "-e", "-f", "-K", "-p", "-R",
                 "--ingroup", "--gecos", "-Z")  # fmt: skip
_SYSTEM_VALUE_OPTIONS = ("-o", "-c", "-t", "--option", "--config-file", "--target-release",
                         "-X", "--repository", "-p", "--root", "--keys-dir", "--arch",
                         "--cache-dir", "--virtual", "--setopt", "--installroot", "-r",
                         "--recv-keys", "--keyserver", "--home", "-d", "-g", "-G", "-s", "-u",
                         "--shell", "--uid", "--gid", "--ingroup", "--gecos")  # fmt: skip
_PACKAGE_FILES = (".deb", ".rpm", ".apk", ".gpg", ".asc", ".key", ".list", ".repo", ".pem",
                  ".crt")  # fmt: skip


# ----------------------------------------------------------------- language tools (no install)


def _tool_pip(
    model: RunModel,
    index: int,
    command: SimpleCommand,
    tool: str,
    rest: list[str],
    cwds: list[str],
) -> str:
    """pip without requirement files: named packages, local paths, config."""
    from lintlayers.model.ecosystems import ecosystem
    from lintlayers.model.package_commands import PIP_VALUE_OPTIONS

    model.language_dirs(cwds, tool)
    positional = [value for value in _positional(rest, PIP_VALUE_OPTIONS)]
    action = positional[0] if positional else ""
    if action in _PIP_ACTIONS:
        for value in positional[1:]:
            if (
                value == "."
                or value.startswith(("./", "../", "/", "~"))
                or value.endswith((".whl", ".tar.gz", ".zip"))
            ):
                model.write(index, value, cwds)  # a local project: read, and built in place
        for flag in ("-e", "--editable", "-r", "--requirement", "-c", "--constraint"):
            for value in command.flag_values(flag):
                model.write(index, value, cwds)
                model.effect.reads.add(model.paths(index, ".", cwds)[0], VAGUE_VARIABLE)
        pip = ecosystem("pip")
        model.path_options(index, command, pip.path_options if pip else (), cwds)
        return ""
    return f"pip {action}"


def _positional(args: list[str], takes_value: Iterable[str]) -> list[str]:
    values = set(takes_value)
    found: list[str] = []
    skip = False
    for value in args:
        if skip:
            skip = False
            continue
        if value.startswith("-"):
            skip = value in values
            continue
        found.append(value)
    return found


def _tool_node(
    model: RunModel,
    index: int,
    command: SimpleCommand,
    tool: str,
    rest: list[str],
    cwds: list[str],
) -> str:
    """npm, yarn and pnpm without a manifest install: global installs, adding packages
    (``Ecosystem.global_actions`` and ``edits``)."""
    from lintlayers.model.ecosystems import ecosystem

    entry = ecosystem(tool)
    assert entry is not None
    model.language_dirs(cwds, tool)
    positional = _positional(rest, _NODE_VALUE_OPTIONS)
    action = positional[0] if positional else ""
    global_install = any(value in entry.global_flags for value in rest) or action == "global"
    if action in ("config", "set"):
        model.project_settings(index, tool, cwds)
        return ""
    if action in entry.global_actions:
        return ""
    if action in entry.edits:
        if global_install:
            return ""
        for value in entry.project_files():
            model.write(index, value, cwds)
        model.read(index, ".", cwds)
        return ""
    return f"{tool} {action}".strip()


def _tool_simple_global(
    model: RunModel,
    index: int,
    command: SimpleCommand,
    tool: str,
    rest: list[str],
    cwds: list[str],
) -> str:
    """gem, pipx, corepack, cargo install, go install/env, composer global, uv tool: the
    subcommands that write only the tool's global places (``Ecosystem.global_actions``)."""
    from lintlayers.model.ecosystems import global_actions_of

    model.language_dirs(cwds, tool)
    positional = [value for value in rest if not value.startswith("-")]
    action = positional[0] if positional else ""
    if action not in global_actions_of(tool):
        return f"{tool} {action}".strip()
    if tool == "go" and action == "install":
        for value in positional[1:]:
            if value.startswith((".", "/")) or "@" not in value:
                return "go install of local packages"
    if tool == "cargo" and (command.has_flag("--path") or not positional[1:]):
        return "cargo install of a local crate"
    if action == "config":
        model.project_settings(index, tool, cwds)  # ``--local``, ``--location=project``...
    if tool == "uv" and action == "venv":
        model.write(index, positional[1] if len(positional) > 1 else ".venv", cwds)
    return ""


def _tool_python(
    model: RunModel,
    index: int,
    command: SimpleCommand,
    tool: str,
    rest: list[str],
    cwds: list[str],
) -> str:
    """``python -m venv DIR`` and ``virtualenv DIR``; other Python runs are unknown."""
    if tool == "virtualenv" or rest[:2] == ["-m", "venv"] or rest[:2] == ["-m", "virtualenv"]:
        positional = [value for value in rest if not value.startswith("-")]
        if tool != "virtualenv":
            positional = positional[1:]
        model.effect.reads.add_all(("/usr", "/etc", "/opt"))
        for value in positional or ["."]:
            model.write(index, value, cwds)
        return ""
    return " ".join([tool, *rest[:2]])


_TOOLS = {
    "pip": _tool_pip,
    "npm": _tool_node,
    "yarn": _tool_node,
    "pnpm": _tool_node,
    "gem": _tool_simple_global,
    "pipx": _tool_simple_global,
    "corepack": _tool_simple_global,
    "cargo": _tool_simple_global,
    "go": _tool_simple_global,
    "composer": _tool_simple_global,
    "uv": _tool_simple_global,
    "bundle": _tool_simple_global,
    "poetry": _tool_simple_global,
    "rustup": _tool_simple_global,
    "conda": _tool_simple_global,
    "virtualenv": _tool_python,
}
for _name in ("python", "python2", "python3"):
    _TOOLS[_name] = _tool_python


def _tool_for(name: str) -> str:
    return "python" if re.match(r"python[0-9.]*$", name) else name


_HANDLERS = {
    OPERANDS: RunModel._write_operands,
    "touch": RunModel._touch,
    "chmod": RunModel._chmod,
    "ln": RunModel._ln,
    "copy_like": RunModel._copy_like,
    "tar": RunModel._tar,
    "unzip": RunModel._unzip,
    "compress": RunModel._compress,
    "download": RunModel._download,
    "git": RunModel._git,
    "gpg": RunModel._gpg,
    "mktemp": RunModel._mktemp,
    "shell": RunModel._shell,
    "source": RunModel._source,
    "test": RunModel._test,
    "umask": RunModel._umask,
}
"""The handler of each ``files`` answer of ``model.commands.COMMANDS`` that names one."""
