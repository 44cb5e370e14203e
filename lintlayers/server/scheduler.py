"""A worker thread that lints documents off the event loop, newest text first.

A document asked for while it waits is queued once; one that changes while it is
being linted is queued again, and the outcome of the older text is not published
(the publisher checks the version). So a burst of keystrokes costs at most two
lints, and what the client sees is always the lint of its latest text.

A keystroke asks for a quick lint (without the deferred rules) at once and a complete
one once no change has come for ``IDLE`` seconds; opening, saving and new settings ask
for a complete lint at once.
"""

from __future__ import annotations

import threading
import time

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

IDLE = 0.3
"""Seconds without a change after which the deferred rules run."""


class Scheduler:
    """Runs ``work(uri, complete)`` on one daemon thread, coalescing requests per URI."""

    def __init__(self, work: Callable[[str, bool], None], idle: float = IDLE) -> None:
        self._work = work
        self._idle = idle
        self._pending: dict[str, bool] = {}  # uri -> complete; insertion-ordered
        self._later: dict[str, float] = {}  # uri -> when its complete lint is due
        self._condition = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="lintlayers-lint", daemon=True)
        self._thread.start()

    def request(self, uri: str, *, complete: bool) -> None:
        """Lint ``uri`` soon: completely, or quickly now and completely when idle."""
        with self._condition:
            complete = complete or self._pending.get(uri, False)
            self._pending[uri] = complete
            if complete:
                self._later.pop(uri, None)
            else:
                self._later[uri] = time.monotonic() + self._idle
            self._condition.notify()

    def stop(self) -> None:
        with self._condition:
            self._stopped = True
            self._pending.clear()
            self._later.clear()
            self._condition.notify()

    def _next(self) -> tuple[str, bool] | None:
        """The next lint to run (None when stopped), waiting for one to be due."""
        with self._condition:
            while not self._stopped:
                if self._pending:
                    uri = next(iter(self._pending))
                    return uri, self._pending.pop(uri)
                timeout = None
                if self._later:
                    uri, due = min(self._later.items(), key=lambda item: item[1])
                    timeout = due - time.monotonic()
                    if timeout <= 0:
                        del self._later[uri]
                        return uri, True
                self._condition.wait(timeout)
            return None

    def _run(self) -> None:
        while (job := self._next()) is not None:
            try:
                self._work(*job)
            except Exception:  # the work reports its own failures; the thread must live
                import logging

                logging.getLogger(__name__).exception("linting %s failed", job[0])
