"""What the build context's manifests say: the files they pull in, and what they forbid.

The mechanisms behind the ``follow``, ``problems`` and ``no_project`` columns of the
ecosystem table (``lintlayers.model.ecosystems``): requirement files that include
others (``-r base.txt``) or name the local project (``-e .``); a Gemfile's ``gemspec``
and the files that gemspec requires; a .NET solution's projects and their
``ProjectReference``s; the ``package.json`` of each npm, Yarn or pnpm workspace;
lifecycle hooks named in a manifest; whether the manifests an install reads declare
anything to download (the ``dependencies`` column).

Manifests are named by their path in the image (absolute); ``Tree.source_of`` maps
such a path to the context path a COPY brings it from, so nothing here knows COPY.
"""

from __future__ import annotations

import os
import posixpath
import re

from lintlayers.lazy_re import lazy_compile
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from lintlayers.model.ecosystems import Ecosystem

MAX_FILES = 50
"""How many manifests one install may pull in before the answer is "unknown"."""
_MAX_BYTES = 1_000_000
_GLOB = lazy_compile(r"[*?\[]")
_LOCAL_REQUIREMENT = lazy_compile(r"(\.{1,2}(/|$)|/|file:)|[\w.-]+/(?!/)")
_GEMSPEC = lazy_compile(r"^\s*gemspec\b(.*)$", re.MULTILINE)
_GEM_PATH = lazy_compile(r"^\s*gem\b.*\bpath\s*(:|=>)", re.MULTILINE)
_EVAL_GEMFILE = lazy_compile(r"^\s*eval_gemfile\b", re.MULTILINE)
_RUBY_STRING = r"""["']([^"'#{}]+)["']"""
_REQUIRE_RELATIVE = lazy_compile(r"\brequire_relative\s*\(?\s*" + _RUBY_STRING)
_REQUIRE = lazy_compile(r"\brequire\s*\(?\s*" + _RUBY_STRING)
_FILE_READ = lazy_compile(r"\bFile\.(?:read|readlines|open)\s*\(?\s*" + _RUBY_STRING)
_SLN_PROJECT = lazy_compile(r'^Project\("[^"]*"\)\s*=\s*"[^"]*",\s*"([^"]+)"', re.MULTILINE)
_SLNX_PROJECT = lazy_compile(r'<Project\s+Path="([^"]+)"')
_PROJECT_REFERENCE = lazy_compile(r'<ProjectReference\s+Include="([^"]+)"')
_NET_PROJECT = lazy_compile(r"\.(cs|fs|vb)proj$", re.IGNORECASE)
_NET_DIR_FILES = ("packages.config", "packages.lock.json")
_NET_UPWARD_FILES = (
    "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props",
    "NuGet.config", "nuget.config", "NuGet.Config", "global.json",
)  # fmt: skip


