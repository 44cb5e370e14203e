"""Human-readable report: each finding with the offending lines, then a summary.

The report is built as lines of ``(text, style)`` spans. Plain mode writes the
text only; colour mode renders the same spans with rich styles, so both modes
have exactly the same text content. rich is imported only in colour mode.
"""

from __future__ import annotations

from lintlayers.diagnostics import SAFE, SEVERITIES, UNSAFE
from lintlayers.reporters.base import sorted_findings
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

    from rich.style import Style

    from lintlayers.diagnostics import Finding
    from lintlayers.reporters.base import ReportContext
    from lintlayers.source import SourceText

    Span = tuple[str, str | None]
    Line = list[Span]

TAB_SIZE = 4
"""Tabs in shown lines expand to the next multiple of this many columns."""
MAX_EXTRA_LINES = 3
"""Lines shown after the first one of a multi-line range."""
MAX_SHOWN = 200
"""Longest part of a source line shown (in characters): a longer line is cut around the
marked range, with ``...`` where text is left out (a RUN of thousands of commands on one
line would otherwise be printed whole under each of its findings)."""
CONTEXT_SHOWN = 60
"""Characters kept on each side of the marked range of a cut line."""
_CUT = "..."

_SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold blue"}
_MARKER_STYLE = {"error": "red", "warning": "yellow", "info": "blue"}
_PATH_STYLE = "bold"
_CODE_STYLE = "bold"
_GUTTER_STYLE = "bold blue"
_FIX_STYLE = "cyan"


def report(findings: list[Finding], out: TextIO, context: ReportContext) -> None:
    """Write the findings, a summary line and, on request, per-code counts."""
    ordered = sorted_findings(findings)
    styles: dict[str, Style] = {}
    for finding in ordered:  # one finding at a time: the lines of every finding of a large
        # file held at once would be most of the run's peak memory after the lint
        _write(
            _finding_block(finding, context.sources.get(finding.file)), out, context.color, styles
        )
    lines: list[Line] = []
    if context.fixed:
        lines.append([(f"Fixed {_count(context.fixed, 'finding')}.", "bold")])
    lines.append(_summary(ordered, context.files_checked))
    if context.statistics and ordered:
        lines.append([])
        lines.extend(_statistics(ordered))
    _write(lines, out, context.color, styles)


def _finding_block(finding: Finding, source: SourceText | None) -> list[Line]:
    start = finding.location
    lines: list[Line] = [
        [
            (finding.file, _PATH_STYLE),
            (f":{start.line}:{start.column}: ", None),
            (finding.code, _CODE_STYLE),
            (" ", None),
            (f"[{finding.severity}]", _SEVERITY_STYLE.get(finding.severity)),
            (f" {finding.name}: {finding.message}", None),
        ]
    ]
    width = len(str(start.line))
    if source is not None and 1 <= start.line <= source.line_count:
        snippet, width = _snippet(finding, source)
        lines.extend(snippet)
    if finding.help:
        lines.append([(" " * width + " =", _GUTTER_STYLE), (f" help: {finding.help}", None)])
    fix = finding.fix
    if fix is not None:
        lines.append(
            [
                (" " * width + " =", _GUTTER_STYLE),
                (f" fix ({fix.applicability}): {fix.message}", _FIX_STYLE),
            ]
        )
    lines.append([])
    return lines


def _snippet(finding: Finding, source: SourceText) -> tuple[list[Line], int]:
    """The gutter-framed lines of the finding's range with the marker line."""
    start = finding.location
    end = finding.end_location
    first = start.line
    last = end.line
    if last > first and end.column == 1:
        last -= 1  # the range stops at the start of a line: nothing of it is marked
    last = min(max(last, first), source.line_count)
    shown_last = min(last, first + MAX_EXTRA_LINES)
    width = len(str(shown_last))
    blank = " " * width + " |"

    text = source.line_text(first)
    start_index = min(max(start.column, 1), len(text) + 1) - 1
    if end.line == first:
        end_index = min(max(end.column, start.column, 1), len(text) + 1) - 1
    else:
        end_index = len(text)
    text, offset = _cut(text, start_index, max(end_index, start_index))
    display, columns = _display(text)
    start_index -= offset
    end_index = min(end_index - offset, len(text))
    marker_start = columns[start_index]
    marker_width = max(columns[max(end_index, start_index)] - marker_start, 1)

    style = _MARKER_STYLE.get(finding.severity)
    lines: list[Line] = [
        [(blank, _GUTTER_STYLE)],
        _source_line(first, display, width),
        [(blank, _GUTTER_STYLE), (" " + " " * marker_start, None), ("^" * marker_width, style)],
    ]
    for number in range(first + 1, shown_last + 1):
        shown = _cut(source.line_text(number), 0, 0)[0]
        lines.append(_source_line(number, _display(shown)[0], width))
    if last > shown_last:
        lines.append([(blank, _GUTTER_STYLE), (" ...", None)])
    return lines, width


