"""Which rules read a per-file analysis, so that the engine can drop it after them."""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    Compute = TypeVar("Compute", bound=Callable[..., object])


READ_BY: dict[object, tuple[frozenset[str], Callable[[Any], None] | None]] = {}
"""Per-file analyses (the ``compute`` of ``RuleContext.analysis``) read by some rules only:
their codes and what releases a value (``read_by``)."""


def read_by(
    *codes: str, release: Callable[[Any], None] | None = None
) -> Callable[[Compute], Compute]:
    """Mark a per-file analysis as read by the rules ``codes`` only, through whatever
    function of the library: the engine drops it from the context once they have run on a
    file (``context.RuleContext.drop_unread``), not keeping it to the last rule (the cache
    plan of a 200,000-line file holds 75 MB after LL106, its last reader).
    ``release(value)`` breaks the value's reference cycles, which only the garbage
    collector would free (it is off while a file is linted: ``engine``). A reader left out
    computes the analysis again: time, never a different answer."""

    def mark(compute: Compute) -> Compute:
        READ_BY[compute] = (frozenset(codes), release)
        return compute

    return mark
