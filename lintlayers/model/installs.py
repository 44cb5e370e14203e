"""Dependency installs and the COPYs before them: which install re-runs for nothing.

``install_findings(context)`` answers, for every stage (and the ONBUILD triggers of
each), each dependency install that a COPY busts although the install reads only its
manifests: a broad COPY (``COPY . .``, a directory holding the manifests) before it,
or a narrow COPY of other files between the manifests and the install. Each answer
is a plain value (``InstallFinding``): the COPY and its source word, the install RUN,
the manifests it reads, whether the build context proves it reads only them, why it
cannot simply be moved (``problem``, ``blocker``), and the text of the narrow COPY
lines (and, for a build that installs on the way, the explicit install) to put
first. ``splits(context, stage)`` gives the reorder engine the same answers.

Everything is computed once per file (``RuleContext.analysis``). The facts about
package managers are the ecosystem table; this module holds the mechanism.
"""

from __future__ import annotations

import functools
import posixpath
import re
from bisect import bisect_left, bisect_right

from lintlayers.model.context_copies import (
    GLOB,
    brings,
    brings_path,
    context_copy,
    copies_files_like,
    expand_known,
    normal,
    resolve,
    source_kind,
)
from lintlayers.model.ecosystems import ecosystem
from lintlayers.model.metadata import MOVABLE_ACROSS
from lintlayers.model.package_managers import match_any, project_tool, reads_no_project
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from collections.abc import Set as AbstractSet

    from lintlayers.context import RuleContext
    from lintlayers.model.context_copies import ContextCopy
    from lintlayers.model.ecosystems import Ecosystem, Installer
    from lintlayers.model.manifests import Tree
    from lintlayers.model.package_managers import InstallMatch
    from lintlayers.model.run_effects import RunEffects
    from lintlayers.model.stage_files import StageFiles
    from lintlayers.model.stages import Stage
    from lintlayers.model.state import State
    from lintlayers.shell.commands import SimpleCommand
    from lintlayers.syntax.nodes import Instruction

METADATA = MOVABLE_ACROSS
"""Instructions an install RUN may move above without changing what it does."""


class Install:
    """One dependency install in a RUN, with its manifest paths resolved in the image."""

    __slots__ = (
        "command", "cwd", "found", "named_files", "optional", "primary", "required", "text",
        "unknown",
    )  # fmt: skip

    def __init__(
        self, found: InstallMatch, command: SimpleCommand | None, text: str, cwd: str
    ) -> None:
        self.found = found
        self.command = command
        self.text = text  # the command as written, on one line
        self.cwd = cwd
        self.required: list[str] = []  # absolute paths (globs allowed in the name)
        self.optional: list[str] = []
        self.primary = ""
        self.unknown = ""  # why the files it reads cannot be known
        self.named_files = False  # a build of named source files (``builds_named_files``)

    @property
    def tool(self) -> str:
        return self.found.installer.tool

    def __repr__(self) -> str:
        return f"Install({self.text!r}, {self.required})"


class InstallFinding:
    """A COPY that busts the cache of an install reading only its manifests.

    ``kind``: ``all`` (the whole context), ``top`` (``*``), ``dir`` (a directory
    holding the manifests) or ``between`` (a narrow COPY of other files between the
    manifests and the install). ``copy`` is that COPY (the outer instruction, ONBUILD
    included) and ``source``/``start``/``end`` its source word; ``run`` is the
    install RUN and ``installs`` its installs concerned; ``names`` the files they
    read. ``implicit`` marks a build that installs on the way (``go build``):
    then ``restore`` is the explicit install to run first. ``proven`` says the build
    context proves the installs read only those files. ``problem`` says why the
    install cannot go before the sources at all, ``blocker`` why it cannot simply be
    moved there; both are ``""`` when it can. ``copy_lines`` are the narrow COPY
    lines (each ending with a newline) to put before ``anchor``, where the install
    goes; ``files`` the (context path, image path) pairs they copy.
    """

    __slots__ = (
        "anchor",
        "blocker",
        "copy",
        "copy_lines",
        "end",
        "files",
        "implicit",
        "installs",
        "kind",
        "names",
        "onbuild",
        "problem",
        "proven",
        "restore",
        "run",
        "source",
        "stage",
        "start",
    )

    def __init__(self, copy: Instruction, word: tuple[str, int, int], kind: str) -> None:
        self.copy = copy
        self.source, self.start, self.end = word
        self.kind = kind
        self.run: Instruction = copy
        self.anchor: Instruction = copy
        self.installs: list[Install] = []
        self.names: list[str] = []
        self.implicit = False
        self.restore = ""
        self.proven = False
        self.problem = ""
        self.blocker = ""
        self.copy_lines = ""
        self.files: list[tuple[str, str]] = []
        self.stage = 0
        self.onbuild = False

    @property
    def fixable(self) -> bool:
        return not self.problem and not self.blocker

    def __repr__(self) -> str:
        return f"InstallFinding({self.kind} {self.source!r}, {self.installs})"


def install_findings(context: RuleContext) -> list[InstallFinding]:
    """Every install a COPY busts for nothing, in file order (computed once per file)."""
    return context.analysis(_install_findings)


def _install_findings(context: RuleContext) -> list[InstallFinding]:
    from lintlayers.model.scope_values import walk_values
    from lintlayers.model.state import initial_state

    model = context.model
    finals: dict[int, State] = {}
    found: list[InstallFinding] = []
    for stage in model.stages:
        own = _Sequence(context, stage, initial_state(model, stage, finals), False)
        triggers: list[Instruction] = []
        for item, values in walk_values(model, stage):  # one running dict: read, not kept
            if item.inner is None:
                own.add(item, values)
            else:
                triggers.append(item)
        finals[stage.index] = own.state
        found.extend(own.check())
        if triggers:  # they run in a child build, from this stage's final state
            sequence = _Sequence(context, stage, own.state, True)
            for item in triggers:
                sequence.add(item, {})  # no scope known there
            found.extend(sequence.check())
    return found