def _cut(text: str, start: int, end: int) -> tuple[str, int]:
    """``text`` cut to at most about ``MAX_SHOWN`` characters around ``start:end`` (the
    marked range), with ``...`` for what is left out, and the index in ``text`` that
    index ``0`` of the result stands for (a leading ``...`` stands before it)."""
    if len(text) <= MAX_SHOWN:
        return text, 0
    begin = max(start - CONTEXT_SHOWN, 0)
    stop = min(max(end, start + 1) + CONTEXT_SHOWN, len(text), begin + MAX_SHOWN)
    head = _CUT if begin > 0 else ""
    tail = _CUT if stop < len(text) else ""
    return head + text[begin:stop] + tail, begin - len(head)


def _source_line(number: int, display: str, width: int) -> Line:
    line: Line = [(f"{number:>{width}} |", _GUTTER_STYLE)]
    if display:
        line.append((" " + display, None))
    return line


def _display(text: str) -> tuple[str, list[int]]:
    """``text`` as shown, and the display column of each character index.

    Tabs expand to the next tab stop, control characters show as control
    pictures, wide characters take two columns and combining marks none; the
    list has one entry more than ``text`` (the column just past its end).
    """
    if text.isascii() and text.isprintable():
        return text, list(range(len(text) + 1))
    import unicodedata

    ascii_only = text.isascii()
    shown: list[str] = []
    columns: list[int] = []
    column = 0
    for char in text:
        columns.append(column)
        if char == "\t":
            step = TAB_SIZE - column % TAB_SIZE
            shown.append(" " * step)
            column += step
            continue
        code = ord(char)
        if code < 0x20:
            char = chr(0x2400 + code)
        elif code == 0x7F:
            char = "\u2421"
        shown.append(char)
        if ascii_only or code < 0x300:
            column += 1
        elif unicodedata.combining(char):
            pass
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            column += 2
        else:
            column += 1
    columns.append(column)
    return "".join(shown), columns


def _summary(findings: list[Finding], files_checked: int) -> Line:
    if not findings:
        return [("All checks passed!", "bold green"), (f" ({_count(files_checked, 'file')})", None)]
    by_severity = dict.fromkeys(SEVERITIES, 0)
    safe = unsafe = 0
    for finding in findings:
        by_severity[finding.severity] = by_severity.get(finding.severity, 0) + 1
        if finding.fix is not None:
            if finding.fix.applicability == SAFE:
                safe += 1
            elif finding.fix.applicability == UNSAFE:
                unsafe += 1
    parts = [
        _count(count, severity, plural=severity != "info")
        for severity, count in sorted(
            by_severity.items(), key=lambda item: _severity_order(item[0]), reverse=True
        )
        if count
    ]
    files = len({finding.file for finding in findings})
    text = (
        f"Found {_count(len(findings), 'finding')} ({', '.join(parts)}) in {_count(files, 'file')}"
    )
    if safe:
        text += f"; {safe} fixable with --fix"
    if unsafe:
        text += f", {unsafe} more" if safe else f"; {unsafe} fixable"
        text += " with --unsafe-fixes"
    return [(text, "bold")]


def _severity_order(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


def _statistics(findings: list[Finding]) -> list[Line]:
    """A table of code, name and count, most frequent first."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for finding in findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
        names.setdefault(finding.code, finding.name)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    code_width = max(len("Code"), *(len(code) for code in counts))
    name_width = max(len("Name"), *(len(name) for name in names.values()))
    count_width = max(len("Count"), *(len(str(count)) for count in counts.values()))
    lines: list[Line] = [
        [(f"{'Code':<{code_width}}  {'Name':<{name_width}}  {'Count':>{count_width}}", "bold")]
    ]
    for code, count in rows:
        lines.append(
            [
                (f"{code:<{code_width}}", _CODE_STYLE),
                (f"  {names[code]:<{name_width}}  {count:>{count_width}}", None),
            ]
        )
    return lines


def _count(number: int, noun: str, *, plural: bool = True) -> str:
    return f"{number} {noun}{'s' if plural and number != 1 else ''}"


def _write(lines: list[Line], out: TextIO, color: bool, styles: dict[str, Style]) -> None:
    """Write ``lines``; ``styles``: the rich styles parsed so far, by name (colour mode)."""
    if not color:
        out.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        return
    from rich.color import ColorSystem
    from rich.style import Style

    chunks: list[str] = []
    for line in lines:
        for text, style_name in line:
            if style_name is None or not text:
                chunks.append(text)
                continue
            style = styles.get(style_name)
            if style is None:
                style = styles[style_name] = Style.parse(style_name)
            chunks.append(style.render(text, color_system=ColorSystem.STANDARD))
        chunks.append("\n")
    out.write("".join(chunks))
