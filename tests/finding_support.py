"""A Finding built in one call, for the reporter and CI-format tests."""

from __future__ import annotations

from lintlayers.diagnostics import Finding, FindingFix
from lintlayers.source import Location


def make_finding(
    *,
    code: str = "LL101",
    name: str = "broad-copy-before-install",
    category: str = "cache",
    severity: str = "warning",
    message: str = "COPY . brings in the whole context before `pip install`",
    file: str = "path/Dockerfile",
    start: tuple[int, int] = (3, 1),
    end: tuple[int, int] = (3, 9),
    fix: FindingFix | None = None,
    url: str | None = None,
    help: str | None = None,
) -> Finding:
    """A finding with these fields (the rest as a typical LL101 finding)."""
    return Finding(
        code=code,
        name=name,
        category=category,
        severity=severity,
        message=message,
        file=file,
        location=Location(*start),
        end_location=Location(*end),
        fix=fix,
        url=url,
        help=help,
    )
