"""The ``cache`` command: what a change re-runs, and what rebuilds cost over the history.

With ``--changed FILE...``, ``--since REV`` or ``--changed-arg NAME`` it prints, per
stage, the first step that misses, the changed file (through which COPY source) or
build argument that makes it miss, and how many steps and RUN steps re-run. Otherwise
it replays the context's git history (or a synthetic one; the per-build ARGs the model
finds, such as ``GIT_SHA``, and each ``--volatile-arg NAME`` change on every build, as
rule LL105 counts them) and prints the expected rebuild cost per commit and each step's
miss rate; when the reorder engine (``lintlayers.reorder``) is installed, also the cost
of the order it suggests.
"""

from __future__ import annotations

import os
import sys

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import TextIO

    from lintlayers.cache.costs import Costs
    from lintlayers.cache.expected import CostReport
    from lintlayers.cache.history import History
    from lintlayers.cache.predict import Prediction
    from lintlayers.cache.steps import CachePlan, StagePlan
    from lintlayers.config import Settings

EXIT_OK, EXIT_ERROR = 0, 2
JSON_VERSION = 1

_Line = list[tuple[str, "str | None"]]


class CacheCommandError(Exception):
    """A problem that stops the command; the message is for users."""


class Suggestion:
    """What the reorder engine suggests: its expected cost, or why there is none."""

    __slots__ = ("error", "expected", "text")

    def __init__(self, expected: float | None, text: str = "", error: str = "") -> None:
        self.expected = expected
        self.text = text
        self.error = error

    def as_dict(self) -> dict[str, object]:
        if self.error:
            return {"error": self.error}
        return {"expected_cost": round(self.expected or 0.0, 3)}


