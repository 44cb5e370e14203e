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


DEFERRED = frozenset(("LL105",))
"""Rules that run when typing pauses rather than on every keystroke: the reorder search
of LL105 is most of the lint time of a long file. Between their runs their last
findings are carried along, moved with the edits (without their fixes)."""


class Entry:
    """One finding of a lint, with its offsets and the violation behind it (None for
    LL000, and for a finding carried over from an older version)."""

    __slots__ = ("end", "finding", "start", "violation")

    def __init__(self, finding: Finding, start: int, end: int, violation: Violation | None) -> None:
        self.finding = finding
        self.start = start
        self.end = end
        self.violation = violation


class Outcome:
    """The lint of one version of a document.

    ``complete`` is False when the ``DEFERRED`` rules did not run (their entries are
    then carried over). ``file_lint`` is None when the configuration could not be
    loaded (``error`` says why), when linting failed before the settings were known, or
    when the settings exclude the file (``exclude``: nothing to show).
    """

    __slots__ = ("complete", "document", "entries", "error", "file_lint", "index", "result")

    def __init__(
        self,
        document: Document,
        index: LineIndex,
        result: LintResult | None,
        file_lint: FileLint | None,
        error: str | None = None,
        *,
        complete: bool = True,
    ) -> None:
        self.document = document
        self.index = index
        self.result = result
        self.file_lint = file_lint
        self.error = error
        self.complete = complete
        self.entries = _entries(result) if result is not None else []

    @property
    def version(self) -> int | None:
        return self.document.version

    def carry(self, older: Outcome, edits: list[tuple[int, int, int]]) -> None:
        """Add the ``DEFERRED`` findings of ``older``, moved through ``edits``; those
        whose range an edit replaced are dropped."""
        from lintlayers.server.positions import map_offset

        for entry in older.entries:
            if entry.finding.code not in DEFERRED:
                continue
            start = map_offset(entry.start, edits)
            end = map_offset(entry.end, edits)
            if start is not None and end is not None:
                self.entries.append(Entry(entry.finding, start, max(start, end), None))
        self.entries.sort(key=lambda entry: entry.start)


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


def lint_document(
    document: Document, folders: Folders, encoding: str, *, complete: bool = True
) -> Outcome:
    """Lint ``document`` with its folder's settings (without the ``DEFERRED`` rules
    unless ``complete``); never raises.

    A configuration that cannot be used is the outcome's ``error``; any other
    exception is one internal-error finding (LL000) at the start of the file.
    """
    from lintlayers.config import ConfigError
    from lintlayers.server.positions import LineIndex

    index = LineIndex(document.text, encoding)
    file_lint = None
    try:
        file_lint = folders.for_file(document.path, skip=frozenset() if complete else DEFERRED)
        if document.path is not None and file_lint.settings.excludes.excludes(document.path):
            return Outcome(document, index, None, None)  # no diagnostics, no fixes (as ruff)
        result = file_lint.lint(document.text)
    except ConfigError as error:
        return Outcome(document, index, None, None, f"lintlayers configuration: {error}")
    except Exception as error:  # one document's failure must not stop the server
        from lintlayers.engine import failed_lint
        from lintlayers.source import SourceText

        result = failed_lint(SourceText(document.text, document.path or "<unsaved>"), error)
    return Outcome(document, index, result, file_lint, complete=complete)


class Linting:
    """The latest outcome of each open document, and its latest complete one; lints one
    document at a time."""

    def __init__(self, documents: DocumentStore, folders: Folders) -> None:
        self.documents = documents
        self.folders = folders
        self._latest: dict[str, Outcome] = {}
        self._complete: dict[str, Outcome] = {}
        self._lock = threading.Lock()  # one lint at a time: rules share caches
        self._outcomes_lock = threading.Lock()

    def current(self, uri: str) -> Outcome | None:
        """An outcome of the document's current version (complete or not), linting it
        now (without the deferred rules) if there is none; None when it is not open."""
        document = self.documents.get(uri)
        if document is None:
            return None
        with self._outcomes_lock:
            outcome = self._latest.get(uri)
        if outcome is not None and outcome.document is document:
            return outcome
        return self.lint(document, complete=False)

    def lint(self, document: Document, *, complete: bool = True) -> Outcome:
        """Lint this snapshot of a document (``complete``: with the deferred rules) and
        remember the outcome."""
        uri = document.uri
        with self._lock:
            with self._outcomes_lock:
                cached = self._latest.get(uri)
                older = self._complete.get(uri)
            if (
                cached is not None
                and cached.document is document
                and (cached.complete or not complete)
            ):
                return cached  # linted while this one waited for the lock
            outcome = lint_document(
                document, self.folders, self.documents.encoding, complete=complete
            )
        if not complete and older is not None:
            edits = self.documents.edits_between(uri, older.document, document)
            if edits is not None:
                outcome.carry(older, edits)
        with self._outcomes_lock:
            if self.documents.get(uri) is document:
                self._latest[uri] = outcome
                if complete:
                    self._complete[uri] = outcome
        return outcome

    def exclusive(self) -> threading.Lock:
        """Held while linting: other lints (a fix-all's re-lints) take it too."""
        return self._lock

    def forget(self, uri: str | None = None) -> None:
        """Drop remembered outcomes (of one document, or all when settings changed)."""
        with self._outcomes_lock:
            if uri is None:
                self._latest.clear()
                self._complete.clear()
            else:
                self._latest.pop(uri, None)
                self._complete.pop(uri, None)
