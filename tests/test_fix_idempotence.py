"""Fixes on the whole real-world corpus (``LINTLAYERS_CORPUS``): idempotent, and final.

For every corpus file, with each builder (``buildkit`` and ``classic``), every rule and
no build context, ``fix_to_fixed_point(..., unsafe=True)`` (what ``check --fix
--unsafe-fixes`` runs) must:

(a) be idempotent: fixing the fixed text again changes nothing;
(b) leave no finding that still has a fix (of any rule: a fix that changes nothing, or
    fixing that stopped early), and no finding without one of a rule whose fix was
    applied on the very range it fixed or the text it wrote (followed through the later
    edits): a fix removes what its rule reports, and a finding left is another instance;
(c) never add a parse error (and never need rolling back because a round broke the file);
(d) never make a rule fail (``LL000``) on the original, an intermediate or the fixed text.

The fix rounds are replayed from the memoized lints with ``choose_fixes``, exactly as
``fix_to_fixed_point`` chooses them, to know which rule's fixes were applied and where.
Files are read in place; the work is spread over the CPUs.

A known failure waiting for its rule's owner goes into ``KNOWN`` (none at present),
with a minimal reproducer as an ``xfail(strict=True)`` test in this module; an entry
that no longer fails on the corpus fails the test, so the list cannot go stale.
The corpus has no build contexts: fixes that need one (``.dockerignore`` edits) are
not exercised here.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest
from corpus_support import corpus_files, corpus_root, decode

from lintlayers.diagnostics import Edit, FileEdit, Fix, Violation
from lintlayers.engine import INTERNAL_ERROR_CODE, Linter, LintResult
from lintlayers.fixes import MAX_ITERATIONS, _apply_edits, choose_fixes, fix_to_fixed_point
from lintlayers.registry import load_rules
from lintlayers.rule import Rule

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from lintlayers.context import RuleContext

BUILDERS = ("buildkit", "classic")

# (corpus file relative to files/, builder or "*", rule, kind) -> the reproducer test's name.
KNOWN: dict[tuple[str, str, str, str], str] = {}


@dataclass
class FileReport:
    """What fixing one file with one builder did."""

    file: str
    builder: str
    applied: Counter[str] = field(default_factory=Counter)
    cpu: float = 0.0
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    """(rule, kind, detail) of each failure."""

    def fail(self, rule: str, kind: str, detail: str) -> None:
        self.failures.append((rule, kind, detail))

    def shown(self, rule: str, kind: str, detail: str) -> str:
        return f"{self.file} [{self.builder}] {rule} {kind}: {detail}"


_LINTERS: dict[str, Linter] = {}


def _linter(builder: str) -> Linter:
    if builder not in _LINTERS:
        _LINTERS[builder] = Linter([cls() for cls in load_rules()], builder=builder)
    return _LINTERS[builder]


def _map_range(start: int, end: int, edits: list[Edit]) -> tuple[int, int]:
    """Where the range ``start:end`` of a text lies after ``edits`` (sorted, disjoint):
    an edit across one of its ends widens it to the edit's new text."""
    return _map_offset(start, edits, False), _map_offset(end, edits, True)


def _map_offset(offset: int, edits: list[Edit], end: bool) -> int:
    shift = 0
    for edit in edits:
        if edit.end <= offset:
            shift += len(edit.content) - (edit.end - edit.start)
        elif edit.start < offset:
            return edit.start + shift + (len(edit.content) if end else 0)
        else:
            break
    return offset + shift


def _new_spans(edits: list[Edit]) -> dict[int, tuple[int, int]]:
    """Where the new text of each edit (by id) lies after ``edits`` (sorted, disjoint)."""
    spans: dict[int, tuple[int, int]] = {}
    shift = 0
    for edit in edits:
        spans[id(edit)] = (edit.start + shift, edit.start + shift + len(edit.content))
        shift += len(edit.content) - (edit.end - edit.start)
    return spans


def _overlap(start: int, end: int, other_start: int, other_end: int) -> bool:
    """Whether two ranges share a character; an empty range (deleted text) has none."""
    return max(start, other_start) < min(end, other_end)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def check_file(task: tuple[str, str, str]) -> FileReport:
    """Fix one corpus file with one builder and every rule; check (a) to (d)."""
    path, name, builder = task
    started = time.process_time()
    with open(path, "rb") as handle:
        original, _ = decode(handle.read())
    report = check_text(original, FileReport(name, builder), _linter(builder))
    report.cpu = time.process_time() - started
    return report


