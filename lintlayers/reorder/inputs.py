"""The search's inputs from the cache model: a cost per step and the commits changing its key.

Everything here comes from ``lintlayers.cache``: the plan (``build_plan``), the cost
priors (``Costs``), the history (``project_history`` with a build context, the same
choice ``lintlayers cache`` makes; without one, ``synthetic_history`` over paths
standing for what the Dockerfile copies) and each
step's own key cause per commit (the rule ``predict`` applies, with the chain left
out: the search adds the chain itself, for any order).

Build arguments are the one input a history does not show. A per-build ARG or ENV
(``lintlayers.model.volatile``: ``GIT_SHA``, ``BUILD_DATE``...) is taken to change in every
commit, and the change is charged to the ARG/ENV instruction itself, not to the
RUNs after it: that way the cost follows the declaration when the search moves it.
Under the classic builder a metadata instruction's key holds its own text, so it
counts as changed in every commit that edits the Dockerfile. Instructions that only
change the image config (ARG, ENV, USER, LABEL, CMD...) cost nothing to re-run: under
the classic builder they are cache steps, but committing a config takes milliseconds,
and a search charging for them would move a COPY below a CMD to save a second.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.cache.costs import Costs
    from lintlayers.cache.history import History
    from lintlayers.cache.steps import CachePlan, StagePlan
    from lintlayers.context import RuleContext
    from lintlayers.model.stages import Stage

HISTORY_LIMIT = 100
"""Most commits of git history replayed (the newest)."""

_histories: dict[str, History] = {}
"""Histories per context folder, loaded once per process."""


class StageInputs:
    """Cost and key changes of each instruction of one stage, aligned with its instructions.

    ``changes[i]`` is a bitset over ``commits`` (bit ``k``: commit ``k`` changes the key
    of instruction ``i`` itself); ``base`` the commits in which the whole stage re-runs
    (the stage it is built FROM re-ran). ``visible[k]`` are the context files commit
    ``k`` changed that ``.dockerignore`` lets through, to key new COPYs the engine adds.
    """

    __slots__ = ("base", "changes", "commits", "costs", "file_cost", "history", "visible")

    def __init__(self, history: History) -> None:
        self.history = history
        self.commits = len(history.commits)
        self.costs: list[float] = []
        self.changes: list[int] = []
        self.base = 0
        self.file_cost = 1.0
        self.visible: list[list[str]] = []

    def changes_of_sources(self, patterns: list[str]) -> int:
        """Commits changing a file that one of the COPY ``patterns`` selects."""
        from lintlayers.cache.steps import KeySource, clean_path

        sources = [KeySource(clean_path(pattern)) for pattern in patterns]
        found = 0
        for commit, files in enumerate(self.visible):
            if any(source.selects(path) for path in files for source in sources):
                found |= 1 << commit
        return found


class FileInputs:
    """The plan, history and costs of one file, shared by its stages, built on first use.

    ``plan``, ``history`` and ``costs`` default to the file's own plan, its build
    context's history (or a synthetic one) and the default cost priors.
    """

    __slots__ = (
        "_history",
        "_plan",
        "context",
        "costs",
        "predictions",
        "stages",
        "volatile",
    )

    def __init__(
        self,
        context: RuleContext,
        *,
        plan: CachePlan | None = None,
        history: History | None = None,
        costs: Costs | None = None,
    ) -> None:
        self.context = context
        self._plan = plan
        self._history = history
        self.costs = costs
        self.volatile: frozenset[int] | None = None
        self.predictions: list[tuple[dict[int, object], list[str], bool]] | None = None
        self.stages: dict[int, StageInputs] = {}

    @property
    def plan(self) -> CachePlan:
        if self._plan is None:
            from lintlayers.cache.together import cache_plan

            self._plan = cache_plan(self.context)  # the file's one plan, shared with LL106
        return self._plan

    def volatile_ids(self) -> frozenset[int]:
        """``id()``s of the ARG/ENV instructions taken to change in every commit."""
        if self.volatile is None:
            from lintlayers.model.volatile import volatile_instructions

            self.volatile = volatile_instructions(self.context)
        return self.volatile

    def file_cost(self) -> float:
        """What re-running a COPY costs: the cost priors' files kind."""
        from lintlayers.cache.costs import DEFAULT_COSTS, FILES

        return (DEFAULT_COSTS if self.costs is None else self.costs.values)[FILES]

    @property
    def history(self) -> History:
        if self._history is None:
            self._history = _history(self.context, self.plan)
        return self._history

    def stage(self, stage: Stage) -> StageInputs:
        found = self.stages.get(stage.index)
        if found is None:
            found = self._stage(self.plan.stages[stage.index])
            self.stages[stage.index] = found
        return found

    def _changes(self) -> list[tuple[dict[int, object], list[str], bool]]:
        """Per commit: the steps whose own key it changes (by ``id``), its visible files, and
        whether it edits the Dockerfile."""
        if self.predictions is None:
            from lintlayers.cache.predict import key_changes
            from lintlayers.cache.steps import clean_path

            plan = self.plan
            dockerfile = _dockerfile_path(self.context)
            self.predictions = []
            for commit in self.history.commits:
                changed = key_changes(plan, changed_files=commit.files)
                files = sorted({clean_path(path) for path in commit.files})
                visible = [path for path in files if not plan.is_ignored(path)]
                edited = dockerfile is not None and dockerfile in commit.files
                self.predictions.append(({id(step): True for step in changed}, visible, edited))
        return self.predictions

    def _stage(self, stage_plan: StagePlan) -> StageInputs:
        from lintlayers.cache.costs import FILES, Costs
        from lintlayers.model.metadata import METADATA

        if self.costs is None:
            self.costs = Costs()
        costs = self.costs
        volatile = self.volatile_ids()
        inputs = StageInputs(self.history)
        inputs.file_cost = costs.values[FILES]
        steps = stage_plan.steps[1:]
        inputs.costs = [
            costs.of_step(step) if step.keyword in _LAYER_STEPS else 0.0 for step in steps
        ]
        inputs.changes = [0] * len(steps)
        classic = self.plan.builder == "classic"
        for number, (changed, visible, edited) in enumerate(self._changes()):
            bit = 1 << number
            inputs.visible.append(visible)
            if id(stage_plan.steps[0]) in changed:
                inputs.base |= bit
            for index, step in enumerate(steps):
                changing = id(step.instruction) in volatile
                edited_metadata = (
                    classic and edited and step.keyword in METADATA and step.cache_step
                )
                if changing or edited_metadata or id(step) in changed:
                    inputs.changes[index] |= bit
        return inputs


