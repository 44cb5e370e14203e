"""Recognizing dependency installs: a command's argv against the ecosystem table.

The facts (which command installs dependencies from which manifests) are
``lintlayers.model.ecosystems``; ``INSTALLERS`` lists its install commands.
``match_install`` recognizes a command's argv (word values, wrappers already
stripped) as an install from manifests, ``match_implicit`` as a build that installs
on the way. Paths are as the command names them, relative to its working directory
unless absolute.
"""

from __future__ import annotations

import re

from lintlayers.lazy_re import lazy_compile
from lintlayers.model.ecosystems import ECOSYSTEMS, Installer, ecosystem_of_program
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lintlayers.shell.commands import SimpleCommand

__all__ = [
    "INSTALLERS",
    "InstallMatch",
    "Installer",
    "match_any",
    "match_implicit",
    "match_install",
    "reads_no_project",
]


INSTALLERS: tuple[Installer, ...] = tuple(
    installer for entry in ECOSYSTEMS for installer in entry.installs
)
"""Dependency installs that read only manifest files (given their deps-only flags)."""
IMPLICIT_INSTALLS: tuple[Installer, ...] = tuple(
    installer for entry in ECOSYSTEMS for installer in entry.implicit
)
"""Builds that install dependencies on the way (``dotnet build``, ``go build``)."""

# ``pip``/``python`` and any digits and dots (``python3.12.1``); ``package_commands``
# has stricter major[.minor] ones, kept apart as they were.
_PYTHON_MODULES = frozenset({"pip", "pipenv", "poetry", "uv", "pdm", "piptools"})
_INFO_FLAGS = frozenset({"--version", "-v", "-V", "--help", "-h"})
_LOCAL_PATH = lazy_compile(r"^(\.{1,2}(/|$)|/|~)|^[\w.-]+/|\.(whl|tar\.gz|zip|tgz)$")


class InstallMatch:
    """A recognized dependency install: the installer, its files and its caveats.

    ``manifests`` and ``optional`` are paths relative to ``project_dir`` (``"."``
    unless the command names another directory) or absolute. ``reads_sources``
    is empty for a manifest-only install, else why it needs more (``pip install
    .``). ``installs_project`` is set when a deps-only flag of ``deps_only`` is
    missing: the install needs the sources too, though a deps-only step could run
    first. ``open_manifests`` says the manifests are the table's patterns (no
    project named: ``dotnet restore``), which only the build context can settle;
    ``project_arg`` is the project the command names (``app.csproj``), if any.
    ``implicit`` marks a build that installs on the way (``go build``).
    """

    __slots__ = (
        "argv",
        "implicit",
        "installer",
        "installs_project",
        "manifests",
        "open_manifests",
        "optional",
        "project_arg",
        "project_dir",
        "reads_sources",
        "wrapper",
    )

    def __init__(self, installer: Installer, argv: list[str]) -> None:
        self.installer = installer
        self.argv = argv
        self.project_dir = "."
        self.project_arg = ""
        self.manifests: list[str] = []
        self.optional: list[str] = []
        self.wrapper: list[str] = []
        self.reads_sources = ""
        self.installs_project = False
        self.open_manifests = False
        self.implicit = installer.implicit

    @property
    def manifest_only(self) -> bool:
        return not self.reads_sources and not self.installs_project

    def __repr__(self) -> str:
        return f"InstallMatch({self.installer.tool}, {self.manifests}, dir={self.project_dir!r})"


def versionless(program: str) -> str:
    """A program's name without the version it carries: ``pip3.11`` -> ``pip``,
    ``python3`` -> ``python``."""
    return program.rstrip("0123456789.")


def normalize_argv(words: Sequence[str]) -> list[str]:
    """The argv of a package-manager command, as the table names it.

    ``python -m pip`` becomes ``pip``, ``uv pip`` becomes ``pip`` (``pip sync`` for
    ``uv pip sync``), ``php composer.phar`` becomes ``composer``, ``corepack yarn``
    becomes ``yarn``, ``dotnet paket`` becomes ``paket``; program paths are reduced
    to their basename.
    """
    if not words:
        return []
    name = words[0].replace("\\", "/").rpartition("/")[2]
    rest = list(words[1:])
    if versionless(name) == "python" and "-m" in rest:
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
    if name == "dotnet" and rest and rest[0] == "paket":
        return ["paket", *rest[1:]]
    if name.lower() in ("nuget.exe", "paket.exe"):
        return [name.lower()[:-4], *rest]
    if versionless(name) == "pip":
        return ["pip", *rest]
    return [name, *rest]


