"""The one RUN model: what each command of a RUN does, from one table of commands.

``COMMANDS`` holds one entry per command name (built from the family blocks below;
a name in two blocks is an error at import). An entry says:

- ``files``: how the command's reads and writes are told. ``builtin`` (a shell
  builtin: nothing), ``quiet`` (reads and writes no file worth naming), ``reader``
  (reads the paths it names), ``operands`` (writes each path it names), ``system``
  (a distro tool: reads and writes the system directories), ``language`` (a language
  package manager: its table in ``model.package_managers``, then per-tool rules), or
  the name of a handler of ``model.command_writes`` (``tar``, ``download``, ``git``...)
  for a command whose arguments need reading. ``unknown``: lintlayers cannot tell,
  and every consumer assumes it reads and writes everything.
- ``cost``: its cost class (``COST_CLASSES``), refined per subcommand by ``work_of``.
- ``reads``: what it reads of the files copied before it, for the cache model:
  ``named`` (the paths it names), ``manifests`` (a dependency install that needs
  only its manifests), ``project`` (the project tree in its directory) or
  ``everything`` (unknown).
- ``network``: True (fetches), False (never), None (unknown).
- ``env``: what it reads of its environment (``ENV_KINDS``): LL102's and the reorder
  engine's question "may it read a variable it does not name" (``model.environment``).
- ``settings``, ``adds``, ``global_actions``, ``dir_variables``: for a toolchain or
  package manager that is no ecosystem's (``corepack``, ``rustup``, ``pipx``, ``pecl``),
  the facts an ecosystem entry keeps for its tools (``model.ecosystems.settings_of``...).

``command_facts(argv)`` answers all of it per command, with the dependency install
that ``model.package_managers`` recognises (its manifests are that table's answer,
not this one's), ``leaves`` (the package data it keeps: caches and indexes, from
``model.package_commands``) and ``environment`` (whether it may read any environment
variable: ``model.environment``, LL102's question). The cache plan (costs, read sets), the reorder
engine and the size rules read this module (``model.command_writes`` dispatches on ``files``).
"""

from __future__ import annotations

from lintlayers.model.state import POSIX_SHELLS
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from lintlayers.model.package_managers import InstallMatch
    from lintlayers.shell.commands import SimpleCommand

# -- answers ---------------------------------------------------------------------------------

SYSTEM_PACKAGES = "system-packages"
DEPENDENCIES = "dependencies"
COMPILE = "compile"
DOWNLOAD = "download"
FILES = "files"
OTHER = "other"
COST_CLASSES = (SYSTEM_PACKAGES, DEPENDENCIES, COMPILE, DOWNLOAD, FILES, OTHER)
"""Kinds of work a command does; ``cache.costs`` prices each."""

NAMED = "named"
MANIFESTS = "manifests"
PROJECT = "project"
EVERYTHING = "everything"
READ_SCOPES = (NAMED, MANIFESTS, PROJECT, EVERYTHING)
"""What a command reads of the files copied before it, narrowest first."""

BUILTIN = "builtin"
QUIET = "quiet"
READER = "reader"
OPERANDS = "operands"
SYSTEM = "system"
LANGUAGE = "language"
UNKNOWN = "unknown"

ENV_NAMED = "named"
ENV_ANY = "any"
ENV_SCRIPTS = "scripts"
ENV_CODE = "code"
ENV_BUILDS = "builds"
ENV_KINDS = (ENV_NAMED, ENV_ANY, ENV_SCRIPTS, ENV_CODE, ENV_BUILDS)
"""What a command reads of its environment (``Command.env``): only the variables it
documents (``named``); any variable (``any``: it runs project code or a script: a build
tool with its config code, a task runner); any when it runs a package script (``scripts``:
any subcommand but ``PACKAGE_COMMANDS``); any when it runs a file or a module, not
inline code (``code``: interpreters); any when it builds the project (``builds``: its
cost class is ``compile``, as ``dotnet build``, whose MSBuild reads every variable)."""


