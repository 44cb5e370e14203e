"""Ecosystems and package managers as data: one entry per tool, tested entry by entry.

Each ``Ecosystem`` says which files are its manifests and lockfiles, which commands
install dependencies from those files only (``installs``), which build the project
and install on the way (``implicit``: ``dotnet build`` restores, ``go build``
downloads modules), which set the tool up without reading the project (``setup``),
what in a manifest makes an install read more than the manifests (``problems``:
workspaces, lifecycle hooks), which further files the manifests pull in
(``follow`` names a mechanism of ``lintlayers.model.manifests``), which folders its
installs commonly read besides the manifests (``also_reads``: ``patches`` for
patch-package, ``prisma`` for ``prisma generate``, ``packages`` for workspaces), and
where the tool keeps its caches. Adding an ecosystem
is an entry here and its tests; the mechanisms that read the entries are
``lintlayers.model.package_managers`` (command matching) and
``lintlayers.model.installs`` (what a stage's COPYs and installs do).

Cache facts have one home: ``cache_kind`` names the entry of
``package_commands.CACHE_DIRS`` / ``mounts.CACHE_MOUNTS`` /
``size_estimates.package_cache`` when those modules know the tool; ``cache_dirs``
holds the directories of the others. ``None``/empty means unknown. ``outputs`` are
what an install writes in its project folder (``node_modules``); ``lock_writes`` the
lockfiles it may rewrite and the words (subcommand or flag) that forbid it.
``lockfile_required_to_download`` says a build that installs on the way downloads only
what the lockfile lists, so nothing without it (since Go 1.16 ``go build`` runs with
``-mod=readonly``: a module missing from ``go.sum`` fails instead), unless given one of
``unlocked_flags`` (``-mod=mod``; also read from the installer's ``flags_env``).
``dependencies`` say, for the files an install reads, which declare something to
download: ``(name glob, regex)``, the regex searched in the file's text (multiline;
``""``: a file that declares nothing, a lockfile or a settings file); a file no glob
names may declare anything, and ``()`` means unknown for the whole ecosystem
(``model.manifests.declares_dependencies``). ``dependency_flags`` are words of the
install's own argv that download more than the manifests declare (``dotnet restore
--self-contained``; a trailing ``:`` marks a prefix, ``-p:PublishAot=true``).
``build_cache`` says the tool's cache folders also keep what a build compiled (Go's
``GOCACHE``: since Go 1.20 even the standard library is compiled there), so a build
that finds them in a cache mount recompiles only what changed, unless given one of
``build_cache_off`` (``go build -a`` rebuilds every package). ``runs_from_cache``
names the subcommands (``*``: any) with which the tool runs a project reading the
dependencies it fetched from those cache folders (``go run``, ``cargo run --offline``,
``mvn spring-boot:run``, ``dotnet test``; not ``dotnet app.dll``): a container that
starts it so needs them in the image, where a cache mount on the install leaves them
out. ``remote_cache_env`` are the environment variables that give the tool a cache
of its own outside the builder (vcpkg's ``VCPKG_BINARY_SOURCES``): set, it restores
what it built there, and a cache mount would keep little more.

``settings`` are the files and folders the tool looks for in the directory it runs
in and in every directory above (``.npmrc``, ``.cargo``, ``.bundle``), whatever it is
asked to do, a global install included: the reorder engine reads them as read by
every command of the tool (``settings_of``). ``()`` means none; ``None`` unknown (any
dotfile may be read).

``adds`` are the subcommands that install packages, named ones included (``npm install
express``, ``gem install rails``): the cost model prices them as dependency work when
no installer matches (``None``: every use installs, ``cpanm Module``).
``global_actions`` are the subcommands that write only the tool's global places (its
prefix, home and caches) and, for ``config``, its settings: ``cargo install ripgrep``,
``go install pkg@v1``, ``corepack enable``; the reorder engine reads them
(``model.command_writes``). A toolchain manager or package manager that is no
ecosystem's (``corepack``, ``rustup``, ``pipx``, ``pecl``, ``bower``) keeps the same
facts in the command table (``model.commands``); ``settings_of``, ``adds_of`` and
``global_actions_of`` look in both. ``path_options`` are the options whose value is a
directory outside the project the tool reads and may write (``pip --target``,
``--prefix``, ``--find-links``): the reorder engine counts it as written.
``dir_variables`` are the environment variables whose value is a directory the tool
reads and writes (its home, prefix, cache: ``GOPATH``, ``CARGO_HOME``); a variable
named like ``*_HOME``, ``*_DIR``, ``*_PREFIX`` or ``XDG_*`` counts for every tool
(``tool_dir_variable``). ``edits`` are the subcommands that change the project's
dependencies by name (``npm install express``, ``yarn remove x``): they write its
manifests, lockfiles and ``outputs`` (``project_files``), or with one of its
``global_flags`` (``npm install -g``) only the tool's global places: such a command
reads nothing of the project (``package_managers.reads_no_project``).
"""

from __future__ import annotations

from lintlayers.lazy_re import lazy_compile
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.model.commands import Command
    from lintlayers.model.size_estimates import SizeEstimate


class Installer:
    """How one command installs dependencies, and the files it needs.

    ``names`` are program names (basenames), ``subcommands`` the leading positional
    words (``()`` for a bare ``yarn``); ``required``/``optional`` the manifests
    relative to the project directory (``optional`` are lockfiles and settings used
    when they exist, the usual lockfile first; entries may be globs such as
    ``build.gradle*``, a trailing ``/`` marks a directory); empty ``required`` means
    the manifests are named by the command (``pip -r``), else ``default_manifests``.
    ``manifest_options`` name options whose values are manifests;
    ``positional_manifests`` says the positional words after the subcommand are
    manifests (``pip-sync requirements.txt``); ``project_positional`` that the first
    one is the project, a directory or a manifest file (``dotnet restore app.csproj``,
    ``conan install .``). ``extra_args`` says whether more positional words (package
    names) keep it a manifest install. ``when_flags``: one of these flags must be
    given (``cabal build --only-dependencies``); ``code_options`` and ``code_pattern``
    match an interpreter's inline code (``Rscript -e 'renv::restore()'``).
    ``deps_only`` lists groups of flags, any group of which makes the command skip
    installing the project itself; empty when it never installs the project.
    ``wrapper`` are files a wrapper script (``./gradlew``) needs besides the
    manifests; ``note`` says why moving the install before the sources needs more
    than the manifests. For an implicit install (a build that installs first),
    ``restore`` is the explicit install to run before the sources instead and
    ``skip_flags`` the flags that turn the implicit install off (also when found in
    the environment variable ``flags_env``, as ``GOFLAGS``), ``skip_env`` the
    ``NAME=value`` settings and ``skip_files`` the context files that do (a vendored
    ``vendor/modules.txt``); ``local_only`` says the package arguments must be local
    (``go get .``, not ``go get pkg@v1``); ``source_files`` are the suffixes of source
    files a build may be given instead of packages (``go build main.go``: a program of
    those files alone, stdlib-only as often as not, whose imports only the sources tell);
    ``since`` names the official image and the
    version from which the command works this way (``golang`` 1.16: module mode by
    default), older tags of that image are left alone; ``any_position`` that the
    subcommand may come anywhere among the positional words (Maven's goals:
    ``mvn clean package``). In ``restore``, ``{program}`` stands for the program as the
    build names it (``./mvnw``).
    """

    __slots__ = (
        "any_position",
        "code_options",
        "code_pattern",
        "default_manifests",
        "deps_only",
        "dir_options",
        "ecosystem",
        "extra_args",
        "flags_env",
        "local_only",
        "manifest_options",
        "names",
        "note",
        "optional",
        "positional_manifests",
        "project_positional",
        "required",
        "restore",
        "since",
        "skip_env",
        "skip_files",
        "skip_flags",
        "source_files",
        "subcommands",
        "tool",
        "value_options",
        "when_flags",
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
        project_positional: bool = False,
        default_manifests: tuple[str, ...] = (),
        extra_args: bool = False,
        when_flags: tuple[str, ...] = (),
        code_options: tuple[str, ...] = (),
        code_pattern: str = "",
        deps_only: tuple[tuple[str, ...], ...] = (),
        dir_options: tuple[str, ...] = (),
        value_options: tuple[str, ...] = (),
        wrapper: tuple[str, ...] = (),
        note: str = "",
        restore: tuple[str, ...] = (),
        skip_flags: tuple[str, ...] = (),
        skip_env: tuple[str, ...] = (),
        skip_files: tuple[str, ...] = (),
        flags_env: str = "",
        local_only: bool = False,
        source_files: tuple[str, ...] = (),
        since: tuple[str, tuple[int, ...]] | None = None,
        any_position: bool = False,
    ) -> None:
        self.tool = tool
        self.names = names
        self.subcommands = subcommands
        self.required = required
        self.optional = optional
        self.manifest_options = manifest_options
        self.positional_manifests = positional_manifests
        self.project_positional = project_positional
        self.default_manifests = default_manifests
        self.extra_args = extra_args
        self.when_flags = when_flags
        self.code_options = code_options
        self.code_pattern = code_pattern
        self.deps_only = deps_only
        self.dir_options = dir_options
        self.value_options = value_options
        self.wrapper = wrapper
        self.note = note
        self.restore = restore
        self.skip_flags = skip_flags
        self.skip_env = skip_env
        self.skip_files = skip_files
        self.flags_env = flags_env
        self.local_only = local_only
        self.source_files = source_files
        self.since = since
        self.any_position = any_position
        self.ecosystem = ""  # the name of its table entry, set by the table

    @property
    def implicit(self) -> bool:
        """True for a build that installs on the way (``restore`` says how to do it alone)."""
        return bool(self.restore)

    def __repr__(self) -> str:
        return f"Installer({self.tool}: {' '.join(self.names[:1] + self.subcommands[0])})"


