"""Dependency installs of package managers and the manifest files they read.

``INSTALLERS`` is the one table of facts: which command installs dependencies
from which manifests. ``match_install`` recognizes a command's argv (word
values, wrappers already stripped) against it. Paths are as the command names
them, relative to its working directory unless absolute.
"""

from __future__ import annotations

import re

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


class Installer:
    """How one package manager installs dependencies, and the files that needs.

    ``subcommands`` are the leading positional words of the install (``()`` for a
    bare ``yarn``); ``required``/``optional`` the manifests relative to the project
    directory (``optional`` are lockfiles and settings used when they exist, the
    usual lockfile first; entries may be globs such as ``build.gradle*``, a
    trailing ``/`` marks a directory). ``manifest_options`` name options whose values are manifests
    (``pip -r``); ``positional_manifests`` says the positional words after the
    subcommand are manifests (``pip-sync requirements.txt``). ``extra_args`` says
    whether more positional words (package names) keep it a manifest install.
    ``deps_only`` lists groups of flags, any group of which makes the command skip
    installing the project itself; empty when it never installs the project.
    ``wrapper`` are files a wrapper script (``./gradlew``) needs besides the
    manifests; ``note`` says why moving the install before the sources needs more
    than the manifests.
    """

    __slots__ = (
        "deps_only",
        "dir_options",
        "extra_args",
        "manifest_options",
        "names",
        "note",
        "optional",
        "positional_manifests",
        "required",
        "subcommands",
        "tool",
        "value_options",
        "wrapper",
    )

    def __init__(
        self,
        tool: str,
        names: tuple[str, ...],
        subcommands: tuple[tuple[str, ...], ...],
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
        *,
        manifest_options: tuple[str, ...] = (),
        positional_manifests: bool = False,
        extra_args: bool = False,
        deps_only: tuple[tuple[str, ...], ...] = (),
        dir_options: tuple[str, ...] = (),
        value_options: tuple[str, ...] = (),
        wrapper: tuple[str, ...] = (),
        note: str = "",
    ) -> None:
        self.tool = tool
        self.names = names
        self.subcommands = subcommands
        self.required = required
        self.optional = optional
        self.manifest_options = manifest_options
        self.positional_manifests = positional_manifests
        self.extra_args = extra_args
        self.deps_only = deps_only
        self.dir_options = dir_options
        self.value_options = value_options
        self.wrapper = wrapper
        self.note = note

    def __repr__(self) -> str:
        return f"Installer({self.tool}: {' '.join(self.names[:1] + self.subcommands[0])})"


# Value options of ``pip install`` for the table (``-r``/``-c`` are its manifest_options).
# Not ``package_commands.PIP_VALUE_OPTIONS``: each lacks some of the other's options, and
# merging them would change which commands either one recognizes.
_PIP_INSTALL_VALUES = (
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--target",
    "-t",
    "--prefix",
    "--root",
    "--python",
    "--trusted-host",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--only-binary",
    "--no-binary",
    "--progress-bar",
    "--cache-dir",
    "--src",
    "--upgrade-strategy",
    "--log",
    "--timeout",
    "--retries",
    "--proxy",
    "--cert",
    "--client-cert",
    "--config-settings",
    "-C",
    "--global-option",
    "--report",
    "--index-strategy",
    "--keyring-provider",
    "-e",
    "--editable",
)
_NPM_VALUES = ("--registry", "--cache", "--userconfig", "--loglevel", "--omit", "--include")
_MAVEN_VALUES = ("-s", "--settings", "-gs", "--global-settings", "-P", "-pl", "--projects")
_MAVEN_VALUES += (
    "-T",
    "--threads",
    "-rf",
    "--resume-from",
    "-t",
    "--toolchains",
    "-l",
    "--log-file",
)
_GRADLE_VALUES = ("-g", "--gradle-user-home", "-c", "--settings-file", "-b", "--build-file")
_GRADLE_VALUES += ("-I", "--init-script", "--console", "--warning-mode", "-x", "--exclude-task")