class Command:
    """One entry of the table: how a command's files are told, its cost and reads."""

    __slots__ = ("adds", "cost", "dir_variables", "env", "files", "global_actions", "name",
                 "network", "reads", "settings")  # fmt: skip

    def __init__(
        self, name: str, files: str, cost: str, reads: str, network: bool | None, env: str
    ) -> None:
        self.name = name
        self.files = files
        self.cost = cost
        self.reads = reads
        self.network = network
        self.env = env
        self.settings: tuple[str, ...] | None = None
        self.adds: frozenset[str] | None = frozenset()
        self.global_actions: frozenset[str] = frozenset()
        self.dir_variables: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"Command({self.name}: files={self.files}, {self.cost}, reads={self.reads})"


COMMANDS: dict[str, Command] = {}
"""One entry per command name."""


def _family(
    names: Iterable[str],
    files: str,
    cost: str,
    reads: str,
    network: bool | None = False,
    env: str = ENV_NAMED,
) -> None:
    for name in names:
        if name in COMMANDS:
            raise ValueError(f"command {name!r} is in two families of the command table")
        COMMANDS[name] = Command(name, files, cost, reads, network, env)


def _env(names: Iterable[str], env: str) -> None:
    """What commands of a family that mixes kinds read of their environment."""
    for name in names:
        COMMANDS[name].env = env


# -- the table -------------------------------------------------------------------------------

_family(
    ("cd", "pushd", "popd", "set", "true", "false", ":", "echo", "printf", "export", "unset",
     "exit", "return", "shift", "local", "declare", "typeset", "readonly", "wait", "trap",
     "shopt", "ulimit", "alias", "hash", "type", "break", "continue", "read", "getopts", "let"),
    BUILTIN, FILES, NAMED,
)  # fmt: skip
"""Shell builtins: no program is looked up, no file is touched."""

_family(
    ("sleep", "id", "whoami", "date", "pwd", "uname", "nproc", "arch", "getconf", "hostname",
     "printenv", "locale", "tty", "yes", "seq", "expr", "basename", "dirname", "env", "groups",
     "logname", "uptime", "free", "tput", "clear", "dpkg-architecture", "command", "sync",
     "df", "xx-info"),
    QUIET, FILES, NAMED,
)  # fmt: skip
"""Programs that read no file worth naming and write nothing."""

_family(
    ("cat", "ls", "head", "tail", "grep", "egrep", "fgrep", "wc", "sort", "uniq", "cut", "tr",
     "awk", "gawk", "mawk", "diff", "cmp", "stat", "file", "du", "md5sum", "sha1sum",
     "sha224sum", "sha256sum", "sha384sum", "sha512sum", "cksum", "xxd", "od", "readlink",
     "realpath", "jq", "base64", "column", "fold", "nl", "rev", "tac", "strings", "ldd",
     "which", "whereis", "hexdump", "zcat", "less", "more", "comm", "paste", "join", "find",
     "sed", "tree", "lsb_release", "shuf", "scanelf", "xx-verify"),
    READER, FILES, NAMED,
)  # fmt: skip
"""Programs that read the paths they name and write only standard output (``find`` and
``sed -i`` are read more closely by their handler in ``model.command_writes``)."""

_family(
    ("mkdir", "rm", "rmdir", "unlink", "shred", "tee", "truncate", "dos2unix", "setfacl",
     "mkfifo", "strip", "upx", "yq"),
    OPERANDS, FILES, NAMED,
)  # fmt: skip
"""Programs that write each path they name (``yq -i``, ``dos2unix`` edit in place)."""

OPERAND_OPTIONS: dict[str, tuple[str, ...]] = {
    "mkdir": ("-m", "--mode"),  # ``-Z`` is a flag; ``--context=CTX`` takes ``=``
    "truncate": ("-s", "--size", "-r", "--reference"),
    "mkfifo": ("-m", "--mode"),
    "setfacl": ("-m", "--modify", "-x", "--remove", "-M", "--modify-file", "-X",
                "--remove-file", "--set", "--set-file"),
    "strip": ("-o", "-R", "--remove-section", "-K", "--keep-symbol", "-N", "--strip-symbol"),
    "upx": ("-o",),
}  # fmt: skip
"""Options that take a value, per ``operands`` command (not paths it writes)."""

