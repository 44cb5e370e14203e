"""Expected rebuild cost: replay each commit of a history through ``predict``.

``expected_cost(plan, history, costs)`` is the mean, over the commits, of the summed
cost of the steps that would re-run if that commit's changes were built on top of the
previous build. Each commit is replayed as a whole, so files that change together
count once: no independence assumption, exact on the history given.
"""

from __future__ import annotations

from lintlayers.cache.predict import predict
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from lintlayers.cache.costs import Costs
    from lintlayers.cache.history import History
    from lintlayers.cache.steps import CachePlan, CacheStep


class CostReport:
    """The replay of a history: cost per commit, and how often each step missed.

    ``expected`` is the mean cost per commit (0 for an empty history); ``per_commit``
    the cost of each commit in history order; ``misses[step]`` how many commits re-ran
    the step (cache steps of built stages only); ``changing_args`` the build arguments
    taken to change on every commit.
    """

    __slots__ = ("changing_args", "commits", "expected", "misses", "per_commit", "plan")

    def __init__(self, plan: CachePlan, changing_args: frozenset[str] = frozenset()) -> None:
        self.plan = plan
        self.changing_args = changing_args
        self.commits = 0
        self.expected = 0.0
        self.per_commit: list[float] = []
        self.misses: dict[CacheStep, int] = {}

    def miss_rate(self, step: CacheStep) -> float:
        """The share of commits that re-ran ``step`` (0 when there are none)."""
        return self.misses.get(step, 0) / self.commits if self.commits else 0.0

    def __repr__(self) -> str:
        return f"CostReport({self.expected:.1f} per commit over {self.commits} commits)"


def cost_report(
    plan: CachePlan,
    history: History,
    costs: Costs,
    *,
    changing_args: Iterable[str] = (),
    remote_changed: bool = True,
    advance: Callable[[int], None] | None = None,
) -> CostReport:
    """Replay every commit of ``history``; ``changing_args`` change on every commit.
    ``advance(1)`` after each commit (a progress bar)."""
    args = frozenset(changing_args)
    report = CostReport(plan, args)
    steps = [step for stage in plan.stages if stage.built for step in stage.steps]
    for step in steps:
        if step.cache_step and step.keyword != "FROM":
            report.misses[step] = 0
    for commit in history.commits:
        prediction = predict(
            plan, changed_files=commit.files, changed_args=args, remote_changed=remote_changed
        )
        total = 0.0
        for stage in prediction.built:
            for outcome in stage.rerun:
                report.misses[outcome.step] += 1
                total += costs.of_step(outcome.step)
        report.per_commit.append(total)
        if advance is not None:
            advance(1)
    report.commits = len(report.per_commit)
    if report.commits:
        report.expected = sum(report.per_commit) / report.commits
    return report


def expected_cost(
    plan: CachePlan,
    history: History,
    costs: Costs,
    *,
    changing_args: Iterable[str] = (),
    remote_changed: bool = True,
) -> float:
    """Mean cost per commit of the steps that re-run, replaying ``history`` exactly."""
    return cost_report(
        plan, history, costs, changing_args=changing_args, remote_changed=remote_changed
    ).expected
