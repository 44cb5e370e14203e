"""What each COPY/ADD brings in from the build context, and what does not belong in an image.

For every COPY/ADD that reads the build context (not ``--from``, not a URL, not a
heredoc, not an ONBUILD trigger: that one copies from the context of a later build),
``report_copies`` tells the bytes and files it brings in after `.dockerignore`, its
biggest contributors and the paths that do not belong in an image: version-control
history, installed dependencies, virtualenvs, build outputs, caches, editor and OS
files, and secrets. ``UNWANTED`` is the table of those paths.

Only names, sizes and modes are looked at; the single exception is an ``.npmrc`` or
``.pypirc`` of at most ``TOKEN_FILE_LIMIT`` bytes, read to see whether it holds a
credential line. A flagged folder is reported as a whole: nothing inside
``node_modules`` or ``.git`` is reported separately.
"""

from __future__ import annotations

import os
import re

from lintlayers.model.variables import expand, referenced_names
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from lintlayers.buildcontext.context import BuildContext, ContextFile
    from lintlayers.buildcontext.patterns import IgnoreMatcher
    from lintlayers.context import RuleContext
    from lintlayers.diagnostics import Fix
    from lintlayers.model.stages import BuildModel
    from lintlayers.syntax.nodes import Instruction

VCS = "version control"
DEPENDENCIES = "dependencies"
BUILD_OUTPUT = "build output"
CACHE = "cache"
EDITOR = "editor/OS file"
SECRET = "secret"

DIR, VENV, FILE, TOKEN = "dir", "venv", "file", "token"

