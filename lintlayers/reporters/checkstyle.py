"""Checkstyle XML report: one ``<file>`` per file with findings, one ``<error>`` per finding.

The layout of Checkstyle's own XML output (``checkstyle/file/error`` with ``line``,
``column``, ``severity``, ``message`` and ``source``), which Jenkins' warnings plugin,
reviewdog (``-f=checkstyle``), SonarQube and many CI dashboards read.
"""

from __future__ import annotations

from lintlayers.reporters.base import relative_path, sorted_findings, xml_safe
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

    from lintlayers.diagnostics import Finding
    from lintlayers.reporters.base import ReportContext

CHECKSTYLE_VERSION = "4.3"
"""The format version that readers of Checkstyle output expect."""
SEVERITIES = {"error": "error", "warning": "warning", "info": "info"}
"""lintlayers severity -> Checkstyle severity (ignore, info, warning, error)."""


def report(findings: list[Finding], out: TextIO, context: ReportContext) -> None:
    """Write the XML document, findings grouped by file in file and line order."""
    from xml.sax.saxutils import quoteattr

    by_file: dict[str, list[Finding]] = {}
    for finding in sorted_findings(findings):
        by_file.setdefault(finding.file, []).append(finding)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<checkstyle version="{CHECKSTYLE_VERSION}">',
    ]
    for file, found in by_file.items():
        lines.append(f"  <file name={quoteattr(xml_safe(relative_path(file)))}>")
        for finding in found:
            attributes = {
                "line": str(finding.location.line),
                "column": str(finding.location.column),
                "severity": SEVERITIES.get(finding.severity, "warning"),
                "message": xml_safe(f"{finding.message} ({finding.name})"),
                "source": f"lintlayers.{finding.code}",
            }
            rendered = " ".join(f"{key}={quoteattr(value)}" for key, value in attributes.items())
            lines.append(f"    <error {rendered}/>")
        lines.append("  </file>")
    lines.append("</checkstyle>")
    out.write("\n".join(lines) + "\n")
