"""LL101 broad-copy-before-install."""

from __future__ import annotations

import posixpath
import re

from lintlayers.diagnostics import UNSAFE, Edit, Fix, Violation
from lintlayers.model.package_managers import PYTHON_ANY_VERSION, match_install, normalize_argv
from lintlayers.model.variables import expand, referenced_names
from lintlayers.rule import Rule
from lintlayers.syntax.layout import comment_block as _comment_block
from lintlayers.syntax.layout import is_kind as _is_kind
from lintlayers.syntax.layout import newline_of as _newline
from lintlayers.syntax.layout import node_end as _end
from lintlayers.syntax.layout import node_start as _start
from lintlayers.syntax.nodes import Trivia
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lintlayers.context import RuleContext
    from lintlayers.model.package_managers import InstallMatch
    from lintlayers.model.stages import BuildModel, Scope, Stage
    from lintlayers.shell.commands import SimpleCommand
    from lintlayers.syntax.nodes import Instruction

METADATA = frozenset(
    {"LABEL", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "MAINTAINER"}
)
"""Instructions an install RUN may move above without changing what it does."""

SAFE_COMMANDS = frozenset(
    {
        "cd",
        "pushd",
        "popd",
        "set",
        "true",
        ":",
        "echo",
        "printf",
        "mkdir",
        "rm",
        "export",
        "ls",
        "pwd",
        "test",
        "[",
        "sleep",
        "umask",
        "which",
        "id",
        "whoami",
        "date",
        "corepack",
        "apt-get",
        "apt",
        "apk",
        "yum",
        "dnf",
        "microdnf",
        "zypper",
    }
)
"""Commands that read no file of the build context (system package managers included)."""

TOOL_SETUP = frozenset(
    {
        ("npm", "config"),
        ("npm", "cache"),
        ("npm", "set"),
        ("yarn", "config"),
        ("yarn", "cache"),
        ("yarn", "global"),
        ("pnpm", "config"),
        ("pnpm", "store"),
        ("pip", "config"),
        ("pip", "cache"),
        ("poetry", "config"),
        ("bundle", "config"),
        ("composer", "config"),
        ("go", "env"),
        ("gem", "install"),
        ("gem", "update"),
        ("uv", "venv"),
        ("python", "venv"),
    }
)
"""``(tool, subcommand)`` pairs that set a tool up without reading the project."""

KNOWN_FILES = frozenset(
    {
        "Makefile",
        "Dockerfile",
        "LICENSE",
        "README",
        "VERSION",
        "Procfile",
        "Gemfile",
        "Pipfile",
        "Rakefile",
        "Jenkinsfile",
        "Vagrantfile",
        "gradlew",
        "mvnw",
        "entrypoint",
        "NOTICE",
    }
)
"""Names without a dot that are files, not directories."""

_GLOB = re.compile(r"[*?\[]")
_ARCHIVE = re.compile(r"\.(tar|tgz|tbz2?|txz|gz|bz2|xz|zst|zip)$")
_INSTALL_SCRIPTS = re.compile(r'"(preinstall|install|postinstall|prepare)"\s*:')
_MAX_INCLUDES = 8
_LOCAL_REQUIREMENT = re.compile(r"(\.{1,2}(/|$)|/|file:)|[\w.-]+/(?!/)")


