"""Helpers for rule tests: lint a snippet with one rule, fix it, wrap it in ONBUILD."""

from __future__ import annotations

import functools

from lintlayers.engine import Linter, LintResult
from lintlayers.fixes import fix_to_fixed_point
from lintlayers.registry import load_rules


@functools.cache
def _rule_classes() -> dict[str, type]:
    """The installed rule classes by code, read once per test session (reading the
    entry points takes tens of milliseconds, and the rule tests lint thousands of times)."""
    return {cls.code: cls for cls in load_rules()}


def rule_class(code: str):
    try:
        return _rule_classes()[code]
    except KeyError:
        raise LookupError(code) from None


def lint(text: str, code: str, *, builder: str = "buildkit", context_dir: str | None = None):
    """Findings of rule ``code`` on ``text``."""
    return run(text, code, builder=builder, context_dir=context_dir).findings


def run(
    text: str, code: str, *, builder: str = "buildkit", context_dir: str | None = None
) -> LintResult:
    linter = Linter([rule_class(code)()], builder=builder)
    return linter.lint_text(text, "Dockerfile", context_dir=context_dir)


def fix(
    text: str,
    code: str,
    *,
    unsafe: bool = False,
    builder: str = "buildkit",
    context_dir: str | None = None,
) -> str:
    """``text`` after applying rule ``code``'s fixes to a fixed point."""
    linter = Linter([rule_class(code)()], builder=builder)
    outcome = fix_to_fixed_point(
        text,
        lambda current: linter.lint_text(current, "Dockerfile", context_dir=context_dir),
        unsafe=unsafe,
    )
    return outcome.text


def positions(findings) -> list[tuple[int, int, int, int]]:
    """(line, column, end line, end column) of each finding."""
    return [
        (f.location.line, f.location.column, f.end_location.line, f.end_location.column)
        for f in findings
    ]


def onbuild(line: str) -> str:
    """Wrap one single-line instruction in ONBUILD."""
    return f"ONBUILD {line}"


def said(finding) -> str:
    """A finding's message and its help, as a reader sees them together."""
    return finding.message + ("\n" + finding.help if finding.help else "")