INSTALLERS: tuple[Installer, ...] = (
    Installer(
        "pip",
        ("pip",),
        (("install",),),
        manifest_options=("-r", "--requirement", "-c", "--constraint"),
        extra_args=True,
        value_options=_PIP_INSTALL_VALUES,
    ),
    Installer("pip-tools", ("pip-sync",), ((),), positional_manifests=True),
    Installer(
        "uv", ("pip",), (("sync",),), positional_manifests=True, value_options=_PIP_INSTALL_VALUES
    ),
    Installer(
        "uv",
        ("uv",),
        (("sync",),),
        ("pyproject.toml",),
        ("uv.lock",),
        deps_only=(
            ("--no-install-project",),
            ("--no-install-workspace",),
            ("--only-group",),
            ("--only-dev",),
        ),
        dir_options=("--directory", "--project"),
        value_options=("--python", "-p", "--extra", "--group", "--no-group", "--package"),
    ),
    Installer(
        "poetry",
        ("poetry",),
        (("install",),),
        ("pyproject.toml",),
        ("poetry.lock", "poetry.toml"),
        deps_only=(("--no-root",),),
        dir_options=("-C", "--directory", "-P", "--project"),
        value_options=("--only", "--with", "--without", "-E", "--extras"),
    ),
    Installer("pipenv", ("pipenv",), (("install",), ("sync",)), ("Pipfile",), ("Pipfile.lock",)),
    Installer(
        "npm",
        ("npm",),
        (("ci",), ("install",), ("i",), ("clean-install",), ("install-clean",)),
        ("package.json",),
        ("package-lock.json", "npm-shrinkwrap.json", ".npmrc"),
        dir_options=("--prefix",),
        value_options=_NPM_VALUES,
    ),
    Installer(
        "yarn",
        ("yarn",),
        ((), ("install",)),
        ("package.json",),
        ("yarn.lock", ".yarnrc", ".yarnrc.yml", ".npmrc"),
        dir_options=("--cwd",),
        value_options=("--network-timeout", "--cache-folder", "--modules-folder", "--mutex"),
    ),
    Installer(
        "pnpm",
        ("pnpm",),
        (("install",), ("i",)),
        ("package.json",),
        ("pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc"),
        dir_options=("-C", "--dir"),
        value_options=("--store-dir", "--filter", "-F", "--reporter"),
    ),
    Installer(
        "pnpm",
        ("pnpm",),
        (("fetch",),),
        ("pnpm-lock.yaml",),
        (".npmrc",),
        dir_options=("-C", "--dir"),
        value_options=("--store-dir",),
    ),
    Installer(
        "go",
        ("go",),
        (("mod", "download"),),
        ("go.mod",),
        ("go.sum",),
        extra_args=True,
        dir_options=("-C",),
    ),
    Installer(
        "cargo",
        ("cargo",),
        (("fetch",),),
        ("Cargo.toml",),
        ("Cargo.lock",),
        manifest_options=("--manifest-path",),
        value_options=("--target", "--config", "-Z"),
        note="cargo cannot read a manifest without its targets: add a stub src/main.rs",
    ),
    Installer(
        "maven",
        ("mvn", "mvnw"),
        (
            ("dependency:go-offline",),
            ("dependency:resolve",),
            ("dependency:resolve-plugins",),
            ("de.qaware.maven:go-offline-maven-plugin:resolve-dependencies",),
        ),
        ("pom.xml",),
        manifest_options=("-f", "--file"),
        value_options=_MAVEN_VALUES,
        wrapper=("mvnw", ".mvn/"),
    ),
    Installer(
        "gradle",
        ("gradle", "gradlew"),
        (("dependencies",), ("androidDependencies",), ("resolveDependencies",)),
        ("build.gradle*",),
        ("settings.gradle*", "gradle.properties"),
        dir_options=("-p", "--project-dir"),
        value_options=_GRADLE_VALUES,
        wrapper=("gradlew", "gradle/"),
    ),
    Installer(
        "bundler",
        ("bundle",),
        (("install",),),
        ("Gemfile",),
        ("Gemfile.lock",),
        manifest_options=("--gemfile",),
        value_options=("--jobs", "-j", "--retry", "--path", "--without", "--with", "--binstubs"),
    ),
    Installer(
        "composer",
        ("composer",),
        (("install",), ("i",)),
        ("composer.json",),
        ("composer.lock",),
        deps_only=(("--no-scripts", "--no-autoloader"),),
        dir_options=("-d", "--working-dir"),
    ),
)
"""Dependency installs that read only manifest files (given their deps-only flags)."""

