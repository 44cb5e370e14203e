"""The cache plan: each stage's steps, what enters their keys and what each RUN reads.

``build_plan(model, builder=..., context=...)`` turns a ``BuildModel`` into a
``CachePlan``: per stage (``StagePlan``) the ordered ``CacheStep``s, FROM first and
then every instruction of the stage (so ``steps[i]`` is buildah's ``STEP i+1``).
Whether an instruction is a cache step and which inputs its key has come from
``facts.FACTS``; this module only resolves those inputs for one file: the context
files a COPY/ADD selects (through ``BuildContext`` and ``.dockerignore`` when a
context is given, else the source patterns as written), the ARG/ENV names in a key,
the stages a step reads, the remote a step fetches, and for RUN the context files it
needs (its read set) and the kinds of work it does (for costs).
"""

from __future__ import annotations

import posixpath
from _collections_abc import Set  # collections.abc re-exports it, at an import's cost
from bisect import bisect_left
from collections import Counter
from itertools import islice

from lintlayers.buildcontext.patterns import (
    IgnoreMatcher,
    PatternError,
    filepath_match,
    go_clean,
    has_wildcards,
)
from lintlayers.cache import facts as F
from lintlayers.model.commands import (
    DOWNLOAD,
    EVERYTHING,
    FILES,
    OTHER,
    PROJECT,
    command_facts,
    named_paths,
)
from lintlayers.model.copy_args import copy_args
from lintlayers.model.paths import expand_known, is_within, join
from lintlayers.model.scope_values import walk_scopes
from lintlayers.model.stages import PLATFORM_ARGS
from lintlayers.model.state import (
    UNKNOWN_WORKDIR,
    State,
    initial_state,
    is_posix_shell,
    state_after,
)
from lintlayers.model.variables import referenced_names
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from lintlayers.buildcontext.context import BuildContext
    from lintlayers.cache.facts import Facts
    from lintlayers.context import RuleContext
    from lintlayers.model.copy_args import CopyArgs
    from lintlayers.model.stages import BuildModel, Scope, Stage
    from lintlayers.shell.commands import SimpleCommand
    from lintlayers.syntax.nodes import Instruction

ROOT = "."
"""The context root as a source pattern (``COPY . .``)."""
_NO_NAMES: frozenset[str] = frozenset()
"""The one empty set of names (each ``frozenset()`` call makes a new 216-byte object)."""
_FILES_ONLY = (FILES,)
_KINDS: dict[tuple[str, ...], tuple[str, ...]] = {}
"""One tuple for each combination of kinds of work: a large file has thousands of RUNs."""


# ------------------------------------------------------------------------------ the plan


class KeySource:
    """A context source pattern whose files enter a step's key (a COPY source, a bind mount).

    ``pattern`` is context-relative and cleaned (``.`` for the root); ``excludes`` are
    the ``COPY --exclude`` patterns.
    """

    __slots__ = ("_excludes", "excludes", "mount", "pattern")

    def __init__(self, pattern: str, excludes: tuple[str, ...] = (), mount: bool = False) -> None:
        self.pattern = pattern
        self.excludes = excludes
        self.mount = mount
        self._excludes = IgnoreMatcher(excludes) if excludes else None

    def selects(self, path: str) -> bool:
        """Whether a (cleaned, context-relative) ``path`` is under this source.

        A directory brings its whole tree; a wildcard matches at the depth it is
        written, as ``filepath.Match`` (a matched directory brings its tree too).
        ``.dockerignore`` is the plan's business, not this one's.
        """
        pattern = self.pattern
        if pattern == ROOT:
            relative = path
        elif not has_wildcards(pattern):
            if path != pattern and not path.startswith(pattern + "/"):
                return False
            relative = path[len(pattern) + 1 :]
        else:
            depth = pattern.count("/") + 1
            parts = path.split("/")
            if len(parts) < depth:
                return False
            try:
                if not filepath_match(pattern, "/".join(parts[:depth])):
                    return False
            except PatternError:
                return False
            relative = "/".join(parts[depth - 1 :])  # from the matched name on
        if self._excludes is None:
            return True
        relative = relative or path.rpartition("/")[2]
        return not (self._excludes.is_ignored(relative) or self._excludes.is_ignored(path))

    def __repr__(self) -> str:
        return f"KeySource({self.pattern!r})"


