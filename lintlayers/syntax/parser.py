"""The Dockerfile parser, faithful to BuildKit's grammar, keeping exact offsets.

It reads physical lines as BuildKit does: parser directives at the top,
comments and blank lines skipped inside continuations, here-documents read
after the instruction's logical line. Problems become ``ParseError`` values
on the instruction (or the file); the parser never raises on any text.
"""

from __future__ import annotations

from lintlayers.lazy_re import lazy_compile
from lintlayers.source import SourceText
from lintlayers.syntax.nodes import (
    EMPTY,
    Directive,
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
    KeyValue,
    LogicalLine,
    ParseError,
    Trivia,
    Word,
)
from lintlayers.syntax.words import (
    NOT_STRINGS,
    SPACE,
    parse_json_array,
    split_flags,
    split_words,
    unquote,
)

INSTRUCTIONS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)
"""Every instruction BuildKit knows."""

EXEC_FORM = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "ADD", "COPY", "VOLUME"})
"""Instructions that accept a JSON array (exec form)."""

HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
QUOTE_AWARE = frozenset({"ENV", "LABEL", "ARG"})
DIRECTIVE_NAMES = frozenset({"syntax", "escape", "check"})

ALLOWED_FLAGS: dict[str, frozenset[str]] = {
    "FROM": frozenset({"platform"}),
    "RUN": frozenset({"mount", "network", "security", "device"}),
    "COPY": frozenset({"from", "chown", "chmod", "link", "parents", "exclude"}),
    "ADD": frozenset(
        {"chown", "chmod", "link", "checksum", "keep-git-dir", "exclude", "parents", "unpack"}
    ),
    "HEALTHCHECK": frozenset({"interval", "timeout", "start-period", "start-interval", "retries"}),
}

NEEDS_ARGUMENTS = frozenset(INSTRUCTIONS - {"CMD", "ENTRYPOINT"})

_DIRECTIVE = lazy_compile(r"#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")  # a comment with =
_HEREDOC = lazy_compile(r"(\d*)<<(-?)\s*([^<]*)$")  # only lines holding ``<<``
_BARE_MARKER = lazy_compile(r"\d*<<-?$")
_ESCAPES = ("\\", "`")
"""The escape characters a ``# escape=`` directive may choose."""
_BLANKS = "\t\v\f\r "
"""What ends an instruction's keyword."""


class _Lines:
    """Physical lines of the text: content range (no newline, no CR) and next start."""

    __slots__ = ("count", "source", "text")

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.text = source.text
        self.count = source.line_count
        if self.text.endswith("\n"):
            self.count -= 1  # no empty line after the final newline

    def start(self, index: int) -> int:
        start = self.source.line_start(index + 1)
        if index == 0 and self.text.startswith("\ufeff"):
            start += 1
        return start

    def content_end(self, index: int) -> int:
        return self.source.line_end(index + 1)

    def next_start(self, index: int) -> int:
        if index + 1 < self.source.line_count:
            return self.source.line_start(index + 2)
        return len(self.text)

    def content(self, index: int) -> str:
        return self.text[self.start(index) : self.content_end(index)]


def parse(text: str, path: str = "<stdin>") -> Dockerfile:
    """Parse Dockerfile ``text`` into a ``Dockerfile`` whose nodes tile the text."""
    return parse_source(SourceText(text, path))


def parse_source(source: SourceText) -> Dockerfile:
    """Parse an already built ``SourceText``."""
    dockerfile = Dockerfile(source)
    lines = _Lines(source)
    text = source.text
    index = 0
    directives_open = True
    node_start = 0
    while index < lines.count:
        content = lines.content(index)
        stripped = content.lstrip()
        if directives_open:
            directives_open = _read_directive(dockerfile, lines, index, stripped)
            if directives_open:
                end = lines.next_start(index)
                dockerfile.nodes.append(
                    Trivia(Trivia.DIRECTIVE, node_start, end, text[node_start:end])
                )
                node_start = end
                index += 1
                continue
        if not stripped or stripped.startswith("#"):
            kind = Trivia.COMMENT if stripped else Trivia.BLANK
            end = lines.next_start(index)
            dockerfile.nodes.append(Trivia(kind, node_start, end, text[node_start:end]))
            node_start = end
            index += 1
            continue
        instruction, index = _read_instruction(dockerfile, lines, index)
        end = lines.next_start(index)
        content_end = instruction.end
        logical = instruction.logical
        instruction.node_start = node_start
        instruction.node_end = end
        instruction._text = text
        instruction.end = content_end  # kept only when not the end of the node's last line
        instruction.logical = logical  # kept only when not the text from start to end
        dockerfile.nodes.append(instruction)
        dockerfile.instructions.append(instruction)
        node_start = end
        index += 1
    if node_start < len(text):  # only possible for text ending without lines
        dockerfile.nodes.append(Trivia(Trivia.BLANK, node_start, len(text), text[node_start:]))
    return dockerfile


