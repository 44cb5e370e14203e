"""SARIF 2.1.0 report, for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

from lintlayers.reporters.base import (
    INFORMATION_URI,
    TOOL_NAME,
    skipped_message,
    sorted_findings,
)
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

    from lintlayers.diagnostics import Finding
    from lintlayers.reporters.base import ReportContext
    from lintlayers.source import Location

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
)
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
"""lintlayers severity -> SARIF level."""


def report(findings: list[Finding], out: TextIO, context: ReportContext) -> None:
    """Write a SARIF log with one run, its rules and its results."""
    import json

    json.dump(build(findings, context), out, indent=2)
    out.write("\n")


def build(findings: list[Finding], context: ReportContext) -> dict[str, object]:
    """The SARIF log as plain JSON-ready data."""
    ordered = sorted_findings(findings)
    first_by_code: dict[str, Finding] = {}
    for finding in ordered:
        first_by_code.setdefault(finding.code, finding)
    codes = sorted(first_by_code)
    rule_index = {code: index for index, code in enumerate(codes)}
    driver: dict[str, object] = {
        "name": TOOL_NAME,
        "version": context.tool_version,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(first_by_code[code], context.rule_docs) for code in codes],
    }
    run: dict[str, object] = {"tool": {"driver": driver}}
    if context.skipped:
        run["invocations"] = [_invocation(context.skipped)]
    run["columnKind"] = "unicodeCodePoints"
    run["results"] = [_result(finding, rule_index[finding.code]) for finding in ordered]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


SKIPPED_NOTIFICATION = "skipped-template"
"""The descriptor id of the notification saying a file was skipped as a template."""


def _invocation(skipped: tuple[tuple[str, str], ...]) -> dict[str, object]:
    """The run's invocation, with a tool execution notification (level ``note``) per
    file skipped as a template: not a result, since nothing in the file is wrong."""
    notifications = [
        {
            "descriptor": {"id": SKIPPED_NOTIFICATION},
            "level": "note",
            "message": {"text": f"Skipped: {skipped_message(kind)}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(path)}}}],
        }
        for path, kind in skipped
    ]
    return {"executionSuccessful": True, "toolExecutionNotifications": notifications}


def _rule(finding: Finding, rule_docs: dict[str, str]) -> dict[str, object]:
    rule: dict[str, object] = {
        "id": finding.code,
        "name": finding.name,
        "shortDescription": {"text": rule_docs.get(finding.code) or finding.name},
    }
    if finding.url:
        rule["helpUri"] = finding.url
    rule["defaultConfiguration"] = {"level": _level(finding.severity)}
    rule["properties"] = {"category": finding.category, "tags": [finding.category]}
    return rule


def _result(finding: Finding, index: int) -> dict[str, object]:
    uri = artifact_uri(finding.file)
    result: dict[str, object] = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": _level(finding.severity),
        "message": _message(finding),
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": _region(finding.location, finding.end_location),
                }
            }
        ],
    }
    fix = finding.fix
    if fix is not None:
        by_file: dict[str | None, list[dict[str, object]]] = {}
        for edit in fix.edits:  # an edit with a path changes another file
            by_file.setdefault(edit.path, []).append(
                {
                    "deletedRegion": _region(edit.location, edit.end_location),
                    "insertedContent": {"text": edit.content},
                }
            )
        result["fixes"] = [
            {
                "description": {"text": fix.message},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": uri if path is None else artifact_uri(path)},
                        "replacements": replacements,
                    }
                    for path, replacements in by_file.items()
                ],
                "properties": {"applicability": fix.applicability},
            }
        ]
    return result


def _level(severity: str) -> str:
    return LEVELS.get(severity, "warning")


def _region(start: Location, end: Location) -> dict[str, int]:
    """A SARIF region: 1-based, ``endColumn`` is the column just past the end."""
    return {
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    }


def artifact_uri(path: str) -> str:
    """``path`` as a relative URI reference with forward slashes.

    Absolute paths are made relative to the working directory when they are
    on the same drive; characters not allowed in a URI are percent-encoded.
    """
    import os
    from urllib.parse import quote

    if os.path.isabs(path):
        try:
            path = os.path.relpath(path)
        except ValueError:  # another drive on Windows: keep an absolute file URI
            from pathlib import Path

            return Path(path).as_uri()
    if os.sep != "/":
        path = path.replace(os.sep, "/")
    if os.altsep and os.altsep != "/":
        path = path.replace(os.altsep, "/")
    return quote(path, safe="/")


def _message(finding: Finding) -> dict[str, str]:
    """The message, with the help as a second paragraph where there is one."""
    if not finding.help:
        return {"text": finding.message}
    return {"text": f"{finding.message}\n\n{finding.help}"}
