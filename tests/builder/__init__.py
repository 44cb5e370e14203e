"""A real-builder harness for tests: buildah in a private store, deterministic stand-ins.

``Buildah(workdir).build(dockerfile_text, context_dir, tag)`` returns a ``BuildResult`` whose
``steps`` tell, per instruction, whether buildah served it from cache; ``filesystem(tag)``
snapshots an image's root filesystem for comparisons. The base image (``Buildah.base``) has
busybox and stand-ins for pip, npm, go, apt-get and apk (see ``standins/``).
"""

from __future__ import annotations

from .buildah import (
    BASE_TAG,
    STANDINS_LOG,
    Buildah,
    BuildFailed,
    RunResult,
    find_static_busybox,
    qualify,
    unavailable_reason,
)
from .output import BuildResult, StepOutcome, parse_steps
from .snapshot import differences, snapshot

__all__ = [
    "BASE_TAG",
    "STANDINS_LOG",
    "BuildFailed",
    "BuildResult",
    "Buildah",
    "RunResult",
    "StepOutcome",
    "differences",
    "find_static_busybox",
    "parse_steps",
    "qualify",
    "snapshot",
    "unavailable_reason",
]
