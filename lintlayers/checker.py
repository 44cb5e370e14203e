"""The ``check`` command: read, lint, fix, report, and choose the exit code."""

from __future__ import annotations

import os
import sys

from lintlayers.diagnostics import severity_rank
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import TextIO

    from lintlayers.config import Located, Settings
    from lintlayers.diagnostics import FileEdit, Finding
    from lintlayers.engine import AnyRule, Linter, LintResult
    from lintlayers.registry import RuleClass
    from lintlayers.source import SourceText

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
STDIN = "-"


class _Session:
    """Settings and linters of one run, cached per folder and per settings."""

    __slots__ = (
        "_by_config",
        "_linters",
        "_located",
        "_settings",
        "known",
        "options",
        "rule_classes",
    )

    def __init__(self, options: argparse.Namespace, rule_classes: Sequence[RuleClass]) -> None:
        self.options = options
        self.rule_classes = rule_classes
        self.known = known_rules(rule_classes)
        self._settings: dict[str, Settings] = {}
        self._by_config: dict[str, Settings] = {}
        self._located: Located = {}
        self._linters: dict[int, Linter] = {}

    def settings_for(self, folder: str) -> Settings:
        """The settings of the files in ``folder``: one object per config file (folders
        without one have their own, whose defaults are relative to them)."""
        from lintlayers.config import load_settings

        settings = self._settings.get(folder)
        if settings is None:
            options = self.options
            overrides = {
                "select": options.select,
                "ignore": options.ignore,
                "extend-select": options.extend_select,
                "builder": options.builder,
                "fail-level": options.fail_level,
                "context": options.context,
                "unsafe-fixes": options.unsafe_fixes,
                "exclude": options.exclude,
                "extend-exclude": options.extend_exclude,
                "force-exclude": options.force_exclude,
            }
            settings = load_settings(
                folder,
                self.known,
                config_path=options.config,
                overrides=overrides,
                memo=self._located,
            )
            if settings.config_path is not None:  # the same for every folder it applies to
                settings = self._by_config.setdefault(settings.config_path, settings)
            self._settings[folder] = settings
        return settings

    def excluded(self, path: str, folder: bool, explicit: bool) -> bool:
        """Whether discovery leaves ``path`` out: a path named on the command line only
        with ``force-exclude`` (as in ruff)."""
        parent = os.path.dirname(os.path.abspath(path))
        settings = self.settings_for(parent)
        if explicit and not settings.force_exclude:
            return False
        return settings.excludes.excludes(path, folder=folder, parents=explicit)

    def linter_for(self, settings: Settings) -> Linter:
        linter = self._linters.get(id(settings))
        if linter is None:
            linter = new_linter(self.rule_classes, settings)
            self._linters[id(settings)] = linter
        return linter


def known_rules(rule_classes: Sequence[RuleClass]) -> dict[str, str]:
    """Rule code -> category, as ``load_settings`` checks selectors against."""
    return {rule.code: rule.category for rule in rule_classes}


def new_linter(rule_classes: Sequence[RuleClass], settings: Settings) -> Linter:
    """A linter of every rule, with the builder and severities ``settings`` choose; a rule
    that runs only when selected by its code (LL002) when ``select``/``extend-select``
    name that code."""
    from lintlayers.engine import Linter

    rules = [rule() for rule in rule_classes]
    explicit = (*settings.select, *settings.extend_select)
    return Linter(
        rules,
        builder=settings.builder,
        severity_for=settings.severity_for,
        explicit=explicit,
        lint_test_suites=settings.lint_test_suites,
    )


def file_linter(
    linter: Linter,
    settings: Settings,
    path: str,
    context_dir: str | None,
    skip: frozenset[str] = frozenset(),
    keep_violations: bool = True,
) -> Callable[[str], LintResult]:
    """Lint a text of the file at ``path``: the rules ``settings`` enable for that file
    (but those in ``skip``), with ``context_dir`` as the build context (only when
    plausible, unless configured), keeping the violations unless told not to."""
    absolute = os.path.abspath(path)

    def enabled(rule: AnyRule) -> bool:
        return rule.code not in skip and settings.is_enabled(rule.code, rule.category, absolute)

    guessed = settings.context is None

    def lint(text: str) -> LintResult:
        return linter.lint_text(
            text,
            path,
            context_dir=context_dir,
            enabled=enabled,
            guessed_context=guessed,
            keep_violations=keep_violations,
        )

    return lint


