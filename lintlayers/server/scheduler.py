"""A worker thread that lints documents off the event loop, newest text first.

A document asked for while it waits is queued once; one that changes while it is
being linted is queued again, and the outcome of the older text is not published
(the publisher checks the version). So a burst of keystrokes costs at most two
lints, and what the client sees is always the lint of its latest text.
"""

from __future__ import annotations

import threading

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


class Scheduler:
    """Runs ``work(uri)`` on one daemon thread for each URI requested, coalescing requests."""

    def __init__(self, work: Callable[[str], None]) -> None:
        self._work = work
        self._pending: dict[str, None] = {}  # insertion-ordered set
        self._condition = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="lintlayers-lint", daemon=True)
        self._thread.start()

    def request(self, uri: str) -> None:
        with self._condition:
            self._pending[uri] = None
            self._condition.notify()

    def stop(self) -> None:
        with self._condition:
            self._stopped = True
            self._pending.clear()
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._pending and not self._stopped:
                    self._condition.wait()
                if self._stopped:
                    return
                uri = next(iter(self._pending))
                del self._pending[uri]
            try:
                self._work(uri)
            except Exception:  # the work reports its own failures; the thread must live
                import logging

                logging.getLogger(__name__).exception("linting %s failed", uri)