class Ecosystem:
    """One package manager: its files, its commands, its caches (see the module doc)."""

    __slots__ = (
        "adds",
        "also_reads",
        "build_cache",
        "build_cache_off",
        "builds",
        "cache_dirs",
        "cache_kind",
        "cleanup",
        "dependencies",
        "dependency_flags",
        "dir_variables",
        "edits",
        "follow",
        "global_actions",
        "global_flags",
        "implicit",
        "installs",
        "lock_writes",
        "lockfile_required_to_download",
        "lockfiles",
        "manifests",
        "name",
        "no_project",
        "outputs",
        "path_options",
        "problems",
        "reads_context",
        "remote_cache_env",
        "runs_from_cache",
        "settings",
        "setup",
        "system",
        "tools",
        "unlocked_flags",
    )

    def __init__(
        self,
        name: str,
        tools: tuple[str, ...],
        *,
        manifests: tuple[str, ...] = (),
        lockfiles: tuple[str, ...] = (),
        installs: tuple[Installer, ...] = (),
        implicit: tuple[Installer, ...] = (),
        builds: tuple[tuple[str, ...], ...] = (),
        setup: tuple[tuple[str, ...], ...] = (),
        problems: tuple[tuple[str, str], ...] = (),
        no_project: tuple[str, ...] = (),
        follow: str = "",
        also_reads: tuple[str, ...] = (),
        reads_context: bool = True,
        cache_kind: str = "",
        cache_dirs: tuple[str, ...] = (),
        cleanup: tuple[str, ...] = (),
        outputs: tuple[str, ...] = (),
        lock_writes: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
        settings: tuple[str, ...] | None = None,
        adds: frozenset[str] | None = frozenset(),
        global_actions: frozenset[str] = frozenset(),
        path_options: tuple[str, ...] = (),
        dir_variables: tuple[str, ...] = (),
        edits: frozenset[str] = frozenset(),
        global_flags: tuple[str, ...] = (),
        lockfile_required_to_download: bool = False,
        unlocked_flags: tuple[str, ...] = (),
        dependencies: tuple[tuple[str, str], ...] = (),
        dependency_flags: tuple[str, ...] = (),
        build_cache: bool = False,
        build_cache_off: tuple[str, ...] = (),
        runs_from_cache: tuple[str, ...] = (),
        remote_cache_env: tuple[str, ...] = (),
        system: bool = False,
    ) -> None:
        self.name = name
        # apt, apk, yum...: their caches are the size rules' (LL301, LL303, LL316)
        self.system = system
        self.tools = tools
        self.manifests = manifests
        self.lockfiles = lockfiles
        self.installs = installs
        self.implicit = implicit
        self.builds = builds
        self.setup = setup
        self.problems = problems
        self.no_project = no_project
        self.follow = follow
        self.also_reads = also_reads
        self.reads_context = reads_context
        self.cache_kind = cache_kind
        self.cache_dirs = cache_dirs
        self.cleanup = cleanup
        self.outputs = outputs
        self.lock_writes = lock_writes
        self.settings = settings
        self.adds = adds
        self.global_actions = global_actions
        self.path_options = path_options
        self.dir_variables = dir_variables
        self.edits = edits
        self.global_flags = global_flags
        self.lockfile_required_to_download = lockfile_required_to_download
        self.unlocked_flags = unlocked_flags
        self.dependencies = dependencies
        self.dependency_flags = dependency_flags
        self.build_cache = build_cache
        self.build_cache_off = build_cache_off
        self.runs_from_cache = runs_from_cache
        self.remote_cache_env = remote_cache_env

    def project_files(self) -> tuple[str, ...]:
        """What an ``edits`` subcommand writes in the project: manifests, lockfiles, outputs."""
        return (*self.manifests, *self.lock_writes[0], *self.outputs)

    def cache_directories(self) -> tuple[str, ...]:
        """Where the tool keeps downloaded packages (``~`` is the user's home); () if unknown."""
        if self.cache_kind:
            from lintlayers.model.mounts import CACHE_MOUNTS
            from lintlayers.model.package_commands import CACHE_DIRS

            found = CACHE_DIRS.get(self.cache_kind) or CACHE_MOUNTS.get(self.cache_kind)
            return found or self.cache_dirs
        return self.cache_dirs

    def mount_targets(self, home: str = "/root") -> tuple[str, ...]:
        """``RUN --mount=type=cache`` targets that keep the caches out of the layers."""
        if self.cache_kind:
            from lintlayers.model.mounts import CACHE_MOUNTS

            if self.cache_kind in CACHE_MOUNTS:
                return CACHE_MOUNTS[self.cache_kind]
        return tuple(home + path[1:] if path.startswith("~") else path for path in self.cache_dirs)

    def size_prior(self) -> SizeEstimate | None:
        """What the cache left in a layer weighs, when known (``None``: unknown)."""
        if not self.cache_kind:
            return None
        from lintlayers.model.size_estimates import package_cache

        return package_cache(self.cache_kind)

    def __repr__(self) -> str:
        return f"Ecosystem({self.name})"


def _with(
    tool: str, manifests: tuple[str, ...], lockfiles: tuple[str, ...], *items: Installer
) -> tuple[Installer, ...]:
    """The installers of one ecosystem, with its tool and, unless they name their own
    (``pip -r``), its manifests and lockfiles."""
    for item in items:
        item.tool = tool
        named = item.positional_manifests or item.default_manifests
        if not item.required and not named:
            item.required = manifests
        if not item.optional and item.required == manifests:
            item.optional = lockfiles
    return items


# --- option tables ---------------------------------------------------------------------

# Value options of ``pip install`` (``-r``/``-c`` are its manifest_options). Not
# ``package_commands.PIP_VALUE_OPTIONS``: each lacks some of the other's options, and
# merging them would change which commands either one recognizes.
_PIP_INSTALL_VALUES = (
    "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--target", "-t",
    "--prefix", "--root", "--python", "--trusted-host", "--platform", "--python-version",
    "--implementation", "--abi", "--only-binary", "--no-binary", "--progress-bar",
    "--cache-dir", "--src", "--upgrade-strategy", "--log", "--timeout", "--retries",
    "--proxy", "--cert", "--client-cert", "--config-settings", "-C", "--global-option",
    "--report", "--index-strategy", "--keyring-provider", "-e", "--editable",
)  # fmt: skip
_PIP_PATH_OPTIONS = (
    "-t", "--target", "--prefix", "--root", "--src", "-d", "--dest", "-w", "--wheel-dir", "-f",
    "--find-links",
)  # fmt: skip
_PIP_DIR_VARIABLES = ("VIRTUAL_ENV", "PIP_TARGET", "PIP_PREFIX", "PYTHONUSERBASE", "PIP_CACHE_DIR")
_NPM_VALUES = (
    "--registry", "--cache", "--userconfig", "--loglevel", "--omit", "--include", "-w",
    "--workspace",
)  # fmt: skip
_MAVEN_VALUES = (
    "-s", "--settings", "-gs", "--global-settings", "-P", "-pl", "--projects", "-T",
    "--threads", "-rf", "--resume-from", "-t", "--toolchains", "-l", "--log-file",
)  # fmt: skip
_GRADLE_VALUES = (
    "-g", "--gradle-user-home", "-c", "--settings-file", "-b", "--build-file", "-I",
    "--init-script", "--console", "--warning-mode", "-x", "--exclude-task",
)  # fmt: skip
_CONAN_VALUES = (
    "-pr", "--profile", "-s", "--settings", "-o", "--options", "-of", "--output-folder",
    "-b", "--build", "-r", "--remote",
)  # fmt: skip
_DOTNET_VALUES = (
    "-s", "--source", "--packages", "--configfile", "-r", "--runtime", "-v", "--verbosity",
    "-c", "--configuration", "-o", "--output", "-f", "--framework", "-a", "--arch",
    "--os", "--lock-file-path", "-p", "--property", "--version-suffix", "-bl",
)  # fmt: skip
_CONDA_VALUES = ("-n", "--name", "-p", "--prefix", "-c", "--channel", "--solver")
_GO_VALUES = (
    "-o", "-ldflags", "-gcflags", "-tags", "-mod", "-modfile", "-p", "-installsuffix",
    "-buildmode", "-asmflags", "-pkgdir", "-toolexec", "-run", "-C",
)  # fmt: skip