class Split:
    """New COPY lines for the manifests of the install at ``run``, before the broad COPY.

    ``broad`` and ``run`` index the stage's instructions; ``text`` holds the COPY lines
    (each ending with a newline) and ``instructions`` the same lines parsed.
    """

    __slots__ = ("broad", "instructions", "run", "sources", "text")

    def __init__(self, broad: int, run: int, text: str, instructions: list[Instruction]) -> None:
        self.broad = broad
        self.run = run
        self.text = text
        self.instructions = instructions
        self.sources: list[list[str]] = [
            [word.value for word in instruction.words[:-1]] for instruction in instructions
        ]

    def __repr__(self) -> str:
        return f"Split(broad={self.broad}, run={self.run}, {self.text!r})"


def splits(context: RuleContext, stage: Stage) -> list[Split]:
    """The broad COPYs of ``stage`` the build context proves can be split: the
    manifests copied first and the install moved between (none without a context)."""
    if context.context_dir is None:
        return []
    from lintlayers.source import SourceText
    from lintlayers.syntax.parser import parse_source

    positions = {id(instruction): index for index, instruction in enumerate(stage.instructions)}
    found: list[Split] = []
    for finding in install_findings(context):
        if finding.onbuild or finding.kind == "between" or finding.implicit:
            continue
        if not finding.proven or finding.problem or not finding.copy_lines.strip():
            continue
        broad = positions.get(id(finding.copy))
        run = positions.get(id(finding.run))
        if broad is None or run is None:
            continue
        parsed = parse_source(SourceText("FROM scratch\n" + finding.copy_lines))
        instructions = parsed.instructions[1:]
        if parsed.all_errors() or not instructions:
            continue
        if any(item.keyword not in ("COPY", "ADD") for item in instructions):
            continue
        found.append(Split(broad, run, finding.copy_lines, instructions))
    return found


def proven_installs(context: RuleContext, stage: Stage) -> frozenset[int]:
    """``id()`` of the RUNs of ``stage`` whose installs the build context proves read only
    their manifests (so the reorder engine may move them above other COPYs)."""
    ids = {id(instruction) for instruction in stage.instructions}
    return frozenset(
        id(finding.run)
        for finding in install_findings(context)
        if finding.proven and not finding.problem and id(finding.run) in ids
    )


def _known(path: str) -> str | None:
    """A working directory, or ``None`` when a variable makes it unknown (a directory
    only an external base image knows stays an opaque prefix: both sides share it)."""
    return None if "$" in path else path


# --- one sequence of instructions --------------------------------------------------------


