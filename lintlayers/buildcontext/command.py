"""The ``context`` command: what each COPY/ADD brings in from the build context."""

from __future__ import annotations

import os
import sys

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from typing import Literal, TextIO

    from lintlayers.buildcontext.context import BuildContext
    from lintlayers.buildcontext.report import CopyReport

EXIT_OK, EXIT_ERROR = 0, 2
_INSTRUCTION_WIDTH = 40


def run_context(options: argparse.Namespace) -> int:
    """Print the table (or JSON) for ``options.path``; 0 on success, 2 on an error."""
    from lintlayers.buildcontext.context import BuildContext
    from lintlayers.buildcontext.patterns import PatternError
    from lintlayers.buildcontext.report import report_copies
    from lintlayers.model.stages import build_model
    from lintlayers.reading import ReadError, read_file
    from lintlayers.source import SourceText
    from lintlayers.syntax.parser import parse_source

    err = sys.stderr
    path = options.path
    if os.path.isdir(path):
        path = os.path.join(path, "Dockerfile")
    try:
        text, _ = read_file(path)
    except ReadError as error:
        err.write(f"lintlayers: {error}\n")
        return EXIT_ERROR
    root = options.context or os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(root):
        err.write(f"lintlayers: {root}: the build context is not a folder\n")
        return EXIT_ERROR
    model = build_model(parse_source(SourceText(text, path)))
    context = BuildContext(root, path)
    try:
        reports = report_copies(model, context)
    except PatternError as error:
        err.write(f"lintlayers: {context.ignore_file}: {error}\n")
        return EXIT_ERROR
    out = sys.stdout
    if options.format == "json":
        import json

        json.dump(as_json(path, context, reports), out, indent=2)
        out.write("\n")
    elif _is_terminal(out):
        _rich_table(path, context, reports, out)
    else:
        out.write(plain_table(path, context, reports))
    return EXIT_OK


def as_json(path: str, context: BuildContext, reports: list[CopyReport]) -> dict[str, object]:
    """The report as JSON-ready data."""
    return {
        "dockerfile": path,
        "context": context.root,
        "ignore_file": context.ignore_file,
        "copies": [report.as_dict() for report in reports],
    }


def _heading(path: str, context: BuildContext) -> str:
    ignore = f"filtered by {context.ignore_file}" if context.ignore_file else "no .dockerignore"
    return f"{path}: build context {context.root} ({ignore})"


def _instruction(report: CopyReport) -> str:
    text = " ".join(report.instruction.logical.text.split())
    if len(text) > _INSTRUCTION_WIDTH:
        text = text[: _INSTRUCTION_WIDTH - 3] + "..."
    return text


def _contributors(report: CopyReport) -> list[str]:
    from lintlayers.buildcontext.report import human_size

    return [
        f"{item.path}{'/' if item.is_dir else ''} {human_size(item.size)}"
        for item in report.contributors
    ]


def _flagged(report: CopyReport) -> list[str]:
    from lintlayers.buildcontext.report import human_size

    found = []
    for item in report.flagged:
        notes = [item.category, human_size(item.size)]
        if item.explicit:
            notes.append("named")
        if item.deliberate:
            notes.append("kept by an exception")
        found.append(f"{item.shown} ({', '.join(notes)})")
    unresolved = "not resolved (a variable without a value)"
    found.extend(f"{source}: {unresolved}" for source in report.skipped)
    return found


def _rows(reports: list[CopyReport]) -> list[tuple[str, str, str, str, list[str], list[str]]]:
    from lintlayers.buildcontext.report import human_size

    return [
        (
            str(report.line),
            _instruction(report),
            f"{report.files:,}",
            human_size(report.size),
            _contributors(report),
            _flagged(report),
        )
        for report in reports
    ]


HEADERS = ("LINE", "INSTRUCTION", "FILES", "SIZE", "TOP CONTRIBUTORS", "FLAGGED")


def plain_table(path: str, context: BuildContext, reports: list[CopyReport]) -> str:
    """The report as aligned plain text: one row per COPY/ADD, lists joined by commas."""
    lines = [_heading(path, context)]
    if not reports:
        lines.append("No COPY or ADD reads the build context.")
        return "\n".join(lines) + "\n"
    rows = [
        (line, text, files, size, ", ".join(top) or "-", ", ".join(flagged) or "-")
        for line, text, files, size, top, flagged in _rows(reports)
    ]
    widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS) - 1)]
    right = (False, False, True, True, False)
    for row in [HEADERS, *rows]:
        cells = [
            cell.rjust(width) if right[i] else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"


def _rich_table(path: str, context: BuildContext, reports: list[CopyReport], out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, no_color=bool(os.environ.get("NO_COLOR")))
    console.print(_heading(path, context), style="bold", highlight=False)
    if not reports:
        console.print("No COPY or ADD reads the build context.")
        return
    table = Table(show_lines=True)
    for header in HEADERS:
        right = header in ("LINE", "FILES", "SIZE")
        justify: Literal["right", "left"] = "right" if right else "left"
        table.add_column(header, justify=justify, overflow="fold")
    for line, text, files, size, top, flagged in _rows(reports):
        shown = _escape("\n".join(flagged)) if flagged else "-"
        table.add_row(
            line,
            _escape(text),
            files,
            size,
            _escape("\n".join(top)) or "-",
            f"[yellow]{shown}[/]" if flagged else shown,
        )
    console.print(table)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