# npm-style lifecycle scripts that run the project's own code during an install.
NPM_HOOKS = r'"(preinstall|install|postinstall|prepare|prepublish)"\s*:'
_YARN_OUTPUTS = ("node_modules", ".yarn", ".pnp.cjs", ".pnp.loader.mjs", ".pnp.js")
_YARN_SETTINGS = (".yarnrc", ".yarnrc.yml", ".npmrc", ".yarn", ".pnp.cjs", "package.json")
_NODE_GLOBAL_ACTIONS = frozenset(
    {"cache", "--version", "-v", "version", "view", "info", "get", "ping", "whoami", "bin",
     "root", "prefix", "store", "help"}
)  # fmt: skip
_NODE_EDITS = frozenset(
    {"install", "i", "add", "update", "up", "upgrade", "remove", "uninstall", "rm", "global",
     "link", "prune", "dedupe"}
)  # fmt: skip
_YARN_VALUES = (
    "--network-timeout", "--cache-folder", "--modules-folder", "--mutex", "--registry",
    "--global-folder", "--link-folder", "--preferred-cache-folder", "--use-yarnrc",
    "--network-concurrency",
)  # fmt: skip
_YARN_ADDS = frozenset({"install", "add", "upgrade", "global"})
_YARN_LOCKS = (("yarn.lock",), ("--frozen-lockfile", "--immutable", "--pure-lockfile"))
# Folders npm-style installs commonly read besides the manifests: their hooks'
# (patch-package, prisma generate, husky) and workspaces': a COPY of one before the
# install may be needed by it.
_NPM_ALSO_READS = (
    "patches", "prisma", "scripts", ".husky", "husky", ".yarn", "bin", "tools",
    "packages", "apps", "libs", "modules", "plugins",
)  # fmt: skip
_NPM_PROBLEMS = (
    (NPM_HOOKS, "package.json has an install or prepare script that may need the sources"),
)
_NET_MANIFESTS = ("*.csproj", "*.fsproj", "*.vbproj", "*.sln", "*.slnx")
_NET_SETTINGS = (
    "packages.lock.json", "NuGet.config", "nuget.config", "NuGet.Config",
    "Directory.Build.props", "Directory.Packages.props", "Directory.Build.targets",
    "global.json", "packages.config",
)  # fmt: skip
_NET_BUILDS = (("build",), ("publish",), ("test",), ("run",), ("pack",))
# What in an MSBuild file makes a restore download: package references (central
# ``GlobalPackageReference`` too), an SDK from NuGet (``Sdk="Name/1.0"``, ``<Sdk>``),
# an import (it may hold any of these), or a publish setting that needs the runtime,
# ILLink, Crossgen or ILCompiler packs.
_MSBUILD_DOWNLOADS = (
    r"<(?:Global)?PackageReference\b|<PackageDownload\b|<Sdk\b|<Import\b"
    r'|\bSdk\s*=\s*"[^"]*/'
    r"|<(?:PublishTrimmed|PublishReadyToRun|PublishAot|SelfContained|PublishSelfContained)>\s*true"
)
_NET_DEPENDENCIES = (
    ("*.csproj", _MSBUILD_DOWNLOADS),
    ("*.vbproj", _MSBUILD_DOWNLOADS),
    # an F# project references the FSharp.Core package unless told not to
    ("*.fsproj", _MSBUILD_DOWNLOADS + r"|\A(?![\s\S]*<DisableImplicitFSharpCoreReference>\s*true)"),
    ("*.props", _MSBUILD_DOWNLOADS),
    ("*.targets", _MSBUILD_DOWNLOADS),
    ("packages.config", r"<package\b"),
    ("global.json", r'"msbuild-sdks"'),
    ("*.sln", ""),
    ("*.slnx", ""),
    ("packages.lock.json", ""),
    ("nuget.config", ""),
)
_NET_DEPENDENCY_FLAGS = (
    "--self-contained", "--sc", "-p", "--property", "-p:", "/p:", "--property:",
    "-property:", "/property:",
)  # fmt: skip
# A requirements line that installs something: not blank, a comment or an option,
# but an editable install (``-e``); ``-r`` includes are followed and read themselves.
_REQUIREMENT_LINE = r"^[ \t]*(?:[^\s#-]|-e\b|--editable\b)"
_NPM_DEPENDENCIES = (
    (
        "package.json",
        r'"(?:dependencies|devDependencies|optionalDependencies|peerDependencies)"'
        r'\s*:\s*\{\s*"|' + NPM_HOOKS,
    ),
    ("package-lock.json", ""),
    ("npm-shrinkwrap.json", ""),
    (".npmrc", ""),
)

# --- the table -------------------------------------------------------------------------