class _Sequence:
    """Instructions that run one after another, with the WORKDIR before each."""

    __slots__ = (
        "_broad",
        "_by_dest",
        "_copy_indexes",
        "_first_install",
        "context",
        "copies",
        "installs",
        "items",
        "onbuild",
        "programs",
        "stage",
        "state",
        "workdirs",
    )

    def __init__(self, context: RuleContext, stage: Stage, state: State, onbuild: bool) -> None:
        self.context = context
        self.stage = stage
        self.onbuild = onbuild
        self.state = state  # after the last instruction added (``model.state``)
        self.items: list[Instruction] = []
        self.workdirs: list[str | None] = []  # before each instruction
        self.copies: list[ContextCopy] = []
        self.installs: list[tuple[int, list[Install]]] = []
        self.programs: list[tuple[int, set[str]]] = []  # program names each RUN runs
        # the directory-like sources of the COPYs by where they land (``_broad_copy``)
        # ``copies`` filed by where they land (``_index``, made when an install asks)
        self._broad: dict[str, list[tuple[int, int, ContextCopy, tuple[str, int, int], str]]]
        self._broad = {}  # their directory-like sources, by destination
        self._by_dest: dict[str, list[ContextCopy]] = {}
        self._copy_indexes: list[int] | None = None  # the index of each of ``copies``
        # the first install RUN of each (tool, primary manifest) so far (``check``)
        self._first_install: dict[tuple[str, str], int] = {}

    def add(self, outer: Instruction, values: dict[str, str]) -> None:
        """Record one instruction; ``values``: the variables in effect before it (read
        here, not kept)."""
        from lintlayers.model.state import state_after

        index = len(self.items)
        self.items.append(outer)
        workdir = _known(self.state.workdir)
        self.workdirs.append(workdir)
        instruction = outer.effective
        keyword = instruction.keyword
        if keyword not in ("WORKDIR", "USER", "SHELL", "COPY", "ADD", "RUN"):
            return
        escape = self.context.dockerfile.escape
        if keyword in ("WORKDIR", "USER", "SHELL"):
            self.state = state_after(self.state, instruction, values)
        elif keyword == "RUN":
            self.programs.append((index, _programs(self.context, instruction)))
            installs = self._installs(instruction, workdir, values)
            if installs:
                self.installs.append((index, installs))
        else:
            copy = context_copy(index, instruction, workdir, values, escape)
            if copy is not None:
                self.copies.append(copy)

    def _index(self) -> list[int]:
        """File ``copies`` by where they land, once the sequence is read and an install
        asks (a source brings a target only into its folder, or below its destination when
        it is directory-like: ``context_copies.provided``); the index of each COPY."""
        if self._copy_indexes is not None:
            return self._copy_indexes
        from lintlayers.model.context_copies import source_kind

        context_dir = self.context.context_dir
        for copy in self.copies:
            self._by_dest.setdefault(copy.dest, []).append(copy)  # normalized: "/" for the root
            for order, word in enumerate(copy.sources):
                kind = source_kind(word[0], copy, context_dir)
                if kind != "file":
                    entry = (copy.index, order, copy, word, kind)
                    self._broad.setdefault(copy.dest.rstrip("/"), []).append(entry)
        self._copy_indexes = [copy.index for copy in self.copies]
        return self._copy_indexes

    def _installs(
        self, run: Instruction, workdir: str | None, values: dict[str, str]
    ) -> list[Install]:
        """The dependency installs of a RUN, with manifests resolved against its cwd."""
        found: list[Install] = []
        if workdir is None:
            return found
        if run.json_args is not None:  # exec form: the argv itself
            match = match_any(run.json_args)
            if match is not None:
                install = Install(match, None, " ".join(run.json_args), workdir)
                if self._resolve_manifests(install, workdir, values):
                    found.append(install)
            return found
        from lintlayers.model.state import CommandWalk, assign, home_of

        text = self.context.source.text
        home = home_of(self.state.user)
        for script in self.context.scripts(run):
            commands = sorted(script.commands, key=lambda item: item.start)
            views = [command.effective() for command in commands]
            matches = [match_any([word.value for word in view.words]) for view in views]
            if not any(matches):
                continue
            walk = CommandWalk(commands, workdir, values, home)
            tools: set[str] = set()  # the tools that worked on a project before (go mod tidy)
            for position, command in enumerate(commands):
                view = views[position]
                match = matches[position]
                cwd = _known(walk.cwds[position])
                named = match is not None and builds_named_files(match, tools)
                tool = project_tool([word.value for word in view.words])
                if tool:
                    tools.add(tool)
                if match is None or cwd is None:
                    continue
                start = script.file_offset(command.start)
                end = script.file_end(command.end)
                install = Install(match, command, " ".join(text[start:end].split()), cwd)
                install.named_files = named
                local = walk.envs[position]
                if view.assignments:  # ``GO111MODULE=off go``; not a copy of the scope each
                    local = assign(local, view.assignments)
                if self._resolve_manifests(install, cwd, local):
                    found.append(install)
        return found

    def _resolve_manifests(self, install: Install, cwd: str, values: dict[str, str]) -> bool:
        """Fill the install's absolute manifest paths; False when they cannot be known."""
        found = install.found
        installer = found.installer
        project_dir = expand_known(found.project_dir, values)
        project = resolve(cwd, project_dir) if project_dir is not None else None
        if project is None:
            return False
        if installer.implicit and implicit_off(installer, values, self.stage):
            return False
        base = cwd if not installer.required else project
        paths = []
        for name in found.manifests:
            value = expand_known(name, values)
            resolved = resolve(base, value) if value is not None else None
            if resolved is None:
                return False
            paths.append(resolved)
        if not paths:
            return False
        install.primary = paths[0]
        install.required = paths
        install.optional = [path for name in found.optional if (path := _entry(project, name))]
        if self.context.context_dir is None and found.optional:
            install.optional = install.optional[:1]  # the usual lockfile, as a pattern
        install.required += [path for name in found.wrapper if (path := _entry(cwd, name))]
        return True

    def check(self) -> list[InstallFinding]:
        found: list[InstallFinding] = []
        before: list[tuple[int, Install]] = []
        for index, installs in self.installs:
            finding = self._finding(index, installs, before)
            before.extend((index, install) for install in installs)
            for install in installs:
                self._first_install.setdefault((install.tool, install.primary), index)
            if finding is not None:
                finding.stage = self.stage.index
                finding.onbuild = self.onbuild
                found.append(finding)
        return found

    # -- finding -------------------------------------------------------------------------

    def _finding(
        self, index: int, installs: list[Install], before: list[tuple[int, Install]]
    ) -> InstallFinding | None:
        """The finding for the install RUN at ``index``, if a COPY busts it for nothing."""
        chosen: list[tuple[ContextCopy, tuple[str, int, int], Install]] = []
        between: list[tuple[int, Install]] = []
        reads: tuple[list[str], list[int]] | None = None  # the RUN's, asked for once
        for position, install in enumerate(installs):
            if install.found.reads_sources:
                continue
            if install.found.implicit and self._installed_first(
                install, before + [(index, other) for other in installs[:position]]
            ):
                continue
            broad = self._broad_copy(index, install)
            if broad is None:
                if not install.found.implicit:
                    if reads is None:
                        reads = self._reads(index, installs)
                    last = self._between(index, install, reads)
                    if last is not None:
                        between.append((last, install))
                continue
            copy, word = broad
            if install.found.implicit and self._ran_before(copy.index, install):
                continue  # the tool ran on the manifests alone (``gradlew downloadRepos``)
            if self._first_install.get((install.tool, install.primary), index) < copy.index:
                continue  # manifests installed on their own before: the usual good pattern
            if not self._settle(copy, install):
                continue
            chosen.append((copy, word, install))
        if not chosen:
            return self._between_finding(index, installs, between) if between else None
        chosen.sort(key=lambda item: (item[0].index, item[2].found.implicit))
        copy, word, install = chosen[0]
        wanted = [
            item[2]
            for item in chosen
            if item[0] is copy and item[2].found.implicit == install.found.implicit
        ]
        kind = source_kind(word[0], copy, self.context.context_dir)
        finding = InstallFinding(self.items[copy.index], word, kind)
        finding.run = self.items[index]
        finding.installs = wanted
        finding.implicit = install.found.implicit
        finding.proven = self.context.context_dir is not None
        finding.names = self._names(copy, wanted)
        finding.problem = self._problem(copy, wanted)
        if not finding.problem:
            self._plan(finding, index, copy, installs)
        return finding

    def _ran_before(self, index: int, install: Install) -> bool:
        """Whether a RUN before ``index`` ran the install's program at all."""
        names = set(install.found.installer.names)
        return any(position < index and names & ran for position, ran in self.programs)

    def _installed_first(self, install: Install, before: list[tuple[int, Install]]) -> bool:
        """Whether an install of the same package store ran before (then a build's own
        install finds everything in place)."""
        entry = ecosystem(install.found.installer.ecosystem)
        stores = set(entry.cache_directories()) if entry is not None else set()
        for _, other in before:
            if other.tool == install.tool:
                return True
            other_entry = ecosystem(other.found.installer.ecosystem)
            if other_entry is not None and stores & set(other_entry.cache_directories()):
                return True
        return False

    def _broad_copy(
        self, index: int, install: Install
    ) -> tuple[ContextCopy, tuple[str, int, int]] | None:
        """The first broad COPY before ``index`` that brings the install's main manifest
        (any of its patterns when the project is not named: ``dotnet restore``)."""
        context_dir = self.context.context_dir
        from lintlayers.model.context_copies import provided

        targets = install.required if install.found.open_manifests else [install.primary]
        self._index()
        best: tuple[int, int, ContextCopy, tuple[str, int, int]] | None = None
        for target in targets:
            # the sources that land in a folder above the target, not every COPY before
            # (quadratic in a stage of many COPYs and installs)
            parts = target.rstrip("/").split("/")
            for depth in range(len(parts) - 1, 0, -1):
                for position, order, copy, word, kind in self._broad.get(
                    "/".join(parts[:depth]), ()
                ):
                    if position >= index or (best is not None and (position, order) >= best[:2]):
                        break
                    if provided(copy, word[0], kind, target, context_dir) is not None:
                        best = (position, order, copy, word)
                        break
        return None if best is None else (best[2], best[3])

    def _tree(self, copy: ContextCopy) -> Tree:
        """The manifests as the broad ``copy`` brings them."""
        from lintlayers.model.manifests import Tree

        context_dir = self.context.context_dir or ""
        return Tree(context_dir, lambda path: brings(copy, path, context_dir, narrow=False))

    def _tree_before(self, index: int) -> Tree:
        """The manifests as the narrow COPYs before ``index`` bring them."""
        from lintlayers.model.manifests import Tree

        context_dir = self.context.context_dir or ""
        copies = [copy for copy in self.copies if copy.index < index]

        def source_of(path: str) -> str | None:
            for copy in reversed(copies):
                found = brings(copy, path, context_dir, narrow=True)
                if found is not None:
                    return found
            return None

        return Tree(context_dir, source_of)

    def _settle(self, copy: ContextCopy, install: Install) -> bool:
        """Refine the install from the manifests in the context; False if it needs sources.

        Without a context nothing can be read and the install is taken as the table
        says, but for a build of named files (``builds_named_files``), left alone. With
        it, a build that installs on the way needs its manifest and one that declares
        something to download (as LL107's ``downloads_nothing``). Patterns (``dotnet
        build``: ``*.csproj``) become the files that exist; requirement files add their
        includes, a Gemfile its gemspec, a solution its projects; a Poetry or uv project
        may have no package of its own to install.
        """
        if self.context.context_dir is None:
            # a program of named files (``go build main.go``) may import no module at all:
            # only its sources tell, and the fix's ``COPY go.mod go.sum`` would fail then
            return not install.named_files
        from lintlayers.model.manifests import declares_dependencies, follow, has_no_project

        tree = self._tree(copy)
        found = install.found
        entry = ecosystem(found.installer.ecosystem)
        if entry is None:
            return True
        if found.open_manifests:
            paths = [path for pattern in install.required for path in tree.glob(pattern)]
            if not paths:
                return False
            install.required = paths
            install.primary = paths[0]
        if found.installer.implicit:
            project = posixpath.dirname(install.primary)
            if any(
                tree.exists(posixpath.join(project, name)) for name in found.installer.skip_files
            ):
                return False  # ``vendor/modules.txt``: nothing to download
            if not tree.exists(install.primary):
                return False  # no manifest (a Go program outside a module): no downloads
        if entry.follow:
            more = follow(entry.follow, list(install.required), tree)
            if more.reads_sources:
                return False
            install.unknown = more.unknown  # kept as a finding without a fix
            install.required += [path for path in more.required if path not in install.required]
            install.optional += [path for path in more.optional if path not in install.optional]
        if (
            found.installer.implicit
            and not _names_more(found, entry)
            and not declares_dependencies(entry, install.required, tree)
        ):
            return False  # a ``go.mod`` without requirements: the build downloads nothing
        if found.installs_project and has_no_project(entry, tree.read(install.primary)):
            found.installs_project = False
        return True

    def _problem(self, copy: ContextCopy, installs: list[Install]) -> str:
        """Why the installs cannot go before the sources at all, or ``""``."""
        from lintlayers.model.manifests import problem

        context_dir = self.context.context_dir
        for install in installs:
            found = install.found
            if install.unknown:
                return install.unknown
            if found.installs_project:
                flags = " ".join(found.installer.deps_only[0])
                keyword = self.items[copy.index].effective.keyword
                return (
                    f"`{install.text}` also installs the project itself; install the "
                    f"dependencies with {flags} before the {keyword} and the project after it"
                )
            if found.installer.note:
                return found.installer.note
            entry = ecosystem(found.installer.ecosystem)
            if context_dir is None and entry is not None and entry.follow:
                from lintlayers.model.manifests import unknown_without_context

                reason = unknown_without_context(entry.follow, install.required)
                if reason:
                    return reason
            if found.implicit and found.project_dir != "." and not found.project_arg:
                return "the install names its folder with an option"
            if context_dir is not None:
                entry = ecosystem(found.installer.ecosystem)
                if entry is not None:
                    tree = self._tree(copy)
                    text = "\n".join(tree.read(path) for path in install.required)
                    reason = problem(entry, text)
                    if reason:
                        return reason
        return ""

    def _names(self, copy: ContextCopy, installs: list[Install]) -> list[str]:
        """The manifest files the installs read, for the message."""
        context_dir = self.context.context_dir
        paths: list[str] = []
        for install in installs:
            if install.found.open_manifests and any(GLOB.search(p) for p in install.required):
                paths.append("its project files")  # no context to tell which
            else:
                paths += install.required
        for install in installs:
            optional = install.optional
            if context_dir is not None:
                optional = [
                    path for path in optional if brings(copy, path, context_dir, narrow=False)
                ]
            paths.extend(optional[:1])
        return _names(paths)

    # -- a narrow COPY between the manifests and the install ---------------------------

    def _reads(self, index: int, installs: list[Install]) -> tuple[list[str], list[int]]:
        """What the installs of the RUN at ``index`` read (every one of them: one may read
        what another does not), and the indexes, in order, of the COPYs before it that
        bring one of those files through a file source: found once for the RUN, not for
        each of its installs (a RUN of many installs stays linear)."""
        context_dir = self.context.context_dir
        wanted: list[str] = []
        for other in installs:
            project = posixpath.dirname(other.primary)
            wanted += other.required
            wanted += [path for name in other.found.optional if (path := _entry(project, name))]
        bringing = {
            copy.index
            for path in dict.fromkeys(wanted)
            for copy in self._narrow_candidates(path)
            if copy.index < index and brings_path(copy, path, context_dir, True)
        }
        return wanted, sorted(bringing)

    def _between(
        self, index: int, install: Install, reads: tuple[list[str], list[int]]
    ) -> int | None:
        """The index of the last COPY of the install's manifests when only COPYs of other
        files (and metadata) stand between it and the install, else ``None``; ``reads``:
        what the RUN's installs read and the COPYs that bring it (``_reads``)."""
        context_dir = self.context.context_dir
        if install.found.installs_project or install.found.installer.note:
            return None
        if (install.tool, install.primary) in self._first_install:
            return None  # installed on their own by an earlier RUN
        wanted, bringing = reads
        last = -1
        for path in install.required:
            copies = [
                copy.index
                for copy in self._narrow_candidates(path)
                if copy.index < index and brings_path(copy, path, context_dir, True)
            ]
            if not copies:
                return None
            last = max(last, *copies)
        if bringing and bringing[-1] > last:  # lockfiles and settings copied after them
            last = bringing[-1]
        indexes = self._index()
        first, stop = bisect_right(indexes, last), bisect_left(indexes, index)
        others = self.copies[first:stop]
        if not others:
            return None
        entry = ecosystem(install.found.installer.ecosystem)
        patterns = (entry.manifests + entry.lockfiles) if entry is not None else ()
        # without the context, manifests may pull in files that only it tells (a
        # gemspec's version.rb, an included requirements file)
        if (
            context_dir is None
            and entry is not None
            and entry.follow in ("gemspec", "dotnet", "requirements")
            and (
                entry.follow != "requirements"
                or any(
                    source_kind(value, copy, None) == "file"
                    for copy in others
                    for value, _, _ in copy.sources
                )
            )
        ):
            return None
        also_reads = entry.also_reads if entry is not None else ()
        for copy in others:
            if context_dir is None and any(
                normal(value).split("/", 1)[0] in also_reads for value, _, _ in copy.sources
            ):
                return None  # the install may read it (``patches/``, a workspace folder)
            if copies_files_like(copy, patterns):
                return None  # more manifests (a referenced project, a replaced module)
            if any(brings_path(copy, path, context_dir, False) for path in wanted):
                return None  # it brings a file the install reads
        for position in range(last + 1, index):
            keyword = self.items[position].effective.keyword
            if keyword not in ("COPY", "ADD") and keyword not in METADATA:
                return None
        if context_dir is not None and self._narrow_problem(install, last + 1):
            return None
        return last

    def _narrow_candidates(self, path: str) -> list[ContextCopy]:
        """The COPYs that may bring ``path`` through a file source or a folder landing on
        it (``brings_path`` with ``narrow``): those landing in its folder or on it, in
        order; not every COPY before (quadratic in a stage of many COPYs and installs)."""
        self._index()
        target = path.rstrip("/")
        found = [
            *self._by_dest.get(posixpath.dirname(target), ()),
            *self._by_dest.get(target, ()),
        ]
        found.sort(key=lambda copy: copy.index)
        return found

    def _narrow_problem(self, install: Install, index: int) -> str:
        """What the manifests copied before ``index`` say against the install, or ``""``."""
        from lintlayers.model.manifests import follow, problem

        entry = ecosystem(install.found.installer.ecosystem)
        if entry is None:
            return ""
        tree = self._tree_before(index)
        if entry.follow:
            more = follow(entry.follow, list(install.required), tree)
            if more.reads_sources or more.unknown:
                return more.reads_sources or more.unknown
            if not all(tree.exists(path) for path in more.required):
                return "a file the manifests need is copied later"
        return problem(entry, "\n".join(tree.read(path) for path in install.required))

    def _between_finding(
        self, index: int, installs: list[Install], between: list[tuple[int, Install]]
    ) -> InstallFinding | None:
        last = max(position for position, _ in between)
        wanted = [install for position, install in between if position == last]
        copy = next(copy for copy in self.copies if last < copy.index < index)
        finding = InstallFinding(self.items[copy.index], copy.sources[0], "between")
        finding.run = self.items[index]
        finding.anchor = self.items[last + 1]
        finding.installs = wanted
        finding.proven = self.context.context_dir is not None
        paths = [path for install in wanted for path in install.required]
        for install in wanted:
            project = posixpath.dirname(install.primary)
            for name in install.found.optional:
                path = _entry(project, name)
                if path and any(
                    brings_path(copy, path, self.context.context_dir, True)
                    for copy in self.copies
                    if copy.index <= last
                ):
                    paths.append(path)
        finding.names = _names(paths)
        finding.blocker = self._other_commands(index, installs)
        return finding

    # -- the fix -------------------------------------------------------------------------

    def _plan(
        self, finding: InstallFinding, index: int, copy: ContextCopy, all_installs: list[Install]
    ) -> None:
        """Fill what the fix needs: the COPY lines, the restore command, or a blocker."""
        installs = finding.installs
        if finding.implicit:
            finding.blocker = self._between_implicit(index, copy)
        else:
            finding.blocker = self._between_move(index, copy)
            if not finding.blocker:
                finding.blocker = self._other_commands(index, all_installs)
            if not finding.blocker and any(i.found.reads_sources for i in all_installs):
                finding.blocker = "the RUN also builds the local project"
        files = self._files(copy, installs)
        if isinstance(files, str):
            finding.problem = files
            return
        finding.files = files
        from lintlayers.model.install_text import manifest_copy_lines, needs_quoting

        if any(needs_quoting(source) or needs_quoting(path) for source, path in files):
            finding.problem = "a path needs quoting"
            return
        workdir = self.workdirs[copy.index] or "/"
        broad = self.items[copy.index]
        text = self.context.source.text
        from lintlayers.syntax.layout import newline_of

        newline = newline_of(text, broad)
        if any("\0" in path for _, path in files) and copy.absolute:
            finding.problem = "the manifests land in a folder only the base image knows"
            return
        finding.copy_lines = "".join(
            manifest_copy_lines(text, broad, files, workdir, copy.absolute, newline)
        )
        if finding.implicit and not finding.blocker:
            run = self.items[index]
            finding.restore = self._restore_line(installs[0], workdir, broad, run, newline)
            if not finding.restore:
                finding.blocker = (
                    "the install runs in another folder under a shell lintlayers cannot write for"
                )

    def _files(self, copy: ContextCopy, installs: list[Install]) -> list[tuple[str, str]] | str:
        """(context path, image path) of each manifest to copy first, or why there is none."""
        context_dir = self.context.context_dir
        files: list[tuple[str, str]] = []
        for install in installs:
            wanted = [(path, True) for path in install.required]
            wanted += [(path, False) for path in install.optional]
            for path, required in wanted:
                source = brings(copy, path, context_dir, narrow=False)
                if source is None:
                    if required and not self._copied_before(copy, path):
                        return "a manifest comes from elsewhere"
                    continue
                if self._copied_before(copy, path):
                    continue
                if context_dir is None and not required and not GLOB.search(source):
                    if source.endswith("/"):
                        continue  # a folder that may be missing: no pattern copies it whole
                    source += "*"  # may be missing: BuildKit allows an empty wildcard
                if (source, path) not in files:
                    files.append((source, path))
        return files

    def _copied_before(self, broad: ContextCopy, path: str) -> bool:
        """Whether a narrow COPY before the broad one already brings ``path``."""
        context_dir = self.context.context_dir
        return any(
            brings(copy, path, context_dir, narrow=True)
            for copy in self._narrow_candidates(path)
            if copy.index < broad.index
        )

    def _between_move(self, index: int, copy: ContextCopy) -> str:
        """Why the install RUN cannot move above the COPY (something between), or ``""``."""
        location = self.context.source.location
        for position in range(copy.index + 1, index):
            between = self.items[position].effective
            if between.keyword not in METADATA:
                line = location(between.start).line
                return (
                    f"the {between.keyword} at line {line} stands between them and the "
                    "install cannot move above it"
                )
        return ""

    def _between_implicit(self, index: int, copy: ContextCopy) -> str:
        """Why an explicit install cannot run before the COPY in place of the build's own."""
        location = self.context.source.location
        for position in range(copy.index + 1, index):
            between = self.items[position].effective
            keyword = between.keyword
            if keyword in METADATA or keyword in ("COPY", "ADD", "WORKDIR"):
                continue
            if keyword == "RUN" and all(
                reads_no_project(command) for command in self.context.commands(between)
            ):
                continue
            line = location(between.start).line
            return f"the {keyword} at line {line} may change what the install needs"
        return ""

    def _other_commands(self, index: int, installs: list[Install]) -> str:
        """Why the RUN's other commands keep it after the sources, or ``""``."""
        run = self.items[index].effective
        here = {id(install.command) for install in installs}
        for command in self.context.commands(run):
            if id(command) in here or command.shell_depth:
                continue
            if not reads_no_project(command):
                text = " ".join(word.raw for word in command.words)[:40]
                return f"the RUN also runs `{text}`, which may need the sources; split it off"
        return ""

    def _restore_line(
        self, install: Install, workdir: str, broad: Instruction, run: Instruction, newline: str
    ) -> str:
        """``RUN <explicit install>`` to put before the broad COPY, or ``""``; it keeps the
        build's cache, secret and ssh mounts (``--mount=type=cache,target=/root/.nuget``)."""
        from lintlayers.model.install_text import needs_quoting

        found = install.found
        program = found.argv[0]
        if install.command is not None:
            words = install.command.effective().words
            program = words[0].raw if words else program
        argv = [program if word == "{program}" else word for word in found.installer.restore]
        if found.project_arg:
            raw = found.project_arg
            if install.command is not None:
                for word in install.command.words:
                    if word.value == found.project_arg:
                        raw = word.raw
                        break
            if needs_quoting(raw.strip("\"'")):
                return ""
            argv.append(raw)
        command = " ".join(argv)
        if install.cwd != workdir:
            if not _posix_stage(self.stage) or "\0" in install.cwd or needs_quoting(install.cwd):
                return ""  # not a POSIX shell, or a folder only the base image knows
            command = f"cd {install.cwd} && {command}"
        instruction = broad.effective
        prefix = self.context.source.text[broad.node_start : instruction.start]
        keyword = "RUN" if instruction.keyword_raw.isupper() else "run"
        flags = [flag.raw for flag in run.effective.flags if _kept_mount(flag.name, flag.value)]
        return f"{prefix}{' '.join([keyword, *flags, command])}{newline}"


