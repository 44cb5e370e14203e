"""Variable expansion as BuildKit's shell lexer does it for builder instructions.

Supports ``$name``, ``${name}``, ``${name:-word}``, ``${name-word}``,
``${name:+word}``, ``${name+word}``, ``${name:?msg}``, ``${name?msg}``, and
keeps quotes' meaning: nothing expands inside single quotes. Unknown
variables expand to the empty string, as in BuildKit.
"""

from __future__ import annotations

from lintlayers.lazy_re import lazy_compile
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

EXPANDING_INSTRUCTIONS = frozenset(
    {
        "ADD",
        "COPY",
        "ENV",
        "EXPOSE",
        "FROM",
        "LABEL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
        "ARG",
    }
)
"""Instructions whose arguments the builder expands (RUN/CMD leave it to the shell)."""

_NAME = lazy_compile(r"[A-Za-z_][A-Za-z0-9_]*")
_REFERENCE = lazy_compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))")


def referenced_names(text: str) -> set[str]:
    """Names of the variables ``text`` refers to with ``$name`` or ``${name...}``."""
    if "$" not in text:
        return set()
    return {braced or plain for braced, plain in _REFERENCE.findall(text)}


def expand(text: str, env: Mapping[str, str], escape: str = "\\") -> str:
    """Expand variables in ``text`` using ``env``, leaving quotes in place."""
    if "$" not in text:
        return text
    out: list[str] = []
    position = 0
    length = len(text)
    in_single = False
    while position < length:
        char = text[position]
        if in_single:
            out.append(char)
            if char == "'":
                in_single = False
            position += 1
            continue
        if char == "'":
            in_single = True
            out.append(char)
            position += 1
            continue
        if char == escape and position + 1 < length:
            out.append(text[position : position + 2])
            position += 2
            continue
        if char != "$" or position + 1 >= length:
            out.append(char)
            position += 1
            continue
        value, position = _expand_reference(text, position, env, escape)
        out.append(value)
    return "".join(out)


def _expand_reference(
    text: str, position: int, env: Mapping[str, str], escape: str
) -> tuple[str, int]:
    """Expand the reference starting at ``text[position] == '$'``."""
    following = text[position + 1]
    if following != "{":
        match = _NAME.match(text, position + 1)
        if match is None:
            return "$", position + 1
        return env.get(match.group(), ""), match.end()
    close = _matching_brace(text, position + 2)
    if close < 0:
        return text[position:], len(text)
    body = text[position + 2 : close]
    match = _NAME.match(body)
    if match is None:
        return text[position : close + 1], close + 1
    name = match.group()
    operator = body[match.end() :]
    value = env.get(name)
    if not operator:
        return value or "", close + 1
    if operator.startswith((":-", ":+", ":?")):
        symbol, word, unset = operator[1], operator[2:], not value
    elif operator[0] in "-+?":
        symbol, word, unset = operator[0], operator[1:], value is None
    else:  # pattern operators (#, %, /): keep the value, best effort
        return value or "", close + 1
    word = expand(word, env, escape)
    if symbol == "-":
        return (word if unset else value or ""), close + 1
    if symbol == "+":
        return ("" if unset else word), close + 1
    return value or "", close + 1


def _matching_brace(text: str, position: int) -> int:
    depth = 1
    while position < len(text):
        char = text[position]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return -1