class CacheStep:
    """One instruction of a stage as the cache sees it.

    ``index`` is its position in the stage (FROM is 0); ``instruction`` the instruction
    as written (an ONBUILD, not its trigger); ``form`` its ``FACTS`` form and ``facts``
    the entry for the plan's builder; ``cache_step`` whether the builder looks it up.

    Key inputs: ``context_files`` (context-relative paths the key depends on: the files
    COPY/ADD sources and bind mounts select through the BuildContext, or the source
    patterns when there is no context), ``key_sources`` (those sources as patterns, to
    test any path, including one that does not exist yet), ``variables`` (ARG/ENV names
    with a value that enter the key), ``passed_args`` (ARGs in the key only when given
    with ``--build-arg``: declared without a default), ``stage_refs`` (labels of the stages
    it is built on or copies/mounts from), ``remote`` (the URL or Git source it fetches)
    and ``volatile`` (its key may change on any build).

    For RUN: ``kinds`` the kinds of work for costs (also set for other steps),
    ``reads`` the context files it needs (from the package-manager table, paths its
    commands name, the project a compiler builds), ``reads_everything`` when it runs
    something unknown (then ``reads`` is every context file copied before it), and
    ``read_copies`` the COPY/ADD steps those files came from. ``workdir`` is the
    working directory before the step (``model.steps.UNKNOWN_WORKDIR`` when an external
    base image decides it) and ``destination`` the absolute COPY/ADD destination.
    """

    __slots__ = (
        "_everything",
        "_read_copies",
        "_reads",
        "cache_step",
        "context_files",
        "destination",
        "facts",
        "form",
        "index",
        "instruction",
        "key_sources",
        "keyword",
        "kinds",
        "passed_args",
        "reads_everything",
        "remote",
        "stage",
        "stage_refs",
        "variables",
        "volatile",
        "workdir",
    )

    def __init__(self, stage: StagePlan, index: int, instruction: Instruction, form: str) -> None:
        self.stage = stage
        self.index = index
        self.instruction = instruction
        self.keyword = instruction.keyword
        self.form = form
        self.facts: Facts = F.facts(stage.plan.builder, form)
        self.cache_step = self.facts.cache_step
        self.volatile = self.facts.volatile
        self.context_files: tuple[str, ...] = ()
        self.key_sources: tuple[KeySource, ...] = ()
        self.variables: Set[str] = _NO_NAMES
        self.passed_args: frozenset[str] = _NO_NAMES
        self.stage_refs: tuple[str, ...] = ()
        self.remote: str | None = None
        self.destination: str | None = None
        self.workdir = UNKNOWN_WORKDIR
        self.kinds: tuple[str, ...] = _FILES_ONLY
        self._reads: tuple[str, ...] = ()
        self.reads_everything = False
        self._read_copies: tuple[CacheStep, ...] = ()
        self._everything: tuple[list[_Placed], int] | None = None

    @property
    def line(self) -> int:
        return self.instruction.start_line

    @property
    def reads(self) -> tuple[str, ...]:
        """The context files a RUN needs, sorted (see the class)."""
        if self._everything is None:
            return self._reads
        files, _ = _everything(*self._everything)
        return tuple(sorted({*self._reads, *files}))

    @property
    def read_copies(self) -> tuple[CacheStep, ...]:
        """The COPY/ADD steps ``reads`` came from, in the order they were found."""
        if self._everything is None:
            return self._read_copies
        _, steps = _everything(*self._everything)
        return tuple(dict.fromkeys((*self._read_copies, *steps)))

    @property
    def chained(self) -> bool:
        """Whether its key depends on every earlier step of the stage (not ``COPY --link``)."""
        return self.facts.chained

    @property
    def kind(self) -> str:
        """The main kind of work (the first of ``kinds``; ``base`` for FROM)."""
        return self.kinds[0] if self.kinds else "base"

    @property
    def full_text(self) -> str:
        """The instruction on one line (continuations and runs of blanks joined)."""
        return " ".join(self.instruction.logical.text.split())

    @property
    def text(self) -> str:
        """The instruction on one line, shortened for messages."""
        text = self.full_text
        return text if len(text) <= 72 else text[:69] + "..."

    def key_source_for(self, path: str) -> KeySource | None:
        """The source through which ``path`` enters this step's key, if any."""
        for source in self.key_sources:
            if source.selects(path):
                return source
        return None

    def __repr__(self) -> str:
        return f"CacheStep({self.stage.label}#{self.index} line {self.line}: {self.text!r})"


class StagePlan:
    """The steps of one stage; ``base`` is the StagePlan it is built FROM, if any.

    ``built`` is False for a stage BuildKit skips (not needed by the target).
    """

    __slots__ = ("base", "built", "index", "name", "plan", "stage", "steps")

    def __init__(self, plan: CachePlan, stage: Stage) -> None:
        self.plan = plan
        self.stage = stage
        self.index = stage.index
        self.name = stage.name
        self.base: StagePlan | None = None
        self.built = True
        self.steps: list[CacheStep] = []

    @property
    def label(self) -> str:
        return self.stage.label

    @property
    def cache_steps(self) -> list[CacheStep]:
        return [step for step in self.steps if step.cache_step]

    def __repr__(self) -> str:
        return f"StagePlan({self.label}, {len(self.steps)} steps)"


