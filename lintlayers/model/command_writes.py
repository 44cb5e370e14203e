"""What one command of a RUN writes, creates and removes: the one computation (issue 8).

``command_writes(command, env)`` reads a command's words (wrappers looked through) and
the variables it runs with, and answers with ``CommandWrites``: the paths it reads and
writes as written (words; the consumer resolves them against the directories the RUN
may be in), what it creates and leaves (downloads, clones, copies, package data), what
it certainly removes (``rm``, ``find -delete``, cache cleaning), or why it is unknown.
Which family a command is in is ``model.commands.COMMANDS``; its dependency install,
``model.package_managers``; its ecosystem's files and options, ``model.ecosystems``.

The reorder engine (``reorder.run_model``: what may commute) and the size rules
(``model.run_effects``: creations and removals) both read this answer. Writes are an
over-approximation (a command writes nothing outside them); removals an
under-approximation (the command surely deletes them); an unknown command writes
everything and removes nothing.
"""

from __future__ import annotations

import re

from lintlayers.model.commands import (
    BUILTIN,
    COMMANDS,
    LANGUAGE,
    OPERAND_OPTIONS,
    OPERANDS,
    QUIET,
    READER,
    SOURCED_FILES,
    SYSTEM,
    UNKNOWN,
    USER_TOOLS,
)
from lintlayers.model.paths import clone_directory, has_glob
from lintlayers.rare_fields import keep, kept
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from lintlayers.model.ecosystems import Ecosystem
    from lintlayers.model.package_managers import InstallMatch
    from lintlayers.shell.commands import SimpleCommand

# -- the answer ------------------------------------------------------------------------------

DOWNLOAD = "download"
CLONE = "clone"
FILE = "file"
DIR = "dir"


class Created:
    """A path (as written) a command creates: ``download``, ``clone``, ``file`` (a copy's
    destination) or ``dir`` (``mkdir``: a creation when the RUN enters it later); ``deep``:
    removing something inside it removes bytes the command wrote (a cloned repository).

    ``into``: the name the copy takes inside ``word`` when ``word`` is an existing
    directory (``cp a /tmp`` makes ``/tmp/a``); whether it is, the consumer knows
    (``model.directories``); unknown, ``word`` itself is the copy.
    """

    __slots__ = ("deep", "into", "kind", "word")

    def __init__(self, word: str, kind: str, deep: bool = False, into: str = "") -> None:
        self.word = word
        self.kind = kind
        self.deep = deep
        self.into = into

    def __repr__(self) -> str:
        return f"Created({self.word!r}, {self.kind})"


