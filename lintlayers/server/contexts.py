"""Build contexts kept between lints, so typing does not walk the context folder again.

A lint asks for the context of a ``(root, Dockerfile path)``; the first ask walks it
(lazily, as ``BuildContext`` does), later ones reuse that walk. What could have changed
the folder drops the walks: a saved file, a watched file (``.dockerignore``,
configuration), new settings; and a walk older than ``MAX_AGE`` seconds is redone, for
changes made outside the editor (a ``git checkout``, a build writing files).
"""

from __future__ import annotations

import threading
import time

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.buildcontext.context import BuildContext

MAX_AGE = 30.0


class BuildContexts:
    """A cache of ``BuildContext`` per ``(root, Dockerfile path)``; pass it as
    ``Linter.build_contexts``."""

    def __init__(self, max_age: float = MAX_AGE) -> None:
        self.max_age = max_age
        self._walked: dict[tuple[str, str | None], tuple[float, BuildContext]] = {}
        self._lock = threading.Lock()

    def __call__(self, root: str, dockerfile_path: str | None) -> BuildContext:
        key = (root, dockerfile_path)
        now = time.monotonic()
        with self._lock:
            found = self._walked.get(key)
        if found is not None and now - found[0] < self.max_age:
            return found[1]
        from lintlayers.buildcontext.context import BuildContext

        context = BuildContext(root, dockerfile_path)
        with self._lock:
            self._walked[key] = (now, context)
        return context

    def invalidate(self) -> None:
        """Forget every walk: the next lint of each context walks it again."""
        with self._lock:
            self._walked.clear()
