"""What each instruction of a stage reads, writes, defines and observes; which pairs may swap.

Two instructions of a stage may swap only when neither can observe the other:
``commutes(a, b)`` says whether they may and, when not, why. The analysis is
conservative: whatever it cannot prove keeps its order.

Per instruction (``Effect``):

- files written and read in the image (``PathSet``: absolute paths, each standing
  for itself and everything below it, shell globs allowed per component). COPY/ADD
  write where their sources land (``lintlayers.model.copy_targets``) and read no image
  file (their sources are the build context), except ``/etc/passwd`` for a ``--chown``
  name. A
  RUN writes and reads what its commands do when every command is known (file tools,
  redirects, downloads, system and language package managers, user tools); one
  unknown command makes it read and write everything (``unknown``).
- ARG/ENV names defined (``defines``) and referenced (``uses``), WORKDIR/USER/SHELL
  set and observed (``sets_state``/``reads_state``), stage references, cache mounts,
  and the kind of metadata (LABEL, CMD...) whose order among its own kind matters.

Environment: an ARG with a value and every ENV enter the environment of every later
RUN, which may read any variable without naming it. A RUN and an ARG/ENV therefore
never swap, except when every name the ARG/ENV defines is a per-build identifier
(``lintlayers.model.volatile``: ``GIT_SHA``, ``BUILD_DATE``...), the RUN never names it,
runs only commands this module knows, and none of them reads its environment freely
(``lintlayers.model.environment``: scripts, build tools, interpreters running files),
the same readings rule LL102 reports from. No known command
reads a per-build identifier from its environment. Two ENVs never swap: the image
config keeps their order.

The file-level reads and writes use ``PathSet`` and the base-image layout assumed in
``lintlayers.reorder.pathsets``; what each known shell command of a RUN reads and
writes is ``lintlayers.reorder.run_model``.
"""

from __future__ import annotations

import re

from lintlayers.model.metadata import LAST_ONE_WINS, METADATA
from lintlayers.reorder.pathsets import (
    VAGUE_WORKDIR,
    PathSet,
    ancestors,
    is_glob_part,
    path_parts,
)
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.model.stages import Scope, Stage
    from lintlayers.model.steps import Step
    from lintlayers.syntax.nodes import Instruction


ORDERED_METADATA = LAST_ONE_WINS
"""Metadata whose last occurrence wins (or, for ONBUILD, which run in order)."""
_LAUNCH = frozenset({"CMD", "ENTRYPOINT"})  # ENTRYPOINT may reset CMD: keep them in order
_SHELL_WRAPPED = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"})
_EXPANDING = frozenset(
    {"ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG"}
)
_KNOWN_KEYWORDS = frozenset(
    {"RUN", "COPY", "ADD", "ENV", "ARG", "WORKDIR", "USER", "SHELL", *METADATA}
)


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
    from lintlayers.model.volatile import is_volatile_name

    return is_volatile_name(name)


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

    ``proven_installs`` holds ``id()``s of install RUNs shown (by the install model's
    reading of the build context, ``lintlayers.model.installs``) to read only their
    manifests.
    """
    model = context.model
    base_user_known = stage.base_stage is not None or stage.base.lower() == "scratch"
    analyser = Analyser(context, proven_installs, base_user_known)
    found = [
        analyser.effect(index, instruction, scope, _own_step(context, stage, instruction))
        for index, (instruction, scope) in enumerate(model.walk(stage))
    ]
    _follow_links(found)
    if context.context_dir is not None:
        _refine_copies(context, found)
    return found


def _own_step(context: RuleContext, stage: Stage, instruction: Instruction) -> Step | None:
    """The step of ``instruction`` in ``stage``'s own sequence (not an ONBUILD trigger's)."""
    from lintlayers.model.steps import step_of

    step = step_of(context, instruction)
    return step if step is not None and not step.onbuild and step.stage is stage else None


def _follow_links(effects: list[Effect]) -> None:
    """Paths under a symlink a RUN made also stand for the same paths under its target."""
    links = [link for effect in effects for link in effect.links]
    if not links:
        return
    pairs = [(path_parts(link), path_parts(target)) for link, target in links]
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
            root_parts = path_parts(root)
            for other in effects:
                if other is effect:
                    continue
                for path_set in (other.reads, other.writes):
                    for parts, _, _ in path_set.entries:
                        if len(parts) <= len(root_parts) or parts[: len(root_parts)] != root_parts:
                            continue
                        relative = parts[len(root_parts) :]
                        if any(is_glob_part(part) for part in relative):
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


class Analyser:
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
        from lintlayers.model.paths import expand_known

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
        from lintlayers.model.paths import expand_known, join

        value = expand_known(instruction.words[0].value, step.env)
        if not value.startswith("/"):
            effect.reads_state = frozenset({"USER", "WORKDIR"})
        path = join(step.workdir, value)
        effect.writes.add(path)
        effect.writes.add_all(ancestors(path, self.made))  # created with it, by its user
        if "$" not in path and "\x00" not in path:
            self.made.update((path, *ancestors(path)))

    def unknown(self, effect: Effect, what: str) -> None:
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

    def runs_as_root(self, step: Step) -> bool:
        from lintlayers.model.run_effects import is_root_user

        if step.user is None:
            return self.base_user_known or self.user_set
        return is_root_user(step.user)

    # -- COPY / ADD -------------------------------------------------------------------------

    def _copy(
        self, effect: Effect, instruction: Instruction, scope: Scope, step: Step | None
    ) -> None:
        from lintlayers.model.copy_args import LOCAL
        from lintlayers.model.copy_targets import copy_targets
        from lintlayers.model.paths import expand_known

        if step is None:
            effect.writes.everything(VAGUE_WORKDIR)
            return
        parsed = step.copy_args
        reference = parsed.from_stage
        if reference is not None:
            effect.stage_refs = (expand_known(reference, step.env),)
        chown = parsed.chown
        if chown is not None and not re.fullmatch(r"[0-9]+(:[0-9]+)?", chown):
            effect.reads.add_all(("/etc/passwd", "/etc/group"))
        if parsed.destination is None:
            effect.writes.everything("its destination is missing")
            return
        if not expand_known(parsed.destination.value, step.env).startswith("/"):
            effect.reads_state = frozenset({"WORKDIR"})
        targets = copy_targets(step, self.context.context_dir)  # where each source lands
        for target in targets:
            effect.writes.add(target.path)
        if (chown is not None or parsed.chmod is not None) and targets:
            effect.writes.add_all(ancestors(targets[0].destination, self.made))
        effect.writes_visible = effect.writes
        if reference is None and instruction.keyword == "COPY" and not parsed.parents:
            effect.sources = [
                (target.destination, target.value)
                for target in targets
                if target.tree and target.source.kind == LOCAL and not is_glob_part(target.value)
            ]

    _add = _copy

    # -- RUN -------------------------------------------------------------------------------

    def _run(
        self, effect: Effect, instruction: Instruction, scope: Scope, step: Step | None
    ) -> None:
        from lintlayers.model.run_effects import effects as run_effects
        from lintlayers.reorder.run_model import RunModel

        effect.reads_state = frozenset(effect.reads_state | {"WORKDIR", "USER"})
        effect.text = instruction.logical.text + "".join(
            "\n" + heredoc.content for heredoc in instruction.heredocs
        )
        if step is None:
            self.unknown(effect, "the RUN")
            return
        model = RunModel(self, effect, run_effects(self.context, step), scope)
        model.analyse()
