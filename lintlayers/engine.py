"""Linting one Dockerfile: parse, run the enabled rules, filter, stamp findings."""

from __future__ import annotations

from lintlayers.context import RuleContext
from lintlayers.diagnostics import (
    OPTIMIZATION_CATEGORIES,
    Finding,
    FindingEdit,
    FindingFix,
    Violation,
    severity_rank,
)
from lintlayers.rule import has_needs
from lintlayers.source import SourceText
from lintlayers.syntax.parser import parse_source
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import TypeAlias

    from lintlayers.buildcontext.context import BuildContext
    from lintlayers.diagnostics import FileEdit
    from lintlayers.registry import IndexedRule
    from lintlayers.rule import Rule

    AnyRule: TypeAlias = "Rule | IndexedRule"
    """A rule instance, or the stand-in of a built-in rule not imported yet."""
    from lintlayers.syntax.nodes import Dockerfile

INTERNAL_ERROR_CODE = "LL000"
GC_THRESHOLD = 100_000
"""The garbage collector's first threshold while one file is linted (Python's is 700):
at 40,000 lines 6.9 s of CPU instead of 8.7 s (6.4 s with no collection at all)."""


class LintResult:
    """Findings of one file, with the parsed tree and the violations behind them.

    ``dockerfile`` is None when linting the file failed before it was parsed;
    ``violations`` is empty when the lint was told not to keep them (a plain check)."""

    __slots__ = ("dockerfile", "findings", "skipped", "source", "violations")

    def __init__(self, source: SourceText, dockerfile: Dockerfile | None) -> None:
        self.source = source
        self.dockerfile = dockerfile
        self.findings: list[Finding] = []
        self.violations: list[tuple[AnyRule, Violation]] = []
        self.skipped: str | None = None
        """What the file is when no rule linted it (``"a Jinja template"``), else None."""

    def parse_error_count(self) -> int:
        return len(self.dockerfile.all_errors()) if self.dockerfile is not None else 0


def failed_lint(source: SourceText, error: BaseException) -> LintResult:
    """The result of a file whose lint raised: one internal-error finding at its start.

    Every other file of the run is still linted; the run exits 2."""
    result = LintResult(source, None)
    message = (
        f"linting this file failed: {type(error).__name__}: {error}; "
        "the other files were linted; please report it"
    )
    result.findings.append(_finding(_InternalError(), Violation(0, 0, message), source))
    return result