ECOSYSTEMS: tuple[Ecosystem, ...] = (
    # Python
    Ecosystem(
        "pip",
        ("pip",),
        manifests=("requirements.txt",),
        installs=_with(
            "pip",
            (),
            (),
            Installer(
                "",
                ("pip",),
                (("install",),),
                manifest_options=("-r", "--requirement", "-c", "--constraint"),
                extra_args=True,
                value_options=_PIP_INSTALL_VALUES,
            ),
        ),
        builds=(("wheel",),),
        setup=(("config",), ("cache",)),
        follow="requirements",
        dependencies=(("*", _REQUIREMENT_LINE),),
        cache_kind="pip",
        cleanup=("pip cache purge", "pip install --no-cache-dir"),
        settings=(),
        adds=frozenset({"install", "download", "wheel", "sync"}),
        path_options=_PIP_PATH_OPTIONS,
        global_actions=frozenset({"uninstall", "freeze", "list", "show", "check"}),
        dir_variables=(
            "VIRTUAL_ENV",
            "PIP_TARGET",
            "PIP_PREFIX",
            "PYTHONUSERBASE",
            "PIP_CACHE_DIR",
        ),
    ),
    Ecosystem(
        "pip-tools",
        ("pip-sync", "pip-compile"),
        manifests=("requirements.txt",),
        installs=_with(
            "pip-tools",
            (),
            (),
            Installer(
                "",
                ("pip-sync",),
                ((),),
                positional_manifests=True,
                default_manifests=("requirements.txt",),
            ),
        ),
        follow="requirements",
        dependencies=(("*", _REQUIREMENT_LINE),),
        cache_kind="pip",
        settings=(),
    ),
    Ecosystem(
        "uv",
        ("uv",),
        manifests=("pyproject.toml",),
        lockfiles=("uv.lock",),
        installs=_with(
            "uv",
            ("pyproject.toml",),
            ("uv.lock",),
            Installer(
                "",
                ("pip",),
                (("sync",),),
                positional_manifests=True,
                value_options=_PIP_INSTALL_VALUES,
            ),
            Installer(
                "",
                ("uv",),
                (("sync",),),
                deps_only=(
                    ("--no-install-project",),
                    ("--no-install-workspace",),
                    ("--only-group",),
                    ("--only-dev",),
                ),
                dir_options=("--directory", "--project"),
                value_options=("--python", "-p", "--extra", "--group", "--no-group", "--package"),
            ),
        ),
        builds=(("build",), ("run",)),
        setup=(("venv",), ("python",), ("tool",)),
        no_project=(r"\A(?![\s\S]*\[build-system\])", r"\bpackage\s*=\s*false"),
        follow="requirements",
        cache_dirs=("~/.cache/uv",),
        cleanup=("uv cache clean", "UV_NO_CACHE=1"),
        outputs=(".venv",),
        lock_writes=(("uv.lock",), ("--locked", "--frozen")),
        settings=("uv.toml", "pyproject.toml", ".python-version"),
        adds=frozenset({"sync", "add", "lock", "tool"}),
        global_actions=frozenset({"tool", "python", "venv", "--version", "cache"}),
        dir_variables=("UV_PROJECT_ENVIRONMENT", "UV_CACHE_DIR", "UV_TOOL_DIR"),
    ),
    Ecosystem(
        "poetry",
        ("poetry",),
        manifests=("pyproject.toml",),
        lockfiles=("poetry.lock", "poetry.toml"),
        installs=_with(
            "poetry",
            ("pyproject.toml",),
            ("poetry.lock", "poetry.toml"),
            Installer(
                "",
                ("poetry",),
                (("install",), ("sync",)),
                deps_only=(("--no-root",),),
                dir_options=("-C", "--directory", "-P", "--project"),
                value_options=("--only", "--with", "--without", "-E", "--extras"),
            ),
        ),
        builds=(("build",),),
        setup=(("config",), ("self",), ("cache",)),
        no_project=(r"package-mode\s*=\s*false",),
        cache_dirs=("~/.cache/pypoetry",),
        cleanup=("poetry cache clear --all .",),
        outputs=(".venv",),
        lock_writes=(("poetry.lock",), ()),
        settings=("poetry.toml", "pyproject.toml"),
        adds=frozenset({"install", "add", "update", "lock", "sync"}),
        global_actions=frozenset({"config", "--version", "self"}),
        dir_variables=("POETRY_HOME", "POETRY_VIRTUALENVS_PATH"),
    ),
    Ecosystem(
        "pipenv",
        ("pipenv",),
        manifests=("Pipfile",),
        lockfiles=("Pipfile.lock",),
        installs=_with(
            "pipenv",
            ("Pipfile",),
            ("Pipfile.lock",),
            Installer("", ("pipenv",), (("install",), ("sync",))),
        ),
        cache_dirs=("~/.cache/pipenv",),
        cleanup=("pipenv --clear",),
        outputs=(".venv",),
        lock_writes=(("Pipfile.lock",), ("--deploy", "--ignore-pipfile")),
        settings=("Pipfile", ".env", ".venv"),
        adds=frozenset({"install", "sync", "lock", "update"}),
    ),
    Ecosystem(
        "pdm",
        ("pdm",),
        manifests=("pyproject.toml",),
        lockfiles=("pdm.lock", "pdm.toml", ".pdm-python"),
        installs=_with(
            "pdm",
            ("pyproject.toml",),
            ("pdm.lock", "pdm.toml"),
            Installer(
                "",
                ("pdm",),
                (("install",), ("sync",)),
                deps_only=(("--no-self",),),
                dir_options=("-p", "--project"),
                value_options=("-G", "--group", "-L", "--lockfile", "-v"),
            ),
        ),
        builds=(("build",),),
        setup=(("config",), ("venv",), ("use",)),
        no_project=(r"distribution\s*=\s*false", r"\A(?![\s\S]*\[build-system\])"),
        cache_dirs=("~/.cache/pdm",),
        cleanup=("pdm cache clear",),
        outputs=(".venv", "__pypackages__"),
        lock_writes=(("pdm.lock",), ("--frozen-lockfile", "--check")),
        adds=frozenset({"install", "sync", "add", "lock"}),
    ),
    Ecosystem(
        "conda",
        ("conda", "mamba", "micromamba"),
        manifests=("environment.yml",),
        installs=_with(
            "conda",
            (),
            (),
            Installer(
                "",
                ("conda", "mamba", "micromamba"),
                (("env", "create"), ("env", "update")),
                manifest_options=("-f", "--file"),
                default_manifests=("environment.yml",),
                value_options=_CONDA_VALUES,
            ),
            Installer(
                "",
                ("conda", "mamba", "micromamba"),
                (("install",), ("create",), ("update",)),
                manifest_options=("-f", "--file"),
                extra_args=True,
                value_options=_CONDA_VALUES,
            ),
        ),
        setup=(("config",), ("clean",), ("init",), ("activate",)),
        problems=((r"^\s*-\s*-e\s", "the environment file installs a local project (-e)"),),
        cache_kind="conda",
        cleanup=("conda clean -afy", "micromamba clean --all --yes"),
        settings=(".condarc",),
        adds=frozenset({"install", "create", "update", "env"}),
        global_actions=frozenset({"config", "clean", "--version"}),
        dir_variables=("CONDA_PREFIX",),
    ),
    # JavaScript
    Ecosystem(
        "npm",
        ("npm",),
        manifests=("package.json",),
        lockfiles=("package-lock.json", "npm-shrinkwrap.json", ".npmrc"),
        installs=_with(
            "npm",
            ("package.json",),
            ("package-lock.json", "npm-shrinkwrap.json", ".npmrc"),
            Installer(
                "",
                ("npm",),
                (("ci",), ("install",), ("i",), ("clean-install",), ("install-clean",)),
                dir_options=("--prefix", "-C"),
                value_options=_NPM_VALUES,
            ),
        ),
        builds=(("run",), ("run-script",), ("pack",), ("publish",)),
        setup=(("config",), ("cache",), ("set",)),
        problems=_NPM_PROBLEMS,
        also_reads=_NPM_ALSO_READS,
        follow="workspaces",
        dependencies=_NPM_DEPENDENCIES,
        cache_kind="npm",
        cleanup=("npm cache clean --force",),
        outputs=("node_modules",),
        lock_writes=(
            ("package-lock.json", "npm-shrinkwrap.json"),
            ("ci", "clean-install", "install-clean"),
        ),
        settings=(".npmrc", "package.json", "node_modules"),
        adds=frozenset(
            {
                "install",
                "i",
                "ci",
                "add",
                "update",
                "up",
                "clean-install",
                "install-clean",
                "isntall",
                "in",
            }
        ),
        dir_variables=("NPM_CONFIG_PREFIX", "npm_config_prefix", "NODE_PATH"),
        global_actions=_NODE_GLOBAL_ACTIONS,
        edits=_NODE_EDITS,
        global_flags=("-g", "--global"),
    ),
    Ecosystem(
        "yarn-berry",
        ("yarn",),
        manifests=("package.json",),
        lockfiles=("yarn.lock", ".yarnrc.yml", ".yarn/releases/", ".yarn/plugins/", ".npmrc"),
        installs=_with(
            "yarn",
            ("package.json",),
            ("yarn.lock", ".yarnrc.yml", ".yarn/releases/", ".yarn/plugins/", ".npmrc"),
            Installer(
                "",
                ("yarn",),
                ((), ("install",)),
                when_flags=("--immutable", "--immutable-cache", "--check-cache"),
                dir_options=("--cwd",),
                value_options=("--mode",),
            ),
            Installer(
                "",
                ("yarn",),
                (("workspaces", "focus"),),
                extra_args=True,
                value_options=("--mode",),
            ),
        ),
        builds=(("build",), ("run",)),
        setup=(("config",), ("cache",), ("set",), ("plugin",)),
        problems=_NPM_PROBLEMS,
        also_reads=_NPM_ALSO_READS,
        follow="workspaces",
        cache_dirs=("~/.yarn/berry/cache",),
        cleanup=("yarn cache clean --all",),
        outputs=_YARN_OUTPUTS,
        lock_writes=_YARN_LOCKS,
        settings=_YARN_SETTINGS,
        adds=_YARN_ADDS,
        global_actions=_NODE_GLOBAL_ACTIONS,
        edits=_NODE_EDITS,
    ),
    Ecosystem(
        "yarn",
        ("yarn",),
        manifests=("package.json",),
        lockfiles=("yarn.lock", ".yarnrc", ".yarnrc.yml", ".npmrc"),
        installs=_with(
            "yarn",
            ("package.json",),
            ("yarn.lock", ".yarnrc", ".yarnrc.yml", ".npmrc"),
            Installer(
                "",
                ("yarn",),
                ((), ("install",)),
                dir_options=("--cwd",),
                value_options=_YARN_VALUES,
            ),
        ),
        builds=(("build",), ("run",)),
        setup=(("config",), ("cache",), ("global",), ("set",)),
        problems=_NPM_PROBLEMS,
        also_reads=_NPM_ALSO_READS,
        follow="workspaces",
        cache_kind="yarn",
        cleanup=("yarn cache clean",),
        outputs=_YARN_OUTPUTS,
        lock_writes=_YARN_LOCKS,
        settings=_YARN_SETTINGS,
        adds=_YARN_ADDS,
        dir_variables=("YARN_CACHE_FOLDER",),
        global_actions=_NODE_GLOBAL_ACTIONS,
        edits=_NODE_EDITS,
    ),
    Ecosystem(
        "pnpm",
        ("pnpm",),
        manifests=("package.json",),
        lockfiles=("pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc"),
        installs=_with(
            "pnpm",
            ("package.json",),
            ("pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc"),
            Installer(
                "",
                ("pnpm",),
                (("install",), ("i",)),
                dir_options=("-C", "--dir"),
                value_options=("--store-dir", "--filter", "-F", "--reporter"),
            ),
            Installer(
                "",
                ("pnpm",),
                (("fetch",),),
                ("pnpm-lock.yaml",),
                (".npmrc",),
                dir_options=("-C", "--dir"),
                value_options=("--store-dir",),
            ),
        ),
        builds=(("build",), ("run",), ("deploy",)),
        setup=(("config",), ("store",), ("env",)),
        problems=_NPM_PROBLEMS,
        also_reads=_NPM_ALSO_READS,
        follow="workspaces",
        cache_dirs=("~/.local/share/pnpm/store", "~/.cache/pnpm"),
        cleanup=("pnpm store prune",),
        outputs=("node_modules",),
        lock_writes=(("pnpm-lock.yaml",), ("--frozen-lockfile",)),
        settings=(".npmrc", ".pnpmfile.cjs", "pnpm-workspace.yaml", "package.json"),
        adds=frozenset({"install", "i", "add", "fetch", "update", "up"}),
        dir_variables=("PNPM_HOME",),
        global_actions=_NODE_GLOBAL_ACTIONS,
        edits=_NODE_EDITS,
        global_flags=("-g", "--global"),
    ),
    Ecosystem(
        "bun",
        ("bun",),
        manifests=("package.json",),
        lockfiles=("bun.lock", "bun.lockb", "bunfig.toml", ".npmrc"),
        installs=_with(
            "bun",
            ("package.json",),
            ("bun.lock", "bun.lockb", "bunfig.toml", ".npmrc"),
            Installer(
                "",
                ("bun",),
                (("install",), ("i",)),
                value_options=("--cwd", "--backend", "--cache-dir", "--registry"),
            ),
        ),
        builds=(("build",), ("run",)),
        setup=(("pm",), ("upgrade",)),
        problems=_NPM_PROBLEMS,
        also_reads=_NPM_ALSO_READS,
        follow="workspaces",
        cache_dirs=("~/.bun/install/cache",),
        cleanup=("bun pm cache rm",),
        outputs=("node_modules",),
        lock_writes=(("bun.lock", "bun.lockb"), ("--frozen-lockfile",)),
        adds=frozenset({"install", "i", "add"}),
    ),
    # Go, Rust
    Ecosystem(
        "go",
        ("go",),
        manifests=("go.mod",),
        lockfiles=("go.sum",),
        installs=_with(
            "go",
            ("go.mod",),
            ("go.sum",),
            Installer("", ("go",), (("mod", "download"),), extra_args=True, dir_options=("-C",)),
        ),
        implicit=_with(
            "go",
            ("go.mod",),
            ("go.sum",),
            Installer(
                "",
                ("go",),
                (("build",), ("install",), ("get",), ("test",), ("vet",), ("run",)),
                extra_args=True,
                local_only=True,
                source_files=(".go",),
                dir_options=("-C",),
                value_options=_GO_VALUES,
                restore=("go", "mod", "download"),
                skip_flags=("-mod=vendor",),
                skip_env=("GO111MODULE=off",),
                skip_files=("vendor/modules.txt",),
                flags_env="GOFLAGS",
                since=("golang", (1, 16)),
            ),
        ),
        builds=(("build",), ("install",), ("test",), ("vet",), ("generate",), ("mod", "tidy")),
        setup=(("env",), ("version",), ("mod", "verify"), ("clean",)),
        cache_kind="go",
        cleanup=("go clean -modcache -cache",),
        lock_writes=(("go.sum",), ()),
        lockfile_required_to_download=True,
        unlocked_flags=("-mod=mod",),
        # a module without requirements downloads nothing (a ``toolchain`` may download Go)
        dependencies=(("go.mod", r"^\s*(?:require|toolchain|tool)\b"), ("go.sum", "")),
        settings=("go.mod", "go.work"),
        build_cache=True,
        build_cache_off=("-a",),
        global_actions=frozenset({"install", "env", "version"}),
        dir_variables=("GOPATH", "GOBIN", "GOCACHE", "GOMODCACHE"),
        runs_from_cache=("run", "test"),
    ),
    Ecosystem(
        "cargo",
        ("cargo",),
        manifests=("Cargo.toml",),
        lockfiles=("Cargo.lock",),
        installs=_with(
            "cargo",
            ("Cargo.toml",),
            ("Cargo.lock",),
            Installer(
                "",
                ("cargo",),
                (("fetch",),),
                manifest_options=("--manifest-path",),
                value_options=("--target", "--config", "-Z"),
                note="cargo cannot read a manifest without its targets: add a stub src/main.rs",
            ),
        ),
        builds=(("build",), ("install",), ("test",), ("chef", "prepare")),
        setup=(("install",),),
        cache_dirs=("/usr/local/cargo/registry", "/usr/local/cargo/git"),
        cleanup=("rm -rf /usr/local/cargo/registry",),
        outputs=("target",),
        lock_writes=(("Cargo.lock",), ("--locked", "--frozen")),
        settings=(".cargo", "Cargo.toml", "rust-toolchain", "rust-toolchain.toml"),
        global_actions=frozenset({"install", "--version"}),
        dir_variables=("CARGO_HOME", "RUSTUP_HOME"),
        runs_from_cache=("run", "test"),
    ),
    Ecosystem(
        "cargo-chef",
        ("cargo",),
        manifests=("recipe.json",),
        installs=(
            Installer(
                "cargo-chef",
                ("cargo",),
                (("chef", "cook"),),
                manifest_options=("--recipe-path",),
                default_manifests=("recipe.json",),
                value_options=("--target", "--profile", "--features", "--target-dir", "-p"),
            ),
        ),
        cache_dirs=("/usr/local/cargo/registry", "/usr/local/cargo/git"),
        outputs=("target",),
        runs_from_cache=("run", "test"),
    ),
    # JVM
    Ecosystem(
        "maven",
        ("mvn", "mvnw"),
        manifests=("pom.xml",),
        installs=_with(
            "maven",
            ("pom.xml",),
            (),
            Installer(
                "",
                ("mvn", "mvnw"),
                (
                    ("dependency:go-offline",),
                    ("dependency:resolve",),
                    ("dependency:resolve-plugins",),
                    ("de.qaware.maven:go-offline-maven-plugin:resolve-dependencies",),
                ),
                manifest_options=("-f", "--file"),
                value_options=_MAVEN_VALUES,
                wrapper=("mvnw", ".mvn/"),
            ),
        ),
        implicit=_with(
            "maven",
            ("pom.xml",),
            (),
            Installer(
                "",
                ("mvn", "mvnw"),
                (("package",), ("install",), ("verify",), ("compile",), ("test",)),
                any_position=True,
                manifest_options=("-f", "--file"),
                value_options=_MAVEN_VALUES,
                wrapper=("mvnw", ".mvn/"),
                restore=("{program}", "dependency:go-offline"),
                skip_flags=("-o", "--offline"),
            ),
        ),
        builds=(("package",), ("install",), ("verify",), ("compile",)),
        problems=(
            ("<modules>", "pom.xml lists modules, whose pom.xml files the install also reads"),
        ),
        cache_dirs=("~/.m2/repository",),
        outputs=("target",),
        settings=(".mvn", "pom.xml"),
        dir_variables=("MAVEN_HOME", "M2_HOME"),
        runs_from_cache=("*",),
    ),
    Ecosystem(
        "gradle",
        ("gradle", "gradlew"),
        manifests=("build.gradle*",),
        lockfiles=("settings.gradle*", "gradle.properties"),
        installs=_with(
            "gradle",
            ("build.gradle*",),
            ("settings.gradle*", "gradle.properties"),
            Installer(
                "",
                ("gradle", "gradlew"),
                (("dependencies",), ("androidDependencies",), ("resolveDependencies",)),
                dir_options=("-p", "--project-dir"),
                value_options=_GRADLE_VALUES,
                wrapper=("gradlew", "gradle/"),
            ),
        ),
        implicit=_with(
            "gradle",
            ("build.gradle*",),
            ("settings.gradle*", "gradle.properties"),
            Installer(
                "",
                ("gradle", "gradlew"),
                (("build",), ("assemble",), ("bootJar",), ("installDist",), ("shadowJar",)),
                any_position=True,
                dir_options=("-p", "--project-dir"),
                value_options=_GRADLE_VALUES,
                wrapper=("gradlew", "gradle/"),
                restore=("{program}", "dependencies"),
                skip_flags=("--offline",),
            ),
        ),
        builds=(("build",), ("assemble",), ("bootJar",), ("installDist",)),
        problems=(
            (
                r"(?m)^\s*include\b",
                "the Gradle build includes subprojects, whose build files it also reads",
            ),
        ),
        cache_dirs=("~/.gradle/caches",),
        outputs=(".gradle", "build"),
        settings=("gradle.properties", "settings.gradle", "settings.gradle.kts", ".gradle"),
        dir_variables=("GRADLE_USER_HOME",),
        runs_from_cache=("*",),
    ),
    Ecosystem(
        "sbt",
        ("sbt",),
        manifests=("build.sbt",),
        lockfiles=("project/",),
        installs=_with(
            "sbt",
            ("build.sbt",),
            ("project/",),
            Installer("", ("sbt",), (("update",), ("updateClassifiers",)), value_options=("-J",)),
        ),
        builds=(("compile",), ("assembly",), ("stage",), ("package",)),
        problems=((r"\.dependsOn\(|aggregate\(", "the sbt build has subprojects"),),
        cache_dirs=("~/.ivy2/cache", "~/.cache/coursier", "~/.sbt"),
        outputs=("target", "project/target"),
        runs_from_cache=("*",),
    ),
    Ecosystem(
        "leiningen",
        ("lein",),
        manifests=("project.clj",),
        installs=_with(
            "leiningen",
            ("project.clj",),
            (),
            Installer("", ("lein",), (("deps",),)),
        ),
        implicit=_with(
            "leiningen",
            ("project.clj",),
            (),
            Installer(
                "",
                ("lein",),
                (("uberjar",), ("jar",), ("compile",), ("install",)),
                extra_args=True,
                restore=("lein", "deps"),
                skip_flags=("-o",),
            ),
        ),
        builds=(("uberjar",), ("jar",), ("compile",), ("install",), ("test",)),
        problems=((r":sub\s|lein-sub|:source-paths\s*\[\s*\"\.\.", "the project has subprojects"),),
        cache_dirs=("~/.m2/repository",),
        outputs=("target",),
        adds=frozenset({"deps"}),
        dir_variables=("LEIN_HOME",),
        runs_from_cache=("*",),
    ),
    Ecosystem(
        "clojure",
        ("clojure", "clj"),
        manifests=("deps.edn",),
        installs=_with(
            "clojure",
            ("deps.edn",),
            (),
            # ``clojure -P``: download the libraries and cache the classpath, run nothing
            Installer("", ("clojure", "clj"), ((),), when_flags=("-P",), value_options=("-Sdeps",)),
        ),
        problems=((r":local/root", "deps.edn names local libraries (:local/root)"),),
        cache_dirs=("~/.m2/repository", "~/.gitlibs"),
        outputs=(".cpcache",),
        adds=frozenset(),
        runs_from_cache=("*",),
    ),
    # .NET
    Ecosystem(
        "dotnet",
        ("dotnet",),
        manifests=_NET_MANIFESTS,
        lockfiles=_NET_SETTINGS,
        installs=_with(
            "dotnet",
            _NET_MANIFESTS,
            _NET_SETTINGS,
            Installer(
                "",
                ("dotnet",),
                (("restore",),),
                project_positional=True,
                value_options=_DOTNET_VALUES,
            ),
        ),
        implicit=_with(
            "dotnet",
            _NET_MANIFESTS,
            _NET_SETTINGS,
            Installer(
                "",
                ("dotnet",),
                _NET_BUILDS,
                project_positional=True,
                value_options=_DOTNET_VALUES,
                restore=("dotnet", "restore"),
                skip_flags=("--no-restore", "--no-build"),
            ),
        ),
        builds=_NET_BUILDS,
        setup=(("tool", "install"), ("nuget", "locals"), ("dev-certs",), ("--info",)),
        follow="dotnet",
        dependencies=_NET_DEPENDENCIES,
        dependency_flags=_NET_DEPENDENCY_FLAGS,
        cache_dirs=("~/.nuget/packages",),
        cleanup=("dotnet nuget locals all --clear",),
        outputs=("obj",),
        lock_writes=(("packages.lock.json",), ("--locked-mode",)),
        adds=frozenset({"restore"}),
        runs_from_cache=("run", "test", "watch"),
    ),
    Ecosystem(
        "nuget",
        ("nuget", "nuget.exe"),
        manifests=("*.sln", "packages.config", *_NET_MANIFESTS),
        lockfiles=_NET_SETTINGS,
        installs=_with(
            "nuget",
            ("*.sln", "packages.config"),
            _NET_SETTINGS,
            Installer(
                "",
                ("nuget", "nuget.exe"),
                (("restore",),),
                project_positional=True,
                value_options=("-PackagesDirectory", "-ConfigFile", "-Source", "-Verbosity"),
            ),
        ),
        follow="dotnet",
        dependencies=_NET_DEPENDENCIES,
        cache_dirs=("~/.nuget/packages",),
        cleanup=("nuget locals all -clear",),
        outputs=("packages",),
        adds=frozenset({"restore", "install"}),
    ),
    Ecosystem(
        "paket",
        ("paket",),
        manifests=("paket.dependencies",),
        lockfiles=("paket.lock", ".paket/", ".config/dotnet-tools.json"),
        installs=_with(
            "paket",
            ("paket.dependencies",),
            ("paket.lock", ".paket/", ".config/dotnet-tools.json"),
            Installer("", ("paket",), (("restore",), ("install",))),
        ),
        cache_dirs=("~/.nuget/packages",),
        outputs=("packages", "paket-files"),
        lock_writes=(("paket.lock",), ("restore",)),
    ),
    # Ruby, PHP
    Ecosystem(
        "bundler",
        ("bundle", "bundler"),
        manifests=("Gemfile",),
        lockfiles=("Gemfile.lock",),
        installs=_with(
            "bundler",
            ("Gemfile",),
            ("Gemfile.lock",),
            Installer(
                "",
                ("bundle", "bundler"),
                (("install",),),
                manifest_options=("--gemfile",),
                value_options=("--jobs", "-j", "--retry", "--path", "--without", "--with"),
            ),
        ),
        builds=(("exec",),),
        setup=(("config",),),
        follow="gemspec",
        cache_dirs=("/usr/local/bundle/cache",),
        cleanup=("bundle clean --force", "rm -rf /usr/local/bundle/cache"),
        outputs=(".bundle", "vendor"),
        lock_writes=(("Gemfile.lock",), ("--frozen", "--deployment")),
        settings=(".bundle", "Gemfile", "gems.rb"),
        adds=frozenset({"install", "update", "package", "cache"}),
        global_actions=frozenset({"config"}),
        dir_variables=("BUNDLE_PATH", "BUNDLE_APP_CONFIG"),
    ),
    Ecosystem(
        "rubygems",
        ("gem",),
        manifests=("Gemfile",),
        installs=_with(
            "rubygems",
            (),
            (),
            Installer(
                "",
                ("gem",),
                (("install",),),
                manifest_options=("-g", "--file"),
                extra_args=True,
                value_options=("-v", "--version", "-i", "--install-dir", "--source"),
            ),
        ),
        builds=(("build",),),
        setup=(("install",), ("update",), ("sources",)),
        cache_dirs=("~/.gem", "/usr/local/bundle/cache"),
        cleanup=("gem cleanup", "gem install --no-document"),
        settings=(),
        adds=frozenset({"install", "update"}),
        global_actions=frozenset(
            {"install", "update", "uninstall", "sources", "env", "list", "cleanup"}
        ),
        dir_variables=("GEM_HOME", "GEM_PATH"),
    ),
    Ecosystem(
        "composer",
        ("composer", "composer.phar"),
        manifests=("composer.json",),
        lockfiles=("composer.lock",),
        installs=_with(
            "composer",
            ("composer.json",),
            ("composer.lock",),
            Installer(
                "",
                ("composer",),
                (("install",), ("i",)),
                deps_only=(("--no-scripts", "--no-autoloader"),),
                dir_options=("-d", "--working-dir"),
            ),
        ),
        builds=(("dump-autoload",), ("run-script",)),
        setup=(("config",), ("global",), ("self-update",)),
        cache_dirs=("~/.composer/cache", "~/.cache/composer"),
        cleanup=("composer clear-cache",),
        outputs=("vendor",),
        lock_writes=(("composer.lock",), ()),
        settings=("composer.json", "auth.json"),
        adds=frozenset({"install", "i", "require", "update", "u", "upgrade"}),
        global_actions=frozenset(
            {"global", "config", "self-update", "selfupdate", "--version", "diagnose"}
        ),
        dir_variables=("COMPOSER_HOME",),
    ),
    # Erlang VM
    Ecosystem(
        "mix",
        ("mix",),
        manifests=("mix.exs",),
        lockfiles=("mix.lock",),
        installs=_with(
            "mix",
            ("mix.exs",),
            ("mix.lock",),
            Installer("", ("mix",), (("deps.get",),), value_options=("--only",)),
        ),
        builds=(("compile",), ("release",), ("deps.compile",), ("assets.deploy",)),
        setup=(("local.hex",), ("local.rebar",), ("archive.install",)),
        problems=(
            (r"\bapps_path\s*:", "mix.exs is an umbrella project, whose apps it also reads"),
        ),
        cache_dirs=("~/.hex",),  # not ~/.mix: `mix local.hex` installs Hex there
        outputs=("deps", "_build"),
        lock_writes=(("mix.lock",), ("--check-locked",)),
        adds=frozenset({"deps.get", "local.hex", "local.rebar"}),
    ),
    Ecosystem(
        "rebar3",
        ("rebar3",),
        manifests=("rebar.config",),
        lockfiles=("rebar.lock",),
        installs=_with(
            "rebar3",
            ("rebar.config",),
            ("rebar.lock",),
            Installer("", ("rebar3",), (("get-deps",),), extra_args=True),
        ),
        builds=(("compile",), ("release",), ("as",)),
        cache_dirs=("~/.cache/rebar3",),
        outputs=("_build",),
        lock_writes=(("rebar.lock",), ()),
        adds=frozenset({"get-deps"}),
    ),
    # Dart, Swift, Haskell
    Ecosystem(
        "pub",
        ("dart", "flutter", "pub"),
        manifests=("pubspec.yaml",),
        lockfiles=("pubspec.lock",),
        installs=_with(
            "pub",
            ("pubspec.yaml",),
            ("pubspec.lock",),
            Installer(
                "", ("dart", "flutter"), (("pub", "get"),), dir_options=("-C", "--directory")
            ),
            Installer("", ("pub",), (("get",),)),
        ),
        builds=(("compile",), ("build",)),
        setup=(("config",), ("precache",), ("doctor",)),
        problems=((r"(?m)^\s*path\s*:", "pubspec.yaml names path dependencies"),),
        cache_dirs=("~/.pub-cache",),
        outputs=(".dart_tool",),
        lock_writes=(("pubspec.lock",), ("--enforce-lockfile",)),
        runs_from_cache=("*",),
    ),
    Ecosystem(
        "gleam",
        ("gleam",),
        manifests=("gleam.toml",),
        lockfiles=("manifest.toml",),
        installs=_with(
            "gleam",
            ("gleam.toml",),
            ("manifest.toml",),
            Installer("", ("gleam",), (("deps", "download"),)),
        ),
        implicit=_with(
            "gleam",
            ("gleam.toml",),
            ("manifest.toml",),
            Installer(
                "",
                ("gleam",),
                (("build",), ("export",)),
                extra_args=True,
                restore=("gleam", "deps", "download"),
            ),
        ),
        builds=(("build",), ("export",), ("test",), ("run",)),
        problems=((r"(?m)\bpath\s*=", "gleam.toml names path dependencies"),),
        cache_dirs=("~/.cache/gleam",),
        outputs=("build",),
        lock_writes=(("manifest.toml",), ()),
        adds=frozenset({"add"}),
    ),
    Ecosystem(
        "swiftpm",
        ("swift",),
        manifests=("Package.swift",),
        lockfiles=("Package.resolved",),
        installs=_with(
            "swiftpm",
            ("Package.swift",),
            ("Package.resolved",),
            Installer(
                "",
                ("swift",),
                (("package", "resolve"),),
                dir_options=("--package-path",),
            ),
        ),
        builds=(("build",), ("test",), ("run",)),
        problems=((r"\.package\(\s*path\s*:", "Package.swift names local packages"),),
        cache_dirs=("~/.cache/org.swift.swiftpm",),
        outputs=(".build",),
        lock_writes=(("Package.resolved",), ("--force-resolved-versions",)),
    ),
    Ecosystem(
        "cabal",
        ("cabal",),
        manifests=("*.cabal",),
        lockfiles=("cabal.project", "cabal.project.freeze", "cabal.project.local"),
        installs=_with(
            "cabal",
            ("*.cabal",),
            ("cabal.project", "cabal.project.freeze", "cabal.project.local"),
            Installer(
                "",
                ("cabal",),
                (("build",), ("install",), ("v2-build",), ("v2-install",)),
                extra_args=True,
                when_flags=("--only-dependencies", "--dependencies-only"),
            ),
        ),
        builds=(("build",), ("install",)),
        setup=(("update",), ("v2-update",), ("user-config",)),
        cache_dirs=("~/.cabal/packages", "~/.local/state/cabal/store"),
        outputs=("dist-newstyle",),
        adds=frozenset({"update"}),
        runs_from_cache=("run", "test", "exec"),
    ),
    Ecosystem(
        "stack",
        ("stack",),
        manifests=("stack.yaml",),
        lockfiles=("stack.yaml.lock", "package.yaml", "*.cabal"),
        installs=_with(
            "stack",
            ("stack.yaml",),
            ("stack.yaml.lock", "package.yaml", "*.cabal"),
            Installer(
                "",
                ("stack",),
                (("build",), ("install",)),
                extra_args=True,
                when_flags=("--only-dependencies", "--dependencies-only", "--only-snapshot"),
                value_options=("--stack-yaml", "--resolver", "--ghc-options"),
            ),
        ),
        builds=(("build",), ("install",)),
        setup=(("setup",), ("update",), ("config",)),
        problems=((r"(?m)^packages\s*:\s*\n(\s*-\s*(?!\.\s*$).*\n)", "stack.yaml lists packages"),),
        cache_dirs=("~/.stack",),
        outputs=(".stack-work",),
        lock_writes=(("stack.yaml.lock",), ()),
        adds=frozenset({"setup"}),
        runs_from_cache=("run", "test", "exec"),
    ),
    Ecosystem(
        "shards",
        ("shards",),
        manifests=("shard.yml",),
        lockfiles=("shard.lock",),
        installs=_with(
            "shards",
            ("shard.yml",),
            ("shard.lock",),
            Installer("", ("shards",), (("install",), ())),
        ),
        builds=(("build",),),
        problems=((r"(?m)^\s*path\s*:", "shard.yml names path dependencies"),),
        cache_dirs=("~/.cache/shards",),
        outputs=("lib",),
        lock_writes=(("shard.lock",), ("--frozen", "--production")),
        adds=frozenset({"install", "update"}),
    ),
    Ecosystem(
        "opam",
        ("opam",),
        manifests=("*.opam",),
        lockfiles=("*.opam.locked",),
        installs=_with(
            "opam",
            ("*.opam",),
            ("*.opam.locked",),
            Installer(
                "",
                ("opam",),
                (("install",),),
                project_positional=True,
                when_flags=("--deps-only",),
                value_options=("--switch", "-j", "--jobs"),
            ),
        ),
        setup=(("init",), ("update",), ("switch",), ("repository",), ("option",), ("env",)),
        # the switch under ~/.opam holds the installed packages: only its download cache
        # may be a cache mount
        cache_dirs=("~/.opam/download-cache",),
        outputs=("_opam",),
        dir_variables=("OPAMROOT",),
        adds=frozenset({"install"}),
    ),
    # R, Perl, Lua
    Ecosystem(
        "renv",
        ("Rscript", "R"),
        manifests=("renv.lock",),
        lockfiles=("renv/activate.R", "renv/settings.json", ".Rprofile"),
        installs=_with(
            "renv",
            ("renv.lock",),
            ("renv/activate.R", "renv/settings.json", ".Rprofile"),
            Installer(
                "",
                ("Rscript", "R"),
                ((),),
                code_options=("-e",),
                code_pattern=r"\brenv::restore\(",
            ),
        ),
        setup=((),),  # ``Rscript -e 'install.packages("x")'`` reads nothing of the context
        cache_dirs=("~/.cache/R/renv",),
        outputs=("renv/library",),
    ),
    Ecosystem(
        "cpanm",
        ("cpanm", "cpanminus"),
        manifests=("cpanfile",),
        lockfiles=("cpanfile.snapshot", "META.json"),
        installs=_with(
            "cpanm",
            ("cpanfile",),
            ("cpanfile.snapshot", "META.json"),
            Installer(
                "",
                ("cpanm",),
                ((),),
                project_positional=True,
                when_flags=("--installdeps",),
                value_options=("--with-feature", "--without-feature", "-l", "-L", "--mirror"),
            ),
        ),
        setup=((),),  # ``cpanm Module::Name`` reads nothing of the context
        cache_dirs=("~/.cpanm",),
        cleanup=("rm -rf ~/.cpanm",),
        adds=None,
    ),
    Ecosystem(
        "carton",
        ("carton",),
        manifests=("cpanfile",),
        lockfiles=("cpanfile.snapshot",),
        installs=_with(
            "carton",
            ("cpanfile",),
            ("cpanfile.snapshot",),
            Installer("", ("carton",), (("install",),), value_options=("--path", "--cpanfile")),
        ),
        cache_dirs=("~/.cpanm",),
        outputs=("local",),
        lock_writes=(("cpanfile.snapshot",), ("--deployment",)),
    ),
    Ecosystem(
        "luarocks",
        ("luarocks",),
        manifests=("*.rockspec",),
        installs=_with(
            "luarocks",
            ("*.rockspec",),
            (),
            Installer(
                "",
                ("luarocks",),
                (("install",), ("build",)),
                project_positional=True,
                when_flags=("--only-deps", "--deps-only"),
                value_options=("--tree", "--server", "--lua-version"),
            ),
        ),
        setup=(("install",), ("config",)),
        cache_dirs=("~/.cache/luarocks",),
        adds=frozenset({"install"}),
    ),
    # C and C++
    Ecosystem(
        "vcpkg",
        ("vcpkg",),
        manifests=("vcpkg.json",),
        lockfiles=("vcpkg-configuration.json",),
        installs=_with(
            "vcpkg",
            ("vcpkg.json",),
            ("vcpkg-configuration.json",),
            Installer(
                "",
                ("vcpkg",),
                (("install",),),
                value_options=("--triplet", "--x-install-root", "--overlay-ports"),
                dir_options=("--x-manifest-root",),
            ),
        ),
        setup=(("install",), ("integrate",)),  # ``vcpkg install zlib``: classic mode
        cache_dirs=("~/.cache/vcpkg/archives",),
        remote_cache_env=("VCPKG_BINARY_SOURCES",),
        outputs=("vcpkg_installed",),
    ),
    Ecosystem(
        "conan",
        ("conan",),
        manifests=("conanfile.*",),
        lockfiles=("conan.lock", "conandata.yml"),
        installs=_with(
            "conan",
            ("conanfile.*",),
            ("conan.lock", "conandata.yml"),
            Installer(
                "",
                ("conan",),
                (("install",),),
                project_positional=True,
                value_options=_CONAN_VALUES,
            ),
        ),
        builds=(("create",), ("build",)),
        setup=(("profile",), ("remote",), ("config",)),
        cache_dirs=("~/.conan2/p", "~/.conan/data"),
        cleanup=("conan cache clean",),
    ),
    # System package managers: they read nothing from the build context.
    Ecosystem(
        "apt",
        ("apt-get", "apt"),
        reads_context=False,
        system=True,
        cache_kind="apt",
        cleanup=("apt-get clean", "rm -rf /var/lib/apt/lists/*"),
    ),
    Ecosystem(
        "apk",
        ("apk",),
        reads_context=False,
        system=True,
        cache_kind="apk",
        cleanup=("apk add --no-cache", "rm -rf /var/cache/apk/*"),
    ),
    Ecosystem(
        "yum",
        ("yum",),
        reads_context=False,
        system=True,
        cache_kind="yum",
        cleanup=("yum clean all",),
    ),
    Ecosystem(
        "dnf",
        ("dnf",),
        reads_context=False,
        system=True,
        cache_kind="dnf",
        cleanup=("dnf clean all",),
    ),
    Ecosystem(
        "microdnf",
        ("microdnf",),
        reads_context=False,
        system=True,
        cache_dirs=("/var/cache/yum",),
        cleanup=("microdnf clean all",),
    ),
    Ecosystem(
        "zypper",
        ("zypper",),
        reads_context=False,
        system=True,
        cache_kind="zypper",
        cleanup=("zypper clean --all",),
    ),
    Ecosystem(
        "pacman",
        ("pacman",),
        reads_context=False,
        system=True,
        cache_kind="pacman",
        cleanup=("pacman -Scc --noconfirm",),
    ),
)
"""One entry per package manager (see the module doc)."""


