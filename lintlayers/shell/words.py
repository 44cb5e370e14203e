"""Shell words: source text and best-effort unquoted value of a tree-sitter-bash word node."""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from tree_sitter import Node

# Node types whose text the shell replaces at run time: kept verbatim in values.
EXPANSIONS = frozenset(
    {
        "simple_expansion",
        "expansion",
        "command_substitution",
        "arithmetic_expansion",
        "process_substitution",
        "brace_expression",
    }
)

_DQ_ESCAPABLE = frozenset('$`"\\')
_ANSI_SIMPLE = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}
_HEX = frozenset("0123456789abcdefABCDEF")


class ShellWord:
    """One shell word: its source text, offsets in the script and unquoted value.

    ``value`` has quotes removed and backslash escapes resolved but keeps expansions,
    command substitutions and globs verbatim (``"$HOME"/x`` -> ``$HOME/x``);
    ``is_literal`` is false when the shell may turn the word into something else: it has
    an expansion or substitution (quoted or not), or an unquoted glob, brace expansion
    or leading ``~``. ``raw`` is the script's text from ``start`` to ``end``, which is
    therefore not kept (a large file has some million words).

    ``ShellWord(raw, start)`` is a plain word, its own value and literal (most words:
    ``apt-get``, ``-y``); ``shell_word`` makes any word.
    """

    __slots__ = ("raw", "start")

    is_literal = True

    def __init__(self, raw: str, start: int) -> None:
        self.raw = raw
        self.start = start

    @property
    def value(self) -> str:
        return self.raw

    @property
    def end(self) -> int:
        return self.start + len(self.raw)

    def __repr__(self) -> str:
        return f"ShellWord({self.raw!r}, value={self.value!r}, {self.start}:{self.end})"


class _DecodedWord(ShellWord):
    """A word whose value is not its raw text, or that is not literal."""

    __slots__ = ("is_literal", "value")

    def __init__(self, raw: str, value: str, start: int, is_literal: bool) -> None:
        self.raw = raw
        self.value = value  # type: ignore[misc]  # the slot, over the plain word's property
        self.start = start
        self.is_literal = is_literal


def shell_word(raw: str, value: str, start: int, is_literal: bool) -> ShellWord:
    """The word of ``raw`` at ``start``: a plain ``ShellWord`` when ``value`` equals ``raw``
    and it is literal, with the two slots it needs only (16 bytes a word less)."""
    if is_literal and value == raw:
        return ShellWord(raw, start)
    return _DecodedWord(raw, value, start, is_literal)


# A decoded word is a list of parts ``(text, offset, size)``: ``text`` appears in the value
# and comes from ``size`` characters of the script at ``offset``.  Either the text is
# copied (``size == len(text)``) or one character stands for an escape sequence.
Parts = list[tuple[str, int, int]]


def decode_nodes(
    nodes: Sequence[Node], text: str, to_str: Callable[[int], int]
) -> tuple[Parts, bool]:
    """Decode adjacent word nodes into value parts; also say whether the word is literal.

    ``to_str`` maps a byte offset of the parsed bytes to an index of ``text``.
    """
    if len(nodes) > 1:  # ``$"text"`` (a translated string) arrives as ``$`` and a string
        nodes = [
            node
            for index, node in enumerate(nodes)
            if not (
                node.type == "$" and index + 1 < len(nodes) and nodes[index + 1].type == "string"
            )
        ]
    parts: Parts = []
    unquoted: list[str] = []  # unquoted text, quoted or escaped runs replaced by "\0"
    literal = True
    # Explicit stack of work items, processed in source order: (kind, node, start, end).
    # kinds: "n" a node, "u" unquoted text, "d" double-quoted text, "v" verbatim expansion.
    stack: list[tuple[str, Node | None, int, int]] = [("n", node, 0, 0) for node in reversed(nodes)]
    while stack:
        kind, node, start, end = stack.pop()
        if kind == "u":
            _unquoted(text, start, end, parts, unquoted)
            continue
        if kind == "d":
            _double_quoted(text, start, end, parts)
            continue
        if kind == "v":
            parts.append((text[start:end], start, end - start))
            unquoted.append("\0")
            continue
        assert node is not None
        kind_name = node.type
        start = to_str(node.start_byte)
        end = to_str(node.end_byte)
        if kind_name in EXPANSIONS:
            literal = False
            stack.append(("v", None, start, end))
        elif kind_name == "raw_string":
            close = end - 1 if end - start >= 2 and text[end - 1] == "'" else end
            parts.append((text[start + 1 : close], start + 1, close - start - 1))
            unquoted.append("\0")
        elif kind_name in ("string", "translated_string"):
            unquoted.append("\0")
            open_end = text.find('"', start, end) + 1 or start
            close = end - 1 if end - open_end >= 1 and text[end - 1] == '"' else end
            items: list[tuple[str, Node | None, int, int]] = []
            position = open_end
            for child in node.named_children:
                if child.type == "string_content":
                    continue
                child_start = to_str(child.start_byte)
                child_end = to_str(child.end_byte)
                if child_start < position or child_end > close:
                    continue
                if child_start > position:
                    items.append(("d", None, position, child_start))
                literal = False
                items.append(("v", None, child_start, child_end))
                position = child_end
            if close > position:
                items.append(("d", None, position, close))
            stack.extend(reversed(items))
        elif kind_name == "ansi_c_string":
            unquoted.append("\0")
            open_end = start + 2
            close = end - 1 if end - open_end >= 1 and text[end - 1] == "'" else end
            _ansi_c(text, open_end, close, parts)
        else:
            children = node.named_children
            if not children:
                stack.append(("u", None, start, end))
                continue
            items = []
            position = start
            for child in children:
                child_start = to_str(child.start_byte)
                if child_start < position:
                    continue
                if child_start > position:
                    items.append(("u", None, position, child_start))
                items.append(("n", child, 0, 0))
                position = to_str(child.end_byte)
            if end > position:
                items.append(("u", None, position, end))
            stack.extend(reversed(items))
    if literal:
        literal = not _has_pattern("".join(unquoted))
    return parts, literal