class BroadCopyBeforeInstall(Rule):
    """Reports a broad COPY that comes before a dependency install reading only manifests.

    ## What it does
    Reports `COPY .` (or `./`, `*`, or a directory holding the manifests) from
    the build context when a later RUN of the same stage installs dependencies
    from manifest files only: `pip install -r`, `uv sync`, `poetry install`,
    `pipenv install`, `npm ci`, `npm install`, `yarn`, `pnpm install`,
    `go mod download`, `cargo fetch`, `mvn dependency:go-offline`,
    `gradle dependencies`, `bundle install`, `composer install`. It stays quiet
    when the manifests were copied and installed on their own before the broad
    COPY, or when the install builds the project itself (`pip install .`).

    ## Why it matters
    A COPY's cache key is the checksum of everything it copies: with the whole
    context, any edited source file, README or test misses the cache, and the
    install after it re-runs and downloads every dependency again. Copying the
    manifests first and installing before the broad COPY keeps the install
    cached until a manifest changes.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir -r requirements.txt
    CMD ["python", "app.py"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY requirements.txt ./
    RUN pip install --no-cache-dir -r requirements.txt
    COPY . .
    CMD ["python", "app.py"]
    ```

    ## Fix
    Unsafe: inserts before the broad COPY a COPY of just the manifests (with the
    same `--chown`/`--chmod`/`--link`) and moves the install RUN to just after
    it. Offered only when nothing but metadata stands between the broad COPY
    and the install and the RUN runs nothing else that could need the sources.
    It changes which files exist when the install runs: an install hook, a
    workspace member or a settings file the rule does not know about may be
    missing then. With `context_dir` the manifests that really exist are copied;
    without it the usual lockfile is copied as an optional `name*` pattern.
    """

    code = "LL101"
    name = "broad-copy-before-install"
    category = "cache"
    severity = "warning"
    summary = "COPY of the whole context before a dependency install that needs only manifests"

    def check(self, context: RuleContext) -> Iterator[Violation]:
        model = context.model
        finals: dict[int, str | None] = {}
        for stage in model.stages:
            own = _Sequence(context, _inherited_workdir(model, stage, finals))
            triggers: _Sequence | None = None
            for item, scope in model.walk(stage):  # scopes are not kept: they can be large
                if item.inner is None:
                    own.add(item, scope)
                    continue
                if triggers is None:
                    triggers = _Sequence(context, _final_workdir(model, stage, finals))
                triggers.add(item, None)  # triggers run in a child build: no scope known
            yield from own.check()
            if triggers is not None:
                yield from triggers.check()


def _inherited_workdir(model: BuildModel, stage: Stage, finals: dict[int, str | None]) -> str:
    base = stage.base_stage
    if base is None or base is stage or base.index >= stage.index:
        return "/"
    return _final_workdir(model, base, finals) or "/"


def _final_workdir(model: BuildModel, stage: Stage, finals: dict[int, str | None]) -> str | None:
    """The WORKDIR a stage ends with (``None`` when a variable makes it unknown)."""
    if stage.index in finals:
        return finals[stage.index]
    finals[stage.index] = None  # guards against cycles
    workdir: str | None = _inherited_workdir(model, stage, finals)
    escape = model.dockerfile.escape
    for instruction, scope in model.walk(stage):
        if instruction.keyword == "WORKDIR" and instruction.words:
            value = _expand(instruction.words[0].value, scope.values(), escape)
            workdir = _resolve(workdir, value) if value is not None else None
    finals[stage.index] = workdir
    return workdir


class _Copy:
    """A COPY/ADD from the build context: its sources and where they land."""

    __slots__ = ("absolute", "dest", "dest_dir", "index", "sources")

    def __init__(
        self, index: int, sources: list[tuple[str, int, int]], dest: str, raw_dest: str
    ) -> None:
        self.index = index
        self.sources = sources  # (context path as written, start, end)
        self.dest = dest  # absolute, normalized
        self.absolute = raw_dest.startswith("/")  # how the Dockerfile wrote it
        self.dest_dir = (
            raw_dest.endswith("/")
            or raw_dest in (".", "./")
            or len(sources) > 1
            or any(_GLOB.search(value) for value, _, _ in sources)
        )


class _Install:
    """One dependency install in a RUN, with its manifest paths resolved in the image."""

    __slots__ = ("command", "found", "optional", "primary", "required", "text")

    def __init__(self, found: InstallMatch, command: SimpleCommand | None, text: str) -> None:
        self.found = found
        self.command = command
        self.text = text
        self.required: list[str] = []  # absolute paths (globs allowed in the name)
        self.optional: list[str] = []
        self.primary = ""