class CachePlan:
    """Every stage's steps under one builder, and the context they read.

    ``ignore_file`` is the context-relative path of the ignore file in force (a change
    to it may change what every directory COPY selects), ``None`` when there is none or
    it lies outside the context.
    """

    __slots__ = ("_ignored", "builder", "context", "ignore_file", "model", "stages", "target")

    def __init__(self, model: BuildModel, builder: str, context: BuildContext | None) -> None:
        if builder not in F.BUILDERS:
            raise ValueError(f"unknown builder {builder!r} (known: {', '.join(F.BUILDERS)})")
        self.model = model
        self.builder = builder
        self.context = context
        self.stages: list[StagePlan] = []
        self.target: StagePlan | None = None
        self.ignore_file: str | None = None
        self._ignored: dict[str, bool] = {}
        if context is not None and context.ignore_file is not None:
            relative = posixpath.relpath(context.ignore_file, context.root)
            if not relative.startswith(".."):
                self.ignore_file = relative

    def stage(self, reference: str | int) -> StagePlan:
        """The stage named ``reference`` (a name or an index)."""
        if isinstance(reference, int):
            return self.stages[reference]
        stage = self.model.stage_named(reference)
        if stage is None:
            raise KeyError(reference)
        return self.stages[stage.index]

    def steps(self) -> Iterator[CacheStep]:
        for stage in self.stages:
            yield from stage.steps

    def release(self) -> None:
        """Empty the plan, breaking the cycles between it, its stages and their steps: a
        plan dropped then is freed at once (``context.read_by``), not by the garbage
        collector."""
        for stage in self.stages:
            stage.steps = []
        self.stages = []
        self.target = None

    def is_ignored(self, path: str) -> bool:
        """Whether ``.dockerignore`` leaves ``path`` out of the context (False without one)."""
        context = self.context
        if context is None:
            return False
        known = self._ignored.get(path)
        if known is None:
            try:
                known = context.matcher.is_ignored(path)
            except PatternError:
                known = False
            self._ignored[path] = known
        return known

    def __repr__(self) -> str:
        return f"CachePlan({self.builder}, {self.stages!r})"


def clean_path(path: str) -> str:
    """A context-relative path as the builder sees it: cleaned, ``.`` for the root."""
    cleaned = go_clean("/" + path.replace("\\", "/")).lstrip("/")
    return cleaned or ROOT


# ------------------------------------------------------------------------------ building


def build_plan(
    model: BuildModel,
    *,
    builder: str = F.BUILDKIT,
    context: BuildContext | None = None,
    target: str | None = None,
    shell: RuleContext | None = None,
) -> CachePlan:
    """The cache plan of ``model`` under ``builder``.

    ``context`` resolves COPY sources to real files (after ``.dockerignore``); without
    it the source patterns stand for the files. ``target`` names the stage to build
    (default: the last); under BuildKit only the stages it needs are ``built``.
    ``shell`` is a ``RuleContext`` of the file whose parsed RUN shells the plan reads
    (a lint run's own, so each RUN is parsed once); default, one of its own.
    """
    plan = CachePlan(model, builder, context)
    if shell is None:
        from lintlayers.context import RuleContext

        shell = RuleContext(model.dockerfile, builder=builder)
    finals: dict[int, _State] = {}
    # the stages built on each stage yet to be walked: the last one takes its final state
    # as it is, the others a copy (a chain of stages copies nothing)
    children = Counter(
        stage.base_stage.index
        for stage in model.stages
        if stage.base_stage is not None and stage.base_stage.index < stage.index
    )
    for stage in model.stages:
        stage_plan = StagePlan(plan, stage)
        plan.stages.append(stage_plan)
        _Walker(plan, stage_plan, shell, finals, children).run()
    if plan.stages:
        plan.target = plan.stages[-1] if target is None else plan.stage(target)
        if builder == F.BUILDKIT:
            _mark_built(plan, plan.target)
    return plan


def _mark_built(plan: CachePlan, target: StagePlan) -> None:
    """BuildKit builds only the stages the target needs."""
    needed: set[int] = set()
    pending = [target]
    while pending:
        stage = pending.pop()
        if stage.index in needed:
            continue
        needed.add(stage.index)
        for step in stage.steps:
            for label in step.stage_refs:
                pending.append(plan.stage(label))
    for stage in plan.stages:
        stage.built = stage.index in needed