def check_text(original: str, report: FileReport, linter: Linter) -> FileReport:
    """Fix ``original`` with ``linter``'s rules; check (a) to (d) into ``report``."""
    memo: dict[str, LintResult] = {}

    def lint(text: str) -> LintResult:
        if text not in memo:
            memo[text] = linter.lint_text(text, "Dockerfile")
        return memo[text]

    outcome = fix_to_fixed_point(original, lint, unsafe=True)
    second = fix_to_fixed_point(outcome.text, lint, unsafe=True)

    # (d) no rule fails on any text seen
    for text, result in memo.items():
        for finding in result.findings:
            if finding.code == INTERNAL_ERROR_CODE:
                where = "original" if text == original else "fixed text"
                report.fail(INTERNAL_ERROR_CODE, "internal-error", f"{where}: {finding.message}")

    # replay the rounds: which rule's fixes were applied, and where their ranges went
    text, result = original, memo[original]
    fixed: list[tuple[str, int, int, int]] = []  # (rule, start, end, round) in the current text
    taken_files: list[FileEdit] = []
    for round_number in range(1, MAX_ITERATIONS + 1):
        candidates = {
            id(violation.fix): rule.code
            for rule, violation in result.violations
            if violation.fix is not None
        }
        ranges = {
            id(violation.fix): (violation.start, violation.end)
            for _, violation in result.violations
            if violation.fix is not None
        }
        fixes = [violation.fix for _, violation in result.violations if violation.fix is not None]
        if not fixes:
            break
        chosen = choose_fixes(fixes, taken_files)
        edits = sorted(
            (edit for fix in chosen for edit in fix.edits), key=lambda e: (e.start, e.end)
        )
        new_text = _apply_edits(text, edits)
        if new_text == text:
            break
        new_result = memo.get(new_text)
        if new_result is None:  # fix_to_fixed_point stopped here (its cap)
            break
        if new_result.parse_error_count() > result.parse_error_count():
            rules = sorted({candidates[id(fix)] for fix in chosen})
            report.fail(
                "+".join(rules),
                "breaks-file",
                f"round {round_number} adds parse errors (rolled back); "
                f"fixes: {[fix.message for fix in chosen]}",
            )
            break
        fixed = [(code, *_map_range(s, e, edits), n) for code, s, e, n in fixed]
        spans = _new_spans(edits)
        for fix in chosen:
            code = candidates[id(fix)]
            report.applied[code] += 1
            # the reported range, and the text the fix wrote (where a moved line went)
            fixed.append((code, *_map_range(*ranges[id(fix)], edits), round_number))
            fixed.extend((code, *spans[id(edit)], round_number) for edit in fix.edits)
        taken_files.extend(edit for fix in chosen for edit in fix.file_edits)
        text, result = new_text, new_result
    if text != outcome.text:
        report.fail("-", "replay", "replaying the rounds did not give fix_to_fixed_point's text")
        return report

    # (a) idempotent
    if second.text != outcome.text:
        rules = sorted(
            {
                rule.code
                for rule, v in outcome.result.violations
                if v.fix is not None and v.fix.edits
            }
        )
        line = next(
            (
                _line(outcome.text, i)
                for i, (x, y) in enumerate(zip(outcome.text, second.text, strict=False))
                if x != y
            ),
            _line(outcome.text, len(outcome.text)),
        )
        report.fail(
            "+".join(rules) or "?",
            "not-idempotent",
            f"a second fix changes the fixed text (first difference at line {line})",
        )

    # (b) no finding with a fix of this file left (of any rule: one left means a fix that
    # changes nothing, or fixing stopped early); none of a rule on a range it fixed
    for rule, violation in outcome.result.violations:
        line = _line(outcome.text, violation.start)
        if violation.fix is not None and violation.fix.edits and not outcome.rolled_back:
            report.fail(
                rule.code,
                "fix-left",
                f"line {line}: a finding with a fix remains after fixing: {violation.message}",
            )
            continue
        for code, start, end, _ in fixed:
            if code == rule.code and _overlap(
                start, end, violation.start, max(violation.end, violation.start + 1)
            ):
                report.fail(
                    rule.code,
                    "same-finding",
                    f"line {line}: the fixed range is still reported: {violation.message}",
                )
                break

    # (c) no parse error added
    before, after = memo[original].parse_error_count(), outcome.result.parse_error_count()
    if after > before:
        report.fail("-", "parse-errors", f"{before} parse errors before fixing, {after} after")
    if outcome.rolled_back and not any(kind == "breaks-file" for _, kind, _ in report.failures):
        report.fail("-", "breaks-file", "fix_to_fixed_point rolled a round back")
    return report


def run_corpus(builder: str) -> list[FileReport]:
    root = corpus_root() / "files"
    tasks = [(str(path), str(path.relative_to(root)), builder) for path in corpus_files()]
    processes = min(len(os.sched_getaffinity(0)), 8)
    if processes < 2:
        return [check_file(task) for task in tasks]
    with multiprocessing.get_context("forkserver").Pool(processes) as pool:
        return list(pool.imap(check_file, tasks, chunksize=8))