class _Sequence:
    """Instructions that run one after another, with the WORKDIR before each."""

    __slots__ = ("context", "copies", "installs", "items", "workdir", "workdirs")

    def __init__(self, context: RuleContext, workdir: str | None) -> None:
        self.context = context
        self.workdir = workdir  # after the last instruction added
        self.items: list[Instruction] = []
        self.workdirs: list[str | None] = []  # before each instruction
        self.copies: list[_Copy] = []
        self.installs: list[tuple[int, list[_Install]]] = []

    def add(self, outer: Instruction, scope: Scope | None) -> None:
        """Record one instruction; ``scope`` holds the variables in effect before it."""
        index = len(self.items)
        self.items.append(outer)
        workdir = self.workdir
        self.workdirs.append(workdir)
        instruction = outer.effective
        keyword = instruction.keyword
        if keyword not in ("WORKDIR", "COPY", "ADD", "RUN"):
            return
        values = scope.values() if scope is not None else {}
        escape = self.context.dockerfile.escape
        if keyword == "WORKDIR" and instruction.words:
            value = _expand(instruction.words[0].value, values, escape)
            self.workdir = _resolve(workdir, value) if value is not None else None
        elif keyword == "RUN":
            installs = self._installs(instruction, workdir, values)
            if installs:
                self.installs.append((index, installs))
        elif not instruction.has_flag("from"):
            copy = _context_copy(index, instruction, workdir, values, escape)
            if copy is not None:
                self.copies.append(copy)

    def check(self) -> Iterator[Violation]:
        before: list[tuple[int, _Install]] = []
        for index, installs in self.installs:
            found = self._finding(index, installs, before)
            before.extend((index, install) for install in installs)
            if found is not None:
                yield found

    def _installs(
        self, run: Instruction, workdir: str | None, values: dict[str, str]
    ) -> list[_Install]:
        """The dependency installs of a RUN, with manifests resolved against its cwd."""
        found: list[_Install] = []
        if workdir is None:
            return found
        context_dir = self.context.context_dir
        if run.json_args is not None:  # exec form: the argv itself
            match = match_install(run.json_args)
            if match is not None:
                install = _Install(match, None, " ".join(run.json_args))
                if _resolve_manifests(install, workdir, values, context_dir):
                    found.append(install)
            return found
        text = self.context.source.text
        for script in self.context.scripts(run):
            cwd: str | None = workdir
            for command in sorted(script.commands, key=lambda item: item.start):
                view = command.effective()
                if view.name in ("cd", "pushd"):
                    cwd = _cd(cwd, view, values)
                    continue
                match = match_install([word.value for word in view.words])
                if match is None or cwd is None:
                    continue
                start = script.file_offset(command.start)
                end = script.file_end(command.end)
                install = _Install(match, command, " ".join(text[start:end].split()))
                if _resolve_manifests(install, cwd, values, context_dir):
                    found.append(install)
        return found

    def _finding(
        self, index: int, installs: list[_Install], before: list[tuple[int, _Install]]
    ) -> Violation | None:
        """The violation for the install RUN at ``index``, if a broad COPY precedes it."""
        chosen: list[tuple[_Copy, tuple[str, int, int], _Install]] = []
        for install in installs:
            if install.found.reads_sources:
                continue
            broad = self._broad_copy(index, install)
            if broad is None:
                continue
            copy, word = broad
            if any(
                earlier < copy.index
                and other.found.installer.tool == install.found.installer.tool
                and other.primary == install.primary
                for earlier, other in before
            ):
                continue  # manifests installed on their own before: the usual good pattern
            if self.context.context_dir is not None and not self._read_manifests(copy, install):
                continue
            chosen.append((copy, word, install))
        if not chosen:
            return None
        chosen.sort(key=lambda item: item[0].index)
        copy, word, install = chosen[0]
        wanted = [item for item in chosen if item[0] is copy]
        reason, fix = self._fix(index, copy, [item[2] for item in wanted], installs)
        message = self._message(index, copy, word, [item[2] for item in wanted], reason)
        return Violation(word[1], word[2], message, fix)

    def _broad_copy(
        self, index: int, install: _Install
    ) -> tuple[_Copy, tuple[str, int, int]] | None:
        """The first broad COPY before ``index`` that brings the install's main manifest."""
        context_dir = self.context.context_dir
        for copy in self.copies:
            if copy.index >= index:
                break
            for word in copy.sources:
                kind = _source_kind(word[0], copy, context_dir)
                if kind == "file":
                    continue
                if _provided(copy, word[0], kind, install.primary, context_dir) is not None:
                    return copy, word
        return None

    def _context_path(self, copy: _Copy, target: str) -> str | None:
        """The context path through which the broad ``copy`` brings ``target``."""
        context_dir = self.context.context_dir
        for word in copy.sources:
            kind = _source_kind(word[0], copy, context_dir)
            if kind != "file":
                found = _provided(copy, word[0], kind, target, context_dir)
                if found is not None:
                    return found
        return None

    def _read_manifests(self, copy: _Copy, install: _Install) -> bool:
        """Refine the install from the manifests in the context; False if it needs sources.

        Requirement files may include others (``-r base.txt``) or name the local
        project (``-e .``); a Gemfile may read a gemspec; a Poetry or uv project
        may have no package of its own to install.
        """
        context_dir = self.context.context_dir or ""
        found = install.found
        tool = found.installer.tool
        if not found.installer.required:  # requirement files
            queue = list(install.required)
            seen = 0
            while queue and seen < _MAX_INCLUDES:
                path = queue.pop(0)
                seen += 1
                source = self._context_path(copy, path)
                text = _read(context_dir, source) if source else ""
                for line in text.splitlines():
                    entry = line.split(" #", 1)[0].strip()
                    option, _, value = entry.replace("=", " ", 1).partition(" ")
                    if option in ("-r", "--requirement", "-c", "--constraint"):
                        included = _resolve(posixpath.dirname(path), value.strip())
                        if included and included not in install.required:
                            install.required.append(included)
                            queue.append(included)
                    elif option in ("-e", "--editable") or _LOCAL_REQUIREMENT.match(entry):
                        return False
            return True
        text = _read(context_dir, self._context_path(copy, install.primary) or "")
        if tool == "bundler" and re.search(r"^\s*gemspec\b", text, re.MULTILINE):
            return False
        if tool == "poetry" and re.search(r"package-mode\s*=\s*false", text):
            found.installs_project = False
        if (
            tool == "uv"
            and text
            and ("[build-system]" not in text or re.search(r"\bpackage\s*=\s*false", text))
        ):
            found.installs_project = False
        return True

    def _message(
        self,
        index: int,
        copy: _Copy,
        word: tuple[str, int, int],
        installs: list[_Install],
        reason: str,
    ) -> str:
        instruction = self.items[copy.index].effective
        keyword = instruction.keyword
        source = word[0]
        kind = _source_kind(source, copy, self.context.context_dir)
        if kind == "all":
            what, changes = "the whole build context", "any file of the context"
        elif kind == "top":
            what, changes = "every top-level file and directory", "any of them"
        else:
            what, changes = f"the whole {source} directory", f"any file under {source}"
        run = self.items[index].effective
        line = self.context.source.location(run.start).line
        paths = [path for install in installs for path in install.required]
        for install in installs:
            optional = install.optional
            if self.context.context_dir is not None:
                optional = [path for path in optional if self._context_path(copy, path)]
            paths.extend(optional[:1])
        names = _names(paths)
        first = installs[0].text
        if len(first) > 60:
            first = first[:57] + "..."
        needs = "which needs only"
        if any(install.found.installs_project for install in installs):
            needs = "whose dependencies come only from"
        message = (
            f"`{keyword} {source}` copies {what} before `{first}` (line {line}), {needs} "
            f"{names}: a change to {changes} re-runs the install. Copy the manifests "
            f"first and install before this {keyword}"
        )
        return f"{message} ({reason})" if reason else message

    def _fix(
        self, index: int, copy: _Copy, installs: list[_Install], all_installs: list[_Install]
    ) -> tuple[str, Fix | None]:
        """Why the install cannot move (or ``""``) and the fix when it can."""
        context = self.context
        location = context.source.location
        for install in installs:
            found = install.found
            if found.installs_project:
                flags = " ".join(found.installer.deps_only[0])
                return (
                    f"no automatic fix: `{install.text}` also installs the project itself; "
                    f"install the dependencies with {flags} before the {self._keyword(copy)} "
                    "and the project after it"
                ), None
            if found.installer.note:
                return f"no automatic fix: {found.installer.note}", None
            if context.context_dir is not None:
                paths = [self._context_path(copy, path) for path in install.required]
                problem = _context_problem(found, context.context_dir, paths)
                if problem:
                    return f"no automatic fix: {problem}", None
        for position in range(copy.index + 1, index):
            between = self.items[position].effective
            if between.keyword not in METADATA:
                line = location(between.start).line
                return (
                    f"no automatic fix: the {between.keyword} at line {line} stands between "
                    "them and the install cannot move above it"
                ), None
        run = self.items[index].effective
        installs_here = {id(install.command) for install in all_installs}
        for command in context.commands(run):
            if id(command) in installs_here or command.shell_depth:
                continue
            if not _independent(command):
                text = " ".join(word.raw for word in command.words)[:40]
                return (
                    f"no automatic fix: the RUN also runs `{text}`, which may need the "
                    "sources; split it off"
                ), None
        if any(install.found.reads_sources for install in all_installs):
            return "no automatic fix: the RUN also builds the local project", None
        return self._build_fix(index, copy, installs)

    def _keyword(self, copy: _Copy) -> str:
        return self.items[copy.index].effective.keyword

    def _build_fix(
        self, index: int, copy: _Copy, installs: list[_Install]
    ) -> tuple[str, Fix | None]:
        context = self.context
        context_dir = context.context_dir
        workdir = self.workdirs[copy.index] or "/"
        files: list[tuple[str, str]] = []  # (context path, absolute destination)
        for install in installs:
            wanted = [(path, True) for path in install.required]
            wanted += [(path, False) for path in install.optional]
            for path, required in wanted:
                source = None
                for word in copy.sources:
                    kind = _source_kind(word[0], copy, context_dir)
                    if kind != "file":
                        source = _provided(copy, word[0], kind, path, context_dir)
                    if source is not None:
                        break
                if source is None:
                    if required and not self._copied_before(copy, path):
                        return "no automatic fix: a manifest comes from elsewhere", None
                    continue
                if self._copied_before(copy, path):
                    continue
                if context_dir is None and not required and not _GLOB.search(source):
                    source += "*"  # may be missing: BuildKit allows an empty wildcard
                if (source, path) not in files:
                    files.append((source, path))
        if any(_unsafe_path(source) or _unsafe_path(path) for source, path in files):
            return "no automatic fix: a path needs quoting", None
        dockerfile = context.dockerfile
        text = context.source.text
        broad_outer = self.items[copy.index]
        run_outer = self.items[index]
        newline = _newline(text, broad_outer)
        lines = _copy_lines(text, broad_outer, files, workdir, copy.absolute, newline)
        nodes = dockerfile.nodes
        position = {id(node): number for number, node in enumerate(nodes)}
        insert_at = _start(nodes[_comment_block(nodes, position[id(broad_outer)])])
        run_index = position[id(run_outer)]
        run_first = _comment_block(nodes, run_index)
        block = text[_start(nodes[run_first]) : run_outer.node_end]
        delete_start = _start(nodes[run_first])
        delete_end = run_outer.node_end
        if not block.endswith("\n"):
            block += newline
            if delete_start > 0 and text[delete_start - 1] == "\n":
                delete_start -= 2 if text[max(delete_start - 2, 0)] == "\r" else 1
        elif (
            run_first > 0
            and _is_kind(nodes[run_first - 1], Trivia.BLANK)
            and run_index + 1 < len(nodes)
            and _is_kind(nodes[run_index + 1], Trivia.BLANK)
        ):
            delete_end = _end(nodes[run_index + 1])  # keep one blank line, not two
        if delete_start < insert_at:
            return "no automatic fix: the install is not below the COPY", None
        edits = [Edit.insert(insert_at, "".join(lines) + block)]
        edits.append(Edit.delete(delete_start, delete_end))
        names = _names([source for source, _ in files]) if files else "nothing new"
        return "", Fix(f"Copy {names} first and install before the broad COPY", edits, UNSAFE)

    def _copied_before(self, broad: _Copy, path: str) -> bool:
        """Whether a narrow COPY before the broad one already brings ``path``."""
        context_dir = self.context.context_dir
        for copy in self.copies:
            if copy.index >= broad.index:
                return False
            for word in copy.sources:
                kind = _source_kind(word[0], copy, context_dir)
                if kind == "file" and _provided(copy, word[0], kind, path, context_dir):
                    return True
        return False