_LAYER_STEPS = frozenset({"RUN", "COPY", "ADD", "WORKDIR"})
"""Steps that do work when they re-run; the others only commit a config (milliseconds)."""


def _dockerfile_path(context: RuleContext) -> str | None:
    """The Dockerfile's path relative to the context, as a history names it."""
    import os

    if context.path is None:
        return None
    if context.context_dir is None:
        return os.path.basename(context.path)
    relative = os.path.relpath(os.path.abspath(context.path), os.path.abspath(context.context_dir))
    return None if relative.startswith("..") else relative.replace(os.sep, "/")


def _history(context: RuleContext, plan: CachePlan) -> History:
    from lintlayers.cache.history import HistoryError, project_history, synthetic_history

    if context.context_dir is not None:
        import os

        key = os.path.abspath(context.context_dir)
        found = _histories.get(key)
        if found is None:
            build = plan.context
            files = (
                None
                if build is None
                else (entry.path for entry in build.files() if not entry.is_dir)
            )  # what the plan's context holds, walked only for a synthetic history
            try:
                found = project_history(key, limit=HISTORY_LIMIT, files=files)
            except HistoryError:
                found = None
            if found is not None:
                _histories[key] = found
        if found is not None:
            return found
    paths = _stand_in_paths(plan)
    dockerfile = _dockerfile_path(context)
    if dockerfile:
        paths.add(dockerfile)
    return synthetic_history(
        sorted(paths), reason="no build context: a synthetic history of the files it copies"
    )


def _stand_in_paths(plan: CachePlan) -> set[str]:
    """Paths standing for what each COPY/ADD source (and bind mount) selects.

    A file source stands for itself, a wildcard for the name without its wildcards
    (``package*.json``: ``package.json``), a directory for a source file inside it, the
    whole context for a source file at its root.
    """
    from lintlayers.buildcontext.patterns import has_wildcards
    from lintlayers.model.file_names import looks_like_file

    paths: set[str] = set()
    for step in plan.steps():
        for source in step.key_sources:
            pattern = source.pattern
            if pattern == ".":
                paths.add("__source__")
                continue
            name = pattern.rpartition("/")[2]
            if has_wildcards(pattern):
                stripped = pattern.replace("*", "").replace("?", "x")
                paths.add(stripped.split("[", 1)[0] or "__source__")
            elif looks_like_file(name):
                paths.add(pattern)
            else:
                paths.add(pattern + "/__source__")
    return paths