class CommandWrites:
    """What one command reads, writes, creates and removes (paths as written).

    ``family`` is the command table's ``files`` answer; ``system`` and ``language``
    commands also write their family's directories and ``tool``'s global places (the
    consumer's layout), ``shell`` commands are known only through their nested commands.
    ``home_reads``/``home_writes``: the user's dotfiles. ``leaves``/``cleans``: kinds of
    package data (``model.package_commands.CACHE_DIRS``) kept or emptied; ``install``:
    the dependency install, whose ``project`` it also writes when it builds the project
    (``builds_project``) unless proven to read only its manifests; ``links``: symlinks
    made, ``(link, target)``; ``vague_reads``: words whose reads depend on what no one can
    see (``pip -r``: the files the requirements name); ``reads_everything``: why it may
    read any file; ``unknown``: why its writes cannot be told.
    """

    __slots__ = ("_more", "creates", "family", "reads", "removes", "unknown", "writes")

    def __init__(self, family: str) -> None:
        self.family = family
        # tuples, the shared empty one until a value comes (``read``, ``write``, ``create``):
        # a large file keeps one of these a command, most of them writing nothing
        self.reads: tuple[str, ...] = ()
        self.writes: tuple[str, ...] = ()
        self.creates: tuple[Created, ...] = ()
        self.removes: tuple[str, ...] = ()
        self.unknown = ""
        self._more: dict[str, object] | None = None
        """The fields most commands leave at their defaults, once one is set
        (``lintlayers.rare_fields``)."""

    @property
    def leaves(self) -> tuple[str, ...]:
        return kept(self, "leaves", ())

    @leaves.setter
    def leaves(self, value: tuple[str, ...]) -> None:
        keep(self, "leaves", value, ())

    @property
    def cleans(self) -> tuple[str, ...]:
        return kept(self, "cleans", ())

    @cleans.setter
    def cleans(self, value: tuple[str, ...]) -> None:
        keep(self, "cleans", value, ())

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        return kept(self, "links", ())

    @links.setter
    def links(self, value: tuple[tuple[str, str], ...]) -> None:
        keep(self, "links", value, ())

    @property
    def vague_reads(self) -> tuple[str, ...]:
        return kept(self, "vague_reads", ())

    @vague_reads.setter
    def vague_reads(self, value: tuple[str, ...]) -> None:
        keep(self, "vague_reads", value, ())

    @property
    def home_reads(self) -> bool:
        return kept(self, "home_reads", False)

    @home_reads.setter
    def home_reads(self, value: bool) -> None:
        keep(self, "home_reads", value, False)

    @property
    def home_writes(self) -> bool:
        return kept(self, "home_writes", False)

    @home_writes.setter
    def home_writes(self, value: bool) -> None:
        keep(self, "home_writes", value, False)

    @property
    def tool(self) -> str:
        return kept(self, "tool", "")

    @tool.setter
    def tool(self, value: str) -> None:
        keep(self, "tool", value, "")

    @property
    def install(self) -> InstallMatch | None:
        return kept(self, "install", None)

    @install.setter
    def install(self, value: InstallMatch | None) -> None:
        keep(self, "install", value, None)

    @property
    def builds_project(self) -> bool:
        return kept(self, "builds_project", False)

    @builds_project.setter
    def builds_project(self, value: bool) -> None:
        keep(self, "builds_project", value, False)

    @property
    def moves(self) -> tuple[str, ...]:
        """What ``mv`` takes away from where it was (its sources)."""
        return kept(self, "moves", ())

    @moves.setter
    def moves(self, value: tuple[str, ...]) -> None:
        keep(self, "moves", value, ())

    @property
    def reads_everything(self) -> str:
        return kept(self, "reads_everything", "")

    @reads_everything.setter
    def reads_everything(self, value: str) -> None:
        keep(self, "reads_everything", value, "")

    def read(self, *words: str) -> None:
        if words:
            self.reads = (*self.reads, *words)

    def write(self, *words: str) -> None:
        if words:
            self.writes = (*self.writes, *words)

    def create(self, *created: Created) -> None:
        if created:
            self.creates = (*self.creates, *created)

    def __repr__(self) -> str:
        if self.unknown:
            return f"CommandWrites(unknown: {self.unknown})"
        return f"CommandWrites({self.family}: writes={self.writes}, removes={self.removes})"


def command_writes(command: SimpleCommand, env: Mapping[str, str]) -> CommandWrites:
    """What ``command`` (its effective view) does to files; ``env``: the variables it sees."""
    from lintlayers.model.package_commands import package_cleans, package_writes, pip_cache_off

    entry = COMMANDS.get(command.name) if command.words else None
    found = CommandWrites(entry.files if entry is not None else UNKNOWN)
    _redirects(found, command)
    if not command.words:
        return found
    found.leaves = package_writes(command)
    if "pip" in found.leaves and pip_cache_off(env):
        found.leaves = tuple(kind for kind in found.leaves if kind != "pip")
    found.cleans = package_cleans(command)
    if command.name in ("rm", "unlink"):
        found.removes = tuple(command.positional_args())
    elif command.name == "find":
        found.removes = tuple(_find_deletes(command))
    found.unknown = _unknown_program(command)
    if found.unknown:
        return found
    family = found.family
    if family in (BUILTIN, QUIET):
        return _shared(found)
    _HANDLERS.get(family, _language)(found, command, env)  # unknown: perhaps an install
    return _shared(found)


_SHARED: dict[tuple[object, ...], CommandWrites] = {}
"""One ``CommandWrites`` for each answer that names no path (``cd``, ``apt-get update``,
``make``): half the commands of a large file. Keyed by values from the command table
only, so it stays small."""


def _shared(found: CommandWrites) -> CommandWrites:
    """``found``, or the equal answer already made when it names no path (nothing changes
    an answer once made)."""
    if (
        found.reads
        or found.writes
        or found.creates
        or found.removes
        or found.links
        or found.vague_reads
        or found.install is not None
        or found.unknown
        or found.reads_everything
    ):
        return found
    key = (
        found.family,
        found.leaves,
        found.cleans,
        found.home_reads,
        found.home_writes,
        found.tool,
        found.builds_project,
    )
    return _SHARED.setdefault(key, found)