def ecosystem(name: str) -> Ecosystem | None:
    """The table entry named ``name`` (the ``tool`` of its installers), or ``None``: unknown."""
    return _BY_NAME.get(name)


_BY_NAME = {entry.name: entry for entry in ECOSYSTEMS}
for _entry in ECOSYSTEMS:
    for _installer in _entry.installs + _entry.implicit:
        _installer.ecosystem = _entry.name


_ALL_BY_PROGRAM: dict[str, list[Ecosystem]] = {}
"""The entries whose tools include each program, in table order."""
for _entry in ECOSYSTEMS:
    for _tool in dict.fromkeys(_entry.tools):
        _ALL_BY_PROGRAM.setdefault(_tool, []).append(_entry)
_BY_PROGRAM: dict[str, Ecosystem] = {tool: found[0] for tool, found in _ALL_BY_PROGRAM.items()}


def ecosystem_of_program(name: str) -> list[Ecosystem]:
    """The entries whose tools include the program ``name`` (a basename)."""
    return list(_ALL_BY_PROGRAM.get(name, ()))


def _holder(name: str) -> Ecosystem | Command | None:
    """The entry holding a tool's facts: the ecosystem named ``name`` or the first whose
    programs include it, else the command table's entry (a tool that is no ecosystem's)."""
    entry = _BY_NAME.get(name) or _BY_PROGRAM.get(name)
    if entry is not None:
        return entry
    from lintlayers.model.commands import COMMANDS

    return COMMANDS.get(name)


