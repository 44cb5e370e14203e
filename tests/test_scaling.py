"""Linting cost grows linearly with the size of a file (issue 11).

Timing ratios are noisy on a shared machine, so the work is counted instead: Python
function calls (``cProfile``'s deterministic count) and the peak of Python memory
(``tracemalloc``) while linting the generated files of ``scripts/scaling.py`` (four
stages of RUN with apt-get, pip and ``&&`` chains, COPY and ENV) of ``SMALL`` and ten
times as many lines. A rule whose work grows faster than the file shows up as a call
ratio above ten.
"""

from __future__ import annotations

import cProfile
import importlib.util
import pstats
import tracemalloc
from pathlib import Path

import pytest

from lintlayers.engine import default_linter

SMALL = 300
LARGE = SMALL * 10
MAX_CALL_RATIO = 10.5
"""Function calls of ten times the lines, at most this many times those of the small file."""
MAX_PEAK_RATIO = 11.0
MAX_BYTES_PER_LINE = 5_000
"""Peak Python memory per line of the large file (3.9 kB when written, 4.8 kB with LL106's
cache plan and the write model of every command; RSS adds about a third, and a
200,000-line file's RSS must stay under 400 MB: see README, Speed)."""
QUADRATIC = {
    "LL302": "rules/apt_install_recommends.py: each apt-get install asks model.debian's "
    "present() about every package installed before it in the stage (Installed.present "
    "lists them all and finds and closes each again)",
}
"""Rules known to do more than linear work on the generated files, and why."""
BOUNDED = frozenset({"LL105"})
"""Left out of the ratios: LL105 searches only stages of at most 200 instructions
(``reorder.engine.MAX_STAGE_STEPS``), so it works hard on the small file's stages and
skips the large file's; its work per stage is bounded by that cap."""


def _generate(lines: int) -> str:
    path = Path(__file__).resolve().parent.parent / "scripts" / "scaling.py"
    spec = importlib.util.spec_from_file_location("lintlayers_scaling", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(lines)


def _work(text: str, skip: frozenset[str]) -> tuple[int, int]:
    """Function calls and peak traced bytes of linting ``text`` with every rule but ``skip``."""
    linter = default_linter()
    linter.rules = [rule for rule in linter.rules if rule.code not in skip]
    linter.lint_text(_generate(SMALL), "Dockerfile")  # imports and first-use caches
    profile = cProfile.Profile()
    tracemalloc.start()
    try:
        profile.enable()
        linter.lint_text(text, "Dockerfile")
        profile.disable()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return pstats.Stats(profile).total_calls, peak  # type: ignore[attr-defined]


def _ratios(skip: frozenset[str]) -> tuple[float, float, float]:
    small_calls, small_peak = _work(_generate(SMALL), skip)
    large_calls, large_peak = _work(_generate(LARGE), skip)
    return large_calls / small_calls, large_peak / small_peak, large_peak / LARGE


@pytest.mark.slow
def test_work_and_memory_grow_linearly() -> None:
    calls, peak, per_line = _ratios(BOUNDED | frozenset(QUADRATIC))
    assert calls <= MAX_CALL_RATIO, f"{calls:.1f}x the calls for 10x the lines"
    assert peak <= MAX_PEAK_RATIO, f"{peak:.1f}x the memory for 10x the lines"
    assert per_line <= MAX_BYTES_PER_LINE, f"{per_line:.0f} bytes a line"


@pytest.mark.slow
@pytest.mark.xfail(reason="; ".join(f"{code}: {why}" for code, why in QUADRATIC.items()))
def test_every_rule_grows_linearly() -> None:
    calls, _, _ = _ratios(BOUNDED)
    assert calls <= MAX_CALL_RATIO, f"{calls:.1f}x the calls for 10x the lines"
