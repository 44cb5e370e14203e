"""Fixes that edit another file than the one linted (a build context's `.dockerignore`)."""

from __future__ import annotations

import argparse
import json
import os
import stat
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import lintlayers
from lintlayers.checker import _other_files
from lintlayers.diagnostics import SAFE, UNSAFE, Edit, FileEdit, Fix, Violation
from lintlayers.engine import Linter
from lintlayers.fixes import (
    apply_file_edits,
    apply_fixes,
    choose_fixes,
    fix_to_fixed_point,
    shown_path,
    write_atomic,
)
from lintlayers.reporters.base import ReportContext
from lintlayers.reporters.json_report import build as build_json
from lintlayers.reporters.sarif import build as build_sarif
from lintlayers.rule import Rule

SCHEMA = Path(lintlayers.__file__).parent / "schemas" / "findings.schema.json"


def test_fix_needs_an_edit_of_some_file() -> None:
    with pytest.raises(ValueError, match="at least one edit"):
        Fix("nothing", [])
    only_other = Fix("other", [], UNSAFE, [FileEdit.append("/x/.dockerignore", None, "a\n")])
    assert (only_other.start, only_other.end, only_other.edits) == (-1, -1, [])
    assert "file_edits" in repr(only_other)


def test_file_edit_checks_its_range() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        FileEdit("f", 3, 2, "", "abcd")
    with pytest.raises(ValueError, match="past the end"):
        FileEdit("f", 0, 5, "", "abcd")
    with pytest.raises(ValueError, match="past the end"):
        FileEdit("f", 0, 1, "", None)


@pytest.mark.parametrize(
    ("original", "start", "content"),
    [(None, 0, "a\n"), ("", 0, "a\n"), ("x\n", 2, "a\n"), ("x", 1, "\na\n")],
)
def test_append_starts_on_a_new_line(original: str | None, start: int, content: str) -> None:
    edit = FileEdit.append("f", original, "a\n")
    assert (edit.start, edit.end, edit.content, edit.original) == (start, start, content, original)


def test_file_edits_compare_by_value() -> None:
    one = FileEdit.append("f", "x\n", "a\n")
    assert one == FileEdit.append("f", "x\n", "a\n")
    assert hash(one) == hash(FileEdit.append("f", "x\n", "a\n"))
    assert one != FileEdit.append("g", "x\n", "a\n")
    assert one != FileEdit.append("f", "y\n", "a\n")
    assert one != Edit(2, 2, "a\n")


def test_apply_fixes_leaves_other_files_alone() -> None:
    text = "FROM a\n"
    other = Fix("other", [], UNSAFE, [FileEdit.append("f", None, "x\n")])
    mine = Fix("mine", [Edit(0, 4, "from")])
    assert apply_fixes(text, [other, mine]) == ("from a\n", 1)
    assert apply_fixes(text, [other]) == (text, 0)


def test_choose_fixes_on_other_files() -> None:
    first = Fix("1", [], UNSAFE, [FileEdit.append("f", "a\n", "b\n")])
    second = Fix("2", [], UNSAFE, [FileEdit.append("f", "a\n", "c\n")])  # same point: both
    same = Fix("3", [], UNSAFE, [FileEdit.append("f", "a\n", "b\n")])  # equal edit: no conflict
    stale = Fix("4", [], UNSAFE, [FileEdit.append("f", "z\n", "d\n")])  # another original
    replace = Fix("5", [], UNSAFE, [FileEdit("f", 0, 2, "A\n", "a\n")])
    overlapping = Fix("6", [], UNSAFE, [FileEdit("f", 1, 2, "!\n", "a\n")])
    other_file = Fix("7", [], UNSAFE, [FileEdit.append("g", None, "e\n")])
    chosen = choose_fixes([first, second, same, stale, replace, overlapping, other_file])
    assert [fix.message for fix in chosen] == ["1", "2", "3", "5", "7"]
    # edits taken in an earlier round count as well
    assert choose_fixes([stale], [first.file_edits[0]]) == []