def _context_copy(
    index: int, instruction: Instruction, workdir: str | None, values: dict[str, str], escape: str
) -> _Copy | None:
    """The COPY/ADD from the build context at ``index``, or ``None``."""
    if instruction.heredocs or workdir is None:
        return None
    if instruction.json_args is not None:
        if len(instruction.json_args) < 2:
            return None
        words = _json_words(instruction, instruction.json_args)
    else:
        words = [(word.value, word.start, word.end) for word in instruction.words]
    if len(words) < 2:
        return None
    dest_raw = _expand(words[-1][0], values, escape)
    if dest_raw is None:
        return None
    sources = []
    for raw, start, end in words[:-1]:
        value = _expand(raw, values, escape)
        if value is None:
            continue
        lowered = value.lower()
        if "://" in value or lowered.startswith("git@"):
            continue
        if instruction.keyword == "ADD" and _ARCHIVE.search(lowered):
            continue
        sources.append((value, start, end))
    if not sources:
        return None
    dest = _resolve(workdir, dest_raw)
    if dest is None:
        return None
    return _Copy(index, sources, dest, dest_raw)


def _json_words(instruction: Instruction, values: list[str]) -> list[tuple[str, int, int]]:
    """Exec-form arguments with the file range of each string (its quotes excluded)."""
    words = []
    arguments = instruction.arguments
    position = 0
    for value in values:
        index = arguments.find(f'"{value}"', position)
        if index < 0:
            words.append((value, instruction.start, instruction.end))
            continue
        start = instruction.arguments_offset(index + 1)
        end = instruction.arguments_end(index + 1 + len(value))
        words.append((value, start, end))
        position = index + len(value) + 2
    return words


