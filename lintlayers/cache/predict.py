"""Which steps hit and which miss after a change, statically.

``predict(plan, changed_files=..., changed_args=...)`` applies the one rule of every
builder: a step is reused only when its own key matches and every earlier step of its
chain was reused. Its own key changes when a changed context file is among the files
it selects (after ``.dockerignore``), when a changed build argument is among its key
variables, when a stage it builds on or copies from re-ran, or when it fetches a
remote that may change on any build. ``COPY --link`` under BuildKit is keyed on its own
files only: it can hit after an earlier miss, but the steps after it still re-run.

``COPY --from`` is keyed on the content it copies, under every builder: after the stage
it copies from re-ran it still hits when that stage's output came out byte-identical,
which no static reading can tell. ``predict`` takes a re-run stage to change its output
unless the caller names it in ``unchanged_stages``.
"""

from __future__ import annotations

from bisect import bisect_left

from lintlayers.buildcontext.patterns import has_wildcards
from lintlayers.cache.facts import STAGE_CONTENT as F_STAGE_CONTENT
from lintlayers.cache.steps import ROOT, clean_path
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from lintlayers.cache.costs import Costs
    from lintlayers.cache.steps import CachePlan, CacheStep, KeySource, StagePlan

FILE = "file"
ARG = "arg"
STAGE = "stage"
BASE = "base"
REMOTE = "remote"
IGNORE_FILE = "ignore-file"
CHAIN = "chain"
CAUSE_KINDS = (FILE, ARG, STAGE, BASE, REMOTE, IGNORE_FILE, CHAIN)


