"""``RUN --mount`` flags: parsing them, and the cache mounts that keep package data out.

Which mount types hide their contents from the layer, where BuildKit cache mounts
keep each kind of package data, and the ``--mount=type=cache`` flags to advise.
"""

from __future__ import annotations

from lintlayers.model.paths import expand_known, join
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.syntax.nodes import Instruction

COVERING_MOUNTS = frozenset({"cache", "tmpfs"})
"""Mount types whose contents never reach the layer."""

CACHE_MOUNTS: dict[str, tuple[str, ...]] = {
    "apt-lists": ("/var/cache/apt", "/var/lib/apt"),
    "apt": ("/var/cache/apt", "/var/lib/apt"),
    "apk": ("/var/cache/apk",),
    "pip": ("/root/.cache/pip",),
    "npm": ("/root/.npm",),
    "yarn": ("/usr/local/share/.cache/yarn",),
    "go": ("/root/.cache/go-build", "/go/pkg/mod"),
    "yum": ("/var/cache/yum",),
    "dnf": ("/var/cache/dnf",),
    "zypper": ("/var/cache/zypp",),
    "pacman": ("/var/cache/pacman/pkg",),
    "conda": ("/opt/conda/pkgs",),
}
"""Where BuildKit cache mounts keep each kind of package data between builds (as root)."""
LOCKED_MOUNTS = frozenset({"apt-lists", "apt", "yum", "dnf", "zypper", "pacman"})
"""Package managers that lock their cache: concurrent builds must not share it."""


def cache_mount_flags(kind: str, targets: tuple[str, ...] | None = None) -> str:
    """The ``--mount=type=cache`` flags that keep package data of ``kind`` out of a layer.

    ``targets`` replaces the default directories (a non-root user's home, an
    overridden cache directory).
    """
    locked = ",sharing=locked" if kind in LOCKED_MOUNTS else ""
    paths = targets if targets else CACHE_MOUNTS.get(kind, ())
    return " ".join(f"--mount=type=cache,target={path}{locked}" for path in paths)


def cache_mount_advice(kind: str, targets: tuple[str, ...] | None = None) -> str:
    """``RUN --mount=type=cache,target=...`` in backticks, for messages."""
    return f"`RUN {cache_mount_flags(kind, targets)}`"


class Mount:
    """One ``RUN --mount``: its type and resolved target (``None`` when absent)."""

    __slots__ = ("options", "target", "type")

    def __init__(self, type_: str, target: str | None, options: dict[str, str | None]) -> None:
        self.type = type_
        self.target = target
        self.options = options

    def __repr__(self) -> str:
        return f"Mount({self.type}, {self.target!r})"


def parse_mounts(run: Instruction, env: dict[str, str], workdir: str) -> list[Mount]:
    """The ``--mount`` flags of ``run``, their targets expanded and made absolute."""
    from lintlayers.syntax.words import parse_csv_options

    mounts: list[Mount] = []
    for value in run.flag_values("mount"):
        options: dict[str, str | None] = {}
        for key, option in parse_csv_options(value):
            options[key] = option
        target = options.get("target") or options.get("dst") or options.get("destination")
        if target:
            target = join(workdir, expand_known(target, env))
        mounts.append(Mount((options.get("type") or "bind").lower(), target, options))
    return mounts
