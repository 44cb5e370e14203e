"""Replaying a fixture's commits on buildah, next to what the cache model predicts.

A fixture is a folder of ``tests/fixtures/replay/``: a ``Dockerfile``, the initial build
context (``context/``) and ``replay.json``, the commits to replay as data::

    {"description": "...",
     "build_args": {"GIT_SHA": "c0"},          # the first build's --build-arg values
     "executables": ["bin/run"],               # files given mode 755 (the rest: 644)
     "buildkit_differs": "why",                # optional: skip the BuildKit comparison
     "steps": [{"title": "...",
                "write": {"path": "text"},     # write (or create) context files
                "delete": ["path"],            # delete context files
                "chmod": {"path": "0700"},     # change a mode only
                "args": {"GIT_SHA": "c1"},     # build args that take a new value
                "dockerfile": [["old", "new"]] # replace text (once) in the Dockerfile
               }]}

``replay`` builds the Dockerfile once cold and once after each step, and records per build
what buildah reports (``--> Using cache``) next to the model's prediction
(``lintlayers.cache``) and a snapshot of the final image. ``lint_fixture`` lints the
fixture as ``lintlayers check --fix --unsafe-fixes --builder classic`` would, with the
fixes of the rules that reorder steps applied. ``scripts/replay_table.py`` and
``tests/test_cache_replay.py`` share this module.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from builder import Buildah, BuildResult

    from lintlayers.cache.predict import Prediction
    from lintlayers.cache.steps import CachePlan
    from lintlayers.engine import LintResult

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "replay"
REORDER_RULES = ("LL101", "LL102", "LL105", "LL202")
"""The rules whose (unsafe) fixes move instructions: the fixes a replay checks."""
IGNORED_PATHS = ("/var/log/standins.log",)
"""Left out of image comparisons: the stand-ins' log records which steps ran."""
CONFIG_KEYS = ("Cmd", "Entrypoint", "WorkingDir", "User", "Labels", "ExposedPorts", "Volumes")
"""Image config fields compared between the original and the fixed Dockerfile (and Env)."""


# ------------------------------------------------------------------------------ fixtures


class Step:
    """One commit of a replay: context edits, build-arg changes, Dockerfile edits."""

    __slots__ = ("args", "chmod", "delete", "dockerfile", "title", "write")

    def __init__(self, data: dict[str, Any]) -> None:
        self.title = str(data["title"])
        self.write: dict[str, str] = dict(data.get("write", {}))
        self.delete: list[str] = list(data.get("delete", []))
        self.chmod = {path: int(mode, 8) for path, mode in data.get("chmod", {}).items()}
        self.args: dict[str, str] = dict(data.get("args", {}))
        self.dockerfile = [(old, new) for old, new in data.get("dockerfile", [])]
        unknown = set(data) - {"title", "write", "delete", "chmod", "args", "dockerfile"}
        if unknown:
            raise ValueError(f"unknown keys in replay step {self.title!r}: {sorted(unknown)}")

    def apply(self, context: Path) -> frozenset[str]:
        """Make the step's context edits; return the context-relative paths they changed."""
        changed: set[str] = set()
        for path, text in self.write.items():
            target = context / path
            target.parent.mkdir(parents=True, exist_ok=True)
            for folder in (target.parent, *target.parent.parents):
                if folder == context:
                    break
                folder.chmod(0o755)
            existed = target.exists()
            mode = target.stat().st_mode & 0o7777 if existed else 0o644
            target.write_text(text, encoding="utf-8")
            target.chmod(mode)
            changed.add(path)
        for path in self.delete:
            (context / path).unlink()
            changed.add(path)
        for path, mode in self.chmod.items():
            (context / path).chmod(mode)
            changed.add(path)
        return frozenset(changed)

    def edit_dockerfile(self, text: str) -> str:
        """``text`` with the step's replacements, each of which must match exactly once."""
        for old, new in self.dockerfile:
            if text.count(old) != 1:
                raise ValueError(f"{old!r} must occur once in the Dockerfile:\n{text}")
            text = text.replace(old, new)
        return text


