"""Path globs of the configuration (``per-file-ignores``, ``exclude``), as regexes."""

from __future__ import annotations

import os
import re


def compile_glob(base: str, pattern: str) -> re.Pattern[str]:
    """A regex for ``pattern`` relative to ``base``, matched against absolute ``/`` paths.

    ``*`` and ``?`` stay within one path segment, ``**`` spans segments, a pattern
    without ``/`` (but a trailing one) matches a name at any depth, a leading ``/``
    anchors the pattern to ``base`` and a trailing ``/`` means everything below.
    """
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if pattern.startswith("/"):
        pattern = pattern.lstrip("/")
    elif "/" not in pattern.rstrip("/"):  # as in .gitignore: ``build/`` is any ``build``
        pattern = "**/" + pattern
    if pattern.endswith("/"):
        pattern += "**"
    prefix = os.path.abspath(base).replace(os.sep, "/").rstrip("/") + "/"
    parts = pattern.split("/")
    out = [re.escape(prefix)]
    for index, segment in enumerate(parts):
        last = index == len(parts) - 1
        if segment == "**":
            out.append(".*" if last else "(?:[^/]+/)*")
        else:
            out.append(translate_segment(segment))
            if not last:
                out.append("/")
    return re.compile("".join(out))


def translate_segment(segment: str) -> str:
    """The regex of one path segment: ``*``, ``?`` and ``[...]`` within the segment."""
    out: list[str] = []
    i, n = 0, len(segment)
    while i < n:
        char = segment[i]
        i += 1
        if char == "*":
            while i < n and segment[i] == "*":
                i += 1
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            j = i
            if j < n and segment[j] == "!":
                j += 1
            if j < n and segment[j] == "]":
                j += 1
            while j < n and segment[j] != "]":
                j += 1
            if j >= n:
                out.append("\\[")
                continue
            body = segment[i:j].replace("\\", "\\\\")
            i = j + 1
            if body.startswith("!"):
                body = "^" + body[1:]
            elif body.startswith("^"):
                body = "\\" + body
            out.append(f"[{body}]")
        else:
            out.append(re.escape(char))
    return "".join(out)