def match_install(words: Sequence[str]) -> InstallMatch | None:
    """The dependency install from manifests ``words`` (an argv) runs, or ``None``."""
    return _first(_INSTALLS_BY_NAME, normalize_argv(words))


def match_implicit(words: Sequence[str]) -> InstallMatch | None:
    """The build ``words`` runs that installs dependencies first (``dotnet build``)."""
    return _first(_IMPLICIT_BY_NAME, normalize_argv(words))


def match_any(words: Sequence[str]) -> InstallMatch | None:
    """``match_install``, else ``match_implicit`` (the argv normalized once)."""
    argv = normalize_argv(words)
    return _first(_INSTALLS_BY_NAME, argv) or _first(_IMPLICIT_BY_NAME, argv)


def _by_name(installers: tuple[Installer, ...]) -> dict[str, list[Installer]]:
    found: dict[str, list[Installer]] = {}
    for installer in installers:
        for name in installer.names:
            found.setdefault(name, []).append(installer)
    return found


_INSTALLS_BY_NAME = _by_name(INSTALLERS)
_IMPLICIT_BY_NAME = _by_name(IMPLICIT_INSTALLS)


def _first(installers: dict[str, list[Installer]], argv: list[str]) -> InstallMatch | None:
    if not argv:
        return None
    for installer in installers.get(argv[0], ()):
        found = _match(installer, argv)
        if found is not None:
            return found
    return None


def _match(installer: Installer, argv: list[str]) -> InstallMatch | None:
    positionals, options = split_arguments(argv[1:], installer)
    given = {name for name, _ in options}
    if installer.when_flags and not given & set(installer.when_flags):
        return None
    if installer.code_options:
        code = [value for name, value in options if name in installer.code_options]
        if not any(re.search(installer.code_pattern, value) for value in code):
            return None
    if installer.skip_flags and any(
        name in installer.skip_flags or f"{name}={value}" in installer.skip_flags
        for name, value in options
    ):
        return None
    for subcommand in installer.subcommands:
        if installer.any_position and subcommand and subcommand[0] in positionals:
            return _build(installer, argv, [], options)  # ``mvn clean package``
        if tuple(positionals[: len(subcommand)]) != subcommand:
            continue
        rest = positionals[len(subcommand) :]
        if installer.local_only and not all(_is_local_package(value, subcommand) for value in rest):
            return None  # ``go install pkg@v1``: reads nothing of the project
        if installer.project_positional and len(rest) <= 1:
            pass
        elif rest and not (installer.extra_args or installer.positional_manifests):
            continue
        if not subcommand and any(name in _INFO_FLAGS for name, _ in options):
            continue  # ``yarn --version``
        return _build(installer, argv, rest, options)
    return None


def split_arguments(
    args: list[str], installer: Installer
) -> tuple[list[str], list[tuple[str, str]]]:
    """Positional words and ``(option, value)`` pairs (value ``""`` for plain flags)."""
    takes_value = set(installer.value_options + installer.dir_options)
    takes_value.update(installer.manifest_options)
    takes_value.update(installer.code_options)
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
    if not installer.required:  # requirement files: pip -r, pip-sync, conda env create
        return _requirements(found, named, rest, options)
    found.manifests = list(installer.required)
    if installer.project_positional:
        if installer.local_only:
            rest = []  # package patterns, not a project
        if rest:
            found.project_arg = rest[0]
            named = [rest[0]] if _is_file_name(rest[0]) else []
            if not named and rest[0] not in (".", "./"):
                found.project_dir = _join(found.project_dir, rest[0].rstrip("/"))
        if not named and any(_is_glob(name) for name in installer.required):
            found.open_manifests = True
    if named:  # ``cargo --manifest-path x/Cargo.toml``, ``dotnet restore src/app.csproj``
        parent, _, base = named[0].replace("\\", "/").rpartition("/")
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
        if not found.installer.default_manifests:
            return None  # ``pip install flask``: no manifest involved
        named = list(found.installer.default_manifests)  # ``pip-sync`` alone
    found.manifests = named
    if local:
        found.reads_sources = f"it builds the local project {local[0]}"
    return found


def _is_local(value: str) -> bool:
    if "://" in value or value.startswith("git+"):
        return False
    return bool(_LOCAL_PATH.search(value)) or value == "."


def _is_local_package(value: str, subcommand: tuple[str, ...] = ("install",)) -> bool:
    """A package pattern the project itself may hold: a path (``.``, ``./cmd/...``,
    ``main.go``) or, but for ``go get``, an import path without ``@version``, which the go
    command resolves in the current module (``go install github.com/me/app/cmd/x``, the
    ``tool`` meta-package); ``pkg@v1`` is built outside it."""
    if value in (".", "..") or value.startswith(("./", "../", "/")) or value.endswith(".go"):
        return True
    return subcommand != ("get",) and "@" not in value