for _name, _handler in {
    "touch": "touch", "chmod": "chmod", "chown": "chmod", "chgrp": "chmod", "ln": "ln",
    "cp": "copy_like", "mv": "copy_like", "install": "copy_like", "rsync": "copy_like",
    "tar": "tar", "unzip": "unzip", "gzip": "compress", "gunzip": "compress",
    "bzip2": "compress", "bunzip2": "compress", "xz": "compress", "unxz": "compress",
    "zstd": "compress", "unzstd": "compress", "gpg": "gpg", "gpgv": "gpg", "gpgconf": "gpg",
    "mktemp": "mktemp", ".": "source", "source": "source", "test": "test", "[": "test",
    "[[": "test", "umask": "umask",
}.items():  # fmt: skip
    _family((_name,), _handler, FILES, NAMED)
_env((".", "source"), ENV_ANY)  # a sourced script runs in this shell (not ``SOURCED_FILES``)
_family(("curl", "wget"), "download", DOWNLOAD, NAMED, True)
_family(("git",), "git", FILES, NAMED, None)  # ``git clone``/``fetch``: DOWNLOAD (work_of)
_family(sorted(POSIX_SHELLS - {"busybox"}), "shell", FILES, NAMED, None, ENV_CODE)
_family(("busybox",), "shell", FILES, NAMED, None)  # ``busybox wget``: an applet
"""Commands whose arguments their handler in ``model.command_writes`` reads."""

_family(
    ("apt-get", "apt", "aptitude", "apt-key", "apt-mark", "apt-cache", "apt-config", "dpkg",
     "dpkg-reconfigure", "dpkg-query", "dpkg-divert", "debconf-set-selections", "apk", "yum",
     "dnf", "microdnf", "tdnf", "rpm", "zypper", "yum-config-manager",
     "update-ca-certificates", "ldconfig", "locale-gen", "localedef", "update-locale",
     "update-alternatives", "add-apt-repository", "pacman", "install_packages", "rpmkeys",
     "update-mime-database", "fc-cache", "gdk-pixbuf-query-loaders", "useradd", "adduser",
     "groupadd", "addgroup", "usermod", "groupmod", "userdel", "deluser", "delgroup",
     "chpasswd", "passwd", "chsh", "rc-update", "setcap", "xx-apt-get", "xx-apt", "xx-apk",
     "a2enmod", "a2dismod", "a2ensite", "a2dissite", "update-rc.d", "chkconfig",
     "glib-compile-schemas", "gtk-update-icon-cache", "mandb", "getent", "dpkg-buildflags"),
    SYSTEM, FILES, NAMED, None,
)  # fmt: skip
"""Distro tools: they read and write the system directories (packages, users, caches);
package installs are ``system-packages`` work (``SYSTEM_ACTIONS``)."""
USER_TOOLS = frozenset(
    {"useradd", "adduser", "groupadd", "addgroup", "usermod", "groupmod", "userdel", "deluser",
     "delgroup", "chpasswd", "passwd"}
)  # fmt: skip
"""Distro tools that make users and groups (and their home directories)."""

_family(
    ("emerge", "xbps-install", "choco", "port", "brew", "opkg"),
    UNKNOWN, FILES, NAMED, None,
)  # fmt: skip
"""Other package managers: their installs cost like the distro ones; files unknown."""