def test_a_fix_is_taken_whole() -> None:
    taken = Fix("taken", [Edit(0, 1, "x")])
    both = Fix("both", [Edit(0, 1, "y")], SAFE, [FileEdit.append("f", None, "b\n")])
    assert choose_fixes([taken, both]) == [taken]


def test_apply_file_edits() -> None:
    edits = [
        FileEdit.append("f", "a\n", "b\n"),
        FileEdit.append("g", None, "x\n"),
        FileEdit.append("f", "a\n", "c\n"),
        FileEdit.append("f", "a\n", "b\n"),
        FileEdit("f", 0, 1, "A", "a\n"),
    ]
    assert apply_file_edits(edits) == {"f": ("a\n", "A\nb\nc\n"), "g": (None, "x\n")}


def test_appends_to_a_file_without_final_newline() -> None:
    first = FileEdit.append("f", "a", "b\n")
    second = FileEdit.append("f", "a", "c\n")
    assert (first.content, second.content) == ("\nb\n", "\nc\n")
    assert apply_file_edits([first, second]) == {"f": ("a", "a\nb\nc\n")}
    plain = FileEdit("f", 1, 1, "\nc\n", "a")  # not an append: applied as it is
    assert apply_file_edits([first, plain]) == {"f": ("a", "a\nb\n\nc\n")}
    assert first != FileEdit("f", 1, 1, "\nb\n", "a")


class _Upper(Rule):
    """Upper-cases a lower-case ``from`` (one fix per round).

    ## What it does
    Test rule.
    """

    code = "XX001"
    name = "upper"
    category = "style"

    def check(self, context):
        text = context.source.text
        position = text.find("from")
        if position >= 0:
            yield Violation(
                position,
                position + 4,
                "lower",
                Fix("upper", [Edit(position, position + 4, "FROM")]),
            )


class _Ignore(Rule):
    """Adds a line to another file on every round (the file on disk never changes).

    ## What it does
    Test rule.
    """

    code = "XX002"
    name = "ignore"
    category = "size"
    target = ""

    def check(self, context):
        edit = FileEdit.append(self.target, "old\n", "new\n")
        yield Violation(0, 4, "other", Fix("add new", [], UNSAFE, [edit]))


class _Breaks(Rule):
    """A fix that breaks the file and also edits another file.

    ## What it does
    Test rule.
    """

    code = "XX003"
    name = "breaks"
    category = "style"

    def check(self, context):
        if "RUNN" in context.source.text:
            return
        edit = FileEdit.append("f", None, "x\n")
        yield Violation(0, 1, "break", Fix("break", [Edit(0, 0, "RUNN x\n")], SAFE, [edit]))


def _outcome(text: str, *rules: Rule, unsafe: bool = True):
    linter = Linter(list(rules))
    return fix_to_fixed_point(
        text, lambda current: linter.lint_text(current, "Dockerfile"), unsafe=unsafe
    )


def test_fixed_point_collects_other_file_edits_once(tmp_path: Path) -> None:
    ignore = _Ignore()
    ignore.target = str(tmp_path / ".dockerignore")
    outcome = _outcome("from a\nRUN from b\n", _Upper(), ignore)
    assert outcome.text == "FROM a\nRUN FROM b\n"
    assert outcome.file_edits == [FileEdit.append(ignore.target, "old\n", "new\n")]
    assert outcome.applied == 3  # two text fixes, one other-file fix (repeated each round)
    assert not outcome.rolled_back


def test_fixed_point_with_only_other_file_edits(tmp_path: Path) -> None:
    ignore = _Ignore()
    ignore.target = str(tmp_path / ".dockerignore")
    outcome = _outcome("FROM a\n", ignore)
    assert (outcome.text, outcome.applied, len(outcome.file_edits)) == ("FROM a\n", 1, 1)
    assert _outcome("FROM a\n", ignore, unsafe=False).file_edits == []