def _read_directive(dockerfile: Dockerfile, lines: _Lines, index: int, stripped: str) -> bool:
    """Record a parser directive on this line; False once directives are over."""
    match = _DIRECTIVE.match(stripped) if "=" in stripped else None
    if match is None:
        return False
    name = match.group(1).lower()
    if name not in DIRECTIVE_NAMES:
        return False
    start = lines.start(index)
    end = lines.content_end(index)
    value = match.group(2)
    if name in dockerfile.directives:
        dockerfile.errors.append(
            ParseError(f"only one {name} parser directive can be used", start, end)
        )
        return True
    dockerfile.directives[name] = Directive(name, value, start, end)
    if name == "escape":
        if value in _ESCAPES:
            dockerfile.escape = value
        else:
            dockerfile.errors.append(
                ParseError(f"invalid escape token {value!r}: must be ` or \\", start, end)
            )
    return True


def _read_instruction(dockerfile: Dockerfile, lines: _Lines, index: int) -> tuple[Instruction, int]:
    """Read one instruction starting at line ``index``; return it and its last line."""
    escape = dockerfile.escape
    content = lines.content(index)
    leading = len(content) - len(content.lstrip())
    first_start = lines.start(index)
    if leading:  # else the source's own int: one object for equal offsets, not one a line
        first_start += leading
    piece = content[leading:]
    cut = _continuation(piece, escape)
    open_line = cut >= 0
    if open_line:
        piece = piece[:cut]
    pieces = [(piece, first_start)]
    first_line = index
    while open_line and index + 1 < lines.count:
        index += 1
        content = lines.content(index)
        stripped = content.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        cut = _continuation(content, escape)
        open_line = cut >= 0
        piece = content[:cut] if open_line else content
        pieces.append((piece, lines.start(index)))
    if len(pieces) == 1 and pieces[0][0]:  # one line: read from the file's text when asked
        logical = LogicalLine.in_file(lines.text, first_start, len(pieces[0][0]))
    else:
        logical = LogicalLine.of(pieces)
    instruction = _build_instruction(logical, 0, dockerfile.escape)
    instruction.start_line = first_line + 1
    instruction.end_line = instruction.start_line if index == first_line else index + 1
    instruction.end = lines.content_end(index)
    if instruction.inner is not None:
        instruction.inner.end = instruction.end
    target = instruction.effective
    if target.keyword in HEREDOC_INSTRUCTIONS and not target.is_json and "<<" in logical.text:
        target.heredocs = _find_heredocs(target)
        for heredoc in target.heredocs:
            index = _read_heredoc_body(lines, index, heredoc)
            if not heredoc.terminated:
                target.errors.append(
                    ParseError(
                        f"unterminated heredoc {heredoc.name!r}",
                        heredoc.marker.start,
                        heredoc.marker.end,
                    )
                )
        if target.heredocs:
            instruction.end_line = index + 1
            instruction.end = lines.content_end(index)
            if target is not instruction:
                target.end = instruction.end
                target.end_line = instruction.end_line
    _check_arguments(target)
    _compact(instruction)
    if instruction.inner is not None:
        _compact(instruction.inner)
    return instruction, index


def _compact(instruction: Instruction) -> None:
    """Share one empty list among instructions (a large file has one a line)."""
    if not instruction.flags:
        instruction.flags = EMPTY
    if not instruction.pairs:
        instruction.pairs = EMPTY
    if not instruction.heredocs:
        instruction.heredocs = EMPTY
    if not instruction.errors:
        instruction.errors = EMPTY


def _continuation(line: str, escape: str) -> int:
    """Where the escape continuing ``line`` on the next one starts, or -1.

    As BuildKit: the escape at the end of the line (spaces and tabs may follow)
    continues it, unless the escape is itself escaped (``C:\\\\`` ends the instruction).
    """
    body = line.rstrip(" \t")
    if not body.endswith(escape) or body.endswith(escape + escape):
        return -1
    return len(body) - 1