_family(
    ("pip", "npm", "yarn", "pnpm", "bun", "gem", "pipx", "corepack", "cargo", "go", "composer",
     "uv", "bundle", "poetry", "conda", "mamba", "micromamba", "python", "python2", "python3",
     "pip-sync", "pipenv", "pdm", "dotnet", "nuget", "paket", "cpanm", "cpan", "carton",
     "luarocks", "pecl", "mix", "rebar3", "lein", "cabal", "stack", "dep", "glide", "bower",
     "install2.r", "installGithub.r", "mvn", "mvnw", "gradle", "gradlew", "dart", "flutter",
     "swift", "Rscript", "R", "vcpkg", "conan", "clojure", "clj", "shards", "gleam", "opam"),
    LANGUAGE, OTHER, EVERYTHING, None,
)  # fmt: skip
_family(("rustup",), LANGUAGE, DOWNLOAD, NAMED, True)
_family(("sbt",), LANGUAGE, COMPILE, PROJECT, None, ENV_ANY)
_family(("virtualenv",), LANGUAGE, FILES, NAMED)
"""Language package managers and toolchains: dependency installs come from
``model.package_managers``; the rest is decided per subcommand (``work_of``, and the
tool rules of ``model.command_writes``)."""
_env(("npm", "yarn", "pnpm", "bun"), ENV_SCRIPTS)
_env(("python", "python2", "python3"), ENV_CODE)
_env(("cargo", "mvn", "mvnw", "gradle", "gradlew"), ENV_ANY)  # build.rs, plugins, build scripts
_env(("dotnet", "mix", "rebar3", "lein", "cabal", "stack", "swift", "dart", "flutter",
      "clojure", "clj", "shards", "gleam", "opam"),
     ENV_BUILDS)  # fmt: skip
"""MSBuild reads every variable as a property; mix.exs, project.clj, deps.edn aliases,
Setup.hs, rebar scripts, shards' postinstall, opam build steps and build hooks are
project code."""

_family(
    ("make", "gmake", "cmake", "ninja", "meson", "scons", "bazel", "bazelisk", "webpack",
     "vite", "rollup", "parcel", "babel", "ng", "next", "nuxt", "msbuild", "ant", "configure",
     "autogen.sh", "pyinstaller", "jekyll", "docker-php-ext-install", "go-wrapper", "dune",
     "gatsby", "ember", "turbo", "nx", "lerna", "grunt", "gulp", "mkdocs", "sphinx-build",
     "xx-cargo", "bootstrap", "otp_build", "dpkg-buildpackage", "rpmbuild"),
    UNKNOWN, COMPILE, PROJECT, None, ENV_ANY,
)  # fmt: skip
"""Builds: they read the project in their directory and run its code or its scripts
(a Makefile's recipes, ``webpack.config.js``, ``next.config.js``, ``conf.py``,
``debian/rules``; MSBuild takes every variable as a property), so they may read any
variable (``NODE_ENV``, ``NEXT_PUBLIC_*``...)."""

_family(
    ("gcc", "g++", "cc", "c++", "clang", "clang++", "rustc", "javac", "kotlinc", "scalac",
     "ghc", "swiftc", "tsc", "esbuild", "autoreconf", "nuitka", "hugo", "xcaddy", "tinygo",
     "zig", "elm", "protoc", "buf", "xx-go", "xx-clang", "autoconf", "automake", "libtool",
     "bison", "flex", "go-bindata", "swag", "templ", "sqlc", "wire", "ko", "garble"),
    UNKNOWN, COMPILE, PROJECT, None,
)  # fmt: skip
"""Compilers and generators: they read the project in their directory but run none of
its code, and read only the variables they document (``CC``, ``CFLAGS``, ``GOOS``,
``HUGO_*``)."""

_family(
    ("mage", "just", "task", "rake", "goreleaser"),
    UNKNOWN, OTHER, EVERYTHING, None, ENV_ANY,
)  # fmt: skip
"""Task runners: they run the project's tasks (a magefile, a justfile, a Rakefile), which
lintlayers cannot see."""

_family(
    ("aria2c", "svn", "hg", "gsutil", "fetch", "rustup-init", "sdk", "nvm", "pyenv", "asdf",
     "gh", "oras", "skopeo", "crane", "helm"),
    UNKNOWN, DOWNLOAD, NAMED, True,
)  # fmt: skip
"""Downloaders lintlayers does not read closely (where they write is unknown)."""

