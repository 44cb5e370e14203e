"""The build-cache model: facts per builder, plans, predictions, history and costs.

Submodules load on first use (``from lintlayers.cache import build_plan`` works): the
linter's start-up never pays for this package unless a rule or command needs it.

- ``facts``: the table of what is a cache step and what enters its key, per builder.
- ``steps``: ``build_plan(model, builder=, context=)`` -> ``CachePlan`` of ``CacheStep``.
- ``predict``: ``predict(plan, changed_files=, changed_args=)`` -> ``Prediction``;
  ``key_changes(...)``: the steps whose own key changes, in any order.
- ``costs``: cost priors per kind of work (``Costs``), in relative seconds.
- ``history``: ``load_history(context_dir)`` from git, or a synthetic fallback.
- ``expected``: ``expected_cost(plan, history, costs)`` and ``cost_report``.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.cache.costs import Costs
    from lintlayers.cache.expected import CostReport, cost_report, expected_cost
    from lintlayers.cache.history import History, load_history, synthetic_history
    from lintlayers.cache.predict import Prediction, key_changes, predict
    from lintlayers.cache.steps import CachePlan, CacheStep, StagePlan, build_plan

_EXPORTS = {
    "build_plan": "steps",
    "CachePlan": "steps",
    "CacheStep": "steps",
    "StagePlan": "steps",
    "predict": "predict",
    "key_changes": "predict",
    "Prediction": "predict",
    "Costs": "costs",
    "load_history": "history",
    "synthetic_history": "history",
    "History": "history",
    "expected_cost": "expected",
    "cost_report": "expected",
    "CostReport": "expected",
}

__all__ = [
    "CachePlan",
    "CacheStep",
    "CostReport",
    "Costs",
    "History",
    "Prediction",
    "StagePlan",
    "build_plan",
    "cost_report",
    "expected_cost",
    "key_changes",
    "load_history",
    "predict",
    "synthetic_history",
]


def __getattr__(name: str) -> object:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'lintlayers.cache' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"lintlayers.cache.{module_name}"), name)