def _image_too_old(stage: Stage, since: tuple[str, tuple[int, ...]] | None) -> bool:
    """Whether the stage's image is a tag of ``since``'s image older than its version
    (``golang:1.13``: GOPATH mode, no module download); unknown images are not."""
    if since is None:
        return False
    reference = stage.root_image.lower().split("@", 1)[0]
    last = reference.rpartition("/")[2]  # a registry's port stays before the last ``/``
    name, _, tag = last.partition(":")
    if name != since[0]:
        return False
    match = re.match(r"(\d+)\.(\d+)", tag)
    return match is not None and (int(match[1]), int(match[2])) < since[1]


def _kept_mount(name: str, value: str | None) -> bool:
    """Whether a RUN flag is a mount the explicit install needs too (not a bind mount,
    which brings files of the context)."""
    if name != "mount" or not value:
        return False
    from lintlayers.syntax.words import parse_csv_options

    options = dict(parse_csv_options(value))
    return (options.get("type") or "bind").lower() in ("cache", "secret", "ssh", "tmpfs")


def _programs(context: RuleContext, run: Instruction) -> set[str]:
    """The names of the programs a RUN runs (``./gradlew`` is ``gradlew``)."""
    if run.effective.json_args is not None:
        argv = run.effective.json_args
        return {argv[0].rpartition("/")[2]} if argv else set()
    found = set()
    for command in context.commands(run.effective):
        words = command.effective().words
        if words:
            found.add(words[0].value.rpartition("/")[2])
    return found


