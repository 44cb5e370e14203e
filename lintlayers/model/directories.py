"""Which directories surely exist in the image: the one answer for "is DEST a directory".

``cp a DEST`` and ``COPY a DEST`` put ``a`` inside ``DEST`` when ``DEST`` is an existing
directory, and make ``DEST`` the file otherwise. What the model knows to exist: the
standard directories of every base image (``SURE_DIRS``, which the reorder engine's
layout assumes too), and what earlier steps of the same sequence made: each working
directory (WORKDIR, ``cd``) and its parents, the directories a COPY/ADD copied into,
those ``mkdir`` made. Anything else is unknown: a consumer keeps its conservative reading.
"""

from __future__ import annotations

from lintlayers.model.paths import normalize
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lintlayers.context import RuleContext
    from lintlayers.model.steps import Step

SURE_DIRS = frozenset(
    {
        "/", "/usr", "/usr/local", "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib",
        "/usr/local/share", "/usr/local/include", "/usr/local/etc", "/usr/local/src",
        "/usr/share", "/usr/lib", "/usr/bin", "/usr/sbin", "/usr/src", "/usr/include", "/etc",
        "/var", "/var/lib", "/var/cache", "/var/log", "/var/tmp", "/var/spool", "/opt", "/tmp",
        "/home", "/root", "/srv", "/run", "/mnt", "/media",
    }
)  # fmt: skip
"""Directories assumed to exist in every base image (nobody creates them)."""


def directories_before(context: RuleContext, step: Step) -> frozenset[str]:
    """The directories the steps before ``step`` in its sequence surely made (absolute,
    normalized; ``SURE_DIRS`` not included)."""
    return context.analysis(_directories).get(id(step.instruction), frozenset())


def is_known_directory(path: str, made: Iterable[str] = ()) -> bool:
    """Whether the absolute ``path`` surely is a directory: a standard one, or in ``made``."""
    if "$" in path or "\x00" in path:
        return False
    path = normalize(path)
    return path in SURE_DIRS or path in made


def with_parents(path: str) -> list[str]:
    """``path`` (absolute) and every directory above it, ``/`` excluded."""
    parts = [part for part in normalize(path).split("/") if part]
    return ["/" + "/".join(parts[:count]) for count in range(len(parts), 0, -1)]


def _directories(context: RuleContext) -> dict[int, frozenset[str]]:
    """For each step (by its instruction), the directories earlier steps made."""
    from lintlayers.model.steps import sequences

    found: dict[int, frozenset[str]] = {}
    for steps in sequences(context):
        made: set[str] = set()
        for step in steps:
            found.setdefault(id(step.instruction), frozenset(made))
            made.update(_made_by(context, step))
            if step.keyword == "RUN":  # what a RUN removes is no longer sure (conservative:
                from lintlayers.model.paths import covers  # even when it makes it again)
                from lintlayers.model.run_effects import effects

                for removal in effects(context, step).removals:
                    made = {path for path in made if not covers(removal.pattern, path, None)}
    return found


def _made_by(context: RuleContext, step: Step) -> list[str]:
    """The directories ``step`` leaves in the image (with their parents), removals aside."""
    from lintlayers.model.command_writes import DIR

    places: list[str] = [step.workdir]
    if step.keyword in ("COPY", "ADD"):
        from lintlayers.model.copy_targets import copy_targets

        for target in copy_targets(step, context.context_dir):
            places.append(target.destination if target.tree else target.path.rpartition("/")[0])
    elif step.keyword == "RUN":
        from lintlayers.model.run_effects import effects

        run = effects(context, step)
        places.extend(run.cwds)
        for index in range(len(run.commands)):
            for created in run.writes(index).creates:
                if created.kind == DIR:
                    places.append(run.resolve(index, created.word))
    found: list[str] = []
    for place in places:
        if place and "$" not in place and "\x00" not in place and "*" not in place:
            found.extend(with_parents(place))
    return found
