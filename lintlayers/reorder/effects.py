"""What each instruction of a stage reads, writes, defines and observes; which pairs may swap.

Two instructions of a stage may swap only when neither can observe the other:
``commutes(a, b)`` says whether they may and, when not, why. The analysis is
conservative: whatever it cannot prove keeps its order.

Per instruction (``Effect``):

- files written and read in the image (``PathSet``: absolute paths, each standing
  for itself and everything below it, shell globs allowed per component). COPY/ADD
  write their destination resolved against WORKDIR and read no image file (their
  sources are the build context), except ``/etc/passwd`` for a ``--chown`` name. A
  RUN writes and reads what its commands do when every command is known (file tools,
  redirects, downloads, system and language package managers, user tools); one
  unknown command makes it read and write everything (``unknown``).
- ARG/ENV names defined (``defines``) and referenced (``uses``), WORKDIR/USER/SHELL
  set and observed (``sets_state``/``reads_state``), stage references, cache mounts,
  and the kind of metadata (LABEL, CMD...) whose order among its own kind matters.

Environment: an ARG with a value and every ENV enter the environment of every later
RUN, which may read any variable without naming it. A RUN and an ARG/ENV therefore
never swap, except when every name the ARG/ENV defines is a per-build identifier
(rule LL102's notion: ``GIT_SHA``, ``BUILD_DATE``...), the RUN never names it, runs only
commands this module knows, and none of them reads its environment freely (rule
LL102's notion: scripts, build tools, interpreters running files). No known command
reads a per-build identifier from its environment. Two ENVs never swap: the image
config keeps their order.

Assumptions, stated because no static analysis can prove them:

- The base image follows the usual layout: distro packages write only under
  ``SYSTEM_DIRS`` (never ``/usr/local``, home directories or ``APP_DIRS``), and
  ``/bin``, ``/sbin``, ``/lib*`` may be links into ``/usr`` (treated as the same).
- A command found through ``PATH`` reads only the file of its own name there; the
  base image's ``PATH`` holds ``DEFAULT_PATH`` plus what the stage's ENV adds.
- Directories in ``SURE_DIRS`` exist in the base image; others a step may create,
  with its user's ownership when it runs as non-root (then its writes include them).
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lintlayers.context import RuleContext
    from lintlayers.model.run_effects import RunEffects, Step
    from lintlayers.model.stages import Scope, Stage
    from lintlayers.shell.commands import SimpleCommand
    from lintlayers.syntax.nodes import Instruction

SYSTEM_DIRS = (
    "/usr", "/etc", "/var", "/opt", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
    "/run", "/tmp", "/srv", "/boot",
)  # fmt: skip
"""Where distro packages (and their maintainer scripts) may write."""

APP_DIRS = ("/usr/src/app", "/usr/app", "/opt/app", "/srv/app", "/var/app", "/usr/local")
"""Left out of the system directories: no distro package installs there."""

HOME_DOTS = ("/root/.*", "/home/*/.*")
"""Hidden files of home directories: tools' settings and caches."""

DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")

RUNTIME_READS = (
    "/lib", "/lib32", "/lib64", "/libx32", "/usr/lib", "/usr/lib32", "/usr/lib64",
    "/usr/libx32", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/passwd",
    "/etc/group", "/etc/nsswitch.conf", "/bin/sh", "/usr/bin/sh", "/usr/bin/env",
)  # fmt: skip
"""What every program a RUN starts reads: the shell, the dynamic linker, the user table."""

SURE_DIRS = frozenset(
    {
        "/", "/usr", "/usr/local", "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib",
        "/usr/local/share", "/usr/local/include", "/usr/local/etc", "/usr/local/src",
        "/usr/share", "/usr/lib", "/usr/bin", "/usr/sbin", "/usr/src", "/usr/include", "/etc",
        "/var", "/var/lib", "/var/cache", "/var/log", "/var/tmp", "/var/spool", "/opt", "/tmp",
        "/home", "/root", "/srv", "/run", "/mnt", "/media",
    }
)  # fmt: skip
"""Directories assumed to exist in every base image (nobody creates them)."""

_ALIASES = {
    ("bin",): ("usr", "bin"),
    ("sbin",): ("usr", "sbin"),
    ("lib",): ("usr", "lib"),
    ("lib32",): ("usr", "lib32"),
    ("lib64",): ("usr", "lib64"),
    ("libx32",): ("usr", "libx32"),
    ("var", "run"): ("run",),
    ("var", "lock"): ("run", "lock"),
}
"""Merged-/usr and /run links, resolved so both spellings overlap."""

VAGUE_VARIABLE = "a path in it depends on a variable whose value is unknown"
VAGUE_WORKDIR = "its working directory comes from the base image, which lintlayers cannot see"

