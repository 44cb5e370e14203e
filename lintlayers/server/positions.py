"""Offsets into a document's text and LSP positions, in the negotiated encoding.

LSP lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r``; a position's ``character``
counts code units of the encoding the client and server agreed on: UTF-16 by
default (a character outside the Basic Multilingual Plane is two), UTF-8 or
UTF-32 (one per code point, as Python's ``str`` indexes) when negotiated.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from lsprotocol import types

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

UTF8 = types.PositionEncodingKind.Utf8
UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def units(text: str, encoding: str) -> int:
    """How many code units ``text`` has in ``encoding``."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


class LineIndex:
    """The line starts of one text as LSP counts lines, for position conversions."""

    __slots__ = ("_ends", "_starts", "encoding", "text")

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        starts = [0]
        ends: list[int] = []
        if "\r" not in text:
            find = text.find
            position = find("\n")
            while position != -1:
                ends.append(position)
                starts.append(position + 1)
                position = find("\n", position + 1)
        else:
            for match in _LINE_BREAK.finditer(text):
                ends.append(match.start())
                starts.append(match.end())
        ends.append(len(text))
        self._starts = starts
        self._ends = ends

    def position(self, offset: int) -> types.Position:
        """The LSP position of ``offset`` (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        end = self._ends[line]
        if offset > end:  # inside a \r\n: the end of the line
            offset = end
        return types.Position(line, units(self.text[start:offset], self.encoding))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(end))

    def offset(self, position: types.Position) -> int:
        """The offset of an LSP position; past a line's end is its end, past the last
        line is the end of the text."""
        if position.line >= len(self._starts):
            return len(self.text)
        start = self._starts[position.line]
        end = self._ends[position.line]
        line = self.text[start:end]
        wanted = max(position.character, 0)
        if self.encoding == UTF32 or line.isascii():
            return start + min(wanted, len(line))
        counted = 0
        for index, char in enumerate(line):
            if counted >= wanted:
                return start + index
            counted += units(char, self.encoding)
        return end

    def line_start(self, line: int) -> int:
        """Offset of the first character of 0-based ``line``."""
        return self._starts[min(line, len(self._starts) - 1)]


def apply_change(
    text: str, change: types.TextDocumentContentChangeEvent, encoding: str
) -> tuple[str, tuple[int, int, int]]:
    """The text after one ``didChange`` content change (a whole text or a range), and
    the change as ``(start, end, length of the new text)`` in offsets of ``text``."""
    if isinstance(change, types.TextDocumentContentChangePartial):
        index = LineIndex(text, encoding)
        start = index.offset(change.range.start)
        end = max(start, index.offset(change.range.end))
        return text[:start] + change.text + text[end:], (start, end, len(change.text))
    start, end, content = smallest_change(text, change.text)
    return change.text, (start, end, len(content))


def smallest_change(old: str, new: str) -> tuple[int, int, str]:
    """One replacement turning ``old`` into ``new``: ``old[start:end]`` becomes the
    returned text, between the common prefix and the common suffix."""
    prefix = _common_length(old, new, lambda text, size: text[:size])
    rest_old, rest_new = old[prefix:], new[prefix:]
    suffix = _common_length(rest_old, rest_new, lambda text, size: text[len(text) - size :])
    return prefix, len(old) - suffix, new[prefix : len(new) - suffix]


def _common_length(a: str, b: str, part: Callable[[str, int], str]) -> int:
    """The longest ``size`` with ``part(a, size) == part(b, size)``, by bisection (each
    comparison runs in C, so long texts with a change in the middle stay fast)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if part(a, middle) == part(b, middle):
            low = middle
        else:
            high = middle - 1
    return low


def map_offset(offset: int, edits: Sequence[tuple[int, int, int]]) -> int | None:
    """Where ``offset`` is after ``edits`` (each ``(start, end, new length)``, applied in
    order); None when an edit replaced the text around it."""
    for start, end, length in edits:
        if offset <= start:
            continue
        if offset >= end:
            offset += length - (end - start)
        else:
            return None
    return offset