def _unquoted(text: str, start: int, end: int, parts: Parts, unquoted: list[str]) -> None:
    """Unquoted text: a backslash quotes the next character, backslash-newline vanishes."""
    position = start
    while position < end:
        slash = text.find("\\", position, end)
        if slash == -1:
            parts.append((text[position:end], position, end - position))
            unquoted.append(text[position:end])
            return
        if slash > position:
            parts.append((text[position:slash], position, slash - position))
            unquoted.append(text[position:slash])
        if slash + 1 >= end:
            parts.append(("\\", slash, 1))
            unquoted.append("\0")
            return
        if text[slash + 1] != "\n":
            parts.append((text[slash + 1], slash, 2))
            unquoted.append("\0")
        position = slash + 2


def _double_quoted(text: str, start: int, end: int, parts: Parts) -> None:
    """Text between double quotes: backslash only escapes ``$ ` " \\`` and newline."""
    position = start
    while position < end:
        slash = text.find("\\", position, end)
        if slash == -1 or slash + 1 >= end:
            parts.append((text[position:end], position, end - position))
            return
        following = text[slash + 1]
        if following in _DQ_ESCAPABLE:
            if slash > position:
                parts.append((text[position:slash], position, slash - position))
            parts.append((following, slash, 2))
        elif following == "\n":
            if slash > position:
                parts.append((text[position:slash], position, slash - position))
        else:
            parts.append((text[position : slash + 2], position, slash + 2 - position))
        position = slash + 2


def _ansi_c(text: str, start: int, end: int, parts: Parts) -> None:
    """Body of ``$'...'``: C-style escapes."""
    position = start
    while position < end:
        slash = text.find("\\", position, end)
        if slash == -1 or slash + 1 >= end:
            parts.append((text[position:end], position, end - position))
            return
        if slash > position:
            parts.append((text[position:slash], position, slash - position))
        code = text[slash + 1]
        after = slash + 2
        simple = _ANSI_SIMPLE.get(code)
        if simple is not None:
            parts.append((simple, slash, 2))
        elif code in "xuU":
            limit = {"x": 2, "u": 4, "U": 8}[code]
            digits_end = after
            while digits_end < end and digits_end - after < limit and text[digits_end] in _HEX:
                digits_end += 1
            if digits_end == after:
                parts.append((text[slash:after], slash, after - slash))
            else:
                number = int(text[after:digits_end], 16)
                character = chr(number) if number <= 0x10FFFF else "\ufffd"
                parts.append((character, slash, digits_end - slash))
                after = digits_end
        elif "0" <= code <= "7":
            digits_end = slash + 1
            while (
                digits_end < end and digits_end - slash - 1 < 3 and "0" <= text[digits_end] <= "7"
            ):
                digits_end += 1
            parts.append(
                (chr(int(text[slash + 1 : digits_end], 8) & 0xFF), slash, digits_end - slash)
            )
            after = digits_end
        elif code == "c" and after < end:
            parts.append((chr(ord(text[after]) & 0x1F), slash, after + 1 - slash))
            after += 1
        else:
            parts.append((text[slash:after], slash, after - slash))
        position = after


def _has_pattern(unquoted: str) -> bool:
    """Whether unquoted word text has a glob, brace expansion or leading tilde."""
    if not unquoted:
        return False
    if unquoted[0] == "~" or "*" in unquoted or "?" in unquoted:
        return True
    bracket = unquoted.find("[")
    if bracket != -1 and unquoted.find("]", bracket + 2) != -1:
        return True
    brace = unquoted.find("{")
    while brace != -1:
        close = unquoted.find("}", brace)
        if close == -1:
            return False
        body = unquoted[brace + 1 : close]
        if "," in body or ".." in body:
            return True
        brace = unquoted.find("{", brace + 1)
    return False


def join_parts(parts: Parts) -> str:
    return "".join([part[0] for part in parts])


def part_spans(parts: Parts) -> tuple[list[int], list[int]]:
    """Script offsets where each character of the decoded value starts and ends."""
    starts: list[int] = []
    ends: list[int] = []
    for piece, offset, size in parts:
        if len(piece) == size:
            starts.extend(range(offset, offset + size))
            ends.extend(range(offset + 1, offset + size + 1))
        elif piece:
            starts.append(offset)
            ends.append(offset + size)
    return starts, ends