def _build_instruction(logical: LogicalLine, offset: int, escape: str) -> Instruction:
    """Split ``logical.text[offset:]`` into keyword, flags and arguments."""
    text = logical.text
    size = len(text)
    start = offset
    while start < size and text[start] in _BLANKS:
        start += 1
    if start == size:  # cannot happen for a non-blank line; stay safe
        instruction = Instruction("", logical)
        instruction.start = instruction.end = logical.file_offset(offset)
        instruction.keyword_end = 0
        return instruction
    rest_index = start + 1
    while rest_index < size and text[rest_index] not in _BLANKS:
        rest_index += 1
    instruction = Instruction(text[start:rest_index], logical)
    instruction.start = logical.file_offset(start)
    instruction.keyword_end = logical.file_end(rest_index)
    rest = text[rest_index:].rstrip()
    instruction.end = logical.file_end(rest_index + len(rest)) if rest else instruction.keyword_end
    flags, arguments_start = split_flags(rest)
    for word, start, end in flags:
        name, sep, value = word[2:].partition("=")
        instruction.flags.append(
            Flag(
                name.lower(),
                value if sep else None,
                rest[start:end],
                logical.file_offset(rest_index + start),
                logical.file_end(rest_index + end),
            )
        )
    instruction.arguments = rest[arguments_start:]
    instruction.arguments_index = rest_index + arguments_start
    keyword = instruction.keyword
    if keyword not in INSTRUCTIONS:
        instruction.errors.append(
            ParseError(
                f"unknown instruction: {instruction.keyword_raw}",
                instruction.start,
                instruction.keyword_end,
            )
        )
    _check_flags(instruction)
    if keyword == "ONBUILD":
        _build_onbuild(instruction, escape)
        return instruction
    if keyword in EXEC_FORM:
        parsed = parse_json_array(instruction.arguments)
        if isinstance(parsed, list):
            instruction.json_args = parsed
            return instruction
        if parsed == NOT_STRINGS:
            instruction.errors.append(
                ParseError(
                    f"{keyword} exec form must be an array of strings",
                    instruction.arguments_offset(0),
                    instruction.end,
                )
            )
            return instruction
    if keyword == "SHELL" and instruction.arguments:
        instruction.errors.append(
            ParseError(
                "SHELL requires the arguments to be in JSON form",
                instruction.arguments_offset(0),
                instruction.end,
            )
        )
    instruction._words = None  # split on first use: see ``read_words``
    instruction.escape = escape
    if keyword in QUOTE_AWARE:
        _read_pairs(instruction, escape)
    return instruction


def read_words(instruction: Instruction) -> list[Word]:
    """The words of a shell-form instruction's arguments, as BuildKit splits them."""
    escape = instruction.escape
    quote_aware = instruction.keyword in QUOTE_AWARE
    return [
        Word(
            raw,
            unquote(raw, escape),
            instruction.arguments_offset(start),
            instruction.arguments_end(end),
        )
        for raw, start, end in split_words(instruction.arguments, escape, quote_aware=quote_aware)
    ]


def _read_pairs(instruction: Instruction, escape: str) -> None:
    """Fill ``instruction.pairs`` for ENV, LABEL and ARG, as BuildKit reads them (from
    words split for this only: the instruction splits them again if they are asked for,
    most never are, where keeping them costs a list and a Word a declaration)."""
    words = read_words(instruction)
    if not words:
        return
    keyword = instruction.keyword
    if keyword != "ARG" and "=" not in words[0].raw:
        # legacy ``ENV key value`` form: the value is the rest of the line
        key = words[0]
        rest = instruction.arguments[len(key.raw) :].strip()
        if not rest:
            instruction.errors.append(
                ParseError(f"{keyword} {key.value} needs a value", key.start, key.end)
            )
            return
        instruction.pairs.append(
            KeyValue(key.value, unquote(rest, escape), rest, key.start, instruction.end)
        )
        return
    for word in words:
        name, sep, value_raw = word.raw.partition("=")
        if not sep:
            if keyword == "ARG":
                instruction.pairs.append(
                    KeyValue(unquote(name, escape), None, None, word.start, word.end)
                )
                continue
            instruction.errors.append(
                ParseError(
                    f"can't find = in {word.raw!r}: {keyword} must be of the form name=value",
                    word.start,
                    word.end,
                )
            )
            continue
        if not name:
            instruction.errors.append(
                ParseError(f"{keyword} names can not be blank", word.start, word.end)
            )
            continue
        instruction.pairs.append(
            KeyValue(
                unquote(name, escape), unquote(value_raw, escape), value_raw, word.start, word.end
            )
        )


