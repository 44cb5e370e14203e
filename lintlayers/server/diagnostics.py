"""Findings as LSP diagnostics: range, severity, code, link to the rule, source."""

from __future__ import annotations

from lsprotocol import types

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.server.linting import Entry, Outcome
    from lintlayers.server.positions import LineIndex

SOURCE = "lintlayers"

SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


def diagnostic(entry: Entry, index: LineIndex) -> types.Diagnostic:
    """The diagnostic of one finding."""
    finding = entry.finding
    return types.Diagnostic(
        range=index.range(entry.start, entry.end),
        message=finding.message,
        severity=SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code,
        code_description=types.CodeDescription(href=finding.url) if finding.url else None,
        source=SOURCE,
    )


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