_family(
    ("node", "ruby", "perl", "php", "java", "deno", "lua", "julia", "pwsh", "powershell",
     "ts-node"),
    UNKNOWN, OTHER, EVERYTHING, None, ENV_CODE,
)  # fmt: skip
_family(("npx", "bunx"), UNKNOWN, OTHER, EVERYTHING, None, ENV_SCRIPTS)
"""Interpreters: they run code lintlayers cannot see (``npx``, ``bunx``: a package's
program)."""

_family(("ssh-keyscan",), QUIET, FILES, NAMED, True)
_family(
    ("patch", "dd", "eval", "xargs", "service", "systemctl", "fix-permissions", "tini",
     "sudo", "gosu", "su-exec"),
    UNKNOWN, FILES, EVERYTHING, None,
)  # fmt: skip
"""File tools whose files lintlayers cannot tell (``patch`` edits the files its input
names, ``dd if=``, ``eval``/``xargs``/``sudo`` run other commands): unknown to all."""

_family(
    ("openssl", "ssh-keygen", "7z", "dirmngr", "gpg-agent", "newgrp", "docker-php-source",
     "docker-php-ext-enable", "docker-php-ext-configure"),
    UNKNOWN, FILES, NAMED, None,
)  # fmt: skip
"""Tools that read no project file but the ones they name, while where they write is
unknown (``docker-php-ext-enable`` writes under ``/usr/local/etc``, ``openssl -out``)."""

del _name, _handler


def _tool(
    name: str,
    settings: tuple[str, ...] | None = None,
    adds: frozenset[str] | None = frozenset(),
    global_actions: frozenset[str] = frozenset(),
    dir_variables: tuple[str, ...] = (),
) -> None:
    entry = COMMANDS[name]
    entry.dir_variables = dir_variables
    entry.settings = settings
    entry.adds = adds
    entry.global_actions = global_actions


_tool(
    "corepack",
    ("package.json",),
    global_actions=frozenset({"enable", "prepare", "install", "disable", "use"}),
)
_tool(
    "rustup",
    ("rust-toolchain", "rust-toolchain.toml"),
    global_actions=frozenset(
        {"component", "target", "toolchain", "default", "install", "update", "show"}
    ),
)
_tool(
    "pipx",
    (),
    frozenset({"install", "inject"}),
    frozenset({"install", "inject", "ensurepath", "upgrade"}),
    ("PIPX_HOME", "PIPX_BIN_DIR"),
)
_tool("cpan", adds=None)
_tool("pecl", adds=frozenset({"install"}))
_tool("dep", adds=frozenset({"ensure"}))
_tool("glide", adds=frozenset({"install"}))
_tool("bower", adds=frozenset({"install"}))
_tool("install2.r", adds=None)
_tool("installGithub.r", adds=None)  # fmt: skip
"""Toolchain and package managers that are no ecosystem's: the facts an ecosystem entry
keeps (``model.ecosystems``: ``settings``, ``adds``, ``global_actions``) for them."""

# -- subcommands -----------------------------------------------------------------------------

_APT_INSTALLS = frozenset(
    {"install", "update", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "reinstall"}
)
_YUM_INSTALLS = frozenset(
    {"install", "update", "upgrade", "groupinstall", "makecache", "reinstall", "localinstall",
     "module", "builddep"}
)  # fmt: skip
SYSTEM_ACTIONS: dict[str, frozenset[str] | None] = {
    "apt-get": _APT_INSTALLS, "apt": _APT_INSTALLS, "aptitude": _APT_INSTALLS,
    "xx-apt-get": _APT_INSTALLS, "xx-apt": _APT_INSTALLS,
    "apk": frozenset({"add", "update", "upgrade", "fix"}),
    "xx-apk": frozenset({"add", "update", "upgrade", "fix"}),
    "yum": _YUM_INSTALLS, "dnf": _YUM_INSTALLS, "microdnf": _YUM_INSTALLS,
    "tdnf": _YUM_INSTALLS,
    "zypper": frozenset({"install", "in", "update", "up", "refresh", "ref", "dist-upgrade",
                         "dup", "patch", "si", "source-install"}),
    "pacman": None, "emerge": None, "xbps-install": None, "dpkg": None, "rpm": None,
    "choco": frozenset({"install", "upgrade"}),
    "port": frozenset({"install", "selfupdate"}),
    "brew": frozenset({"install", "update", "upgrade", "bundle", "tap"}),
    "opkg": frozenset({"install", "update", "upgrade"}),
}  # fmt: skip
"""Package-installing subcommands of system package managers (None: decided by flags)."""