UNWANTED: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str, str, str], ...] = (
    # (kind, names, unless, category, what it is, the .dockerignore line that leaves it out)
    # kind: dir = a folder so named; venv = a folder holding pyvenv.cfg; file = anything
    # else so named; token = a file so named holding a credential line. Names and
    # "unless" are lower-case globs (only ``*`` is special) matched on the lower-cased name;
    # the first row matching wins.
    # In the line, {path} is the entry's path, {name} its name, {glob} the pattern matched.
    (DIR, (".git", ".hg", ".svn"), (), VCS, "version-control history", "{path}"),
    (DIR, ("node_modules",), (), DEPENDENCIES, "packages installed on the host", "{path}"),
    (DIR, (".venv", "venv"), (), DEPENDENCIES, "a Python virtualenv", "{path}"),
    (VENV, ("*",), (), DEPENDENCIES, "a Python virtualenv", "{path}"),
    (DIR, ("__pycache__",), (), BUILD_OUTPUT, "Python bytecode", "**/__pycache__"),
    (FILE, ("*.pyc",), (), BUILD_OUTPUT, "Python bytecode", "**/*.pyc"),
    (DIR, ("dist", "build", "target", "out", ".next", "coverage"), (), BUILD_OUTPUT,
     "build output", "{path}"),
    (DIR, (".cache", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", ".nox"), (), CACHE,
     "a tool cache", "{path}"),
    (DIR, (".idea", ".vscode"), (), EDITOR, "editor settings", "{path}"),
    (FILE, (".ds_store", "thumbs.db", "desktop.ini"), (), EDITOR, "an OS file", "**/{name}"),
    (FILE, ("*.swp", "*.swo", "*~"), (), EDITOR, "an editor backup file", "**/{glob}"),
    (FILE, (".env", ".env.*"),
     (".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults", "*.example"),
     SECRET, "an environment file with credentials", "{path}"),
    (FILE, ("id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*"), ("*.pub",), SECRET,
     "an SSH private key", "{path}"),
    (FILE, ("*key*.pem", "*priv*.pem"), (), SECRET, "a private key", "{path}"),
    (FILE, ("*.pem",),
     ("*cert*", "*chain*", "*bundle*", "*public*", "*pub.pem", "ca.pem", "ca-*", "ca_*",
      "*-ca.pem", "*_ca.pem", "*-ca-*", "*_ca_*", "*-ca_*", "*_ca-*", "root*"),
     SECRET, "a PEM file (private key or certificate)", "{path}"),
    (FILE, ("*.key",),
     ("*public*", "*pub.key", "*gpg*", "*pgp*", "*release*", "*keyring*", "*archive*"),
     SECRET, "a private key", "{path}"),
    (FILE, ("*.p12", "*.pfx"), (), SECRET, "a PKCS#12 key store", "{path}"),
    (FILE, (".netrc", ".git-credentials"), (), SECRET, "stored credentials", "{path}"),
    (TOKEN, (".npmrc",), (), SECRET, "npm settings with an auth token", "{path}"),
    (TOKEN, (".pypirc",), (), SECRET, "PyPI settings with a password", "{path}"),
    (DIR, (".ssh",), (), SECRET, "SSH keys", "{path}"),
    (DIR, (".aws",), (), SECRET, "AWS credentials", "{path}"),
)  # fmt: skip
"""What does not belong in an image: one row per kind of path."""

TOKEN_FILE_LIMIT = 65536
"""Largest ``.npmrc``/``.pypirc`` read to look for a credential line."""

_TOKEN_LINES = {  # compiled on first use (``re`` caches them)
    ".npmrc": r"(?m)^\s*(?:\S*:)?(?:_authToken|_auth|_password)\s*=\s*(\S.*?)\s*$",
    ".pypirc": r"(?mi)^\s*password\s*[=:]\s*(\S.*?)\s*$",
}
_VARIABLE_ONLY = r"\$(\{\w+\}|\w+)\Z"
_SPECIAL = r"([*?\[\]\\])"
_WILDCARD_CHARS = "*?["
_TOP = 5


def glob_match(name: str, glob: str) -> bool:
    """Whether ``name`` matches ``glob``, where only ``*`` (any characters) is special."""
    parts = glob.split("*")
    if len(parts) == 1:
        return name == glob
    first, last = parts[0], parts[-1]
    end = len(name) - len(last)
    if end < len(first) or not name.startswith(first) or not name.endswith(last):
        return False
    position = len(first)
    for part in parts[1:-1]:
        found = name.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


class Unwanted:
    """One row of ``UNWANTED``."""

    __slots__ = ("category", "ignore", "kind", "names", "unless", "what")

    def __init__(
        self,
        kind: str,
        names: tuple[str, ...],
        unless: tuple[str, ...],
        category: str,
        what: str,
        ignore: str,
    ) -> None:
        self.kind = kind
        self.names = names
        self.unless = unless
        self.category = category
        self.what = what
        self.ignore = ignore

    @property
    def secret(self) -> bool:
        return self.category == SECRET

    def glob_for(self, name: str) -> str | None:
        """The name pattern ``name`` matches (None when none does, or an exception does)."""
        lowered = name.lower()
        for glob in self.names:
            if glob_match(lowered, glob):
                if any(glob_match(lowered, other) for other in self.unless):
                    return None
                return glob
        return None

    def __repr__(self) -> str:
        return f"Unwanted({self.kind}, {self.names!r})"


ROWS = tuple(Unwanted(*row) for row in UNWANTED)


def classify_name(name: str, is_dir: bool, *, secrets_only: bool = False) -> Unwanted | None:
    """The row a path named ``name`` falls in by its name alone (no venv or token check)."""
    for row in ROWS:
        if row.kind not in ((DIR,) if is_dir else (FILE,)):
            continue
        if secrets_only and not row.secret:
            continue
        if row.glob_for(name) is not None:
            return row
    return None


def has_token_line(name: str, text: str) -> bool:
    """Whether an ``.npmrc``/``.pypirc`` text holds a credential (not just ``${VAR}``)."""
    pattern = _TOKEN_LINES.get(name.lower())
    if pattern is None:
        return False
    return any(not re.match(_VARIABLE_ONLY, value) for value in re.findall(pattern, text))


def read_token_file(path: str) -> str | None:
    """The text of a small credentials file, or None when missing, too big or unreadable."""
    try:
        if os.path.islink(path) or os.path.getsize(path) > TOKEN_FILE_LIMIT:
            return None
        with open(path, "rb") as handle:
            return handle.read(TOKEN_FILE_LIMIT).decode("utf-8", "replace")
    except OSError:
        return None


def wildcard_index(text: str) -> int:
    """Index of the first ``*``, ``?`` or ``[`` of ``text``, -1 when there is none."""
    found = [index for index in map(text.find, _WILDCARD_CHARS) if index >= 0]
    return min(found) if found else -1


def ignore_line(row: Unwanted, path: str, glob: str) -> str | None:
    """The `.dockerignore` line that leaves ``path`` out (None when it cannot be written)."""
    if row.ignore != "{path}":
        return row.ignore.format(glob=glob, name=path.rpartition("/")[2])
    if path != path.strip() or path[:1] in ("#", "!") or "\n" in path or "\r" in path:
        return None
    return re.sub(_SPECIAL, r"\\\1", path)


class Flagged:
    """A path a COPY/ADD brings in that does not belong in an image.

    ``size``/``files`` count the non-directory entries (a folder's whole subtree).
    ``deliberate``: a `.dockerignore` exception names it or something inside it.
    ``explicit``: the source names it (or something inside it) directly.
    """

    __slots__ = (
        "deliberate",
        "explicit",
        "files",
        "glob",
        "is_dir",
        "path",
        "row",
        "size",
        "source",
    )

    def __init__(
        self, path: str, is_dir: bool, row: Unwanted, glob: str, source: CopySource
    ) -> None:
        self.path = path
        self.is_dir = is_dir
        self.row = row
        self.glob = glob
        self.source = source
        self.size = 0
        self.files = 0
        self.deliberate = False
        self.explicit = False

    @property
    def secret(self) -> bool:
        return self.row.secret

    @property
    def category(self) -> str:
        return self.row.category

    @property
    def what(self) -> str:
        return self.row.what

    @property
    def shown(self) -> str:
        """The path, with a trailing ``/`` for a folder."""
        return self.path + "/" if self.is_dir else self.path

    @property
    def ignore(self) -> str | None:
        return ignore_line(self.row, self.path, self.glob)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "is_dir": self.is_dir,
            "category": self.category,
            "what": self.what,
            "bytes": self.size,
            "files": self.files,
            "deliberate": self.deliberate,
            "explicit": self.explicit,
            "ignore": self.ignore,
        }

    def __repr__(self) -> str:
        return f"Flagged({self.shown!r}, {self.category}, {self.size} B)"