class Fixture:
    """A replay fixture read from ``tests/fixtures/replay/<name>/``."""

    __slots__ = (
        "build_args",
        "buildkit_differs",
        "description",
        "dockerfile",
        "executables",
        "folder",
        "name",
        "steps",
    )

    def __init__(self, name: str, root: Path = FIXTURES) -> None:
        self.name = name
        self.folder = root / name
        self.dockerfile = (self.folder / "Dockerfile").read_text(encoding="utf-8")
        data = json.loads((self.folder / "replay.json").read_text(encoding="utf-8"))
        self.description: str = data["description"]
        self.build_args: dict[str, str] = dict(data.get("build_args", {}))
        self.executables: frozenset[str] = frozenset(data.get("executables", ()))
        self.buildkit_differs: str | None = data.get("buildkit_differs")
        self.steps = [Step(step) for step in data["steps"]]

    def prepare(self, folder: Path) -> Path:
        """A fresh copy of the initial context under ``folder`` with fixed modes (755
        folders and ``executables``, 644 files), whatever the checkout's umask."""
        context = folder / "context"
        if context.exists():
            shutil.rmtree(context)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copytree(self.folder / "context", context, symlinks=True)
        context.chmod(0o755)
        for path in sorted(context.rglob("*")):
            if path.is_symlink():
                continue
            relative = path.relative_to(context).as_posix()
            executable = path.is_dir() or relative in self.executables
            path.chmod(0o755 if executable else 0o644)
        return context

    def __repr__(self) -> str:
        return f"Fixture({self.name!r})"


def fixture_names(root: Path = FIXTURES) -> list[str]:
    """The fixtures under ``root``, sorted."""
    return sorted(path.parent.name for path in root.glob("*/replay.json"))


# ------------------------------------------------------------------------------ linting


class Linted:
    """A fixture's lint under the classic builder: the cache-rule codes that fire on the
    original, the text after the reorder rules' fixes, and the codes left after fixing."""

    __slots__ = ("after", "before", "fixed", "original")

    def __init__(self, original: str, fixed: str, before: list[str], after: list[str]) -> None:
        self.original = original
        self.fixed = fixed
        self.before = before
        self.after = after

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def cache_rule_codes() -> frozenset[str]:
    """Codes of the rules about the build cache: category ``cache``, and LL202."""
    from lintlayers.registry import load_rules

    return frozenset(
        rule.code for rule in load_rules() if rule.category == "cache" or rule.code == "LL202"
    )


def lint_fixture(fixture: Fixture, folder: Path, *, builder: str = "classic") -> Linted:
    """Lint the fixture with every rule, context given, then apply the unsafe fixes of
    ``REORDER_RULES`` to a fixed point (``--fix --unsafe-fixes --select LL101,...``).

    Other rules' fixes are left out on purpose: a size fix (LL301 deleting apt lists)
    changes the image, which is what the replay must show a reorder does not do.
    """
    from lintlayers.engine import Linter, instantiate
    from lintlayers.fixes import fix_to_fixed_point
    from lintlayers.registry import load_rules

    context = fixture.prepare(folder)
    path = folder / "Dockerfile"
    path.write_text(fixture.dockerfile, encoding="utf-8")
    linter = Linter(instantiate(load_rules()), builder=builder)
    cache_codes = cache_rule_codes()

    def codes(text: str) -> list[str]:
        result = linter.lint_text(text, str(path), context_dir=str(context))
        return sorted({f.code for f in result.findings if f.code in cache_codes})

    def lint(text: str) -> LintResult:
        return linter.lint_text(
            text,
            str(path),
            context_dir=str(context),
            enabled=lambda rule: rule.code in REORDER_RULES,
        )

    outcome = fix_to_fixed_point(fixture.dockerfile, lint, unsafe=True)
    if outcome.rolled_back:
        raise AssertionError(f"{fixture.name}: a fix broke the file and was rolled back")
    return Linted(fixture.dockerfile, outcome.text, codes(fixture.dockerfile), codes(outcome.text))


# ------------------------------------------------------------------------------ predicting

Flags = list[list[bool | None]]
"""Per stage (as buildah numbers them), per step (FROM first): hit, miss, or None."""


def plan_of(text: str, context: Path, builder: str) -> CachePlan:
    from lintlayers.buildcontext.context import BuildContext
    from lintlayers.cache.steps import build_plan
    from lintlayers.model.stages import build_model
    from lintlayers.syntax.parser import parse

    return build_plan(build_model(parse(text)), builder=builder, context=BuildContext(str(context)))


