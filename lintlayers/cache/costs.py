"""What re-running a step costs: priors per kind of work, in relative seconds.

The unit is "relative seconds": rough wall-clock seconds of a typical step of that
kind on a CI runner, meant for comparing two orders of the same Dockerfile, not for
predicting a build's duration. A RUN doing several kinds of work (``apt-get install``
then ``make``) costs the sum of its kinds. Override the priors in the config file::

    [tool.lintlayers.cache-costs]
    compile = 300
    dependencies = 120
"""

from __future__ import annotations

from lintlayers.model.commands import (
    COMPILE,
    COST_CLASSES,
    DEPENDENCIES,
    DOWNLOAD,
    FILES,
    OTHER,
    SYSTEM_PACKAGES,
)
from lintlayers.typecheck import TYPE_CHECKING

__all__ = [
    "COMPILE", "COST_KINDS", "DEFAULT_COSTS", "DEPENDENCIES", "DOWNLOAD", "FILES", "OTHER",
    "SYSTEM_PACKAGES", "UNITS", "Costs",
]  # fmt: skip

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from lintlayers.cache.steps import CacheStep

UNITS = "relative seconds"

COST_KINDS = COST_CLASSES
"""Kinds of work a step does, as ``CacheStep.kinds`` names them (``model.commands``)."""

DEFAULT_COSTS: dict[str, float] = {
    SYSTEM_PACKAGES: 60.0,  # apt-get/apk/yum/dnf install
    DEPENDENCIES: 45.0,  # pip/npm/go mod/bundle... install
    COMPILE: 90.0,  # go build, cargo build, make, gcc, mvn package, npm run build, tsc...
    DOWNLOAD: 20.0,  # curl, wget, git clone, ADD <url>
    FILES: 1.0,  # COPY, plain file operations, metadata commits
    OTHER: 10.0,  # a command lintlayers does not know
}


class Costs:
    """Cost priors per kind, defaults overridden by ``overrides`` (kind -> number)."""

    __slots__ = ("values",)

    def __init__(self, overrides: Mapping[str, float] | None = None) -> None:
        values = dict(DEFAULT_COSTS)
        for kind, value in (overrides or {}).items():
            if kind not in values:
                raise ValueError(f"unknown cost kind {kind!r} (known: {', '.join(COST_KINDS)})")
            values[kind] = float(value)
        self.values = values

    def of_kinds(self, kinds: Iterable[str]) -> float:
        return sum(self.values[kind] for kind in kinds)

    def of_step(self, step: CacheStep) -> float:
        """What re-running ``step`` costs (0 for an instruction that is no cache step)."""
        if not step.cache_step:
            return 0.0
        return self.of_kinds(step.kinds)

    def __repr__(self) -> str:
        return f"Costs({self.values!r})"