def test_rolled_back_round_drops_its_other_file_edits() -> None:
    outcome = _outcome("FROM a\n", _Breaks())
    assert outcome.rolled_back
    assert (outcome.text, outcome.file_edits, outcome.applied) == ("FROM a\n", [], 0)


def _findings(tmp_path: Path):
    ignore = _Ignore()
    ignore.target = str(tmp_path / ".dockerignore")
    return Linter([ignore]).lint_text("FROM a\n", "Dockerfile").findings


def test_findings_carry_the_other_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (finding,) = _findings(tmp_path)
    (edit,) = finding.fix.edits
    assert edit.path == ".dockerignore"  # relative: inside the working directory
    assert edit.as_dict() == {
        "location": {"line": 2, "column": 1},
        "end_location": {"line": 2, "column": 1},
        "content": "new\n",
        "path": ".dockerignore",
    }


def test_other_file_outside_the_working_directory_is_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    assert shown_path(str(tmp_path / ".dockerignore")) == str(tmp_path / ".dockerignore")
    assert shown_path(str(tmp_path / "work" / "a")) == "a"


def test_json_report_with_other_file_edit_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    findings = _findings(tmp_path)
    report = build_json(findings, ReportContext(files_checked=1))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(report)
    assert report["findings"][0]["fix"]["edits"][0]["path"] == ".dockerignore"
    report["findings"][0]["fix"]["edits"][0]["path"] = ""
    assert list(Draft202012Validator(schema).iter_errors(report))


def test_sarif_puts_other_file_edits_in_their_own_artifact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    findings = _findings(tmp_path)
    (result,) = build_sarif(findings, ReportContext())["runs"][0]["results"]
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == ".dockerignore"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"


def test_write_atomic_creates_and_keeps_modes(tmp_path: Path) -> None:
    new = tmp_path / ".dockerignore"
    write_atomic(str(new), b"a\n")
    umask = os.umask(0)
    os.umask(umask)
    assert new.read_bytes() == b"a\n"
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask
    new.chmod(0o600)
    write_atomic(str(new), b"b\n")
    assert (new.read_bytes(), stat.S_IMODE(new.stat().st_mode)) == (b"b\n", 0o600)
    assert sorted(path.name for path in tmp_path.iterdir()) == [".dockerignore"]


def _options(**values: object) -> argparse.Namespace:
    defaults = {"diff": False, "fix": True, "paths": ["Dockerfile"]}
    defaults.update(values)
    return argparse.Namespace(**defaults)


def test_other_files_are_written_only_when_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / ".dockerignore"
    target.write_text("old\n", encoding="utf-8")
    edit = FileEdit.append(str(target), "old\n", "new\n")
    assert _other_files([edit], "Dockerfile", _options()) == (1, True)
    assert target.read_text(encoding="utf-8") == "old\nnew\n"
    # the same edit again: the file no longer holds what the rule read
    assert _other_files([edit], "Dockerfile", _options()) == (0, True)
    assert target.read_text(encoding="utf-8") == "old\nnew\n"
    assert "changed while linting Dockerfile" in capsys.readouterr().err


def test_other_files_diff_and_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "sub" / ".dockerignore"
    target.parent.mkdir()
    edit = FileEdit.append(str(target), None, "node_modules\n")
    assert _other_files([edit], "Dockerfile", _options(diff=True)) == (0, True)
    out = capsys.readouterr().out
    assert "--- /dev/null" in out and "+node_modules" in out
    assert _other_files([edit], "-", _options(paths=["-"])) == (0, True)
    assert "reading stdin" in capsys.readouterr().err
    assert not target.exists()


def test_other_file_that_cannot_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    edit = FileEdit.append(str(folder / "missing" / ".dockerignore"), None, "x\n")
    assert _other_files([edit], "Dockerfile", _options()) == (0, False)
    assert "cannot write" in capsys.readouterr().err
