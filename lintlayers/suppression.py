"""Inline suppression comments: ``# lintlayers: ignore=...`` and hadolint's pragmas.

Forms (keywords case-insensitive, whitespace-tolerant, codes upper-cased):

- ``# lintlayers: ignore=LL101,LL3`` on the comment lines directly above an
  instruction (no blank line between) suppresses those codes or prefixes for
  every finding that starts inside that instruction's line range. Inside a
  multi-line instruction it applies to that instruction. A bare
  ``# lintlayers: ignore`` (or ``ignore=ALL``) suppresses every code.
- ``# lintlayers: ignore-file=LL101`` / ``# lintlayers: ignore-file``: whole file.
- ``# hadolint ignore=DL3008`` (next instruction) and ``# hadolint global
  ignore=DL3009`` (whole file), mapped to lintlayers codes through
  ``hadolint_map``; DL codes missing from the map are left to hadolint.

Text after the code list (``ignore=LL101 -- reason``) is free-form.
"""

from __future__ import annotations

from bisect import bisect_right

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from lintlayers.source import SourceText

_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


class _Entry:
    """One code of one suppression comment."""

    __slots__ = ("codes", "exact", "line", "report", "token", "used")

    def __init__(
        self, line: int, token: str, codes: tuple[str, ...] | None, exact: bool, report: bool
    ) -> None:
        self.line = line
        self.token = token
        self.codes = codes  # None: every code
        self.exact = exact  # hadolint-mapped codes match exactly; ours match as prefixes
        self.report = report  # whether unused() may report it
        self.used = False

    def hits(self, code: str) -> bool:
        codes = self.codes
        if codes is None:
            return True
        if self.exact:
            return code in codes
        return any(code.startswith(prefix) for prefix in codes)


class Suppressions:
    """Which findings the file's comments suppress; remembers which comments were used."""

    __slots__ = ("_blocks", "_entries", "_file", "_starts")

    def __init__(self) -> None:
        self._entries: list[_Entry] = []
        self._file: list[_Entry] = []
        self._starts: list[int] = []
        self._blocks: list[tuple[int, list[_Entry]]] = []  # (end line, entries), by start

    def is_suppressed(self, code: str, line: int) -> bool:
        """Whether a finding of ``code`` starting on 1-based ``line`` is suppressed; the
        comments that suppress it count as used."""
        hits = self._hits(code, line)
        for entry in hits:
            entry.used = True
        return bool(hits)

    def would_suppress(self, code: str, line: int) -> bool:
        """Whether a finding of ``code`` on ``line`` would be suppressed, asked by a rule
        before it leaves a problem to that finding; no comment counts as used."""
        return bool(self._hits(code, line))

    def _hits(self, code: str, line: int) -> list[_Entry]:
        if not self._entries:
            return []
        hits = [entry for entry in self._file if entry.hits(code)]
        index = bisect_right(self._starts, line) - 1
        if index >= 0:
            end, entries = self._blocks[index]
            if line <= end:
                hits += [entry for entry in entries if entry.hits(code)]
        return hits

    def unused(self) -> list[tuple[int, str]]:
        """``(line, code)`` of each lintlayers suppression that suppressed nothing so far.

        ``ALL`` stands for a bare ``ignore``/``ignore-file``. hadolint pragmas are
        never reported: hadolint itself may still need them.
        """
        return [(e.line, e.token) for e in self._entries if e.report and not e.used]

    def _attach(self, start: int, end: int, entries: list[_Entry]) -> None:
        if self._starts and self._starts[-1] == start:
            self._blocks[-1][1].extend(entries)
        else:
            self._starts.append(start)
            self._blocks.append((end, list(entries)))


def parse_suppressions(
    source: SourceText,
    instruction_lines: Sequence[tuple[int, int]],
    hadolint_map: Mapping[str, Sequence[str]],
) -> Suppressions:
    """Collect the suppression comments of ``source``.

    ``instruction_lines`` are the 1-based ``(start, end)`` line ranges of the
    instructions, in order.
    """
    result = Suppressions()
    text = source.text
    lowered = text.lower()
    if "lintlayers" not in lowered and "hadolint" not in lowered:
        return result

    ranges = instruction_lines
    index = 0
    pending: list[_Entry] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        while index < len(ranges) and ranges[index][1] < number:
            index += 1
        inside = index < len(ranges) and ranges[index][0] <= number
        if inside:
            start, end = ranges[index]
            if number == start and pending:
                result._attach(start, end, pending)
                pending = []
        stripped = raw.strip()
        if not stripped:
            if not inside:
                pending = []  # a blank line detaches comments from the next instruction
            continue
        if stripped[0] != "#":
            if not inside:
                pending = []
            continue
        parsed = _parse_comment(stripped, number, hadolint_map)
        if parsed is None:
            continue
        file_wide, entries = parsed
        result._entries.extend(entries)
        if file_wide:
            result._file.extend(entries)
        elif inside:
            result._attach(start, end, entries)
        else:
            pending.extend(entries)
    return result


def _parse_comment(
    comment: str, line: int, hadolint_map: Mapping[str, Sequence[str]]
) -> tuple[bool, list[_Entry]] | None:
    """``(file_wide, entries)`` for a suppression comment, ``None`` for any other comment."""
    body = comment[1:].lstrip()
    keyword = body[:10].lower()
    if keyword == "lintlayers":
        return _parse_ours(body[10:].lstrip(), line)
    if keyword.startswith("hadolint"):
        return _parse_hadolint(body[8:], line, hadolint_map)
    return None


def _parse_ours(rest: str, line: int) -> tuple[bool, list[_Entry]] | None:
    if not rest.startswith(":"):
        return None
    rest = rest[1:].lstrip()
    lowered = rest.lower()
    if lowered.startswith("ignore-file"):
        file_wide, rest = True, rest[11:]
    elif lowered.startswith("ignore"):
        file_wide, rest = False, rest[6:]
    else:
        return None
    if rest[:1] not in ("", "=", " ", "\t"):
        return None  # e.g. "ignored"
    rest = rest.lstrip()
    if not rest.startswith("="):
        return file_wide, [_Entry(line, "ALL", None, False, True)]
    entries = [
        _Entry(line, code, None if code == "ALL" else (code,), False, True)
        for code in _codes(rest[1:])
    ]
    return (file_wide, entries) if entries else None


def _parse_hadolint(
    rest: str, line: int, hadolint_map: Mapping[str, Sequence[str]]
) -> tuple[bool, list[_Entry]] | None:
    if rest[:1] not in (" ", "\t", ":"):
        return None
    rest = rest.lstrip(" \t:")
    file_wide = False
    if rest[:6].lower() == "global" and rest[6:7] in (" ", "\t"):
        file_wide, rest = True, rest[6:].lstrip()
    if rest[:6].lower() != "ignore":
        return None
    rest = rest[6:].lstrip()
    if not rest.startswith("="):
        return None
    entries = []
    for code in _codes(rest[1:]):
        mapped = hadolint_map.get(code)
        if mapped:
            entries.append(_Entry(line, code, tuple(mapped), True, False))
    return file_wide, entries


def _codes(text: str) -> list[str]:
    """Comma-separated codes, upper-cased; stops at the first piece that is not a code."""
    codes = []
    for piece in text.split(","):
        piece = piece.strip()
        length = 0
        while length < len(piece) and piece[length] in _CODE_CHARS:
            length += 1
        if length == 0:
            break
        codes.append(piece[:length].upper())
        if length < len(piece):
            break
    return codes