def _collect_garbage_again() -> None:
    """Turn the garbage collector back on once the rules are loaded, when the command line
    turned it off for its start-up (``cli.main``): importing allocates only objects that
    live as long as the process, so collections then only cost time (4% of a one-file
    run). Frozen, those objects are no longer walked by the collections of a large file.

    With one file to lint, it stays off until that file is linted: the rules the file
    needs are imported during its lint (``registry.IndexedRule``), and a lint leaves
    almost no cyclic garbage (about 100 objects for 40,000 lines: the same peak RSS,
    235 MB, with and without collections, and 6.4 s of CPU instead of 7.5-8.1 s)."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def run_check(options: argparse.Namespace) -> int:
    from lintlayers.config import ConfigError
    from lintlayers.discovery import DiscoveryError, discover
    from lintlayers.reading import ReadError, decode, read_file
    from lintlayers.registry import PluginError, load_rule_entries

    err = sys.stderr
    try:
        session = _Session(options, load_rule_entries())
    except PluginError as error:
        err.write(f"lintlayers: {error}\n")
        return EXIT_ERROR
    paths = options.paths or ["."]
    failed = False
    if STDIN in paths and len(paths) > 1:
        err.write("lintlayers: '-' (stdin) cannot be combined with other paths\n")
        return EXIT_ERROR
    files: list[str] = []
    try:
        if paths != [STDIN]:
            try:
                files = discover(paths, session.excluded)
            except DiscoveryError as error:
                err.write(f"lintlayers: {error}\n")
                failed = True
                files = discover([path for path in paths if os.path.exists(path)], session.excluded)
        elif options.stdin_filename and session.excluded(options.stdin_filename, False, True):
            return _pass_through_stdin(options)
    except ConfigError as error:
        err.write(f"lintlayers: {error}\n")
        return EXIT_ERROR
    findings: list[Finding] = []
    sources: dict[str, SourceText] = {}
    skipped: list[tuple[str, str]] = []
    fixed_total = 0
    fail_level = "info"
    inputs: list[tuple[str, str, bool]] = []  # path, text, whether read from a file
    # the bytes read are dropped once decoded (not kept in a name): 8.8 MB for an 8.8 MB file
    if paths == [STDIN]:
        name = options.stdin_filename or "<stdin>"
        try:
            inputs.append((name, decode(sys.stdin.buffer.read(), name), False))
        except ReadError as error:
            err.write(f"lintlayers: {error}\n")
            return EXIT_ERROR
    for path in files:
        try:
            text = read_file(path)[0]
        except ReadError as error:
            err.write(f"lintlayers: {error}\n")
            failed = True
            continue
        inputs.append((path, text, True))
    plans: list[tuple[Settings, Linter, str | None]] = []
    for path, _text, from_file in inputs:
        folder = os.path.dirname(os.path.abspath(path)) if from_file else os.getcwd()
        try:
            settings = session.settings_for(folder)
        except ConfigError as error:
            err.write(f"lintlayers: {error}\n")
            return EXIT_ERROR
        fail_level = settings.fail_level
        context_dir = settings.context or (folder if from_file else None)
        plans.append((settings, session.linter_for(settings), context_dir))
    if len(inputs) != 1:  # every rule imported now: forked workers inherit them, frozen
        try:
            for linter in {id(plan[1]): plan[1] for plan in plans}.values():
                linter.load_rules()
        except PluginError as error:
            err.write(f"lintlayers: {error}\n")
            return EXIT_ERROR
        _collect_garbage_again()
    from lintlayers.progress import progress

    quiet = bool(getattr(options, "quiet", False))
    with progress(len(inputs), unit="files", description="Linting", quiet=quiet) as bar:
        if not (options.fix or options.diff):
            findings, sources, skipped = _lint_plain(options, inputs, plans, bar.advance)
        else:
            for (path, text, from_file), (settings, linter, context_dir) in zip(
                inputs, plans, strict=True
            ):
                fixed_text, result, fixed, ok = _lint_one(
                    linter, settings, options, path, text, context_dir
                )
                failed = not ok or failed
                fixed_total += fixed
                findings.extend(result.findings)
                sources[path] = result.source
                if result.skipped is not None:
                    skipped.append((path, result.skipped))
                if options.fix and not options.diff:
                    if not from_file:
                        sys.stdout.write(fixed_text if fixed_text is not None else text)
                    elif fixed_text is not None:
                        failed = not _write(path, fixed_text, err) or failed
                bar.advance(1)
    _collect_garbage_again()
    from lintlayers.engine import INTERNAL_ERROR_CODE

    crashed = dict.fromkeys(f.file for f in findings if f.code == INTERNAL_ERROR_CODE)
    for file in crashed:
        err.write(f"lintlayers: {file}: internal error, reported as {INTERNAL_ERROR_CODE}\n")
    failed = failed or bool(crashed)
    if skipped and not quiet:
        err.write(skipped_note(skipped) + "\n")
    rule_docs = {rule.code: rule.summary for rule in session.rule_classes}
    paths = [path for path, _, _ in inputs]
    _report(options, findings, sources, paths, fixed_total, rule_docs, skipped)
    if failed:
        return EXIT_ERROR
    if options.exit_zero:
        return EXIT_OK
    threshold = severity_rank(fail_level)
    if any(severity_rank(finding.severity) >= threshold for finding in findings):
        return EXIT_FINDINGS
    if options.diff and fixed_total:
        return EXIT_FINDINGS
    return EXIT_OK


def _pass_through_stdin(options: argparse.Namespace) -> int:
    """An excluded file on standard input: no findings, and with ``--fix`` the text back
    unchanged (a tool that pipes a file through must not lose it)."""
    if options.fix and not options.diff:
        sys.stdout.buffer.write(sys.stdin.buffer.read())
        sys.stdout.flush()
    return EXIT_OK


def _lint_plain(
    options: argparse.Namespace,
    inputs: list[tuple[str, str, bool]],
    plans: list[tuple[Settings, Linter, str | None]],
    advance: Callable[[int], None] | None = None,
) -> tuple[list[Finding], dict[str, SourceText], list[tuple[str, str]]]:
    """Lint without fixing, on ``--jobs`` processes: the findings in input order, the
    source of each file that has some (for the text report), and the files skipped with
    what they are; ``advance(1)`` per file."""

    def task(index: int) -> tuple[list[Finding], SourceText | None, str | None]:
        path, text, _from_file = inputs[index]
        settings, linter, context_dir = plans[index]
        result = _lint_one(linter, settings, options, path, text, context_dir)[1]
        return result.findings, result.source if result.findings else None, result.skipped

    findings: list[Finding] = []
    sources: dict[str, SourceText] = {}
    skipped: list[tuple[str, str]] = []
    if len(inputs) == 1:  # one file (pre-commit, editors): no process pool to consider
        results: Sequence[tuple[list[Finding], SourceText | None, str | None]] = [task(0)]
        if advance is not None:
            advance(1)
    else:
        from lintlayers.parallel import job_count, lint_all

        jobs = job_count(options.jobs, len(inputs))
        results = lint_all(task, len(inputs), jobs, advance)
    for (path, _text, _from_file), (found, source, kind) in zip(inputs, results, strict=True):
        findings.extend(found)
        if source is not None:
            sources[path] = source
        if kind is not None:
            skipped.append((path, kind))
    return findings, sources, skipped


SHOWN_SKIPPED = 5
"""Most skipped files the note names."""


def skipped_note(skipped: Sequence[tuple[str, str]]) -> str:
    """One line naming the files skipped as templates (the first few)."""
    names = [path for path, _kind in skipped[:SHOWN_SKIPPED]]
    more = len(skipped) - len(names)
    listed = ", ".join(names) + (f" and {more} more" if more else "")
    files = "file" if len(skipped) == 1 else "files"
    return f"note: skipped {len(skipped)} template {files}, not Dockerfiles: {listed}"


def _lint_one(
    linter: Linter,
    settings: Settings,
    options: argparse.Namespace,
    path: str,
    text: str,
    context_dir: str | None,
) -> tuple[str | None, LintResult, int, bool]:
    """Lint (and fix) one file: the fixed text when it changed, the final lint, the
    number of fixes, and False when another file a fix edits could not be written.

    Any exception becomes an internal-error finding (LL000) of this file alone."""
    try:
        return _lint_or_fix(linter, settings, options, path, text, context_dir)
    except Exception as error:  # one file's failure must not lose the others' findings
        from lintlayers.engine import failed_lint
        from lintlayers.source import SourceText

        return None, failed_lint(SourceText(text, path), error), 0, True


def _lint_or_fix(
    linter: Linter,
    settings: Settings,
    options: argparse.Namespace,
    path: str,
    text: str,
    context_dir: str | None,
) -> tuple[str | None, LintResult, int, bool]:
    """``_lint_one`` without the guard. Edits of other files (``.dockerignore``) are
    written here, before the caller writes the Dockerfile, and the file is linted again
    to report what is left."""
    if not (options.fix or options.diff):  # only the findings are read
        lint = file_linter(linter, settings, path, context_dir, keep_violations=False)
        return None, lint(text), 0, True
    lint = file_linter(linter, settings, path, context_dir)
    from lintlayers.fixes import fix_to_fixed_point

    outcome = fix_to_fixed_point(text, lint, unsafe=bool(settings.unsafe_fixes))
    if outcome.rolled_back:
        sys.stderr.write(
            f"lintlayers: {path}: a fix would have broken the file; it was not applied\n"
        )
    if options.diff and outcome.text != text:
        import difflib

        sys.stdout.writelines(
            difflib.unified_diff(
                text.splitlines(keepends=True),
                outcome.text.splitlines(keepends=True),
                fromfile=f"a/{path}",
                tofile=f"b/{path}",
            )
        )
    ok = True
    if outcome.file_edits:
        written, ok = _other_files(outcome.file_edits, path, options)
        if written:
            outcome.result = lint(outcome.text)
    fixed_text = outcome.text if outcome.text != text else None
    return fixed_text, outcome.result, outcome.applied, ok


def _other_files(edits: list[FileEdit], path: str, options: argparse.Namespace) -> tuple[int, bool]:
    """Show (``--diff``) or write (``--fix``) the fixes' edits of other files.

    A file that changed since the rules read it is left alone. Returns the number
    of files written and False when one could not be written.
    """
    from lintlayers.fixes import apply_file_edits, shown_path

    err = sys.stderr
    written = 0
    ok = True
    for other, (original, new) in apply_file_edits(edits).items():
        shown = shown_path(other)
        try:
            with open(other, "rb") as handle:
                current: str | None = handle.read().decode("utf-8", "surrogateescape")
        except FileNotFoundError:
            current = None
        except OSError as error:
            err.write(f"lintlayers: cannot read {shown}: {error.strerror or error}\n")
            ok = False
            continue
        if current != original:
            err.write(f"lintlayers: {shown} changed while linting {path}; not fixing it\n")
            continue
        if options.diff:
            import difflib

            sys.stdout.writelines(
                difflib.unified_diff(
                    (original or "").splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    fromfile="/dev/null" if original is None else f"a/{shown}",
                    tofile=f"b/{shown}",
                )
            )
        elif options.paths == [STDIN]:
            err.write(f"lintlayers: {path}: reading stdin, so {shown} is not changed\n")
        elif _write_other(other, new, shown, err):
            written += 1
        else:
            ok = False
    return written, ok


def _write_other(path: str, text: str, shown: str, err: TextIO) -> bool:
    from lintlayers.fixes import write_atomic

    try:
        write_atomic(path, text.encode("utf-8", "surrogateescape"))
    except OSError as error:
        err.write(f"lintlayers: cannot write {shown}: {error.strerror or error}\n")
        return False
    return True


def _write(path: str, text: str, err: TextIO) -> bool:
    from lintlayers.fixes import write_atomic
    from lintlayers.reading import encode

    try:
        write_atomic(path, encode(text))
    except OSError as error:
        err.write(f"lintlayers: cannot write {path}: {error.strerror or error}\n")
        return False
    return True


def _report(
    options: argparse.Namespace,
    findings: list[Finding],
    sources: dict[str, SourceText],
    paths: list[str],
    fixed: int,
    rule_docs: dict[str, str],
    skipped: list[tuple[str, str]],
) -> None:
    from lintlayers.reporters.base import ReportContext, get_reporter, use_color

    color = options.format == "text" and use_color(sys.stdout)
    context = ReportContext(
        sources=sources,
        statistics=options.statistics,
        color=color,
        files_checked=len(paths),
        paths=paths,
        fixed=fixed,
        rule_docs=rule_docs,
        skipped=skipped,
    )
    out = sys.stdout
    if (options.fix and options.paths == [STDIN]) or options.diff:
        out = sys.stderr  # stdout carries the fixed text or the diff
    findings.sort(key=lambda finding: finding.sort_key())
    get_reporter(options.format)(findings, out, context)
