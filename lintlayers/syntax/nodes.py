"""The Dockerfile syntax tree: instructions and trivia with exact offsets.

Every offset is an index into the file's text. Top-level nodes tile the file:
joining ``node.raw`` of ``Dockerfile.nodes`` gives the text back exactly.
"""

from __future__ import annotations

import sys
from bisect import bisect_right

from lintlayers.rare_fields import keep, kept
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lintlayers.source import SourceText

_FIRST_PIECE = (0,)
"""Logical starts of a line of one piece (shared)."""
EMPTY: list = []
"""The shared empty list of every instruction without flags, pairs, heredocs or errors
(the parser's ``compact``); never mutated: a large file has one instruction a line."""


class ParseError:
    """A problem the parser found, with the range it concerns."""

    __slots__ = ("end", "message", "start")

    def __init__(self, message: str, start: int, end: int) -> None:
        self.message = message
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"ParseError({self.message!r}, {self.start}, {self.end})"


class LogicalLine:
    """An instruction's text with continuations joined, mapped back to the file.

    Each appended piece is a contiguous slice of the file; ``file_offset`` maps an
    index of ``text`` to the file offset it came from.
    """

    __slots__ = ("_file_starts", "_logical_starts", "_size", "_text")

    def __init__(self) -> None:
        # one piece (most instructions fit on one line): ``_logical_starts`` is the shared
        # ``_FIRST_PIECE`` and ``_file_starts`` the piece's file offset itself, not a tuple
        # of one (a large file keeps one of these per instruction); lists from the second
        # piece on
        self._logical_starts: list[int] | tuple[int, ...] = ()
        self._file_starts: list[int] | int = 0
        self._text = ""
        self._size = -1
        """-1: ``_text`` is the line's text; else the line is the ``_size`` characters of
        the file's text ``_text`` from ``_file_starts`` (``in_file``)."""

    @property
    def text(self) -> str:
        size = self._size
        if size < 0:
            return self._text
        start = self._file_starts
        assert isinstance(start, int)
        return self._text[start : start + size]

    def _length(self) -> int:
        size = self._size
        return len(self._text) if size < 0 else size

    def append(self, piece: str, file_start: int) -> None:
        if not piece:
            return
        text = self.text
        self._size = -1
        if not self._logical_starts:
            self._logical_starts = _FIRST_PIECE
            self._file_starts = file_start
        elif isinstance(self._logical_starts, list) and isinstance(self._file_starts, list):
            self._logical_starts.append(len(text))
            self._file_starts.append(file_start)
        else:  # the second piece
            assert isinstance(self._file_starts, int)
            self._logical_starts = [0, len(text)]
            self._file_starts = [self._file_starts, file_start]
        self._text = text + piece

    @classmethod
    def of(cls, pieces: Iterable[tuple[str, int]]) -> LogicalLine:
        """The line of ``(piece, file_start)`` pairs, joined once (``append`` copies the
        text so far each time: quadratic for a heredoc of many lines)."""
        line = cls()
        texts: list[str] = []
        logical: list[int] = []
        files: list[int] = []
        size = 0
        for piece, file_start in pieces:
            if piece:
                texts.append(piece)
                logical.append(size)
                files.append(file_start)
                size += len(piece)
        if len(texts) == 1:
            line._text = texts[0]
            line._logical_starts = _FIRST_PIECE
            line._file_starts = files[0]
        elif texts:
            line._text = "".join(texts)
            line._logical_starts = logical
            line._file_starts = files
        return line

    @classmethod
    def in_file(cls, file_text: str, start: int, size: int) -> LogicalLine:
        """The line of one piece, the ``size`` (> 0) characters of ``file_text`` from
        ``start``, read from the file's text when asked instead of kept as a copy (a large
        file has one a line)."""
        line = cls()
        line._text = file_text
        line._size = size
        line._logical_starts = _FIRST_PIECE
        line._file_starts = start
        return line

    def spans(self, file_text: str, start: int, size: int) -> bool:
        """Whether this is the line ``in_file(file_text, start, size)`` would make."""
        return (
            self._size == size
            and size > 0
            and self._file_starts == start
            and self._text is file_text
        )

    def file_offset(self, index: int) -> int:
        """File offset of the character at ``index`` (or just past the end)."""
        if not self._logical_starts:
            return 0
        length = self._length()
        if index >= length:
            return self.file_end(length)
        starts = self._file_starts
        if not isinstance(starts, list):
            return starts + index if index else starts  # the piece's own int at its start
        segment = bisect_right(self._logical_starts, index) - 1
        return starts[segment] + index - self._logical_starts[segment]

    def file_end(self, index: int) -> int:
        """File offset just past the character at ``index - 1`` (for range ends)."""
        if index <= 0:
            return self.file_offset(0)
        return self.file_offset(index - 1) + 1


