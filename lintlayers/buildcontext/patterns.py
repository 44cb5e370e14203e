"""Docker's `.dockerignore` semantics, as moby's patternmatcher and BuildKit apply them.

The rules reproduced here (from moby/patternmatcher ``patternmatcher.go`` and
``ignorefile/ignorefile.go``, and from how BuildKit's context transfer walks the
context with ``MatchesUsingParentResults``):

* the ignore file is read line by line: a UTF-8 BOM is dropped, a line whose first
  character is ``#`` is a comment (``  # x`` with leading blanks is a *pattern*),
  surrounding whitespace is trimmed, a leading ``!`` marks an exception (blanks after
  it are trimmed too), the rest is ``filepath.Clean``-ed and one leading ``/`` removed;
* a pattern is validated with Go's ``filepath.Match`` syntax, then turned into a Go
  regular expression: ``*`` is ``[^/]*``, ``?`` is ``[^/]``, ``**`` is any number of
  path segments, ``[...]`` and ``\\x`` are handed to the regexp engine as they are
  (so ``\\d`` means a digit, and a ``*`` inside brackets ends the class early);
* patterns are tried in order and the last one that matches decides, a pattern that
  matches a directory matches everything below it, and exceptions are only tried once
  something matched (the parent-results bookkeeping of BuildKit's walk).
"""

from __future__ import annotations

import os
import re

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

# Go's unicode.IsSpace (strings.TrimSpace); unlike str.strip() it keeps \x1c-\x1f.
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

# Characters patternmatcher escapes before building its regexp.
_REGEXP_ESCAPED = frozenset(".+()|{}$")

# fsutil's "this exception pattern has wildcards" test (patternChars on Unix).
_WILDCARD_CHARS = frozenset("*[]?^\\")

EXACT = "exact"
PREFIX = "prefix"
SUFFIX = "suffix"
REGEXP = "regexp"


class PatternError(ValueError):
    """A pattern Docker would reject (or fail on when it first evaluates it)."""

    def __init__(self, message: str, pattern: str = "", line: int | None = None) -> None:
        where = f"line {line}: " if line is not None else ""
        shown = f" in {pattern!r}" if pattern else ""
        super().__init__(f"{where}{message}{shown}")
        self.pattern = pattern
        self.line = line


def go_trim_space(text: str) -> str:
    """``strings.TrimSpace``: strip Go's notion of whitespace from both ends."""
    return text.strip(_GO_SPACE)


def go_clean(path: str) -> str:
    """``path.Clean`` / ``filepath.Clean`` on Unix: the shortest equivalent path."""
    if path and _clean_already(path):
        return path
    return go_clean_walk(path)


def go_clean_walk(path: str) -> str:
    """``go_clean`` element by element, without the check for an already clean path."""
    if not path:
        return "."
    rooted = path[0] == "/"
    parts: list[str] = []
    for part in path.split("/"):
        if not part or part == ".":
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append(part)
            continue
        parts.append(part)
    joined = "/".join(parts)
    if rooted:
        return "/" + joined
    return joined or "."


def _clean_already(path: str) -> bool:
    """Whether ``go_clean`` gives ``path`` back unchanged: no empty, ``.`` or ``..`` element
    and no trailing slash (most paths of a Dockerfile)."""
    if "//" in path or (path[-1] == "/" and path != "/"):
        return False
    if "." not in path:
        return True
    return not any(part in (".", "..") for part in path.split("/"))


def go_dir(path: str) -> str:
    """``filepath.Dir``: everything before the last ``/``, cleaned."""
    return go_clean(path[: path.rfind("/") + 1])


# ---------------------------------------------------------------------------
# Go's filepath.Match (used to validate patterns and by COPY's wildcards)
# ---------------------------------------------------------------------------


def _class_char(c: str) -> str:
    return "\\" + c if c in "\\]^-[&~|" else c


def _ranges_body(ranges: Sequence[tuple[int, int]]) -> str:
    parts = []
    for lo, hi in ranges:
        if lo == hi:
            parts.append(_class_char(chr(lo)))
        else:
            parts.append(_class_char(chr(lo)) + "-" + _class_char(chr(hi)))
    return "".join(parts)