class _Placed:
    """Context files one COPY/ADD put into the image, to map image paths back to them.

    ``images``/``contexts`` are parallel, sorted by image path (files known through
    the BuildContext). ``trees`` are ``(image dir, context pattern)`` pairs for
    sources known only as patterns: a directory's contents, or files a wildcard
    matches (``glob``).
    """

    __slots__ = ("contexts", "images", "step", "trees")

    def __init__(self, step: CacheStep) -> None:
        self.step = step
        self.images: list[str] = []
        self.contexts: list[str] = []
        self.trees: list[tuple[str, str, bool]] = []

    def add(self, image: str, context_path: str) -> None:
        self.images.append(image)
        self.contexts.append(context_path)

    def finish(self) -> None:
        pairs = sorted(zip(self.images, self.contexts, strict=True))
        self.images = [image for image, _ in pairs]
        self.contexts = [context_path for _, context_path in pairs]

    def everything(self) -> list[str]:
        return self.contexts + [pattern for _, pattern, _ in self.trees]

    def lookup(self, path: str) -> list[str]:
        """Context paths of what is at image ``path`` or below it."""
        found: list[str] = []
        images = self.images
        position = bisect_left(images, path)
        while position < len(images) and images[position] == path:
            found.append(self.contexts[position])
            position += 1
        prefix = path.rstrip("/") + "/"  # ``/app-x`` sorts between ``/app`` and ``/app/``
        position = bisect_left(images, prefix)
        while position < len(images) and images[position].startswith(prefix):
            found.append(self.contexts[position])
            position += 1
        for root, pattern, glob in self.trees:
            if is_within(root, path):  # the whole tree is at or below ``path``
                found.append(pattern)
                continue
            if not is_within(path, root):
                continue
            relative = path[len(root) :].lstrip("/")
            if not glob:
                found.append(relative if pattern == ROOT else f"{pattern}/{relative}")
                continue
            head, _, tail = pattern.rpartition("/")
            try:
                if filepath_match(tail, relative.split("/", 1)[0]):
                    found.append(f"{head}/{relative}" if head else relative)
            except PatternError:
                pass
        return found

    def lookup_glob(self, pattern: str) -> list[str]:
        """Context paths of image files a shell glob (absolute) may name."""
        from fnmatch import fnmatchcase

        parts = pattern.split("/")
        depth = len(parts)
        fixed = next(k for k, part in enumerate(parts) if any(c in part for c in "*?["))
        base = "/".join(parts[:fixed]) or "/"
        found: list[str] = []
        for image, context_path in zip(self.images, self.contexts, strict=True):
            if is_within(image, base):
                head = "/".join(image.split("/")[:depth])
                if fnmatchcase(head, pattern):
                    found.append(context_path)
        for root, tree_pattern, _ in self.trees:
            if is_within(root, base) or is_within(base, root):
                found.append(tree_pattern)
        return found


class _State:
    """What the chain of a stage has at one point: WORKDIR, USER and shell (``at``, from
    ``model.state``), and the files copied so far (``placed``, only ever appended to).

    ``_under`` indexes the placements by the image paths they put files at and every
    directory above them (the text before each ``/``), ``_tree_roots`` those known only
    as patterns by their image directory: a lookup visits only the placements that can
    answer it, not every COPY before it. ``_last_file`` is the last placement that put a
    file at a path no placement has put anything below (``_folders``): the file there
    replaced every earlier one, so a lookup of that path starts from it (a chain of
    stages each copying its own ``go.mod`` reads one file, not one per stage).
    """

    __slots__ = ("_folders", "_last_file", "_tree_roots", "_trees", "_under", "at", "placed")

    def __init__(self, at: State) -> None:
        self.at = at
        self.placed: list[_Placed] = []
        self._under: dict[str, list[int]] = {}
        self._tree_roots: dict[str, list[int]] = {}
        self._trees: list[int] = []
        self._last_file: dict[str, int] = {}
        self._folders: set[str] = set()

    @property
    def workdir(self) -> str:
        return self.at.workdir

    @property
    def posix(self) -> bool:
        return self.at.posix_shell

    def copy(self) -> _State:
        state = _State(self.at)
        state.placed = list(self.placed)
        state._under = {key: list(value) for key, value in self._under.items()}
        state._tree_roots = {key: list(value) for key, value in self._tree_roots.items()}
        state._trees = list(self._trees)
        state._last_file = dict(self._last_file)
        state._folders = set(self._folders)
        return state

    def place(self, placed: _Placed) -> None:
        """Add the files of one COPY/ADD (``placed.finish()`` done)."""
        number = len(self.placed)
        self.placed.append(placed)
        under = self._under
        anchors = [*placed.images, *(root for root, _, _ in placed.trees)]
        for anchor in anchors:
            keys = _slash_prefixes(anchor)
            for key in keys:
                numbers = under.setdefault(key, [])
                if not numbers or numbers[-1] != number:
                    numbers.append(number)
            self._folders.update(keys[1:])  # the folders above it
        for image in placed.images:
            self._last_file[image] = number
        self._folders.update(root for root, _, _ in placed.trees)
        if placed.trees:
            self._trees.append(number)
            for root, _, _ in placed.trees:
                numbers = self._tree_roots.setdefault(root, [])
                if not numbers or numbers[-1] != number:
                    numbers.append(number)

    def _candidates(self, path: str, glob: bool) -> list[int]:
        """Numbers of the placements ``_Placed.lookup(path)`` (``lookup_glob`` when
        ``glob``) may find something in, in order: a superset of those that do."""
        under, roots = self._under, self._tree_roots
        if glob:
            parts = path.split("/")
            fixed = next(k for k, part in enumerate(parts) if any(c in part for c in "*?["))
            path = "/".join(parts[:fixed]) or "/"
            if path == "/":
                return list(range(len(self.placed)))
        first = 0  # the placements before the last file put at ``path`` are replaced
        if not glob and path.strip("/") and path not in self._folders:  # "/" is a folder
            first = self._last_file.get(path, 0)

        def since(numbers: Sequence[int]) -> Sequence[int]:
            return numbers[bisect_left(numbers, first) :] if first else numbers

        found: set[int] = set()
        found.update(since(under.get(path, ())))  # a file or tree at or below ``path``
        found.update(since(under.get(path.rstrip("/"), ())))
        if roots:
            if path == "/":
                found.update(self._trees)
            found.update(since(roots.get("/", ())))  # ``path`` is in a tree
            found.update(since(roots.get(path, ())))
            for key in _slash_prefixes(path):
                found.update(since(roots.get(key, ())))
        return sorted(found)

    def lookup(self, path: str) -> tuple[list[str], list[CacheStep]]:
        files: list[str] = []
        steps: list[CacheStep] = []
        glob = any(c in path for c in "*?[")
        placements = self.placed
        for number in self._candidates(path, glob):
            placed = placements[number]
            found = placed.lookup_glob(path) if glob else placed.lookup(path)
            if found:
                files.extend(found)
                steps.append(placed.step)
        return files, steps