def _normal(source: str) -> str:
    """A context path without leading ``./`` or ``/`` (``""`` for the whole context)."""
    path = posixpath.normpath("/" + source.strip()).lstrip("/")
    return "" if path == "." else path


def _source_kind(source: str, copy: _Copy, context_dir: str | None) -> str:
    """``all`` (the context), ``top`` (``*``), ``dir``, or ``file`` (globs included)."""
    path = _normal(source)
    if path == "":
        return "all"
    if path == "*":
        return "top"
    if _GLOB.search(path):
        return "file"
    if context_dir is not None:
        import os

        full = os.path.join(context_dir, path)
        if os.path.isdir(full):
            return "dir"
        if os.path.exists(full):
            return "file"
    if source.endswith("/"):
        return "dir"
    base = posixpath.basename(path)
    if "." in base or base in KNOWN_FILES or len(copy.sources) > 1:
        return "file"
    return "dir" if posixpath.basename(copy.dest) == base else "file"


def _provided(
    copy: _Copy, source: str, kind: str, target: str, context_dir: str | None
) -> str | None:
    """The context path through which this source brings ``target`` (absolute), or None.

    ``target`` may end in ``/`` (a directory) and its name may be a glob.
    """
    is_dir = target.endswith("/")
    target = target.rstrip("/")
    path = _normal(source)
    dest = copy.dest
    if kind == "file":
        base = posixpath.basename(path)
        name = posixpath.basename(target)
        parent = posixpath.dirname(target)
        if is_dir:
            return None
        if copy.dest_dir or posixpath.basename(dest) != base:
            matches = parent == dest and _name_matches(base, name)
        else:
            matches = target == dest or (parent == dest and _name_matches(base, name))
        if not matches:
            return None
        if _GLOB.search(base) and not _GLOB.search(name):
            return posixpath.join(posixpath.dirname(path), name) if "/" in path else name
        return path
    prefix = dest.rstrip("/") + "/"
    if not target.startswith(prefix) or target == dest:
        return None
    relative = target[len(prefix) :]
    if kind == "top" and "/" in relative:
        return None
    found = posixpath.join(path, relative) if kind == "dir" else relative
    if context_dir is not None and not _exists(context_dir, found, is_dir):
        return None
    return found + "/" if is_dir else found


