"""Whether a RUN keeps a package manager's download cache in a BuildKit cache mount.

One answer for every consumer: the rule that advises a cache mount (LL107) and the
rule that weighs what an install re-running costs (LL101: with the downloads in a
mount, a build re-running its restore fetches nothing).
"""

from __future__ import annotations

from lintlayers.model.mounts import COVERING_MOUNTS
from lintlayers.model.paths import is_within
from lintlayers.model.state import home_of
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.model.ecosystems import Ecosystem
    from lintlayers.model.package_managers import InstallMatch
    from lintlayers.model.run_effects import RunEffects


def tool_cache_targets(entry: Ecosystem, user: str | None) -> tuple[str, ...]:
    """Where ``entry``'s tool keeps its downloads for ``user`` (``()`` when unknown)."""
    home = home_of(user)
    return tuple(
        home + path[1:] if path.startswith("~") else path for path in entry.cache_directories()
    )


def holds_tool_cache(run: RunEffects, targets: tuple[str, ...]) -> bool:
    """Whether a cache or tmpfs mount of the RUN holds one of ``targets`` (or lies in one)."""
    return any(
        mount.type in COVERING_MOUNTS
        and mount.target is not None
        and any(
            is_within(target, mount.target) or is_within(mount.target, target) for target in targets
        )
        for mount in run.mounts
    )


def caches_downloads(run: RunEffects, entry: Ecosystem, index: int) -> bool:
    """Whether command ``index`` of the RUN finds ``entry``'s downloads in a mount."""
    targets = tool_cache_targets(entry, run.user_at(index))
    return bool(targets) and holds_tool_cache(run, targets)


def compiles_into_cache(entry: Ecosystem, match: InstallMatch) -> bool:
    """Whether the matched command builds with ``entry``'s build cache (``go build``,
    ``go test``; not ``go get``, nor ``go build -a``, which rebuilds every package): a
    cache mount on the tool's caches keeps what it compiled, not only its downloads."""
    from lintlayers.model.package_managers import split_arguments

    if not entry.build_cache:
        return False
    positionals, options = split_arguments(match.argv[1:], match.installer)
    if any(name in entry.build_cache_off for name, _ in options):
        return False
    return any(tuple(positionals[: len(words)]) == words for words in entry.builds if words)
