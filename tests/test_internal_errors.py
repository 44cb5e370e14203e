"""A failure while linting one file is a finding of that file; the other files are linted.

The real CLI in a subprocess, with a real third-party plugin (installed on ``PYTHONPATH``
as ``pip install --target`` would) whose rules fail on purpose on marked files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN_MODULE = "lintlayers_failing_rules"
PLUGIN_SOURCE = '''
"""Rules that fail on files holding a marker, to prove one failure loses nothing else."""

from lintlayers.rule import Rule


class RaisesInCheck(Rule):
    """Raises inside its own check on a file with ``LABEL raise=1``."""

    code = "XF001"
    name = "raises-in-check"
    category = "style"
    severity = "warning"
    summary = "Raises on a marked file"

    def check(self, context):
        if "LABEL raise=1" in context.dockerfile.source.text:
            raise RuntimeError("the check broke")
        return []


class ReturnsGarbage(Rule):
    """Yields something that is no violation on a file with ``LABEL garbage=1``: the
    engine fails outside the rule's own call, while stamping findings."""

    code = "XF002"
    name = "returns-garbage"
    category = "style"
    severity = "warning"
    summary = "Returns a non-violation on a marked file"

    def check(self, context):
        if "LABEL garbage=1" in context.dockerfile.source.text:
            yield object()
'''

GOOD = 'FROM alpine:3.20\nCMD ["sh"]\n'
MAINTAINER = "FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.com>\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _plugin_env(tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "plugin-site"
    _write(site / f"{PLUGIN_MODULE}.py", PLUGIN_SOURCE)
    info = site / "lintlayers_failing_rules-0.1.0.dist-info"
    _write(info / "METADATA", "Metadata-Version: 2.1\nName: lintlayers-failing-rules\n")
    _write(
        info / "entry_points.txt",
        f"[lintlayers.rules]\nXF001 = {PLUGIN_MODULE}:RaisesInCheck\n"
        f"XF002 = {PLUGIN_MODULE}:ReturnsGarbage\n",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    existing = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(site) if not existing else os.pathsep.join((str(site), existing))
    return env


def _check(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lintlayers", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("marker", ["LABEL raise=1", "LABEL garbage=1"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_failing_file_is_an_ll000_finding_and_the_others_are_reported(
    tmp_path: Path, marker: str, jobs: str
) -> None:
    _write(tmp_path / "a" / "Dockerfile", MAINTAINER)
    _write(tmp_path / "b" / "Dockerfile", f"FROM alpine:3.20\n{marker}\n")
    _write(tmp_path / "c" / "Dockerfile", MAINTAINER)
    result = _check(
        tmp_path,
        "--format",
        "json",
        "--jobs",
        jobs,
        "a/Dockerfile",
        "b/Dockerfile",
        "c/Dockerfile",
        env=_plugin_env(tmp_path),
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "b/Dockerfile: internal error" in result.stderr
    findings = json.loads(result.stdout)["findings"]
    by_file: dict[str, set[str]] = {}
    for finding in findings:
        by_file.setdefault(finding["file"], set()).add(finding["code"])
    assert "LL201" in by_file["a/Dockerfile"]
    assert "LL201" in by_file["c/Dockerfile"]
    assert "LL000" in by_file["b/Dockerfile"]
    internal = [f for f in findings if f["code"] == "LL000"]
    assert all(f["file"] == "b/Dockerfile" for f in internal)
    assert all(f["severity"] == "error" for f in internal)
    assert all(f["location"]["line"] == 1 for f in internal)


def test_a_failing_file_under_fix_is_left_alone_and_others_are_fixed(tmp_path: Path) -> None:
    a = _write(tmp_path / "a" / "Dockerfile", MAINTAINER)
    b = _write(tmp_path / "b" / "Dockerfile", "FROM alpine:3.20\nLABEL garbage=1\n")
    result = _check(tmp_path, "--fix", "a/Dockerfile", "b/Dockerfile", env=_plugin_env(tmp_path))
    assert result.returncode == 2, result.stderr
    assert "LABEL maintainer=" in a.read_text()
    assert b.read_text() == "FROM alpine:3.20\nLABEL garbage=1\n"
    assert "LL000" in result.stdout


UNTERMINATED = [
    'FROM alpine:3.20\nCMD ["a]\n',
    'FROM alpine:3.20\nCOPY --from=build ["/] /dst/\n',
    'FROM alpine:3.20\nENTRYPOINT ["a\\"]\n',
    'FROM alpine:3.20\nRUN ["sh", "-c", "x\ty"]\n',
    'FROM alpine:3.20\nCMD ["\\u12"]\n',
]


def test_unterminated_exec_forms_are_shell_forms_and_crash_nothing(tmp_path: Path) -> None:
    names = []
    for index, text in enumerate(UNTERMINATED):
        _write(tmp_path / f"d{index}" / "Dockerfile", text)
        names.append(f"d{index}/Dockerfile")
    _write(tmp_path / "z" / "Dockerfile", MAINTAINER)
    result = _check(tmp_path, "--format", "json", *names, "z/Dockerfile")
    assert result.returncode in (0, 1), result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert not [f for f in findings if f["code"] in ("LL000", "LL001")]
    assert {f["code"] for f in findings if f["file"] == "z/Dockerfile"} == {"LL201"}


def test_unterminated_exec_form_parses_as_shell_form() -> None:
    from lintlayers.source import SourceText
    from lintlayers.syntax.parser import parse_source

    dockerfile = parse_source(SourceText('FROM alpine\nCMD ["a]\n', "Dockerfile"))
    cmd = dockerfile.instructions[1]
    assert not dockerfile.all_errors()
    assert cmd.keyword == "CMD"
    assert not cmd.is_json
    assert cmd.arguments.strip() == '["a]'


def test_copy_with_an_unterminated_exec_form_is_a_parse_error_not_a_crash(tmp_path: Path) -> None:
    _write(tmp_path / "Dockerfile", 'FROM alpine:3.20\nCOPY --from=build ["/]\n')
    result = _check(tmp_path, "--format", "json", "Dockerfile")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["location"]["line"]) for f in findings] == [("LL001", 2)]


@pytest.mark.parametrize("install", ["dotnet restore", "npm ci", "go build ."])
def test_a_copy_to_the_root_under_an_unknown_workdir_reads_no_such_context_path(
    tmp_path: Path, install: str
) -> None:
    """Found by the fuzzing campaign (seed 607): an install in the working directory an
    image set (unknown) after ``COPY foo /`` looked for a context path holding the
    model's mark for that directory, a NUL byte: ``ValueError: embedded null byte`` in
    LL101, LL105 and LL107."""
    (tmp_path / "ctx" / "foo").mkdir(parents=True)
    _write(tmp_path / "Dockerfile", f"FROM busybox\nCOPY foo /\nRUN {install}\n")
    result = _check(tmp_path, "--format", "json", "--context", "ctx", "Dockerfile")
    assert result.returncode in (0, 1), result.stdout + result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert not [finding for finding in findings if finding["code"] == "LL000"]