def _python_class(
    ranges: Sequence[tuple[int, int]], negated: bool, negs: Sequence[Sequence[tuple[int, int]]] = ()
) -> str:
    """A Python regex for a character class: ``ranges`` plus complements ``negs``."""
    body = _ranges_body(ranges)
    if not negs:
        if not body:
            return "(?s:.)" if negated else "(?!)"
        return "[" + ("^" if negated else "") + body + "]"
    alternatives = (["[" + body + "]"] if body else []) + [
        "[^" + _ranges_body(neg) + "]" for neg in negs
    ]
    union = "(?:" + "|".join(alternatives) + ")"
    return "(?!" + union + ")(?s:.)" if negated else union


def _glob_class_char(pattern: str, i: int) -> tuple[int, int]:
    """One character of a ``filepath.Match`` class (``getEsc``): code point, next index."""
    n = len(pattern)
    if i >= n or pattern[i] in "-]":
        raise PatternError("syntax error in pattern", pattern)
    if pattern[i] == "\\":
        i += 1
        if i >= n:
            raise PatternError("syntax error in pattern", pattern)
    if i + 1 >= n:
        raise PatternError("syntax error in pattern", pattern)
    return ord(pattern[i]), i + 1


_glob_cache: dict[str, re.Pattern[str] | PatternError] = {}


def _compile_glob(pattern: str) -> re.Pattern[str]:
    """Translate a Go ``filepath.Match`` pattern, raising PatternError when malformed."""
    cached = _glob_cache.get(pattern)
    if cached is not None:
        if isinstance(cached, PatternError):
            raise cached
        return cached
    out: list[str] = []
    i, n = 0, len(pattern)
    try:
        while i < n:
            c = pattern[i]
            if c == "*":
                while i < n and pattern[i] == "*":
                    i += 1
                out.append("[^/]*")
            elif c == "?":
                out.append("[^/]")
                i += 1
            elif c == "\\":
                if i + 1 >= n:
                    raise PatternError("syntax error in pattern", pattern)
                out.append(re.escape(pattern[i + 1]))
                i += 2
            elif c == "[":
                i += 1
                negated = i < n and pattern[i] == "^"
                if negated:
                    i += 1
                ranges: list[tuple[int, int]] = []
                count = 0
                while True:
                    if i < n and pattern[i] == "]" and count:
                        i += 1
                        break
                    lo, i = _glob_class_char(pattern, i)
                    hi = lo
                    if pattern[i] == "-":
                        hi, i = _glob_class_char(pattern, i + 1)
                    if lo <= hi:  # Go accepts a reversed range; it matches nothing
                        ranges.append((lo, hi))
                    count += 1
                out.append(_python_class(ranges, negated))
            else:
                out.append(re.escape(c))
                i += 1
        compiled = re.compile("".join(out), re.DOTALL)
    except PatternError as error:
        _glob_cache[pattern] = error
        raise
    _glob_cache[pattern] = compiled
    return compiled


def validate_glob(pattern: str) -> None:
    """Raise PatternError when Go's ``filepath.Match`` would return ErrBadPattern."""
    _compile_glob(pattern)


def filepath_match(pattern: str, name: str) -> bool:
    """Go's ``filepath.Match`` on Unix: ``*``/``?`` never match ``/``; raises PatternError."""
    return _compile_glob(pattern).fullmatch(name) is not None


def has_wildcards(name: str) -> bool:
    """BuildKit's ``containsWildcards``: an unescaped ``*``, ``?`` or ``[``."""
    if "*" not in name and "?" not in name and "[" not in name:
        return False  # most names: no character to look at one by one
    i, n = 0, len(name)
    while i < n:
        c = name[i]
        if c == "\\":
            i += 2
            continue
        if c in "*?[":
            return True
        i += 1
    return False


# ---------------------------------------------------------------------------
# The subset of Go's RE2 syntax that patternmatcher's regexps can contain
# ---------------------------------------------------------------------------