_BUILD_TOOLS_WITH_SUBCOMMANDS = frozenset(
    {"mix", "rebar3", "lein", "cabal", "stack", "gleam", "shards"}
)
_GO_CARGO_BUILDS = frozenset(
    {"build", "install", "test", "generate", "vet", "run", "check", "rustc", "doc", "bench"}
)
_GO_CARGO_FETCHES = frozenset({"mod", "get", "fetch", "vendor", "work"})
_GIT_DOWNLOADS = frozenset({"clone", "fetch", "pull", "submodule", "archive", "lfs"})
_SCRIPT_RUNNERS = frozenset({"npm", "yarn", "pnpm", "bun"})
_SCRIPT_ACTIONS = frozenset(
    {"run", "run-script", "build", "exec", "x", "dlx", "test", "t", "start"}
)
_NON_SCRIPT: dict[str, frozenset[str]] = {
    "yarn": frozenset({"install", "add", "remove", "upgrade", "cache", "config", "global",
                       "set", "policies", "plugin", "workspaces", "info", "list", "why",
                       "init", "link", "unlink", "pack", "publish", "version", "--version",
                       "licenses", "audit", "outdated", "autoclean", "import", "check"}),
    "pnpm": frozenset({"install", "i", "add", "fetch", "update", "up", "remove", "config",
                       "store", "setup", "env", "list", "ls", "why", "prune", "import",
                       "link", "unlink", "pack", "publish", "audit", "outdated", "deploy"}),
    "bun": frozenset({"install", "i", "add", "remove", "pm", "upgrade", "link", "init",
                      "create", "outdated", "publish"}),
}  # fmt: skip
"""Subcommands of yarn, pnpm and bun that are no package script (``yarn build`` is)."""
PACKAGE_COMMANDS = frozenset(
    {"install", "i", "ci", "add", "remove", "config", "cache", "global", "set", "audit"}
)
"""Subcommands of the ``scripts`` commands (``npm``, ``yarn``...) that run no project
script as far as their environment goes (``Command.env``)."""
_MAVEN_GRADLE = frozenset({"mvn", "mvnw", "gradle", "gradlew"})
_DEPENDENCY_GOALS = frozenset({"dependencies", "androidDependencies", "resolveDependencies"})
_DOTNET_BUILDS = frozenset({"build", "publish", "pack", "test", "msbuild"})
SOURCED_FILES = frozenset({"/etc/os-release", "/usr/lib/os-release", "/etc/lsb-release"})
"""Files a RUN may source (``. /etc/os-release``): plain assignments, no commands."""
_INFO_ARGS = frozenset({"--version", "-version", "-v", "-V", "version", "--help", "-h", "help"})
_COMPILER_PREFIXES = ("gcc-", "g++-", "clang-")


# -- questions -------------------------------------------------------------------------------


def entry(name: str) -> Command | None:
    """The table's entry for a program name (``None``: a command lintlayers does not know)."""
    return COMMANDS.get(name)


def work_of(argv: Sequence[str]) -> tuple[str, str]:
    """The cost class of one command and what it reads of the files copied before it
    (``named``, ``project`` or ``everything``; a dependency install is ``named``: its
    manifests are added from ``model.package_managers``)."""
    from lintlayers.model.package_managers import normalize_argv

    if not argv:
        return FILES, NAMED
    cost, reads, _ = _classify(argv, normalize_argv(argv))
    return cost, reads


