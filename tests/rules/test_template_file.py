"""LL002 template-file, and LL001 staying quiet on templates: one finding, never a cascade."""

from __future__ import annotations

import pytest
from corpus_support import corpus_root
from rule_harness import rule_class, said

from lintlayers.engine import Linter, instantiate
from lintlayers.registry import load_rules

JINJA = "FROM python:{{ version }}-slim\n{% if dev %}\nRUN pip install pytest\n{% endif %}\n"
GO_TEMPLATE = "FROM alpine\n{{ if .Dev }}\nRUN apk add gcc\n{{ end }}\nRUN echo hi\n"
ERB = "FROM ruby:3.3\n<% if node? %>\nRUN apt-get install -y nodejs\n<% end %>\n"


def all_findings(text: str, path: str) -> list:
    linter = Linter(instantiate(load_rules()))
    return linter.lint_text(text, path).findings


@pytest.mark.parametrize(
    ("text", "path", "kind"),
    [
        (JINJA, "Dockerfile", "a Jinja template"),
        (GO_TEMPLATE, "Dockerfile", "a Go or jq template"),
        (ERB, "Dockerfile", "an ERB template"),
        ("FROM alpine\nRUN apk add curl\n", "Dockerfile.template", "a template"),
        ("FROM alpine\nRUN apk add curl\n", "ubuntu.Dockerfile.j2", "a Jinja template"),
        ("FROM alpine\nRUN apk add curl\n", "Dockerfile.tt", "an ERB (Thor) template"),
        ("FROM alpine\n", "{{cookiecutter.slug}}/compose/Dockerfile", "a cookiecutter template"),
    ],
)
def test_a_template_gets_one_finding_and_nothing_else(text: str, path: str, kind: str) -> None:
    findings = all_findings(text, path)
    assert [finding.code for finding in findings] == ["LL002"]
    assert kind in said(findings[0])
    assert findings[0].location.line == 1


@pytest.mark.parametrize(
    "text",
    [
        'FROM alpine\nRUN docker inspect --format "{{.Id}}" x\n',
        "FROM alpine\nRUN <<EOF\n{{ not a template here }}\nEOF\n",
        "FROM alpine\nRUN apk add curl\n",
    ],
)
def test_a_dockerfile_that_parses_is_never_a_template(text: str) -> None:
    assert "LL002" not in {finding.code for finding in all_findings(text, "Dockerfile")}


def test_a_broken_dockerfile_without_template_tags_keeps_its_parse_errors() -> None:
    findings = all_findings("FROM alpine\nRUNN apk add curl\nCOPY\n", "Dockerfile")
    assert [(f.code, f.location.line) for f in findings] == [("LL001", 2), ("LL001", 3)]


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
]


@pytest.mark.parametrize("name", CORPUS_TEMPLATES)
def test_corpus_templates_get_one_finding(name: str) -> None:
    path = corpus_root() / "files" / name
    text = path.read_text(encoding="utf-8")
    findings = all_findings(text, str(path))
    assert [finding.code for finding in findings] == ["LL002"], name


def test_corpus_flags_fixture_keeps_one_error_per_broken_instruction() -> None:
    path = (
        corpus_root()
        / "files"
        / "moby__buildkit/frontend__dockerfile__parser__testfiles__flags__Dockerfile"
    )
    findings = all_findings(path.read_text(encoding="utf-8"), str(path))
    lines = [f.location.line for f in findings if f.code == "LL001"]
    assert lines == sorted(set(lines))
    assert len(lines) >= 5