class Tree:
    """The build context as the manifests see it: read files by their image path."""

    __slots__ = ("root", "source_of")

    def __init__(self, root: str, source_of: Callable[[str], str | None]) -> None:
        self.root = root
        self.source_of = source_of  # image path -> context path, or None

    def read(self, image_path: str) -> str:
        """The text of the manifest at ``image_path`` (``""`` when absent or too big)."""
        return self.text(image_path) or ""

    def text(self, image_path: str) -> str | None:
        """The text of the manifest at ``image_path``; ``None`` when it cannot be read
        (absent, a folder, too big)."""
        source = self.source_of(image_path)
        if not source or source.endswith("/") or _GLOB.search(source):
            return None
        full = os.path.join(self.root, source)
        try:
            if os.path.getsize(full) > _MAX_BYTES:
                return None
            with open(full, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError:
            return None

    def exists(self, image_path: str) -> bool:
        return self.source_of(image_path) is not None

    def glob(self, image_pattern: str) -> list[str]:
        """Image paths of the context files a pattern (glob in its last part) matches."""
        import glob

        source = self.source_of(image_pattern)
        if source is None:
            return []
        found = glob.glob(os.path.join(self.root, source))
        if image_pattern.endswith("/" + source):  # the pattern's folders map one to one
            prefix = image_pattern[: len(image_pattern) - len(source)]
            return sorted(prefix + os.path.relpath(path, self.root) for path in found)
        folder = posixpath.dirname(image_pattern)
        return sorted(posixpath.join(folder, os.path.basename(path)) for path in found)


class Followed:
    """What following an install's manifests found.

    ``required``/``optional``: more image paths the install reads (always, or when
    they exist); ``reads_sources``: why it reads the project itself (then there is no
    finding to make); ``unknown``: why the answer cannot be known.
    """

    __slots__ = ("optional", "reads_sources", "required", "unknown")

    def __init__(self) -> None:
        self.required: list[str] = []
        self.optional: list[str] = []
        self.reads_sources = ""
        self.unknown = ""

    def add(self, path: str, required: bool = True) -> bool:
        """Add a path; False when there are too many to be an answer."""
        into = self.required if required else self.optional
        if path not in into:
            into.append(path)
        if len(self.required) + len(self.optional) > MAX_FILES:
            self.unknown = "the manifests pull in too many files"
            return False
        return True


def follow(mechanism: str, manifests: list[str], tree: Tree) -> Followed:
    """The files the manifests pull in, by the table's ``follow`` mechanism."""
    found = Followed()
    handler = _MECHANISMS.get(mechanism)
    if handler is not None:
        handler(manifests, tree, found)
    return found


def unknown_without_context(mechanism: str, manifests: list[str]) -> str:
    """Why the files an install reads cannot be told without the build context, or
    ``""`` when the manifests named are enough to go on (a solution lists projects
    only the context holds; a ``*.csproj`` pattern names no project yet)."""
    if mechanism != "dotnet":
        return ""
    if any(_GLOB.search(path) or path.lower().endswith((".sln", ".slnx")) for path in manifests):
        return "the projects it restores are known only with the build context"
    return ""


def problem(entry: Ecosystem, text: str) -> str:
    """What a manifest's text says against installing before the sources, or ``""``."""
    for pattern, reason in entry.problems:
        if re.search(pattern, text):
            return reason
    return ""


def has_no_project(entry: Ecosystem, text: str) -> bool:
    """Whether the manifest declares no package of its own to install (Poetry, uv)."""
    return bool(text) and any(re.search(pattern, text) for pattern in entry.no_project)


def declares_dependencies(entry: Ecosystem, paths: list[str], tree: Tree) -> bool:
    """Whether the files at ``paths`` (all an install reads) may declare anything to
    download, by the table's ``dependencies``: a file no glob names, or one that cannot
    be read, may."""
    from fnmatch import fnmatchcase

    if not entry.dependencies:
        return True
    for path in paths:
        name = posixpath.basename(path).lower()
        pattern = next(
            (regex for glob, regex in entry.dependencies if fnmatchcase(name, glob.lower())),
            None,
        )
        if pattern is None:
            return True
        if not pattern:
            continue  # a lockfile or settings: the manifests decide
        text = tree.text(path)
        if text is None or re.search(pattern, text, re.MULTILINE):
            return True
    return False


def _requirements(manifests: list[str], tree: Tree, found: Followed) -> None:
    """``-r``/``-c`` includes of requirement files; ``-e .`` or a path reads the project."""
    queue = list(manifests)
    seen = 0
    while queue and seen < 8:
        path = queue.pop(0)
        seen += 1
        for line in tree.read(path).splitlines():
            entry = line.split(" #", 1)[0].strip()
            option, _, value = entry.replace("=", " ", 1).partition(" ")
            if option in ("-r", "--requirement", "-c", "--constraint"):
                included = _resolve(posixpath.dirname(path), value.strip())
                if included and included not in manifests and included not in found.required:
                    found.add(included)
                    queue.append(included)
            elif option in ("-e", "--editable") or _LOCAL_REQUIREMENT.match(entry):
                found.reads_sources = f"{posixpath.basename(path)} installs a local project"
                return


def _gemspec(manifests: list[str], tree: Tree, found: Followed) -> None:
    """A Gemfile's ``gemspec``: the gemspec and the files it requires (``version.rb``)."""
    gemfile = manifests[0]
    text = tree.read(gemfile)
    if _GEM_PATH.search(text) or _EVAL_GEMFILE.search(text):
        found.reads_sources = "the Gemfile names gems by path or evaluates other files"
        return
    folder = posixpath.dirname(gemfile)
    for match in _GEMSPEC.finditer(text):
        options = match.group(1)
        path = re.search(r"path\s*(?::|=>)\s*" + _RUBY_STRING, options)
        name = re.search(r"name\s*(?::|=>)\s*" + _RUBY_STRING, options)
        where = _resolve(folder, path.group(1)) if path else folder
        if where is None:
            found.unknown = "the gemspec's folder is not known"
            return
        pattern = f"{name.group(1)}.gemspec" if name else "*.gemspec"
        specs = tree.glob(posixpath.join(where, pattern))
        if not specs:
            found.unknown = "the Gemfile's gemspec is not in the build context"
            return
        for spec in specs:
            found.add(spec)
            _gemspec_requires(spec, tree, found)


def _gemspec_requires(spec: str, tree: Tree, found: Followed) -> None:
    """The context files a gemspec loads: ``require_relative``, ``require`` of lib/, reads."""
    folder = posixpath.dirname(spec)
    text = tree.read(spec)
    wanted: list[str] = []
    for match in _REQUIRE_RELATIVE.finditer(text):
        name = match.group(1)
        wanted.append(name if name.endswith(".rb") else name + ".rb")
    for match in _REQUIRE.finditer(text):
        name = match.group(1)
        candidate = "lib/" + (name if name.endswith(".rb") else name + ".rb")
        if tree.exists(posixpath.join(folder, candidate)):
            wanted.append(candidate)
    wanted.extend(match.group(1) for match in _FILE_READ.finditer(text))
    for name in wanted:
        path = _resolve(folder, name)
        if path is None:
            continue
        if not tree.exists(path):
            found.unknown = f"the gemspec reads {name}, which is not in the build context"
            return
        if not found.add(path):
            return


def _dotnet(manifests: list[str], tree: Tree, found: Followed) -> None:
    """A solution's projects, their ``ProjectReference``s, and the settings beside them."""
    queue = list(manifests)
    folders: list[str] = []
    while queue:
        path = queue.pop(0)
        folder = posixpath.dirname(path)
        if folder not in folders:
            folders.append(folder)
        text = tree.read(path)
        if path.lower().endswith((".sln", ".slnx")):
            pattern = _SLNX_PROJECT if path.lower().endswith(".slnx") else _SLN_PROJECT
            references = [value for value in pattern.findall(text) if _NET_PROJECT.search(value)]
        else:
            references = _PROJECT_REFERENCE.findall(text)
        for reference in references:
            target = _resolve(folder, reference.replace("\\", "/"))
            if target is None or target in manifests or target in found.required:
                continue
            if not tree.exists(target):
                found.unknown = f"{reference} is not in the build context"
                return
            if not found.add(target):
                return
            queue.append(target)
    for folder in folders:
        for name in _NET_DIR_FILES:
            path = posixpath.join(folder, name)
            if tree.exists(path):
                found.add(path, required=False)
    for folder in _with_parents(folders):  # MSBuild and NuGet look upward for these
        for name in _NET_UPWARD_FILES:
            path = posixpath.join(folder, name)
            if tree.exists(path):
                found.add(path, required=False)


def _with_parents(folders: list[str]) -> list[str]:
    """The folders and every folder above them, each once, nearest first."""
    found: list[str] = []
    for folder in folders:
        while True:
            if folder not in found:
                found.append(folder)
            if folder in ("/", ""):
                break
            folder = posixpath.dirname(folder)
    return found


def _workspaces(manifests: list[str], tree: Tree, found: Followed) -> None:
    """The ``package.json`` of each workspace a ``package.json`` (``workspaces``) or a
    ``pnpm-workspace.yaml`` (``packages``) names: the install reads them all."""
    import json

    root = manifests[0]
    folder = posixpath.dirname(root)
    patterns: list[str] = []
    text = tree.read(root)
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        data = {}
    declared = data.get("workspaces") if isinstance(data, dict) else None
    if isinstance(declared, dict):
        declared = declared.get("packages")
    if isinstance(declared, list):
        patterns += [value for value in declared if isinstance(value, str)]
    elif declared is not None:
        found.unknown = "package.json declares workspaces in a form lintlayers cannot read"
        return
    pnpm = tree.read(posixpath.join(folder, "pnpm-workspace.yaml"))
    listing = re.search(r"^packages:\s*\n((?:\s+-.*\n?)+)", pnpm, re.MULTILINE)
    if listing:
        patterns += [
            line.strip().lstrip("-").strip().strip("'\"")
            for line in listing.group(1).splitlines()
            if line.strip()
        ]
    for pattern in patterns:
        if pattern.startswith("!") or ".." in pattern or "**" in pattern:
            found.unknown = f"the workspace pattern {pattern} is not one lintlayers can follow"
            return
        for path in tree.glob(posixpath.join(folder, pattern.rstrip("/"), "package.json")):
            if not found.add(path):
                return


_MECHANISMS: dict[str, Callable[[list[str], Tree, Followed], None]] = {
    "requirements": _requirements,
    "gemspec": _gemspec,
    "dotnet": _dotnet,
    "workspaces": _workspaces,
}


def _resolve(base: str, path: str) -> str | None:
    """``path`` made absolute against the folder ``base``."""
    if not path or "$" in path or "#{" in path:
        return None
    if not path.startswith("/"):
        path = posixpath.join(base, path)
    return "/" + posixpath.normpath(path).lstrip("/")