_DIGIT = ((0x30, 0x39),)
_WORD = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
_SPACE = ((0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20))  # Go's \s has no \v
_PERL_CLASSES = {"d": _DIGIT, "w": _WORD, "s": _SPACE}
_POSIX_CLASSES: dict[str, tuple[tuple[int, int], ...]] = {
    "alnum": ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)),
    "alpha": ((0x41, 0x5A), (0x61, 0x7A)),
    "ascii": ((0x00, 0x7F),),
    "blank": ((0x09, 0x09), (0x20, 0x20)),
    "cntrl": ((0x00, 0x1F), (0x7F, 0x7F)),
    "digit": _DIGIT,
    "graph": ((0x21, 0x7E),),
    "lower": ((0x61, 0x7A),),
    "print": ((0x20, 0x7E),),
    "punct": ((0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)),
    "space": ((0x09, 0x0D), (0x20, 0x20)),
    "upper": ((0x41, 0x5A),),
    "word": _WORD,
    "xdigit": ((0x30, 0x39), (0x41, 0x46), (0x61, 0x66)),
}
# Go's \b / \B (ASCII word characters); Python's \B never matches in an empty string.
_W = "[0-9A-Za-z_]"
_ASSERTIONS = {
    "A": "\\A",
    "z": "\\Z",
    "b": f"(?:(?<={_W})(?!{_W})|(?<!{_W})(?={_W}))",
    "B": f"(?:(?<={_W})(?={_W})|(?<!{_W})(?!{_W}))",
}
_CONTROL_ESCAPES = {"a": 7, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
_OCTAL = "01234567"
_HEX = "0123456789abcdefABCDEF"


def _go_escape(expr: str, i: int) -> tuple[int, int]:
    """Go's ``parseEscape`` for the character after a backslash at ``expr[i]``."""
    n = len(expr)
    if i >= n:
        raise PatternError("trailing backslash at end of expression", expr)
    c = expr[i]
    i += 1
    if c < "\x80" and not c.isalnum():
        return ord(c), i
    if c in _OCTAL:
        if c != "0" and (i >= n or expr[i] not in _OCTAL):
            raise PatternError(f"invalid escape sequence \\{c} (back-references are not supported)")
        value = int(c)
        for _ in range(2):
            if i >= n or expr[i] not in _OCTAL:
                break
            value = value * 8 + int(expr[i])
            i += 1
        return value, i
    if c == "x":
        if i < n and expr[i] == "{":
            end = expr.find("}", i + 1)
            digits = expr[i + 1 : end] if end > 0 else ""
            if not digits or any(d not in _HEX for d in digits) or int(digits, 16) > 0x10FFFF:
                raise PatternError("invalid escape sequence \\x{...}", expr)
            return int(digits, 16), end + 1
        digits = expr[i : i + 2]
        if len(digits) != 2 or any(d not in _HEX for d in digits):
            raise PatternError("invalid escape sequence \\x", expr)
        return int(digits, 16), i + 2
    if c in _CONTROL_ESCAPES:
        return _CONTROL_ESCAPES[c], i
    raise PatternError(f"invalid or unsupported escape sequence \\{c}", expr)


def _go_class(expr: str, i: int) -> tuple[str, int]:
    """Parse a Go regexp class starting after its ``[``; return Python regex, next index."""
    n = len(expr)
    negated = i < n and expr[i] == "^"
    if negated:
        i += 1
    ranges: list[tuple[int, int]] = []
    negs: list[Sequence[tuple[int, int]]] = []
    first = True
    while True:
        if i >= n:
            raise PatternError("missing closing ]", expr)
        c = expr[i]
        if c == "]" and not first:
            i += 1
            break
        first = False
        if expr.startswith("[:", i):
            end = expr.find(":]", i + 2)
            if end >= 0:
                name = expr[i + 2 : end]
                negative = name.startswith("^")
                group = _POSIX_CLASSES.get(name[1:] if negative else name)
                if group is None:
                    raise PatternError(f"invalid character class range [:{name}:]", expr)
                if negative:
                    negs.append(group)
                else:
                    ranges.extend(group)
                i = end + 2
                continue
        if c == "\\" and i + 1 < n:
            kind = expr[i + 1]
            if kind in "pP":
                raise PatternError("unsupported Unicode class escape \\" + kind, expr)
            perl = _PERL_CLASSES.get(kind.lower()) if kind in "dDsSwW" else None
            if perl is not None:
                if kind.isupper():
                    negs.append(perl)
                else:
                    ranges.extend(perl)
                i += 2
                continue
        lo, i = _go_class_char(expr, i)
        hi = lo
        if i + 1 < n and expr[i] == "-" and expr[i + 1] != "]":
            hi, i = _go_class_char(expr, i + 1)
            if hi < lo:
                raise PatternError("invalid character class range", expr)
        ranges.append((lo, hi))
    return _python_class(ranges, negated, negs), i


def _go_class_char(expr: str, i: int) -> tuple[int, int]:
    if i >= len(expr):
        raise PatternError("missing closing ]", expr)
    if expr[i] == "\\":
        return _go_escape(expr, i + 1)
    return ord(expr[i]), i + 1


def go_regexp_to_python(expr: str) -> str:
    """Translate the Go regexps patternmatcher builds into an equivalent Python regex.

    ``\\b``, Perl and POSIX classes become explicit ASCII sets, as Go defines them.
    """
    out: list[str] = []
    i, n = 0, len(expr)
    while i < n:
        c = expr[i]
        if c == "[":
            text, i = _go_class(expr, i + 1)
            out.append(text)
            continue
        if c == "\\":
            kind = expr[i + 1] if i + 1 < n else ""
            if kind in _ASSERTIONS:
                out.append(_ASSERTIONS[kind])
                i += 2
            elif kind and kind in "dDsSwW":
                out.append(_python_class(_PERL_CLASSES[kind.lower()], kind.isupper()))
                i += 2
            elif kind == "Q":
                end = expr.find("\\E", i + 2)
                literal = expr[i + 2 :] if end < 0 else expr[i + 2 : end]
                out.append(re.escape(literal))
                i = n if end < 0 else end + 2
            elif kind and kind in "pPC":
                raise PatternError("unsupported escape sequence \\" + kind, expr)
            else:
                code, i = _go_escape(expr, i + 1)
                out.append(re.escape(chr(code)))
            continue
        if c == "$":
            out.append("\\Z")
        elif c == "(":
            out.append("(?:")
        elif c in "^.)|*+?":
            out.append(c)
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _moby_regexp(pattern: str) -> tuple[str, str]:
    """patternmatcher's ``compile``: the match kind and the Go regexp it builds."""
    regexp = ["^"]
    kind = EXACT
    pos, n = 0, len(pattern)
    step = 0
    while pos < n:
        ch = pattern[pos]
        pos += 1
        if ch == "*":
            if pos < n and pattern[pos] == "*":
                pos += 1
                if pos < n and pattern[pos] == "/":
                    pos += 1
                if pos >= n:
                    if kind == EXACT:
                        kind = PREFIX
                    else:
                        regexp.append(".*")
                        kind = REGEXP
                else:
                    regexp.append("(.*/)?")
                    kind = REGEXP
                if step == 0:
                    kind = SUFFIX
            else:
                regexp.append("[^/]*")
                kind = REGEXP
        elif ch == "?":
            regexp.append("[^/]")
            kind = REGEXP
        elif ch in _REGEXP_ESCAPED:
            regexp.append("\\" + ch)
        elif ch == "\\":
            if pos < n:
                regexp.append("\\" + pattern[pos])
                pos += 1
                kind = REGEXP
            else:
                regexp.append("\\")
        elif ch in "[]":
            regexp.append(ch)
            kind = REGEXP
        else:
            regexp.append(ch)
        step += 1
    if kind == REGEXP:
        regexp.append("$")
    return kind, "".join(regexp)


# ---------------------------------------------------------------------------
# Patterns and the matcher
# ---------------------------------------------------------------------------


def _python_regex(kind: str, text: str, regexp: str) -> str:
    """One anchored Python regex for each match type (so matching is a C call)."""
    if kind == EXACT:
        return re.escape(text) + "\\Z"
    if kind == PREFIX:  # strings.HasPrefix(path, text minus the trailing **)
        return re.escape(text[:-2])
    if kind == SUFFIX:  # HasSuffix(path, text minus the leading **), or **/x matching x
        suffix = text[2:]
        if suffix.startswith("/"):
            return "(?:(?s:.*)/)?" + re.escape(suffix[1:]) + "\\Z"
        return "(?s:.*)" + re.escape(suffix) + "\\Z"
    return go_regexp_to_python(regexp)  # starts with ^, so match() == search()


class IgnorePattern:
    """One compiled `.dockerignore` line.

    ``text`` is the cleaned pattern without its ``!``, ``source`` the string given,
    ``line`` its 1-based line in the ignore file (or position in the list given),
    ``kind`` patternmatcher's match type (exact, prefix, suffix or regexp) and
    ``regexp`` the Go regexp it builds (used only for the regexp kind).

    PatternError is raised at once for what Docker rejects when reading the file and
    for what only fails when BuildKit first evaluates the pattern (an invalid
    regexp such as ``[z-a]*`` or ``\\y``); ``\\p{...}`` Unicode classes, valid in
    Go, are not supported and raise too.
    """

    __slots__ = ("exclusion", "kind", "line", "match", "regexp", "source", "text")

    def __init__(self, source: str, line: int = 0) -> None:
        self.source = source
        self.line = line
        text = _normalize_line(source)
        text = go_trim_space(text)
        if not text:
            raise PatternError("empty pattern", source, line)
        text = go_clean(text)
        self.exclusion = text[0] == "!"
        if self.exclusion:
            if len(text) == 1:
                raise PatternError('illegal exclusion pattern: "!"', source, line)
            text = text[1:]
        self.text = text
        try:
            validate_glob(text)
            self.kind, self.regexp = _moby_regexp(text)
            python = _python_regex(self.kind, text, self.regexp)
            # ``match(path)``: a Match (truthy) when this pattern alone matches ``path``
            self.match = re.compile(python, re.ASCII).match
        except PatternError as error:
            raise PatternError(str(error), source, line) from None
        except re.error as error:
            raise PatternError(f"bad pattern ({error})", source, line) from None

    def matches(self, path: str) -> bool:
        """Whether this pattern alone matches ``path`` itself (no parent directories)."""
        return self.match(path) is not None

    def __str__(self) -> str:
        return ("!" if self.exclusion else "") + self.text

    def __repr__(self) -> str:
        return f"IgnorePattern({str(self)!r}, line={self.line})"


def _normalize_line(text: str) -> str:
    """What ``ignorefile.ReadAll`` does to one non-comment line."""
    text = go_trim_space(text)
    if not text:
        return ""
    invert = text[0] == "!"
    if invert:
        text = go_trim_space(text[1:])
    if text:
        text = go_clean(text)
        if len(text) > 1 and text[0] == "/":
            text = text[1:]
    return "!" + text if invert else text


def _parent_prefixes(path: str) -> list[str]:
    parent = go_dir(path)
    if parent == ".":
        return []
    parts = parent.split("/")
    return ["/".join(parts[: k + 1]) for k in range(len(parts))]


def _without_trailing_glob(text: str) -> str:
    text = text.removesuffix("/**")
    return text.removesuffix("/*")


class IgnoreMatcher:
    """An ordered list of `.dockerignore` patterns, evaluated as BuildKit's walk does.

    Each string goes through the ignore-file line rules (trim, ``!``, clean, leading
    ``/``) and then through patternmatcher's ``New``; blank strings are skipped.
    ``line_numbers`` (parallel to ``patterns``) labels patterns for messages.
    """

    __slots__ = ("_exception_prefixes", "_prefix_only_exceptions", "has_exclusions", "patterns")

    def __init__(self, patterns: Sequence[str], line_numbers: Sequence[int] | None = None) -> None:
        compiled: list[IgnorePattern] = []
        for index, source in enumerate(patterns):
            line = line_numbers[index] if line_numbers is not None else index + 1
            if not go_trim_space(source):
                continue
            compiled.append(IgnorePattern(source, line))
        self.patterns = compiled
        self.has_exclusions = any(pattern.exclusion for pattern in compiled)
        exceptions = [_without_trailing_glob(p.text) for p in compiled if p.exclusion]
        self._prefix_only_exceptions = not any(_WILDCARD_CHARS.intersection(e) for e in exceptions)
        self._exception_prefixes = [e + "/" for e in exceptions]

    def __len__(self) -> int:
        return len(self.patterns)

    def match(
        self, path: str, parent: tuple[bool, ...] | None = None
    ) -> tuple[bool, tuple[bool, ...], int]:
        """``MatchesUsingParentResults``: (ignored, info for children, deciding index).

        ``parent`` is the info returned for the parent directory, or None when unknown
        (then the parent directories are tested from the path itself). The deciding
        index is the last pattern that matched, -1 when none did.
        """
        matched = False
        deciding = -1
        info = [False] * len(self.patterns)
        parents: list[str] | None = None
        for index, pattern in enumerate(self.patterns):
            hit = parent[index] if parent is not None else False
            if not hit:
                if pattern.exclusion != matched:
                    continue
                test = pattern.match
                hit = test(path) is not None
                if not hit and parent is None:
                    if parents is None:
                        parents = _parent_prefixes(path)
                    hit = any(test(prefix) is not None for prefix in parents)
            info[index] = hit
            if hit:
                matched = not pattern.exclusion
                deciding = index
        return matched, tuple(info), deciding

    def _decide(self, path: str) -> tuple[bool, int]:
        path = go_clean(path).lstrip("/")
        if path in ("", "."):
            return False, -1  # the context root itself is never excluded
        parts = path.split("/")
        info: tuple[bool, ...] | None = None
        for depth in range(1, len(parts)):
            _, info, _ = self.match("/".join(parts[:depth]), info)
        matched, _, deciding = self.match(path, info)
        return matched, deciding

    def is_ignored(self, path: str) -> bool:
        """Whether ``path`` (relative to the context, '/'-separated) is left out."""
        return self._decide(path)[0]

    def matching_pattern(self, path: str) -> IgnorePattern | None:
        """The pattern that decides ``path`` (the last one that matched), if any."""
        deciding = self._decide(path)[1]
        return self.patterns[deciding] if deciding >= 0 else None

    def matches_exact(self, path: str) -> bool:
        """``MatchesExact``: the rules applied to ``path`` alone, ignoring its parents."""
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion == matched and pattern.matches(path):
                matched = not pattern.exclusion
        return matched

    def matches_or_parent_matches(self, path: str) -> bool:
        """``MatchesOrParentMatches``: every pattern also tried on each parent directory.

        This is what BuildKit uses to open a single file and what the classic builder
        used; the context walk (``is_ignored``) differs when an exception names a
        directory that no earlier pattern had excluded, e.g. ``*/c`` then ``!a``
        leaves ``a/c`` out of the walk but this says it is included.
        """
        matched = False
        parents = _parent_prefixes(path)
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue
            if pattern.matches(path) or any(pattern.matches(p) for p in parents):
                matched = not pattern.exclusion
        return matched

    def can_skip_dir(self, path: str) -> bool:
        """fsutil's shortcut: an ignored directory whose contents no exception can reach."""
        if not self.has_exclusions:
            return True
        if not self._prefix_only_exceptions:
            return False
        prefix = path + "/"
        return not any(e.startswith(prefix) for e in self._exception_prefixes)


# ---------------------------------------------------------------------------
# The ignore file
# ---------------------------------------------------------------------------


def read_ignore_file_lines(text: str) -> list[tuple[int, str]]:
    """The patterns of an ignore file with their 1-based line numbers."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    result: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        if line.endswith("\r"):
            line = line[:-1]
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        if line.startswith("#"):
            continue
        pattern = _normalize_line(line)
        if pattern:
            result.append((number, pattern))
    return result


def read_ignore_file(text: str) -> list[str]:
    """``ignorefile.ReadAll``: the patterns of an ignore file, in order."""
    return [pattern for _, pattern in read_ignore_file_lines(text)]


def ignore_file_for(context_dir: str, dockerfile_path: str | None) -> str | None:
    """The ignore file BuildKit uses, or None.

    ``<Dockerfile>.dockerignore`` next to the Dockerfile (wherever the Dockerfile is,
    even outside the context) wins; otherwise ``.dockerignore`` at the context root
    (never one beside a Dockerfile in a subdirectory).
    """
    if dockerfile_path:
        candidate = dockerfile_path + ".dockerignore"
        if os.path.isfile(candidate):
            return candidate
    candidate = os.path.join(context_dir, ".dockerignore")
    return candidate if os.path.isfile(candidate) else None


def load_ignore_matcher(path: str | None) -> IgnoreMatcher:
    """An IgnoreMatcher for the ignore file at ``path`` (an empty one for None)."""
    if path is None:
        return IgnoreMatcher(())
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8", "surrogateescape")
    numbered = read_ignore_file_lines(text)
    return IgnoreMatcher([p for _, p in numbered], [n for n, _ in numbered])