def _name_matches(pattern: str, name: str) -> bool:
    from fnmatch import fnmatchcase

    return fnmatchcase(name, pattern) or fnmatchcase(pattern, name) or pattern == name


def _exists(context_dir: str, path: str, is_dir: bool) -> bool:
    import glob
    import os

    full = os.path.join(context_dir, path)
    if _GLOB.search(path):
        return bool(glob.glob(full))
    return os.path.isdir(full) if is_dir else os.path.isfile(full)


def _expand(value: str, values: dict[str, str], escape: str = "\\") -> str | None:
    """``value`` with the variables in scope substituted; ``None`` if one is unknown."""
    if "$" not in value:
        return value
    if referenced_names(value) - values.keys():
        return None
    return expand(value, values, escape)


def _resolve(base: str | None, path: str) -> str | None:
    """``path`` made absolute against ``base`` (``None`` when unknown)."""
    if "$" in path or "\\" in path or re.match(r"[A-Za-z]:", path):
        return None
    if not path.startswith("/"):
        if base is None:
            return None
        path = posixpath.join(base, path)
    return "/" + posixpath.normpath(path).lstrip("/")


def _cd(cwd: str | None, command: SimpleCommand, values: dict[str, str]) -> str | None:
    positional = command.positional_args()
    if not positional:
        return None  # ``cd`` alone goes home
    target = _expand(positional[0], values)
    if target is None or target.startswith("~"):
        return None
    return _resolve(cwd, target)