def predict_flags(
    text: str,
    context: Path,
    *,
    builder: str,
    changed_files: frozenset[str],
    changed_args: frozenset[str],
    previous_text: str,
    unchanged_stages: frozenset[int] = frozenset(),
    buildah: bool = False,
) -> Flags:
    """The model's hit/miss for each step of a rebuild after the given changes.

    FROM is reported as None (buildah prints no cache line for it) once the model agrees
    that the base did not change. The model knows context files and build args; for an
    edit of the Dockerfile itself the replay adds the one fact every builder shares: the
    first step whose text changed misses, and with it the rest of its stage.
    ``unchanged_stages`` are the stages whose copied output came out byte-identical (see
    ``unchanged_outputs``), which no static model can know. ``buildah`` applies buildah's
    one deviation from the classic builder, ``BUILDAH_TEXT_KEYS``.
    """
    from lintlayers.cache.predict import predict

    plan = plan_of(text, context, builder)
    prediction: Prediction = predict(
        plan,
        changed_files=changed_files,
        changed_args=changed_args,
        remote_changed=False,
        unchanged_stages=unchanged_stages,
    )
    flags: Flags = []
    for stage in prediction.stages:
        row: list[bool | None] = []
        for outcome in stage.steps:
            if outcome.step.keyword == "FROM":
                if outcome.hit is False:
                    raise AssertionError(f"the model rebuilds a base: {outcome!r}")
                row.append(None)
            else:
                row.append(outcome.hit)
        flags.append(row)
    if buildah and changed_args:
        flags = _buildah_flags(plan, changed_files, changed_args, unchanged_stages)
    if previous_text != text:
        _edited_steps_miss(flags, plan, plan_of(previous_text, context, builder))
    return flags


def _edited_steps_miss(flags: Flags, plan: CachePlan, previous: CachePlan) -> None:
    """Mark the first cache step whose text the Dockerfile edit changed, and every step
    after it, as misses (single-stage files). A changed metadata instruction that is no
    cache step (BuildKit) enters no key: it changes nothing."""
    from lintlayers.cache.facts import METADATA

    if len(previous.stages) != len(plan.stages) or len(plan.stages) != 1:
        raise ValueError("Dockerfile edits are replayed for single-stage files only")
    old, new = previous.stages[0].steps, plan.stages[0].steps
    if len(old) != len(new):
        raise ValueError("Dockerfile edits are replayed when they change text only")
    row = flags[0]
    for index, (before, after) in enumerate(zip(old, new, strict=True)):
        if before.full_text == after.full_text:
            continue
        if not after.cache_step:
            if after.keyword in METADATA:
                continue
            raise ValueError(f"an edit of {after.keyword} is not replayed under this builder")
        for later in range(index, len(row)):
            if row[later] is not None:
                row[later] = False
        return


BUILDAH_TEXT_KEYS = (
    "buildah keys a step on its parent's history and its created-by text: for RUN the "
    "build args in scope with their values, for COPY/ADD a digest of the copied content, "
    "for every other instruction (ENV, LABEL, WORKDIR, CMD...) the instruction as written, "
    "unexpanded. Moby's classic builder keys those on the whole resulting config, which the "
    "model's `classic` encodes: `ENV APP_REVISION=$GIT_SHA` misses there when GIT_SHA "
    "changes, and hits under buildah, whose cached image keeps the previous value "
    "(containers/buildah#5095, #5501, #5575)"
)
"""Why ``predict_flags(buildah=True)`` drops build-arg causes of steps other than RUN."""


def _buildah_flags(
    plan: CachePlan,
    changed_files: frozenset[str],
    changed_args: frozenset[str],
    unchanged_stages: frozenset[int],
) -> Flags:
    """The classic model's own-key changes minus buildah's text-keyed steps, chained."""
    from lintlayers.cache.predict import ARG, key_changes

    if len(plan.stages) > 1:
        raise ValueError("build args are replayed on buildah for single-stage files only")
    own = key_changes(
        plan,
        changed_files=changed_files,
        changed_args=changed_args,
        remote_changed=False,
        unchanged_stages=unchanged_stages,
    )
    flags: Flags = []
    for stage in plan.stages:
        broken = False
        row: list[bool | None] = []
        for step in stage.steps:
            cause = own.get(step)
            if cause is not None and not (cause.kind == ARG and step.keyword != "RUN"):
                broken = True
            row.append(None if step.keyword == "FROM" else not broken)
        flags.append(row)
    return flags


