"""Replay the cache fixtures on buildah and print how many RUN steps each order re-runs.

Usage (as root, with buildah and busybox-static installed)::

    .venv/bin/python scripts/replay_table.py [FIXTURE ...] [--verbose]

For each fixture of ``tests/fixtures/replay/`` it lints the Dockerfile (classic builder,
the reorder rules' unsafe fixes applied), builds the original and the fixed Dockerfile
cold and after each commit of the fixture's replay in a private buildah store, and
prints the table "fixture | RUN steps re-run before fix | after fix" (the cold build left
out), whether the model's prediction matched buildah on every step, and whether both
final images were identical after every commit. ``tests/test_cache_replay.py`` asserts
the same replays.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

TESTS = Path(__file__).resolve().parent.parent / "tests"

if TYPE_CHECKING:
    from replay_support import FixtureRun


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(TESTS))
    from builder import Buildah, unavailable_reason
    from replay_support import fixture_names, run_fixture

    verbose = "--verbose" in argv
    names = [arg for arg in argv if not arg.startswith("-")] or fixture_names()
    problem = unavailable_reason()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    rows: list[tuple[str, ...]] = []
    builds = 0
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="replay-") as temp,
        Buildah(Path(temp) / "store") as store,
    ):
        store.ensure_base()
        for name in names:
            run = run_fixture(store, name, Path(temp) / name)
            builds += run.builds
            rows.append(_row(run))
            print(f"{name}: {run.builds} builds, {run.seconds:.0f} s", file=sys.stderr)
            if verbose:
                for replay in [run.original] + ([run.fixed] if run.fixed else []):
                    print(f"--- {name} {replay.label}", file=sys.stderr)
                    for build in replay.builds:
                        print(build.describe(), file=sys.stderr)
    header = ("fixture", "RUN steps re-run before fix", "after fix", "cache findings",
              "model = buildah", "same files", "same config")  # fmt: skip
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    total = time.monotonic() - started
    print(f"\n{builds} builds in {total:.0f} s", file=sys.stderr)
    return 0


def _row(run: FixtureRun) -> tuple[str, ...]:
    """One line of the table: re-runs per commit (the cold build left out) and checks."""
    from builder import differences
    from replay_support import config_differences

    replays = [run.original] + ([run.fixed] if run.fixed else [])
    builds = [build for replay in replays for build in replay.builds]
    model = "yes" if all(b.predicted == b.observed for b in builds) else "NO"
    if any(b.model != b.predicted for b in builds):
        model += " (buildah text-keys ENV)"
    before = f"{run.original.reruns} {run.original.per_build[1:]}"
    after, files, config = "(no fix)", "-", "-"
    if run.fixed is not None:
        after = f"{run.fixed.reruns} {run.fixed.per_build[1:]}"
        pairs = list(enumerate(zip(run.original.builds, run.fixed.builds, strict=True)))
        same = all(not differences(a.filesystem, b.filesystem) for _, (a, b) in pairs)
        files = "yes" if same else "NO"
        changed = [
            f"{key} in build {number}"
            for number, (a, b) in pairs
            for key in config_differences(a.config, b.config)
        ]
        config = "yes" if not changed else "NO: " + ", ".join(changed)
    codes = ",".join(run.linted.before) or "-"
    return (run.fixture.name, before, after, codes, model, files, config)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