def _resolve_manifests(
    install: _Install, cwd: str, values: dict[str, str], context_dir: str | None
) -> bool:
    """Fill the install's absolute manifest paths; False when they cannot be known."""
    found = install.found
    project_dir = _expand(found.project_dir, values)
    project = _resolve(cwd, project_dir) if project_dir is not None else None
    if project is None:
        return False
    requirement_files = not found.installer.required
    base = cwd if requirement_files else project
    paths = []
    for name in found.manifests:
        value = _expand(name, values)
        resolved = _resolve(base, value) if value is not None else None
        if resolved is None:
            return False
        paths.append(resolved)
    if not paths:
        return False
    install.primary = paths[0]
    install.required = paths
    install.optional = [path for name in found.optional if (path := _entry(project, name))]
    if context_dir is None and found.optional:
        install.optional = install.optional[:1]  # the usual lockfile, as a pattern
    install.required += [path for name in found.wrapper if (path := _entry(cwd, name))]
    return True


def _entry(base: str, name: str) -> str | None:
    """A table entry made absolute, keeping the ``/`` that marks a directory."""
    path = _resolve(base, name)
    if path is None or not name.endswith("/"):
        return path
    return path.rstrip("/") + "/"


def _context_problem(found: InstallMatch, context_dir: str, paths: list[str | None]) -> str:
    """What the context's manifests say against moving the install, or ``""``."""
    tool = found.installer.tool
    text = "\n".join(_read(context_dir, path) for path in paths if path)
    if tool in ("npm", "yarn", "pnpm"):
        if '"workspaces"' in text:
            return "package.json declares workspaces, whose files the install also reads"
        if _INSTALL_SCRIPTS.search(text):
            return "package.json has an install or prepare script that may need the sources"
    if tool == "maven" and "<modules>" in text:
        return "pom.xml lists modules, whose pom.xml files the install also reads"
    if tool == "gradle" and re.search(r"^\s*include\b", text, re.MULTILINE):
        return "the Gradle build includes subprojects, whose build files it also reads"
    return ""