def implicit_off(installer: Installer, values: Mapping[str, str], stage: Stage) -> bool:
    """Whether a build's own install is off: the environment turns it off
    (``GOFLAGS=-mod=vendor``), or the stage's image predates it (the installer's
    ``since``: a ``golang`` tag before 1.16 builds in GOPATH mode)."""
    if _image_too_old(stage, installer.since):
        return True
    if any(
        values.get(name) == value
        for name, _, value in (item.partition("=") for item in installer.skip_env)
    ):
        return True
    flags_env = installer.flags_env
    if flags_env and flags_env in values:
        return any(flag in installer.skip_flags for flag in values[flags_env].split())
    return False


def downloads_nothing(
    run: RunEffects, index: int, found: InstallMatch, env: Mapping[str, str], files: StageFiles
) -> str:
    """Why the install command ``index`` of ``run`` surely downloads nothing, or ``""``.

    ``env``: the variables it runs with (``environment.command_environment``);
    ``files``: what the stage holds before the RUN (``stage_files``). A build whose own
    install the environment or the image's tag turns off (``GO111MODULE=off``,
    ``GOFLAGS=-mod=vendor``, ``golang:1.12``: ``implicit_off``);
    a build that downloads only what a lockfile lists, in a stage that holds none
    (``go.sum``); with the build context, a build of a project that vendors its
    dependencies (the table's ``skip_files``: ``vendor/modules.txt``) and an install whose
    manifests (and the files they pull in) declare nothing to download (the table's
    ``dependencies``). The last three hold only when the commands before it in the RUN
    put no file in the project."""
    installer = found.installer
    if found.implicit and implicit_off(installer, env, run.step.stage):
        return "the environment or the image's tag turns the build's own install off"
    if _local_project_alone(found):
        return "it installs the local project alone, without its dependencies"
    entry = ecosystem(installer.ecosystem)
    if entry is None or not _writes_no_project(run, index, files):
        return ""
    if found.implicit and entry.lockfile_required_to_download:
        flags_env = installer.flags_env
        given = [*found.argv, *env.get(flags_env, "").split()] if flags_env else []
        if not set(entry.unlocked_flags) & set(given) and files.holds_none(entry.lockfiles):
            return "the stage holds no lockfile, and without one the build downloads nothing"
    tree = files.tree()
    cwd = _known(run.cwds[index])
    if tree is None or cwd is None or not entry.dependencies or _names_more(found, entry):
        return ""
    from lintlayers.model.manifests import declares_dependencies

    paths = _manifests_read(found, cwd, env, entry, tree)
    if paths is None:
        return ""
    if found.implicit and any(
        tree.exists(posixpath.join(posixpath.dirname(path), name))
        for path in paths[:1]
        for name in installer.skip_files
    ):
        return "the project vendors its dependencies (vendor/modules.txt)"
    if declares_dependencies(entry, paths, tree):
        return ""
    return "its manifests declare no dependencies"


