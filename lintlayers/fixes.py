"""Applying fixes: non-overlapping edits, re-lint to a fixed point, atomic writes."""

from __future__ import annotations

import os
from itertools import pairwise

from lintlayers.diagnostics import SAFE
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from lintlayers.diagnostics import Edit, FileEdit, Fix
    from lintlayers.engine import LintResult

MAX_ITERATIONS = 10


def is_applicable(fix: Fix, unsafe: bool) -> bool:
    return fix.applicability == SAFE or unsafe


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Apply the fixes whose edits do not overlap an earlier applied fix.

    Fixes are taken in order of their first edit; a fix is applied whole or not
    at all. Returns the new text and the number of fixes applied. Only edits of
    ``text`` are applied here: fixes without any are left out.
    """
    chosen = choose_fixes([fix for fix in fixes if fix.edits])
    return _apply_edits(text, [edit for fix in chosen for edit in fix.edits]), len(chosen)


def choose_fixes(fixes: Iterable[Fix], taken_files: Iterable[FileEdit] = ()) -> list[Fix]:
    """The fixes that can be applied together, in order of their first edit.

    A fix is left out when one of its edits overlaps an edit of a fix chosen
    before it, in the linted file or in another file (``taken_files`` holds other
    files' edits already chosen earlier). Equal edits of other files and
    insertions at one point of another file do not conflict.
    """
    chosen: list[Fix] = []
    taken: list[tuple[int, int]] = []
    files: dict[str, list[FileEdit]] = {}
    for edit in taken_files:
        files.setdefault(edit.path, []).append(edit)
    for fix in sorted(fixes, key=lambda fix: (fix.start, fix.end)):
        if any(_overlaps(edit, taken) for edit in fix.edits):
            continue
        if _self_overlapping(fix.edits):
            continue
        if any(_file_conflict(edit, files.get(edit.path, ())) for edit in fix.file_edits):
            continue
        chosen.append(fix)
        taken.extend((edit.start, edit.end) for edit in fix.edits)
        for edit in fix.file_edits:
            files.setdefault(edit.path, []).append(edit)
    return chosen


def _apply_edits(text: str, edits: list[Edit]) -> str:
    pieces: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda edit: (edit.start, edit.end)):
        pieces.append(text[position : edit.start])
        pieces.append(edit.content)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def _file_conflict(edit: FileEdit, taken: Iterable[FileEdit]) -> bool:
    for other in taken:
        if edit == other:
            continue
        if edit.original != other.original:
            return True  # computed against different contents of the file
        if edit.start == edit.end == other.start == other.end:
            continue  # two insertions at one point: applied in order
        if edit.start < other.end and other.start < edit.end:
            return True
        if edit.start == edit.end and other.start < edit.start < other.end:
            return True
        if other.start == other.end and edit.start < other.start < edit.end:
            return True
    return False


def _overlaps(edit: Edit, taken: list[tuple[int, int]]) -> bool:
    for start, end in taken:
        if edit.start < end and start < edit.end:
            return True
        if edit.start == edit.end == start or edit.start == edit.end == end:
            return True  # two insertions at one point: order would be ambiguous
        if start == end and edit.start < start < edit.end:
            return True
    return False


def _self_overlapping(edits: list[Edit]) -> bool:
    return any(left.end > right.start for left, right in pairwise(edits))


class FixOutcome:
    """The text after fixing, how many fixes were applied, and the final lint.

    ``file_edits`` are the edits of other files the applied fixes carry, each
    once, in the order they were chosen; the caller writes them (see
    ``apply_file_edits``).
    """

    __slots__ = ("applied", "file_edits", "result", "rolled_back", "text")

    def __init__(
        self,
        text: str,
        applied: int,
        result: LintResult,
        rolled_back: bool,
        file_edits: list[FileEdit] | None = None,
    ) -> None:
        self.text = text
        self.applied = applied
        self.result = result
        self.rolled_back = rolled_back
        self.file_edits: list[FileEdit] = file_edits if file_edits is not None else []


def fix_to_fixed_point(
    text: str,
    lint: Callable[[str], LintResult],
    *,
    unsafe: bool = False,
    max_iterations: int = MAX_ITERATIONS,
) -> FixOutcome:
    """Lint, apply fixes, re-lint, until nothing applicable is left (or the cap).

    A round whose result has more parse errors than its input is rolled back
    and fixing stops: a fix must never break the file. Edits of other files are
    collected, not written: rules see those files unchanged in later rounds and
    report the same edits again, which are then counted once.
    """
    result = lint(text)
    applied_total = 0
    rolled_back = False
    file_edits: list[FileEdit] = []
    for _ in range(max_iterations):
        fixes = [
            violation.fix
            for _, violation in result.violations
            if violation.fix is not None and is_applicable(violation.fix, unsafe)
        ]
        if not fixes:
            break
        chosen = choose_fixes(fixes, file_edits)
        new_files: list[FileEdit] = []
        applied = with_files = 0
        for fix in chosen:
            fresh = [e for e in fix.file_edits if e not in file_edits and e not in new_files]
            new_files.extend(fresh)
            applied += bool(fix.edits or fresh)
            with_files += bool(fresh)
        new_text = _apply_edits(text, [edit for fix in chosen for edit in fix.edits])
        if new_text == text:
            # the file did not change: linting it again would repeat this round
            file_edits.extend(new_files)
            applied_total += with_files
            break
        new_result = lint(new_text)
        if new_result.parse_error_count() > result.parse_error_count():
            rolled_back = True
            break
        text, result = new_text, new_result
        file_edits.extend(new_files)
        applied_total += applied
    return FixOutcome(text, applied_total, result, rolled_back, file_edits)


def apply_file_edits(edits: Iterable[FileEdit]) -> dict[str, tuple[str | None, str]]:
    """The new text of each other file: path -> (original text or None, new text).

    Equal edits count once; insertions at one point keep their order, and an append
    after another one at that point does not end the file's last line a second time.
    """
    grouped: dict[str, list[FileEdit]] = {}
    for edit in edits:
        same = grouped.setdefault(edit.path, [])
        if edit not in same:
            same.append(edit)
    changes: dict[str, tuple[str | None, str]] = {}
    for path, same in grouped.items():
        original = same[0].original
        pieces: list[str] = []
        position = 0
        text = original or ""
        previous: FileEdit | None = None
        for edit in sorted(same, key=lambda edit: (edit.start, edit.end)):  # stable
            pieces.append(text[position : edit.start])
            content = edit.content
            if edit.line_append and _follows_append(previous, edit) and content[:1] == "\n":
                content = content[1:]  # the earlier append already ended the last line
            pieces.append(content)
            position = max(position, edit.end)
            previous = edit
        pieces.append(text[position:])
        changes[path] = (original, "".join(pieces))
    return changes


def _follows_append(previous: FileEdit | None, edit: FileEdit) -> bool:
    """Whether ``edit`` comes right after an append at the same point ending a line."""
    if previous is None or not previous.line_append or previous.start != edit.start:
        return False
    return previous.content.endswith("\n")


def shown_path(path: str) -> str:
    """``path`` relative to the working directory when inside it, else absolute."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive (Windows)
        return absolute
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return absolute
    return relative


def write_atomic(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a temporary file and a rename, keeping its mode.

    A missing ``path`` is created (with the mode the umask allows).
    """
    import tempfile

    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:  # a new file: the mode open() would give it
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temporary = tempfile.mkstemp(prefix=".lintlayers-", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        from contextlib import suppress  # only a failed write pays for contextlib

        with suppress(OSError):
            os.unlink(temporary)
        raise
