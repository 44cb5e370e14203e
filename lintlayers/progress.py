"""A progress bar on stderr for long work: files linted, bytes read, commits replayed.

``with progress(total, unit="files", description="Linting") as bar: bar.advance(1)``.
The bar appears only when stderr is a terminal, outside CI (``CI`` unset or false), without
``--quiet``, and once the work has lasted ``DELAY`` seconds (``LINTLAYERS_PROGRESS_DELAY``
changes that, for tests). Until then ``advance`` only adds and compares a clock, and
rich is imported only when a bar is drawn, so short runs and pipes pay nothing.
"""

from __future__ import annotations

import os
import sys
import time

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any, TextIO

DELAY = 1.0
"""Seconds of work before a bar appears."""
DELAY_VARIABLE = "LINTLAYERS_PROGRESS_DELAY"
UPDATE_INTERVAL = 0.05
"""The bar takes the count at most this often (advance may be called per read)."""
BYTES = "bytes"


def wanted(stream: TextIO | None = None, *, quiet: bool = False) -> bool:
    """Whether a bar may be shown on ``stream`` (stderr): a terminal, not CI, not quiet."""
    if quiet:
        return False
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed
        return False


def progress(total: int | None, *, unit: str, description: str, quiet: bool = False) -> Progress:
    """A progress context for ``total`` ``unit`` (``files``, ``commits`` or ``bytes``)."""
    return Progress(total, unit=unit, description=description, enabled=wanted(quiet=quiet))


class Progress:
    """Counts work done; draws a rich bar on stderr once the work has lasted long enough."""

    __slots__ = (
        "_bar",
        "_delay",
        "_done",
        "_last",
        "_started",
        "_task",
        "description",
        "enabled",
        "total",
        "unit",
    )

    def __init__(
        self, total: int | None, *, unit: str, description: str, enabled: bool = True
    ) -> None:
        self.total = total
        self.unit = unit
        self.description = description
        self.enabled = enabled
        self._delay = _delay()
        self._done = 0
        self._started = 0.0
        self._last = 0.0
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        bar = self._bar
        if bar is not None:
            self._bar = None
            if kind is None:
                bar.update(self._task, completed=self._done)
            bar.stop()

    @property
    def shown(self) -> bool:
        """Whether a bar has been drawn."""
        return self._bar is not None

    def advance(self, amount: int = 1) -> None:
        """Count ``amount`` more units done."""
        if not self.enabled:
            return
        self._done += amount
        now = time.monotonic()
        if now - self._last < UPDATE_INTERVAL:
            return
        self._last = now
        if self._bar is None:
            if now - self._started < self._delay:
                return
            self._show()
        self._bar.update(self._task, completed=self._done)

    def _show(self) -> None:
        self._bar, self._task = _new_bar(self.total, self.unit, self.description, self._done)


def _delay() -> float:
    try:
        return max(0.0, float(os.environ[DELAY_VARIABLE]))
    except (KeyError, ValueError):
        return DELAY


def _new_bar(total: int | None, unit: str, description: str, done: int) -> tuple[Any, Any]:
    """A started rich progress bar on stderr and its task."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        ProgressColumn,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )
    from rich.progress import Progress as RichProgress
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """``12 files/s``."""

        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            shown = f"{speed:,.0f}" if speed is not None else "?"
            return Text(f"{shown} {unit}/s", style="progress.data.speed")

    class UnitColumn(ProgressColumn):
        """The unit after the ``done/total`` count."""

        def render(self, task: Any) -> Text:
            return Text(unit, style="progress.download")

    columns: list[Any] = [TextColumn("{task.description}"), BarColumn()]
    if unit == BYTES:
        columns += [DownloadColumn(), TransferSpeedColumn()]
    else:
        columns += [MofNCompleteColumn(), UnitColumn(), RateColumn()]
    columns.append(TimeRemainingColumn())
    # stdout stays as it is (it may carry a diff or a fixed file); stderr messages are
    # printed above the bar
    bar = RichProgress(
        *columns, console=Console(stderr=True), transient=True, redirect_stdout=False
    )
    task = bar.add_task(description, total=total, completed=done)
    bar.start()
    return bar, task
