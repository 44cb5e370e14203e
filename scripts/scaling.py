#!/usr/bin/env python3
"""How lintlayers' time and memory grow with the size of one Dockerfile.

Generates Dockerfiles of 2,000, 20,000 and 200,000 instruction lines (mostly RUN:
apt-get, pip and ``&&`` chains, with COPY, ENV and four stages; about 42 bytes a line,
so the largest is about 8.5 MB), lints each through the real command line in a child
process and prints its wall time and peak resident memory (the child's rusage), and
the ratio of each size to the one ten times smaller.

Targets (issue 11): ten times the lines costs at most 11 times the time, and the
200,000-line file peaks under 400 MB.

Usage: ``python scripts/scaling.py [--lines 2000,20000,200000] [--repeat N] [--json]
[--check-args '--ignore LL306']``
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LINES = (2_000, 20_000, 200_000)
TIME_RATIO_TARGET = 11.0  # time(10 n) / time(n), at most
PEAK_TARGET_MB = 400.0  # peak RSS of the 200,000-line file, at most
STAGES = 4

_CYCLE = (
    "RUN apt-get update && apt-get install -y curl-{i}\n",
    "RUN pip install --no-cache-dir pkg{i}==1.{m}\n",
    "ENV TOOL_{i}=/opt/tool-{i}\n",
    "RUN mkdir -p /opt/d{i} && cd /opt/d{i} && make\n",
    "COPY src/mod{i}.py /app/src/mod{i}.py\n",
    "RUN echo step-{i} > /tmp/s{i} && rm -rf /tmp/x\n",
    "RUN apk add --no-cache tool-{i} || true\n",
    "RUN useradd -m user{i} && chown user{i} /opt\n",
)


def generate(lines: int) -> str:
    """A Dockerfile of ``lines`` lines: ``STAGES`` stages of the instruction cycle."""
    per_stage = max(1, lines // STAGES)
    out: list[str] = []
    for index in range(lines):
        if index % per_stage == 0 and index // per_stage < STAGES:
            stage = index // per_stage
            if stage == 0:
                out.append("FROM debian:bookworm AS stage0\n")
            else:
                out.append(f"FROM stage{stage - 1} AS stage{stage}\n")
            continue
        out.append(_CYCLE[index % len(_CYCLE)].format(i=index, m=index % 10))
    if STAGES > 1 and lines > STAGES:
        out[-1] = "COPY --from=stage0 /opt /opt\n"
    return "".join(out)


def lintlayers_command() -> list[str]:
    """The installed ``lintlayers`` script, else ``python -m lintlayers``."""
    script = Path(sys.executable).parent / "lintlayers"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script), "check"]
    return [sys.executable, "-m", "lintlayers", "check"]


def measure(command: list[str], cwd: str) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS in MB and exit code of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        sys.stderr.write(stderr.decode("utf-8", "replace")[-2000:])
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, process.returncode


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--lines",
        default=",".join(str(n) for n in DEFAULT_LINES),
        help="comma-separated line counts",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median kept)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--keep", metavar="DIR", help="write the files to DIR and keep them")
    parser.add_argument(
        "--check-args", default="", help="more arguments of check, e.g. '--ignore LL306'"
    )
    options = parser.parse_args(argv)
    sizes = [int(part) for part in options.lines.split(",") if part]
    command = lintlayers_command() + options.check_args.split()
    results: list[dict[str, float | int]] = []
    with tempfile.TemporaryDirectory(prefix="lintlayers-scaling-") as scratch:
        folder = Path(options.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for lines in sizes:
            path = folder / f"Dockerfile.{lines}"
            path.write_text(generate(lines), encoding="utf-8")
            walls, cpus, peaks = [], [], []
            for _ in range(max(1, options.repeat)):
                wall, cpu, peak, code = measure([*command, path.name], str(folder))
                if code not in (0, 1):
                    sys.exit(f"scaling: lintlayers failed on {lines} lines (exit {code})")
                walls.append(wall)
                cpus.append(cpu)
                peaks.append(peak)
                sys.stderr.write(
                    f"  {lines:>8} lines: {wall:7.2f} s ({cpu:7.2f} s CPU) {peak:8.1f} MB\n"
                )
            results.append(
                {
                    "lines": lines,
                    "bytes": path.stat().st_size,
                    "seconds": statistics.median(walls),
                    "cpu_seconds": statistics.median(cpus),
                    "peak_mb": max(peaks),
                }
            )
    for previous, current in itertools.pairwise(results):
        factor = current["lines"] / previous["lines"]
        current["time_ratio"] = current["seconds"] / previous["seconds"]
        current["cpu_ratio"] = current["cpu_seconds"] / previous["cpu_seconds"]
        current["lines_ratio"] = factor
        current["peak_ratio"] = current["peak_mb"] / previous["peak_mb"]
    report = {"load_average": load_average(), "command": command, "sizes": results}
    if options.json:
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    out = sys.stdout.write
    out(f"lintlayers scaling (median of {options.repeat}; load {report['load_average']})\n")
    out(
        f"{'lines':>9} {'MB file':>8} {'seconds':>8} {'CPU s':>8} {'peak MB':>8}"
        f" {'KB/line':>8}  ratios\n"
    )
    for row in results:
        ratios = ""
        if "time_ratio" in row:
            ratios = (
                f"time x{row['time_ratio']:.1f}, CPU x{row['cpu_ratio']:.1f},"
                f" peak x{row['peak_ratio']:.1f}"
                f" for x{row['lines_ratio']:.0f} lines"
            )
        out(
            f"{row['lines']:>9} {row['bytes'] / 1e6:>8.2f} {row['seconds']:>8.2f}"
            f" {row['cpu_seconds']:>8.2f}"
            f" {row['peak_mb']:>8.1f} {row['peak_mb'] * 1024 / row['lines']:>8.2f}  {ratios}\n"
        )
    worst = max((row.get("time_ratio", 0.0) for row in results), default=0.0)
    out(f"target: time ratio <= {TIME_RATIO_TARGET} per x10 lines: worst x{worst:.1f}\n")
    biggest = results[-1]
    out(
        f"target: peak < {PEAK_TARGET_MB:.0f} MB at {biggest['lines']} lines:"
        f" {biggest['peak_mb']:.0f} MB\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