def _slash_prefixes(path: str) -> list[str]:
    """``path`` and its text before each ``/``: ``/a/b`` gives ``/a/b``, ``/a`` and ``""``."""
    keys = [path]
    position = path.find("/")
    while position >= 0:
        keys.append(path[:position])
        position = path.find("/", position + 1)
    return keys


def _everything(placed: list[_Placed], count: int) -> tuple[list[str], list[CacheStep]]:
    """The context files of the first ``count`` placements and the steps they came from."""
    files: list[str] = []
    steps: list[CacheStep] = []
    for entry in placed[:count]:
        found = entry.everything()
        if found:
            files.extend(found)
            steps.append(entry.step)
    return files, steps


class _Walker:
    """Builds the steps of one stage."""

    __slots__ = (
        "_env_order",
        "_names",
        "_scope",
        "_values",
        "children",
        "finals",
        "plan",
        "shell",
        "stage",
        "state",
    )

    def __init__(
        self,
        plan: CachePlan,
        stage: StagePlan,
        shell: RuleContext,
        finals: dict[int, _State],
        children: Counter[int],
    ) -> None:
        self.plan = plan
        self.stage = stage
        self.shell = shell
        self.finals = finals
        self.children = children
        self.state = _State(State(UNKNOWN_WORKDIR, None, True))
        self._scope: Scope | None = None
        self._values: dict[str, str] = {}
        self._names: dict[bool, tuple[Set[str], frozenset[str]]] = {}
        self._env_order: dict[str, int] = {}

    def _see(self, scope: Scope, values: dict[str, str]) -> None:
        """Start a new scope (an ARG or ENV changed it; ``values`` its running values,
        ``walk_scopes``): the steps up to the next share its key names, which would cost
        time and memory quadratic in the file's length if each step copied them."""
        self._values = values
        if scope is not self._scope:
            self._scope = scope
            self._names = {}
            order = self._env_order  # a scope's ENV only grows, new names at its end
            for name in scope.env.names_from(len(order)):
                order[name] = len(order)

    def _scope_names(self, with_env: bool) -> tuple[Set[str], frozenset[str]]:
        """``_set_variables``' names of the scope, ENV included or not, shared by its steps."""
        known = self._names.get(with_env)
        if known is None:
            assert self._scope is not None
            known = _scope_names(self._scope, self._env_order if with_env else None)
            self._names[with_env] = known
        return known

    def run(self) -> None:
        plan, stage_plan = self.plan, self.stage
        stage = stage_plan.stage
        model = plan.model
        base = stage.base_stage
        if base is not None and base.index < stage.index:
            stage_plan.base = plan.stages[base.index]
            self.children[base.index] -= 1
            final = self.finals[base.index]
            self.state = final if not self.children[base.index] else final.copy()
        else:
            self.state = _State(initial_state(model, stage, {}))
        self._from_step()
        for instruction, scope, values in walk_scopes(model, stage):
            self._step(instruction, scope, values)
        self.finals[stage.index] = self.state

    # -- FROM ------------------------------------------------------------------------------

    def _from_step(self) -> None:
        stage_plan = self.stage
        instruction = stage_plan.stage.from_instruction
        base = stage_plan.base
        step = CacheStep(
            stage_plan, 0, instruction, F.form_of(instruction, [], stage_reference=base is not None)
        )
        step.kinds = ()
        if base is not None:
            step.stage_refs = (base.label,)
        global_args = self.plan.model.global_args
        names = _referenced(instruction)
        step.variables = _frozen(n for n in names if global_args.get(n) is not None)
        step.passed_args = _frozen(n for n in names if n in global_args and global_args[n] is None)
        step.workdir = self.state.workdir
        stage_plan.steps.append(step)

    # -- the others --------------------------------------------------------------------------

    def _step(self, instruction: Instruction, scope: Scope, values: dict[str, str]) -> None:
        stage_plan = self.stage
        effective = instruction.effective
        self._see(scope, values)
        values = self._values
        keyword = effective.keyword
        sources: list[str] = []
        destination: str | None = None
        copy_like = keyword in ("COPY", "ADD") and effective is instruction
        parsed = copy_args(effective) if copy_like else None
        if parsed is not None:
            sources, destination = parsed.expanded(values)
        stage_reference = parsed is not None and parsed.from_stage is not None
        form = F.form_of(instruction, sources, stage_reference=stage_reference, parsed=parsed)
        step = CacheStep(stage_plan, len(stage_plan.steps), instruction, form)
        step.workdir = self.state.workdir
        _set_variables(step, instruction, scope, self._scope_names)
        if parsed is not None:
            self._copy(step, parsed, sources, destination, values)
        elif keyword == "RUN" and effective is instruction:
            self._run(step, effective, values)
        stage_plan.steps.append(step)
        if effective is instruction:
            self._advance(effective, values)

    def _advance(self, instruction: Instruction, values: dict[str, str]) -> None:
        """WORKDIR, USER and SHELL after ``instruction``."""
        self.state.at = state_after(self.state.at, instruction, values)

    # -- COPY / ADD --------------------------------------------------------------------------

    def _copy(
        self,
        step: CacheStep,
        parsed: CopyArgs,
        sources: list[str],
        destination: str | None,
        values: dict[str, str],
    ) -> None:
        plan = self.plan
        state = self.state
        step.destination = join(state.workdir, destination) if destination else None
        if step.form == F.COPY_FROM:
            reference = expand_known(parsed.from_stage or "", values)
            stage = plan.model.stage_named(reference)
            if stage is not None and stage.index != self.stage.index:
                step.stage_refs = (stage.label,)
            return
        remotes = [source for source in sources if F.source_type(source) != "local"]
        if remotes:
            step.remote = remotes[0]
            step.kinds = (DOWNLOAD,)
        local = [source for source in sources if F.source_type(source) == "local"]
        excludes = tuple(expand_known(value, values) for value in parsed.excludes)
        step.key_sources = tuple(KeySource(clean_path(source), excludes) for source in local)
        placed = _Placed(step)
        context = plan.context
        files: list[str] = []
        into_directory = (destination or "").endswith("/") or len(sources) > 1
        parents = parsed.parents
        root = step.destination or state.workdir
        for source, key in zip(local, step.key_sources, strict=True):
            pattern = key.pattern
            if context is None:
                files.append(pattern)
                _place_pattern(placed, root, pattern, source, into_directory)
                continue
            selected = context.select(source)
            if key.excludes:
                selected = [entry for entry in selected if key.selects(entry.path)]
            files.extend(entry.path for entry in selected if not entry.is_dir)
            _place_files(placed, root, pattern, selected, into_directory, parents)
        step.context_files = tuple(sorted(set(files)))
        placed.finish()
        state.place(placed)

    # -- RUN -----------------------------------------------------------------------------------

    def _run(self, step: CacheStep, instruction: Instruction, values: dict[str, str]) -> None:
        from lintlayers.model.mounts import parse_mounts

        plan = self.plan
        state = self.state
        reads: list[str] = []
        read_steps: list[CacheStep] = []
        keyed: list[KeySource] = []
        context_files: list[str] = []
        refs: list[str] = []
        for mount in parse_mounts(instruction, values, state.workdir):
            mount_facts = F.facts(plan.builder, F.MOUNT_FORMS.get(mount.type, F.MOUNT_BIND))
            if not mount_facts.supported:
                continue
            if F.MOUNT_FILES not in mount_facts.key:
                continue  # cache, secret, ssh, tmpfs: only the spec enters the key
            reference = mount.options.get("from")
            if reference:
                stage = plan.model.stage_named(expand_known(reference, values))
                if stage is not None and stage.index != self.stage.index:
                    refs.append(stage.label)
                continue
            source = expand_known(
                mount.options.get("source") or mount.options.get("src") or ROOT, values
            )
            key = KeySource(clean_path(source), mount=True)
            keyed.append(key)
            if plan.context is not None:
                found = [entry.path for entry in plan.context.select(source) if not entry.is_dir]
            else:
                found = [key.pattern]
            context_files.extend(found)
            reads.extend(found)
        step.key_sources = tuple(keyed)
        step.context_files = tuple(sorted(set(context_files)))
        step.stage_refs = tuple(dict.fromkeys(refs))
        commands = self._commands(instruction)
        if commands is None:
            step.kinds = (OTHER,)
            everything = True
        else:
            kinds, everything = self._read_commands(commands, values, reads, read_steps)
            step.kinds = kinds
        if everything:  # every COPY so far, by reference: ``reads`` lists them when asked
            step.reads_everything = True
            step._everything = (state.placed, len(state.placed))
        step._reads = tuple(sorted(set(reads)))
        step._read_copies = tuple(dict.fromkeys(read_steps))

    def _commands(self, instruction: Instruction) -> list[SimpleCommand] | None:
        """The simple commands of a RUN (effective views), or None when its shell is unknown."""
        if not self.state.posix:
            return None
        if instruction.is_json:
            from lintlayers.shell.commands import parse_shell

            argv = instruction.json_args or []
            if not argv:
                return []
            if is_posix_shell(argv[0]) and "-c" in argv[1:-1]:
                script = argv[argv.index("-c") + 1]
            else:
                from shlex import join as shell_join

                script = shell_join(argv)
            return [command.effective() for command in parse_shell(script).commands]
        return [command.effective() for command in self.shell.commands(instruction)]

    def _read_commands(
        self,
        commands: list[SimpleCommand],
        values: dict[str, str],
        reads: list[str],
        read_steps: list[CacheStep],
    ) -> tuple[tuple[str, ...], bool]:
        """Kinds of work of a RUN's commands; fills ``reads``; True when it reads everything."""
        from lintlayers.model.state import CommandWalk, home_of

        state = self.state
        home = values.get("HOME") or home_of(state.at.user)
        walk = CommandWalk(commands, state.workdir, values, home)
        kinds: list[str] = []
        everything = False
        loose = self.plan.context is None

        def read(path: str) -> None:
            files, steps = state.lookup(path)
            reads.extend(files)
            read_steps.extend(steps)

        for index, command in enumerate(commands):
            if not command.words or command.name in ("cd", "pushd"):
                continue
            cwd, env = walk.cwds[index], walk.envs[index]
            facts = command_facts([word.value for word in command.words])
            kinds.append(facts.cost)
            if facts.reads == EVERYTHING:
                everything = True
                continue
            install = facts.install
            if install is not None:
                project = join(cwd, walk.expand(install.project_dir, env))
                for manifest in (*install.manifests, *install.optional, *install.wrapper):
                    read(join(project, walk.expand(manifest, env).rstrip("/")))
                if not install.manifest_only:
                    read(project)
            elif facts.reads == PROJECT:
                files, steps = state.lookup(cwd)
                if not files:
                    everything = True
                reads.extend(files)
                read_steps.extend(steps)
            for value in named_paths(command):
                value = walk.expand(value, env)
                if "$" in value or "`" in value:
                    continue
                if loose and "/" not in value and "." not in value:
                    continue  # no context to ask: ``install`` or ``build`` is no file
                read(join(cwd, value))
        unique = tuple(dict.fromkeys(kinds)) or _FILES_ONLY
        if len(unique) > 1:
            unique = tuple(kind for kind in unique if kind != FILES)
        return _KINDS.setdefault(unique, unique), everything


