"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from lintlayers.reporters.base import sorted_findings
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

    from lintlayers.diagnostics import Finding
    from lintlayers.reporters.base import ReportContext

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}
"""lintlayers severity -> workflow command."""


def report(findings: list[Finding], out: TextIO, context: ReportContext) -> None:
    """Write ``::level file=...,line=...::message`` for each finding."""
    out.write("".join(command(finding) + "\n" for finding in sorted_findings(findings)))


def command(finding: Finding) -> str:
    """The workflow command that annotates ``finding``.

    GitHub only takes ``col``/``endColumn`` for a range on one line, so a
    multi-line range is annotated by its lines alone.
    """
    start = finding.location
    end = finding.end_location
    properties = [("file", finding.file), ("line", str(start.line))]
    if end.line == start.line:
        properties += [
            ("col", str(start.column)),
            ("endLine", str(end.line)),
            ("endColumn", str(end.column)),
        ]
    else:
        properties.append(("endLine", str(end.line)))
    properties.append(("title", f"{finding.code} {finding.name}"))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    level = LEVELS.get(finding.severity, "warning")
    text = finding.message if not finding.help else f"{finding.message}\n{finding.help}"
    return f"::{level} {rendered}::{escape_data(text)}"


def escape_data(value: str) -> str:
    """Escape a command's message: ``%``, CR and LF."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value: as data, plus ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