def _unknown_program(command: SimpleCommand) -> str:
    """Why the program itself cannot be told (a variable, a script of the image, xargs)."""
    if command.prefix and command.prefix[0].value.rpartition("/")[2] == "xargs":
        return "xargs " + command.name
    program = command.words[0].value
    if "$" in program or "`" in program:
        return program
    if "/" in program and not program.startswith(("/usr/", "/bin/", "/sbin/")):
        return program  # a script or a program the Dockerfile put there
    return ""


_SHELL_VALUE_OPTIONS = ("-o", "+o", "-O", "+O", "--rcfile", "--init-file")


def unseen_script(command: SimpleCommand) -> str:
    """The script ``command`` runs whose text lintlayers never reads, as written, or ``""``.

    A shell given a script file (``bash /tmp/x.sh``) or its standard input (``curl URL |
    sh``, ``sh < x.sh``: ``-``), a sourced file (``. ./env.sh``; not ``/etc/os-release``),
    a program named by a ``.sh`` name or by a path outside the system directories that the
    command table does not know (``./install.sh``, ``/linux-install-1.11.sh``), a
    downloaded script (``bash -c "$(curl URL)"``). Not ``sh -c`` (its commands are parsed)
    nor a known build script (``./configure``, ``./autogen.sh``: ``model.commands``). Such
    a script may install, download or remove anything: what it does is unknown.
    """
    if not command.words:
        return ""
    name = command.name
    program = command.words[0].value
    if program.startswith(("$(", "`")):
        return program
    if name in COMMANDS and COMMANDS[name].files == "shell" and name != "busybox":
        if any(value[:1] == "-" and value[1:2] != "-" and "c" in value for value in command.args):
            return ""
        positional = command.positional_args(_SHELL_VALUE_OPTIONS)
        if command.has_flag("-s") or positional[:1] == ["-"]:
            return "-"  # ``sh -s -- ARGS``: the script is its input, the words its arguments
        if positional:
            return positional[0]
        return "-" if command.pipe_prev is not None or "<" in command.redirect_ops else ""
    if name in (".", "source"):
        positional = command.positional_args()
        return positional[0] if positional and positional[0] not in SOURCED_FILES else ""
    if name in COMMANDS:
        return ""
    if name.endswith((".sh", ".bash")) or ("/" in program and _unknown_program(command)):
        return program
    return ""


def _redirects(found: CommandWrites, command: SimpleCommand) -> None:
    for operator, target in zip(command.redirect_ops, command.redirects, strict=False):
        value = target.value
        if value.startswith("/dev/") or value.isdigit() or value == "-":
            continue
        if operator in (">", ">>", ">|", "&>", "&>>", ">&"):
            found.write(value)
        elif operator in ("<", "<>"):
            found.read(value)


# -- file tools ------------------------------------------------------------------------------

_FIND_FILTERS = frozenset(
    {"-name", "-iname", "-path", "-ipath", "-wholename", "-regex", "-iregex", "-mtime",
     "-mmin", "-newer", "-size", "-user", "-group", "-perm", "-empty", "-links", "-atime",
     "-ctime", "-amin", "-cmin", "-prune", "-not", "!", "-o", "-or"}
)  # fmt: skip
_FIND_OUTPUTS = ("-fprint", "-fprint0", "-fprintf", "-fls")


def _find_starts(args: list[str]) -> list[str]:
    starts: list[str] = []
    for value in args:
        if value.startswith(("-", "(", "!")):
            break
        starts.append(value)
    return starts


def _find_exec_removes(args: list[str]) -> bool | None:
    """``True`` when every ``-exec``/``-ok`` of ``find`` runs ``rm``, ``None`` without any."""
    commands = [
        args[position + 1] if position + 1 < len(args) else ""
        for position, value in enumerate(args)
        if value in ("-exec", "-execdir", "-ok", "-okdir")
    ]
    if not commands:
        return None
    return all(value.rpartition("/")[2] == "rm" for value in commands)


def _find_deletes(command: SimpleCommand) -> list[str]:
    """Start paths of ``find P... -delete`` (or ``-exec rm``) with no name filter: what it
    surely removes."""
    args = command.args
    starts = _find_starts(args)
    rest = args[len(starts) :]
    if "-delete" not in rest and not _find_exec_removes(rest):
        return []
    if any(value in _FIND_FILTERS for value in rest):
        return []
    return starts


