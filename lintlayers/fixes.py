"""Applying fixes: non-overlapping edits, re-lint to a fixed point, atomic writes."""

from __future__ import annotations

import os
from contextlib import suppress
from itertools import pairwise

from lintlayers.diagnostics import SAFE
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from lintlayers.diagnostics import Edit, Fix
    from lintlayers.engine import LintResult

MAX_ITERATIONS = 10


def is_applicable(fix: Fix, unsafe: bool) -> bool:
    return fix.applicability == SAFE or unsafe


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Apply the fixes whose edits do not overlap an earlier applied fix.

    Fixes are taken in order of their first edit; a fix is applied whole or not
    at all. Returns the new text and the number of fixes applied.
    """
    chosen: list[Edit] = []
    applied = 0
    taken: list[tuple[int, int]] = []
    for fix in sorted(fixes, key=lambda fix: (fix.start, fix.end)):
        if any(_overlaps(edit, taken) for edit in fix.edits):
            continue
        if _self_overlapping(fix.edits):
            continue
        chosen.extend(fix.edits)
        taken.extend((edit.start, edit.end) for edit in fix.edits)
        applied += 1
    pieces: list[str] = []
    position = 0
    for edit in sorted(chosen, key=lambda edit: (edit.start, edit.end)):
        pieces.append(text[position : edit.start])
        pieces.append(edit.content)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces), applied


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
    """The text after fixing, how many fixes were applied, and the final lint."""

    __slots__ = ("applied", "result", "rolled_back", "text")

    def __init__(self, text: str, applied: int, result: LintResult, rolled_back: bool) -> None:
        self.text = text
        self.applied = applied
        self.result = result
        self.rolled_back = rolled_back


def fix_to_fixed_point(
    text: str,
    lint: Callable[[str], LintResult],
    *,
    unsafe: bool = False,
    max_iterations: int = MAX_ITERATIONS,
) -> FixOutcome:
    """Lint, apply fixes, re-lint, until nothing applicable is left (or the cap).

    A round whose result has more parse errors than its input is rolled back
    and fixing stops: a fix must never break the file.
    """
    result = lint(text)
    applied_total = 0
    rolled_back = False
    for _ in range(max_iterations):
        fixes = [
            violation.fix
            for _, violation in result.violations
            if violation.fix is not None and is_applicable(violation.fix, unsafe)
        ]
        if not fixes:
            break
        new_text, applied = apply_fixes(text, fixes)
        if applied == 0 or new_text == text:
            break
        new_result = lint(new_text)
        if len(new_result.dockerfile.all_errors()) > len(result.dockerfile.all_errors()):
            rolled_back = True
            break
        text, result = new_text, new_result
        applied_total += applied
    return FixOutcome(text, applied_total, result, rolled_back)


def write_atomic(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a temporary file and a rename, keeping its mode."""
    import tempfile

    directory = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=".lintlayers-", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
