"""Templates of Dockerfiles: skipped with a note by default, one LL002 finding when LL002 is
selected by its code, and LL001 staying quiet on them (never a cascade)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from corpus_support import corpus_root
from jsonschema import Draft202012Validator
from junitparser import JUnitXml, Skipped
from rule_harness import rule_class, said

import lintlayers
from lintlayers.engine import Linter, default_linter, instantiate
from lintlayers.registry import load_rules

JINJA = "FROM python:{{ version }}-slim\n{% if dev %}\nRUN pip install pytest\n{% endif %}\n"
GO_TEMPLATE = "FROM alpine\n{{ if .Dev }}\nRUN apk add gcc\n{{ end }}\nRUN echo hi\n"
ERB = "FROM ruby:3.3\n<% if node? %>\nRUN apt-get install -y nodejs\n<% end %>\n"
DATA = Path(__file__).resolve().parent.parent / "data"
SCHEMA = Path(lintlayers.__file__).parent / "schemas" / "findings.schema.json"

TEMPLATES = [
    (JINJA, "Dockerfile", "a Jinja template"),
    (GO_TEMPLATE, "Dockerfile", "a Go or jq template"),
    (ERB, "Dockerfile", "an ERB template"),
    ("FROM alpine\nRUN apk add curl\n", "Dockerfile.template", "a template"),
    ("FROM alpine\nRUN apk add curl\n", "ubuntu.Dockerfile.j2", "a Jinja template"),
    ("FROM alpine\nRUN apk add curl\n", "Dockerfile.tt", "an ERB (Thor) template"),
    ("FROM alpine\n", "{{cookiecutter.slug}}/compose/Dockerfile", "a cookiecutter template"),
]


def every_rule(*, explicit: tuple[str, ...] = ()) -> Linter:
    return Linter(instantiate(load_rules()), explicit=explicit)


@pytest.mark.parametrize(("text", "path", "kind"), TEMPLATES)
def test_a_template_is_skipped_without_findings(text: str, path: str, kind: str) -> None:
    result = every_rule().lint_text(text, path)
    assert result.findings == []
    assert result.skipped == kind


@pytest.mark.parametrize(("text", "path", "kind"), TEMPLATES)
def test_selected_by_its_code_a_template_gets_one_finding(text: str, path: str, kind: str) -> None:
    result = every_rule(explicit=("LL002",)).lint_text(text, path)
    assert [finding.code for finding in result.findings] == ["LL002"]
    assert kind in said(result.findings[0])
    assert result.findings[0].location.line == 1
    assert result.skipped is None


def test_ll002_runs_only_when_selected_by_its_exact_code() -> None:
    assert [rule.code for rule in default_linter(select=["LL002"]).rules] == ["LL002"]
    assert default_linter(select=["LL0"]).rules == [rule_class("LL001")()] or [
        rule.code for rule in default_linter(select=["LL0"]).rules
    ] == ["LL001"]
    assert "LL002" not in {rule.code for rule in default_linter().rules}


@pytest.mark.parametrize(
    "text",
    [
        'FROM alpine\nRUN docker inspect --format "{{.Id}}" x\n',
        "FROM alpine\nRUN <<EOF\n{{ not a template here }}\nEOF\n",
        "FROM alpine\nRUN apk add curl\n",
    ],
)
def test_a_dockerfile_that_parses_is_never_a_template(text: str) -> None:
    result = every_rule(explicit=("LL002",)).lint_text(text, "Dockerfile")
    assert "LL002" not in {finding.code for finding in result.findings}
    assert result.skipped is None


def test_a_broken_dockerfile_without_template_tags_keeps_its_parse_errors() -> None:
    result = every_rule().lint_text("FROM alpine\nRUNN apk add curl\nCOPY\n", "Dockerfile")
    assert [(f.code, f.location.line) for f in result.findings] == [("LL001", 2), ("LL001", 3)]
    assert result.skipped is None


def test_ll001_reports_one_error_per_instruction() -> None:
    linter = Linter([rule_class("LL001")()])
    text = "FROM scratch\nCOPY --user=me --doit=true foo /tmp/\nCMD --doit [ 1 ]\n"
    findings = linter.lint_text(text, "Dockerfile").findings
    assert [f.location.line for f in findings] == [2, 3]


CORPUS_TEMPLATES = [
    "docker-library__php/Dockerfile-linux.template",
    "docker-library__python/Dockerfile-linux.template",
    "dotnet__dotnet-docker/eng__dockerfile-templates__runtime-deps__Dockerfile.chiseled-ubuntu",
    "microsoft__dotnet-framework-docker/eng__dockerfile-templates__runtime__Dockerfile",
    "adoptium__containers/docker_templates__ubuntu.Dockerfile.j2",
    "rails__rails/railties__lib__rails__generators__rails__app__templates__Dockerfile.tt",
    "cookiecutter__cookiecutter-django/{{cookiecutter.project_slug}}__compose__production__django__Dockerfile",
    # labeled LL002 findings (tests/data/labeled_findings.tsv), all "nothing to act on"
    "docker-library__golang/Dockerfile-linux.template",
    "nginxinc__docker-nginx/Dockerfile-alpine.template",
    "nodejs__docker-node/Dockerfile-alpine.template",
]


@pytest.mark.parametrize("name", CORPUS_TEMPLATES)
def test_corpus_templates_are_skipped(name: str) -> None:
    path = corpus_root() / "files" / name
    text = path.read_text(encoding="utf-8")
    result = every_rule().lint_text(text, str(path))
    assert result.findings == [], name
    assert result.skipped is not None
    findings = every_rule(explicit=("LL002",)).lint_text(text, str(path)).findings
    assert [finding.code for finding in findings] == ["LL002"], name


def test_corpus_flags_fixture_keeps_one_error_per_broken_instruction() -> None:
    path = (
        corpus_root()
        / "files"
        / "moby__buildkit/frontend__dockerfile__parser__testfiles__flags__Dockerfile"
    )
    findings = every_rule().lint_text(path.read_text(encoding="utf-8"), str(path)).findings
    lines = [f.location.line for f in findings if f.code == "LL001"]
    assert lines == sorted(set(lines))
    assert len(lines) >= 5


# -- the command line and its reports ------------------------------------------------------


def run(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lintlayers", "check", *arguments],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "Dockerfile").write_text('FROM alpine:3.20\nCMD ["sh"]\n', encoding="utf-8")
    (tmp_path / "Dockerfile.j2").write_text(JINJA, encoding="utf-8")
    (tmp_path / "base.Dockerfile.tmpl").write_text(GO_TEMPLATE, encoding="utf-8")
    return tmp_path


FILES = ("Dockerfile", "Dockerfile.j2", "base.Dockerfile.tmpl")


def test_text_notes_the_skipped_templates_on_stderr_and_exits_clean(project: Path) -> None:
    done = run(project, *FILES)
    assert done.returncode == 0
    assert done.stdout.startswith("All checks passed! (3 files)")
    assert done.stderr == (
        "note: skipped 2 template files, not Dockerfiles: Dockerfile.j2, base.Dockerfile.tmpl\n"
    )


def test_quiet_leaves_the_note_out(project: Path) -> None:
    done = run(project, "--quiet", *FILES)
    assert (done.returncode, done.stderr) == (0, "")


def test_select_ll002_reports_the_templates_as_before(project: Path) -> None:
    done = run(project, "--extend-select", "LL002", *FILES)
    assert done.returncode == 1
    assert "Dockerfile.j2:1:1: LL002 [info] template-file: this file is a Jinja template" in (
        done.stdout
    )
    assert "base.Dockerfile.tmpl:1:1: LL002" in done.stdout
    assert done.stderr == ""


def test_json_lists_the_skipped_files_and_validates(project: Path) -> None:
    done = run(project, "--format", "json", *FILES)
    report = json.loads(done.stdout)
    Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(report)
    assert report["findings"] == []
    assert report["skipped"] == [
        {
            "file": "Dockerfile.j2",
            "reason": "template",
            "message": "a Jinja template, not a Dockerfile",
        },
        {
            "file": "base.Dockerfile.tmpl",
            "reason": "template",
            "message": "a Go template, not a Dockerfile",
        },
    ]
    assert report["summary"]["files"] == 3


def test_sarif_has_a_notification_per_skipped_file_and_validates(project: Path) -> None:
    done = run(project, "--format", "sarif", *FILES)
    log = json.loads(done.stdout)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(log)
    (run_log,) = log["runs"]
    assert run_log["results"] == []
    (invocation,) = run_log["invocations"]
    notes = invocation["toolExecutionNotifications"]
    assert [note["level"] for note in notes] == ["note", "note"]
    assert [
        note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for note in notes
    ] == ["Dockerfile.j2", "base.Dockerfile.tmpl"]
    assert notes[0]["message"]["text"] == "Skipped: a Jinja template, not a Dockerfile"


def test_sarif_without_skipped_files_has_no_invocation(project: Path) -> None:
    log = json.loads(run(project, "--format", "sarif", "Dockerfile").stdout)
    assert "invocations" not in log["runs"][0]


def test_junit_shows_a_skipped_case_per_template(project: Path, tmp_path: Path) -> None:
    done = run(project, "--format", "junit", *FILES)
    path = tmp_path / "junit.xml"
    path.write_text(done.stdout, encoding="utf-8")
    suite = next(iter(JUnitXml.fromfile(str(path))))
    assert (suite.tests, suite.failures, suite.skipped) == (3, 0, 2)
    skipped = [case for case in suite if case.is_skipped]
    assert [case.classname for case in skipped] == ["Dockerfile.j2", "base.Dockerfile.tmpl"]
    assert isinstance(skipped[0].result[0], Skipped)
    assert skipped[0].result[0].message == "a Jinja template, not a Dockerfile"
