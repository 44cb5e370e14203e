"""What kind of work a RUN command does, and which files it reads.

``classify_command(argv)`` gives a command's kind of work (``costs.COST_KINDS``:
system packages, dependencies, compile, download, files, other) and what it reads
from the files copied before it: only the paths it names (``NAMED``; a dependency
install adds its manifests from ``model.package_managers``), the project in its
working directory (``PROJECT``: compilers and builds) or everything (``EVERYTHING``: a
command lintlayers does not know, or a script).
"""

from __future__ import annotations

from lintlayers.cache.costs import COMPILE, DEPENDENCIES, DOWNLOAD, FILES, OTHER, SYSTEM_PACKAGES
from lintlayers.model.state import POSIX_SHELLS
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.shell.commands import SimpleCommand

EVERYTHING = "everything"
PROJECT = "project"
NAMED = "named"

_APT_INSTALLS = frozenset(
    {"install", "update", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "reinstall"}
)
_SYSTEM_TOOLS: dict[str, frozenset[str] | None] = {
    "apt-get": _APT_INSTALLS,
    "apt": _APT_INSTALLS,
    "aptitude": _APT_INSTALLS,
    "apk": frozenset({"add", "update", "upgrade", "fix"}),
    "yum": frozenset({"install", "update", "upgrade", "groupinstall", "makecache", "reinstall",
                      "localinstall", "module", "builddep"}),
    "zypper": frozenset({"install", "in", "update", "up", "refresh", "ref", "dist-upgrade",
                         "dup", "patch", "si", "source-install"}),
    "pacman": None,
    "emerge": None,
    "xbps-install": None,
    "choco": frozenset({"install", "upgrade"}),
    "port": frozenset({"install", "selfupdate"}),
    "brew": frozenset({"install", "update", "upgrade", "bundle", "tap"}),
    "dpkg": None,
    "rpm": None,
    "opkg": frozenset({"install", "update", "upgrade"}),
}  # fmt: skip
for _name in ("dnf", "microdnf", "tdnf"):
    _SYSTEM_TOOLS[_name] = _SYSTEM_TOOLS["yum"]
_SYSTEM_TOOLS["xx-apt-get"] = _SYSTEM_TOOLS["xx-apt"] = _APT_INSTALLS
_SYSTEM_TOOLS["xx-apk"] = _SYSTEM_TOOLS["apk"]

