"""What a RUN leaves in its layer: the shared knowledge of the size rules.

Which directories each package manager fills, which ``--mount`` of a RUN covers
a path, which paths an ``rm`` (or a cache-cleaning command) of the same RUN
removes, what a step creates, the working directory, user and shell each RUN
runs with, and whether a stage's files reach an image at all.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext, RunScript
    from lintlayers.diagnostics import Edit
    from lintlayers.model.stages import BuildModel, Scope, Stage
    from lintlayers.shell.commands import ShellWord, SimpleCommand
    from lintlayers.syntax.nodes import Instruction

UNKNOWN_WORKDIR = "/\x00workdir"
"""Stands for a working directory inherited from an external base image."""

COVERING_MOUNTS = frozenset({"cache", "tmpfs"})
"""Mount types whose contents never reach the layer."""

# Where each kind of package data lives; ``~`` is the RUN user's home.
CACHE_DIRS: dict[str, tuple[str, ...]] = {
    "apt-lists": ("/var/lib/apt/lists",),
    "apt": ("/var/cache/apt",),
    "apk": ("/var/cache/apk", "/etc/apk/cache"),
    "pip": ("~/.cache/pip",),
    "yarn": ("/usr/local/share/.cache/yarn", "~/.cache/yarn"),
    "npm": ("~/.npm",),
    "yum": ("/var/cache/yum",),
    "dnf": ("/var/cache/dnf",),
}
CACHE_LABELS = {
    "apt-lists": "apt package lists",
    "apt": "apt package cache",
    "apk": "apk package index",
    "pip": "pip cache",
    "yarn": "yarn cache",
    "npm": "npm cache",
    "yum": "yum cache",
    "dnf": "dnf cache",
}
CACHE_MOUNTS: dict[str, tuple[str, ...]] = {
    "apt-lists": ("/var/cache/apt", "/var/lib/apt"),
    "apt": ("/var/cache/apt", "/var/lib/apt"),
    "apk": ("/var/cache/apk",),
    "pip": ("/root/.cache/pip",),
    "npm": ("/root/.npm",),
    "yarn": ("/usr/local/share/.cache/yarn",),
    "go": ("/root/.cache/go-build", "/go/pkg/mod"),
    "yum": ("/var/cache/yum",),
    "dnf": ("/var/cache/dnf",),
}
"""Where BuildKit cache mounts keep each kind of package data between builds (as root)."""
LOCKED_MOUNTS = frozenset({"apt-lists", "apt", "yum", "dnf"})
"""Package managers that lock their cache: concurrent builds must not share it."""

APT = frozenset({"apt-get", "apt"})
APT_VALUE_OPTIONS = ("-o", "-c", "-t", "--option", "--config-file", "--target-release")
APT_INSTALLS = frozenset(
    {"install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "reinstall"}
)
APK_VALUE_OPTIONS = (
    "-X", "--repository", "-p", "--root", "--keys-dir", "--repositories-file", "--arch",
    "--cache-dir", "-t", "--virtual", "--cache-max-age",
)  # fmt: skip
PIP_VALUE_OPTIONS = frozenset(
    {
        "--cache-dir", "--log", "--proxy", "--timeout", "--retries", "--exists-action",
        "--trusted-host", "--cert", "--client-cert", "--python", "-r", "--requirement",
        "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url",
        "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--src",
    }
)  # fmt: skip
YARN_VALUE_OPTIONS = (
    "--cache-folder", "--modules-folder", "--cwd", "--network-timeout", "--mutex",
    "--registry", "--global-folder", "--link-folder", "--preferred-cache-folder",
    "--use-yarnrc", "--network-concurrency",
)  # fmt: skip
NPM_VALUE_OPTIONS = ("--prefix", "--cache", "--registry", "--loglevel", "-w", "--workspace")
NPM_INSTALLS = frozenset(
    {"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal",
     "isntall", "add", "ci", "clean-install", "ic", "install-clean", "isntall-clean",
     "update", "up", "upgrade", "install-ci-test", "cit", "install-test", "it"}
)  # fmt: skip
YUM = frozenset({"yum", "dnf", "microdnf", "tdnf"})

_PIP = re.compile(r"pip(?:\d+(?:\.\d+)?)?$")
_PYTHON = re.compile(r"python(?:\d+(?:\.\d+)?)?$")
_VARIABLE = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)
_LEADING_VARIABLE = re.compile(r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)(?:/|$)")
_POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})
_WINDOWS_BASES = ("windows", "nanoserver", "servercore")
_TAR_VALUE_LETTERS = frozenset("bCfFgHIKLNTVX")
_FIND_FILTERS = frozenset(
    {"-name", "-iname", "-path", "-ipath", "-wholename", "-regex", "-iregex", "-mtime",
     "-mmin", "-newer", "-size", "-user", "-group", "-perm", "-empty", "-links", "-atime",
     "-ctime", "-amin", "-cmin", "-prune", "-not", "!", "-o", "-or"}
)  # fmt: skip
_DEFAULT_CHILD = "file"

# --------------------------------------------------------------------------- paths


def normalize(path: str) -> str:
    """An absolute path without ``.``/``..``/duplicate slashes or a trailing slash."""
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def join(base: str, path: str) -> str:
    """``path`` resolved against the directory ``base``, normalized."""
    if path.startswith("/"):
        return normalize(path)
    return normalize(base + "/" + path)


def is_within(path: str, parent: str) -> bool:
    """Whether normalized ``path`` is ``parent`` or inside it."""
    return path == parent or parent == "/" or path.startswith(parent + "/")


def has_glob(text: str) -> bool:
    return any(char in text for char in "*?[")


def covers(pattern: str, path: str, child: str | None = _DEFAULT_CHILD) -> bool:
    """Whether removing ``pattern`` (a path or shell glob) removes ``path`` or all it holds.

    True when the pattern names ``path``, an ancestor of it, or (with ``child``,
    a typical file name) every entry of ``path``, as ``/var/lib/apt/lists/*`` does.
    Globs match one path component each and skip hidden names, like a shell.
    """
    target = _parts(path)
    for expanded in _braces(pattern):
        parts = _parts(expanded)
        if _prefix_match(parts, target):
            return True
        if child is not None and _prefix_match(parts, [*target, child]):
            return True
    return False


def _parts(path: str) -> list[str]:
    return [part for part in normalize(path).split("/") if part]


def _prefix_match(pattern: list[str], path: list[str]) -> bool:
    if len(pattern) > len(path):
        return False
    for glob, name in zip(pattern, path, strict=False):
        if glob == name:
            continue
        if not has_glob(glob) or not fnmatchcase(name, glob):
            return False
        if name.startswith(".") and not glob.startswith("."):
            return False
    return True


def _braces(pattern: str) -> list[str]:
    """One level of ``{a,b}`` expansion."""
    start = pattern.find("{")
    end = pattern.find("}", start + 1)
    if start == -1 or end == -1 or "," not in pattern[start:end]:
        return [pattern]
    head, tail = pattern[:start], pattern[end + 1 :]
    return [head + choice + tail for choice in pattern[start + 1 : end].split(",")]


def expand_known(text: str, env: dict[str, str]) -> str:
    """Expand ``$NAME``/``${NAME}``/``${NAME:-x}`` whose value is known; keep the rest."""
    if "$" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        value = env.get(name)
        if value is not None:
            return value
        default = match.group(2)
        return default if default is not None and "$" not in default else match.group(0)

    return _VARIABLE.sub(replace, text)


# ------------------------------------------------------------------ package managers


def apt_action(command: SimpleCommand) -> str | None:
    """The subcommand of ``apt-get``/``apt`` (``install``, ``update``...), if any."""
    if command.name not in APT:
        return None
    positional = command.positional_args(APT_VALUE_OPTIONS)
    return positional[0] if positional else None


def apt_updates(command: SimpleCommand) -> bool:
    """Whether an apt command downloads the package lists: ``update``, ``install --update``."""
    action = apt_action(command)
    return action == "update" or (action in APT_INSTALLS and command.has_flag("--update"))


def apt_action_word(command: SimpleCommand) -> ShellWord | None:
    """The word of the ``apt-get`` subcommand (for ranges and fixes)."""
    return _subcommand_word(command, command.words[1:], frozenset(APT_VALUE_OPTIONS))


def apk_action(command: SimpleCommand) -> str | None:
    if command.name != "apk":
        return None
    positional = command.positional_args(APK_VALUE_OPTIONS)
    return positional[0] if positional else None


def apk_action_word(command: SimpleCommand) -> ShellWord | None:
    return _subcommand_word(command, command.words[1:], frozenset(APK_VALUE_OPTIONS))


def pip_words(command: SimpleCommand) -> list[ShellWord] | None:
    """The words after ``pip`` of ``pip ...``, ``pip3.11 ...`` or ``python -m pip ...``."""
    name = command.name
    words = command.words
    if _PIP.match(name):
        return words[1:]
    if _PYTHON.match(name):
        for index in range(1, len(words)):
            value = words[index].value
            if value == "-m":
                if index + 1 < len(words) and words[index + 1].value == "pip":
                    return words[index + 2 :]
                return None
            if value == "-mpip":
                return words[index + 1 :]
            if not value.startswith("-"):
                return None
    return None


def pip_action_word(command: SimpleCommand) -> ShellWord | None:
    """The pip subcommand word (``install``...) of a pip command."""
    words = pip_words(command)
    if words is None:
        return None
    return _subcommand_word(command, words, PIP_VALUE_OPTIONS)


def yarn_action(command: SimpleCommand) -> str | None:
    """``install`` for ``yarn``/``yarn install``, else yarn's first positional argument."""
    if command.name != "yarn":
        return None
    positional = command.positional_args(YARN_VALUE_OPTIONS)
    if not positional:
        if command.has_flag("-v", "--version", "-h", "--help"):
            return "version"
        return "install"
    if positional[0] == "global" and len(positional) > 1:
        return "global " + positional[1]
    return positional[0]


def npm_action(command: SimpleCommand) -> str | None:
    if command.name != "npm":
        return None
    positional = command.positional_args(NPM_VALUE_OPTIONS)
    return positional[0] if positional else None


def _subcommand_word(
    command: SimpleCommand, words: list[ShellWord], value_options: frozenset[str]
) -> ShellWord | None:
    skip = False
    for word in words:
        value = word.value
        if skip:
            skip = False
            continue
        if value == "--":
            return None
        if value.startswith("-") and value != "-":
            skip = value in value_options
            continue
        return word
    return None


def package_writes(command: SimpleCommand) -> tuple[str, ...]:
    """Kinds of package data (keys of ``CACHE_DIRS``) that ``command`` writes to disk."""
    name = command.name
    if name in APT:
        action = apt_action(command)
        if action == "update":
            return ("apt-lists",)
        if action in APT_INSTALLS:
            return ("apt-lists", "apt") if command.has_flag("--update") else ("apt",)
        return ()
    if name == "apk":
        if command.has_flag("--no-cache"):
            return ()
        action = apk_action(command)
        if action == "update" or (
            action in ("add", "upgrade") and command.has_flag("-U", "--update", "--update-cache")
        ):
            return ("apk",)
        return ()
    if name in YUM:
        action = next(iter(command.positional_args(("-c", "--config", "--setopt"))), "")
        if action in ("install", "update", "upgrade", "groupinstall", "makecache", "reinstall"):
            return ("dnf",) if name in ("dnf", "microdnf", "tdnf") else ("yum",)
        return ()
    words = pip_words(command)
    if words is not None:
        word = _subcommand_word(command, words, PIP_VALUE_OPTIONS)
        action = word.value if word is not None else ""
        if action in ("install", "download", "wheel") and not command.has_flag("--no-cache-dir"):
            return ("pip",)
        return ()
    if name == "yarn":
        action = yarn_action(command)
        if action in ("install", "add", "upgrade", "global add", "global upgrade"):
            return ("yarn",)
        return ()
    if name == "npm" and npm_action(command) in NPM_INSTALLS:
        return ("npm",)
    return ()


def package_cleans(command: SimpleCommand) -> tuple[str, ...]:
    """Kinds of package data that ``command`` empties (``apt-get clean``, ``yarn cache clean``)."""
    name = command.name
    if name in APT:
        action = apt_action(command)
        if action in ("clean", "autoclean", "auto-clean"):
            return ("apt",)
        if action in ("distclean", "dist-clean"):
            return ("apt", "apt-lists")
        return ()
    if name == "apk":
        positional = command.positional_args(APK_VALUE_OPTIONS)
        if positional[:1] == ["cache"] and positional[1:2] in (["clean"], ["purge"]):
            return ("apk",)
        return ()
    if name in YUM:
        positional = command.positional_args(("-c", "--config", "--setopt"))
        if positional[:1] == ["clean"] and positional[1:2] in (["all"], ["packages"]):
            return ("dnf",) if name in ("dnf", "microdnf", "tdnf") else ("yum",)
        return ()
    words = pip_words(command)
    if words is not None:
        values = [word.value for word in words if not word.value.startswith("-")]
        return ("pip",) if values[:2] == ["cache", "purge"] else ()
    if name == "yarn":
        positional = command.positional_args(YARN_VALUE_OPTIONS)
        return ("yarn",) if positional[:2] == ["cache", "clean"] else ()
    if name == "npm":
        positional = command.positional_args(NPM_VALUE_OPTIONS)
        if positional[:1] == ["cache"] and positional[1:2] in (["clean"], ["clear"], ["rm"]):
            return ("npm",)
    return ()


# ------------------------------------------------------------------------- mounts


def cache_mount_flags(kind: str, targets: tuple[str, ...] | None = None) -> str:
    """The ``--mount=type=cache`` flags that keep package data of ``kind`` out of a layer.

    ``targets`` replaces the default directories (a non-root user's home, an
    overridden cache directory).
    """
    locked = ",sharing=locked" if kind in LOCKED_MOUNTS else ""
    paths = targets if targets else CACHE_MOUNTS.get(kind, ())
    return " ".join(f"--mount=type=cache,target={path}{locked}" for path in paths)


def cache_mount_advice(kind: str, targets: tuple[str, ...] | None = None) -> str:
    """``RUN --mount=type=cache,target=...`` in backticks, for messages."""
    return f"`RUN {cache_mount_flags(kind, targets)}`"


class Mount:
    """One ``RUN --mount``: its type and resolved target (``None`` when absent)."""

    __slots__ = ("options", "target", "type")

    def __init__(self, type_: str, target: str | None, options: dict[str, str | None]) -> None:
        self.type = type_
        self.target = target
        self.options = options

    def __repr__(self) -> str:
        return f"Mount({self.type}, {self.target!r})"


def parse_mounts(run: Instruction, env: dict[str, str], workdir: str) -> list[Mount]:
    """The ``--mount`` flags of ``run``, their targets expanded and made absolute."""
    from lintlayers.syntax.words import parse_csv_options

    mounts: list[Mount] = []
    for value in run.flag_values("mount"):
        options: dict[str, str | None] = {}
        for key, option in parse_csv_options(value):
            options[key] = option
        target = options.get("target") or options.get("dst") or options.get("destination")
        if target:
            target = join(workdir, expand_known(target, env))
        mounts.append(Mount((options.get("type") or "bind").lower(), target, options))
    return mounts


# -------------------------------------------------------------------------- steps


class Step:
    """One instruction of a stage with what it runs with: variables, WORKDIR, USER, shell.

    ``env`` holds the ARG/ENV values in scope that the instruction refers to, plus
    those that steer package managers (``HOME``, ``PIP_NO_CACHE_DIR``...): keeping
    every full scope alive would cost memory quadratic in the file's length.
    """

    __slots__ = ("env", "instruction", "onbuild", "posix_shell", "stage", "user", "workdir")

    def __init__(
        self,
        instruction: Instruction,
        stage: Stage,
        scope: Scope,
        workdir: str,
        user: str | None,
        posix_shell: bool,
        onbuild: bool,
    ) -> None:
        self.instruction = instruction
        self.stage = stage
        self.env = _relevant(instruction, scope)
        self.workdir = workdir
        self.user = user
        self.posix_shell = posix_shell
        self.onbuild = onbuild

    @property
    def keyword(self) -> str:
        return self.instruction.keyword

    def __repr__(self) -> str:
        return f"Step({self.instruction!r}, workdir={self.workdir!r})"


STEERING_VARIABLES = (
    "HOME", "XDG_CACHE_HOME", "PIP_NO_CACHE_DIR", "PIP_CACHE_DIR", "YARN_CACHE_FOLDER",
    "npm_config_cache", "NPM_CONFIG_CACHE",
)  # fmt: skip
"""Variables that move or disable package caches, kept for every step."""


_NEEDS_ENV = frozenset({"RUN", "COPY", "ADD", "WORKDIR", "USER"})
_LONGEST_VALUE = 1024
"""Longer values (a PATH grown step by step) are left unknown, to bound memory."""


def _relevant(instruction: Instruction, scope: Scope) -> dict[str, str]:
    if instruction.keyword not in _NEEDS_ENV:
        return {}
    values = scope.values()
    if not values:
        return values
    from lintlayers.model.variables import referenced_names

    text = instruction.logical.text
    if instruction.heredocs:
        text += "".join(heredoc.content for heredoc in instruction.heredocs)
    names = referenced_names(text) if "$" in text else set()
    names.update(STEERING_VARIABLES)
    return {
        name: values[name]
        for name in names
        if name in values and len(values[name]) <= _LONGEST_VALUE
    }


class _Memo:
    """Per-file results shared by all rules of one lint run (keyed on the tree)."""

    __slots__ = ("dockerfile", "effects", "reaching", "sequences")

    def __init__(self) -> None:
        self.dockerfile: object = None
        self.sequences: list[list[Step]] = []
        self.effects: dict[int, RunEffects] = {}
        self.reaching: dict[int, bool] = {}


_memo = _Memo()


def _memo_for(context: RuleContext) -> _Memo:
    global _memo
    if _memo.dockerfile is not context.dockerfile:
        _memo = _Memo()
        _memo.dockerfile = context.dockerfile
        _memo.sequences = _build_sequences(context.model)
    return _memo


def sequences(context: RuleContext) -> list[list[Step]]:
    """The steps of each stage in build order; a stage's ONBUILD triggers form their own list.

    Every list runs in order in one image (ONBUILD triggers in a child image), so
    an earlier step of the same list wrote the files a later one sees.
    """
    return _memo_for(context).sequences


def _build_sequences(model: BuildModel) -> list[list[Step]]:
    from lintlayers.model.stages import Scope

    result: list[list[Step]] = []
    final: dict[int, tuple[str, str | None, bool]] = {}
    escape_windows = model.dockerfile.escape == "`"
    for stage in model.stages:
        base = stage.base_stage
        if base is not None and base.index in final:
            workdir, user, posix = final[base.index]
        else:
            lowered = stage.base.lower()
            windows = escape_windows or any(name in lowered for name in _WINDOWS_BASES)
            workdir = "/" if lowered == "scratch" else UNKNOWN_WORKDIR
            user, posix = None, not windows
        steps: list[Step] = []
        triggers: list[Step] = []
        scope = Scope()
        for instruction, scope in model.walk(stage):
            effective = instruction.effective
            if effective is not instruction:
                triggers.append(Step(effective, stage, scope, workdir, user, posix, True))
                continue
            steps.append(Step(instruction, stage, scope, workdir, user, posix, False))
            workdir, user, posix = _after(instruction, steps[-1].env, workdir, user, posix)
        final[stage.index] = (workdir, user, posix)
        result.append(steps)
        if triggers:
            _retrack(triggers)
            result.append(triggers)
    return result


def _after(
    instruction: Instruction, env: dict[str, str], workdir: str, user: str | None, posix: bool
) -> tuple[str, str | None, bool]:
    """WORKDIR, USER and shell kind in effect after ``instruction``."""
    keyword = instruction.keyword
    if keyword == "WORKDIR" and instruction.words:
        path = expand_known(instruction.words[0].value, env)
        workdir = join(workdir, path)
    elif keyword == "USER" and instruction.words:
        user = expand_known(instruction.words[0].value, env)
    elif keyword == "SHELL" and instruction.json_args:
        name = instruction.json_args[0].replace("\\", "/").rpartition("/")[2].lower()
        posix = name in _POSIX_SHELLS
    return workdir, user, posix


def _retrack(triggers: list[Step]) -> None:
    """WORKDIR/USER/SHELL of ONBUILD triggers follow the triggers themselves."""
    workdir, user, posix = triggers[0].workdir, triggers[0].user, triggers[0].posix_shell
    for step in triggers:
        step.workdir, step.user, step.posix_shell = workdir, user, posix
        workdir, user, posix = _after(step.instruction, step.env, workdir, user, posix)


def copy_sources(step: Step) -> list[str]:
    """The sources of a COPY/ADD step as written (variables expanded when known)."""
    values = _copy_values(step)
    return values[:-1]


def copy_destination(step: Step) -> str | None:
    """The absolute destination of a COPY/ADD step (WORKDIR and variables resolved)."""
    values = _copy_values(step)
    if len(values) < 2:
        return None
    return join(step.workdir, values[-1])


def copy_creations(step: Step) -> list[Creation]:
    """What a COPY/ADD step writes: ``dest/name`` for a file copied into a directory, else
    ``dest`` (a directory's contents, or an archive ADD unpacks there)."""
    values = _copy_values(step)
    if len(values) < 2:
        return []
    destination = join(step.workdir, values[-1])
    into_directory = values[-1].endswith("/") or len(values) > 2
    found: list[Creation] = []
    for source in values[:-1]:
        name = _url_basename(source) if "://" in source else source.rstrip("/").rpartition("/")[2]
        if source.startswith("<<"):
            name = source.lstrip("<-").strip("'\"")
        file_like = "://" in source or source.startswith("<<") or "." in name[1:]
        unpacked = step.keyword == "ADD" and "://" not in source and name.endswith(_ARCHIVES)
        if into_directory and file_like and not unpacked and name and not has_glob(name):
            found.append(Creation(-1, join(destination, name), "copy"))
        else:
            found.append(Creation(-1, destination, "copy"))
    return found


_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst")


def _copy_values(step: Step) -> list[str]:
    instruction = step.instruction
    values = instruction.json_args
    if values is None:
        values = [word.value for word in instruction.words]
    env = step.env
    return [expand_known(value, env) for value in values]


def display(path: str) -> str:
    """A path for messages: relative to WORKDIR when the working directory is unknown."""
    if path.startswith(UNKNOWN_WORKDIR):
        return "." + path[len(UNKNOWN_WORKDIR) :]
    return path


LINK_UNSAFE_ROOTS = frozenset(
    {"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "var", "run", "proc",
     "sys", "dev"}
)  # fmt: skip
"""Top directories where a base image may hold symlinks (``/lib -> usr/lib``,
``/var/run -> /run``) that a ``COPY --link`` layer would replace with directories."""
_NUMERIC_OWNER = re.compile(r"\d+(?::\d+)?")


def link_advisable(context: RuleContext, steps: list[Step], position: int) -> bool:
    """Whether suggesting ``COPY --link`` for the COPY/ADD at ``steps[position]`` is sound.

    Conservative: BuildKit only; the COPY has no ``--link`` yet, no ``--chmod`` (its key
    would depend on the earlier layers again) and no ``--chown`` by name (BuildKit
    cannot resolve a name without the earlier layers' ``/etc/passwd``); the stage is
    built from an external image; the destination is known, absolute and outside the
    system directories; and no earlier step of the stage writes or names the
    destination, a parent or anything inside it (a linked layer brings its own copy
    of those directories, with its own owner and mode).
    """
    if context.builder != "buildkit":
        return False
    step = steps[position]
    instruction = step.instruction
    if step.onbuild or instruction.keyword not in ("COPY", "ADD"):
        return False
    if instruction.has_flag("link") or instruction.has_flag("chmod"):
        return False
    owner = instruction.flag("chown")
    if owner is not None and not _NUMERIC_OWNER.fullmatch(owner.value or ""):
        return False
    if step.stage.base_stage is not None:
        return False
    destination = copy_destination(step)
    if destination is None or UNKNOWN_WORKDIR in destination or "$" in destination:
        return False
    parts = [part for part in destination.split("/") if part]
    if not parts or parts[0] in LINK_UNSAFE_ROOTS:
        return False
    ancestors = ["/" + "/".join(parts[: count + 1]) for count in range(len(parts))]
    for earlier in steps[:position]:
        keyword = earlier.keyword
        if keyword in ("COPY", "ADD"):
            other = copy_destination(earlier)
            if other is None or is_within(other, destination) or is_within(destination, other):
                return False
        elif keyword == "WORKDIR":
            made = _workdir_made(earlier)
            if made is None or (
                made != "/" and (is_within(made, destination) or is_within(destination, made))
            ):
                return False
        elif keyword == "RUN":
            text = earlier.instruction.logical.text + "".join(
                heredoc.content for heredoc in earlier.instruction.heredocs
            )
            if any(path in text for path in ancestors):
                return False
    return True


def _workdir_made(step: Step) -> str | None:
    """The directory a WORKDIR step makes, None when unknown."""
    words = step.instruction.words
    if not words:
        return None
    path = join(step.workdir, expand_known(words[0].value, step.env))
    return None if UNKNOWN_WORKDIR in path or "$" in path else path


def reaches_image(context: RuleContext, stage: Stage) -> bool:
    """Whether files of ``stage`` can end up in an image.

    False only for a stage that is not the last one and whose every use is a
    ``COPY --from`` of specific paths (or a ``RUN --mount=from=``), directly or
    through stages built ``FROM`` it that are themselves used only that way. A
    stage nothing refers to may be a ``--target``: it counts as reaching.
    """
    memo = _memo_for(context)
    return _reaches(context.model, stage, memo.reaching, set())


def _reaches(model: BuildModel, stage: Stage, memo: dict[int, bool], visiting: set[int]) -> bool:
    from lintlayers.syntax.words import parse_csv_options

    known = memo.get(stage.index)
    if known is not None:
        return known
    if stage.index == len(model.stages) - 1 or stage.index in visiting:
        return True
    visiting.add(stage.index)
    used = False
    result = False
    for other in model.stages:
        if other.base_stage is stage:
            used = True
            if _reaches(model, other, memo, visiting):
                result = True
                break
        for instruction in other.instructions:
            if instruction.keyword == "COPY":
                reference = instruction.flag("from")
                if reference is None or model.stage_named(reference.value or "") is not stage:
                    continue
                used = True
                sources = [word.value for word in instruction.words[:-1]]
                if any(normalize(source) == "/" for source in sources if source.startswith("/")):
                    result = True
                    break
            elif instruction.keyword == "RUN":
                for value in instruction.flag_values("mount"):
                    reference = dict(parse_csv_options(value)).get("from")
                    if reference and model.stage_named(reference) is stage:
                        used = True
        if result:
            break
    visiting.discard(stage.index)
    result = result or not used
    memo[stage.index] = result
    return result


# --------------------------------------------------------------------- RUN effects


class Removal:
    """A path pattern that command ``index`` of a RUN removes."""

    __slots__ = ("index", "pattern")

    def __init__(self, index: int, pattern: str) -> None:
        self.index = index
        self.pattern = pattern

    def __repr__(self) -> str:
        return f"Removal({self.index}, {self.pattern!r})"


class Creation:
    """A path that command ``index`` of a step writes.

    ``kind`` is a package-data kind (``apt-lists``, ``pip``...), ``download``,
    ``clone``, ``file``, ``dir`` (made and entered with ``cd``) or ``copy`` (a
    COPY/ADD; ``index`` is then -1); ``deep`` means removing something inside
    the path removes bytes the step wrote (a cloned repository).
    """

    __slots__ = ("deep", "index", "kind", "path")

    def __init__(self, index: int, path: str, kind: str, deep: bool = False) -> None:
        self.index = index
        self.path = path
        self.kind = kind
        self.deep = deep

    def __repr__(self) -> str:
        return f"Creation({self.index}, {self.path!r}, {self.kind})"


def effects(context: RuleContext, step: Step) -> RunEffects:
    """The ``RunEffects`` of a RUN step (computed once per file)."""
    memo = _memo_for(context)
    key = id(step.instruction)
    found = memo.effects.get(key)
    if found is None:
        found = RunEffects(context, step)
        memo.effects[key] = found
    return found


class RunEffects:
    """What one RUN does to the filesystem, as far as its commands tell.

    ``commands`` are the effective commands (wrappers such as ``sudo`` looked
    through) of its shell form and shell heredocs, ``cwds[i]`` the directory
    command ``i`` runs in (after ``cd``), ``removals`` what ``rm``, ``find
    -delete`` and cache-cleaning commands remove.
    """

    __slots__ = (
        "_creations",
        "_end",
        "_envs",
        "commands",
        "cwds",
        "env",
        "escape",
        "home",
        "instruction",
        "mounts",
        "removals",
        "scripts",
        "source",
        "step",
    )

    def __init__(self, context: RuleContext, step: Step) -> None:
        run = step.instruction
        self.step = step
        self.instruction = run
        self.source = context.source
        self.escape = context.dockerfile.escape
        self.env = step.env
        self.home = self.env.get("HOME") or home_of(step.user)
        self.mounts = parse_mounts(run, self.env, step.workdir)
        self.commands: list[SimpleCommand] = []
        self.scripts: list[RunScript] = []
        if step.posix_shell:
            for script in context.scripts(run):
                for command in script.commands:
                    self.commands.append(command.effective())
                    self.scripts.append(script)
        self.cwds: list[str] = []
        self._envs: list[dict[str, str]] = []
        self.removals: list[Removal] = []
        self._creations: list[Creation] | None = None
        self._walk(step.workdir)

    def _walk(self, workdir: str) -> None:
        cwd = workdir
        env = dict(self.env)
        for index, command in enumerate(self.commands):
            self.cwds.append(cwd)
            self._envs.append(env)
            name = command.name
            if not command.words:
                if command.assignments:
                    env = _assign(env, command.assignments)
                continue
            if name == "export" or name == "declare" or name == "local":
                env = _assign(env, command.words[1:])
            elif name in ("cd", "pushd"):
                targets = [value for value in command.args if not value.startswith("-")]
                target = targets[0] if targets else self.home
                cwd = join(cwd, self._expand(target, env))
            elif name in ("rm", "unlink", "find"):
                values = command.positional_args() if name != "find" else _find_deletes(command)
                for value in values:
                    expanded = self._expand(value, env)
                    if expanded:  # an empty variable removes nothing
                        self.removals.append(Removal(index, join(cwd, expanded)))
            else:
                for kind in package_cleans(command):
                    for path in self.cache_dirs(kind, index):
                        self.removals.append(Removal(index, path + "/*"))
        self._end = (cwd, env)

    def _expand(self, value: str, env: dict[str, str]) -> str:
        if value == "~" or value.startswith("~/"):
            value = self.home + value[1:]
        value = expand_known(value, {**env, "HOME": env.get("HOME") or self.home})
        if _LEADING_VARIABLE.match(value):
            value = "/" + value  # ``"$tmp/x"``: an unknown directory, most likely absolute
        return value

    # -- queries ------------------------------------------------------------

    def resolve(self, index: int, value: str) -> str:
        """The absolute path a word of command ``index`` names (variables expanded if known)."""
        return join(self.cwds[index], self._expand(value, self._envs[index]))

    def env_at(self, index: int) -> dict[str, str]:
        """Variables in effect at command ``index`` (scope plus the RUN's own assignments).

        ``index`` may be ``len(commands)``: what a command appended to the RUN would see.
        """
        return self._envs[index] if index < len(self._envs) else self._end[1]

    def resolve_at_end(self, value: str) -> str:
        """``resolve`` for a command appended at the end of the RUN."""
        cwd, env = self._end
        return join(cwd, self._expand(value, env))

    def mount_covering(self, path: str) -> Mount | None:
        """The cache or tmpfs mount whose target holds ``path``, if any."""
        for mount in self.mounts:
            if mount.type in COVERING_MOUNTS and mount.target and is_within(path, mount.target):
                return mount
        return None

    def removal(
        self, path: str, after: int = -1, child: str | None = _DEFAULT_CHILD
    ) -> Removal | None:
        """The first removal after command ``after`` that removes ``path`` or all it holds."""
        for removal in self.removals:
            if removal.index > after and covers(removal.pattern, path, child):
                return removal
        return None

    def user_at(self, index: int) -> str | None:
        """The user command ``index`` runs as: the RUN's USER, or ``sudo -u``/``gosu``'s."""
        return _wrapper_user(self.commands[index]) or self.step.user

    def cache_dirs(self, kind: str, index: int) -> list[str]:
        """Where command ``index`` keeps package data of ``kind`` (env and options honoured).

        The first entry is where the data most likely is.
        """
        command = self.commands[index]
        env = self._envs[index]
        if command.assignments:
            env = _assign(env, command.assignments)
        wrapped = _wrapper_user(command)
        home = home_of(wrapped) if wrapped else env.get("HOME") or self.home
        root = _is_root(wrapped or self.step.user)
        found: list[str] = []
        override: str | None = None
        if kind == "pip":
            override = command.flag_value("--cache-dir") or env.get("PIP_CACHE_DIR")
        elif kind == "yarn":
            override = command.flag_value("--cache-folder") or env.get("YARN_CACHE_FOLDER")
        elif kind == "npm":
            override = (
                command.flag_value("--cache")
                or env.get("npm_config_cache")
                or env.get("NPM_CONFIG_CACHE")
            )
        elif kind == "apk":
            override = command.flag_value("--cache-dir")
        if override:
            found.append(override)
        xdg = env.get("XDG_CACHE_HOME")
        if xdg and kind in ("pip", "yarn"):
            found.append(xdg + "/" + kind)
        defaults = CACHE_DIRS.get(kind, ())
        if kind == "yarn" and not root:
            defaults = defaults[::-1]  # yarn 1 uses /usr/local/share/.cache only for root
        found.extend(defaults)
        cwd = self.cwds[index]
        paths: list[str] = []
        for path in found:
            if path == "~" or path.startswith("~/"):
                path = home + path[1:]
            paths.append(join(cwd, expand_known(path, {**env, "HOME": home})))
        return paths

    def cache_handled(self, kind: str, index: int) -> str | None:
        """How the package data of ``kind`` written by command ``index`` stays out of the layer.

        ``"mount"`` when a cache/tmpfs mount holds its directory, ``"removed"``
        when a later command of the RUN removes it, ``None`` when it stays.
        """
        paths = self.cache_dirs(kind, index)
        home_relative = any(path.startswith("~") for path in CACHE_DIRS.get(kind, ()))
        for path in paths:
            if self.mount_covering(path) is not None:
                return "mount"
        if home_relative and not _is_root(self.user_at(index)):  # a guessed home: be lenient
            for mount in self.mounts:
                if mount.type not in COVERING_MOUNTS or not mount.target:
                    continue
                for path in CACHE_DIRS[kind]:
                    suffix = path[1:]  # ``/.cache/pip``
                    parent = suffix.rpartition("/")[0]  # ``/.cache``
                    if path.startswith("~") and (
                        mount.target.endswith(suffix) or (parent and mount.target.endswith(parent))
                    ):
                        return "mount"
        for path in paths:
            if self.removal(path, index) is not None:
                return "removed"
        return None

    def command_range(self, index: int) -> tuple[int, int]:
        """File offsets of command ``index``, from its name (after ``sudo`` and such) on."""
        command = self.commands[index]
        script = self.scripts[index]
        start = command.words[0].start if command.words else command.start
        return script.file_offset(start), script.file_end(command.end)

    def word_range(self, index: int, word: ShellWord) -> tuple[int, int]:
        script = self.scripts[index]
        return script.file_offset(word.start), script.file_end(word.end)

    def span_range(self, index: int, first: ShellWord, last: ShellWord) -> tuple[int, int]:
        """File offsets from the start of ``first`` to the end of ``last``."""
        script = self.scripts[index]
        return script.file_offset(first.start), script.file_end(last.end)

    def in_shell_text(self, index: int) -> bool:
        """Whether command ``index`` is in the shell-form text itself (not a heredoc or ``-c``)."""
        return (
            bool(self.scripts)
            and self.scripts[index] is self.scripts[0]
            and not self.instruction.heredocs
            and self.commands[index].shell_depth == 0
        )

    # -- what the RUN writes ------------------------------------------------

    def creations(self) -> list[Creation]:
        """Paths the RUN writes: package data, downloads, clones, copies, directories it enters."""
        if self._creations is None:
            self._creations = self._find_creations()
        return self._creations

    def _find_creations(self) -> list[Creation]:
        found: list[Creation] = []
        for index, command in enumerate(self.commands):
            for kind in package_writes(command):
                for path in self.cache_dirs(kind, index)[:1]:
                    found.append(Creation(index, path, kind))
            for value in download_targets(command):
                found.append(Creation(index, self.resolve(index, value), "download"))
            name = command.name
            if name == "git" and command.args[:1] == ["clone"]:
                positional = command.positional_args(
                    ("-b", "--branch", "--depth", "-o", "--origin", "-c", "--config", "-j")
                )
                if len(positional) >= 3:
                    found.append(Creation(index, self.resolve(index, positional[2]), "clone", True))
                elif len(positional) == 2:
                    base = positional[1].rstrip("/").rpartition("/")[2].removesuffix(".git")
                    if base:
                        found.append(Creation(index, self.resolve(index, base), "clone", True))
            elif name in ("cp", "mv") and len(command.positional_args(("-t",))) >= 2:
                found.append(
                    Creation(index, self.resolve(index, command.positional_args()[-1]), "file")
                )
            elif name == "mkdir":
                for value in command.positional_args(("-m", "--mode")):
                    path = self.resolve(index, value)
                    if any(is_within(cwd, path) for cwd in self.cwds[index + 1 :]):
                        found.append(Creation(index, path, "dir"))
        return found

    def leftovers(self) -> list[Creation]:
        """Creations that are still in the layer when the RUN ends."""
        kept: list[Creation] = []
        for creation in self.creations():
            if self.mount_covering(creation.path) is not None:
                continue
            if self.removal(creation.path, creation.index) is not None:
                continue
            kept.append(creation)
        return kept


def _assign(env: dict[str, str], words: list[ShellWord]) -> dict[str, str]:
    changed = dict(env)
    for word in words:
        name, equals, value = word.value.partition("=")
        if not equals or not name.isidentifier():
            continue
        value = expand_known(value, changed)
        if "$(" in value or "`" in value:
            changed.pop(name, None)  # a command's output: unknown, keep ``$name`` as it is
        else:
            changed[name] = value
    return changed


def _find_deletes(command: SimpleCommand) -> list[str]:
    """Start paths of ``find P... -delete`` (or ``-exec rm``) with no name filter."""
    args = command.args
    starts: list[str] = []
    index = 0
    while index < len(args) and not args[index].startswith(("-", "(", "!")):
        starts.append(args[index])
        index += 1
    rest = args[index:]
    deletes = "-delete" in rest or any(
        value in ("-exec", "-execdir") and position + 1 < len(rest) and rest[position + 1] == "rm"
        for position, value in enumerate(rest)
    )
    if not deletes or any(value in _FIND_FILTERS for value in rest):
        return []
    return starts


def download_targets(command: SimpleCommand) -> list[str]:
    """Files ``curl``/``wget`` write (as written), output redirects included.

    Not ``-`` (standard output) nor ``/dev/*``.
    """
    name = command.name
    targets: list[str] = []
    if name == "curl":
        outputs = command.flag_values("-o", "--output")
        urls = [value for value in command.positional_args(_CURL_VALUE_OPTIONS) if "://" in value]
        if command.has_flag("-O", "--remote-name", "--remote-name-all"):
            targets.extend(_url_basename(url) for url in urls[len(outputs) :])
        targets.extend(outputs)
        directory = command.flag_value("--output-dir")
        if directory:
            targets = [
                value if value.startswith("/") else directory.rstrip("/") + "/" + value
                for value in targets
            ]
    elif name == "wget":
        output = command.flag_value("-O", "--output-document")
        if output is not None:
            targets.append(output)
        else:
            directory = command.flag_value("-P", "--directory-prefix")
            for url in command.positional_args(_WGET_VALUE_OPTIONS):
                if "://" in url:
                    base = _url_basename(url)
                    targets.append(directory.rstrip("/") + "/" + base if directory else base)
    if name in ("curl", "wget"):  # ``curl URL > file``
        for operator, target in zip(command.redirect_ops, command.redirects, strict=False):
            if operator in (">", ">>", ">|"):
                targets.append(target.value)
    return [value for value in targets if value and value != "-" and not value.startswith("/dev/")]


_DECOMPRESSORS = {
    "gunzip": (), "gzip": ("-d", "--decompress"), "bunzip2": (), "bzip2": ("-d", "--decompress"),
    "unxz": (), "xz": ("-d", "--decompress"), "unlzma": (), "lzma": ("-d", "--decompress"),
    "unzstd": (), "zstd": ("-d", "--decompress"),
}  # fmt: skip


def extracted_archives(command: SimpleCommand) -> list[str]:
    """Archive files (as written) that ``command`` unpacks and keeps.

    ``tar -x``, ``unzip``, ``7z x``, and decompressors that keep their input
    (``gunzip -k``, ``zstd -d``); not ``-`` (standard input).
    """
    name = command.name
    args = command.args
    found: list[str] = []
    if name in ("tar", "bsdtar", "gtar"):
        if args and not args[0].startswith("-") and args[0].isalpha():  # ``tar xzf FILE``
            letters = args[0]
            if "x" in letters and "f" in letters:
                position = 1 + sum(
                    1 for letter in letters[: letters.index("f")] if letter in _TAR_VALUE_LETTERS
                )
                if position < len(args):
                    found.append(args[position])
        elif command.has_flag("-x", "--extract", "--get"):
            found.extend(command.flag_values("-f", "--file"))
    elif name == "unzip":
        positional = command.positional_args(("-d", "-P", "-x", "-I", "-O"))
        found.extend(positional[:1])
    elif name in ("7z", "7za", "7zr"):
        positional = command.positional_args()
        if positional[:1] in (["x"], ["e"]) and len(positional) > 1:
            found.append(positional[1])
    elif name in _DECOMPRESSORS:
        needs = _DECOMPRESSORS[name]
        if needs and not command.has_flag(*needs):
            return []
        keeps = command.has_flag("-k", "--keep", "-c", "--stdout", "--to-stdout")
        if name in ("zstd", "unzstd"):
            keeps = not command.has_flag("--rm")  # zstd keeps its input by default
        if keeps:
            found.extend(command.positional_args(("-o", "-S", "--suffix")))
    return [value for value in found if value and value != "-"]


_CURL_VALUE_OPTIONS = (
    "-o", "--output", "-H", "--header", "-u", "--user", "-d", "--data", "-X", "--request",
    "-A", "--user-agent", "-e", "--referer", "-x", "--proxy", "--output-dir", "-w",
    "--write-out", "-m", "--max-time", "--retry", "--connect-timeout", "-r", "--range",
    "-T", "--upload-file", "-b", "--cookie", "-c", "--cookie-jar", "--cacert", "-E",
    "--cert", "--key", "--retry-delay", "--retry-max-time", "-K", "--config", "-F", "--form",
    "--data-binary", "--data-raw", "--resolve", "--limit-rate", "-Y", "-y", "-z",
)  # fmt: skip
_WGET_VALUE_OPTIONS = (
    "-O", "--output-document", "-P", "--directory-prefix", "-o", "--output-file", "-a",
    "-t", "--tries", "-T", "--timeout", "-U", "--user-agent", "--header", "-e", "-i",
    "--user", "--password", "--http-user", "--http-password", "--ca-certificate", "-w",
    "--wait", "--post-data", "--limit-rate", "--load-cookies", "--save-cookies",
)  # fmt: skip


def _url_basename(url: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0]
    if "://" in path:
        path = path.split("://", 1)[1]
        path = path.partition("/")[2]
    return path.rstrip("/").rpartition("/")[2]


def _wrapper_user(command: SimpleCommand) -> str | None:
    """The user of ``sudo -u USER``, ``gosu USER`` or ``su-exec USER`` before ``command``."""
    prefix = [word.value for word in command.prefix]
    if not prefix:
        return None
    name = prefix[0].rpartition("/")[2]
    if name in ("gosu", "su-exec") and len(prefix) > 1:
        return prefix[1]
    if name == "sudo":
        for position, value in enumerate(prefix[1:], 1):
            if value in ("-u", "--user") and position + 1 < len(prefix):
                return prefix[position + 1]
            if value.startswith("--user="):
                return value[7:]
            if value.startswith("-u") and len(value) > 2:
                return value[2:]
    return None


def home_of(user: str | None) -> str:
    """The home directory of a USER value, as far as a Dockerfile tells."""
    if _is_root(user):
        return "/root"
    assert user is not None
    name = user.partition(":")[0]
    return "/home/" + name


def _is_root(user: str | None) -> bool:
    return user is None or user.partition(":")[0] in ("", "root", "0")


# ---------------------------------------------------------------------------- fixes


def append_after(effects: RunEffects, index: int, text: str) -> Edit | None:
    """An edit adding ``&& text`` right after command ``index``, on a continuation line.

    The new line copies the RUN's style: ``\\`` continuations with the escape
    character in force, the indentation and leading or trailing ``&&`` of its
    other lines, and its line endings. ``None`` unless the command is in the
    shell-form text (no heredocs, not inside ``sh -c``) and is followed by
    ``&&``, ``;`` or the end of the script, so the addition keeps the meaning.
    """
    from lintlayers.diagnostics import Edit

    if not effects.in_shell_text(index):
        return None
    command = effects.commands[index]
    script_text = effects.scripts[index].script.text
    following = script_text[command.end :].lstrip(" \t")
    if following and not following.startswith(("&&", ";", "\n")):
        return None
    if following.startswith(";;"):
        return None
    run = effects.instruction
    source = effects.source
    offset = effects.scripts[index].file_end(command.end)
    escape = effects.escape
    first_line = source.location(run.start).line  # ONBUILD's inner RUN has no line numbers
    lines = [
        source.line_text(line) for line in range(first_line, source.location(run.end).line + 1)
    ]
    line_of_command = source.location(effects.scripts[index].file_offset(command.start)).line
    newline = "\r\n" if source.text.find("\r\n", run.start, run.end + 2) != -1 else "\n"
    leading_indent = None
    trailing_indent = None
    for number, line in enumerate(lines):
        stripped = line.lstrip(" \t")
        indent = line[: len(line) - len(stripped)]
        if number and stripped.startswith("&&"):
            leading_indent = indent
        elif number and stripped:
            previous = lines[number - 1].rstrip(" \t")
            if previous.endswith("&& " + escape) or previous.endswith("&&" + escape):
                trailing_indent = indent
    if leading_indent is None and trailing_indent is not None:
        return Edit.insert(offset, f" && {escape}{newline}{trailing_indent}{text}")
    indent = leading_indent
    if indent is None:
        indent = "    "
        if line_of_command != first_line:
            line = source.line_text(line_of_command)
            indent = line[: len(line) - len(line.lstrip(" \t"))] or "    "
    return Edit.insert(offset, f" {escape}{newline}{indent}&& {text}")


def append_to_run(effects: RunEffects, text: str) -> Edit | None:
    """``append_after`` the last command of the RUN's shell-form text, if it ends the script."""
    last = None
    for index, command in enumerate(effects.commands):
        if effects.in_shell_text(index) and (
            last is None or command.end >= effects.commands[last].end
        ):
            last = index
    if last is None:
        return None
    script_text = effects.scripts[last].script.text
    if script_text[effects.commands[last].end :].strip(" \t\n"):
        return None
    return append_after(effects, last, text)