# ------------------------------------------------------------------------ COPY placement


def _place_pattern(
    placed: _Placed, root: str, pattern: str, source: str, into_directory: bool
) -> None:
    """Record a source known only as a pattern."""
    if pattern != ROOT and has_wildcards(pattern):
        placed.trees.append((root, pattern, True))
        return
    from lintlayers.model.file_names import looks_like_file

    name = pattern.rpartition("/")[2]
    directory = pattern == ROOT or source.endswith("/") or not looks_like_file(name)
    if directory:
        placed.trees.append((root, pattern, False))
    elif into_directory:
        placed.add(join(root, name), pattern)
    else:
        placed.add(root, pattern)


def _place_files(
    placed: _Placed,
    root: str,
    pattern: str,
    selected: list,  # list[ContextFile]
    into_directory: bool,
    parents: bool,
) -> None:
    """Record where the context files a source selected land in the image."""
    if not selected:
        return
    if parents:
        for entry in selected:
            if not entry.is_dir:
                placed.add(join(root, entry.path), entry.path)
        return
    if pattern == ROOT:
        for entry in selected:
            if not entry.is_dir:
                placed.add(join(root, entry.path), entry.path)
        return
    if has_wildcards(pattern):  # each match: a file into the directory, a directory's contents
        selected_dirs = {entry.path for entry in selected if entry.is_dir}
        roots = [entry for entry in selected if posixpath.dirname(entry.path) not in selected_dirs]
        for top in roots:
            _place_tree(placed, root, top, selected, True)
        return
    _place_tree(placed, root, selected[0], selected, into_directory)


