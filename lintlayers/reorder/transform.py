"""Splitting a broad COPY into the manifests an install needs plus the rest.

What an install reads, which broad COPY brings its manifests and what the build
context says against installing before the sources is the install model's
(``lintlayers.model.installs``); it also writes the narrow COPY lines. The split is
offered only with a build context, so that the install is proven to read nothing
but its manifests. ``COPY manifests`` then ``COPY . .`` leaves the image as
``COPY . .`` alone does, as long as nothing else writes the manifests in between:
the engine checks that before it uses a split.
"""

from __future__ import annotations

from lintlayers.model.installs import Split, proven_installs, splits
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.context import RuleContext
    from lintlayers.model.stages import Stage

__all__ = ["Split", "find_splits", "proven_installs"]


def find_splits(context: RuleContext, stage: Stage) -> list[Split]:
    """The splits the install model proves in ``stage`` (none without a build context)."""
    return splits(context, stage)