@pytest.mark.slow
@pytest.mark.parametrize("builder", BUILDERS)
def test_fixes_are_idempotent_and_final_on_the_corpus(builder: str) -> None:
    started = time.monotonic()
    reports = run_corpus(builder)
    applied: Counter[str] = Counter()
    for report in reports:
        applied.update(report.applied)
    changed = sum(1 for report in reports if report.applied)
    print(
        f"{builder}: {len(reports)} files, {changed} fixed, "
        f"{sum(applied.values())} fixes applied ({dict(sorted(applied.items()))}) "
        f"in {time.monotonic() - started:.0f} s ({sum(r.cpu for r in reports):.0f} s of CPU)"
    )
    failures: list[str] = []
    seen_known: set[tuple[str, str, str, str]] = set()
    for report in reports:
        for rule, kind, detail in report.failures:
            key = next(
                (k for k in ((report.file, b, rule, kind) for b in (builder, "*")) if k in KNOWN),
                None,
            )
            if key is not None:
                seen_known.add(key)
            else:
                failures.append(report.shown(rule, kind, detail))
    stale = [
        f"{key} ({KNOWN[key]}) no longer fails: remove it from KNOWN"
        for key in KNOWN
        if key[1] in (builder, "*") and key not in seen_known
    ]
    assert not failures and not stale, f"{len(failures)} failures:\n" + "\n".join(
        failures[:60] + stale
    )


# The check itself, on rules made to fail it (fast: part of the everyday run).


class _FakeRule(Rule):
    category = "size"

    def __init__(self, check: Callable[[str], Iterator[Violation]]) -> None:
        self._check = check

    def check(self, context: RuleContext) -> Iterator[Violation]:
        return self._check(context.dockerfile.unparse())


def _failures(text: str, *checks: Callable[[str], Iterator[Violation]]) -> list[tuple[str, str]]:
    rules = []
    for number, check in enumerate(checks, 1):
        rule = _FakeRule(check)
        rule.code, rule.name = f"LX{number:03}", f"fake-{number}"  # type: ignore[misc]
        rules.append(rule)
    report = check_text(text, FileReport("Dockerfile", "buildkit"), Linter(rules))
    return sorted({(rule, kind) for rule, kind, _ in report.failures})


SNIPPET = "FROM alpine:3.20\nRUN apk add curl\nEXPOSE 80\nCOPY . /app\n"


def test_check_passes_a_fix_that_removes_its_finding() -> None:
    def no_cache(text: str) -> Iterator[Violation]:
        if "--no-cache" not in text:
            at = text.index("apk add") + 7
            yield Violation(at - 7, at, "cache kept", Fix("add", [Edit.insert(at, " --no-cache")]))

    assert _failures(SNIPPET, no_cache) == []


def test_check_reports_a_fix_that_never_ends() -> None:
    def grows(text: str) -> Iterator[Violation]:
        at = text.index("apk add") + 7
        yield Violation(at - 7, at, "grows", Fix("grow", [Edit.insert(at, " x")]))

    assert _failures(SNIPPET, grows) == [("LX001", "fix-left"), ("LX001", "not-idempotent")]


def test_check_reports_a_finding_left_on_the_range_its_fix_changed() -> None:
    def same(text: str) -> Iterator[Violation]:
        at = text.index("apk add")
        fix = None if "--no-cache" in text else Fix("add", [Edit.insert(at + 7, " --no-cache")])
        yield Violation(at, at + 7, "cache kept", fix)

    assert _failures(SNIPPET, same) == [("LX001", "same-finding")]


def test_check_reports_a_finding_left_on_the_line_its_fix_moved() -> None:
    def expose(text: str) -> Iterator[Violation]:
        at = text.index("EXPOSE 80\n")
        fix = None
        if at < text.index("COPY"):
            fix = Fix("move", [Edit.delete(at, at + 10), Edit.insert(len(text), "EXPOSE 80\n")])
        yield Violation(at, at + 9, "EXPOSE early", fix)

    assert _failures(SNIPPET, expose) == [("LX001", "same-finding")]


def test_check_accepts_another_instance_left_without_a_fix() -> None:
    def two(text: str) -> Iterator[Violation]:
        first = text.index("apk add")
        yield Violation(first, first + 7, "no fix for this one")
        at = text.index("EXPOSE")
        if "EXPOSE 8080" not in text:
            yield Violation(at, at + 9, "port", Fix("port", [Edit.insert(at + 9, "80")]))

    assert _failures(SNIPPET, two) == []


def test_check_reports_a_fix_that_breaks_the_file() -> None:
    def breaks(text: str) -> Iterator[Violation]:
        at = text.find("EXPOSE")
        if at >= 0:
            yield Violation(at, at + 6, "bad", Fix("bad", [Edit(at, at + 6, "BOGUS")]))

    assert _failures(SNIPPET, breaks) == [("LX001", "breaks-file")]


def test_check_reports_a_rule_that_fails_on_the_fixed_text() -> None:
    def no_cache(text: str) -> Iterator[Violation]:
        if "--no-cache" not in text:
            at = text.index("apk add") + 7
            yield Violation(at - 7, at, "cache kept", Fix("add", [Edit.insert(at, " --no-cache")]))

    def fails_after(text: str) -> Iterator[Violation]:
        if "--no-cache" in text:
            raise ValueError("boom")
        return iter(())

    assert _failures(SNIPPET, no_cache, fails_after) == [(INTERNAL_ERROR_CODE, "internal-error")]