def _place_tree(placed: _Placed, root: str, top: object, selected: list, into: bool) -> None:
    path = top.path  # type: ignore[attr-defined]
    if not top.is_dir:  # type: ignore[attr-defined]
        name = path.rpartition("/")[2]
        placed.add(join(root, name) if into else root, path)
        return
    prefix = path + "/"
    for entry in selected:
        if not entry.is_dir and entry.path.startswith(prefix):
            placed.add(join(root, entry.path[len(prefix) :]), entry.path)


# ------------------------------------------------------------------------------ variables


def _referenced(instruction: Instruction) -> set[str]:
    text = instruction.logical.text
    if instruction.heredocs:
        text += "".join(heredoc.content for heredoc in instruction.heredocs if heredoc.expand)
    return referenced_names(text) if "$" in text else set()


def _set_variables(
    step: CacheStep,
    instruction: Instruction,
    scope: Scope,
    scope_names: Callable[[bool], tuple[Set[str], frozenset[str]]],
) -> None:
    """The ARG/ENV names in the step's key, from what its ``facts.key`` lists.

    ``scope_names(with_env)`` gives the scope's (``_scope_names``): a step that adds no
    name of its own keeps those very sets."""
    key = step.facts.key
    base: Set[str] = _NO_NAMES
    base_passed: frozenset[str] = _NO_NAMES
    if F.RUN_ENV in key:
        base, base_passed = scope_names(True)
    elif F.BUILD_ARGS in key:
        base, base_passed = scope_names(False)
    names: set[str] = set()
    passed: set[str] = set()
    args = scope.args
    if F.EXPANDED in key and instruction.effective is instruction:
        for name in _referenced(instruction):
            if (
                name in scope.env
                or args.get(name) is not None
                or (name in PLATFORM_ARGS and name in args)
            ):
                names.add(name)
            elif name in args:
                passed.add(name)
    if F.SOURCE_DATE_EPOCH in key:
        passed.add("SOURCE_DATE_EPOCH")
    variables = base if all(name in base for name in names) else _union(base, names)
    step.variables = variables
    if variables is base and not passed:
        step.passed_args = base_passed
    else:
        step.passed_args = _frozen(name for name in base_passed | passed if name not in variables)


