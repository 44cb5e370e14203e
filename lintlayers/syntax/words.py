"""Splitting instruction arguments: builder flags, words, JSON arrays, quotes."""

from __future__ import annotations

from lintlayers.lazy_re import lazy_compile

SPACE = " \t\v\f\r\n"
"""What separates words, as in BuildKit."""
_SPACE = SPACE


def split_flags(text: str) -> tuple[list[tuple[str, int, int]], int]:
    """Split the leading ``--flag`` words off ``text``, as BuildKit does.

    Returns the flags as ``(unquoted_word, start, end)`` with the leading dashes
    kept, and the index where the remaining arguments start. A lone ``--`` ends
    the flags and is dropped.
    """
    flags: list[tuple[str, int, int]] = []
    length = len(text)
    position = 0
    while True:
        while position < length and text[position] in _SPACE:
            position += 1
        if not text.startswith("--", position):
            return flags, position
        start = position
        word: list[str] = []
        quote = ""
        while position < length:
            char = text[position]
            if quote:
                if char == quote:
                    quote = ""
                elif char == "\\" and position + 1 < length:
                    position += 1
                    word.append(text[position])
                else:
                    word.append(char)
            elif char in _SPACE:
                break
            elif char in "'\"":
                quote = char
            elif char == "\\" and position + 1 < length:
                position += 1
                word.append(text[position])
            else:
                word.append(char)
            position += 1
        value = "".join(word)
        if value == "--":
            while position < length and text[position] in _SPACE:
                position += 1
            return flags, position
        flags.append((value, start, position))


def split_words(text: str, escape: str, *, quote_aware: bool) -> list[tuple[str, int, int]]:
    """Split ``text`` into words as ``(raw, start, end)``.

    With ``quote_aware`` (ENV, LABEL, ARG), whitespace inside quotes or after the
    escape character does not split; otherwise words are whitespace-delimited,
    like BuildKit's ``parseStringsWhitespaceDelimited``.
    """
    words: list[tuple[str, int, int]] = []
    length = len(text)
    position = 0
    while position < length:
        while position < length and text[position] in _SPACE:
            position += 1
        if position >= length:
            break
        start = position
        quote = ""
        while position < length:
            char = text[position]
            if quote:
                if char == quote:
                    quote = ""
                elif char == escape and quote == '"' and position + 1 < length:
                    position += 1
            elif char in _SPACE:
                break
            elif quote_aware and char in "'\"":
                quote = char
            elif quote_aware and char == escape and position + 1 < length:
                position += 1
            position += 1
        words.append((text[start:position], start, position))
    return words


def unquote(raw: str, escape: str = "\\") -> str:
    """Remove shell quotes and escapes from a word, keeping ``$`` expansions verbatim."""
    if "'" not in raw and '"' not in raw and escape not in raw:
        return raw
    out: list[str] = []
    quote = ""
    position = 0
    length = len(raw)
    while position < length:
        char = raw[position]
        if quote == "'":
            if char == "'":
                quote = ""
            else:
                out.append(char)
        elif quote == '"':
            if char == '"':
                quote = ""
            elif char == escape and position + 1 < length and raw[position + 1] in '"$`' + escape:
                position += 1
                out.append(raw[position])
            else:
                out.append(char)
        elif char in "'\"":
            quote = char
        elif char == escape and position + 1 < length:
            position += 1
            out.append(raw[position])
        else:
            out.append(char)
        position += 1
    return "".join(out)


NOT_JSON = "not-json"
NOT_STRINGS = "not-strings"


def parse_json_array(text: str) -> list[str] | str:
    """Parse the exec form ``["a", "b"]``.

    Returns the list of strings, ``NOT_JSON`` when ``text`` is not a JSON array
    (BuildKit then falls back to the shell form) or ``NOT_STRINGS`` when it is an
    array holding something other than strings (an error in BuildKit).
    """
    stripped = text.lstrip()
    if not stripped.startswith("["):
        return NOT_JSON
    strings = _string_array(stripped)
    if strings is not None:
        return strings
    import json  # only an array that is not all strings pays for it (3 ms at start-up)

    try:
        value = json.loads(stripped)
    except ValueError:
        return NOT_JSON
    if not isinstance(value, list):
        return NOT_JSON
    if not all(isinstance(item, str) for item in value):
        return NOT_STRINGS
    return value


_JSON_SPACE = " \t\n\r"
_JSON_STRING = lazy_compile(r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"')
"""A complete JSON string, as ``scanstring`` accepts it with ``strict`` (only for escapes)."""


def _string_array(text: str) -> list[str] | None:
    """``text`` as a JSON array of strings, or None when it is anything else.

    The common exec form: a string without escapes is its text between the quotes (no
    control character in it), one with escapes is read with the decoder's own string
    scanner (``_json``, imported then), so the result is what ``json.loads`` gives;
    everything else goes to ``json.loads``.
    """
    values: list[str] = []
    position = 1
    end = len(text)
    while position < end and text[position] in _JSON_SPACE:
        position += 1
    if position < end and text[position] == "]":
        position += 1
    else:
        while True:
            if position >= end or text[position] != '"':
                return None
            close = text.find('"', position + 1)
            value = text[position + 1 : close]
            if close < 0 or "\\" in value:
                value, position = _escaped_string(text, position)
                if position < 0:
                    return None
            elif value and min(value) < " ":
                return None  # a control character: not JSON
            else:
                position = close + 1
            values.append(value)
            while position < end and text[position] in _JSON_SPACE:
                position += 1
            if position < end and text[position] == ",":
                position += 1
                while position < end and text[position] in _JSON_SPACE:
                    position += 1
                continue
            if position < end and text[position] == "]":
                position += 1
                break
            return None
    if text[position:].strip(_JSON_SPACE):
        return None
    return values


def _escaped_string(text: str, position: int) -> tuple[str, int]:
    """The JSON string at ``position`` (its opening quote) and the offset after it, or
    ``("", -1)`` when it is no valid JSON string."""
    if _JSON_STRING.match(text, position) is None:
        return "", -1  # the C scanner must only see a valid string: its errors need json
    from _json import scanstring

    try:
        return scanstring(text, position + 1, True)
    except (ValueError, SystemError):
        return "", -1


def parse_csv_options(value: str) -> list[tuple[str, str | None]]:
    """Split a ``--mount`` value such as ``type=cache,target=/x`` into pairs."""
    fields: list[str] = []
    current: list[str] = []
    quote = ""
    for char in value:
        if quote:
            if char == quote:
                quote = ""
            else:
                current.append(char)
        elif char in "'\"":
            quote = char
        elif char == ",":
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
    fields.append("".join(current))
    pairs: list[tuple[str, str | None]] = []
    for field in fields:
        field = field.strip()
        if not field:
            continue
        key, sep, rest = field.partition("=")
        pairs.append((key.strip().lower(), rest if sep else None))
    return pairs