def builds_named_files(found: InstallMatch, tools_before: AbstractSet[str] = frozenset()) -> bool:
    """Whether a build is given source files alone (``go build -o app main.go``: the
    installer's ``source_files``), a program of those files whose imports, the standard
    library's alone as often as not, only its sources tell. Not when its tool worked on
    the project before it in the RUN (``tools_before``, by ``package_managers.project_tool``:
    ``go mod tidy && go build main.go``, the program is a module's)."""
    installer = found.installer
    if not installer.source_files or not found.argv:
        return False
    files = _operands(found)
    if not files or not all(name.endswith(installer.source_files) for name in files):
        return False
    return posixpath.basename(found.argv[0]) not in tools_before


_NO_DEPENDENCIES = frozenset({"--no-deps", "--no-dependencies"})
"""pip's flags that install what is named and nothing it depends on."""


def _local_project_alone(found: InstallMatch) -> bool:
    """Whether a ``pip install --no-deps`` names local paths alone (``.``, ``./pkg``, ``-e
    .``) and no requirement file: it builds the project (its build backend aside: a few
    small wheels) and fetches none of its dependencies (sqlfluff's Dockerfile, after the
    dependencies' own install)."""
    if found.installer.ecosystem != "pip":
        return False
    from lintlayers.model.package_managers import split_arguments

    positionals, options = split_arguments(found.argv[1:], found.installer)
    names = {name for name, _ in options}
    if not names & _NO_DEPENDENCIES or names & set(found.installer.manifest_options):
        return False
    targets = positionals[1:]
    return bool(targets) and all(target.startswith((".", "/")) for target in targets)


