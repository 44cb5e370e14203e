"""Code actions: a quick fix per finding with a fix, "fix all" with the ``--fix`` engine,
and an inline ignore pragma per finding.

Edits of the linted document carry its version; edits of other files (a fix that
adds lines to ``.dockerignore``) replace that file's text as the rule read it, and
create it when it is missing (only for clients that can create files).
"""

from __future__ import annotations

import os
import re

from lsprotocol import types

from lintlayers.diagnostics import SAFE
from lintlayers.server.diagnostics import diagnostic
from lintlayers.server.positions import LineIndex, smallest_change
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from lintlayers.diagnostics import FileEdit, Fix
    from lintlayers.engine import LintResult
    from lintlayers.server.linting import Entry, Outcome
    from lintlayers.source import SourceText

FIX_ALL = "source.fixAll.lintlayers"
QUICKFIX = types.CodeActionKind.QuickFix

_OUR_PRAGMA = re.compile(
    r"^(?P<head>\s*#\s*lintlayers\s*:\s*ignore\s*=\s*)"
    r"(?P<codes>[A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*)",
    re.IGNORECASE,
)


class ClientEdits:
    """What the client's workspace edits support."""

    __slots__ = ("create_files", "document_changes")

    def __init__(self, capabilities: types.ClientCapabilities | None) -> None:
        workspace_edit = (
            capabilities.workspace.workspace_edit
            if capabilities is not None and capabilities.workspace is not None
            else None
        )
        self.document_changes = bool(workspace_edit and workspace_edit.document_changes)
        operations = (workspace_edit and workspace_edit.resource_operations) or []
        self.create_files = self.document_changes and types.ResourceOperationKind.Create in (
            operations
        )


def wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether an action of ``kind`` answers a request for the kinds ``only``."""
    if not only:
        return True
    return any(kind == prefix or kind.startswith(prefix + ".") for prefix in only)


def code_actions(
    outcome: Outcome,
    context: types.CodeActionParams,
    client: ClientEdits,
    fix_all: types.CodeAction | None = None,
) -> list[types.CodeAction]:
    """The quick fixes and ignore actions of the findings overlapping the requested range
    or among the request's diagnostics (an editor may ask at the cursor for the
    diagnostics of its line), then ``fix_all`` when given."""
    actions: list[types.CodeAction] = []
    if wanted(QUICKFIX, context.context.only):
        for entry in selected(outcome, context.range, context.context.diagnostics):
            action = quick_fix(outcome, entry, client)
            if action is not None:
                actions.append(action)
            action = ignore_action(outcome, entry, client)
            if action is not None:
                actions.append(action)
    if fix_all is not None:
        actions.append(fix_all)
    return actions


def selected(
    outcome: Outcome, requested: types.Range, diagnostics: Sequence[types.Diagnostic]
) -> list[Entry]:
    """The findings overlapping ``requested`` or shown as one of ``diagnostics``."""
    index = outcome.index
    start = index.offset(requested.start)
    end = index.offset(requested.end)
    shown = {(str(d.code), *_pair(d.range)) for d in diagnostics}
    found = []
    for entry in outcome.entries:
        if entry.start <= end and start <= entry.end:
            found.append(entry)
            continue
        if (entry.finding.code, *_pair(index.range(entry.start, entry.end))) in shown:
            found.append(entry)
    return found


def _pair(where: types.Range) -> tuple[int, int, int, int]:
    return (where.start.line, where.start.character, where.end.line, where.end.character)


def quick_fix(outcome: Outcome, entry: Entry, client: ClientEdits) -> types.CodeAction | None:
    """The fix of one finding, when it has one the settings allow."""
    violation = entry.violation
    if violation is None or violation.fix is None or outcome.file_lint is None:
        return None
    fix = violation.fix
    safe = fix.applicability == SAFE
    if not safe and not outcome.file_lint.unsafe_fixes:
        return None
    edit = _workspace_edit(
        outcome,
        [(edit.start, edit.end, edit.content) for edit in fix.edits],
        fix.file_edits,
        client,
    )
    if edit is None:
        return None
    return types.CodeAction(
        title=_fix_title(entry.finding.code, fix),
        kind=QUICKFIX,
        diagnostics=[diagnostic(entry, outcome.index)],
        edit=edit,
        is_preferred=safe or None,
    )


def _fix_title(code: str, fix: Fix) -> str:
    title = f"{code}: {fix.message}"
    return title if fix.applicability == SAFE else f"{title} (unsafe)"


def ignore_action(outcome: Outcome, entry: Entry, client: ClientEdits) -> types.CodeAction | None:
    """``# lintlayers: ignore=CODE`` above the instruction where the finding starts, or the
    code added to such a pragma already there."""
    result = outcome.result
    code = entry.finding.code
    if result is None or result.dockerfile is None or not code.startswith("LL") or code == "LL000":
        return None
    line = result.source.location(entry.start).line  # a carried finding's own is older
    instruction = next(
        (
            node
            for node in result.dockerfile.instructions
            if node.start_line <= line <= node.end_line
        ),
        None,
    )
    if instruction is None:
        return None  # only findings inside an instruction can be suppressed there
    source = result.source
    first = instruction.start_line
    change = _extend_pragma(source, first, code)
    if change is None:
        offset = source.line_start(first)
        if offset == 0 and source.text.startswith("\ufeff"):
            offset = 1
        line_text = source.line_text(first)
        indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
        end = source.line_end(first)
        newline = "\r\n" if source.text[end : end + 1] == "\r" else "\n"
        change = (offset, offset, f"{indent}# lintlayers: ignore={code}{newline}")
    edit = _workspace_edit(outcome, [change], (), client)
    if edit is None:
        return None
    return types.CodeAction(
        title=f"Ignore {code} on this line",
        kind=QUICKFIX,
        diagnostics=[diagnostic(entry, outcome.index)],
        edit=edit,
    )


def _extend_pragma(source: SourceText, first: int, code: str) -> tuple[int, int, str] | None:
    """An edit adding ``code`` to a ``# lintlayers: ignore=`` comment directly above line
    ``first``, or None when there is none."""
    line = first - 1
    while line >= 1:
        content = source.line_text(line)
        if not content.strip().startswith("#"):
            return None
        match = _OUR_PRAGMA.match(content)
        if match is not None:
            at = source.line_start(line) + match.end("codes")
            return (at, at, f",{code}")
        line -= 1
    return None


def fix_all_action(
    outcome: Outcome, lint: Callable[[str], LintResult], client: ClientEdits
) -> types.CodeAction | None:
    """Every safe fix, applied by the ``--fix`` engine with ``lint`` (every rule): fixes
    re-lint and must parse."""
    from lintlayers.fixes import fix_to_fixed_point

    if outcome.file_lint is None or outcome.result is None:
        return None
    if outcome.complete and not any(
        violation.fix is not None and violation.fix.applicability == SAFE
        for _, violation in outcome.result.violations
    ):
        return None  # nothing to fix: spare the re-lint
    text = outcome.document.text
    fixed = fix_to_fixed_point(text, lint, unsafe=False)
    changes = []
    if fixed.text != text:
        changes.append(smallest_change(text, fixed.text))
    if not changes and not fixed.file_edits:
        return None
    edit = _workspace_edit(outcome, changes, fixed.file_edits, client)
    if edit is None:
        return None
    return types.CodeAction(title="lintlayers: fix all", kind=FIX_ALL, edit=edit)


def _workspace_edit(
    outcome: Outcome,
    changes: Sequence[tuple[int, int, str]],
    file_edits: Sequence[FileEdit],
    client: ClientEdits,
) -> types.WorkspaceEdit | None:
    """Edits of the document (offsets into the linted text) and of other files; None
    when the client cannot apply them."""
    from lintlayers.fixes import apply_file_edits

    document = outcome.document
    index = outcome.index
    own = [types.TextEdit(index.range(start, end), content) for start, end, content in changes]
    others: list[tuple[str, str | None, list[types.TextEdit]]] = []
    for path, (original, new) in apply_file_edits(file_edits).items():
        old = LineIndex(original or "", index.encoding)
        whole = old.range(0, len(original or ""))
        others.append((_file_uri(path), original, [types.TextEdit(whole, new)]))
    if not client.document_changes:
        if any(original is None for _, original, _ in others):
            return None
        changes_map = {uri: edits for uri, _, edits in others}
        if own:
            changes_map[document.uri] = own
        return types.WorkspaceEdit(changes=changes_map)
    operations: list[types.TextDocumentEdit | types.CreateFile] = []
    if own:
        identifier = types.OptionalVersionedTextDocumentIdentifier(document.uri, document.version)
        operations.append(types.TextDocumentEdit(identifier, own))
    for uri, original, edits in others:
        if original is None:
            if not client.create_files:
                return None
            options = types.CreateFileOptions(ignore_if_exists=True)
            operations.append(types.CreateFile(uri=uri, options=options))
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri, None)
        operations.append(types.TextDocumentEdit(identifier, edits))
    return types.WorkspaceEdit(document_changes=operations)


def _file_uri(path: str) -> str:
    from pathlib import Path

    return Path(os.path.abspath(path)).as_uri()