class Trivia:
    """A line that is not part of an instruction: blank, comment or directive."""

    __slots__ = ("end", "kind", "raw", "start")

    BLANK = "blank"
    COMMENT = "comment"
    DIRECTIVE = "directive"

    def __init__(self, kind: str, start: int, end: int, raw: str) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.raw = raw

    def __repr__(self) -> str:
        return f"Trivia({self.kind}, {self.raw!r})"


class Directive:
    """A parser directive such as ``# syntax=docker/dockerfile:1``."""

    __slots__ = ("end", "name", "start", "value")

    def __init__(self, name: str, value: str, start: int, end: int) -> None:
        self.name = name
        self.value = value
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"Directive({self.name}={self.value!r})"


class Word:
    """One argument word: its raw text, its unquoted value and its file range."""

    __slots__ = ("end", "raw", "start", "value")

    def __init__(self, raw: str, value: str, start: int, end: int) -> None:
        self.raw = raw
        self.value = value
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"Word({self.value!r})"


class KeyValue:
    """One ``key=value`` (or bare ``key`` for ARG) of an ENV, LABEL or ARG."""

    __slots__ = ("end", "key", "start", "value", "value_raw")

    def __init__(self, key: str, value: str | None, value_raw: str | None, start: int, end: int):
        self.key = key
        self.value = value
        self.value_raw = value_raw
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"KeyValue({self.key}={self.value!r})"


class Flag:
    """A builder flag such as ``--from=build`` or ``--link``."""

    __slots__ = ("end", "name", "raw", "start", "value")

    def __init__(self, name: str, value: str | None, raw: str, start: int, end: int) -> None:
        self.name = name
        self.value = value
        self.raw = raw
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"Flag({self.name}={self.value!r})"


class Heredoc:
    """A here-document attached to a RUN, COPY or ADD instruction."""

    __slots__ = (
        "body_end",
        "body_start",
        "content",
        "end",
        "expand",
        "fd",
        "marker",
        "name",
        "strip_tabs",
        "terminated",
    )

    def __init__(
        self,
        name: str,
        *,
        marker: Word,
        strip_tabs: bool,
        expand: bool,
        fd: int | None,
    ) -> None:
        self.name = name
        self.marker = marker
        self.strip_tabs = strip_tabs
        self.expand = expand
        self.fd = fd
        self.content = ""
        self.body_start = 0
        self.body_end = 0
        self.end = 0
        self.terminated = False

    def __repr__(self) -> str:
        return f"Heredoc({self.name!r}, {self.content!r})"


