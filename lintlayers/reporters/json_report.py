"""Versioned JSON report, described by ``lintlayers/schemas/findings.schema.json``."""

from __future__ import annotations

from lintlayers.diagnostics import SEVERITIES
from lintlayers.reporters.base import TOOL_NAME, skipped_message, sorted_findings
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

    from lintlayers.diagnostics import Finding
    from lintlayers.reporters.base import ReportContext

SCHEMA_VERSION = "1.2"
"""Bumped in its minor part for additions, in its major part for breaking changes."""


def report(findings: list[Finding], out: TextIO, context: ReportContext) -> None:
    """Write one JSON object with the tool, the sorted findings, the files skipped and a
    summary."""
    import json

    json.dump(build(findings, context), out, indent=2)
    out.write("\n")


def build(findings: list[Finding], context: ReportContext) -> dict[str, object]:
    """The report as plain JSON-ready data."""
    ordered = sorted_findings(findings)
    by_severity = dict.fromkeys(reversed(SEVERITIES), 0)
    for finding in ordered:
        by_severity[finding.severity] += 1
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": context.tool_version},
        "findings": [finding_dict(finding) for finding in ordered],
        "skipped": [
            {"file": path, "reason": "template", "message": skipped_message(kind)}
            for path, kind in context.skipped
        ],
        "summary": {
            "files": context.files_checked,
            "findings": len(ordered),
            "by_severity": by_severity,
            "fixed": context.fixed,
        },
    }


def finding_dict(finding: Finding) -> dict[str, object]:
    """One finding; locations are 1-based and the end column is exclusive."""
    return {
        "code": finding.code,
        "name": finding.name,
        "category": finding.category,
        "severity": finding.severity,
        "message": finding.message,
        "help": finding.help,
        "file": finding.file,
        "location": finding.location.as_dict(),
        "end_location": finding.end_location.as_dict(),
        "fix": finding.fix.as_dict() if finding.fix is not None else None,
        "url": finding.url,
    }
