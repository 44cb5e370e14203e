"""How often each context file changes: the git history of the build context.

``load_history(context_dir)`` runs ``git log`` (git itself, in a subprocess; never
reading ``.git`` by hand, never touching the network) and returns the last commits
that changed something in the context, each with its changed paths made relative to
the context (which may be a subfolder of the repository). Merge commits are left out
(their changes arrive with the merged commits) and renames count as a deletion plus
an addition. When the context is the repository root, ``.git`` itself is in the
context and changes with every commit: each commit also lists ``GIT_MARKER``, so a
``COPY . .`` that does not ignore ``.git`` misses every time, as it does for real.

``project_history(context_dir)`` is the choice ``lintlayers cache`` and rule LL105
both make: git's history when at least ``MIN_GIT_COMMITS`` commits change the context,
else the synthetic one. Without git, outside a repository, or with too few commits,
``synthetic_history(paths)`` stands in: each
file is classed by its name and changes with a fixed period, so the same replay
(``expected_cost``) still works. The classes and periods (``PERIODS``): manifests and
lock files change in 1 commit of 20, build files (Dockerfile, ``.dockerignore``, CI)
in 1 of 20, docs in 1 of 2, everything else (source) in every commit.
"""

from __future__ import annotations

import os

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

DEFAULT_LIMIT = 200
MIN_GIT_COMMITS = 10
"""Fewer commits changing the context than this are too few to tell how often each file
changes (a young repository's first commit adds everything): ``project_history`` uses
the synthetic history then."""
WINDOW = 2000
"""At most this many commits back (first parents) are searched for ones that change the
context: in a large repository whose context changes rarely, ``git log -- .`` would
otherwise walk the whole history on every lint (tenths of a second per 20,000 commits)."""
GIT_MARKER = ".git/logs/HEAD"
"""Stands for what every commit changes inside ``.git``."""

MANIFEST = "manifest"
BUILD = "build"
DOCS = "docs"
SOURCE = "source"
PERIODS = {MANIFEST: 20, BUILD: 20, DOCS: 2, SOURCE: 1}
"""Synthetic history: a file of each class changes in one commit out of this many."""
SYNTHETIC_COMMITS = 20

_SEPARATOR = "\x01"


class HistoryError(Exception):
    """git failed in a way that is not "no git" or "not a repository"."""


class Commit:
    """One commit and the context-relative paths it changed."""

    __slots__ = ("files", "sha", "subject")

    def __init__(self, sha: str, files: frozenset[str], subject: str = "") -> None:
        self.sha = sha
        self.files = files
        self.subject = subject

    def __repr__(self) -> str:
        return f"Commit({self.sha[:10]}, {len(self.files)} files)"


class History:
    """Commits, newest first. ``source`` is ``git`` or ``synthetic``; ``reason`` says why
    the synthetic one was used."""

    __slots__ = ("commits", "reason", "source")

    def __init__(self, commits: list[Commit], source: str, reason: str = "") -> None:
        self.commits = commits
        self.source = source
        self.reason = reason

    def __len__(self) -> int:
        return len(self.commits)

    def __repr__(self) -> str:
        return f"History({self.source}, {len(self.commits)} commits)"