def _writes_no_project(run: RunEffects, index: int, files: StageFiles) -> bool:
    """Whether the commands of ``run`` before ``index`` surely put no file in the
    project: shell built-ins, system package managers, installs that download nothing
    (``go run`` twice: the first adds no requirement)."""
    from lintlayers.model.ecosystems import ecosystem_of_program
    from lintlayers.model.package_managers import NEUTRAL_COMMANDS

    for position, command in enumerate(run.commands[:index]):
        name = command.name
        if not command.words or name in NEUTRAL_COMMANDS:
            continue  # a line of redirections alone (``RUN <<EOT``), a shell built-in
        entries = ecosystem_of_program(name)
        if entries and not any(entry.reads_context for entry in entries):
            continue
        found = match_any([word.value for word in command.words])
        env = run.command_env(position)  # without the stage's scope: it may say less
        if found is None or not downloads_nothing(run, position, found, env, files):
            return False
    return True


def _operands(found: InstallMatch) -> list[str]:
    """The positional words of an install after its subcommand (``go build -o x main.go``:
    ``main.go``; ``pip install flask``: ``flask``)."""
    from lintlayers.model.package_managers import split_arguments

    positionals, _ = split_arguments(found.argv[1:], found.installer)
    longest = max(
        (
            len(words)
            for words in found.installer.subcommands
            if tuple(positionals[: len(words)]) == words
        ),
        default=0,
    )
    return positionals[longest:]


