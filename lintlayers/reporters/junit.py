"""JUnit XML report: a test case per finding, failed, and one passing case per clean file.

CI services that show test results (GitLab ``artifacts:reports:junit``, Jenkins, Azure
Pipelines, CircleCI) list each finding as a failed test named by its rule and place,
under its file as the class name; the failure text is the finding as the text report
writes its first line. Files without findings appear as one passed case each when the
run knows their names; a file skipped as a template, as one skipped case.
"""

from __future__ import annotations

from lintlayers.reporters.base import (
    TOOL_NAME,
    relative_path,
    skipped_message,
    sorted_findings,
    xml_safe,
)
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

    from lintlayers.diagnostics import Finding
    from lintlayers.reporters.base import ReportContext

CLEAN_CASE = "no findings"
"""The name of a clean file's test case."""
SKIPPED_CASE = "not linted"
"""The name of a skipped file's test case."""


def report(findings: list[Finding], out: TextIO, context: ReportContext) -> None:
    """Write one ``<testsuites>`` holding one ``<testsuite>``."""
    from xml.sax.saxutils import escape, quoteattr

    ordered = sorted_findings(findings)
    with_findings = {finding.file for finding in ordered}
    skipped = dict(context.skipped)
    clean = [
        path
        for path in dict.fromkeys(context.paths)
        if path not in with_findings and path not in skipped
    ]
    cases: list[str] = []
    for finding in ordered:
        path = xml_safe(relative_path(finding.file))
        start = finding.location
        name = f"{finding.code} {finding.name} at {start.line}:{start.column}"
        detail = (
            f"{path}:{start.line}:{start.column}: {finding.code} [{finding.severity}] "
            f"{finding.name}: {finding.message}"
        )
        if finding.url:
            detail += f"\n{finding.url}"
        cases += [
            f"    <testcase name={quoteattr(name)} classname={quoteattr(path)}"
            f' file={quoteattr(path)} line="{start.line}" time="0">',
            f"      <failure message={quoteattr(xml_safe(finding.message))}"
            f" type={quoteattr(finding.code)}>{escape(xml_safe(detail))}</failure>",
            "    </testcase>",
        ]
    for file in clean:
        path = quoteattr(xml_safe(relative_path(file)))
        cases.append(
            f'    <testcase name={quoteattr(CLEAN_CASE)} classname={path} file={path} time="0"/>'
        )
    for file, kind in skipped.items():
        path = quoteattr(xml_safe(relative_path(file)))
        message = quoteattr(xml_safe(skipped_message(kind)))
        cases += [
            f'    <testcase name={quoteattr(SKIPPED_CASE)} classname={path} file={path} time="0">',
            f"      <skipped message={message}/>",
            "    </testcase>",
        ]
    total = len(ordered) + len(clean) + len(skipped)
    counts = f'tests="{total}" failures="{len(ordered)}" errors="0"'
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="{TOOL_NAME}" {counts} time="0">',
        f'  <testsuite name="{TOOL_NAME}" {counts} skipped="{len(skipped)}" time="0">',
        *cases,
        "  </testsuite>",
        "</testsuites>",
    ]
    out.write("\n".join(lines) + "\n")
