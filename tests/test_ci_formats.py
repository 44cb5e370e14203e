"""The CI output formats: GitLab Code Quality, Checkstyle, JUnit and reviewdog rdjson.

Each is checked against its published schema (GitLab, rdjson: ``tests/data``, see its
README) or read back with a real parser of the format (junitparser for JUnit,
``xml.etree`` with the structure of Checkstyle's DTD for Checkstyle).
"""

from __future__ import annotations

import io
import json
import os
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from finding_support import make_finding as finding_with
from jsonschema import Draft202012Validator
from junitparser import Failure, JUnitXml

from lintlayers.cli import main
from lintlayers.diagnostics import Finding, FindingEdit, FindingFix
from lintlayers.reporters import gitlab, rdjson
from lintlayers.reporters.base import FORMATS, ReportContext, get_reporter
from lintlayers.source import Location, SourceText

DATA = Path(__file__).parent / "data"
CI_FORMATS = ("gitlab", "checkstyle", "junit", "rdjson")

DOCKERFILE = (
    "FROM python:3.12\n"
    "MAINTAINER jane\n"
    "WORKDIR /app\n"
    "COPY . .\n"
    "RUN pip install -r requirements.txt\n"
    'CMD ["python", "app.py"]\n'
)


def make_finding(**fields: object) -> Finding:
    """A finding of ``app/Dockerfile`` line 4 with a rule URL, unless ``fields`` say else."""
    defaults: dict[str, object] = {
        "message": "COPY . brings in the whole context",
        "file": "app/Dockerfile",
        "start": (4, 1),
        "end": (4, 9),
        "url": "https://example.com/rules#ll101",
    }
    return finding_with(**{**defaults, **fields})


