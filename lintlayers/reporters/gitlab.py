"""GitLab Code Quality report: a JSON array of issues for ``artifacts:reports:codequality``.

Each issue has ``description``, ``check_name`` (the rule code), ``fingerprint``,
``severity`` and ``location`` (``path`` relative to the checkout, ``lines.begin`` and
``lines.end``), the subset of the Code Climate issue format that GitLab reads
(https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format).

GitLab tells new findings from fixed ones by their fingerprints, so a fingerprint must
stay the same while a finding does, and differ between findings. It hashes the path,
the rule code, the text of the finding's first line (stripped) and the finding's index
among the findings with those three in common: editing other lines, or moving the
instruction, keeps it; two findings of one rule on identical lines differ by their index.
"""

from __future__ import annotations

from lintlayers.reporters.base import relative_path, sorted_findings
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

    from lintlayers.diagnostics import Finding
    from lintlayers.reporters.base import ReportContext
    from lintlayers.source import SourceText

SEVERITIES = {"info": "info", "warning": "minor", "error": "major"}
"""lintlayers severity -> GitLab severity (info, minor, major, critical, blocker)."""
BLOCKER_CODES = frozenset({"LL001"})
"""Findings that stop the build itself: a Dockerfile BuildKit refuses to parse."""


def report(findings: list[Finding], out: TextIO, context: ReportContext) -> None:
    """Write the Code Quality issues as one JSON array."""
    import json

    json.dump(build(findings, context), out, indent=2)
    out.write("\n")


def build(findings: list[Finding], context: ReportContext) -> list[dict[str, object]]:
    """The issues as plain JSON-ready data, in file and line order."""
    ordered = sorted_findings(findings)
    seen: dict[tuple[str, str, str], int] = {}
    issues: list[dict[str, object]] = []
    for finding in ordered:
        path = relative_path(finding.file)
        anchor = line_anchor(finding, context.sources.get(finding.file))
        key = (path, finding.code, anchor)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        end_line = max(finding.end_location.line, finding.location.line)
        if end_line > finding.location.line and finding.end_location.column == 1:
            end_line -= 1  # a range ending at a line's start does not cover that line
        issues.append(
            {
                "type": "issue",
                "description": f"{finding.code} {finding.name}: {finding.message}",
                "check_name": finding.code,
                "fingerprint": fingerprint(path, finding.code, anchor, occurrence),
                "severity": severity(finding),
                "location": {
                    "path": path,
                    "lines": {"begin": finding.location.line, "end": end_line},
                },
            }
        )
    return issues


def severity(finding: Finding) -> str:
    """The GitLab severity of ``finding``."""
    if finding.code in BLOCKER_CODES:
        return "blocker"
    return SEVERITIES.get(finding.severity, "minor")


def line_anchor(finding: Finding, source: SourceText | None) -> str:
    """What the fingerprint keeps of the finding's place: its first line's text, stripped
    (the message when the text is not known)."""
    line = finding.location.line
    if source is not None and 1 <= line <= source.line_count:
        return source.line_text(line).strip()
    return finding.message


def fingerprint(path: str, code: str, anchor: str, occurrence: int) -> str:
    """A hex digest of the four parts, stable across runs and Python versions."""
    from hashlib import sha256

    data = "\0".join((path, code, anchor, str(occurrence)))
    return sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:32]