def _classify(argv: Sequence[str], normalized: list[str]) -> tuple[str, str, InstallMatch | None]:
    """``work_of``, with the dependency install it recognised."""
    from lintlayers.model.ecosystems import adds_of
    from lintlayers.model.package_managers import match_install

    name = normalized[0]
    args = normalized[1:]
    positional = [value for value in args if not value.startswith("-")]
    first = positional[0] if positional else ""
    if args and all(value in _INFO_ARGS for value in args):
        return FILES, NAMED, None  # ``php --version``, ``go version``, ``mvn -v``
    if name in SYSTEM_ACTIONS:
        actions = SYSTEM_ACTIONS[name]
        if name in ("pacman", "dpkg", "rpm"):
            installs = any(
                value.startswith(("-S", "-U", "-i", "--install", "--sync", "--upgrade"))
                for value in args
            )
            return (SYSTEM_PACKAGES if installs else FILES), NAMED, None
        if actions is None or first in actions:
            return SYSTEM_PACKAGES, NAMED, None
        return FILES, NAMED, None
    install = match_install(argv)
    if install is not None:
        return DEPENDENCIES, NAMED, install
    if name in ("go", "cargo"):
        if first in _GO_CARGO_BUILDS:
            return COMPILE, PROJECT, None
        if first in _GO_CARGO_FETCHES:
            return DEPENDENCIES, PROJECT if first == "vendor" else NAMED, None
        return FILES, NAMED, None
    if name in _MAVEN_GRADLE:
        goals = " ".join(positional)
        if "dependency:" in goals or "go-offline" in goals or first in _DEPENDENCY_GOALS:
            return DEPENDENCIES, NAMED, None
        return COMPILE, PROJECT, None
    if name in _SCRIPT_RUNNERS:
        if name == "yarn" and not first:
            return DEPENDENCIES, NAMED, None
        if first in _SCRIPT_ACTIONS or (name in _NON_SCRIPT and first not in _NON_SCRIPT[name]):
            return COMPILE, PROJECT, None
        actions = adds_of(name)
        if actions is not None and first in actions:
            return DEPENDENCIES, NAMED, None
        return FILES, NAMED, None
    if name == "dotnet":
        if first == "restore":
            return DEPENDENCIES, NAMED, None
        if first in _DOTNET_BUILDS:
            return COMPILE, PROJECT, None
        return OTHER, EVERYTHING, None
    actions = adds_of(name)
    if actions is None or actions:
        if actions is None or first in actions:
            return DEPENDENCIES, NAMED, None
        if name in _BUILD_TOOLS_WITH_SUBCOMMANDS and first and not _is_setup(name, positional):
            return COMPILE, PROJECT, None
        return FILES, NAMED, None
    if name.startswith(_COMPILER_PREFIXES):
        return COMPILE, PROJECT, None
    if name == "git":
        return (DOWNLOAD if first in _GIT_DOWNLOADS else FILES), NAMED, None
    if name in POSIX_SHELLS:
        if any(value[:1] == "-" and value[1:2] != "-" and "c" in value for value in args):
            return FILES, NAMED, None  # ``sh -c``, ``bash -lc``: the nested commands count instead
        return (OTHER, EVERYTHING, None) if positional else (FILES, NAMED, None)
    if name.startswith(("python", "pypy")):
        if first == "setup.py" or ("-m" in args and _module(args) in ("build", "compileall")):
            return COMPILE, PROJECT, None
        if "-m" in args and _module(args) in ("venv", "virtualenv", "ensurepip"):
            return FILES, NAMED, None
        return OTHER, EVERYTHING, None
    if name in ("source", ".") and first not in SOURCED_FILES:
        return OTHER, EVERYTHING, None  # a sourced script runs in this shell
    found = COMMANDS.get(name)
    if found is None:
        return OTHER, EVERYTHING, None
    return found.cost, found.reads, None


