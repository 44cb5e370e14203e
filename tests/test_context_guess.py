"""The Dockerfile's folder is used as build context only when it looks like one."""

from __future__ import annotations

from rule_harness import rule_class

from lintlayers.buildcontext.guess import plausible_context
from lintlayers.engine import Linter
from lintlayers.syntax import parse

PYTHON_APP = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"


def test_folder_of_only_dockerfiles_is_not_a_context(tmp_path):
    (tmp_path / "Dockerfile").write_text(PYTHON_APP)
    (tmp_path / "other__Dockerfile").write_text("FROM b\n")
    assert not plausible_context(parse(PYTHON_APP), str(tmp_path), str(tmp_path / "Dockerfile"))


def test_project_marker_named_source_or_dockerignore_make_it_a_context(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    (tmp_path / "requirements.txt").write_text("flask\n")
    assert plausible_context(parse(PYTHON_APP), str(tmp_path), str(dockerfile))
    other = tmp_path / "named"
    other.mkdir()
    (other / "app.py").write_text("print(1)\n")
    text = "FROM python:3.12\nCOPY app.py /app/\n"
    assert plausible_context(parse(text), str(other), str(other / "Dockerfile"))
    assert not plausible_context(
        parse("FROM a\nCOPY missing.py /x/\n"), str(other), str(other / "Dockerfile")
    )
    ignored = tmp_path / "ignored"
    ignored.mkdir()
    (ignored / "Dockerfile.dockerignore").write_text("*.md\n")
    assert plausible_context(parse(PYTHON_APP), str(ignored), str(ignored / "Dockerfile"))


def test_guessed_context_that_does_not_fit_is_not_used_by_rules(tmp_path):
    (tmp_path / "Dockerfile").write_text(PYTHON_APP)
    linter = Linter([rule_class("LL101")()])
    path = str(tmp_path / "Dockerfile")
    guessed = linter.lint_text(PYTHON_APP, path, context_dir=str(tmp_path), guessed_context=True)
    assert [f.code for f in guessed.findings] == ["LL101"]
    # the same folder given explicitly is trusted: requirements.txt is not there
    explicit = linter.lint_text(PYTHON_APP, path, context_dir=str(tmp_path))
    assert explicit.findings == []
