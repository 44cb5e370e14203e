"""Values that rules produce and reporters consume: violations, fixes, findings."""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lintlayers.source import Location

SEVERITIES = ("info", "warning", "error")
"""Severities from lowest to highest."""

CATEGORIES = ("cache", "size", "metadata", "correctness", "style")
OPTIMIZATION_CATEGORIES = frozenset({"cache", "size", "metadata"})
"""The categories of rules about how an image is built and what it holds, which a test
suite's Dockerfiles are not checked for unless ``lint-test-suites`` says so."""

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


class FileEdit:
    """Replace ``original[start:end]`` with ``content`` in a file other than the one linted.

    ``path`` names that file (e.g. the ``.dockerignore`` of the build context) and
    ``original`` is the text the offsets refer to, or None when the file does not
    exist yet (it is then created). An edit is only applied while the file still
    holds ``original``; two insertions at one point of one file are applied in order.
    ``line_append`` marks an edit made by ``append``: its leading newline only ends a
    last line that had none, so it is dropped after another append at that point.
    """

    __slots__ = ("content", "end", "line_append", "original", "path", "start")

    def __init__(
        self,
        path: str,
        start: int,
        end: int,
        content: str,
        original: str | None,
        *,
        line_append: bool = False,
    ) -> None:
        if end < start:
            raise ValueError(f"edit ends before it starts: {start}..{end}")
        if end > len(original or ""):
            raise ValueError(f"edit ends past the end of {path}: {end}")
        self.path = path
        self.start = start
        self.end = end
        self.content = content
        self.original = original
        self.line_append = line_append

    @classmethod
    def append(cls, path: str, original: str | None, content: str) -> FileEdit:
        """Add ``content`` (whole lines) at the end of the file, on a line of its own."""
        text = original or ""
        if text and not text.endswith("\n"):
            content = "\n" + content
        return cls(path, len(text), len(text), content, original, line_append=True)

    def _key(self) -> tuple[str, int, int, str, str | None, bool]:
        return (self.path, self.start, self.end, self.content, self.original, self.line_append)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileEdit) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"FileEdit({self.path!r}, {self.start}, {self.end}, {self.content!r})"


class Fix:
    """Edits applied together, with how safe they are to apply.

    ``edits`` change the linted file; ``file_edits`` change other files (a fix
    may have only those, e.g. lines added to ``.dockerignore``).
    """

    __slots__ = ("applicability", "edits", "file_edits", "message")

    def __init__(
        self,
        message: str,
        edits: Sequence[Edit],
        applicability: str = SAFE,
        file_edits: Sequence[FileEdit] = (),
    ) -> None:
        if applicability not in APPLICABILITIES:
            raise ValueError(f"unknown applicability {applicability!r}")
        if not edits and not file_edits:
            raise ValueError("a fix needs at least one edit")
        self.message = message
        self.edits = sorted(edits, key=lambda edit: (edit.start, edit.end))
        self.applicability = applicability
        self.file_edits = list(file_edits)

    @property
    def start(self) -> int:
        """Where the first edit of the linted file starts (-1 when it has none)."""
        return self.edits[0].start if self.edits else -1

    @property
    def end(self) -> int:
        return max((edit.end for edit in self.edits), default=-1)

    def __repr__(self) -> str:
        extra = f", file_edits={self.file_edits!r}" if self.file_edits else ""
        return f"Fix({self.message!r}, {self.edits!r}, {self.applicability!r}{extra})"


class Violation:
    """What a rule reports: a message on a range of the file, maybe with a fix.

    ``start``/``end`` are offsets into the file text (end exclusive). ``message`` is
    one short sentence of what is wrong and why; ``help`` the detail (sizes,
    alternatives, what another rule covers), shown on its own line. ``severity``
    lowers the rule's severity for this one violation (never raises it): a finding
    the rule knows to be minor (e.g. nothing measured to save) is an ``info``.
    """

    __slots__ = ("end", "fix", "help", "message", "severity", "start")

    def __init__(
        self,
        start: int,
        end: int,
        message: str,
        fix: Fix | None = None,
        *,
        severity: str | None = None,
        help: str | None = None,
    ) -> None:
        self.start = start
        self.end = end
        self.message = message
        self.fix = fix
        self.severity = severity
        self.help = help

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
        "help",
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
        help: str | None = None,
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
        self.help = help

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.location.line, self.location.column, self.code)

    def __repr__(self) -> str:
        return (
            f"Finding({self.code} {self.file}:{self.location.line}:{self.location.column} "
            f"{self.message!r})"
        )


class FindingEdit:
    """An edit expressed in 1-based line/column locations, for reporters.

    ``path`` is None for an edit of the finding's own file, otherwise the other
    file the edit applies to (locations are then in that file).
    """

    __slots__ = ("content", "end_location", "location", "path")

    def __init__(
        self,
        location: Location,
        end_location: Location,
        content: str,
        path: str | None = None,
    ) -> None:
        self.location = location
        self.end_location = end_location
        self.content = content
        self.path = path

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "location": self.location.as_dict(),
            "end_location": self.end_location.as_dict(),
            "content": self.content,
        }
        if self.path is not None:
            data["path"] = self.path
        return data


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
