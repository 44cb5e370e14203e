"""Findings as LSP diagnostics: range, severity, code, link to the rule, source."""

from __future__ import annotations

from lsprotocol import types

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.diagnostics import Finding
    from lintlayers.server.linting import Entry, Outcome
    from lintlayers.server.positions import LineIndex

SOURCE = "lintlayers"

SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


def diagnostic(entry: Entry, index: LineIndex) -> types.Diagnostic:
    """The diagnostic of one finding: its message, then its help on the next line (as
    the text report shows it)."""
    finding = entry.finding
    return types.Diagnostic(
        range=index.range(entry.start, entry.end),
        message=full_message(finding),
        severity=SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code,
        code_description=types.CodeDescription(href=finding.url) if finding.url else None,
        source=SOURCE,
    )


def full_message(finding: Finding) -> str:
    """The finding's message and, when it has one, its help (the detail)."""
    help_text = getattr(finding, "help", None)  # findings of older plugins have none
    return f"{finding.message}\n{help_text}" if help_text else finding.message


def diagnostics(outcome: Outcome) -> list[types.Diagnostic]:
    """Every diagnostic of one lint; a configuration error is one, at the file's start."""
    if outcome.error is not None:
        start = types.Position(0, 0)
        return [
            types.Diagnostic(
                range=types.Range(start, start),
                message=outcome.error,
                severity=types.DiagnosticSeverity.Error,
                source=SOURCE,
            )
        ]
    return [diagnostic(entry, outcome.index) for entry in outcome.entries]


def publish_params(outcome: Outcome) -> types.PublishDiagnosticsParams:
    document = outcome.document
    return types.PublishDiagnosticsParams(
        uri=document.uri, diagnostics=diagnostics(outcome), version=document.version
    )