def _is_setup(name: str, positional: list[str]) -> bool:
    """Whether the words are a setup subcommand of the tool's ecosystem (``Ecosystem.setup``:
    ``stack config``, ``cabal user-config``), which builds nothing."""
    from lintlayers.model.ecosystems import ecosystem_of_program

    return any(
        setup and tuple(positional[: len(setup)]) == setup
        for entry in ecosystem_of_program(name)
        for setup in entry.setup
    )


def _module(args: list[str]) -> str:
    index = args.index("-m")
    return args[index + 1] if index + 1 < len(args) else ""


class CommandFacts:
    """What one command of a RUN does, as far as lintlayers can tell.

    ``cost`` and ``reads`` as in ``work_of`` (``reads`` is ``manifests`` for a
    dependency install that needs only its manifests, ``project`` for one that reads
    more); ``install`` the recognised dependency install (``model.package_managers``),
    ``files`` the table's answer for reads and writes (``unknown`` when not in it),
    ``network`` whether it fetches (None: unknown), ``leaves`` the package data it
    keeps in the layer (``model.package_commands.CACHE_DIRS`` kinds), ``environment``
    what in it may read any environment variable (``model.environment``; ``""``: only
    the variables it documents).
    """

    __slots__ = ("cost", "environment", "files", "install", "leaves", "network", "reads")

    def __init__(
        self,
        cost: str,
        reads: str,
        files: str,
        network: bool | None,
        install: InstallMatch | None,
        leaves: tuple[str, ...],
        environment: str = "",
    ) -> None:
        self.cost = cost
        self.reads = reads
        self.files = files
        self.network = network
        self.install = install
        self.leaves = leaves
        self.environment = environment

    def __repr__(self) -> str:
        return f"CommandFacts({self.cost}, reads={self.reads}, files={self.files})"


def command_facts(argv: Sequence[str], command: SimpleCommand | None = None) -> CommandFacts:
    """The facts of one command (``command``, when given, adds the package data it keeps)."""
    from lintlayers.model.package_managers import match_implicit, normalize_argv

    normalized = normalize_argv(argv) if argv else []
    if normalized:
        cost, reads, install = _classify(argv, normalized)
    else:
        cost, reads, install = FILES, NAMED, None
    if install is not None:
        reads = MANIFESTS if install.manifest_only else PROJECT
    elif cost == DEPENDENCIES and match_implicit(argv) is not None:
        reads = PROJECT  # an install that builds on the way reads the whole project
    found = COMMANDS.get(normalized[0]) if normalized else None
    files = found.files if found is not None else UNKNOWN
    if cost in (SYSTEM_PACKAGES, DEPENDENCIES, DOWNLOAD):
        network: bool | None = True
    elif cost == OTHER or reads == EVERYTHING:
        network = None
    elif found is not None and found.network is not None:
        network = found.network
    else:
        network = False if cost == FILES and files != UNKNOWN else None
    leaves: tuple[str, ...] = ()
    environment = ""
    if command is not None:
        from lintlayers.model.environment import command_reads_environment

        leaves = leaves_of(command)
        environment = command_reads_environment(command)
    return CommandFacts(cost, reads, files, network, install, leaves, environment)


def leaves_of(command: SimpleCommand) -> tuple[str, ...]:
    """The package data (``model.package_commands.CACHE_DIRS`` kinds: caches, package
    indexes) a command keeps in its layer."""
    from lintlayers.model.package_commands import package_writes

    return package_writes(command)


def facts_of(command: SimpleCommand) -> CommandFacts:
    """``command_facts`` of a parsed command (its effective view, wrappers looked through)."""
    return command_facts([word.value for word in command.words], command)


def named_paths(command: SimpleCommand) -> list[str]:
    """Argument values of ``command`` that may name files (not options, URLs or assignments)."""
    found: list[str] = []
    for value in command.args:
        if not value or value.startswith("-") or "://" in value:
            continue
        if "=" in value.split("/", 1)[0]:
            continue
        found.append(value)
    for operator, target in zip(command.redirect_ops, command.redirects, strict=False):
        if operator == "<":
            found.append(target.value)
    return found