class Contributor:
    """A top folder or file of what a COPY/ADD brings in, with its bytes and files."""

    __slots__ = ("files", "is_dir", "path", "size")

    def __init__(self, path: str) -> None:
        self.path = path
        self.size = 0
        self.files = 0
        self.is_dir = False

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "is_dir": self.is_dir, "bytes": self.size, "files": self.files}

    def __repr__(self) -> str:
        return f"Contributor({self.path!r}, {self.size} B)"


class CopySource:
    """One source of a COPY/ADD: as written, expanded, where it is, and what it selects.

    ``literal`` is the cleaned path up to the first wildcard ("" for the context root);
    ``roots`` the paths the source names (itself, or each wildcard match);
    ``in_unwanted``: the source itself lies in an unwanted folder (``COPY dist/ ...``):
    it is copied on purpose and is not scanned.
    """

    __slots__ = (
        "end",
        "entries",
        "in_unwanted",
        "literal",
        "roots",
        "start",
        "text",
        "value",
        "wildcard",
    )

    def __init__(self, text: str, value: str, start: int, end: int) -> None:
        from lintlayers.buildcontext.patterns import go_clean

        self.text = text
        self.value = value
        self.start = start
        self.end = end
        cleaned = go_clean("/" + value).lstrip("/")
        first = wildcard_index(cleaned)
        self.wildcard = first >= 0
        literal = cleaned if first < 0 else cleaned[:first].rpartition("/")[0]
        self.literal = literal
        self.entries: list[ContextFile] = []
        self.roots: list[str] = []
        self.in_unwanted = False

    def __repr__(self) -> str:
        return f"CopySource({self.value!r}, {len(self.entries)} entries)"