def _build_onbuild(instruction: Instruction, escape: str) -> None:
    if not instruction.arguments:
        return
    inner = _build_instruction(instruction.logical, instruction.arguments_index, escape)
    inner.parent = instruction
    inner.end = instruction.end
    instruction.inner = inner
    if inner.keyword in ("ONBUILD", "FROM", "MAINTAINER"):
        what = (
            "Chaining ONBUILD via `ONBUILD ONBUILD`"
            if inner.keyword == "ONBUILD"
            else (f"{inner.keyword} as an ONBUILD trigger")
        )
        inner.errors.append(ParseError(f"{what} isn't allowed", inner.start, inner.keyword_end))


def _check_flags(instruction: Instruction) -> None:
    allowed = ALLOWED_FLAGS.get(instruction.keyword, frozenset())
    if instruction.keyword not in INSTRUCTIONS or instruction.keyword == "ONBUILD":
        return
    for flag in instruction.flags:
        if flag.name not in allowed:
            instruction.errors.append(
                ParseError(
                    f"unknown flag for {instruction.keyword}: --{flag.name}",
                    flag.start,
                    flag.end,
                )
            )


def _check_arguments(instruction: Instruction) -> None:
    keyword = instruction.keyword
    if keyword not in NEEDS_ARGUMENTS or instruction.errors:
        return
    if instruction.json_args is not None:
        count = len(instruction.json_args)
    elif keyword in ("COPY", "ADD"):
        count = len(read_words(instruction))  # not kept: see ``_read_pairs``
    else:  # only whether there is a word (ONBUILD has none: its arguments count)
        count = 1 if instruction.arguments.strip(SPACE) else 0
    if count == 0:
        instruction.errors.append(
            ParseError(
                f"{keyword} requires at least one argument",
                instruction.start,
                instruction.keyword_end,
            )
        )
    elif keyword in ("COPY", "ADD") and count < 2:
        instruction.errors.append(
            ParseError(
                f"{keyword} requires at least two arguments: a source and a destination",
                instruction.start,
                instruction.end,
            )
        )


def _find_heredocs(instruction: Instruction) -> list[Heredoc]:
    """Here-document markers among the quote-aware words of the arguments.

    As BuildKit's lexer: quotes keep ``<<EOF`` inside them from being a marker,
    and blanks may separate ``<<`` (or ``<<-``) from the delimiter.
    """
    heredocs: list[Heredoc] = []
    words = split_words(instruction.arguments, "\\", quote_aware=True)
    index = 0
    while index < len(words):
        raw, start, end = words[index]
        index += 1
        if _BARE_MARKER.match(raw) and index < len(words):
            raw = instruction.arguments[start : words[index][2]]
            end = words[index][2]
            index += 1
        match = _HEREDOC.match(raw)
        if match is None or not match.group(3):
            continue
        fd_text, dash, name_raw = match.groups()
        name = unquote(name_raw)
        marker = Word(raw, raw, instruction.arguments_offset(start), instruction.arguments_end(end))
        heredocs.append(
            Heredoc(
                name,
                marker=marker,
                strip_tabs=dash == "-",
                expand=name == name_raw,
                fd=int(fd_text) if fd_text else None,
            )
        )
    return heredocs


def _read_heredoc_body(lines: _Lines, index: int, heredoc: Heredoc) -> int:
    """Consume the body lines of ``heredoc`` after line ``index``; return the last line."""
    heredoc.body_start = lines.next_start(index)
    body: list[str] = []
    while index + 1 < lines.count:
        index += 1
        content = lines.content(index)
        candidate = content.lstrip("\t") if heredoc.strip_tabs else content
        if candidate == heredoc.name:
            heredoc.terminated = True
            heredoc.body_end = lines.start(index)
            heredoc.end = lines.content_end(index)
            heredoc.content = "".join(body)
            return index
        body.append(content + "\n")
    heredoc.body_end = heredoc.end = len(lines.text)
    heredoc.content = "".join(body)
    return index