class Linter:
    """Runs a fixed set of rule instances over files.

    A rule that runs only when selected by its code (``Rule.explicit_only``) is kept
    only when its code is in ``explicit``."""

    __slots__ = (
        "build_contexts",
        "builder",
        "hadolint_map",
        "lint_test_suites",
        "rules",
        "severity_for",
    )

    def __init__(
        self,
        rules: Sequence[AnyRule],
        *,
        builder: str = "buildkit",
        severity_for: Callable[[str, str], str] | None = None,
        explicit: Iterable[str] = (),
        lint_test_suites: bool = False,
    ) -> None:
        named = frozenset(explicit)
        self.rules = [
            rule
            for rule in rules
            if builder in rule.builders and (not rule.explicit_only or rule.code in named)
        ]
        self.builder = builder
        self.severity_for = severity_for or (lambda code, default: default)
        self.hadolint_map = hadolint_map(rules)
        self.lint_test_suites = lint_test_suites
        """Whether the cache, size and metadata rules also run on a test suite's files
        (``model.image_purpose.in_test_suite``): by default only the others do."""
        self.build_contexts: Callable[[str, str | None], BuildContext] | None = None
        """Where lints get the build context of ``(root, Dockerfile path)``: None walks
        it in every lint; the language server keeps the walks between keystrokes."""

    def load_rules(self) -> None:
        """Import every rule not imported yet (a built-in rule's module is otherwise imported
        on the first file it runs on): before linting many files on forked processes, which
        then inherit them instead of each importing them again."""
        for rule in self.rules:
            load = getattr(rule, "load", None)
            if load is not None:
                load()

    def lint_text(
        self,
        text: str,
        path: str = "<stdin>",
        *,
        context_dir: str | None = None,
        enabled: Callable[[AnyRule], bool] | None = None,
        guessed_context: bool = False,
        keep_violations: bool = True,
    ) -> LintResult:
        return self.lint_source(
            SourceText(text, path),
            context_dir=context_dir,
            enabled=enabled,
            guessed_context=guessed_context,
            keep_violations=keep_violations,
        )

    def lint_source(
        self,
        source: SourceText,
        *,
        context_dir: str | None = None,
        enabled: Callable[[AnyRule], bool] | None = None,
        guessed_context: bool = False,
        keep_violations: bool = True,
    ) -> LintResult:
        """Lint one file. A ``guessed_context`` (the Dockerfile's folder, not given by
        the user) is only used when it looks like the build context. Without
        ``keep_violations`` the result holds the findings only (what fixes and the
        language server read of the violations is 14 MB at 200,000 lines).

        The garbage collector's first threshold is raised while the file is linted
        (``GC_THRESHOLD``) and restored after: the tree and the models live as long as
        the lint, so collecting every 700 allocations walks them again and again (a
        quarter of the CPU time of a 40,000-line file)."""
        import gc

        threshold = gc.get_threshold()
        raised = threshold[0] < GC_THRESHOLD
        if raised:
            gc.set_threshold(GC_THRESHOLD, *threshold[1:])
        try:
            return self._lint_source(source, context_dir, enabled, guessed_context, keep_violations)
        finally:
            if raised:
                gc.set_threshold(*threshold)

    def _lint_source(
        self,
        source: SourceText,
        context_dir: str | None,
        enabled: Callable[[AnyRule], bool] | None,
        guessed_context: bool,
        keep_violations: bool,
    ) -> LintResult:
        from lintlayers.suppression import parse_suppressions

        dockerfile = parse_source(source)
        result = LintResult(source, dockerfile)
        if context_dir is not None and guessed_context:
            from lintlayers.buildcontext.guess import plausible_context

            if not plausible_context(dockerfile, context_dir, source.path):
                context_dir = None
        context = RuleContext(
            dockerfile,
            builder=self.builder,
            context_dir=context_dir,
            path=source.path,
            build_contexts=self.build_contexts,
        )
        selected = [rule for rule in self.rules if enabled is None or enabled(rule)]
        context.enabled = frozenset(rule.code for rule in selected)
        suppressions = parse_suppressions(
            source,
            [(node.start_line, node.end_line) for node in dockerfile.instructions],
            self.hadolint_map,
        )
        context.suppressions = suppressions
        if context.template is not None:  # a template: skipped, unless a rule says what it is
            selected = [rule for rule in selected if rule.lints_templates]
            if not selected:
                result.skipped = context.template
        elif not self.lint_test_suites and selected and _in_test_suite(context):
            # images a test builds (tests/, e2e/, Dockerfile.test): nobody pulls them, and
            # CI rebuilds them; only correctness and style rules check them
            selected = [rule for rule in selected if rule.category not in OPTIMIZATION_CATEGORIES]
        if any(rule.needs for rule in selected):  # after ``enabled``: rules ask it of others
            keywords = _keywords(dockerfile)
            selected = [rule for rule in selected if _has_needs(rule, keywords)]
        texts: dict[str, str] = {}
        for position, rule in enumerate(selected):
            violations, failure = _run_rule(rule, context)
            context.drop_unread(frozenset(later.code for later in selected[position + 1 :]))
            if failure is not None:
                result.findings.append(self._finding(_InternalError(), failure, source))
            for violation in violations:
                line = source.location(violation.start).line
                if suppressions.is_suppressed(rule.code, line):
                    continue
                _share_texts(violation, texts)
                if keep_violations:
                    result.violations.append((rule, violation))
                result.findings.append(self._finding(rule, violation, source))
        result.findings.sort(key=Finding.sort_key)
        return result

    def _finding(
        self, rule: AnyRule | _InternalError, violation: Violation, source: SourceText
    ) -> Finding:
        severity = self.severity_for(rule.code, rule.severity)
        lowered = getattr(violation, "severity", None)  # plugins may build their own values
        if lowered is not None and severity_rank(lowered) < severity_rank(severity):
            severity = lowered
        return _finding(rule, violation, source, severity)