class CopyReport:
    """What one COPY/ADD brings in from the build context.

    ``skipped`` holds sources that could not be resolved (a variable without a value).
    """

    __slots__ = (
        "contributors",
        "files",
        "flagged",
        "instruction",
        "size",
        "skipped",
        "sources",
        "stage",
    )

    def __init__(self, instruction: Instruction, stage: str) -> None:
        self.instruction = instruction
        self.stage = stage
        self.sources: list[CopySource] = []
        self.skipped: list[str] = []
        self.size = 0
        self.files = 0
        self.contributors: list[Contributor] = []
        self.flagged: list[Flagged] = []

    @property
    def keyword(self) -> str:
        return self.instruction.keyword

    @property
    def line(self) -> int:
        return self.instruction.start_line

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "instruction": self.keyword,
            "stage": self.stage,
            "sources": [source.value for source in self.sources],
            "skipped": self.skipped,
            "bytes": self.size,
            "files": self.files,
            "contributors": [item.as_dict() for item in self.contributors],
            "flagged": [item.as_dict() for item in self.flagged],
        }

    def __repr__(self) -> str:
        return f"CopyReport({self.keyword} line {self.line}, {self.files} files, {self.size} B)"


def copy_sources(instruction: Instruction) -> list[tuple[str, int, int]]:
    """The context sources of a COPY/ADD as written, with their file ranges.

    Leaves out the destination, heredoc sources and URLs (``model.copy_args`` parses
    them; an exec-form source gets the range of its string).
    """
    from lintlayers.model.copy_args import LOCAL, copy_args

    return [
        (source.value, source.start, source.end)
        for source in copy_args(instruction).sources
        if source.kind == LOCAL
    ]


def expand_source(value: str, values: Mapping[str, str], escape: str) -> str | None:
    """``value`` with its variables substituted; None when one has no value."""
    if "$" not in value:
        return value
    if any(name not in values for name in referenced_names(value)):
        return None
    return expand(value, values, escape)


def context_copies(model: BuildModel) -> list[tuple[Instruction, str, Mapping[str, str]]]:
    """Each COPY/ADD reading the build context, with its stage label and variables (a
    view of its scope: a copy for each would cost memory quadratic in the file)."""
    found: list[tuple[Instruction, str, Mapping[str, str]]] = []
    for stage in model.stages:
        for instruction, scope in model.walk(stage):
            if instruction.inner is not None:
                continue  # ONBUILD: copies from the context of the build that uses the image
            if instruction.keyword not in ("COPY", "ADD") or instruction.has_flag("from"):
                continue
            found.append((instruction, stage.label, scope.values()))
    return found


def report_copies(model: BuildModel, context: BuildContext, *, top: int = _TOP) -> list[CopyReport]:
    """What each COPY/ADD of the Dockerfile brings in from ``context``, in file order.

    Raises PatternError when the `.dockerignore` has a pattern Docker rejects.
    """
    matcher = context.matcher
    escape = model.dockerfile.escape
    reports: list[CopyReport] = []
    for instruction, stage, values in context_copies(model):
        report = CopyReport(instruction, stage)
        excludes = _exclude_matcher(instruction)
        for text, start, end in copy_sources(instruction):
            value = expand_source(text, values, escape)
            if value is None:
                report.skipped.append(text)
                continue
            source = CopySource(text, value, start, end)
            _select(source, context, excludes)
            report.sources.append(source)
        _measure(report, context, top)
        _scan(report, context, matcher)
        reports.append(report)
    return reports