def unchanged_outputs(
    plan: CachePlan,
    before: dict[str, tuple[object, ...]],
    after: dict[str, tuple[object, ...]],
) -> frozenset[int]:
    """Stages every ``COPY --from`` of which put the same files in the final image in two
    builds: their output came out byte-identical, whether or not they re-ran.

    Read from the final images (the copy's destination and everything under it), which is
    exact as long as no later step of the target rewrites those paths (true here).
    """
    same: dict[int, bool] = {}
    for step in plan.steps():
        if step.form != "COPY --from" or not step.stage_refs or step.destination is None:
            continue
        index = plan.stage(step.stage_refs[0]).index
        root = step.destination.rstrip("/") or "/"
        prefix = root + "/" if root != "/" else "/"

        def under(files: dict[str, tuple[object, ...]], root=root, prefix=prefix) -> dict:
            return {p: e for p, e in files.items() if p == root or p.startswith(prefix)}

        same[index] = same.get(index, True) and under(before) == under(after)
    return frozenset(index for index, kept in same.items() if kept)


def observed_flags(result: BuildResult, stages: int) -> Flags:
    """buildah's hit/miss for each step, per stage (an unbuilt stage is an empty list)."""
    return [[step.cached for step in result.stage(index)] for index in range(stages)]


# ------------------------------------------------------------------------------ replaying


class Build:
    """One build of a replay and what was known about it.

    ``observed`` is what buildah did, ``model`` the classic model's prediction,
    ``predicted`` the same with buildah's deviation (``BUILDAH_TEXT_KEYS``) applied,
    ``buildkit`` the BuildKit model's prediction; ``runs`` the RUN steps that re-ran.
    """

    __slots__ = (
        "buildkit",
        "config",
        "filesystem",
        "instructions",
        "model",
        "observed",
        "predicted",
        "result",
        "runs",
        "title",
    )

    def __init__(self, title: str, result: BuildResult) -> None:
        self.title = title
        self.result = result
        self.observed: Flags = []
        self.predicted: Flags = []
        self.model: Flags = []
        self.buildkit: Flags = []
        self.instructions: list[list[str]] = []
        self.filesystem: dict[str, tuple[object, ...]] = {}
        self.config: dict[str, Any] = {}
        self.runs = sum(1 for s in result.steps if s.keyword == "RUN" and s.cached is False)

    def describe(self) -> str:
        """Each step with what buildah did and what the model said, for messages."""
        lines = [f"build {self.title!r}:"]
        names = {True: "hit", False: "MISS", None: "-"}
        for stage, texts in enumerate(self.instructions):
            observed = self.observed[stage] if stage < len(self.observed) else []
            predicted = self.predicted[stage] if stage < len(self.predicted) else []
            for index, text in enumerate(texts):
                seen = names[observed[index]] if index < len(observed) else "not built"
                said = names[predicted[index]] if index < len(predicted) else "?"
                mark = "" if seen == said else "   <-- differs"
                models = self.model[stage] if stage < len(self.model) else predicted
                if index < min(len(models), len(predicted)) and models[index] != predicted[index]:
                    mark += (
                        f"   (classic model: {names[models[index]]}; buildah keys it on its text)"
                    )
                lines.append(f"  [{stage}] {index}: buildah {seen:4} model {said:4} {text}{mark}")
        return "\n".join(lines)


class Replay:
    """Every build of one Dockerfile over a fixture's steps (the cold build first)."""

    __slots__ = ("builds", "dockerfile", "fixture", "label", "seconds")

    def __init__(self, fixture: Fixture, dockerfile: str, label: str) -> None:
        self.fixture = fixture
        self.dockerfile = dockerfile
        self.label = label
        self.builds: list[Build] = []
        self.seconds = 0.0

    @property
    def reruns(self) -> int:
        """RUN steps re-run over the replay's edits (the cold build left out)."""
        return sum(build.runs for build in self.builds[1:])

    @property
    def per_build(self) -> list[int]:
        return [build.runs for build in self.builds]


def config_differences(
    left: dict[str, object], right: dict[str, object]
) -> dict[str, tuple[object, object]]:
    """Config fields (``Env`` entries as ``Env.NAME``) that differ between two images."""
    found: dict[str, tuple[object, object]] = {}
    for key in sorted(left.keys() | right.keys()):
        a, b = left.get(key), right.get(key)
        if key == "Env" and isinstance(a, dict) and isinstance(b, dict):
            for name in sorted(a.keys() | b.keys()):
                if a.get(name) != b.get(name):
                    found[f"Env.{name}"] = (a.get(name), b.get(name))
        elif a != b:
            found[key] = (a, b)
    return found