_DIR_VARIABLE = lazy_compile(r"(XDG_\w+|\w+_HOME|\w+_DIR|\w+_PREFIX|HOME)\Z")


def tool_dir_variable(name: str) -> bool:
    """Whether the environment variable ``name`` names a directory a language tool may read
    and write: an entry's ``dir_variables`` (``GOPATH``), or one named like a home, a
    directory or a prefix."""
    if not _DIR_VARIABLES:
        from lintlayers.model.commands import COMMANDS

        _DIR_VARIABLES.update(name for entry in ECOSYSTEMS for name in entry.dir_variables)
        _DIR_VARIABLES.update(name for entry in COMMANDS.values() for name in entry.dir_variables)
    return name in _DIR_VARIABLES or _DIR_VARIABLE.match(name) is not None


_DIR_VARIABLES: set[str] = set()


def settings_of(name: str) -> tuple[str, ...] | None:
    """The settings a tool reads in its directory and every one above (``Ecosystem.settings``),
    for an entry's name or one of its programs; for a command that is no ecosystem's
    (``corepack``, ``rustup``), the command table's (``model.commands``). ``None``: unknown."""
    holder = _holder(name)
    return holder.settings if holder is not None else None


def adds_of(name: str) -> frozenset[str] | None:
    """The subcommands of program ``name`` that install packages (``Ecosystem.adds``):
    empty if none, ``None`` if every use does."""
    holder = _holder(name)
    return holder.adds if holder is not None else frozenset()


def value_options_of(tool: str) -> frozenset[str]:
    """The options of ``tool`` that take a separate value, from its installers in the table
    (``value_options``, ``dir_options`` and ``manifest_options``)."""
    return frozenset(
        option
        for entry in ECOSYSTEMS
        if tool in entry.tools
        for installer in (*entry.installs, *entry.implicit)
        if tool in installer.names
        for option in (
            *installer.value_options,
            *installer.dir_options,
            *installer.manifest_options,
        )
    )


def global_actions_of(name: str) -> frozenset[str]:
    """The subcommands of program ``name`` that write only its global places
    (``Ecosystem.global_actions``)."""
    holder = _holder(name)
    return holder.global_actions if holder is not None else frozenset()
