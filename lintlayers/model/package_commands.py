"""What package-manager commands do to package data: the kinds they write or clean.

Reads the subcommands of ``apt-get``, ``apk``, ``pip``, ``yarn``, ``npm`` and the
``yum`` family from a shell command, and says where each kind of package data
(``CACHE_DIRS``) lives. Dependency installs and their manifests are
``lintlayers.model.package_managers``.
"""

from __future__ import annotations

from lintlayers.model.ecosystems import value_options_of
from lintlayers.model.package_managers import versionless
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lintlayers.shell.commands import ShellWord, SimpleCommand

DNF_CACHE = "/var/cache/dnf"
"""Where DNF keeps repository metadata and packages; ``yum`` too where it is DNF (Fedora,
RHEL 8 and after, Amazon Linux 2023: ``size_estimates.yum_is_dnf``)."""
# Where each kind of package data lives; ``~`` is the RUN user's home.
CACHE_DIRS: dict[str, tuple[str, ...]] = {
    "apt-lists": ("/var/lib/apt/lists",),
    "apt": ("/var/cache/apt",),
    "apk": ("/var/cache/apk", "/etc/apk/cache"),
    "pip": ("~/.cache/pip",),
    "yarn": ("/usr/local/share/.cache/yarn", "~/.cache/yarn"),
    "npm": ("~/.npm",),
    "yum": ("/var/cache/yum",),
    "dnf": (DNF_CACHE, "/var/cache/tdnf"),  # tdnf keeps its own folder
    "zypper": ("/var/cache/zypp",),
    "pacman": ("/var/cache/pacman/pkg",),
    "conda": ("/opt/conda/pkgs",),
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
    "zypper": "zypper cache",
    "pacman": "pacman package cache",
    "conda": "conda package cache",
}

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
YARN_VALUE_OPTIONS = value_options_of("yarn")
"""Options of ``yarn`` that take a separate value: the ecosystem table's."""
NPM_VALUE_OPTIONS = value_options_of("npm")
"""Options of ``npm`` that take a separate value: the ecosystem table's."""
NPM_INSTALLS = frozenset(
    {"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal",
     "isntall", "add", "ci", "clean-install", "ic", "install-clean", "isntall-clean",
     "update", "up", "upgrade", "install-ci-test", "cit", "install-test", "it"}
)  # fmt: skip
YUM = frozenset({"yum", "dnf", "microdnf", "tdnf"})
_YUM_VALUE_OPTIONS = ("-c", "--config", "--setopt")
CONDA = frozenset({"conda", "mamba", "micromamba"})
_CONDA_INSTALLS = frozenset({"install", "create", "update", "upgrade"})
_ZYPPER_VALUE_OPTIONS = ("-r", "--repo", "--root", "-D", "--reposd-dir", "-C", "--cache-dir")
_ZYPPER_INSTALLS = frozenset(
    {"install", "in", "update", "up", "dist-upgrade", "dup", "patch", "source-install", "si"}
)

# ``pip``, ``pip3``, ``pip3.11``: no version or major[.minor]. Stricter than the
# ``*_ANY_VERSION`` names of ``package_managers`` (``pip3.11.4``); kept apart, as they were.


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
    return _subcommand_word(command.words[1:], frozenset(APT_VALUE_OPTIONS))


def apk_action(command: SimpleCommand) -> str | None:
    """The subcommand of ``apk`` (``add``, ``update``...), if any."""
    if command.name != "apk":
        return None
    positional = command.positional_args(APK_VALUE_OPTIONS)
    return positional[0] if positional else None


def apk_action_word(command: SimpleCommand) -> ShellWord | None:
    """The word of the ``apk`` subcommand (for ranges and fixes)."""
    return _subcommand_word(command.words[1:], frozenset(APK_VALUE_OPTIONS))


def pip_words(command: SimpleCommand) -> tuple[ShellWord, ...] | None:
    """The words after ``pip`` of ``pip ...``, ``pip3.11 ...`` or ``python -m pip ...``."""
    name = versionless(command.name)
    words = command.words
    if name == "pip":
        return words[1:]
    if name == "python":
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
    return _subcommand_word(words, PIP_VALUE_OPTIONS)


def pip_install_requirements(command: SimpleCommand) -> list[str]:
    """The requirement words of a ``pip install`` (not options, their values or files)."""
    words = pip_words(command) or ()
    found: list[str] = []
    skip = False
    seen_install = False
    for word in words:
        value = word.value
        if skip:
            skip = False
        elif value.startswith("-"):
            skip = value in PIP_VALUE_OPTIONS
        elif not seen_install:
            seen_install = value == "install"
        else:
            found.append(value)
    return found


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
    """The subcommand of ``npm`` (``ci``, ``install``...), if any."""
    if command.name != "npm":
        return None
    positional = command.positional_args(NPM_VALUE_OPTIONS)
    return positional[0] if positional else None


def _subcommand_word(
    words: tuple[ShellWord, ...], value_options: frozenset[str]
) -> ShellWord | None:
    """The first of ``words`` that is not an option or an option's value (None after ``--``)."""
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


PIP_SWITCH_VALUES = frozenset(
    {"y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0"}
)
"""Values of ``PIP_NO_CACHE_DIR`` that turn pip's cache off: any boolean pip accepts, even
``false`` (pip's option takes no value, so any valid one means "given")."""


def pip_cache_off(env: Mapping[str, str]) -> bool:
    """Whether ``PIP_NO_CACHE_DIR`` in ``env`` turns pip's cache off."""
    value = env.get("PIP_NO_CACHE_DIR")
    return value is not None and value.strip().lower() in PIP_SWITCH_VALUES


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
        action = next(iter(command.positional_args(_YUM_VALUE_OPTIONS)), "")
        if action in ("install", "update", "upgrade", "groupinstall", "makecache", "reinstall"):
            return ("dnf",) if name in ("dnf", "microdnf", "tdnf") else ("yum",)
        return ()
    if pip_words(command) is not None:
        word = pip_action_word(command)
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
    if name == "zypper":
        action = next(iter(command.positional_args(_ZYPPER_VALUE_OPTIONS)), "")
        return ("zypper",) if action in _ZYPPER_INSTALLS else ()
    if name == "pacman":
        sync = any(
            value.startswith("-S") or value == "--sync" for value in command.args
        ) and not command.has_flag("-c", "--clean")
        return ("pacman",) if sync else ()
    if name in CONDA:
        positional = command.positional_args(("-n", "--name", "-p", "--prefix", "-c", "--channel"))
        action = positional[0] if positional else ""
        if action in _CONDA_INSTALLS or positional[:2] in (["env", "create"], ["env", "update"]):
            return ("conda",)
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
        positional = command.positional_args(_YUM_VALUE_OPTIONS)
        # ``dnf clean ${quiet} all``: a variable that expands to an option may come first
        if positional[:1] == ["clean"] and {"all", "packages"} & set(positional[1:]):
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
    if name == "zypper":
        positional = command.positional_args(_ZYPPER_VALUE_OPTIONS)
        return ("zypper",) if positional[:1] in (["clean"], ["cc"]) else ()
    if name == "pacman":
        cleans = any(value.startswith("-S") and "c" in value[2:] for value in command.args)
        return ("pacman",) if cleans or command.has_flag("--clean") else ()
    if name in CONDA:
        positional = command.positional_args()
        if positional[:1] == ["clean"] and command.has_flag(
            "-a", "--all", "-p", "--packages", "-t", "--tarballs"
        ):
            return ("conda",)
    return ()
