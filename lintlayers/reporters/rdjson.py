"""reviewdog Diagnostic Format (rdjson): ``reviewdog -f=rdjson`` reads it from stdin.

One ``DiagnosticResult`` holding a ``Diagnostic`` per finding: the message, the location
with its range, the severity (``ERROR``, ``WARNING``, ``INFO``), the rule code with its
documentation URL, and the fix's edits of the same file as ``suggestions``, which
reviewdog posts as suggested changes on a pull request. reviewdog counts columns in
UTF-8 bytes, so columns are converted using the file's text when the report has it.
"""

from __future__ import annotations

from lintlayers.reporters.base import INFORMATION_URI, TOOL_NAME, relative_path, sorted_findings
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

    from lintlayers.diagnostics import Finding
    from lintlayers.reporters.base import ReportContext
    from lintlayers.source import Location, SourceText

SEVERITIES = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}
"""lintlayers severity -> rdjson severity."""


def report(findings: list[Finding], out: TextIO, context: ReportContext) -> None:
    """Write one ``DiagnosticResult`` as JSON."""
    import json

    json.dump(build(findings, context), out, indent=2, ensure_ascii=False)
    out.write("\n")


def build(findings: list[Finding], context: ReportContext) -> dict[str, object]:
    """The ``DiagnosticResult`` as plain JSON-ready data."""
    source = {"name": TOOL_NAME, "url": INFORMATION_URI}
    diagnostics = []
    for finding in sorted_findings(findings):
        text = context.sources.get(finding.file)
        code: dict[str, str] = {"value": finding.code}
        if finding.url:
            code["url"] = finding.url
        diagnostic: dict[str, object] = {
            "message": f"{finding.message} ({finding.name})",
            "location": {
                "path": relative_path(finding.file),
                "range": _range(text, finding.location, finding.end_location),
            },
            "severity": SEVERITIES.get(finding.severity, "WARNING"),
            "source": source,
            "code": code,
        }
        fix = finding.fix
        if fix is not None:
            suggestions = [
                {"range": _range(text, edit.location, edit.end_location), "text": edit.content}
                for edit in fix.edits
                if edit.path is None  # edits of other files (.dockerignore) have no place here
            ]
            if suggestions:
                diagnostic["suggestions"] = suggestions
        diagnostics.append(diagnostic)
    return {"source": source, "diagnostics": diagnostics}


def _range(text: SourceText | None, start: Location, end: Location) -> dict[str, object]:
    return {"start": _position(text, start), "end": _position(text, end)}


def _position(text: SourceText | None, location: Location) -> dict[str, int]:
    return {"line": location.line, "column": byte_column(text, location)}


def byte_column(text: SourceText | None, location: Location) -> int:
    """The 1-based UTF-8 byte column of ``location`` (its code-point column when the
    text is not known or the location is outside it)."""
    if text is None or not 1 <= location.line <= text.line_count:
        return location.column
    start = text.line_start(location.line)
    offset = text.offset(location.line, location.column)
    if offset < start:
        return location.column
    prefix = text.text[start:offset]
    return len(prefix.encode("utf-8", "surrogatepass")) + 1