# ``pip``/``python`` and any digits and dots (``python3.12.1``); ``package_commands``
# has stricter major[.minor] ones, kept apart as they were.
_PIP_ANY_VERSION = re.compile(r"pip[0-9.]*$")
PYTHON_ANY_VERSION = re.compile(r"python[0-9.]*$")
_PYTHON_MODULES = frozenset({"pip", "pipenv", "poetry", "uv"})
_INFO_FLAGS = frozenset({"--version", "-v", "-V", "--help", "-h"})
_LOCAL_PATH = re.compile(r"^(\.{1,2}(/|$)|/|~)|^[\w.-]+/|\.(whl|tar\.gz|zip|tgz)$")


class InstallMatch:
    """A recognized dependency install: the installer, its files and its caveats.

    ``manifests`` and ``optional`` are paths relative to ``project_dir`` (``"."``
    unless the command names another directory) or absolute. ``reads_sources``
    is empty for a manifest-only install, else why it needs more (``pip install
    .``). ``installs_project`` is set when a deps-only flag of ``deps_only`` is
    missing: the install needs the sources too, though a deps-only step could run
    first.
    """

    __slots__ = (
        "argv",
        "installer",
        "installs_project",
        "manifests",
        "optional",
        "project_dir",
        "reads_sources",
        "wrapper",
    )

    def __init__(self, installer: Installer, argv: list[str]) -> None:
        self.installer = installer
        self.argv = argv
        self.project_dir = "."
        self.manifests: list[str] = []
        self.optional: list[str] = []
        self.wrapper: list[str] = []
        self.reads_sources = ""
        self.installs_project = False

    @property
    def manifest_only(self) -> bool:
        return not self.reads_sources and not self.installs_project

    def __repr__(self) -> str:
        return f"InstallMatch({self.installer.tool}, {self.manifests}, dir={self.project_dir!r})"


def normalize_argv(words: Sequence[str]) -> list[str]:
    """The argv of a package-manager command, as the table names it.

    ``python -m pip`` becomes ``pip``, ``uv pip`` becomes ``pip`` (``pip sync`` for
    ``uv pip sync``), ``php composer.phar`` becomes ``composer``, ``corepack yarn``
    becomes ``yarn``; program paths are reduced to their basename.
    """
    if not words:
        return []
    name = words[0].rpartition("/")[2]
    rest = list(words[1:])
    if PYTHON_ANY_VERSION.match(name) and "-m" in rest:
        index = rest.index("-m")
        if index + 1 < len(rest) and rest[index + 1] in _PYTHON_MODULES:
            return normalize_argv(rest[index + 1 :])
        return [name, *rest]
    if name == "php" and rest and rest[0].rpartition("/")[2] in ("composer", "composer.phar"):
        return ["composer", *rest[1:]]
    if name == "composer.phar":
        return ["composer", *rest]
    if name == "corepack" and rest and rest[0] in ("yarn", "pnpm", "npm"):
        return normalize_argv(rest)
    if name == "uv" and rest and rest[0] == "pip":
        return ["pip", *rest[1:]]
    if _PIP_ANY_VERSION.match(name):
        return ["pip", *rest]
    return [name, *rest]