def _names_more(found: InstallMatch, entry: Ecosystem) -> bool:
    """Whether the install's own words ask for more than its manifests declare: one of
    the table's ``dependency_flags``, or packages named on the command line."""
    for word in found.argv[1:]:
        for flag in entry.dependency_flags:
            if word == flag or (flag.endswith(":") and word.startswith(flag)):
                return True
    installer = found.installer
    if not installer.extra_args or installer.local_only or installer.positional_manifests:
        return False
    rest = _operands(found)
    return bool(rest[1:] if installer.project_positional else rest)


def _manifests_read(
    found: InstallMatch, cwd: str, env: Mapping[str, str], entry: Ecosystem, tree: Tree
) -> list[str] | None:
    """The image paths of the files an install reads, as the build context shows them:
    its manifests (patterns settled), the lockfiles and settings beside them, what the
    manifests pull in; ``None`` when a manifest is missing or the answer is unknown."""
    from lintlayers.model.manifests import follow

    env = env if isinstance(env, dict) else dict(env)
    project_dir = expand_known(found.project_dir, env)
    project = resolve(cwd, project_dir) if project_dir is not None else None
    if project is None:
        return None
    base = project if found.installer.required else cwd
    paths: list[str] = []
    for name in found.manifests:
        value = expand_known(name, env)
        path = resolve(base, value) if value is not None else None
        if path is None:
            return None
        if found.open_manifests:
            paths += [item for item in tree.glob(path) if item not in paths]
        elif tree.exists(path):
            paths.append(path)
        else:
            return None
    if not paths:
        return None
    for name in found.optional:
        path = _entry(project, name)
        if path and not path.endswith("/") and tree.exists(path) and path not in paths:
            paths.append(path)
    if entry.follow:
        more = follow(entry.follow, list(paths), tree)
        if more.reads_sources or more.unknown:
            return None
        paths += [path for path in more.required + more.optional if path not in paths]
    return paths


def _posix_stage(stage: Stage) -> bool:
    """Whether the stage's RUNs run under a POSIX shell (no SHELL, not a Windows base)."""
    from lintlayers.model.state import names_windows_image

    if any(instruction.keyword == "SHELL" for instruction in stage.instructions):
        return False
    return not names_windows_image(stage.base or "")


def _entry(base: str, name: str) -> str | None:
    """A table entry made absolute, keeping the ``/`` that marks a directory."""
    path = resolve(base, name)
    if path is None or not name.endswith("/"):
        return path
    return path.rstrip("/") + "/"


def _names(paths: list[str]) -> list[str]:
    names = []
    for path in paths:
        name = posixpath.basename(path.rstrip("/")) + ("/" if path.endswith("/") else "")
        if name not in names:
            names.append(name)
    return names


def join_names(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if not names:
        return "nothing new"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


BUILD_COMMANDS = frozenset(
    {"gcc", "g++", "cc", "c++", "clang", "clang++", "make", "cmake", "ninja", "meson",
     "configure", "pecl", "docker-php-ext-install", "cpanm", "node-gyp"}
)  # fmt: skip
"""Commands that build native code with the compilers and headers an image holds."""


def may_compile(command: SimpleCommand) -> bool:
    """Whether ``command`` may build native code: a compiler or build tool
    (``BUILD_COMMANDS``), a language's build (``go get`` in GOPATH mode builds what it
    fetches), or a language package install, which compiles the extensions it has no
    binary for (``pip install pyodbc`` on Python 2.7, ``gem install``, ``npm ci``); not
    pip upgrading its own pure-Python tools (``pip install --upgrade pip``)."""
    from lintlayers.model.ecosystems import ecosystem_of_program
    from lintlayers.model.package_commands import pip_install_requirements
    from lintlayers.model.size_estimates import pip_tools_only

    name = command.name.rpartition("/")[2]
    if name in BUILD_COMMANDS:
        return True
    actions = {word.value for word in command.words[1:3]}
    entries = ecosystem_of_program(name) or ecosystem_of_program(name.rstrip("0123456789."))
    if not any(not entry.system and bool(actions & _building_actions(entry)) for entry in entries):
        return False
    if "install" in actions and not command.has_flag("-r", "--requirement", "-e", "--editable"):
        packages = pip_install_requirements(command)
        return not (packages and pip_tools_only(packages))
    return True


@functools.cache
def _building_actions(entry: Ecosystem) -> frozenset[str]:
    """The first words of an ecosystem's commands that may compile: its installs, its
    builds and the builds that install first (``go get``, ``go run``)."""
    found = set(entry.adds or ())
    found.update(words[0] for words in entry.builds if words)
    for installer in entry.implicit:
        found.update(words[0] for words in installer.subcommands if words)
    return frozenset(found)