def image_config(buildah: Buildah, tag: str) -> dict[str, Any]:
    """The config fields a reorder must keep, ``Env`` as a mapping."""
    image: dict[str, Any] = buildah.inspect(tag)  # type: ignore[assignment]
    config = image["Docker"]["config"]
    kept: dict[str, Any] = {key: config.get(key) for key in CONFIG_KEYS}
    env = config.get("Env") or []
    kept["Env"] = dict(item.partition("=")[::2] for item in env)
    return kept


def replay(buildah: Buildah, fixture: Fixture, dockerfile: str, folder: Path, label: str) -> Replay:
    """Build ``dockerfile`` cold, then after each step of the fixture; record everything.

    The store's cache is dropped first (``reset``): every replay starts from the base image
    only, so no earlier replay can serve its steps.
    """
    started = time.monotonic()
    buildah.reset()
    context = fixture.prepare(folder)
    outcome = Replay(fixture, dockerfile, label)
    args = dict(fixture.build_args)
    text = dockerfile
    tag = f"replay-{fixture.name}-{label}"
    before: dict[str, tuple[object, ...]] = {}
    for number, step in enumerate([None, *fixture.steps]):
        previous = text
        changed_files: frozenset[str] = frozenset()
        changed_args: frozenset[str] = frozenset()
        if step is not None:
            changed_files = step.apply(context)
            changed_args = frozenset(k for k, v in step.args.items() if args.get(k) != v)
            args.update(step.args)
            text = step.edit_dockerfile(text)
        result = buildah.build(text, context, f"{tag}:{number}", build_args=args)
        build = Build("cold build" if step is None else step.title, result)
        plan = plan_of(text, context, "classic")
        build.instructions = [[s.full_text for s in stage.steps] for stage in plan.stages]
        build.observed = observed_flags(result, len(plan.stages))
        build.filesystem = buildah.filesystem(result.tag, ignore=IGNORED_PATHS)
        build.config = image_config(buildah, result.tag)
        if step is None:  # nothing to predict: a cold build misses everywhere
            build.predicted = [
                [None if i == 0 else False for i in range(len(row))] for row in build.instructions
            ]
            build.buildkit = [list(row) for row in build.predicted]
            build.model = [list(row) for row in build.predicted]
        else:
            common = {
                "changed_files": changed_files,
                "changed_args": changed_args,
                "previous_text": previous,
                "unchanged_stages": unchanged_outputs(plan, before, build.filesystem),
            }
            build.model = predict_flags(text, context, builder="classic", **common)
            build.predicted = predict_flags(
                text, context, builder="classic", buildah=True, **common
            )
            build.buildkit = predict_flags(text, context, builder="buildkit", **common)
        before = build.filesystem
        outcome.builds.append(build)
    outcome.seconds = time.monotonic() - started
    return outcome


class FixtureRun:
    """Both replays of a fixture (``fixed`` is None when the lint changes nothing)."""

    __slots__ = ("fixed", "fixture", "linted", "original")

    def __init__(
        self, fixture: Fixture, linted: Linted, original: Replay, fixed: Replay | None
    ) -> None:
        self.fixture = fixture
        self.linted = linted
        self.original = original
        self.fixed = fixed

    @property
    def builds(self) -> int:
        return len(self.original.builds) + (len(self.fixed.builds) if self.fixed else 0)

    @property
    def seconds(self) -> float:
        return self.original.seconds + (self.fixed.seconds if self.fixed else 0.0)


def run_fixture(buildah: Buildah, name: str, folder: Path) -> FixtureRun:
    """Lint fixture ``name``, replay the original and (when the lint changed it) the fixed
    Dockerfile, each in a store reset to the base image."""
    fixture = Fixture(name)
    linted = lint_fixture(fixture, folder / "lint")
    original = replay(buildah, fixture, linted.original, folder / "original", "original")
    fixed = None
    if linted.changed:
        fixed = replay(buildah, fixture, linted.fixed, folder / "fixed", "fixed")
    return FixtureRun(fixture, linted, original, fixed)