METADATA = frozenset(
    {"LABEL", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "VOLUME",
     "MAINTAINER", "ONBUILD"}
)  # fmt: skip
ORDERED_METADATA = frozenset(
    {"CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "MAINTAINER", "ONBUILD"}
)
"""Metadata whose last occurrence wins (or, for ONBUILD, which run in order)."""
_LAUNCH = frozenset({"CMD", "ENTRYPOINT"})  # ENTRYPOINT may reset CMD: keep them in order
_SHELL_WRAPPED = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"})
_EXPANDING = frozenset(
    {"ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG"}
)
_KNOWN_KEYWORDS = frozenset(
    {"RUN", "COPY", "ADD", "ENV", "ARG", "WORKDIR", "USER", "SHELL", *METADATA}
)

_GLOB = re.compile(r"[*?\[]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")

# ------------------------------------------------------------------------------- paths


def _glob(part: str) -> bool:
    return bool(_GLOB.search(part))


def _parts(path: str) -> tuple[str, ...]:
    """Components of an absolute path, ``.``/``..`` resolved, /usr links folded."""
    found = _PARTS.get(path)
    if found is None:
        found = _split_path(path)
        if len(_PARTS) < 8192:
            _PARTS[path] = found
    return found


_PARTS: dict[str, tuple[str, ...]] = {}
"""Parsed paths: the same few hundred recur in every Dockerfile."""


def _split_path(path: str) -> tuple[str, ...]:
    from lintlayers.model.run_effects import normalize

    parts = [part for part in normalize(path).split("/") if part]
    for length in (2, 1):
        alias = _ALIASES.get(tuple(parts[:length]))
        if alias is not None and len(parts) >= length:
            return alias + tuple(parts[length:])
    return tuple(parts)


def _match(left: str, right: str) -> bool:
    """Whether two path components may name the same entry."""
    if left == right:
        return True
    left_glob, right_glob = _glob(left), _glob(right)
    if left_glob and right_glob:
        return True
    if left_glob:
        return fnmatchcase(right, left)
    if right_glob:
        return fnmatchcase(left, right)
    return False


def _overlap(left: tuple[str, ...], right: tuple[str, ...]) -> tuple[str, ...] | None:
    """The deeper of two paths when one may lie within the other, else None."""
    for one, two in zip(left, right, strict=False):
        if not _match(one, two):
            return None
    return left if len(left) >= len(right) else right


def _excluded(region: tuple[str, ...], excludes: Iterable[tuple[str, ...]]) -> bool:
    for exclude in excludes:
        if len(exclude) > len(region):
            continue
        if all(
            part == name or (_glob(part) and not _glob(name) and fnmatchcase(name, part))
            for part, name in zip(exclude, region, strict=False)
        ):
            return True
    return False


def show(parts: tuple[str, ...]) -> str:
    return "/" + "/".join(parts)


class PathSet:
    """Absolute paths, each standing for itself and all below it, minus excluded holes.

    An entry is ``(parts, vague, holes)``: ``vague`` says why it had to be widened (an
    unknown variable or working directory), so that a conflict through it is only
    possible, not proven; ``holes`` are paths it leaves out. ``exclude`` holds holes
    of the whole set (a mount target, a path the build context brings nothing to).
    """

    __slots__ = ("_index", "entries", "exclude")

    def __init__(self, paths: Iterable[str] = (), holes: Iterable[str] = ()) -> None:
        self.entries: list[tuple[tuple[str, ...], str, tuple[tuple[str, ...], ...]]] = []
        self.exclude: list[tuple[str, ...]] = []
        self._index: tuple[int, dict[str, list], list] | None = None
        holes = tuple(holes)
        for path in paths:
            self.add(path, holes=[hole for hole in holes if hole.startswith(path + "/")])

    def add(self, path: str, vague: str = "", holes: Iterable[str] = ()) -> None:
        """Add ``path``; a part holding ``$``, a backquote or braces cuts it there."""
        if "\x00" in path:  # run_effects.UNKNOWN_WORKDIR
            self.entries.append(((), vague or VAGUE_WORKDIR, ()))
            return
        parts = _parts(path)
        for position, part in enumerate(parts):
            if "$" in part or "`" in part:
                parts, vague = parts[:position], vague or VAGUE_VARIABLE
                break
            if "{" in part:
                parts = parts[:position]
                break
        self.entries.append((parts, vague, tuple(_parts(hole) for hole in holes)))

    def add_all(self, paths: Iterable[str], vague: str = "") -> None:
        for path in paths:
            self.add(path, vague)

    def everything(self, vague: str) -> None:
        self.entries.append(((), vague, ()))

    def __bool__(self) -> bool:
        return bool(self.entries)

    def copy(self) -> PathSet:
        other = PathSet()
        other.entries = list(self.entries)
        other.exclude = list(self.exclude)
        return other

    def paths(self) -> list[str]:
        return [show(parts) for parts, _, _ in self.entries]

    def _buckets(self) -> tuple[dict[str, list], list]:
        """Entries by their first component, and those that may be anywhere (root, glob)."""
        index = self._index
        if index is not None and index[0] == len(self.entries):
            return index[1], index[2]
        buckets: dict[str, list] = {}
        anywhere: list = []
        for entry in dict.fromkeys(self.entries):
            parts = entry[0]
            if not parts or _glob(parts[0]):
                anywhere.append(entry)
            else:
                buckets.setdefault(parts[0], []).append(entry)
        self._index = (len(self.entries), buckets, anywhere)
        return buckets, anywhere

    def meets(self, other: PathSet) -> tuple[str, str] | None:
        """A path both sets may hold (for messages) and why it is vague (``""`` if not)."""
        if not self.entries or not other.entries:
            return None
        mine, my_anywhere = self._buckets()
        theirs, their_anywhere = other._buckets()
        found: tuple[str, str] | None = None
        pairs: list[tuple[list, list]] = [(my_anywhere, other.entries)]
        for key, entries in mine.items():
            pairs.append((entries, theirs.get(key, [])))
            pairs.append((entries, their_anywhere))
        for lefts, rights in pairs:
            for left, left_vague, left_holes in lefts:
                for right, right_vague, right_holes in rights:
                    region = _overlap(left, right)
                    if region is None:
                        continue
                    if (
                        (left_holes and _excluded(region, left_holes))
                        or (right_holes and _excluded(region, right_holes))
                        or (self.exclude and _excluded(region, self.exclude))
                        or (other.exclude and _excluded(region, other.exclude))
                    ):
                        continue
                    vague = left_vague or right_vague
                    if not vague:
                        return show(region), ""
                    if found is None:
                        found = (show(region), vague)
        return found

    def __repr__(self) -> str:
        return f"PathSet({self.paths()!r}, exclude={[show(e) for e in self.exclude]!r})"


def ancestors(path: str, made: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The directories above ``path`` a step might have to create.

    Not ``SURE_DIRS``, nor ``made``: the directories an earlier WORKDIR created (every
    instruction writing below them conflicts with that WORKDIR, so stays after it).
    """
    parts = _parts(path)
    found: list[str] = []
    for length in range(1, len(parts)):
        head = parts[:length]
        if any(_glob(part) or "$" in part for part in head):
            break
        shown = show(head)
        if shown not in SURE_DIRS and shown not in made:
            found.append(shown)
    return found


# ------------------------------------------------------------------------------ effects


class Effect:
    """What one instruction of a stage does, as far as ordering is concerned.

    ``instruction`` is the instruction as written (an ONBUILD wrapper stays one);
    ``writes_visible`` is ``writes`` without the files it writes again with the same
    content (after a split COPY brought them): readers need not wait for those.
    """

    __slots__ = (
        "barrier",
        "caches",
        "defines",
        "env_safe",
        "index",
        "instruction",
        "keyword",
        "label_keys",
        "line",
        "links",
        "reads",
        "reads_state",
        "sets_state",
        "sources",
        "stage_refs",
        "text",
        "unknown",
        "uses",
        "writes",
        "writes_visible",
    )

    def __init__(self, index: int, instruction: Instruction) -> None:
        self.index = index
        self.instruction = instruction
        self.keyword = "ONBUILD" if instruction.inner is not None else instruction.keyword
        self.line = instruction.start_line
        self.reads = PathSet()
        self.writes = PathSet()
        self.writes_visible = self.writes
        self.defines: frozenset[str] = frozenset()
        self.uses: frozenset[str] = frozenset()
        self.sets_state: frozenset[str] = frozenset()
        self.reads_state: frozenset[str] = frozenset()
        self.stage_refs: tuple[str, ...] = ()
        self.caches: frozenset[str] = frozenset()
        self.label_keys: frozenset[str] | None = None
        self.links: list[tuple[str, str]] = []  # symlinks a RUN creates: (link, target)
        self.sources: list[tuple[str, str]] = []  # a COPY's (destination, directory source)
        self.unknown = ""  # why a RUN's effects are unknown
        self.env_safe = False  # a known RUN none of whose commands reads its env freely
        self.barrier = ""  # why nothing may cross it at all
        self.text = ""  # a RUN's text and heredocs, to find names it uses without $

    def clone(self) -> Effect:
        """A copy whose attributes may be replaced without touching this one."""
        other = Effect.__new__(Effect)
        for name in Effect.__slots__:
            setattr(other, name, getattr(self, name))
        return other

    @property
    def is_metadata(self) -> bool:
        return self.keyword in METADATA

    def describe(self) -> str:
        words = " ".join(self.instruction.logical.text.split())
        if len(words) > 48:
            words = words[:45] + "..."
        return f"`{words}` (line {self.line})"

    def __repr__(self) -> str:
        return f"Effect({self.keyword} line {self.line})"


class Conflict:
    """Why two instructions keep their order; ``proven`` is False when it is only possible."""

    __slots__ = ("proven", "reason")

    def __init__(self, reason: str, proven: bool = True) -> None:
        self.reason = reason
        self.proven = proven

    def __repr__(self) -> str:
        return f"Conflict({self.reason!r}, proven={self.proven})"


def commutes(a: Effect, b: Effect) -> tuple[bool, str]:
    """Whether ``a`` and ``b`` may swap; the string says why not."""
    found = conflict(a, b)
    return (True, "") if found is None else (False, found.reason)


def conflict(a: Effect, b: Effect) -> Conflict | None:
    """Why ``a`` and ``b`` (in either order) must keep their order, or None."""
    for one in (a, b):
        if one.barrier:
            return Conflict(f"{one.describe()} {one.barrier}")
    found = _state_conflict(a, b) or _variable_conflict(a, b)
    if found is not None:
        return found
    found = _metadata_conflict(a, b)
    if found is not None:
        return found
    shared = a.caches & b.caches
    if shared:
        return Conflict(f"both RUNs use the cache mount {sorted(shared)[0]}")
    return _file_conflict(a, b)


def _state_conflict(a: Effect, b: Effect) -> Conflict | None:
    for one, two in ((a, b), (b, a)):
        if not one.sets_state:
            continue
        clash = one.sets_state & (two.sets_state | two.reads_state)
        if clash:
            name = sorted(clash)[0]
            if name in two.sets_state:
                return Conflict(f"both set {name}")
            return Conflict(f"{two.describe()} depends on the {name} that {one.keyword} sets")
    return None


def _variable_conflict(a: Effect, b: Effect) -> Conflict | None:
    for one, two in ((a, b), (b, a)):
        if not one.defines:
            continue
        clash = one.defines & (two.defines | two.uses)
        if clash:
            name = sorted(clash)[0]
            if name in two.defines:
                return Conflict(f"both set {name}")
            return Conflict(f"{two.describe()} uses ${name}, which {one.keyword} sets")
        if two.keyword == "ENV" and one.keyword == "ENV":
            return Conflict("the image config keeps ENV variables in order")
        if two.keyword == "RUN":
            named = _named_in(one.defines, two.text)
            if named:
                return Conflict(f"{two.describe()} names {named}, which {one.keyword} sets")
            if not two.env_safe or not all(_per_build(name) for name in one.defines):
                name = sorted(one.defines)[0]
                why = f"it runs `{two.unknown}`" if two.unknown else "it runs commands"
                return Conflict(
                    f"{two.describe()} may read {name} from its environment ({why} that "
                    "may read any variable)",
                    proven=False,
                )
    return None


def _named_in(names: frozenset[str], text: str) -> str:
    for name in sorted(names):
        if re.search(rf"(?<![\w]){re.escape(name)}(?!\w)", text):
            return name
    return ""


def _per_build(name: str) -> bool:
    from lintlayers.rules.volatile_variable_early import _volatile_name

    return _volatile_name(name)


def _metadata_conflict(a: Effect, b: Effect) -> Conflict | None:
    if a.keyword == b.keyword:
        keyword = a.keyword
        if keyword in ORDERED_METADATA:
            return Conflict(f"the last {keyword} wins: two of them keep their order")
        if keyword == "LABEL" and (
            a.label_keys is None or b.label_keys is None or a.label_keys & b.label_keys
        ):
            return Conflict("both LABELs may set the same key: the last one wins")
    elif a.keyword in _LAUNCH and b.keyword in _LAUNCH:
        return Conflict("ENTRYPOINT may reset CMD: they keep their order")
    return None


def _file_conflict(a: Effect, b: Effect) -> Conflict | None:
    checks = (
        (a.writes, b.writes, "both write {path}"),
        (a.writes_visible, b.reads, "{second} reads {path}, which {first} writes"),
        (b.writes_visible, a.reads, "{first} reads {path}, which {second} writes"),
    )
    for left, right, template in checks:
        if not left or not right:
            continue
        found = left.meets(right)
        if found is None:
            continue
        path, vague = found
        message = template.format(path=path, first=a.describe(), second=b.describe())
        if not vague:
            return Conflict(message)
        for effect in (a, b):
            if effect.unknown:
                return Conflict(
                    f"{effect.describe()} runs `{effect.unknown}`, whose files lintlayers "
                    "cannot tell",
                    proven=False,
                )
        return Conflict(f"{message} ({vague})", proven=False)
    return None


# --------------------------------------------------------------------------- the stage


def stage_effects(
    context: RuleContext, stage: Stage, *, proven_installs: frozenset[int] = frozenset()
) -> list[Effect]:
    """The ``Effect`` of each instruction of ``stage``, in order.

    ``proven_installs`` holds ``id()``s of install RUNs shown (by rule LL101's reading
    of the build context) to read only their manifests.
    """
    from lintlayers.model.run_effects import sequences

    model = context.model
    steps: dict[int, Step] = {}
    for sequence in sequences(context):
        for step in sequence:
            if not step.onbuild and step.stage is stage:
                steps[id(step.instruction)] = step
    base_user_known = stage.base_stage is not None or stage.base.lower() == "scratch"
    analyser = _Analyser(context, proven_installs, base_user_known)
    found = [
        analyser.effect(index, instruction, scope, steps.get(id(instruction)))
        for index, (instruction, scope) in enumerate(model.walk(stage))
    ]
    _follow_links(found)
    if context.context_dir is not None:
        _refine_copies(context, found)
    return found


def _follow_links(effects: list[Effect]) -> None:
    """Paths under a symlink a RUN made also stand for the same paths under its target."""
    links = [link for effect in effects for link in effect.links]
    if not links:
        return
    pairs = [(_parts(link), _parts(target)) for link, target in links]
    for effect in effects:
        for path_set in (effect.reads, effect.writes):
            extra = []
            for parts, vague, holes in path_set.entries:
                for link, target in pairs:
                    for one, two in ((link, target), (target, link)):
                        if parts[: len(one)] == one:
                            extra.append((two + parts[len(one) :], vague, holes))
            path_set.entries.extend(extra)


def _refine_copies(context: RuleContext, effects: list[Effect]) -> None:
    """With the build context, a COPY of a directory leaves out paths it brings nothing to.

    A path another instruction reads or writes inside the destination of ``COPY . /app``
    (``/app/node_modules``) is cut out of the COPY's writes when the context, after
    ``.dockerignore``, has nothing there (and no file or link on the way).
    """
    from lintlayers.buildcontext.context import BuildContext

    build = BuildContext(context.context_dir or ".", context.path)
    for effect in effects:
        for root, source in effect.sources:
            root_parts = _parts(root)
            for other in effects:
                if other is effect:
                    continue
                for path_set in (other.reads, other.writes):
                    for parts, _, _ in path_set.entries:
                        if len(parts) <= len(root_parts) or parts[: len(root_parts)] != root_parts:
                            continue
                        relative = parts[len(root_parts) :]
                        if any(_glob(part) for part in relative):
                            continue
                        if _absent(build, source, relative):
                            effect.writes.exclude.append(parts)


def _absent(build: object, source: str, relative: tuple[str, ...]) -> bool:
    """Whether the context brings nothing to ``source/relative`` (nor a file on the way)."""
    from lintlayers.buildcontext.patterns import PatternError

    base = "" if source in ("", ".") else source.strip("/")
    try:
        for length in range(1, len(relative) + 1):
            path = "/".join(filter(None, (base, *relative[:length])))
            entry = build.get(path)  # type: ignore[attr-defined]
            if entry is None:
                return True
            if not entry.is_dir or entry.is_symlink:
                return False
    except (OSError, PatternError):
        return False
    return False


class _Analyser:
    """Builds the ``Effect`` of each instruction of one stage."""

    __slots__ = ("base_user_known", "context", "made", "proven", "user_set")

    def __init__(self, context: RuleContext, proven: frozenset[int], base_user_known: bool) -> None:
        self.context = context
        self.proven = proven
        self.base_user_known = base_user_known
        self.user_set = False
        self.made: set[str] = set()  # directories earlier WORKDIRs created

    def effect(
        self, index: int, instruction: Instruction, scope: Scope, step: Step | None
    ) -> Effect:
        effect = Effect(index, instruction)
        if instruction.errors or (instruction.inner is not None and instruction.inner.errors):
            effect.barrier = "does not parse"
            return effect
        keyword = effect.keyword
        if keyword not in _KNOWN_KEYWORDS:
            effect.barrier = "is not an instruction lintlayers knows"
            return effect
        if keyword == "ONBUILD":
            return effect
        from lintlayers.model.variables import referenced_names

        text = instruction.logical.text
        if instruction.heredocs:
            text += "\n" + "\n".join(heredoc.content for heredoc in instruction.heredocs)
        if keyword in _EXPANDING or keyword == "RUN":
            names = referenced_names(text) if "$" in text else set()
            if keyword in ("ENV", "ARG", "LABEL"):  # keys are no use: only values expand
                names = set()
                for pair in instruction.pairs:
                    if pair.value_raw and "$" in pair.value_raw:
                        names |= referenced_names(pair.value_raw)
            effect.uses = frozenset(names)
        if keyword in _SHELL_WRAPPED and not instruction.is_json:
            effect.reads_state = frozenset({"SHELL"})
        handler = getattr(self, "_" + keyword.lower(), None)
        if handler is not None:
            handler(effect, instruction, scope, step)
        return effect

    # -- simple instructions --------------------------------------------------------------

    def _env(self, effect: Effect, instruction: Instruction, scope: Scope, step: Step | None):
        effect.defines = frozenset(pair.key for pair in instruction.pairs)

    _arg = _env

    def _label(self, effect: Effect, instruction: Instruction, scope: Scope, step: Step | None):
        keys = [pair.key for pair in instruction.pairs]
        if instruction.pairs and not any("$" in key for key in keys):
            effect.label_keys = frozenset(keys)

    def _user(self, effect: Effect, instruction: Instruction, scope: Scope, step: Step | None):
        effect.sets_state = frozenset({"USER"})
        self.user_set = True

    def _shell(self, effect: Effect, instruction: Instruction, scope: Scope, step: Step | None):
        effect.sets_state = frozenset({"SHELL"})

    def _volume(self, effect: Effect, instruction: Instruction, scope: Scope, step: Step | None):
        from lintlayers.model.run_effects import expand_known

        values = instruction.json_args
        if values is None:
            values = [word.value for word in instruction.words]
        for value in values:  # a later step cannot change files under a volume
            path = expand_known(value, scope.values())
            effect.writes.add(path if path.startswith("/") else "/" + path)
            effect.reads.add(path if path.startswith("/") else "/" + path)

    def _workdir(
        self, effect: Effect, instruction: Instruction, scope: Scope, step: Step | None
    ) -> None:
        effect.sets_state = frozenset({"WORKDIR"})
        effect.reads_state = frozenset({"USER"})
        effect.reads.add_all(("/etc/passwd", "/etc/group"))
        if step is None or not instruction.words:
            effect.writes.everything(VAGUE_WORKDIR)
            return
        from lintlayers.model.run_effects import expand_known, join

        value = expand_known(instruction.words[0].value, step.env)
        if not value.startswith("/"):
            effect.reads_state = frozenset({"USER", "WORKDIR"})
        path = join(step.workdir, value)
        effect.writes.add(path)
        effect.writes.add_all(ancestors(path, self.made))  # created with it, by its user
        if "$" not in path and "\x00" not in path:
            self.made.update((path, *ancestors(path)))

    def _unknown(self, effect: Effect, what: str) -> None:
        """A RUN whose effects are unknown reads and writes everything."""
        effect.unknown = what
        why = f"it runs `{what}`, whose files lintlayers cannot tell"
        effect.reads = PathSet()
        effect.writes = PathSet()
        effect.reads.everything(why)
        effect.writes.everything(why)
        effect.writes_visible = effect.writes
        effect.env_safe = False
        effect.links = []

    def _root(self, step: Step) -> bool:
        from lintlayers.model.run_effects import _is_root

        if step.user is None:
            return self.base_user_known or self.user_set
        return _is_root(step.user)

    # -- COPY / ADD -------------------------------------------------------------------------

    def _copy(
        self, effect: Effect, instruction: Instruction, scope: Scope, step: Step | None
    ) -> None:
        from lintlayers.model.run_effects import UNKNOWN_WORKDIR, expand_known, join

        if step is None:
            effect.writes.everything(VAGUE_WORKDIR)
            return
        reference = instruction.flag("from")
        if reference is not None:
            effect.stage_refs = (expand_known(reference.value or "", step.env),)
        chown = instruction.flag("chown")
        if chown is not None and not re.fullmatch(r"[0-9]+(:[0-9]+)?", chown.value or ""):
            effect.reads.add_all(("/etc/passwd", "/etc/group"))
        values = instruction.json_args
        if values is None:
            values = [word.value for word in instruction.words]
        values = [expand_known(value, step.env) for value in values]
        if len(values) < 2 and not (instruction.heredocs and values):
            effect.writes.everything("its destination is missing")
            return
        raw_dest = values[-1]
        destination = join(step.workdir, raw_dest)
        if step.workdir == UNKNOWN_WORKDIR and not raw_dest.startswith("/"):
            destination = UNKNOWN_WORKDIR
        if not raw_dest.startswith("/"):
            effect.reads_state = frozenset({"WORKDIR"})
        into = raw_dest.endswith("/") or len(values) > 2 or raw_dest in (".", "./")
        sources = values[:-1]
        markers = {heredoc.name for heredoc in instruction.heredocs}
        dir_sources: list[tuple[str, str]] = []
        for source in sources:
            name = source.rstrip("/").rpartition("/")[2]
            if source.startswith("<<"):
                heredoc = source.lstrip("<-").strip("'\"")
                if heredoc in markers or not markers:
                    effect.writes.add(join(destination, heredoc) if into else destination)
                    continue
            if self._file_like(instruction, source, name, reference is not None):
                effect.writes.add(join(destination, name) if into else destination)
            else:
                effect.writes.add(destination)
                if reference is None and not _glob(source) and "://" not in source:
                    dir_sources.append((destination, source))
        if instruction.has_flag("parents"):
            effect.writes = PathSet()
            effect.writes.add(destination)
            effect.writes_visible = effect.writes
            dir_sources = []
        if chown is not None or instruction.has_flag("chmod"):
            effect.writes.add_all(ancestors(destination, self.made))
        effect.writes_visible = effect.writes
        if reference is None and instruction.keyword == "COPY":
            effect.sources = dir_sources

    _add = _copy

    def _file_like(self, instruction: Instruction, source: str, name: str, staged: bool) -> bool:
        """Whether a COPY/ADD source is one file (so it lands as ``dest/name``)."""
        if source.endswith("/") or source in (".", "./", "*") or not name:
            return False
        if instruction.keyword == "ADD":
            if "://" in source or source.startswith("git@"):
                return "://" in source and not source.endswith((".git", "/")) and "#" not in source
            if name.endswith(_ARCHIVES):
                return False  # a local archive is unpacked into the destination
        if not staged and self.context.context_dir is not None and not _glob(source):
            import os

            full = os.path.join(self.context.context_dir, source.lstrip("/"))
            if os.path.lexists(full):
                return not os.path.isdir(full)
        from lintlayers.rules.broad_copy_before_install import KNOWN_FILES

        if name in KNOWN_FILES:
            return True
        return "." in name[1:] and bool(_FILE_EXTENSION.search(name))

    # -- RUN -------------------------------------------------------------------------------

    def _run(
        self, effect: Effect, instruction: Instruction, scope: Scope, step: Step | None
    ) -> None:
        from lintlayers.model.run_effects import effects as run_effects

        effect.reads_state = frozenset(effect.reads_state | {"WORKDIR", "USER"})
        effect.text = instruction.logical.text + "".join(
            "\n" + heredoc.content for heredoc in instruction.heredocs
        )
        if step is None:
            self._unknown(effect, "the RUN")
            return
        model = _RunModel(self, effect, run_effects(self.context, step), scope)
        model.analyse()


_COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".lzma", ".tar")
_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst")
_FILE_EXTENSION = re.compile(
    r"\.("
    r"txt|json|json5|jsonc|lock|toml|yaml|yml|xml|cfg|conf|ini|env|properties|sh|bash|"
    r"zsh|ps1|bat|cmd|py|pyc|js|mjs|cjs|ts|tsx|jsx|vue|rb|go|mod|sum|rs|java|kt|kts|"
    r"scala|gradle|groovy|gemspec|php|html|htm|css|scss|less|md|rst|adoc|jar|war|ear|"
    r"zip|tar|gz|tgz|bz2|xz|zst|whl|so|a|c|h|cc|cpp|hpp|cs|csproj|fsproj|vbproj|sln|"
    r"props|targets|pem|crt|cer|key|pub|asc|gpg|sig|sql|db|sqlite|service|socket|timer|"
    r"tf|hcl|lua|pl|pm|r|ex|exs|erl|swift|patch|diff|cnf|tpl|tmpl|j2|jinja|template|mk|"
    r"cmake|exe|dll|deb|rpm|apk|ico|png|jpg|jpeg|gif|svg|webp|pdf|csv|tsv|lockb|npmrc|"
    r"yarnrc|editorconfig|gitignore|dockerignore|nginx|vcl|cjs|map|wasm"
    r")$",
    re.IGNORECASE,
)
"""Extensions of names that are files, not directories (no context to ask)."""

# ----------------------------------------------------------------------------- commands

_BUILTINS = frozenset(
    {
        "cd", "pushd", "popd", "set", "true", "false", ":", "echo", "printf", "export", "unset",
        "exit", "return", "shift", "local", "declare", "typeset", "readonly", "wait", "trap",
        "shopt", "ulimit", "alias", "hash", "type", "break", "continue", "test", "[", "[[",
        "read", "getopts", "let",
    }
)  # fmt: skip
"""Shell builtins: no program is looked up (``test``/``[`` read the paths they name)."""

_QUIET = frozenset(
    {
        "sleep", "id", "whoami", "date", "pwd", "uname", "nproc", "arch", "getconf", "hostname",
        "printenv", "locale", "tty", "yes", "seq", "expr", "basename", "dirname", "env",
        "groups", "logname", "uptime", "free", "tput", "clear", "dpkg-architecture", "command",
    }
)  # fmt: skip
"""Programs that read no file worth naming and write nothing."""

_READERS = frozenset(
    {
        "cat", "ls", "head", "tail", "grep", "egrep", "fgrep", "wc", "sort", "uniq", "cut",
        "tr", "awk", "gawk", "mawk", "diff", "cmp", "stat", "file", "du", "md5sum", "sha1sum",
        "sha224sum", "sha256sum", "sha384sum", "sha512sum", "cksum", "xxd", "od", "readlink",
        "realpath", "jq", "base64", "column", "fold", "nl", "rev", "tac", "strings", "ldd",
        "which", "whereis", "hexdump", "zcat", "less", "more", "comm", "paste", "join", "test",
        "[", "[[", "find", "sed", "tree", "lsb_release",
    }
)  # fmt: skip
"""Programs that read the paths they name and write nothing but standard output."""

_SYSTEM_PACKAGES = frozenset(
    {
        "apt-get", "apt", "aptitude", "apt-key", "apt-mark", "apt-cache", "apt-config",
        "dpkg", "dpkg-reconfigure", "dpkg-query", "dpkg-divert", "debconf-set-selections",
        "apk", "yum", "dnf", "microdnf", "tdnf", "rpm", "zypper", "yum-config-manager",
        "update-ca-certificates", "ldconfig", "locale-gen", "localedef", "update-locale",
        "update-alternatives", "add-apt-repository", "pacman", "install_packages",
        "rpmkeys", "update-mime-database", "fc-cache", "gdk-pixbuf-query-loaders",
        "useradd", "adduser", "groupadd", "addgroup", "usermod", "groupmod", "userdel",
        "deluser", "delgroup", "chpasswd", "passwd", "ln-tz", "rc-update", "setcap",
        "pip-audit-none",
    }
)  # fmt: skip
"""System tools: they read and write the system directories (packages, users, caches)."""

_USER_TOOLS = frozenset(
    {"useradd", "adduser", "groupadd", "addgroup", "usermod", "groupmod", "userdel", "deluser",
     "delgroup", "chpasswd", "passwd"}
)  # fmt: skip

_INTERPRETERS = re.compile(
    r"(python[0-9.]*|node|nodejs|ruby|perl[0-9.]*|php[0-9.]*|java|go|cargo|rustc|gcc|g\+\+|cc"
    r"|make|npm|yarn|pnpm|pip[0-9.]*|gem|bundle|composer|dotnet|mvn|gradle|deno|bun|lua|R)$"
)
_VERSION_FLAGS = frozenset({"--version", "-v", "-V", "version", "--help", "-h"})

_PROJECT_OUTPUTS = {
    "npm": ("node_modules",),
    "yarn": ("node_modules", ".yarn", ".pnp.cjs", ".pnp.loader.mjs", ".pnp.js"),
    "pnpm": ("node_modules",),
    "uv": (".venv",),
    "poetry": (".venv",),
    "pipenv": (".venv",),
    "cargo": ("target",),
    "maven": ("target",),
    "gradle": (".gradle", "build"),
    "bundler": (".bundle", "vendor"),
    "composer": ("vendor",),
}
"""What an install writes in its project directory."""

_LOCKS = {
    "npm": (("package-lock.json", "npm-shrinkwrap.json"), ("ci", "clean-install", "install-clean")),
    "yarn": (("yarn.lock",), ("--frozen-lockfile", "--immutable", "--pure-lockfile")),
    "pnpm": (("pnpm-lock.yaml",), ("--frozen-lockfile",)),
    "uv": (("uv.lock",), ("--locked", "--frozen")),
    "poetry": (("poetry.lock",), ()),
    "pipenv": (("Pipfile.lock",), ("--deploy", "--ignore-pipfile")),
    "go": (("go.sum",), ()),
    "cargo": (("Cargo.lock",), ("--locked", "--frozen")),
    "bundler": (("Gemfile.lock",), ("--frozen", "--deployment")),
    "composer": (("composer.lock",), ()),
}
"""Lockfiles an install may rewrite, and the words (subcommand or flag) that forbid it."""

_TOOL_DIR_VARIABLES = re.compile(
    r"(VIRTUAL_ENV|GOPATH|GOBIN|GOCACHE|GOMODCACHE|CARGO_HOME|RUSTUP_HOME|GEM_HOME|GEM_PATH"
    r"|BUNDLE_PATH|BUNDLE_APP_CONFIG|NPM_CONFIG_PREFIX|npm_config_prefix|NODE_PATH|PNPM_HOME"
    r"|COMPOSER_HOME|PIP_TARGET|PIP_PREFIX|PYTHONUSERBASE|PIPX_HOME|PIPX_BIN_DIR|POETRY_HOME"
    r"|POETRY_VIRTUALENVS_PATH|UV_PROJECT_ENVIRONMENT|UV_CACHE_DIR|UV_TOOL_DIR|CONDA_PREFIX"
    r"|MAVEN_HOME|M2_HOME|GRADLE_USER_HOME|XDG_\w+|PIP_CACHE_DIR|YARN_CACHE_FOLDER|\w+_HOME"
    r"|\w+_DIR|\w+_PREFIX|HOME)$"
)
"""Variables whose value is a directory a language tool may read and write."""


class _RunModel:
    """The reads and writes of one RUN, command by command."""

    __slots__ = (
        "analyser",
        "effect",
        "home_dots",
        "nonroot",
        "path_dirs",
        "run",
        "scope_values",
        "tool_dirs",
    )

    def __init__(self, analyser: _Analyser, effect: Effect, run: RunEffects, scope: Scope) -> None:
        self.analyser = analyser
        self.effect = effect
        self.run = run
        self.scope_values = scope.values()
        self.nonroot = not analyser._root(run.step)
        self.path_dirs = self._path_dirs()
        self.tool_dirs = self._tool_dirs()
        self.home_dots = list(HOME_DOTS)
        home = self.scope_values.get("HOME")
        if home and home.startswith("/") and "$" not in home:
            self.home_dots.append(home.rstrip("/") + "/.*")

    def _path_dirs(self) -> list[str]:
        found = list(DEFAULT_PATH)
        value = self.scope_values.get("PATH")
        if value:
            for part in value.split(":"):
                if part.startswith("/") and part not in found:
                    found.append(part)
        return found

    def _tool_dirs(self) -> list[str]:
        found: list[str] = []
        for name, value in self.scope_values.items():
            if not _TOOL_DIR_VARIABLES.match(name) or len(value) > 512:
                continue
            for part in value.split(":"):
                if part.startswith("/") and part not in found:
                    found.append(part)
        for part in self.path_dirs:
            if part not in DEFAULT_PATH:  # a venv's bin: the venv is written too
                parent = part.rstrip("/").rpartition("/")[0] or "/"
                for path in (part, parent):
                    if path not in found and path != "/":
                        found.append(path)
        return found

    # -- entry --------------------------------------------------------------------------

    def analyse(self) -> None:
        effect = self.effect
        run = self.run
        instruction = run.instruction
        if not run.step.posix_shell:
            self.analyser._unknown(effect, "a non-POSIX shell")
            return
        if instruction.is_json:
            self.analyser._unknown(effect, " ".join(instruction.json_args or [])[:40] or "RUN")
            return
        scripts = self.analyser.context.scripts(instruction)
        if any(script.script.has_errors for script in scripts[1 if instruction.heredocs else 0 :]):
            self.analyser._unknown(effect, "a shell script lintlayers cannot parse")
            return
        if instruction.heredocs and not self._heredocs_understood():
            self.analyser._unknown(effect, "a here-document run by another interpreter")
            return
        self._mounts()
        effect.reads.entries.extend(_RUNTIME.entries)
        cwds: list[str] = [run.step.workdir]
        for index, command in enumerate(run.commands):
            if run.cwds[index] not in cwds:
                cwds.append(run.cwds[index])
            problem = self._command(index, command, list(cwds))
            if problem:
                self.analyser._unknown(effect, problem)
                return
            if command.name in ("cd", "pushd"):
                after = run.cwds[index + 1] if index + 1 < len(run.cwds) else run._end[0]
                if after not in cwds:
                    cwds.append(after)
        if self.nonroot or any(command.name == "umask" for command in run.commands):
            for parts, vague, _ in list(effect.writes.entries):
                if not vague:
                    effect.writes.add_all(ancestors(show(parts), self.analyser.made))
        effect.writes_visible = effect.writes
        from lintlayers.rules.volatile_variable_early import _env_reader

        effect.env_safe = not _env_reader(self.analyser.context, instruction)

    def _heredocs_understood(self) -> bool:
        """Whether every heredoc is a shell script or data fed to a command of the RUN.

        ``RUN <<EOF`` with a ``#!/usr/bin/env python`` body has no command to judge.
        """
        instruction = self.run.instruction
        markers = [(heredoc.marker.start, heredoc.marker.end) for heredoc in instruction.heredocs]
        if any(
            not any(start <= word.start < end for start, end in markers)
            for word in instruction.words
        ):
            return True  # data for the commands (each judged on its own) or run by them
        scripts = self.analyser.context.scripts(instruction)
        return len(scripts) >= 1 + len(instruction.heredocs)

    def _mounts(self) -> None:
        effect = self.effect
        caches: set[str] = set()
        refs: list[str] = []
        for mount in self.run.mounts:
            if mount.target:
                effect.reads.exclude.append(_parts(mount.target))
                effect.writes.exclude.append(_parts(mount.target))
            if mount.type == "cache":
                caches.add(str(mount.options.get("id") or mount.target or ""))
            reference = mount.options.get("from")
            if reference:
                refs.append(reference)
        effect.caches = frozenset(caches)
        effect.stage_refs = tuple(refs)

    # -- one command ---------------------------------------------------------------------

    def _command(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        """Record what command ``index`` reads and writes; a reason if it is unknown."""
        effect = self.effect
        self._redirects(index, command, cwds)
        if not command.words:
            return ""
        if command.prefix and command.prefix[0].value.rpartition("/")[2] == "xargs":
            return "xargs " + command.name
        name = command.name
        program = command.words[0].value
        if "$" in program or "`" in program:
            return program
        if "/" in program and not program.startswith(("/usr/", "/bin/", "/sbin/")):
            return program  # a script or a program the Dockerfile put there
        if name not in _BUILTINS and "/" not in name:
            entries = effect.reads.entries
            directories = self.path_dirs
            exported = self.run.env_at(index).get("PATH")  # ``export PATH=/x/bin:$PATH``
            if exported and exported != self.scope_values.get("PATH"):
                directories = directories + [
                    part for part in exported.split(":") if part.startswith("/")
                ]
                if "$" in exported or any(not part.startswith("/") for part in exported.split(":")):
                    effect.reads.add("/", VAGUE_VARIABLE)
            for directory in directories:  # the program found through PATH
                entries.append(((*_parts(directory), name), "", ()))
        if name in _BUILTINS and name not in ("test", "[", "[["):
            return ""
        if name in _QUIET:
            return ""
        handler = _HANDLERS.get(name)
        if handler is not None:
            return handler(self, index, command, cwds)
        if name in _READERS:
            return self._reader(index, command, cwds)
        if name in _SYSTEM_PACKAGES:
            return self._system(index, command, cwds)
        return self._language(index, command, cwds)

    def _redirects(self, index: int, command: SimpleCommand, cwds: list[str]) -> None:
        for operator, target in zip(command.redirect_ops, command.redirects, strict=False):
            value = target.value
            if value.startswith("/dev/") or value.isdigit() or value == "-":
                continue
            if operator in (">", ">>", ">|", "&>", "&>>", ">&"):
                self.write(index, value, cwds)
            elif operator in ("<", "<>"):
                self.read(index, value, cwds)

    def paths(self, index: int, value: str, cwds: list[str]) -> list[str]:
        """Absolute paths ``value`` may name (every working directory the RUN may be in)."""
        run = self.run
        resolved = run.resolve(index, value)
        if value.startswith(("/", "~", "$")) or "\x00" in resolved:
            return [resolved]
        from lintlayers.model.run_effects import join

        expanded = run._expand(value, run.env_at(index))
        found = [resolved]
        for cwd in cwds:
            path = join(cwd, expanded)
            if path not in found:
                found.append(path)
        return found

    def read(self, index: int, value: str, cwds: list[str]) -> None:
        for path in self.paths(index, value, cwds):
            self.effect.reads.add(path)

    def write(self, index: int, value: str, cwds: list[str]) -> None:
        for path in self.paths(index, value, cwds):
            self.effect.writes.add(path)
            self.effect.reads.add(path)

    def cwd(self, cwds: list[str]) -> list[str]:
        return list(dict.fromkeys(cwds))

    # -- families ----------------------------------------------------------------------------

    def _reader(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        name = command.name
        if name == "find":
            args = command.args
            if any(value in ("-exec", "-execdir", "-ok", "-okdir") for value in args):
                return "find -exec"
            starts = []
            for value in args:
                if value.startswith(("-", "(", "!")):
                    break
                starts.append(value)
            for value in starts or ["."]:
                if "-delete" in args or "-fprint" in args:
                    self.write(index, value, cwds)
                else:
                    self.read(index, value, cwds)
            return ""
        if name == "sed" and any(
            value == "-i" or value.startswith(("-i", "--in-place")) for value in command.args
        ):
            positional = command.positional_args(("-e", "--expression", "-f", "--file"))
            if not command.has_flag("-e", "--expression", "-f", "--file"):
                positional = positional[1:]
            for value in positional:
                self.write(index, value, cwds)
            return ""
        if name.endswith("sum") and command.has_flag("-c", "--check"):
            self.effect.reads.everything("it checks files listed in its input")
        for value in command.positional_args():
            self.read(index, value, cwds)
        return ""

    def _system(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        effect = self.effect
        effect.reads.entries.extend(_SYSTEM_READS.entries)
        effect.writes.entries.extend(_SYSTEM_WRITES.entries)
        if command.name in _USER_TOOLS:
            positional = command.positional_args(_USER_OPTIONS)
            home = command.flag_value("-d", "--home", "-h")
            if home:
                self.write(index, home, cwds)
            elif positional:
                self.write(index, "/home/" + positional[-1], cwds)
            else:
                effect.writes.add("/home")
        for value in command.positional_args(_SYSTEM_VALUE_OPTIONS):
            if value.startswith(("/", "./", "../")) or value.endswith(_PACKAGE_FILES):
                self.read(index, value, cwds)
        return ""

    def _language(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        """Language package managers: dependency installs and global tool installs."""
        from lintlayers.model.package_managers import match_install, normalize_argv

        argv = [word.value for word in command.words]
        normal = normalize_argv(argv)
        tool = normal[0] if normal else ""
        rest = normal[1:]
        if rest and all(value in _VERSION_FLAGS for value in rest[:1]) and len(rest) == 1:
            return ""  # ``python --version``
        install = match_install(argv)
        if install is not None:
            return self._install(index, command, install, cwds)
        handler = _TOOLS.get(_tool_for(tool))
        if handler is None:
            return command.words[0].value
        return handler(self, index, command, tool, rest, cwds)

    def language_dirs(self, cwds: list[str], tool: str) -> None:
        """What a language package manager reads and writes besides its project.

        Besides its global directories it reads project settings in the directory it
        runs in and every directory above (``.npmrc``, ``.yarnrc``, ``.cargo/``,
        ``.bundle/config``, ``package.json``...), even for a global install.
        """
        effect = self.effect
        effect.writes.entries.extend(_LANGUAGE_WRITES.entries)
        effect.reads.entries.extend(_LANGUAGE_WRITES.entries)
        effect.reads.entries.extend(_LANGUAGE_READS.entries)
        for path in (*self.home_dots, *self.tool_dirs):
            effect.writes.add(path)
            effect.reads.add(path)
        from lintlayers.model.run_effects import join

        names = _PROJECT_SETTINGS.get(tool, (".*",))
        for cwd in cwds if names else ():
            if "\x00" in cwd:
                effect.reads.add(cwd)
                continue
            directory = cwd
            while names:
                for name in names:
                    effect.reads.add(join(directory, name))
                if directory == "/":
                    break
                directory = directory.rpartition("/")[0] or "/"

    def project_settings(self, index: int, tool: str, cwds: list[str]) -> None:
        """A ``config``/``set`` command may write the tool's settings in its directory."""
        for name in _PROJECT_SETTINGS.get(tool) or (".*",):
            self.write(index, name, cwds)

    def _install(self, index: int, command: SimpleCommand, install: object, cwds: list[str]) -> str:
        """A dependency install from manifests (``npm ci``, ``pip install -r``...)."""
        from lintlayers.model.package_managers import InstallMatch

        assert isinstance(install, InstallMatch)
        self.language_dirs(cwds, install.installer.tool)
        tool = install.installer.tool
        from lintlayers.model.run_effects import join

        args = set(install.argv)
        for project in self.paths(index, install.project_dir, cwds):
            for name in (*install.manifests, *install.optional, *install.wrapper):
                self.effect.reads.add(join(project, name.rstrip("/")))
            for name in _PROJECT_OUTPUTS.get(tool, ()):
                self.effect.writes.add(join(project, name))
                self.effect.reads.add(join(project, name))
            locks, frozen = _LOCKS.get(tool, ((), ()))
            if not (args & set(frozen)):
                for name in locks:
                    self.effect.writes.add(join(project, name))
            proven = id(self.run.instruction) in self.analyser.proven and install.manifest_only
            if not proven:
                self.effect.reads.add(project, "the install may read more than its manifests")
                if install.reads_sources or install.installs_project:
                    self.effect.writes.add(project, "the install builds the project itself")
        if tool == "pip":
            for value in install.argv:
                if value.startswith("--target=") or value.startswith("--prefix="):
                    self.write(index, value.partition("=")[2], cwds)
            for flag in ("-t", "--target", "--prefix", "--root", "--src"):
                value = command.flag_value(flag)
                if value:
                    self.write(index, value, cwds)
        return ""

    # -- handlers for particular commands ------------------------------------------------

    def _mkdir(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        for value in command.positional_args(("-m", "--mode", "-Z", "--context")):
            self.write(index, value, cwds)
        return ""

    def _touch(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        for value in command.flag_values("-r", "--reference"):
            self.read(index, value, cwds)
        for value in command.positional_args(("-d", "-r", "-t", "--date", "--reference")):
            self.write(index, value, cwds)
        return ""

    def _remove(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        for value in command.positional_args():
            self.write(index, value, cwds)
        return ""

    def _chmod(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        positional = command.positional_args(("--reference",))
        if command.name in ("chown", "chgrp"):
            self.effect.reads.add_all(("/etc/passwd", "/etc/group"))
        mode_as_flag = command.name == "chmod" and any(
            re.fullmatch(r"-[rwxXstugoa]+", value) for value in command.args
        )
        if not mode_as_flag and not any(value.startswith("--reference") for value in command.args):
            positional = positional[1:]
        for value in positional:
            self.write(index, value, cwds)
        return ""

    def _ln(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        target_dir = command.flag_value("-t", "--target-directory")
        positional = command.positional_args(("-t", "--target-directory", "-S", "--suffix"))
        if target_dir:
            self.write(index, target_dir, cwds)
            return ""
        if not positional:
            return ""
        if len(positional) == 1:
            link = positional[0].rstrip("/").rpartition("/")[2] or positional[0]
        else:
            link = positional[-1]
        self.write(index, link, cwds)
        symbolic = command.has_flag("-s", "--symbolic")
        if not symbolic:
            for value in positional[:-1]:
                self.read(index, value, cwds)
        elif len(positional) == 2:
            from lintlayers.model.run_effects import join

            for path in self.paths(index, link, cwds):
                target = positional[0]
                if not target.startswith("/"):
                    target = join(path.rpartition("/")[0] or "/", target)
                target = self.run._expand(target, self.run.env_at(index))
                self.effect.links.append((path, target))
        return ""

    def _copy_like(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        name = command.name
        target_dir = command.flag_value("-t", "--target-directory")
        positional = command.positional_args(_COPY_VALUE_OPTIONS)
        if name == "install" and command.has_flag("-d", "--directory"):
            for value in positional:
                self.write(index, value, cwds)
            return ""
        if name == "rsync":
            positional = [value for value in positional if ":" not in value]
        if target_dir:
            sources, destination = positional, target_dir
        elif len(positional) >= 2:
            sources, destination = positional[:-1], positional[-1]
        else:
            return "" if not positional else name + " with one operand"
        for value in sources:
            if name == "mv":
                self.write(index, value, cwds)
            else:
                self.read(index, value, cwds)
        self.write(index, destination, cwds)
        if name == "install" and command.has_flag("-o", "--owner", "-g", "--group"):
            self.effect.reads.add_all(("/etc/passwd", "/etc/group"))
        return ""

    def _tee(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        for value in command.positional_args():
            self.write(index, value, cwds)
        return ""

    def _truncate(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        for value in command.positional_args(("-s", "--size", "-r", "--reference")):
            self.write(index, value, cwds)
        return ""

    def _tar(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        from lintlayers.model.run_effects import extracted_archives

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
                self.read(index, archive, cwds)
            self.write(index, directory or ".", cwds)
        elif create:
            for value in command.positional_args(("-C", "--directory", "-f", "--file")):
                if value != letters:
                    self.read(index, directory or value, cwds)
            if archive:
                self.write(index, archive, cwds)
            elif "f" in letters:
                return "tar with an archive lintlayers cannot find"
        elif archive:
            self.read(index, archive, cwds)
        return ""

    def _unzip(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        positional = command.positional_args(("-d", "-P", "-x", "-I", "-O"))
        if positional:
            self.read(index, positional[0], cwds)
        self.write(index, command.flag_value("-d") or ".", cwds)
        return ""

    def _compress(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        to_stdout = command.has_flag("-c", "--stdout", "--to-stdout")
        if command.has_flag("-S", "--suffix", "-r", "--recursive"):
            return f"{command.name} with a suffix or recursion"
        for value in command.positional_args(("-S", "--suffix", "-o", "-T", "--threads")):
            self.read(index, value, cwds)
            if not to_stdout:
                self.write(index, value, cwds)
                stem = re.sub(r"\.(gz|bz2|xz|zst|lzma|Z|tgz|tbz2|txz)$", "", value)
                for path in {stem, *(value + suffix for suffix in _COMPRESSED)}:
                    self.write(index, path, cwds)
        output = command.flag_value("-o")
        if output:
            self.write(index, output, cwds)
        return ""

    def _download(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        from lintlayers.model.run_effects import download_targets

        effect = self.effect
        effect.reads.add_all(("/etc", "/usr/share/ca-certificates", "/usr/local/share"))
        effect.reads.add_all(self.home_dots)
        for value in download_targets(command):
            self.write(index, value, cwds)
        if command.name == "wget" and command.has_flag("-r", "--recursive", "-m", "--mirror"):
            self.write(index, command.flag_value("-P", "--directory-prefix") or ".", cwds)
        if command.name == "curl":
            if command.has_flag("-O", "--remote-name", "--remote-name-all", "-J"):
                self.write(index, command.flag_value("--output-dir") or ".", cwds)
            for flag in _CURL_FILE_OPTIONS:
                for value in command.flag_values(flag):
                    self.read(index, value, cwds)
            for flag in ("-d", "--data", "--data-binary", "--data-urlencode", "-F", "--form"):
                for value in command.flag_values(flag):
                    if "@" in value:
                        self.read(index, value.rpartition("@")[2].partition(";")[0], cwds)
        return ""

    def _git(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        effect = self.effect
        effect.reads.add_all(("/etc", *self.home_dots))
        directory = command.flag_value("-C")
        positional = command.positional_args(_GIT_VALUE_OPTIONS)
        here = directory or "."
        if not positional:
            return ""
        action = positional[0]
        if action == "clone":
            if len(positional) >= 3:
                self.write(index, positional[2], cwds)
            elif len(positional) == 2:
                base = positional[1].rstrip("/").rpartition("/")[2].removesuffix(".git")
                self.write(index, base or ".", cwds)
            return ""
        if action == "config":
            if command.has_flag("--system"):
                effect.writes.add("/etc/gitconfig")
            elif command.has_flag("--global"):
                effect.writes.add_all(self.home_dots)
            else:
                self.write(index, here, cwds)
            return ""
        if action in ("--version", "version", "rev-parse", "log", "describe", "status"):
            self.read(index, here, cwds)
            return ""
        self.write(index, here, cwds)  # checkout, apply, submodule, fetch...: the repository
        return ""

    def _gpg(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        effect = self.effect
        effect.reads.add_all(("/etc", *self.home_dots))
        effect.writes.add_all(self.home_dots)
        home = command.flag_value("--homedir")
        gnupg = self.run.env_at(index).get("GNUPGHOME") or self.scope_values.get("GNUPGHOME")
        for value in (home, gnupg):
            if value:
                self.write(index, value, cwds)
        if "GNUPGHOME" in self.effect.text and not gnupg:
            self.effect.writes.add("/", VAGUE_VARIABLE)
        for value in command.flag_values("-o", "--output"):
            self.write(index, value, cwds)
        if command.has_flag(*_GPG_KEY_ACTIONS):
            return ""  # the words are key ids, not files
        for value in command.positional_args(_GPG_VALUE_OPTIONS):
            self.read(index, value, cwds)
        return ""

    def _mktemp(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        directory = command.flag_value("-p", "--tmpdir") or self.scope_values.get("TMPDIR")
        self.effect.writes.add(directory or "/tmp")
        return ""

    def _shell(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        if not command.has_flag("-c"):
            return command.name + " without -c"
        inner = [
            other
            for other in self.run.commands
            if other.shell_depth > command.shell_depth
            and command.start <= other.start
            and other.end <= command.end
        ]
        return "" if inner else command.name + " -c"

    def _source(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        positional = command.positional_args()
        if positional and positional[0] in _SOURCED_FILES:
            self.read(index, positional[0], cwds)
            return ""
        return f"{command.name} {positional[0] if positional else ''}".strip()

    def _test(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        for value in command.args:
            if not value.startswith("-") and value not in ("]", "]]", "!", "=", "==", "!="):
                self.read(index, value, cwds)
        return ""

    def _umask(self, index: int, command: SimpleCommand, cwds: list[str]) -> str:
        return ""


_RUNTIME = PathSet(RUNTIME_READS)
_SYSTEM_WRITES = PathSet(SYSTEM_DIRS, APP_DIRS)
"""Distro packages and their maintainer scripts: never ``/usr/local`` nor the app dirs."""
_SYSTEM_READS = PathSet(SYSTEM_DIRS, APP_DIRS[:-1])
_SYSTEM_READS.entries[0] = (
    ("usr",),
    "",
    (("usr", "src", "app"), ("usr", "app"), ("usr", "local", "bin"), ("usr", "local", "sbin")),
)
_SYSTEM_READS.add_all(
    "/usr/local/bin/" + name for name in ("sh", "bash", "dash", "python*", "perl*", "env")
)
"""Maintainer scripts read ``/usr/local`` too (certificates, libraries), but its programs only
by the names of the interpreters they run."""


_COPY_VALUE_OPTIONS = (
    "-t", "--target-directory", "-S", "--suffix", "-m", "--mode", "-o", "--owner", "-g",
    "--group", "--exclude", "--include", "-e", "--chmod", "--chown",
)  # fmt: skip
_GIT_VALUE_OPTIONS = (
    "-C", "-c", "-b", "--branch", "--depth", "-o", "--origin", "-j", "--config", "--reference",
    "--separate-git-dir", "--filter", "--shallow-since",
)  # fmt: skip
_NODE_VALUE_OPTIONS = (
    "--prefix", "--registry", "--cache", "-C", "--dir", "--cwd", "--filter", "-F", "--loglevel",
    "-w", "--workspace",
)  # fmt: skip
_PROJECT_SETTINGS: dict[str, tuple[str, ...]] = {
    "npm": (".npmrc", "package.json", "node_modules"),
    "yarn": (".yarnrc", ".yarnrc.yml", ".npmrc", ".yarn", ".pnp.cjs", "package.json"),
    "pnpm": (".npmrc", ".pnpmfile.cjs", "pnpm-workspace.yaml", "package.json"),
    "corepack": ("package.json",),
    "uv": ("uv.toml", "pyproject.toml", ".python-version"),
    "poetry": ("poetry.toml", "pyproject.toml"),
    "pipenv": ("Pipfile", ".env", ".venv"),
    "go": ("go.mod", "go.work"),
    "cargo": (".cargo", "Cargo.toml", "rust-toolchain", "rust-toolchain.toml"),
    "rustup": ("rust-toolchain", "rust-toolchain.toml"),
    "bundler": (".bundle", "Gemfile", "gems.rb"),
    "bundle": (".bundle", "Gemfile", "gems.rb"),
    "composer": ("composer.json", "auth.json"),
    "maven": (".mvn", "pom.xml"),
    "gradle": ("gradle.properties", "settings.gradle", "settings.gradle.kts", ".gradle"),
    "conda": (".condarc",),
    "pip": (),
    "pip-tools": (),
    "gem": (),
    "pipx": (),
}
"""Settings each language tool looks for in its working directory and every one above."""
_LANGUAGE_WRITES = PathSet(
    ("/usr/local", "/usr/lib", "/usr/share", "/opt", "/tmp", "/var/lib/gems"), APP_DIRS[:-1]
)
"""Where pip, npm -g, gem... install: site-packages, global prefixes, /opt venvs."""
_LANGUAGE_READS = PathSet(("/usr", "/etc"), APP_DIRS[:-1])

_CURL_FILE_OPTIONS = (
    "-T", "--upload-file", "-K", "--config", "--cacert", "-E", "--cert", "--key", "--capath",
)  # fmt: skip
_GPG_KEY_ACTIONS = (
    "--recv-keys", "--recv-key", "--keyserver", "--export", "-k", "--list-keys",
    "--fingerprint", "--search-keys",
)  # fmt: skip
_GPG_VALUE_OPTIONS = (
    "--keyserver", "--recv-keys", "--recv-key", "--homedir", "-o", "--output", "-r",
    "--recipient", "-u", "--local-user", "--keyserver-options", "--default-key",
    "--trust-model", "--export", "-k", "--list-keys",
)  # fmt: skip
_SOURCED_FILES = frozenset({"/etc/os-release", "/usr/lib/os-release", "/etc/lsb-release"})
"""Files a RUN may source (``. /etc/os-release``): plain assignments."""
_PIP_ACTIONS = frozenset(
    {"install", "uninstall", "download", "wheel", "cache", "config", "freeze", "list", "show",
     "check", "--version", ""}
)  # fmt: skip
_PIP_DIRECTORY_OPTIONS = (
    "-t", "--target", "--prefix", "--root", "--src", "-d", "--dest", "-w", "--wheel-dir", "-f",
    "--find-links",
)  # fmt: skip
_NODE_QUIET_ACTIONS = frozenset(
    {"cache", "--version", "-v", "version", "view", "info", "get", "ping", "whoami", "bin",
     "root", "prefix", "store", "help"}
)  # fmt: skip
_NODE_INSTALL_ACTIONS = frozenset(
    {"install", "i", "add", "update", "up", "upgrade", "remove", "uninstall", "rm", "global",
     "link", "prune", "dedupe"}
)  # fmt: skip
_NODE_PROJECT_FILES = (
    "package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "node_modules", ".yarn",
)  # fmt: skip
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


# ----------------------------------------------------------------- language tools (no install)


def _tool_pip(
    model: _RunModel,
    index: int,
    command: SimpleCommand,
    tool: str,
    rest: list[str],
    cwds: list[str],
) -> str:
    """pip without requirement files: named packages, local paths, config."""
    from lintlayers.model.run_effects import PIP_VALUE_OPTIONS

    model.language_dirs(cwds, tool)
    positional = [value for value in _positional(rest, PIP_VALUE_OPTIONS)]
    action = positional[0] if positional else ""
    if action in _PIP_ACTIONS:
        for value in positional[1:]:
            if (
                value == "."
                or value.startswith(("./", "../", "/", "~"))
                or value.endswith((".whl", ".tar.gz", ".zip"))
            ):
                model.write(index, value, cwds)  # a local project: read, and built in place
        for flag in ("-e", "--editable", "-r", "--requirement", "-c", "--constraint"):
            for value in command.flag_values(flag):
                model.write(index, value, cwds)
                model.effect.reads.add(model.paths(index, ".", cwds)[0], VAGUE_VARIABLE)
        for flag in _PIP_DIRECTORY_OPTIONS:
            for value in command.flag_values(flag):
                if "://" not in value:
                    model.write(index, value, cwds)
        return ""
    return f"pip {action}"


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


def _tool_node(
    model: _RunModel,
    index: int,
    command: SimpleCommand,
    tool: str,
    rest: list[str],
    cwds: list[str],
) -> str:
    """npm, yarn and pnpm without a manifest install: global installs, adding packages."""
    model.language_dirs(cwds, tool)
    positional = _positional(rest, _NODE_VALUE_OPTIONS)
    action = positional[0] if positional else ""
    global_install = any(value in ("-g", "--global") for value in rest) or action == "global"
    if action in ("config", "set"):
        model.project_settings(index, tool, cwds)
        return ""
    if action in _NODE_QUIET_ACTIONS:
        return ""
    if action in _NODE_INSTALL_ACTIONS:
        if global_install:
            return ""
        for value in _NODE_PROJECT_FILES:
            model.write(index, value, cwds)
        model.read(index, ".", cwds)
        return ""
    return f"{tool} {action}".strip()


def _tool_simple_global(
    model: _RunModel,
    index: int,
    command: SimpleCommand,
    tool: str,
    rest: list[str],
    cwds: list[str],
) -> str:
    """gem, pipx, corepack, cargo install, go install/env, composer global, uv tool."""
    model.language_dirs(cwds, tool)
    positional = [value for value in rest if not value.startswith("-")]
    action = positional[0] if positional else ""
    allowed = {
        "gem": {"install", "update", "uninstall", "sources", "env", "list", "cleanup"},
        "pipx": {"install", "inject", "ensurepath", "upgrade"},
        "corepack": {"enable", "prepare", "install", "disable", "use"},
        "cargo": {"install", "--version"},
        "go": {"install", "env", "version"},
        "composer": {"global", "config", "self-update", "selfupdate", "--version", "diagnose"},
        "uv": {"tool", "python", "venv", "--version", "cache"},
        "bundle": {"config"},
        "poetry": {"config", "--version", "self"},
        "rustup": {"component", "target", "toolchain", "default", "install", "update", "show"},
        "conda": {"config", "clean", "--version"},
    }.get(tool, set())
    if action not in allowed:
        return f"{tool} {action}".strip()
    if tool == "go" and action == "install":
        for value in positional[1:]:
            if value.startswith((".", "/")) or "@" not in value:
                return "go install of local packages"
    if tool == "cargo" and (command.has_flag("--path") or not positional[1:]):
        return "cargo install of a local crate"
    if action == "config":
        model.project_settings(index, tool, cwds)  # ``--local``, ``--location=project``...
    if tool == "uv" and action == "venv":
        model.write(index, positional[1] if len(positional) > 1 else ".venv", cwds)
    return ""


def _tool_python(
    model: _RunModel,
    index: int,
    command: SimpleCommand,
    tool: str,
    rest: list[str],
    cwds: list[str],
) -> str:
    """``python -m venv DIR`` and ``virtualenv DIR``; other Python runs are unknown."""
    if tool == "virtualenv" or rest[:2] == ["-m", "venv"] or rest[:2] == ["-m", "virtualenv"]:
        positional = [value for value in rest if not value.startswith("-")]
        if tool != "virtualenv":
            positional = positional[1:]
        model.effect.reads.add_all(("/usr", "/etc", "/opt"))
        for value in positional or ["."]:
            model.write(index, value, cwds)
        return ""
    return " ".join([tool, *rest[:2]])


_TOOLS = {
    "pip": _tool_pip,
    "npm": _tool_node,
    "yarn": _tool_node,
    "pnpm": _tool_node,
    "gem": _tool_simple_global,
    "pipx": _tool_simple_global,
    "corepack": _tool_simple_global,
    "cargo": _tool_simple_global,
    "go": _tool_simple_global,
    "composer": _tool_simple_global,
    "uv": _tool_simple_global,
    "bundle": _tool_simple_global,
    "poetry": _tool_simple_global,
    "rustup": _tool_simple_global,
    "conda": _tool_simple_global,
    "virtualenv": _tool_python,
}
for _name in ("python", "python2", "python3"):
    _TOOLS[_name] = _tool_python


def _tool_for(name: str) -> str:
    return "python" if re.match(r"python[0-9.]*$", name) else name


_HANDLERS = {
    "mkdir": _RunModel._mkdir,
    "touch": _RunModel._touch,
    "rm": _RunModel._remove,
    "rmdir": _RunModel._remove,
    "unlink": _RunModel._remove,
    "shred": _RunModel._remove,
    "chmod": _RunModel._chmod,
    "chown": _RunModel._chmod,
    "chgrp": _RunModel._chmod,
    "ln": _RunModel._ln,
    "cp": _RunModel._copy_like,
    "mv": _RunModel._copy_like,
    "install": _RunModel._copy_like,
    "rsync": _RunModel._copy_like,
    "tee": _RunModel._tee,
    "truncate": _RunModel._truncate,
    "tar": _RunModel._tar,
    "unzip": _RunModel._unzip,
    "gzip": _RunModel._compress,
    "gunzip": _RunModel._compress,
    "bzip2": _RunModel._compress,
    "bunzip2": _RunModel._compress,
    "xz": _RunModel._compress,
    "unxz": _RunModel._compress,
    "zstd": _RunModel._compress,
    "unzstd": _RunModel._compress,
    "curl": _RunModel._download,
    "wget": _RunModel._download,
    "git": _RunModel._git,
    "gpg": _RunModel._gpg,
    "gpgv": _RunModel._gpg,
    "gpgconf": _RunModel._gpg,
    "mktemp": _RunModel._mktemp,
    "sh": _RunModel._shell,
    "bash": _RunModel._shell,
    "dash": _RunModel._shell,
    "ash": _RunModel._shell,
    "zsh": _RunModel._shell,
    ".": _RunModel._source,
    "source": _RunModel._source,
    "test": _RunModel._test,
    "[": _RunModel._test,
    "[[": _RunModel._test,
    "umask": _RunModel._umask,
}
