"""Linting many files on several processes (``check --jobs``), with the same output.

Worker processes are forked from the one that already imported the rules and read
the settings, so they start in about a millisecond and need nothing sent to them
but the index of a file; each sends back what linting its files gave, in order. Only
plain lints run here: ``--fix`` and ``--diff`` write or print per file and stay on
one process. Where ``fork`` is not available (Windows) or a pool cannot be
started, files are linted one after the other.
"""

from __future__ import annotations

import os

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import TypeVar

    Result = TypeVar("Result")

MIN_FILES_PER_JOB = 32
"""Fewer files than this per extra process are faster linted on one (forking and
collecting results cost more than they save)."""
CHUNK = 8
"""Files handed to a worker at a time."""

_task: Callable[[int], object] | None = None


def job_count(requested: int | None, files: int) -> int:
    """How many processes lint ``files`` files: ``requested`` (0 or None: automatic)."""
    if requested is not None and requested > 0:
        return max(1, min(requested, files))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cpus or 1, files // MIN_FILES_PER_JOB))


def lint_all(
    task: Callable[[int], Result],
    count: int,
    jobs: int,
    advance: Callable[[int], None] | None = None,
) -> Sequence[Result]:
    """``task(index)`` for ``index`` in ``range(count)``, in order, on ``jobs`` processes;
    ``advance(1)`` after each result arrives (a progress bar)."""
    global _task
    results: list[Result] = []
    if jobs > 1 and count > 1:
        import multiprocessing

        if "fork" in multiprocessing.get_all_start_methods():
            _task = task
            try:
                with multiprocessing.get_context("fork").Pool(jobs) as pool:
                    for result in pool.imap(_run, range(count), chunksize=CHUNK):
                        results.append(result)  # type: ignore[arg-type]
                        if advance is not None:
                            advance(1)
                    return results
            except OSError:  # no processes to be had: do it here
                if results:
                    raise
            finally:
                _task = None
    for index in range(count):
        results.append(task(index))
        if advance is not None:
            advance(1)
    return results


def _run(index: int) -> object:
    assert _task is not None
    return _task(index)