def _exclude_matcher(instruction: Instruction) -> IgnoreMatcher | None:
    """``COPY --exclude`` patterns (matched against paths below each source)."""
    patterns = instruction.flag_values("exclude")
    if not patterns:
        return None
    from lintlayers.buildcontext.patterns import IgnoreMatcher, PatternError

    try:
        return IgnoreMatcher(patterns)
    except PatternError:
        return None


def _select(source: CopySource, context: BuildContext, excludes: IgnoreMatcher | None) -> None:
    entries = context.select(source.value)
    if source.wildcard:
        chosen = {entry.path for entry in entries}
        roots = [e.path for e in entries if e.path.rpartition("/")[0] not in chosen]
        base = source.literal
    else:
        roots = [source.literal]
        base = entries[0].path if entries and entries[0].is_dir and source.literal else ""
        if entries and not entries[0].is_dir:
            base = entries[0].path.rpartition("/")[0]
    if excludes is not None:
        prefix = base + "/" if base else ""
        entries = [
            entry
            for entry in entries
            if not (
                entry.path.startswith(prefix) and excludes.is_ignored(entry.path[len(prefix) :])
            )
        ]
    source.entries = entries
    source.roots = roots
    source.in_unwanted = _in_unwanted(source.literal, context)


def _in_unwanted(literal: str, context: BuildContext) -> bool:
    """Whether a folder on the way to ``literal`` (or itself) is an unwanted, non-secret one."""
    if not literal:
        return False
    parts = literal.split("/")
    for depth in range(1, len(parts) + 1):
        path = "/".join(parts[:depth])
        entry = context.get(path)
        is_dir = entry.is_dir if entry is not None else depth < len(parts)
        row = classify_name(parts[depth - 1], is_dir)
        if row is None and is_dir and context.get(path + "/pyvenv.cfg") is not None:
            return True
        if row is not None and not row.secret:
            return True
    return False


def _measure(report: CopyReport, context: BuildContext, top: int) -> None:
    """Bytes, files and top contributors of the union of the sources' entries."""
    seen: set[str] = set()
    groups: dict[str, Contributor] = {}
    for source in report.sources:
        if source.wildcard:
            base = source.literal
        elif source.entries and source.entries[0].is_dir and source.literal:
            base = source.entries[0].path
        else:
            base = ""
        for entry in source.entries:
            if entry.path in seen:
                continue
            seen.add(entry.path)
            if entry.is_dir:
                continue
            report.files += 1
            report.size += entry.size
            key = _group_key(entry.path, base)
            group = groups.get(key)
            if group is None:
                group = groups[key] = Contributor(key)
            group.size += entry.size
            group.files += 1
            group.is_dir = group.is_dir or key != entry.path
    ranked = sorted(groups.values(), key=lambda item: (-item.size, item.path))
    report.contributors = ranked[:top]


def _group_key(path: str, base: str) -> str:
    if base:
        if not path.startswith(base + "/"):
            return path
        head = path[len(base) + 1 :].split("/", 1)[0]
        return f"{base}/{head}"
    return path.split("/", 1)[0]


def _scan(report: CopyReport, context: BuildContext, matcher: IgnoreMatcher) -> None:
    """Find the unwanted paths among the entries; a flagged folder is counted whole."""
    flagged: dict[str, Flagged] = {}
    seen: set[str] = set()
    for source in report.sources:
        if source.in_unwanted:
            continue
        inside: Flagged | None = None
        prefix = ""
        for entry in source.entries:
            path = entry.path
            if path in seen:
                continue
            seen.add(path)
            if inside is not None and path.startswith(prefix):
                _count(inside, entry)
                continue
            owner = _owner(path, flagged)
            if owner is not None:
                inside, prefix = owner, owner.path + "/"
                continue
            found = _classify(entry, context)
            if found is None:
                continue
            row, glob = found
            item = Flagged(path, entry.is_dir, row, glob, source)
            literal = source.literal
            item.explicit = literal == path or literal.startswith(path + "/")
            item.deliberate = _deliberate(path, matcher)
            _count(item, entry)
            flagged[path] = item
            report.flagged.append(item)
            if entry.is_dir:
                inside, prefix = item, path + "/"
    report.flagged.sort(key=lambda item: (-item.size, item.path))


