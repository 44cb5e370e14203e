"""What a RUN leaves in its layer: the shared knowledge of the size rules.

Which paths an ``rm`` (or a cache-cleaning command) of the same RUN removes, what
a RUN or a COPY/ADD step creates, which ``--mount`` of a RUN covers a path, and the
working directory, environment and user each command of a RUN runs with. Mount
flags are ``lintlayers.model.mounts``; where package managers keep their data,
``lintlayers.model.package_commands``; the steps themselves, ``lintlayers.model.steps``.
"""

from __future__ import annotations

from lintlayers.model.commands import leaves_of
from lintlayers.model.copy_args import ADD_ARCHIVE_SUFFIXES
from lintlayers.model.mounts import COVERING_MOUNTS, parse_mounts
from lintlayers.model.package_commands import CACHE_DIRS, package_cleans
from lintlayers.model.paths import (
    TYPICAL_CHILD_NAME,
    clone_directory,
    covers,
    expand_known,
    has_glob,
    is_within,
    join,
)
from lintlayers.model.state import CommandWalk, assign, home_of, is_root_user
from lintlayers.model.steps import file_memo
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext, RunScript
    from lintlayers.model.commands import CommandFacts
    from lintlayers.model.mounts import Mount
    from lintlayers.model.steps import Step
    from lintlayers.shell.commands import ShellWord, SimpleCommand

_TAR_VALUE_LETTERS = frozenset("bCfFgHIKLNTVX")
_FIND_FILTERS = frozenset(
    {"-name", "-iname", "-path", "-ipath", "-wholename", "-regex", "-iregex", "-mtime",
     "-mmin", "-newer", "-size", "-user", "-group", "-perm", "-empty", "-links", "-atime",
     "-ctime", "-amin", "-cmin", "-prune", "-not", "!", "-o", "-or"}
)  # fmt: skip


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


def copy_creations(step: Step) -> list[Creation]:
    """What a COPY/ADD step writes: ``dest/name`` for a file copied into a directory, else
    ``dest`` (a directory's contents, or an archive ADD unpacks there).

    Sources come from ``model.copy_args``; whether a local name is a file is the one
    guess of ``model.file_names`` (a Git repository is a directory)."""
    from lintlayers.model.copy_args import GIT, HEREDOC, LOCAL
    from lintlayers.model.file_names import looks_like_file

    parsed = step.copy_args
    if parsed.destination is None:
        return []
    raw_destination = expand_known(parsed.destination.value, step.env)
    destination = join(step.workdir, raw_destination)
    into_directory = raw_destination.endswith("/") or len(parsed.sources) > 1
    found: list[Creation] = []
    for source in parsed.sources:
        value = expand_known(source.value, step.env)
        if source.kind == HEREDOC:
            name, file_like = source.heredoc_name, True
        elif source.kind == LOCAL:
            name = value.rstrip("/").rpartition("/")[2]
            file_like = not value.endswith("/") and looks_like_file(name)
        else:
            name, file_like = _url_basename(value), source.kind != GIT
        unpacked = (
            step.keyword == "ADD" and source.kind == LOCAL and name.endswith(ADD_ARCHIVE_SUFFIXES)
        )
        if into_directory and file_like and not unpacked and name and not has_glob(name):
            found.append(Creation(-1, join(destination, name), "copy"))
        else:
            found.append(Creation(-1, destination, "copy"))
    return found


def effects(context: RuleContext, step: Step) -> RunEffects:
    """The ``RunEffects`` of a RUN step (computed once per file)."""
    memo = file_memo(context)
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
        "_facts",
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
        "walk",
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
        self.removals: list[Removal] = []
        self._creations: list[Creation] | None = None
        self._facts: dict[int, CommandFacts] = {}
        walk = CommandWalk(self.commands, step.workdir, self.env, self.home)
        self.walk = walk
        self.cwds = walk.cwds
        for index, command in enumerate(self.commands):
            self._removals(index, command)

    def _removals(self, index: int, command: SimpleCommand) -> None:
        name = command.name
        if not command.words or name in ("export", "declare", "local", "cd", "pushd"):
            return
        if name in ("rm", "unlink", "find"):
            values = command.positional_args() if name != "find" else _find_deletes(command)
            env = self.walk.envs[index]
            cwd = self.cwds[index]
            for value in values:
                expanded = self.walk.expand(value, env)
                if expanded:  # an empty variable removes nothing
                    self.removals.append(Removal(index, join(cwd, expanded)))
        else:
            for kind in package_cleans(command):
                for path in self.cache_dirs(kind, index):
                    self.removals.append(Removal(index, path + "/*"))

    def facts(self, index: int) -> CommandFacts:
        """What command ``index`` does, from the one RUN model (``model.commands``): its
        cost class, what it reads, network use, the install it is, the package data it
        leaves."""
        found = self._facts.get(index)
        if found is None:
            from lintlayers.model.commands import facts_of

            found = self._facts[index] = facts_of(self.commands[index])
        return found

    def expand(self, value: str, env: dict[str, str]) -> str:
        """``value`` with ``~`` and known variables expanded (see ``CommandWalk.expand``)."""
        return self.walk.expand(value, env)

    @property
    def end_cwd(self) -> str:
        """The directory a command appended to the RUN would run in."""
        return self.walk.end_cwd

    # -- queries ------------------------------------------------------------

    def resolve(self, index: int, value: str) -> str:
        """The absolute path a word of command ``index`` names (variables expanded if known)."""
        return self.walk.resolve(index, value)

    def env_at(self, index: int) -> dict[str, str]:
        """Variables in effect at command ``index`` (scope plus the RUN's own assignments).

        ``index`` may be ``len(commands)``: what a command appended to the RUN would see.
        """
        walk = self.walk
        return walk.envs[index] if index < len(walk.envs) else walk.end_env

    def resolve_at_end(self, value: str) -> str:
        """``resolve`` for a command appended at the end of the RUN."""
        return self.walk.resolve(len(self.commands), value)

    def mount_covering(self, path: str) -> Mount | None:
        """The cache or tmpfs mount whose target holds ``path``, if any."""
        for mount in self.mounts:
            if mount.type in COVERING_MOUNTS and mount.target and is_within(path, mount.target):
                return mount
        return None

    def removal(
        self, path: str, after: int = -1, child: str | None = TYPICAL_CHILD_NAME
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
        env = self.walk.envs[index]
        if command.assignments:
            env = assign(env, command.assignments)
        wrapped = _wrapper_user(command)
        home = home_of(wrapped) if wrapped else env.get("HOME") or self.home
        root = is_root_user(wrapped or self.step.user)
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
        if home_relative and not is_root_user(self.user_at(index)):  # a guessed home: be lenient
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
        """File offsets of ``word``, one of the words of command ``index``."""
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
            for kind in leaves_of(command):
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
                    base = clone_directory(positional[1])
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