def builds_local(words: Sequence[str]) -> str:
    """Why a tool's install subcommand builds packages of the project in its directory
    (``go install ./cmd/x``, ``go install`` alone, ``cargo install --path .``); ``""`` when
    it builds only what it downloads (``go install pkg@v1``, ``cargo install ripgrep``).
    The go answer is ``match_implicit``'s reading of the package patterns."""
    argv = normalize_argv(words)
    if argv[:1] == ["cargo"]:
        positional = [value for value in argv[1:] if not value.startswith("-")]
        path = any(value == "--path" or value.startswith("--path=") for value in argv)
        if positional[:1] == ["install"] and (path or not positional[1:]):
            return "cargo install of a local crate"
        return ""
    for installer in _IMPLICIT_BY_NAME.get(argv[0], ()) if argv else ():
        if not installer.local_only:
            continue
        positionals, _ = split_arguments(argv[1:], installer)
        for subcommand in installer.subcommands:
            if subcommand and tuple(positionals[: len(subcommand)]) == subcommand:
                rest = positionals[len(subcommand) :]
                if not rest or any(_is_local_package(value, subcommand) for value in rest):
                    return f"{' '.join((argv[0], *subcommand))} of local packages"
    return ""


def _is_file_name(value: str) -> bool:
    """Whether a project argument names a file (``app.csproj``) rather than a folder."""
    base = value.rstrip("/").replace("\\", "/").rpartition("/")[2]
    return not value.endswith("/") and "." in base.lstrip(".")


def _is_glob(value: str) -> bool:
    return any(character in value for character in "*?[")


def _join(base: str, path: str) -> str:
    if path.startswith("/") or base in ("", "."):
        return path
    return base.rstrip("/") + "/" + path


NEUTRAL_COMMANDS = frozenset(
    {
        "cd", "pushd", "popd", "set", "true", ":", "echo", "printf", "mkdir", "rm",
        "export", "ls", "pwd", "test", "[", "sleep", "umask", "which", "id", "whoami",
        "date", "corepack",
    }
)  # fmt: skip
"""Shell commands that read no file of the build context."""


def reads_no_project(command: SimpleCommand) -> bool:
    """Whether a command reads nothing of the project, so it can run before the sources
    are copied: shell built-ins, system package managers, a tool's own setup."""
    view = command.effective()
    if not view.words:
        return True
    name = view.name
    if name in NEUTRAL_COMMANDS:
        return True
    argv = normalize_argv([word.value for word in view.words])
    tool = argv[0]
    entries = ecosystem_of_program(tool)
    if any(not entry.reads_context for entry in entries):
        return True  # system package managers
    if _first(_INSTALLS_BY_NAME, argv) or _first(_IMPLICIT_BY_NAME, argv):
        return False  # ``gem install -g Gemfile``, ``vcpkg install``: they read manifests
    if versionless(tool) == "python" and argv[1:3] == ["-m", "venv"]:
        return True
    positional = [arg for arg in argv[1:] if not arg.startswith("-")]
    for entry in entries:
        for setup in entry.setup:
            if setup and tuple(positional[: len(setup)]) == setup:
                if setup == ("install",) and any(
                    arg.startswith((".", "/")) for arg in positional[1:]
                ):
                    continue
                return True
            if not setup and not _reads_files(entry.name, argv):
                return True
    if any(flag in argv for entry in entries for flag in entry.global_flags):
        return True
    if tool == "pip" and positional[:1] == ["install"]:
        if any(arg in ("-r", "--requirement", "-e", "--editable") for arg in argv):
            return False
        return not any(arg.startswith((".", "/")) or "/" in arg for arg in positional[1:])
    return False


def _reads_files(name: str, argv: list[str]) -> bool:
    """For tools whose plain use reads nothing (``Rscript -e 'install.packages(...)'``,
    ``cpanm Module``): whether this use names local files."""
    if name == "renv":
        return not all(arg == "-e" or "install.packages(" in arg for arg in argv[1:])
    return any(arg.startswith((".", "/", "--installdeps")) for arg in argv[1:])


def project_tool(words: Sequence[str]) -> str:
    """The program of a command run with an ecosystem's tool that works on a project
    (``go mod tidy``, ``go get``), not one of the tool's setup commands (``go version``,
    ``go env``); ``""`` for any other command."""
    if not words:
        return ""
    program = words[0].rpartition("/")[2]
    entries = ecosystem_of_program(program)
    if not entries or any(
        tuple(words[1 : 1 + len(setup)]) == setup for entry in entries for setup in entry.setup
    ):
        return ""
    return program