def render(fmt: str, findings: list[Finding], context: ReportContext | None = None) -> str:
    out = io.StringIO()
    get_reporter(fmt)(findings, out, context or ReportContext())
    return out.getvalue()


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((DATA / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def sample_findings() -> list[Finding]:
    fix = FindingFix(
        "unsafe",
        "Copy requirements.txt first",
        [
            FindingEdit(Location(4, 1), Location(4, 9), "COPY requirements.txt ."),
            FindingEdit(Location(1, 1), Location(1, 1), ".git\n", path="app/.dockerignore"),
        ],
    )
    return [
        make_finding(fix=fix),
        make_finding(code="LL201", name="maintainer-deprecated", start=(2, 1), end=(2, 11)),
        make_finding(code="LL105", name="suboptimal-step-order", severity="info", url=None),
        make_finding(code="LL310", name="secret", severity="error", file="other/Dockerfile"),
        make_finding(code="LL001", name="parse-error", severity="error", start=(5, 1), end=(7, 1)),
        make_finding(file=os.path.abspath("abs/Dockerfile"), message='a <b> & "c"\n\x01 d'),
    ]


def lint_cli(capsys: pytest.CaptureFixture[str], *arguments: str, cwd: Path) -> tuple[int, str]:
    """Run ``lintlayers ARGS`` in-process from ``cwd``: the exit code and stdout."""
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        code = main(list(arguments))
    finally:
        os.chdir(previous)
    return code, capsys.readouterr().out


def test_the_formats_are_registered_and_listed() -> None:
    for fmt in CI_FORMATS:
        assert fmt in FORMATS
        assert get_reporter(fmt).__name__ == "report"


# --- GitLab Code Quality ---------------------------------------------------------------


def test_gitlab_report_validates_against_the_schema() -> None:
    schema = validator("gitlab-codequality.schema.json")
    source = SourceText(DOCKERFILE, "app/Dockerfile")
    issues = json.loads(
        render("gitlab", sample_findings(), ReportContext(sources={source.path: source}))
    )
    assert list(schema.iter_errors(issues)) == []
    assert len(issues) == 6
    assert json.loads(render("gitlab", [])) == []
    broken = [dict(issues[0], severity="warning")]
    assert not schema.is_valid(broken)  # the schema does constrain


def test_gitlab_issue_fields() -> None:
    source = SourceText(DOCKERFILE, "app/Dockerfile")
    issues = gitlab.build(sample_findings(), ReportContext(sources={source.path: source}))
    by_code = {issue["check_name"]: issue for issue in issues if "abs" not in str(issue)}
    copy = by_code["LL101"]
    assert (
        copy["description"] == "LL101 broad-copy-before-install: COPY . brings in the whole context"
    )
    assert copy["location"] == {"path": "app/Dockerfile", "lines": {"begin": 4, "end": 4}}
    assert copy["severity"] == "minor"
    assert by_code["LL105"]["severity"] == "info"
    assert by_code["LL310"]["severity"] == "major"
    assert by_code["LL001"]["severity"] == "blocker"
    # a range ending at the start of line 7 covers lines 5 and 6
    assert by_code["LL001"]["location"]["lines"] == {"begin": 5, "end": 6}
    paths = {issue["location"]["path"] for issue in issues}
    assert "abs/Dockerfile" in paths  # absolute paths below the working folder are relative


def test_gitlab_fingerprints_are_unique_per_finding() -> None:
    source = SourceText(DOCKERFILE, "app/Dockerfile")
    issues = gitlab.build(sample_findings(), ReportContext(sources={source.path: source}))
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    assert all(len(value) == 32 and int(value, 16) >= 0 for value in fingerprints)


def test_gitlab_fingerprint_survives_lines_inserted_above(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(DOCKERFILE, encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("flask\n", encoding="utf-8")
    code, before = lint_cli(capsys, "check", "--format", "gitlab", "Dockerfile", cwd=tmp_path)
    assert code == 1
    dockerfile.write_text(
        DOCKERFILE.replace(
            "FROM python:3.12\n", "# syntax=docker/dockerfile:1\nFROM python:3.12\n\n"
        ),
        encoding="utf-8",
    )
    _, after = lint_cli(capsys, "check", "--format", "gitlab", "Dockerfile", cwd=tmp_path)
    old = {issue["fingerprint"]: issue for issue in json.loads(before)}
    new = {issue["fingerprint"]: issue for issue in json.loads(after)}
    assert old and set(old) == set(new)
    for value, issue in old.items():
        assert new[value]["check_name"] == issue["check_name"]
        begin = issue["location"]["lines"]["begin"]
        # every finding moved down by the two lines inserted above it
        assert new[value]["location"]["lines"]["begin"] == begin + (2 if begin > 1 else 1)
    # and the same on a second run: nothing random or time-based
    _, again = lint_cli(capsys, "check", "--format", "gitlab", "Dockerfile", cwd=tmp_path)
    assert again == after


def test_gitlab_fingerprint_differs_for_two_identical_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine\nMAINTAINER jane\nMAINTAINER jane\n", encoding="utf-8"
    )
    _, output = lint_cli(
        capsys, "check", "--format", "gitlab", "--select", "LL201", "Dockerfile", cwd=tmp_path
    )
    issues = json.loads(output)
    assert [issue["location"]["lines"]["begin"] for issue in issues] == [2, 3]
    assert issues[0]["description"] == issues[1]["description"]
    assert issues[0]["fingerprint"] != issues[1]["fingerprint"]


def test_gitlab_fingerprint_depends_on_path_code_and_line_text() -> None:
    base = gitlab.fingerprint("a/Dockerfile", "LL101", "COPY . .", 0)
    assert base == gitlab.fingerprint("a/Dockerfile", "LL101", "COPY . .", 0)
    others = {
        gitlab.fingerprint("b/Dockerfile", "LL101", "COPY . .", 0),
        gitlab.fingerprint("a/Dockerfile", "LL102", "COPY . .", 0),
        gitlab.fingerprint("a/Dockerfile", "LL101", "COPY . /app", 0),
        gitlab.fingerprint("a/Dockerfile", "LL101", "COPY . .", 1),
    }
    assert base not in others
    assert len(others) == 4


# --- Checkstyle ---------------------------------------------------------------------------

CHECKSTYLE_SEVERITIES = {"ignore", "info", "warning", "error"}


def assert_checkstyle_structure(root: ElementTree.Element) -> None:
    """The elements and attributes Checkstyle's DTD allows (checkstyle > file > error)."""
    assert root.tag == "checkstyle"
    assert set(root.attrib) <= {"version"}
    for file in root:
        assert file.tag == "file"
        assert set(file.attrib) == {"name"}
        for error in file:
            assert error.tag == "error"
            assert {"line", "severity", "message", "source"} <= set(error.attrib)
            assert set(error.attrib) <= {"line", "column", "severity", "message", "source"}
            assert int(error.attrib["line"]) >= 1
            assert int(error.attrib["column"]) >= 1
            assert error.attrib["severity"] in CHECKSTYLE_SEVERITIES


def test_checkstyle_report_parses_with_the_dtd_structure() -> None:
    output = render("checkstyle", sample_findings())
    assert output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ElementTree.fromstring(output.encode("utf-8"))
    assert_checkstyle_structure(root)
    files = {file.attrib["name"]: file for file in root}
    assert set(files) == {"abs/Dockerfile", "app/Dockerfile", "other/Dockerfile"}
    errors = [error.attrib for error in files["app/Dockerfile"]]
    assert [(error["line"], error["source"]) for error in errors] == [
        ("2", "lintlayers.LL201"),
        ("4", "lintlayers.LL101"),
        ("4", "lintlayers.LL105"),
        ("5", "lintlayers.LL001"),
    ]
    assert errors[2]["severity"] == "info"
    assert errors[3]["severity"] == "error"
    # special characters survive; a control character XML cannot hold is replaced
    message = next(iter(files["abs/Dockerfile"])).attrib["message"]
    assert message == 'a <b> & "c"\n\ufffd d (broad-copy-before-install)'


def test_checkstyle_without_findings() -> None:
    root = ElementTree.fromstring(render("checkstyle", []))
    assert root.tag == "checkstyle"
    assert list(root) == []


# --- JUnit ----------------------------------------------------------------------------------


def read_junit(tmp_path: Path, text: str) -> JUnitXml:
    path = tmp_path / "junit.xml"
    path.write_text(text, encoding="utf-8")
    return JUnitXml.fromfile(str(path))


def test_junit_report_reads_back_with_junitparser(tmp_path: Path) -> None:
    context = ReportContext(paths=["app/Dockerfile", "clean/Dockerfile", "other/Dockerfile"])
    xml = read_junit(tmp_path, render("junit", sample_findings(), context))
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    assert (suite.name, suite.tests, suite.failures, suite.errors) == ("lintlayers", 7, 6, 0)
    cases = list(suite)
    failed = [case for case in cases if not case.is_passed]
    passed = [case for case in cases if case.is_passed]
    assert len(failed) == 6
    assert [(case.classname, case.name) for case in passed] == [("clean/Dockerfile", "no findings")]
    first = failed[0]
    assert first.classname == "abs/Dockerfile"
    failure = first.result[0]
    assert isinstance(failure, Failure)
    assert failure.type == "LL101"
    assert failure.message == 'a <b> & "c"\n\ufffd d'
    by_name = {case.name: case for case in failed if case.classname == "app/Dockerfile"}
    case = by_name["LL001 parse-error at 5:1"]
    assert case.result[0].text.startswith("app/Dockerfile:5:1: LL001 [error] parse-error: ")


def test_junit_without_findings_lists_the_clean_files(tmp_path: Path) -> None:
    xml = read_junit(tmp_path, render("junit", [], ReportContext(paths=["a/Dockerfile"])))
    suite = next(iter(xml))
    assert (suite.tests, suite.failures) == (1, 0)
    assert all(case.is_passed for case in suite)
    empty = read_junit(tmp_path, render("junit", []))
    assert next(iter(empty)).tests == 0


# --- reviewdog rdjson -----------------------------------------------------------------------


def test_rdjson_validates_against_the_schema() -> None:
    schema = validator("rdjson.schema.json")
    source = SourceText(DOCKERFILE, "app/Dockerfile")
    result = json.loads(
        render("rdjson", sample_findings(), ReportContext(sources={source.path: source}))
    )
    assert list(schema.iter_errors(result)) == []
    assert result["source"]["name"] == "lintlayers"
    assert list(schema.iter_errors(json.loads(render("rdjson", [])))) == []
    broken = dict(result, diagnostics=[dict(result["diagnostics"][0], severity="warning")])
    assert not schema.is_valid(broken)


def test_rdjson_diagnostic_has_range_code_severity_and_suggestions() -> None:
    source = SourceText(DOCKERFILE, "app/Dockerfile")
    result = rdjson.build(sample_findings(), ReportContext(sources={source.path: source}))
    diagnostic = next(
        item
        for item in result["diagnostics"]  # type: ignore[attr-defined]
        if item["code"]["value"] == "LL101" and item["location"]["path"] == "app/Dockerfile"
    )
    assert diagnostic["severity"] == "WARNING"
    assert diagnostic["code"] == {"value": "LL101", "url": "https://example.com/rules#ll101"}
    assert diagnostic["location"]["range"] == {
        "start": {"line": 4, "column": 1},
        "end": {"line": 4, "column": 9},
    }
    # the edit of .dockerignore is another file's: no suggestion for it
    assert diagnostic["suggestions"] == [
        {
            "range": {"start": {"line": 4, "column": 1}, "end": {"line": 4, "column": 9}},
            "text": "COPY requirements.txt .",
        }
    ]
    severities = {item["code"]["value"]: item["severity"] for item in result["diagnostics"]}  # type: ignore[attr-defined]
    assert severities["LL105"] == "INFO"
    assert severities["LL310"] == "ERROR"


def test_rdjson_columns_count_utf8_bytes() -> None:
    text = 'FROM alpine\nLABEL name="日本" x=1\n'
    source = SourceText(text, "Dockerfile")
    finding = make_finding(file="Dockerfile", start=(2, 17), end=(2, 20))  # "x=1"
    result = rdjson.build([finding], ReportContext(sources={"Dockerfile": source}))
    start = len('LABEL name="日本" '.encode()) + 1
    assert result["diagnostics"][0]["location"]["range"] == {  # type: ignore[index]
        "start": {"line": 2, "column": start},
        "end": {"line": 2, "column": start + 3},
    }
    # without the text, columns stay as they are
    plain = rdjson.build([finding], ReportContext())
    assert plain["diagnostics"][0]["location"]["range"]["start"]["column"] == 17  # type: ignore[index]


# --- through the command line ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_check_writes_each_format(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / "Dockerfile").write_text('FROM alpine\nCMD ["sh"]\n', encoding="utf-8")
    code, output = lint_cli(capsys, "check", "--format", fmt, ".", cwd=tmp_path)
    assert code == 1
    if fmt == "gitlab":
        issues = json.loads(output)
        assert list(validator("gitlab-codequality.schema.json").iter_errors(issues)) == []
        assert {issue["location"]["path"] for issue in issues} == {"Dockerfile"}
    elif fmt == "rdjson":
        result = json.loads(output)
        assert list(validator("rdjson.schema.json").iter_errors(result)) == []
        assert any(item.get("suggestions") for item in result["diagnostics"])
    elif fmt == "checkstyle":
        assert_checkstyle_structure(ElementTree.fromstring(output))
    else:
        suite = next(iter(read_junit(tmp_path, output)))
        passed = [case.classname for case in suite if case.is_passed]
        assert passed == ["clean/Dockerfile"]
        assert suite.failures == suite.tests - 1 > 0