def match_install(words: Sequence[str]) -> InstallMatch | None:
    """The dependency install ``words`` (an argv) runs, or ``None``."""
    argv = normalize_argv(words)
    if not argv:
        return None
    name = argv[0]
    for installer in INSTALLERS:
        if name not in installer.names:
            continue
        found = _match(installer, argv)
        if found is not None:
            return found
    return None


def _match(installer: Installer, argv: list[str]) -> InstallMatch | None:
    positionals, options = _split(argv[1:], installer)
    for subcommand in installer.subcommands:
        if tuple(positionals[: len(subcommand)]) != subcommand:
            continue
        rest = positionals[len(subcommand) :]
        if rest and not (installer.extra_args or installer.positional_manifests):
            continue
        if not subcommand and any(name in _INFO_FLAGS for name, _ in options):
            continue  # ``yarn --version``
        return _build(installer, argv, rest, options)
    return None


def _split(args: list[str], installer: Installer) -> tuple[list[str], list[tuple[str, str]]]:
    """Positional words and ``(option, value)`` pairs (value ``""`` for plain flags)."""
    takes_value = set(installer.value_options + installer.dir_options)
    takes_value.update(installer.manifest_options)
    positionals: list[str] = []
    options: list[tuple[str, str]] = []
    index = 0
    while index < len(args):
        word = args[index]
        index += 1
        if word == "--":
            positionals.extend(args[index:])
            break
        if not word.startswith("-") or word == "-":
            positionals.append(word)
            continue
        name, equals, value = word.partition("=")
        if equals and name.startswith("--"):
            options.append((name, value))
        elif word in takes_value and index < len(args):
            options.append((word, args[index]))
            index += 1
        elif not word.startswith("--") and len(word) > 2 and word[:2] in takes_value:
            options.append((word[:2], word[2:]))  # ``-rrequirements.txt``
        else:
            options.append((word, ""))
    return positionals, options


def _build(
    installer: Installer, argv: list[str], rest: list[str], options: list[tuple[str, str]]
) -> InstallMatch | None:
    found = InstallMatch(installer, argv)
    given = {name for name, _ in options}
    for name, value in options:
        if name in installer.dir_options and value:
            found.project_dir = value
    named = [value for name, value in options if name in installer.manifest_options and value]
    if installer.positional_manifests:
        named.extend(rest)
        rest = []
    if not installer.required:  # requirement files: pip -r, pip-sync, uv pip sync
        return _requirements(found, named, rest, options)
    found.manifests = list(installer.required)
    if named:  # ``cargo --manifest-path x/Cargo.toml``, ``mvn -f x/pom.xml``
        parent, _, base = named[0].rpartition("/")
        found.project_dir = _join(found.project_dir, parent) if parent else found.project_dir
        found.manifests = [base]
    found.optional = list(installer.optional)
    if installer.wrapper and argv[0] != installer.names[0]:
        found.wrapper = list(installer.wrapper)
    if installer.deps_only and not any(
        all(flag in given for flag in group) for group in installer.deps_only
    ):
        found.installs_project = True
    return found


def _requirements(
    found: InstallMatch, named: list[str], rest: list[str], options: list[tuple[str, str]]
) -> InstallMatch | None:
    """Manifests and source needs of ``pip install -r`` and its relatives."""
    editable = [value for name, value in options if name in ("-e", "--editable")]
    local = [value for value in rest + editable if _is_local(value)]
    if not named and not local:
        if found.installer.positional_manifests:
            named = ["requirements.txt"]  # ``pip-sync`` alone
        else:
            return None  # ``pip install flask``: no manifest involved
    found.manifests = named
    if local:
        found.reads_sources = f"it builds the local project {local[0]}"
    return found


def _is_local(value: str) -> bool:
    if "://" in value or value.startswith("git+"):
        return False
    return bool(_LOCAL_PATH.search(value)) or value == "."


def _join(base: str, path: str) -> str:
    if path.startswith("/") or base in ("", "."):
        return path
    return base.rstrip("/") + "/" + path