_DEPENDENCY_TOOLS: dict[str, frozenset[str] | None] = {
    "yarn": frozenset({"install", "add", "upgrade", "global"}),
    "pip": frozenset({"install", "download", "wheel", "sync"}),
    "pip-sync": None,
    "pipx": frozenset({"install", "inject"}),
    "uv": frozenset({"sync", "add", "lock", "tool"}),
    "poetry": frozenset({"install", "add", "update", "lock", "sync"}),
    "pipenv": frozenset({"install", "sync", "lock", "update"}),
    "pdm": frozenset({"install", "sync", "add", "lock"}),
    "conda": frozenset({"install", "create", "update", "env"}),
    "mamba": frozenset({"install", "create", "update", "env"}),
    "micromamba": frozenset({"install", "create", "update", "env"}),
    "npm": frozenset({"install", "i", "ci", "add", "update", "up", "clean-install",
                      "install-clean", "isntall", "in"}),
    "pnpm": frozenset({"install", "i", "add", "fetch", "update", "up"}),
    "bun": frozenset({"install", "i", "add"}),
    "bundle": frozenset({"install", "update", "package", "cache"}),
    "gem": frozenset({"install", "update"}),
    "composer": frozenset({"install", "i", "require", "update", "u", "upgrade"}),
    "dotnet": frozenset({"restore"}),
    "nuget": frozenset({"restore", "install"}),
    "cpanm": None,
    "cpan": None,
    "luarocks": frozenset({"install"}),
    "pecl": frozenset({"install"}),
    "mix": frozenset({"deps.get", "local.hex", "local.rebar"}),
    "rebar3": frozenset({"get-deps"}),
    "lein": frozenset({"deps"}),
    "cabal": frozenset({"update"}),
    "stack": frozenset({"setup"}),
    "dep": frozenset({"ensure"}),
    "glide": frozenset({"install"}),
    "bower": frozenset({"install"}),
    "install2.r": None,
    "installGithub.r": None,
}  # fmt: skip
_COMPILE_TOOLS = frozenset(
    {
        "make", "gmake", "cmake", "ninja", "meson", "scons", "bazel", "bazelisk", "gcc", "g++",
        "cc", "c++", "clang", "clang++", "rustc", "javac", "kotlinc", "scalac", "ghc", "swiftc",
        "tsc", "esbuild", "webpack", "vite", "rollup", "parcel", "babel", "ng", "next", "nuxt",
        "msbuild", "ant", "sbt", "configure", "autoreconf", "autogen.sh", "pyinstaller",
        "nuitka", "hugo", "jekyll", "docker-php-ext-install", "go-wrapper", "xcaddy", "tinygo",
        "zig", "dune", "elm", "gatsby", "ember", "turbo", "nx", "lerna", "grunt", "gulp",
        "mkdocs", "sphinx-build", "protoc", "buf", "xx-go", "xx-cargo", "xx-clang", "bootstrap",
        "otp_build", "autoconf", "automake", "libtool", "bison", "flex", "dpkg-buildpackage",
        "rpmbuild", "go-bindata", "swag", "templ", "sqlc", "wire", "ko", "garble",
    }
)  # fmt: skip
_DOWNLOAD_TOOLS = frozenset(
    {"curl", "wget", "aria2c", "svn", "hg", "gsutil", "fetch", "rustup-init", "rustup",
     "sdk", "nvm", "pyenv", "asdf", "gh", "oras", "skopeo", "crane", "helm"}
)  # fmt: skip
_GIT_DOWNLOADS = frozenset({"clone", "fetch", "pull", "submodule", "archive", "lfs"})
_FILE_TOOLS = frozenset(
    {
        "mkdir", "cp", "mv", "rm", "rmdir", "ln", "chmod", "chown", "chgrp", "touch", "echo",
        "printf", "cat", "tee", "sed", "awk", "gawk", "tar", "unzip", "gzip", "gunzip", "xz",
        "unxz", "bzip2", "bunzip2", "zstd", "7z", "find", "ls", "true", "false", ":", "set",
        "export", "unset", "test", "[", "[[", "install", "useradd", "adduser", "groupadd",
        "addgroup", "usermod", "groupmod", "userdel", "chpasswd", "passwd", "chsh", "ldconfig",
        "update-alternatives", "update-ca-certificates", "sleep", "id", "whoami", "date",
        "umask", "ulimit", "which", "command", "type", "hash", "exit", "return", "trap",
        "wait", "popd", "pwd", "sha256sum", "sha1sum", "sha512sum", "md5sum", "gpg",
        "grep", "egrep", "cut", "sort", "uniq", "head", "tail", "wc", "tr", "du", "df", "stat",
        "file", "readlink", "realpath", "basename", "dirname", "diff", "patch", "cmp", "strip",
        "upx", "dd", "truncate", "mktemp", "printenv", "locale", "locale-gen", "localedef",
        "dpkg-reconfigure", "setcap", "setfacl", "sync", "mkfifo", "ldd", "uname", "nproc",
        "source", ".", "eval", "shopt", "declare", "local", "readonly", "let", "rm-f",
        "xargs", "tzdata", "ln-s", "yes", "seq", "env", "sudo", "gosu", "su-exec", "tini",
        "dos2unix", "base64", "openssl", "ssh-keyscan", "ssh-keygen", "git-config",
        "apt-key", "add-apt-repository", "gpg-agent", "dirmngr", "comm", "jq", "yq",
        "cd", "pushd", "apt-mark", "gpgconf", "dpkg-architecture", "dpkg-query", "scanelf",
        "lsb_release", "shift", "break", "continue", "debconf-set-selections", "getconf",
        "a2enmod", "a2dismod", "a2ensite", "a2dissite", "dpkg-buildflags", "docker-php-source",
        "docker-php-ext-enable", "docker-php-ext-configure", "fix-permissions", "shuf",
        "xx-info", "xx-verify", "tput", "hostname", "groups", "getent", "newgrp", "tree",
        "service", "systemctl", "rc-update", "update-rc.d", "chkconfig", "fc-cache",
        "update-mime-database", "glib-compile-schemas", "gtk-update-icon-cache", "mandb",
    }
)  # fmt: skip
_INTERPRETERS = frozenset(
    {"python", "python2", "python3", "node", "ruby", "perl", "php", "java", "deno", "Rscript",
     "R", "lua", "julia", "dotnet", "pwsh", "powershell", "ts-node", "npx", "bunx"}
)  # fmt: skip
_SCRIPT_RUNNERS = frozenset({"npm", "yarn", "pnpm", "bun"})