class MissCause:
    """Why a step's own key changed.

    ``kind`` is one of ``CAUSE_KINDS``: ``file`` (``path`` changed and enters the key
    through ``source``, a COPY/ADD source or bind mount), ``arg`` (build argument
    ``arg``), ``stage`` (a stage it copies or mounts from, ``stage``, re-ran), ``base``
    (the stage it is built FROM re-ran), ``remote`` (``remote`` is fetched on every
    build), ``ignore-file`` (``.dockerignore`` changed, so a directory COPY may select
    other files) or ``chain`` (an earlier step of its chain missed).
    """

    __slots__ = ("arg", "kind", "path", "remote", "source", "stage", "step", "upstream")

    def __init__(
        self,
        kind: str,
        step: CacheStep,
        *,
        path: str | None = None,
        source: str | None = None,
        arg: str | None = None,
        stage: str | None = None,
        remote: str | None = None,
        upstream: StepPrediction | None = None,
    ) -> None:
        self.kind = kind
        self.step = step
        self.path = path
        self.source = source
        self.arg = arg
        self.stage = stage
        self.remote = remote
        self.upstream = upstream

    def describe(self) -> str:
        """One sentence for users."""
        step = self.step
        where = f"{step.keyword} at line {step.line}"
        if self.kind == FILE:
            through = "its bind mount" if step.keyword == "RUN" else f"its source {self.source!r}"
            return f"{self.path} changed and enters the key of {where} through {through}"
        if self.kind == ARG:
            return f"build argument {self.arg} changed and is in the key of {where}"
        if self.kind in (STAGE, BASE):
            first = ""
            upstream = self.upstream
            if upstream is not None:
                first = f" (first miss: line {upstream.step.line})"
            if self.kind == BASE:
                return f"stage {self.stage}{first} re-ran and this stage is built FROM it"
            note = ""
            if step.facts.key and F_STAGE_CONTENT in step.facts.key:
                builder = "BuildKit" if step.stage.plan.builder == "buildkit" else "the builder"
                note = f"; {builder} still hits if the copied files come out byte-identical"
            return f"stage {self.stage}{first} re-ran and {where} uses its files{note}"
        if self.kind == REMOTE:
            return f"{where} fetches {self.remote} again on every build: it may miss any time"
        if self.kind == IGNORE_FILE:
            return f"{self.path} changed: {where} may select other files"
        return f"an earlier step of the chain missed before {where}"

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"kind": self.kind}
        for name in ("path", "source", "arg", "stage", "remote"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        data["message"] = self.describe()
        return data

    def __repr__(self) -> str:
        return f"MissCause({self.describe()!r})"


class StepPrediction:
    """One step's outcome: ``hit`` True/False, ``None`` when it is no cache step.

    ``cause`` is set on every miss: the step's own reason, or ``chain``.
    """

    __slots__ = ("cause", "hit", "step")

    def __init__(self, step: CacheStep, hit: bool | None, cause: MissCause | None) -> None:
        self.step = step
        self.hit = hit
        self.cause = cause

    @property
    def missed(self) -> bool:
        return self.hit is False

    def __repr__(self) -> str:
        state = {True: "hit", False: "MISS", None: "-"}[self.hit]
        return f"StepPrediction({state} {self.step!r})"


class StagePrediction:
    """The outcome of one stage: its steps, the first miss, what re-runs."""

    __slots__ = ("first_miss", "stage", "steps")

    def __init__(self, stage: StagePlan) -> None:
        self.stage = stage
        self.steps: list[StepPrediction] = []
        self.first_miss: StepPrediction | None = None

    @property
    def missed(self) -> bool:
        """Whether anything of the stage re-runs (its result may differ)."""
        return self.first_miss is not None

    @property
    def rerun(self) -> list[StepPrediction]:
        """The cache steps that re-run (FROM left out: pulling is not re-running)."""
        return [p for p in self.steps if p.missed and p.step.keyword != "FROM"]

    @property
    def rerun_steps(self) -> int:
        return len(self.rerun)

    @property
    def rerun_runs(self) -> int:
        return sum(1 for p in self.rerun if p.step.keyword == "RUN")

    @property
    def cache_steps(self) -> int:
        return sum(1 for p in self.steps if p.hit is not None and p.step.keyword != "FROM")

    def cost(self, costs: Costs) -> float:
        return sum(costs.of_step(p.step) for p in self.rerun)

    def __repr__(self) -> str:
        return f"StagePrediction({self.stage.label}, rerun={self.rerun_steps})"


class Prediction:
    """Every stage's outcome for one set of changes."""

    __slots__ = ("changed_args", "changed_files", "plan", "stages")

    def __init__(
        self, plan: CachePlan, changed_files: frozenset[str], changed_args: frozenset[str]
    ) -> None:
        self.plan = plan
        self.changed_files = changed_files
        self.changed_args = changed_args
        self.stages: list[StagePrediction] = []

    def stage(self, reference: str | int) -> StagePrediction:
        return self.stages[self.plan.stage(reference).index]

    def step(self, step: CacheStep) -> StepPrediction:
        return self.stages[step.stage.index].steps[step.index]

    @property
    def built(self) -> list[StagePrediction]:
        """The stages the builder builds."""
        return [stage for stage in self.stages if stage.stage.built]

    def cost(self, costs: Costs) -> float:
        """Summed cost of the steps that re-run in the stages that are built."""
        return sum(stage.cost(costs) for stage in self.built)

    def __repr__(self) -> str:
        return f"Prediction({self.stages!r})"


def predict(
    plan: CachePlan,
    *,
    changed_files: Iterable[str],
    changed_args: Iterable[str] = frozenset(),
    remote_changed: bool = True,
    unchanged_stages: Iterable[str | int] = (),
) -> Prediction:
    """Each step's hit or miss after ``changed_files`` (context-relative) and ``changed_args``.

    ``changed_args`` are build arguments whose value differs from the cached build.
    ``remote_changed`` (default True) makes every volatile step (``ADD <url>`` without
    ``--checksum``, a moving Git ref) miss, since it may on any build; pass False to
    assume the remote content did not move. ``unchanged_stages`` (names or indexes) are
    stages known to produce byte-identical files when they re-run: a ``COPY --from`` of
    them, keyed on the content it copies, still hits.
    """
    files = frozenset(clean_path(path) for path in changed_files)
    args = frozenset(changed_args)
    prediction = Prediction(plan, files, args)
    visible = _Changed(path for path in sorted(files) if not plan.is_ignored(path))
    ignore_changed = plan.ignore_file is not None and plan.ignore_file in files
    inputs = _Inputs(visible, args, ignore_changed, remote_changed, unchanged_stages, plan)
    done: dict[int, StagePrediction] = {}
    for stage in plan.stages:
        _predict_stage(plan, stage, inputs, done, set())
    prediction.stages = [done[stage.index] for stage in plan.stages]
    return prediction


def key_changes(
    plan: CachePlan,
    *,
    changed_files: Iterable[str],
    changed_args: Iterable[str] = frozenset(),
    remote_changed: bool = True,
    unchanged_stages: Iterable[str | int] = (),
) -> dict[CacheStep, MissCause]:
    """Every cache step whose OWN key changes, whatever happens to the steps before it.

    Unlike ``predict`` this does not stop at the first miss: it is what a reorder needs
    (the steps whose key a commit changes, in any order). A step that copies from or is
    built on another stage counts when that stage re-runs, as ``predict`` says.
    """
    unchanged_stages = tuple(unchanged_stages)
    prediction = predict(
        plan,
        changed_files=changed_files,
        changed_args=changed_args,
        remote_changed=remote_changed,
        unchanged_stages=unchanged_stages,
    )
    files = _Changed(path for path in sorted(prediction.changed_files) if not plan.is_ignored(path))
    ignore_changed = plan.ignore_file is not None and plan.ignore_file in prediction.changed_files
    done = {outcome.stage.index: outcome for outcome in prediction.stages}
    args = prediction.changed_args
    inputs = _Inputs(files, args, ignore_changed, remote_changed, unchanged_stages, plan)
    found: dict[CacheStep, MissCause] = {}
    for stage in plan.stages:
        for step in stage.steps:
            if step.cache_step:
                cause = _own_cause(plan, step, inputs, done, set())
                if cause is not None:
                    found[step] = cause
    return found


class _Inputs:
    """What changed since the cached build, as ``predict`` was told."""

    __slots__ = ("args", "files", "ignore_changed", "remote_changed", "unchanged")

    def __init__(
        self,
        files: _Changed,
        args: frozenset[str],
        ignore_changed: bool,
        remote_changed: bool,
        unchanged_stages: Iterable[str | int],
        plan: CachePlan,
    ) -> None:
        self.files = files
        self.args = args
        self.ignore_changed = ignore_changed
        self.remote_changed = remote_changed
        self.unchanged = frozenset(plan.stage(ref).index for ref in unchanged_stages)


def _predict_stage(
    plan: CachePlan,
    stage: StagePlan,
    inputs: _Inputs,
    done: dict[int, StagePrediction],
    visiting: set[int],
) -> StagePrediction:
    known = done.get(stage.index)
    if known is not None:
        return known
    visiting.add(stage.index)
    result = StagePrediction(stage)
    broken = False
    for step in stage.steps:
        if not step.cache_step:
            result.steps.append(StepPrediction(step, None, None))
            continue
        own: MissCause | None = None
        if not broken or not step.chained:
            own = _own_cause(plan, step, inputs, done, visiting)
        if own is not None:
            outcome = StepPrediction(step, False, own)
            if result.first_miss is None:
                result.first_miss = outcome
            broken = True
        elif broken and step.chained:
            outcome = StepPrediction(step, False, MissCause(CHAIN, step))
        else:
            outcome = StepPrediction(step, True, None)  # a --link step can hit after a miss
        result.steps.append(outcome)
    visiting.discard(stage.index)
    done[stage.index] = result
    return result


def _own_cause(
    plan: CachePlan,
    step: CacheStep,
    inputs: _Inputs,
    done: dict[int, StagePrediction],
    visiting: set[int],
) -> MissCause | None:
    """Why ``step``'s own key changed, or None."""
    files, args = inputs.files, inputs.args
    for label in step.stage_refs:
        upstream = plan.stage(label)
        if upstream.index in visiting:
            continue  # a cycle: the builder rejects it; do not loop
        outcome = _predict_stage(plan, upstream, inputs, done, visiting)
        if (
            outcome.missed
            and upstream.index in inputs.unchanged
            and F_STAGE_CONTENT in step.facts.key
        ):
            continue  # keyed on the copied content, which came out the same
        if outcome.missed:
            kind = BASE if step.keyword == "FROM" else STAGE
            return MissCause(kind, step, stage=label, upstream=outcome.first_miss)
    if args:
        for name in sorted(args):
            if name in step.variables or name in step.passed_args:
                return MissCause(ARG, step, arg=name)
    if step.key_sources:
        for source in step.key_sources:
            path = files.first_selected(source)
            if path is not None:
                return MissCause(FILE, step, path=path, source=source.pattern)
        if inputs.ignore_changed and any(
            source.pattern == "." or not _is_plain_file(plan, source.pattern)
            for source in step.key_sources
        ):
            return MissCause(IGNORE_FILE, step, path=plan.ignore_file)
    if step.volatile and inputs.remote_changed:
        return MissCause(REMOTE, step, remote=step.remote)
    return None


class _Changed:
    """The changed files a build sees (sorted), searchable by source pattern."""

    __slots__ = ("paths", "present")

    def __init__(self, paths: Iterator[str]) -> None:
        self.paths = list(paths)
        self.present = frozenset(self.paths)

    def first_selected(self, source: KeySource) -> str | None:
        """The first changed file ``source`` selects: a bisection for a plain path."""
        pattern = source.pattern
        if pattern == ROOT or has_wildcards(pattern):
            candidates: Iterator[str] | list[str] = iter(self.paths)
        else:
            candidates = self._under(pattern)
        for path in candidates:
            if source.selects(path):
                return path
        return None

    def _under(self, pattern: str) -> Iterator[str]:
        if pattern in self.present:
            yield pattern
        prefix = pattern + "/"
        paths = self.paths
        position = bisect_left(paths, prefix)
        while position < len(paths) and paths[position].startswith(prefix):
            yield paths[position]
            position += 1

    def __bool__(self) -> bool:
        return bool(self.paths)


def _is_plain_file(plan: CachePlan, pattern: str) -> bool:
    """Whether a source is one file (so ``.dockerignore`` cannot change what it selects)."""
    context = plan.context
    if context is None:
        return False
    entry = context.get(pattern)
    return entry is not None and not entry.is_dir and not entry.is_symlink