def run_cache(options: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run ``lintlayers cache``; return the exit code."""
    out = out or sys.stdout
    try:
        return _run(options, out)
    except CacheCommandError as error:
        sys.stderr.write(f"lintlayers: {error}\n")
        return EXIT_ERROR


def _run(options: argparse.Namespace, out: TextIO) -> int:
    from lintlayers.buildcontext.context import BuildContext
    from lintlayers.cache.costs import Costs
    from lintlayers.cache.history import HistoryError, changed_since
    from lintlayers.cache.steps import build_plan
    from lintlayers.model.stages import build_model
    from lintlayers.reading import ReadError, read_file
    from lintlayers.syntax.parser import parse

    path = options.path
    if os.path.isdir(path):
        path = os.path.join(path, "Dockerfile")
    try:
        text, _ = read_file(path)
    except ReadError as error:
        raise CacheCommandError(str(error)) from None
    folder = os.path.dirname(os.path.abspath(path))
    settings = _settings(folder, options)
    builder = options.builder or settings.builder
    context_dir = os.path.abspath(options.context or settings.context or folder)
    if not os.path.isdir(context_dir):
        raise CacheCommandError(f"{context_dir}: the context folder does not exist")
    dockerfile = parse(text, path)
    errors = dockerfile.all_errors()
    if errors:
        sys.stderr.write(
            f"lintlayers: {path}: {len(errors)} parse error(s); the plan may be incomplete\n"
        )
    model = build_model(dockerfile)
    if not model.stages:
        raise CacheCommandError(f"{path}: no FROM, no stage to build")
    context = BuildContext(context_dir, os.path.abspath(path))
    try:
        plan = build_plan(model, builder=builder, context=context, target=options.target)
    except KeyError:
        raise CacheCommandError(f"{path}: no stage named {options.target!r}") from None
    except ValueError as error:  # a .dockerignore pattern Docker rejects
        raise CacheCommandError(f"{path}: {error}") from None
    costs = Costs(settings.cache_costs)
    volatile = sorted(set(options.volatile_arg))
    args = sorted(set(options.changed_arg) | set(volatile))
    header = {"dockerfile": path, "builder": builder, "context": context_dir}
    if options.changed is not None or options.since is not None or options.changed_arg:
        if options.since is not None:
            try:
                changed = changed_since(context_dir, options.since)
            except HistoryError as error:
                raise CacheCommandError(str(error)) from None
        else:
            changed = _changed_files(options.changed or (), context_dir)
        from lintlayers.cache.predict import predict

        prediction = predict(plan, changed_files=changed, changed_args=args)
        if options.format == "json":
            _write_json(out, {**header, **_prediction_json(prediction, costs)})
        else:
            _write_lines(out, _prediction_lines(path, builder, prediction, costs))
        return EXIT_OK
    from lintlayers.cache.expected import cost_report
    from lintlayers.cache.history import project_history

    try:  # the same choice of history as rule LL105's
        history = project_history(
            context_dir,
            limit=options.history,
            files=[entry.path for entry in context.files() if not entry.is_dir],
        )
    except HistoryError as error:
        raise CacheCommandError(str(error)) from None
    from lintlayers.model.volatile import per_build_args

    volatile = sorted(set(volatile) | per_build_args(model))  # as LL105 counts them
    from lintlayers.progress import progress

    quiet = bool(getattr(options, "quiet", False))
    # two replays of every commit: the current order, then the reorder engine's
    with progress(
        2 * len(history), unit="commits", description="Replaying history", quiet=quiet
    ) as bar:
        report = cost_report(plan, history, costs, changing_args=volatile, advance=bar.advance)
        suggested = _suggested_cost(plan, history, costs, volatile, report.expected, bar.advance)
    if options.format == "json":
        _write_json(out, {**header, **_history_json(report, history, costs, suggested)})
    else:
        _write_lines(out, _history_lines(path, builder, report, history, costs, suggested))
    return EXIT_OK


def _settings(folder: str, options: argparse.Namespace) -> Settings:
    from lintlayers.config import ConfigError, load_settings
    from lintlayers.registry import PluginError, load_rules

    try:
        known = {rule.code: rule.category for rule in load_rules()}
        return load_settings(folder, known, config_path=options.config)
    except (ConfigError, PluginError) as error:
        raise CacheCommandError(str(error)) from None


def _changed_files(names: Sequence[str], context_dir: str) -> frozenset[str]:
    """``--changed`` paths made relative to the context.

    A path that exists from the current folder (or is absolute) is taken from there,
    any other relative to the context; a folder stands for the files in it; a path
    outside the context is left out with a note, since no build can see it.
    """
    found: set[str] = set()
    for name in names:
        local = os.path.abspath(name)
        if not (os.path.isabs(name) or os.path.exists(name)):
            local = os.path.join(context_dir, name)
        relative = os.path.relpath(local, context_dir)
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            sys.stderr.write(f"lintlayers: {name}: outside the build context, left out\n")
            continue
        if os.path.isdir(local):
            for folder, _, files in os.walk(local):
                for file_name in files:
                    path = os.path.relpath(os.path.join(folder, file_name), context_dir)
                    found.add(path.replace(os.sep, "/"))
            continue
        found.add(relative.replace(os.sep, "/"))
    return frozenset(found)


# ------------------------------------------------------------------------------- reorder


def _suggested_cost(
    plan: CachePlan,
    history: History,
    costs: Costs,
    args: list[str],
    current: float,
    advance: Callable[[int], None] | None = None,
) -> Suggestion | None:
    """The expected cost of the reorder engine's suggestion, when there is an engine.

    The engine is ``lintlayers.reorder.suggest_order(plan, *, history, costs) -> str |
    None``: the reordered Dockerfile text, or None when it keeps the order. A
    suggestion that does not cost less than ``current`` on this history is dropped.
    """
    try:
        from lintlayers import reorder
    except ImportError:
        return None
    suggest = getattr(reorder, "suggest_order", None)
    if suggest is None:
        return None
    from lintlayers.cache.expected import cost_report
    from lintlayers.cache.steps import build_plan
    from lintlayers.model.stages import build_model
    from lintlayers.syntax.parser import parse

    try:
        text = suggest(plan, history=history, costs=costs)
    except Exception as error:  # another module's bug must not hide our own figures
        return Suggestion(None, error=f"the reorder engine failed: {error}")
    if text is None:
        return None
    model = build_model(parse(text, "<suggested>"))
    target = plan.target.label if plan.target is not None else None
    other = build_plan(model, builder=plan.builder, context=plan.context, target=target)
    report = cost_report(other, history, costs, changing_args=args, advance=advance)
    if report.expected >= current:
        return None
    return Suggestion(report.expected, text)


# ------------------------------------------------------------------------------- JSON


def _write_json(out: TextIO, data: dict[str, object]) -> None:
    import json

    out.write(json.dumps({"version": JSON_VERSION, "command": "cache", **data}, indent=2) + "\n")


def _stage_header(stage: StagePlan) -> dict[str, object]:
    return {
        "index": stage.index,
        "name": stage.name,
        "line": stage.stage.from_instruction.start_line,
        "built": stage.built,
    }


def _prediction_json(prediction: Prediction, costs: Costs) -> dict[str, object]:
    stages = []
    for outcome in prediction.stages:
        first = outcome.first_miss
        stages.append(
            {
                **_stage_header(outcome.stage),
                "first_miss": None
                if first is None
                else {
                    "line": first.step.line,
                    "instruction": first.step.full_text,
                    "cause": first.cause.as_dict() if first.cause else None,
                },
                "rerun_steps": outcome.rerun_steps,
                "rerun_runs": outcome.rerun_runs,
                "cache_steps": outcome.cache_steps,
                "rerun_cost": round(outcome.cost(costs), 3),
                "steps": [
                    {
                        "index": p.step.index,
                        "line": p.step.line,
                        "keyword": p.step.keyword,
                        "instruction": p.step.full_text,
                        "cache_step": p.step.cache_step,
                        "hit": p.hit,
                    }
                    for p in outcome.steps
                ],
            }
        )
    return {
        "mode": "changed",
        "changed_files": sorted(prediction.changed_files),
        "changed_args": sorted(prediction.changed_args),
        "units": _units(),
        "rerun_cost": round(prediction.cost(costs), 3),
        "stages": stages,
    }


def _history_json(
    report: CostReport, history: History, costs: Costs, suggested: Suggestion | None
) -> dict[str, object]:
    stages = []
    for stage in report.plan.stages:
        stages.append(
            {
                **_stage_header(stage),
                "steps": [
                    {
                        "index": step.index,
                        "line": step.line,
                        "keyword": step.keyword,
                        "instruction": step.full_text,
                        "cache_step": step.cache_step,
                        "kinds": list(step.kinds),
                        "cost": costs.of_step(step),
                        "miss_rate": round(report.miss_rate(step), 4)
                        if step in report.misses
                        else None,
                    }
                    for step in stage.steps
                ],
            }
        )
    return {
        "mode": "history",
        "history": {"source": history.source, "commits": report.commits, "note": history.reason},
        "volatile_args": sorted(report.changing_args),
        "units": _units(),
        "costs": dict(costs.values),
        "expected_cost": round(report.expected, 3),
        "suggested": suggested.as_dict() if suggested is not None else None,
        "stages": stages,
    }


def _units() -> str:
    from lintlayers.cache.costs import UNITS

    return UNITS


# ------------------------------------------------------------------------------- text


def _prediction_lines(path: str, builder: str, prediction: Prediction, costs: Costs) -> list[_Line]:
    files = len(prediction.changed_files)
    args = len(prediction.changed_args)
    lines: list[_Line] = [
        [
            (path, "bold"),
            (
                f": builder {builder}; {_count(files, 'changed file')}, "
                f"{_count(args, 'changed build argument')}",
                None,
            ),
        ]
    ]
    for outcome in prediction.stages:
        stage = outcome.stage
        title = f"stage {stage.label} (line {stage.stage.from_instruction.start_line})"
        if not stage.built:
            lines.append([(title, "bold"), (": not built (the target does not need it)", "dim")])
            continue
        first = outcome.first_miss
        if first is None:
            lines.append(
                [(title, "bold"), (f": all {outcome.cache_steps} cache steps hit", "green")]
            )
            continue
        lines.append(
            [
                (title, "bold"),
                (": first miss at line ", None),
                (f"{first.step.line}: {first.step.text}", "yellow"),
            ]
        )
        if first.cause is not None:
            lines.append([("  " + first.cause.describe(), None)])
        lines.append(
            [
                (
                    f"  re-runs {outcome.rerun_steps} of {outcome.cache_steps} cache steps "
                    f"({_count(outcome.rerun_runs, 'RUN step')}), "
                    f"cost {_number(outcome.cost(costs))} {_units()}",
                    None,
                )
            ]
        )
    return lines


def _history_lines(
    path: str,
    builder: str,
    report: CostReport,
    history: History,
    costs: Costs,
    suggested: Suggestion | None,
) -> list[_Line]:
    source = "git" if history.source == "git" else "a synthetic history"
    lines: list[_Line] = [
        [
            (path, "bold"),
            (f": builder {builder}; {_count(report.commits, 'commit')} from {source}", None),
        ]
    ]
    if history.reason:
        lines.append([(f"  ({history.reason})", "dim")])
    if report.changing_args:
        names = ", ".join(sorted(report.changing_args))
        lines.append([(f"  (build arguments new on every build: {names})", "dim")])
    lines.append(
        [
            ("expected rebuild cost: ", None),
            (f"{_number(report.expected)} {_units()} per commit", "bold"),
        ]
    )
    if suggested is not None:
        if suggested.error:
            lines.append([(suggested.error, "red")])
        else:
            expected = _number(suggested.expected or 0.0)
            lines.append(
                [("suggested order: ", None), (f"{expected} {_units()} per commit", "green")]
            )
    for stage in report.plan.stages:
        title = f"stage {stage.label} (line {stage.stage.from_instruction.start_line})"
        if not stage.built:
            lines.append([(title, "bold"), (": not built (the target does not need it)", "dim")])
            continue
        lines.append([(f"{title:<66}", "bold"), (f"{'miss rate':>10}{'cost':>8}", "dim")])
        for step in stage.steps:
            if step not in report.misses:
                continue
            rate = report.miss_rate(step)
            style = "red" if rate >= 0.5 else "yellow" if rate > 0 else None
            lines.append(
                [
                    (f"  line {step.line:<5}{step.text[:54]:<54}", None),
                    (f"{rate * 100:>9.0f}%", style),
                    (f"{_number(costs.of_step(step)):>8}", None),
                ]
            )
    return lines


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0") if value == int(value) else f"{value:.1f}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _write_lines(out: TextIO, lines: list[_Line]) -> None:
    from lintlayers.reporters.base import use_color

    if not use_color(out):
        out.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        return
    from rich.color import ColorSystem
    from rich.style import Style

    chunks: list[str] = []
    for line in lines:
        for text, style_name in line:
            if style_name is None or not text:
                chunks.append(text)
            else:
                chunks.append(
                    Style.parse(style_name).render(text, color_system=ColorSystem.STANDARD)
                )
        chunks.append("\n")
    out.write("".join(chunks))
