"""Source text of one Dockerfile: offsets to 1-based line/column and back."""

from __future__ import annotations

from bisect import bisect_right


class Location:
    """A 1-based line and column (columns count Unicode code points)."""

    __slots__ = ("column", "line")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Location) and self.line == other.line and self.column == other.column
        )

    def __hash__(self) -> int:
        return hash((self.line, self.column))

    def __lt__(self, other: Location) -> bool:
        return (self.line, self.column) < (other.line, other.column)

    def __repr__(self) -> str:
        return f"Location({self.line}, {self.column})"

    def as_dict(self) -> dict[str, int]:
        return {"line": self.line, "column": self.column}


class SourceText:
    """The decoded text of a file with a table of line starts.

    Offsets are indexes into ``text`` (a ``str``); lines end at ``\\n`` so a
    CRLF file keeps its ``\\r`` as the last character of each line.
    """

    __slots__ = ("_bom", "_line_starts", "path", "text")

    def __init__(self, text: str, path: str = "<stdin>") -> None:
        self.text = text
        self.path = path
        self._bom = text.startswith("\ufeff")
        starts = [0]
        find = text.find
        position = find("\n")
        while position != -1:
            starts.append(position + 1)
            position = find("\n", position + 1)
        self._line_starts = starts

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based ``line``."""
        return self._line_starts[line - 1]

    def line_end(self, line: int) -> int:
        """Offset just past the last character of ``line``, before its newline."""
        starts = self._line_starts
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        if end > starts[line - 1] and self.text[end - 1] == "\r":
            end -= 1
        return end

    def line_text(self, line: int) -> str:
        return self.text[self.line_start(line) : self.line_end(line)]

    def location(self, offset: int) -> Location:
        """The 1-based line and column of ``offset``."""
        index = bisect_right(self._line_starts, offset) - 1
        column = offset - self._line_starts[index] + 1
        if index == 0 and self._bom and offset > 0:
            column -= 1  # a byte-order mark is not a column
        return Location(index + 1, column)

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based line and column (the inverse of ``location``)."""
        bom_shift = 1 if line == 1 and self._bom else 0
        return self._line_starts[line - 1] + column - 1 + bom_shift