def _reader(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    name = command.name
    args = command.args
    if name == "find":
        starts = _find_starts(args) or ["."]
        rest = args[len(_find_starts(args)) :]
        removes = _find_exec_removes(rest)
        if removes is False:
            found.unknown = "find -exec"
            return
        for position, value in enumerate(rest):
            if value in _FIND_OUTPUTS and position + 1 < len(rest):
                found.write(rest[position + 1])
        if removes or "-delete" in rest:
            found.write(*starts)
        else:
            found.read(*starts)
        return
    if name == "sed" and any(
        value == "-i" or value.startswith(("-i", "--in-place")) for value in args
    ):
        positional = command.positional_args(("-e", "--expression", "-f", "--file"))
        if not command.has_flag("-e", "--expression", "-f", "--file"):
            positional = positional[1:]
        found.write(*positional)
        return
    if name.endswith("sum") and command.has_flag("-c", "--check"):
        found.reads_everything = "it checks files listed in its input"
    found.read(*command.positional_args())


_OUTPUT_OPTIONS = {"strip": ("-o",), "upx": ("-o",)}
"""Options of an ``operands`` command whose value is a file it writes."""


def _operands(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    """A command that writes each of its operands (``model.commands.OPERANDS``)."""
    found.write(*command.positional_args(OPERAND_OPTIONS.get(command.name, ())))
    outputs = _OUTPUT_OPTIONS.get(command.name)
    if outputs:
        found.write(*command.flag_values(*outputs))
    if command.name == "mkdir":
        found.create(
            *(Created(value, DIR) for value in command.positional_args(OPERAND_OPTIONS["mkdir"]))
        )


def _touch(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    found.read(*command.flag_values("-r", "--reference"))
    found.write(*command.positional_args(("-d", "-r", "-t", "--date", "--reference")))


def _chmod(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    positional = command.positional_args(("--reference",))
    if command.name in ("chown", "chgrp"):
        found.read("/etc/passwd", "/etc/group")
    mode_as_flag = command.name == "chmod" and any(
        re.fullmatch(r"-[rwxXstugoa]+", value) for value in command.args
    )
    if not mode_as_flag and not any(value.startswith("--reference") for value in command.args):
        positional = positional[1:]
    found.write(*positional)


def _ln(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    target_dir = command.flag_value("-t", "--target-directory")
    positional = command.positional_args(("-t", "--target-directory", "-S", "--suffix"))
    if target_dir:
        found.write(target_dir)
        return
    if not positional:
        return
    if len(positional) == 1:
        link = positional[0].rstrip("/").rpartition("/")[2] or positional[0]
    else:
        link = positional[-1]
    found.write(link)
    if not command.has_flag("-s", "--symbolic"):
        found.read(*positional[:-1])
    elif len(positional) == 2:
        found.links = (*found.links, (link, positional[0]))


_COPY_VALUE_OPTIONS = (
    "-t", "--target-directory", "-S", "--suffix", "-m", "--mode", "-o", "--owner", "-g",
    "--group", "--exclude", "--include", "-e", "--chmod", "--chown",
)  # fmt: skip


def _copy_like(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    name = command.name
    target_dir = command.flag_value("-t", "--target-directory")
    positional = command.positional_args(_COPY_VALUE_OPTIONS)
    if name == "install" and command.has_flag("-d", "--directory"):
        found.write(*positional)
        return
    if name == "rsync":
        positional = [value for value in positional if ":" not in value]
    if target_dir:
        sources, destination = positional, target_dir
    elif len(positional) >= 2:
        sources, destination = positional[:-1], positional[-1]
    else:
        if positional:
            found.unknown = name + " with one operand"
        return
    if name == "mv":
        found.write(*sources)
        found.moves = tuple(sources)
    else:
        found.read(*sources)
    found.write(destination)
    if name in ("cp", "mv"):
        into = (
            bool(target_dir)
            or len(sources) > 1
            or destination.endswith("/")
            or destination.rpartition("/")[2] in (".", "..", "~")
        )
        for value in sources:  # ``cp a b DIR/``: DIR/a and DIR/b
            base = value.rstrip("/").rpartition("/")[2]
            named = base not in ("", ".", "..") and not has_glob(base)
            if into:
                found.create(Created(_under(destination, base) if named else destination, FILE))
            else:  # ``cp a DEST``: DEST/a when DEST is a directory already, else DEST
                found.create(Created(destination, FILE, into=base if named else ""))
    if name == "install" and command.has_flag("-o", "--owner", "-g", "--group"):
        found.read("/etc/passwd", "/etc/group")


_TAR_VALUE_LETTERS = frozenset("bCfFgHIKLNTVX")


def _tar(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    args = command.args
    letters = args[0] if args and not args[0].startswith("-") and args[0].isalpha() else ""
    directory = command.flag_value("-C", "--directory")
    extract = "x" in letters or command.has_flag("-x", "--extract", "--get")
    create = "c" in letters or command.has_flag("-c", "--create", "-r", "--append")
    archive = command.flag_value("-f", "--file")
    if archive is None and "f" in letters:
        archives = extracted_archives(command) if extract else []
        archive = archives[0] if archives else None
    if extract:
        if archive:
            found.read(archive)
        found.write(directory or ".")
    elif create:
        for value in command.positional_args(("-C", "--directory", "-f", "--file")):
            if value != letters:
                found.read(directory or value)
        if archive:
            found.write(archive)
        elif "f" in letters:
            found.unknown = "tar with an archive lintlayers cannot find"
    elif archive:
        found.read(archive)


_UNZIP_VALUE_OPTIONS = ("-d", "-P", "-x", "-I", "-O")


def _unzip(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    found.read(*command.positional_args(_UNZIP_VALUE_OPTIONS)[:1])
    found.write(command.flag_value("-d") or ".")


_COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".lzma", ".tar")


def _compress(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    to_stdout = command.has_flag("-c", "--stdout", "--to-stdout")
    if command.has_flag("-S", "--suffix", "-r", "--recursive"):
        found.unknown = f"{command.name} with a suffix or recursion"
        return
    for value in command.positional_args(("-S", "--suffix", "-o", "-T", "--threads")):
        found.read(value)
        if not to_stdout:
            found.write(value)
            stem = re.sub(r"\.(gz|bz2|xz|zst|lzma|Z|tgz|tbz2|txz)$", "", value)
            found.write(*sorted({stem, *(value + suffix for suffix in _COMPRESSED)}))
    found.write(*command.flag_values("-o"))


_CURL_FILE_OPTIONS = (
    "-T", "--upload-file", "-K", "--config", "--cacert", "-E", "--cert", "--key", "--capath",
)  # fmt: skip


def _download(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    found.read("/etc", "/usr/share/ca-certificates", "/usr/local/share")
    found.home_reads = True
    for value in download_targets(command):
        found.write(value)
        found.create(Created(value, DOWNLOAD))
    if command.name == "wget" and command.has_flag("-r", "--recursive", "-m", "--mirror"):
        found.write(command.flag_value("-P", "--directory-prefix") or ".")
    if command.name == "curl":
        if command.has_flag("-O", "--remote-name", "--remote-name-all", "-J"):
            found.write(command.flag_value("--output-dir") or ".")
        found.read(*command.flag_values(*_CURL_FILE_OPTIONS))
        for value in command.flag_values(
            "-d", "--data", "--data-binary", "--data-urlencode", "-F", "--form"
        ):
            if "@" in value:
                found.read(value.rpartition("@")[2].partition(";")[0])


GIT_VALUE_OPTIONS = (
    "-C", "-c", "-b", "--branch", "--depth", "-o", "--origin", "-j", "--jobs", "--config",
    "--reference", "--separate-git-dir", "--filter", "--shallow-since", "--shallow-exclude",
    "-u", "--upload-pack", "--template", "--git-dir", "--work-tree",
)  # fmt: skip
"""Options of ``git`` and ``git clone`` that take a separate value."""


def _git(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    found.read("/etc")
    found.home_reads = True
    directory = command.flag_value("-C")
    positional = command.positional_args(GIT_VALUE_OPTIONS)
    here = directory or "."
    if not positional:
        return
    action = positional[0]
    if action == "clone":
        target = ""
        if len(positional) >= 3:
            target = positional[2]
        elif len(positional) == 2:
            target = clone_directory(positional[1])
        if target and directory and not target.startswith("/"):
            target = _under(directory, target)  # ``git -C DIR clone``: in DIR
        found.write(target or here)
        found.write(*command.flag_values("--separate-git-dir"))
        if target:
            found.create(Created(target, CLONE, deep=True))
        return
    if action == "config":
        if command.has_flag("--system"):
            found.write("/etc/gitconfig")
        elif command.has_flag("--global"):
            found.home_writes = True
        else:
            found.write(here)
        return
    if action in ("--version", "version", "rev-parse", "log", "describe", "status"):
        found.read(here)
        return
    found.write(here)  # checkout, apply, submodule, fetch...: the repository


_GPG_KEY_ACTIONS = (
    "--recv-keys", "--recv-key", "--keyserver", "--export", "-k", "--list-keys",
    "--fingerprint", "--search-keys",
)  # fmt: skip
_GPG_VALUE_OPTIONS = (
    "--keyserver", "--recv-keys", "--recv-key", "--homedir", "-o", "--output", "-r",
    "--recipient", "-u", "--local-user", "--keyserver-options", "--default-key",
    "--trust-model", "--export", "-k", "--list-keys",
)  # fmt: skip


def _gpg(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    found.read("/etc")
    found.home_reads = found.home_writes = True
    for value in (command.flag_value("--homedir"), env.get("GNUPGHOME")):
        if value:
            found.write(value)
    found.write(*command.flag_values("-o", "--output"))
    if command.has_flag(*_GPG_KEY_ACTIONS):
        return  # the words are key ids, not files
    found.read(*command.positional_args(_GPG_VALUE_OPTIONS))


def _mktemp(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    found.write(command.flag_value("-p", "--tmpdir") or env.get("TMPDIR") or "/tmp")


def _shell(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    """``sh -c``: known through its nested commands (the consumer checks they were parsed)."""
    if not command.has_flag("-c"):
        found.unknown = command.name + " without -c"


def _source(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    positional = command.positional_args()
    if positional and positional[0] in SOURCED_FILES:
        found.read(positional[0])
    else:
        found.unknown = f"{command.name} {positional[0] if positional else ''}".strip()


def _test(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    found.read(
        *(
            value
            for value in command.args
            if not value.startswith("-") and value not in ("]", "]]", "!", "=", "==", "!=")
        )
    )


def _nothing(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    """``umask``: no file (the consumer widens what the RUN creates)."""


# -- system tools ----------------------------------------------------------------------------

_USER_OPTIONS = ("-d", "--home", "-h", "-g", "--gid", "-G", "--groups", "-s", "--shell", "-u",
                 "--uid", "-c", "--comment", "-k", "--skel", "-e", "-f", "-K", "-p", "-R",
                 "--ingroup", "--gecos", "-Z")  # fmt: skip
_SYSTEM_VALUE_OPTIONS = ("-o", "-c", "-t", "--option", "--config-file", "--target-release",
                         "-X", "--repository", "-p", "--root", "--keys-dir", "--arch",
                         "--cache-dir", "--virtual", "--setopt", "--installroot", "-r",
                         "--recv-keys", "--keyserver", "--home", "-d", "-g", "-G", "-s", "-u",
                         "--shell", "--uid", "--gid", "--ingroup", "--gecos")  # fmt: skip
_PACKAGE_FILES = (".deb", ".rpm", ".apk", ".gpg", ".asc", ".key", ".list", ".repo", ".pem",
                  ".crt")  # fmt: skip


def _system(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    """A distro tool: the system directories (the consumer's), users' homes, package files."""
    if command.name in USER_TOOLS:
        positional = command.positional_args(_USER_OPTIONS)
        home = command.flag_value("-d", "--home", "-h")
        if home:
            found.write(home)
        elif positional:
            found.write("/home/" + positional[-1])
        else:
            found.write("/home")
    for value in command.positional_args(_SYSTEM_VALUE_OPTIONS):
        if value.startswith(("/", "./", "../")) or value.endswith(_PACKAGE_FILES):
            found.read(value)


# -- language tools --------------------------------------------------------------------------

_VERSION_FLAGS = frozenset({"--version", "-v", "-V", "version", "--help", "-h"})


def _language(found: CommandWrites, command: SimpleCommand, env: Mapping[str, str]) -> None:
    """Language package managers: dependency installs and global tool installs."""
    from lintlayers.model.package_managers import match_install, normalize_argv, versionless

    argv = [word.value for word in command.words]
    normal = normalize_argv(argv)
    tool = normal[0] if normal else ""
    rest = normal[1:]
    if len(rest) == 1 and rest[0] in _VERSION_FLAGS:
        return  # ``python --version``
    install = match_install(argv)
    if install is not None:
        _install(found, command, install)
        return
    handler = _TOOLS.get("python" if versionless(tool) == "python" else tool)
    if handler is None:
        found.unknown = command.words[0].value
        return
    handler(found, command, tool, rest)


def _install(found: CommandWrites, command: SimpleCommand, install: InstallMatch) -> None:
    """A dependency install from manifests (``npm ci``, ``pip install -r``...): its outputs
    and lockfiles (the ecosystem table's) in its project, its path options."""
    from lintlayers.model.ecosystems import ecosystem

    found.tool = install.installer.tool
    found.install = install
    entry = ecosystem(install.installer.ecosystem)
    outputs = entry.outputs if entry is not None else ()
    locks, frozen = entry.lock_writes if entry is not None else ((), ())
    project = install.project_dir
    found.read(*(_under(project, name.rstrip("/")) for name in _install_reads(install)))
    for directory in _ancestors(project):  # settings found upward: NuGet.config, .npmrc
        found.read(*(_under(directory, name.rstrip("/")) for name in install.optional))
    found.write(*(_under(project, name) for name in outputs))
    if not set(install.argv) & set(frozen):
        found.write(*(_under(project, name) for name in locks))
    found.builds_project = bool(install.reads_sources or install.installs_project)
    if entry is not None:
        _path_options(found, command, entry.path_options)


def _install_reads(install: InstallMatch) -> list[str]:
    return [*install.manifests, *install.optional, *install.wrapper]


_UPWARD_LEVELS = 8
"""How far above the working directory a settings file is looked for (``../..``)."""


def _ancestors(directory: str) -> list[str]:
    """The directories above ``directory`` (as written) up to the root: a tool that looks
    for its settings upward (NuGet, MSBuild's ``Directory.Build.props``, npm, yarn) reads
    them there. Above a relative directory, ``..`` up to ``_UPWARD_LEVELS`` times."""
    found: list[str] = []
    if directory.startswith("/"):
        parts = [part for part in directory.split("/") if part]
        return ["/" + "/".join(parts[:count]) for count in range(len(parts) - 1, -1, -1)]
    parts = [part for part in directory.split("/") if part not in ("", ".")]
    while parts and parts[-1] != "..":
        parts.pop()
        found.append("/".join(parts) or ".")
    if "$" in directory:
        return found
    found.extend("/".join([*parts, *[".."] * count]) for count in range(1, _UPWARD_LEVELS + 1))
    return found


def _under(directory: str, name: str) -> str:
    """``name`` in ``directory``, both as written (``.`` is the working directory)."""
    if directory in ("", ".", "./"):
        return name
    return directory.rstrip("/") + "/" + name


def _path_options(found: CommandWrites, command: SimpleCommand, options: Iterable[str]) -> None:
    """Directories the tool's ``path_options`` name (``pip --target``): read and written."""
    options = tuple(options)
    for value in command.flag_values(*options) if options else ():
        if "://" not in value:
            found.write(value)


def _project_settings(found: CommandWrites, tool: str) -> None:
    """A ``config``/``set`` command may write the tool's settings in its directory."""
    from lintlayers.model.ecosystems import settings_of

    found.write(*(settings_of(tool) or (".*",)))


def _positional(args: list[str], takes_value: Iterable[str]) -> list[str]:
    values = set(takes_value)
    found: list[str] = []
    skip = False
    for value in args:
        if skip:
            skip = False
            continue
        if value.startswith("-"):
            skip = value in values
            continue
        found.append(value)
    return found


_PIP_FILE_OPTIONS = ("-e", "--editable", "-r", "--requirement", "-c", "--constraint")


def _tool_pip(found: CommandWrites, command: SimpleCommand, tool: str, rest: list[str]) -> None:
    """pip without requirement files: named packages, local paths, config; its subcommands
    are the ecosystem table's (``adds``, ``global_actions``, ``setup``)."""
    from lintlayers.model.ecosystems import ecosystem
    from lintlayers.model.package_commands import PIP_VALUE_OPTIONS

    found.tool = tool
    pip = ecosystem("pip")
    positional = _positional(rest, PIP_VALUE_OPTIONS)
    action = positional[0] if positional else ""
    if action and (pip is None or action not in _subcommands(pip)):
        found.unknown = f"pip {action}"
        return
    for value in positional[1:]:
        if (
            value == "."
            or value.startswith(("./", "../", "/", "~"))
            or value.endswith((".whl", ".tar.gz", ".zip"))
        ):
            found.write(value)  # a local project: read, and built in place
    for value in command.flag_values(*_PIP_FILE_OPTIONS):
        found.write(value)
        found.vague_reads = (*found.vague_reads, ".")
    _path_options(found, command, pip.path_options if pip else ())


def _subcommands(entry: Ecosystem) -> frozenset[str]:
    """The subcommands of an ecosystem's tool its table entry names (installs, global
    actions, setup and builds)."""
    words = {words[0] for words in (*entry.setup, *entry.builds) if words}
    return frozenset({*(entry.adds or ()), *entry.global_actions, *words})


def _tool_node(found: CommandWrites, command: SimpleCommand, tool: str, rest: list[str]) -> None:
    """npm, yarn and pnpm without a manifest install: global installs, adding packages
    (``Ecosystem.global_actions`` and ``edits``); their value options are the table's."""
    from lintlayers.model.ecosystems import ecosystem, value_options_of

    entry = ecosystem(tool)
    assert entry is not None
    found.tool = tool
    positional = _positional(rest, value_options_of(tool))
    action = positional[0] if positional else ""
    global_install = any(value in entry.global_flags for value in rest) or action == "global"
    if action in ("config", "set"):
        _project_settings(found, tool)
    elif action in entry.global_actions:
        pass
    elif action in entry.edits:
        if not global_install:
            found.write(*entry.project_files())
            found.read(".")
    else:
        found.unknown = f"{tool} {action}".strip()


def _tool_simple_global(
    found: CommandWrites, command: SimpleCommand, tool: str, rest: list[str]
) -> None:
    """gem, pipx, corepack, cargo install, go install/env, composer global, uv tool: the
    subcommands that write only the tool's global places (``Ecosystem.global_actions``)."""
    from lintlayers.model.ecosystems import global_actions_of
    from lintlayers.model.package_managers import builds_local

    found.tool = tool
    positional = [value for value in rest if not value.startswith("-")]
    action = positional[0] if positional else ""
    if action not in global_actions_of(tool):
        found.unknown = f"{tool} {action}".strip()
        return
    local = builds_local([tool, *rest])
    if local:
        found.unknown = local
        return
    if action == "config":
        _project_settings(found, tool)  # ``--local``, ``--location=project``...
    if tool == "uv" and action == "venv":
        found.write(positional[1] if len(positional) > 1 else ".venv")


def _tool_python(found: CommandWrites, command: SimpleCommand, tool: str, rest: list[str]) -> None:
    """``python -m venv DIR`` and ``virtualenv DIR``; other Python runs are unknown."""
    if tool == "virtualenv" or rest[:2] in (["-m", "venv"], ["-m", "virtualenv"]):
        positional = [value for value in rest if not value.startswith("-")]
        if tool != "virtualenv":
            positional = positional[1:]
        found.read("/usr", "/etc", "/opt")
        found.write(*(positional or ["."]))
        return
    found.unknown = " ".join([tool, *rest[:2]])


_TOOLS = {
    "pip": _tool_pip,
    "npm": _tool_node,
    "yarn": _tool_node,
    "pnpm": _tool_node,
    "virtualenv": _tool_python,
    "python": _tool_python,
    **dict.fromkeys(
        ("gem", "pipx", "corepack", "cargo", "go", "composer", "uv", "bundle", "poetry",
         "rustup", "conda"),
        _tool_simple_global,
    ),
}  # fmt: skip

_HANDLERS = {
    READER: _reader,
    OPERANDS: _operands,
    SYSTEM: _system,
    LANGUAGE: _language,
    "touch": _touch,
    "chmod": _chmod,
    "ln": _ln,
    "copy_like": _copy_like,
    "tar": _tar,
    "unzip": _unzip,
    "compress": _compress,
    "download": _download,
    "git": _git,
    "gpg": _gpg,
    "mktemp": _mktemp,
    "shell": _shell,
    "source": _source,
    "test": _test,
    "umask": _nothing,
}
"""The handler of each ``files`` answer of ``model.commands.COMMANDS`` that names one."""


# -- downloads and archives ------------------------------------------------------------------


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
            targets.extend(url_basename(url) for url in urls[len(outputs) :])
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
                    base = url_basename(url)
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
        found.extend(command.positional_args(_UNZIP_VALUE_OPTIONS)[:1])
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


def url_basename(url: str) -> str:
    """The last path component of a URL (query and fragment dropped)."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    if "://" in path:
        path = path.split("://", 1)[1]
        path = path.partition("/")[2]
    return path.rstrip("/").rpartition("/")[2]