def _union(base: Set[str], names: set[str]) -> Set[str]:
    if isinstance(base, KeyNames):
        return KeyNames(base.order, base.count, base.more | names)
    return frozenset(base) | names


def _scope_names(scope: Scope, env_order: dict[str, int] | None) -> tuple[Set[str], frozenset[str]]:
    """The names of a scope in a key (its ENV when given ``env_order``, the stage's ENV
    names in order; its ARGs with a value or a platform ARG) and the ARGs given only
    with ``--build-arg`` (none of the former)."""
    named: set[str] = set()
    passed: set[str] = set()
    for name, value in scope.args.items():
        if value is not None or name in PLATFORM_ARGS:
            named.add(name)
        else:
            passed.add(name)
    names: Set[str] = _frozen(named)
    if env_order is not None:
        names = KeyNames(env_order, len(scope.env), _frozen(named))
    return names, _frozen(name for name in passed if name not in names)


def _frozen(names: Iterable[str]) -> frozenset[str]:
    """``frozenset(names)``, the shared one when empty."""
    found = frozenset(names)
    return found if found else _NO_NAMES


class KeyNames(Set[str]):
    """ARG/ENV names in the key of a step that sees the whole ENV scope (a RUN): the first
    ``count`` ENV names of its stage (``order``, name to position, shared by all the
    stage's steps) and ``more``. A set of its own for each step would cost memory
    quadratic in the file's length."""

    __slots__ = ("count", "more", "order")

    def __init__(self, order: dict[str, int], count: int, more: frozenset[str]) -> None:
        self.order = order
        self.count = count
        self.more = more

    def __contains__(self, name: object) -> bool:
        position = self.order.get(name)  # type: ignore[call-overload]
        return (position is not None and position < self.count) or name in self.more

    def __iter__(self) -> Iterator[str]:
        env = islice(self.order, self.count)
        yield from env
        yield from (name for name in self.more if not self._in_env(name))

    def __len__(self) -> int:
        return self.count + sum(1 for name in self.more if not self._in_env(name))

    def _in_env(self, name: str) -> bool:
        position = self.order.get(name)
        return position is not None and position < self.count

    def __repr__(self) -> str:
        return f"KeyNames({sorted(self)!r})"