def _owner(path: str, flagged: dict[str, Flagged]) -> Flagged | None:
    if not flagged:
        return None
    position = path.rfind("/")
    while position > 0:
        owner = flagged.get(path[:position])
        if owner is not None and owner.is_dir:
            return owner
        position = path.rfind("/", 0, position)
    return None


def _count(item: Flagged, entry: ContextFile) -> None:
    if not entry.is_dir:
        item.files += 1
        item.size += entry.size


def _classify(entry: ContextFile, context: BuildContext) -> tuple[Unwanted, str] | None:
    name = entry.path.rpartition("/")[2]
    is_dir = entry.is_dir
    for row in ROWS:
        kind = row.kind
        if kind == VENV:
            if is_dir and context.get(entry.path + "/pyvenv.cfg") is not None:
                return row, name
            continue
        if (kind == DIR) != is_dir:
            continue
        glob = row.glob_for(name)
        if glob is None:
            continue
        if row.category == BUILD_OUTPUT and is_dir and _holds_dockerfile(context, entry.path):
            continue  # sources so named: Go's build/package/, moby's integration/build/
        if kind == TOKEN:
            text = read_token_file(os.path.join(context.root, entry.path))
            if text is None or not has_token_line(name, text):
                continue
        return row, glob
    return None


def _holds_dockerfile(context: BuildContext, path: str) -> bool:
    """Whether a Dockerfile is in the folder ``path`` of the context or below it: a
    folder named like build output (``build``, ``out``) that holds one holds sources."""
    from lintlayers.discovery import is_dockerfile_name

    return any(
        not entry.is_dir and is_dockerfile_name(entry.path.rpartition("/")[2])
        for entry in context.select(path)
    )


def _deliberate(path: str, matcher: IgnoreMatcher) -> bool:
    """Whether a `.dockerignore` exception names ``path`` or something inside it.

    An exception for a parent folder (``!src`` for ``src/__pycache__``) does not count:
    it re-includes the folder, not this path in particular.
    """
    if not matcher.has_exclusions:
        return False
    inside = path + "/"
    for pattern in matcher.patterns:
        if not pattern.exclusion:
            continue
        if pattern.matches(path):
            return True
        first = wildcard_index(pattern.text)
        literal = pattern.text if first < 0 else pattern.text[:first]
        if literal.startswith(inside):
            return True
    return False


# -- shared by the rules ---------------------------------------------------------------

_LAST: list[object] = [None, None]


def reports_for(context: RuleContext) -> tuple[BuildContext, list[CopyReport]] | None:
    """The build context and copy reports of a linted file, or None without a context.

    Computed once per ``RuleContext`` (both context rules of one lint share the walk).
    None also when the `.dockerignore` has a pattern Docker rejects.
    """
    if _LAST[0] is context:
        return _LAST[1]  # type: ignore[return-value]
    found = _compute(context)
    _LAST[0], _LAST[1] = context, found
    return found


def _compute(context: RuleContext) -> tuple[BuildContext, list[CopyReport]] | None:
    from lintlayers.buildcontext.patterns import PatternError

    if context.context_dir is None or not any(context_copies(context.model)):
        return None
    build_context = context.build_context
    if build_context is None:
        return None
    try:
        return build_context, report_copies(context.model, build_context)
    except (PatternError, OSError):
        return None