def _read(context_dir: str, path: str) -> str:
    import os

    if not path or path.endswith("/") or _GLOB.search(path):
        return ""
    full = os.path.join(context_dir, path)
    try:
        if os.path.getsize(full) > 1_000_000:
            return ""
        with open(full, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def _independent(command: SimpleCommand) -> bool:
    """Whether a command can run before the sources are copied."""
    view = command.effective()
    if not view.words:
        return True
    name = view.name
    if name in SAFE_COMMANDS:
        return True
    argv = normalize_argv([word.value for word in view.words])
    tool = argv[0]
    if PYTHON_ANY_VERSION.match(tool) and argv[1:3] == ["-m", "venv"]:
        return True
    positional = [arg for arg in argv[1:] if not arg.startswith("-")]
    if positional and (tool, positional[0]) in TOOL_SETUP:
        return True
    if tool in ("npm", "pnpm") and ("-g" in argv or "--global" in argv):
        return True
    if tool == "pip" and positional[:1] == ["install"]:
        if any(arg in ("-r", "--requirement", "-e", "--editable") for arg in argv):
            return False
        return not any(arg.startswith((".", "/")) or "/" in arg for arg in positional[1:])
    return False


def _copy_lines(
    text: str,
    broad: Instruction,
    files: list[tuple[str, str]],
    workdir: str,
    absolute: bool,
    newline: str,
) -> list[str]:
    """``COPY`` lines bringing ``files`` (context path, absolute target) to their place."""
    instruction = broad.effective
    prefix = text[broad.node_start : instruction.start]
    flags = [flag.raw for flag in instruction.flags if flag.name in ("chown", "chmod", "link")]
    head = " ".join(["COPY" if instruction.keyword_raw.isupper() else "copy", *flags])
    groups: dict[str, list[str]] = {}
    for source, target in files:
        if source.endswith("/"):
            destination = target.rstrip("/") + "/"
            groups.setdefault(destination + "\0" + source, []).append(source)
        else:
            groups.setdefault(posixpath.dirname(target) or "/", []).append(source)
    lines = []
    for key, sources in groups.items():
        destination = key.split("\0", 1)[0]
        shown = _shown(destination, workdir, absolute)
        lines.append(f"{prefix}{head} {' '.join(sources)} {shown}{newline}")
    return lines


def _shown(destination: str, workdir: str, absolute: bool) -> str:
    """A destination directory, written relative to the WORKDIR unless ``absolute``."""
    destination = destination.rstrip("/") or "/"
    if absolute:
        return destination.rstrip("/") + "/"
    if destination == workdir:
        return "./"
    inside = workdir.rstrip("/") + "/"
    if destination.startswith(inside):
        return "./" + destination[len(inside) :] + "/"
    return destination + "/"


def _unsafe_path(path: str) -> bool:
    return any(character in path for character in " \t\"'$\\")


def _names(paths: list[str]) -> str:
    names = []
    for path in paths:
        name = posixpath.basename(path.rstrip("/")) + ("/" if path.endswith("/") else "")
        if name not in names:
            names.append(name)
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
