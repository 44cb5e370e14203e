"""Fields most objects leave at their default, kept in one dict once one is set.

A large file makes an ``Instruction`` a line and a ``CommandWrites`` a command, and most
of them never set ``heredocs``, ``links`` or ``install``: a slot for each would cost every
object. Such a field lives in the object's ``_more`` dict (None until the first field is
set to something other than its default), behind a property that reads it with ``kept``
and sets it with ``keep``.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Protocol, TypeVar

    Value = TypeVar("Value")

    class HasMore(Protocol):
        """An object with rare fields."""

        _more: dict[str, object] | None


def kept(instance: HasMore, name: str, default: Value) -> Value:
    """The rare field ``name`` of ``instance``, or ``default`` when it is not set (the
    very object: a shared empty list stays shared)."""
    more = instance._more
    return default if more is None else more.get(name, default)  # type: ignore[return-value]


def keep(instance: HasMore, name: str, value: object, default: object) -> None:
    """Set the rare field ``name``, or drop it back to its ``default`` (the very object, or
    an equal string or number: a fresh empty list is a value of its own, which its owner
    may append to)."""
    more = instance._more
    if value is default or (type(default) in (str, int) and value == default):
        if more is not None and name in more:
            del more[name]
            if not more:
                instance._more = None
        return
    if more is None:
        more = instance._more = {}
    more[name] = value