def run_git(context_dir: str, args: Sequence[str]) -> str | None:
    """``git -C context_dir ARGS`` output, or None when git is missing or this is no repo."""
    import subprocess  # not at start-up: most lints run outside a repository or need no git

    environment = dict(os.environ)
    environment.update({"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    try:
        completed = subprocess.run(
            ["git", "-C", context_dir, *args],
            capture_output=True,
            check=False,
            env=environment,
        )
    except OSError:
        return None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip()
        if "not a git repository" in message.lower():
            return None
        raise HistoryError(f"git {' '.join(args[:2])} failed: {message}")
    return completed.stdout.decode("utf-8", "surrogateescape")


def repository_prefix(context_dir: str) -> str | None:
    """The context's path inside its repository (``""`` at the root), or None if no repo."""
    located = _locate(context_dir)
    return None if located is None else located[0]


def _locate(context_dir: str, window: int = 0) -> tuple[str, str] | None:
    """The context's path in its repository and, with a ``window``, the commit that many
    first parents below HEAD (``""`` when the history is shorter or without a window),
    from one git call; None if no repo."""
    if not _may_be_in_repository(context_dir):
        return None
    bound = ["--revs-only", f"HEAD~{window}"] if window else []
    output = run_git(context_dir, ["rev-parse", "--show-prefix", *bound])
    if output is None:
        return None
    lines = output.split("\n")
    boundary = lines[1].strip() if window and len(lines) > 1 else ""
    return lines[0].strip().rstrip("/"), boundary


def _may_be_in_repository(folder: str) -> bool:
    """False only when git surely finds no repository: no ``.git`` in ``folder`` or above
    it and no ``GIT_DIR`` in the environment. Spares starting git (milliseconds) there."""
    if os.environ.get("GIT_DIR"):
        return True
    from lintlayers.repository import repository_root

    return repository_root(os.path.abspath(folder)) is not None


def to_context(paths: Iterable[str], prefix: str) -> frozenset[str]:
    """Repository-relative ``paths`` made relative to a context at ``prefix``; others dropped."""
    if not prefix:
        return frozenset(path for path in paths if path)
    start = prefix + "/"
    return frozenset(path[len(start) :] for path in paths if path.startswith(start))


def load_history(
    context_dir: str,
    *,
    limit: int = DEFAULT_LIMIT,
    files: Iterable[str] | None = None,
    min_commits: int = 1,
) -> History:
    """The last ``limit`` non-merge commits that changed the context, from git.

    Falls back to ``synthetic_history`` of ``files`` (default: the context's files after
    its ``.dockerignore``) when git is missing, the folder is not in a repository or
    fewer than ``min_commits`` commits touch it (counted whatever ``limit`` is);
    ``History.reason`` says which. ``project_history`` is the choice the commands and
    rules make.
    """
    window = max(WINDOW, 10 * limit)
    located = _locate(context_dir, window)
    if located is None:
        return synthetic_history(
            _files_of(context_dir) if files is None else files,
            reason="no git repository: a synthetic history by file class",
        )
    prefix, boundary = located
    revisions = [f"{boundary}..HEAD"] if boundary else []
    output = run_git(
        context_dir,
        [
            "log",
            f"-n{max(limit, min_commits, 1)}",
            "--no-merges",
            "--no-renames",
            "--no-color",
            "-z",
            "--name-only",
            f"--format={_SEPARATOR}%H%x00%s",
            *revisions,
            "--",
            ".",
        ],
    )
    commits: list[Commit] = []
    at_root = prefix == "" and os.path.isdir(os.path.join(context_dir, ".git"))
    for chunk in (output or "").split(_SEPARATOR):
        if not chunk:
            continue
        sha, _, rest = chunk.partition("\x00")
        subject, _, names = rest.partition("\x00")
        paths = [name.strip("\n") for name in names.split("\x00")]
        files = set(to_context(paths, prefix))
        if at_root:
            files.add(GIT_MARKER)
        commits.append(Commit(sha, frozenset(files), subject))
    if len(commits) < max(min_commits, 1):
        where = f"in the last {window:,} commits" if boundary else "so far" if commits else "yet"
        if not commits:
            found = "no commit changes"
        elif len(commits) == 1:
            found = "only 1 commit changes"
        else:
            found = f"only {len(commits)} commits change"
        return synthetic_history(
            _files_of(context_dir) if files is None else files,
            reason=f"{found} the context {where}: a synthetic history by file class",
        )
    return History(commits[: max(limit, 1)], "git")


def project_history(
    context_dir: str, *, limit: int = DEFAULT_LIMIT, files: Iterable[str] | None = None
) -> History:
    """The history a build context's costs are priced over: the one decision of
    ``lintlayers cache`` and rule LL105.

    git's last ``limit`` commits changing the context when at least ``MIN_GIT_COMMITS``
    do (counted whatever ``limit`` is), else ``synthetic_history`` of ``files`` (default:
    the context's files after ``.dockerignore``) with the reason in ``History.reason``.
    """
    return load_history(context_dir, limit=limit, files=files, min_commits=MIN_GIT_COMMITS)


def changed_since(context_dir: str, revision: str) -> frozenset[str]:
    """Context files that differ between ``revision`` and the working tree, untracked included.

    Raises ``HistoryError`` when there is no repository or git fails (an unknown rev).
    """
    prefix = repository_prefix(context_dir)
    if prefix is None:
        raise HistoryError(f"{context_dir} is not inside a git repository")
    diff = run_git(context_dir, ["diff", "--name-only", "--no-renames", "-z", revision, "--", "."])
    untracked = run_git(
        context_dir, ["ls-files", "-z", "--full-name", "--others", "--exclude-standard", "--", "."]
    )
    paths = [*(diff or "").split("\x00"), *(untracked or "").split("\x00")]
    files = set(to_context(paths, prefix))
    if prefix == "" and os.path.isdir(os.path.join(context_dir, ".git")):
        head = run_git(context_dir, ["rev-parse", "HEAD"]) or ""
        base = run_git(context_dir, ["rev-parse", f"{revision}^{{commit}}"]) or ""
        if head.strip() != base.strip():
            files.add(GIT_MARKER)
    return frozenset(files)


# -------------------------------------------------------------------------------- fallback

_MANIFEST_NAMES = frozenset(
    {
        "requirements.txt", "pyproject.toml", "setup.py", "setup.cfg", "Pipfile",
        "Pipfile.lock", "poetry.lock", "uv.lock", "package.json", "package-lock.json",
        "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "pnpm-workspace.yaml", "go.mod",
        "go.sum", "Cargo.toml", "Cargo.lock", "pom.xml", "build.gradle", "build.gradle.kts",
        "settings.gradle", "settings.gradle.kts", "gradle.properties", "Gemfile", "Gemfile.lock",
        "composer.json", "composer.lock", "mix.exs", "mix.lock", "packages.config",
        "Directory.Packages.props", "environment.yml", "conda-lock.yml", "bun.lockb", "bun.lock",
        ".npmrc", ".yarnrc", ".yarnrc.yml", "deno.json", "deno.lock", "vcpkg.json",
        "conanfile.txt", "Podfile", "Podfile.lock", "pubspec.yaml", "pubspec.lock",
    }
)  # fmt: skip
_MANIFEST_SUFFIXES = (".lock", ".csproj", ".fsproj", ".vbproj", ".gemspec", ".cabal")
_BUILD_NAMES = frozenset(
    {
        "Dockerfile", "Containerfile", ".dockerignore", "docker-compose.yml",
        "docker-compose.yaml", "compose.yml", "compose.yaml", ".gitlab-ci.yml", ".travis.yml",
        "Jenkinsfile", ".gitignore", ".gitattributes", ".pre-commit-config.yaml",
    }
)  # fmt: skip
_DOC_NAMES: tuple[str, ...] = ("README", "CHANGELOG", "CHANGES", "HISTORY", "LICENSE")
_DOC_NAMES += ("LICENCE", "COPYING", "AUTHORS", "CONTRIBUTING", "CODE_OF_CONDUCT")
_DOC_NAMES += ("NOTICE", "SECURITY")
_DOC_SUFFIXES = (".md", ".rst", ".adoc", ".txt")
_DOC_DIRS = ("docs", "doc", "documentation")
_BUILD_DIRS = (".github", ".circleci", ".gitlab")


def file_class(path: str) -> str:
    """``manifest``, ``build``, ``docs`` or ``source`` for a context-relative path."""
    parts = path.split("/")
    name = parts[-1]
    if name in _MANIFEST_NAMES or name.endswith(_MANIFEST_SUFFIXES):
        return MANIFEST
    if name.startswith(("requirements", "constraints")) and name.endswith((".txt", ".in")):
        return MANIFEST
    if parts[0] == ".git":
        return SOURCE  # it changes with every commit
    if name in _BUILD_NAMES or name.endswith((".dockerignore", ".Dockerfile")):
        return BUILD
    if name.startswith(("Dockerfile.", "Containerfile.")) or parts[0] in _BUILD_DIRS:
        return BUILD
    if parts[0] in _DOC_DIRS or name.upper().startswith(_DOC_NAMES):
        return DOCS
    if name.endswith(_DOC_SUFFIXES):
        return DOCS
    return SOURCE


def synthetic_history(
    paths: Iterable[str], *, commits: int = SYNTHETIC_COMMITS, reason: str = ""
) -> History:
    """A history where each path changes every ``PERIODS[file_class(path)]`` commits.

    Commit ``k`` changes the paths whose period divides ``k`` (commit 0 changes all), so
    over the default 20 commits a manifest changes once and a source file 20 times.
    """
    classed: dict[str, list[str]] = {}
    for path in paths:
        classed.setdefault(file_class(path), []).append(path)
    result: list[Commit] = []
    for index in range(commits):
        files = frozenset(
            path
            for kind, members in classed.items()
            if index % PERIODS[kind] == 0
            for path in members
        )
        result.append(Commit(f"synthetic-{index}", files, f"synthetic commit {index}"))
    return History(result, "synthetic", reason)


def _files_of(context_dir: str) -> list[str]:
    """The files of the context (after ``.dockerignore``), context-relative."""
    from lintlayers.buildcontext.context import BuildContext

    return [entry.path for entry in BuildContext(context_dir).files() if not entry.is_dir]