def classify_command(argv: list[str]) -> tuple[str, str]:
    """The kind of work of one command (``costs.COST_KINDS``) and what it reads.

    What it reads: ``named`` (only the paths it names; dependency installs add their
    manifests), ``project`` (the project in its working directory: compilers and
    builds) or ``everything`` (a command lintlayers does not know, or a script).
    """
    from lintlayers.model.package_managers import match_install, normalize_argv

    if not argv:
        return FILES, NAMED
    normalized = normalize_argv(argv)
    name = normalized[0]
    args = normalized[1:]
    positional = [value for value in args if not value.startswith("-")]
    first = positional[0] if positional else ""
    if args and all(value in _INFO_ARGS for value in args):
        return FILES, NAMED  # ``php --version``, ``go version``, ``mvn -v``
    if name in _SYSTEM_TOOLS:
        actions = _SYSTEM_TOOLS[name]
        if name in ("pacman", "dpkg", "rpm"):
            installs = any(
                value.startswith(("-S", "-U", "-i", "--install", "--sync", "--upgrade"))
                for value in args
            )
            return (SYSTEM_PACKAGES if installs else FILES), NAMED
        if actions is None or first in actions:
            return SYSTEM_PACKAGES, NAMED
        return FILES, NAMED
    if match_install(argv) is not None:
        return DEPENDENCIES, NAMED
    if name in ("go", "cargo"):
        if first in ("build", "install", "test", "generate", "vet", "run", "check", "rustc",
                     "doc", "bench"):  # fmt: skip
            return COMPILE, PROJECT
        if first in ("mod", "get", "fetch", "vendor", "work"):
            return DEPENDENCIES, PROJECT if first == "vendor" else NAMED
        return FILES, NAMED
    if name in ("mvn", "mvnw", "gradle", "gradlew"):
        goals = " ".join(positional)
        if "dependency:" in goals or "go-offline" in goals or first in (
            "dependencies", "androidDependencies", "resolveDependencies",
        ):  # fmt: skip
            return DEPENDENCIES, NAMED
        return COMPILE, PROJECT
    if name in _SCRIPT_RUNNERS:
        if name == "yarn" and not first:
            return DEPENDENCIES, NAMED
        if first in ("run", "run-script", "build", "exec", "x", "dlx", "test", "t", "start") or (
            name in ("yarn", "pnpm", "bun") and first not in _NON_SCRIPT.get(name, ())
        ):
            return COMPILE, PROJECT
        actions = _DEPENDENCY_TOOLS.get(name)
        if actions is not None and first in actions:
            return DEPENDENCIES, NAMED
        return FILES, NAMED
    if name == "dotnet":
        if first == "restore":
            return DEPENDENCIES, NAMED
        if first in ("build", "publish", "pack", "test", "msbuild"):
            return COMPILE, PROJECT
        return OTHER, EVERYTHING
    if name in _DEPENDENCY_TOOLS:
        actions = _DEPENDENCY_TOOLS[name]
        if actions is None or first in actions:
            return DEPENDENCIES, NAMED
        if name in ("mix", "rebar3", "lein", "cabal", "stack") and first:
            return COMPILE, PROJECT
        return FILES, NAMED
    if name in _COMPILE_TOOLS or name.startswith(("gcc-", "g++-", "clang-")):
        return COMPILE, PROJECT
    if name in _DOWNLOAD_TOOLS:
        return DOWNLOAD, NAMED
    if name == "git":
        return (DOWNLOAD if first in _GIT_DOWNLOADS else FILES), NAMED
    if name in POSIX_SHELLS:
        if any(value[:1] == "-" and value[1:2] != "-" and "c" in value for value in args):
            return FILES, NAMED  # ``sh -c``, ``bash -lc``: the nested commands count instead
        return (OTHER, EVERYTHING) if positional else (FILES, NAMED)
    if name in _INTERPRETERS or name.startswith(("python", "pypy")):
        if first == "setup.py" or ("-m" in args and _module(args) in ("build", "compileall")):
            return COMPILE, PROJECT
        if "-m" in args and _module(args) in ("venv", "virtualenv", "ensurepip"):
            return FILES, NAMED
        return OTHER, EVERYTHING
    if name in _FILE_TOOLS:
        return FILES, NAMED
    return OTHER, EVERYTHING


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


_INFO_ARGS = frozenset({"--version", "-version", "-v", "-V", "version", "--help", "-h", "help"})


def _module(args: list[str]) -> str:
    index = args.index("-m")
    return args[index + 1] if index + 1 < len(args) else ""


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