def _share_texts(violation: Violation, texts: dict[str, str]) -> None:
    """Make the message, help and fix message of ``violation`` the very strings of equal
    texts of the file's earlier violations: a rule finding the same thing on many lines
    (LL301 on each RUN of apt-get) says it the same way, 12 MB of copies at 200,000 lines.
    Only for ``Violation`` itself (plugins may build their own values)."""
    if type(violation) is not Violation:
        return
    violation.message = texts.setdefault(violation.message, violation.message)
    if violation.help is not None:
        violation.help = texts.setdefault(violation.help, violation.help)
    fix = violation.fix
    if fix is not None:
        fix.message = texts.setdefault(fix.message, fix.message)


def _in_test_suite(context: RuleContext) -> bool:
    from lintlayers.model.image_purpose import in_test_suite

    return in_test_suite(context)


def _keywords(dockerfile: Dockerfile) -> frozenset[str]:
    """The keywords of a file's instructions, ONBUILD's wrapped ones too."""
    instructions = dockerfile.instructions
    return frozenset(
        [node.keyword for node in instructions] + [node.effective.keyword for node in instructions]
    )


def _has_needs(rule: AnyRule, keywords: frozenset[str]) -> bool:
    """Whether the file has what ``rule`` looks at (``Rule.needs``)."""
    return has_needs(rule.needs, keywords)


def _finding(
    rule: AnyRule | _InternalError,
    violation: Violation,
    source: SourceText,
    severity: str | None = None,
) -> Finding:
    """Stamp a violation with its rule, file and severity (the rule's own by default)."""
    fix = None
    if violation.fix is not None:
        fix = FindingFix(
            violation.fix.applicability,
            violation.fix.message,
            [
                FindingEdit(source.location(edit.start), source.location(edit.end), edit.content)
                for edit in violation.fix.edits
            ],
        )
        fix.edits.extend(_file_edit(edit) for edit in violation.fix.file_edits)
    return Finding(
        code=rule.code,
        name=rule.name,
        category=rule.category,
        severity=severity or rule.severity,
        message=violation.message,
        file=source.path,
        location=source.location(violation.start),
        end_location=source.location(violation.end),
        fix=fix,
        url=rule.url(),
        help=getattr(violation, "help", None),  # plugins may build their own values
    )


def _file_edit(edit: FileEdit) -> FindingEdit:
    """An edit of another file, located in the text it was made against."""
    from lintlayers.fixes import shown_path

    other = SourceText(edit.original or "", edit.path)
    return FindingEdit(
        other.location(edit.start), other.location(edit.end), edit.content, shown_path(edit.path)
    )


class _InternalError:
    """Stands in for a rule whose check raised: the failure becomes a finding."""

    code = INTERNAL_ERROR_CODE
    name = "internal-error"
    category = "correctness"
    severity = "error"

    @staticmethod
    def url() -> None:
        return None


def _run_rule(rule: AnyRule, context: RuleContext) -> tuple[list[Violation], Violation | None]:
    """The rule's violations, or the failure of a rule that raised."""
    try:
        return list(rule.check(context)), None
    except Exception as error:  # one broken rule must not hide the other findings
        message = (
            f"rule {rule.code} ({rule.name}) failed on this file: "
            f"{type(error).__name__}: {error}; please report it"
        )
        return [], Violation(0, 0, message)


def hadolint_map(rules: Iterable[AnyRule]) -> dict[str, list[str]]:
    """hadolint code -> the lintlayers codes that correspond to it."""
    mapping: dict[str, list[str]] = {}
    for rule in rules:
        for code in rule.hadolint:
            mapping.setdefault(code, []).append(rule.code)
    return mapping


def instantiate(rule_classes: Iterable[type[Rule]]) -> list[Rule]:
    return [rule_class() for rule_class in rule_classes]


def default_linter(*, builder: str = "buildkit", select: Sequence[str] | None = None) -> Linter:
    """A linter with every installed rule, or those whose code starts with a selector
    (a rule that runs only when selected by its code: when a selector is its code)."""
    from lintlayers.registry import load_rules

    classes = load_rules()
    if select is not None:
        classes = [cls for cls in classes if any(cls.code.startswith(s) for s in select)]
    return Linter(instantiate(classes), builder=builder, explicit=select or ())