def needed_paths(model: BuildModel, context: BuildContext) -> list[str]:
    """Context paths the Dockerfile names on purpose: literal sources, wildcard matches,
    and ``RUN --mount=type=bind`` sources. A fix must not leave any of them out."""
    from lintlayers.syntax.words import parse_csv_options

    needed: list[str] = []
    escape = model.dockerfile.escape
    for stage in model.stages:
        for instruction, scope in model.walk(stage):
            if instruction.inner is not None:
                continue
            values = scope.values()
            if instruction.keyword in ("COPY", "ADD") and not instruction.has_flag("from"):
                for text, start, end in copy_sources(instruction):
                    value = expand_source(text, values, escape)
                    if value is None:
                        continue
                    source = CopySource(text, value, start, end)
                    if source.wildcard:
                        _select(source, context, None)
                        needed.extend(source.roots)
                    elif source.literal:
                        needed.append(source.literal)
            elif instruction.keyword == "RUN":
                for mount in instruction.flag_values("mount"):
                    options = dict(parse_csv_options(mount))
                    if options.get("type", "bind") != "bind" or "from" in options:
                        continue
                    raw = options.get("source") or options.get("src") or ""
                    value = expand_source(raw, values, escape)
                    if value:
                        needed.append(CopySource(raw, value, 0, 0).literal)
    return [path for path in needed if path]


def dockerignore_fix_lines(
    items: Iterable[Flagged], context: BuildContext, needed: list[str]
) -> tuple[list[str], str | None]:
    """The `.dockerignore` lines that leave ``items`` out, and the current file text.

    A line is kept only when, added after the present patterns, it leaves its item
    out and leaves in every path the Dockerfile needs. Lines already present count once.
    """
    from lintlayers.buildcontext.patterns import IgnoreMatcher, PatternError, read_ignore_file

    original = _read_text(context.ignore_file)
    patterns = read_ignore_file(original or "")
    base = IgnoreMatcher(patterns)
    kept_needed = [path for path in needed if not base.is_ignored(path)]
    lines: list[str] = []
    for item in items:
        line = item.ignore
        if line is None or line in lines:
            continue
        try:
            candidate = IgnoreMatcher([*patterns, *lines, line])
        except PatternError:
            continue
        if not candidate.is_ignored(item.path):
            continue
        if any(candidate.is_ignored(path) for path in kept_needed):
            continue
        lines.append(line)
    return lines, original


def dockerignore_fix(
    context: RuleContext, build_context: BuildContext, items: list[Flagged], message: str
) -> tuple[Fix | None, list[str]]:
    """An unsafe fix appending the `.dockerignore` lines of ``items``, and those lines.

    ``message`` is formatted with ``{lines}`` and ``{file}`` (the ignore file's name).
    """
    from lintlayers.diagnostics import UNSAFE, FileEdit, Fix

    needed = needed_paths(context.model, build_context)
    lines, original = dockerignore_fix_lines(items, build_context, needed)
    if not lines:
        return None, []
    path = dockerignore_path(build_context)
    edit = FileEdit.append(path, original, "".join(line + "\n" for line in lines))
    text = message.format(lines=", ".join(lines), file=os.path.basename(path))
    return Fix(text, [], UNSAFE, [edit]), lines


def dockerignore_path(context: BuildContext) -> str:
    """The ignore file in effect (``<Dockerfile>.dockerignore`` wins), or the one to create."""
    return context.ignore_file or os.path.join(context.root, ".dockerignore")


def _read_text(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "surrogateescape")
    except OSError:
        return None


def human_size(size: int) -> str:
    """Bytes in decimal units, as ``docker build`` shows the context: ``12.3 MB``."""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            return f"{value:.1f} {unit}"
    return f"{size} B"  # pragma: no cover


def count(number: int, noun: str) -> str:
    """``1 file``, ``2 files``, with thousands separators."""
    return f"{number:,} {noun}" + ("" if number == 1 else "s")
