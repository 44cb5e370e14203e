"""Linting one open document, guarded: whatever goes wrong becomes a diagnostic.

An outcome keeps, per finding, its offsets in the linted text and the violation
behind it (with its fix), so diagnostics, code actions and hover all read the
same lint of the same version.
"""

from __future__ import annotations

import threading

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.diagnostics import Finding, Violation
    from lintlayers.engine import LintResult
    from lintlayers.server.documents import Document, DocumentStore
    from lintlayers.server.folders import FileLint, Folders
    from lintlayers.server.positions import LineIndex


class Entry:
    """One finding of a lint, with its offsets and the violation (None for LL000)."""

    __slots__ = ("end", "finding", "start", "violation")

    def __init__(self, finding: Finding, start: int, end: int, violation: Violation | None) -> None:
        self.finding = finding
        self.start = start
        self.end = end
        self.violation = violation


class Outcome:
    """The lint of one version of a document.

    ``file_lint`` is None when the configuration could not be loaded (``error`` says
    why) or when linting failed before the settings were known.
    """

    __slots__ = ("document", "entries", "error", "file_lint", "index", "result")

    def __init__(
        self,
        document: Document,
        index: LineIndex,
        result: LintResult | None,
        file_lint: FileLint | None,
        error: str | None = None,
    ) -> None:
        self.document = document
        self.index = index
        self.result = result
        self.file_lint = file_lint
        self.error = error
        self.entries = _entries(result) if result is not None else []

    @property
    def version(self) -> int | None:
        return self.document.version


def _entries(result: LintResult) -> list[Entry]:
    source = result.source
    length = len(source.text)
    violations = {
        (rule.code, violation.start, violation.end, violation.message): violation
        for rule, violation in result.violations
    }
    entries = []
    for finding in result.findings:
        start = min(source.offset(finding.location.line, finding.location.column), length)
        end = min(source.offset(finding.end_location.line, finding.end_location.column), length)
        violation = violations.get((finding.code, start, end, finding.message))
        entries.append(Entry(finding, start, max(start, end), violation))
    return entries


def lint_document(document: Document, folders: Folders, encoding: str) -> Outcome:
    """Lint ``document`` with its folder's settings; never raises.

    A configuration that cannot be used is the outcome's ``error``; any other
    exception is one internal-error finding (LL000) at the start of the file.
    """
    from lintlayers.config import ConfigError
    from lintlayers.server.positions import LineIndex

    index = LineIndex(document.text, encoding)
    file_lint = None
    try:
        file_lint = folders.for_file(document.path)
        result = file_lint.lint(document.text)
    except ConfigError as error:
        return Outcome(document, index, None, None, f"lintlayers configuration: {error}")
    except Exception as error:  # one document's failure must not stop the server
        from lintlayers.engine import failed_lint
        from lintlayers.source import SourceText

        result = failed_lint(SourceText(document.text, document.path or "<unsaved>"), error)
    return Outcome(document, index, result, file_lint)


class Linting:
    """The latest outcome of each open document; lints one document at a time."""

    def __init__(self, documents: DocumentStore, folders: Folders) -> None:
        self.documents = documents
        self.folders = folders
        self._outcomes: dict[str, Outcome] = {}
        self._lock = threading.Lock()  # one lint at a time: rules share caches
        self._outcomes_lock = threading.Lock()

    def current(self, uri: str) -> Outcome | None:
        """The outcome of the document's current version, linting it now if needed;
        None when the document is not open."""
        document = self.documents.get(uri)
        if document is None:
            return None
        with self._outcomes_lock:
            outcome = self._outcomes.get(uri)
        if outcome is not None and outcome.document is document:
            return outcome
        return self.lint(document)

    def lint(self, document: Document) -> Outcome:
        """Lint this snapshot of a document and remember the outcome."""
        with self._lock:
            with self._outcomes_lock:
                cached = self._outcomes.get(document.uri)
            if cached is not None and cached.document is document:
                return cached  # linted while this one waited for the lock
            outcome = lint_document(document, self.folders, self.documents.encoding)
        with self._outcomes_lock:
            if self.documents.get(document.uri) is document:
                self._outcomes[document.uri] = outcome
        return outcome

    def exclusive(self) -> threading.Lock:
        """Held while linting: other lints (a fix-all's re-lints) take it too."""
        return self._lock

    def forget(self, uri: str | None = None) -> None:
        """Drop remembered outcomes (of one document, or all when settings changed)."""
        with self._outcomes_lock:
            if uri is None:
                self._outcomes.clear()
            else:
                self._outcomes.pop(uri, None)
