"""Values that rules produce and reporters consume: violations, fixes, findings."""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lintlayers.source import Location

SEVERITIES = ("info", "warning", "error")
"""Severities from lowest to highest."""

CATEGORIES = ("cache", "size", "metadata", "correctness", "style")

SAFE = "safe"
UNSAFE = "unsafe"
APPLICABILITIES = (SAFE, UNSAFE)


def severity_rank(severity: str) -> int:
    """Order of a severity; higher is more severe."""
    return SEVERITIES.index(severity)


class Edit:
    """Replace ``text[start:end]`` with ``content`` (offsets into the file text)."""

    __slots__ = ("content", "end", "start")

    def __init__(self, start: int, end: int, content: str) -> None:
        if end < start:
            raise ValueError(f"edit ends before it starts: {start}..{end}")
        self.start = start
        self.end = end
        self.content = content

    @classmethod
    def insert(cls, offset: int, content: str) -> Edit:
        return cls(offset, offset, content)

    @classmethod
    def delete(cls, start: int, end: int) -> Edit:
        return cls(start, end, "")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Edit) and (self.start, self.end, self.content) == (
            other.start,
            other.end,
            other.content,
        )

    def __hash__(self) -> int:
        return hash((self.start, self.end, self.content))

    def __repr__(self) -> str:
        return f"Edit({self.start}, {self.end}, {self.content!r})"


class Fix:
    """A list of edits applied together, with how safe they are to apply."""

    __slots__ = ("applicability", "edits", "message")

    def __init__(self, message: str, edits: Sequence[Edit], applicability: str = SAFE) -> None:
        if applicability not in APPLICABILITIES:
            raise ValueError(f"unknown applicability {applicability!r}")
        if not edits:
            raise ValueError("a fix needs at least one edit")
        self.message = message
        self.edits = sorted(edits, key=lambda edit: (edit.start, edit.end))
        self.applicability = applicability

    @property
    def start(self) -> int:
        return self.edits[0].start

    @property
    def end(self) -> int:
        return max(edit.end for edit in self.edits)

    def __repr__(self) -> str:
        return f"Fix({self.message!r}, {self.edits!r}, {self.applicability!r})"


class Violation:
    """What a rule reports: a message on a range of the file, maybe with a fix.

    ``start``/``end`` are offsets into the file text (end exclusive).
    """

    __slots__ = ("end", "fix", "message", "start")

    def __init__(self, start: int, end: int, message: str, fix: Fix | None = None) -> None:
        self.start = start
        self.end = end
        self.message = message
        self.fix = fix

    def __repr__(self) -> str:
        return f"Violation({self.start}, {self.end}, {self.message!r}, fix={self.fix!r})"


class Finding:
    """A violation stamped by the engine with its rule, severity and file."""

    __slots__ = (
        "category",
        "code",
        "end_location",
        "file",
        "fix",
        "location",
        "message",
        "name",
        "severity",
        "url",
    )

    def __init__(
        self,
        *,
        code: str,
        name: str,
        category: str,
        severity: str,
        message: str,
        file: str,
        location: Location,
        end_location: Location,
        fix: FindingFix | None = None,
        url: str | None = None,
    ) -> None:
        self.code = code
        self.name = name
        self.category = category
        self.severity = severity
        self.message = message
        self.file = file
        self.location = location
        self.end_location = end_location
        self.fix = fix
        self.url = url

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.location.line, self.location.column, self.code)

    def __repr__(self) -> str:
        return (
            f"Finding({self.code} {self.file}:{self.location.line}:{self.location.column} "
            f"{self.message!r})"
        )


class FindingEdit:
    """An edit expressed in 1-based line/column locations, for reporters."""

    __slots__ = ("content", "end_location", "location")

    def __init__(self, location: Location, end_location: Location, content: str) -> None:
        self.location = location
        self.end_location = end_location
        self.content = content

    def as_dict(self) -> dict[str, object]:
        return {
            "location": self.location.as_dict(),
            "end_location": self.end_location.as_dict(),
            "content": self.content,
        }


class FindingFix:
    """A fix expressed in locations, as reporters show it."""

    __slots__ = ("applicability", "edits", "message")

    def __init__(self, applicability: str, message: str, edits: list[FindingEdit]) -> None:
        self.applicability = applicability
        self.message = message
        self.edits = edits

    def as_dict(self) -> dict[str, object]:
        return {
            "applicability": self.applicability,
            "message": self.message,
            "edits": [edit.as_dict() for edit in self.edits],
        }