class Instruction:
    """One instruction, from its keyword to the end of its last line.

    ``start``/``end`` cover the keyword to the last non-newline character (what a
    finding on the whole instruction points at); ``node_start``/``node_end`` cover
    the whole physical lines including leading blanks and the final newline.
    ``arguments`` is the text after the flags with continuations joined, and
    ``arguments_index`` its start within ``logical.text``. ``words`` are split off
    ``arguments`` when first asked for (most RUN words are never read: the shell model
    has its own), with the file's ``escape`` character.
    """

    __slots__ = (
        "_more",
        "_text",
        "_words",
        "arguments",
        "arguments_index",
        "flags",
        "keyword",
        "node_end",
        "node_start",
        "pairs",
        "start",
        "start_line",
    )

    def __init__(self, keyword_raw: str, logical: LogicalLine) -> None:
        keyword = sys.intern(keyword_raw.upper())  # one string per keyword, not per line
        self.keyword = keyword
        self._more: dict[str, object] | None = None
        """The fields most instructions leave at their defaults, once one is set
        (``lintlayers.rare_fields``): ``keyword_raw`` as written when not the keyword;
        ``logical``, ``end``, ``keyword_end`` and ``end_line`` when not what they mostly
        are; ``json_args``, ``escape``, ``heredocs``, ``inner``, ``parent``, ``errors``
        (fresh lists while parsing, the shared empty one after)."""
        if keyword != keyword_raw:
            self.keyword_raw = keyword_raw
        self.flags: list[Flag] = []
        self.arguments = ""
        self.arguments_index = 0
        self._words: list[Word] | None = EMPTY  # None: not split yet
        self.pairs: list[KeyValue] = []
        self.heredocs = []
        self.errors = []
        self._text = ""  # the file's text: ``raw`` is a slice of it, not a copy a line
        self.node_start = self.node_end = 0
        self.start = self.end = 0
        self.start_line = 0
        self.logical = logical

    @property
    def logical(self) -> LogicalLine:
        """The instruction's text with continuations joined, mapped back to the file: made
        when asked for the instruction of one line (the file's text from ``start`` to
        ``end``), else kept."""
        more = self._more
        if more is not None:
            found = more.get("logical")
            if found is not None:
                return found  # type: ignore[return-value]
        return LogicalLine.in_file(self._text, self.start, self.end - self.start)

    @logical.setter
    def logical(self, line: LogicalLine) -> None:
        spans = line.spans(self._text, self.start, self.end - self.start)
        keep(self, "logical", None if spans else line, None)

    @property
    def end(self) -> int:
        """File offset of the end of the last line (before its newline): kept only when
        it is not where the node's last line ends (``_content_end``)."""
        more = self._more
        if more is not None and "end" in more:
            return more["end"]  # type: ignore[return-value]
        return self._content_end()

    @end.setter
    def end(self, value: int) -> None:
        keep(self, "end", value, self._content_end())

    def _content_end(self) -> int:
        """Where the last line of the node ends, before its newline (and ``\\r``)."""
        text = self._text
        end = self.node_end
        if end > self.node_start and text[end - 1] == "\n":
            end -= 1
        if end > self.node_start and text[end - 1] == "\r":
            end -= 1
        return end

    @property
    def keyword_end(self) -> int:
        """File offset just past the keyword: ``start`` plus its length but for a keyword
        a line continuation splits."""
        return kept(self, "keyword_end", self.start + len(self.keyword_raw))

    @keyword_end.setter
    def keyword_end(self, value: int) -> None:
        keep(self, "keyword_end", value, self.start + len(self.keyword_raw))

    @property
    def end_line(self) -> int:
        """The last line (``start_line`` but for an instruction of several lines)."""
        return kept(self, "end_line", self.start_line)

    @end_line.setter
    def end_line(self, value: int) -> None:
        keep(self, "end_line", value, self.start_line)

    @property
    def keyword_raw(self) -> str:
        """The keyword as written (``run``)."""
        return kept(self, "keyword_raw", self.keyword)

    @keyword_raw.setter
    def keyword_raw(self, value: str) -> None:
        keep(self, "keyword_raw", value, self.keyword)

    @property
    def json_args(self) -> list[str] | None:
        """The exec form's arguments, None for the shell form."""
        return kept(self, "json_args", None)

    @json_args.setter
    def json_args(self, value: list[str] | None) -> None:
        keep(self, "json_args", value, None)

    @property
    def escape(self) -> str:
        return kept(self, "escape", "\\")

    @escape.setter
    def escape(self, value: str) -> None:
        keep(self, "escape", value, "\\")

    @property
    def heredocs(self) -> list[Heredoc]:
        return kept(self, "heredocs", EMPTY)

    @heredocs.setter
    def heredocs(self, value: list[Heredoc]) -> None:
        keep(self, "heredocs", value, EMPTY)

    @property
    def errors(self) -> list[ParseError]:
        return kept(self, "errors", EMPTY)

    @errors.setter
    def errors(self, value: list[ParseError]) -> None:
        keep(self, "errors", value, EMPTY)

    @property
    def inner(self) -> Instruction | None:
        """ONBUILD's wrapped instruction."""
        return kept(self, "inner", None)

    @inner.setter
    def inner(self, value: Instruction | None) -> None:
        keep(self, "inner", value, None)

    @property
    def parent(self) -> Instruction | None:
        """The ONBUILD wrapping this instruction."""
        return kept(self, "parent", None)

    @parent.setter
    def parent(self, value: Instruction | None) -> None:
        keep(self, "parent", value, None)

    @property
    def words(self) -> list[Word]:
        """The argument words of the shell form (none for the exec form and ONBUILD)."""
        words = self._words
        if words is None:
            from lintlayers.syntax.parser import read_words

            words = self._words = read_words(self)
        return words

    @property
    def raw(self) -> str:
        """The node's text: its whole physical lines (empty for an ONBUILD's wrapped one)."""
        return self._text[self.node_start : self.node_end]

    @property
    def is_json(self) -> bool:
        """True for the exec (JSON array) form."""
        return self.json_args is not None

    @property
    def effective(self) -> Instruction:
        """The instruction that takes effect: the wrapped one for ONBUILD."""
        inner = self.inner
        return self if inner is None else inner

    def flag(self, name: str) -> Flag | None:
        """The last flag named ``name`` (without dashes), if any."""
        found = None
        for flag in self.flags:
            if flag.name == name:
                found = flag
        return found

    def flag_values(self, name: str) -> list[str]:
        return [flag.value or "" for flag in self.flags if flag.name == name]

    def has_flag(self, name: str) -> bool:
        return any(flag.name == name for flag in self.flags)

    def arguments_offset(self, index: int) -> int:
        """File offset of ``arguments[index]``."""
        return self._file_offset(self.arguments_index + index)

    def arguments_end(self, index: int) -> int:
        """File offset just past ``arguments[index - 1]``."""
        position = self.arguments_index + index
        if position <= 0:
            return self._file_offset(0)
        return self._file_offset(position - 1) + 1

    def _file_offset(self, position: int) -> int:
        """``logical.file_offset(position)``, without making the line of an instruction of
        one line (the file's text from ``start`` to ``end``, ``LogicalLine.in_file``)."""
        more = self._more
        if more is not None and "logical" in more:
            return self.logical.file_offset(position)
        start = self.start
        size = self.end - start
        if size <= 0:
            return self.logical.file_offset(position)
        return start + position if position < size else start + size

    def __repr__(self) -> str:
        return f"Instruction({self.keyword} line {self.start_line}: {self.arguments[:40]!r})"


class Dockerfile:
    """A parsed Dockerfile: nodes tiling the text, instructions, directives."""

    __slots__ = ("directives", "errors", "escape", "instructions", "nodes", "source")

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.nodes: list[Instruction | Trivia] = []
        self.instructions: list[Instruction] = []
        self.directives: dict[str, Directive] = {}
        self.errors: list[ParseError] = []
        self.escape = "\\"

    def all_errors(self) -> list[ParseError]:
        """File-level errors plus every instruction's errors, in file order."""
        errors = list(self.errors)
        for instruction in self.instructions:
            errors.extend(instruction.errors)
            if instruction.inner is not None:
                errors.extend(instruction.inner.errors)
        errors.sort(key=lambda error: error.start)
        return errors

    def unparse(self) -> str:
        return "".join(node.raw for node in self.nodes)
