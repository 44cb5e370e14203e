"""The GitHub Action: ``action.yml`` and the step script it runs, ``scripts/github_action.py``.

The script runs as the composite step runs it: in a subprocess, in the checkout, with the
inputs as ``INPUT_*`` variables and the runner's ``GITHUB_STEP_SUMMARY`` and
``GITHUB_OUTPUT`` files, over real Dockerfiles.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from test_reporters import sarif_validator

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
SCRIPT = ROOT / "scripts" / "github_action.py"
BAD = "FROM python:3.12-slim\nMAINTAINER jane\nRUN pip install flask\nMAINTAINER joe | jim\n"
GOOD = 'FROM alpine:3.20\nCMD ["sh"]\n'


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("github_action", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def action() -> dict[str, object]:
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# --- action.yml --------------------------------------------------------------------------------


def test_action_is_a_composite_action_with_the_expected_inputs() -> None:
    data = action()
    assert data["name"] == "lintlayers"
    assert data["description"]
    inputs = data["inputs"]
    assert isinstance(inputs, dict)
    assert {"paths", "config", "fail-level", "builder", "sarif-file", "version"} <= set(inputs)
    assert inputs["paths"]["default"] == "."
    for name, spec in inputs.items():
        assert spec["description"], name
        assert spec.get("required", False) is False, name
    runs = data["runs"]
    assert isinstance(runs, dict)
    assert runs["using"] == "composite"
    for step in runs["steps"]:
        assert step["shell"] == "bash"  # composite run steps must name their shell
    outputs = data["outputs"]
    assert isinstance(outputs, dict)
    assert set(outputs) == {"findings", "exit-code", "sarif-file"}


def test_action_installs_from_its_own_checkout_or_pypi() -> None:
    steps = action()["runs"]["steps"]  # type: ignore[index]
    install = steps[0]["run"]
    assert 'pip install --quiet --disable-pip-version-check "${{ github.action_path }}"' in install
    assert '"lintlayers==$INPUT_VERSION"' in install
    assert steps[0]["env"]["INPUT_VERSION"] == "${{ inputs.version }}"


def test_action_runs_the_script_with_every_input_it_reads() -> None:
    steps = action()["runs"]["steps"]  # type: ignore[index]
    lint = next(step for step in steps if "github_action.py" in step["run"])
    assert lint["id"] == "lint"
    assert "${{ github.action_path }}/scripts/github_action.py" in lint["run"]
    assert lint["run"].startswith('"${{ steps.install.outputs.python }}"')
    env = lint["env"]
    assert set(env) == set(load_script().INPUTS)
    for name, expression in env.items():
        input_name = name.removeprefix("INPUT_").lower().replace("_", "-")
        assert expression == f"${{{{ inputs.{input_name} }}}}"


def test_action_never_pastes_an_input_into_a_shell_script() -> None:
    """Inputs reach the steps as environment variables (no script injection)."""
    data = action()
    inputs = set(data["inputs"])  # type: ignore[arg-type]
    for step in data["runs"]["steps"]:  # type: ignore[index]
        assert "inputs." not in step["run"]
        for expression in step.get("env", {}).values():
            for name in re.findall(r"inputs\.([\w-]+)", expression):
                assert name in inputs
    for output in data["outputs"].values():  # type: ignore[union-attr]
        assert re.fullmatch(r"\$\{\{ steps\.lint\.outputs\.[\w-]+ \}\}", output["value"])


# --- the step, in a simulated runner -----------------------------------------------------------


def project(root: Path) -> Path:
    (root / "app").mkdir()
    (root / "app" / "Dockerfile").write_text(BAD, encoding="utf-8")
    (root / "tools").mkdir()
    (root / "tools" / "Dockerfile").write_text(GOOD, encoding="utf-8")
    return root


def run_step(root: Path, **inputs: str) -> tuple[int, str, str, str, dict[str, str]]:
    """Run the step script: exit code, stdout, stderr, the summary, and the outputs."""
    summary = root / "runner" / "summary.md"
    output = root / "runner" / "output"
    summary.parent.mkdir(exist_ok=True)
    summary.write_text("# earlier step\n\n", encoding="utf-8")
    output.write_text("", encoding="utf-8")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("INPUT_", "GITHUB_")) and key not in ("NO_COLOR", "FORCE_COLOR")
    }
    env.update(
        {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(root),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(output),
            "RUNNER_TEMP": str(root / "runner"),
        }
    )
    for name in load_script().INPUTS:  # as action.yml passes them: every one, maybe empty
        env[name] = ""
    env.update({f"INPUT_{key.upper()}": value for key, value in inputs.items()})
    completed = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n\n")  # appended, not overwritten
    outputs = dict(
        line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if line
    )
    return completed.returncode, completed.stdout, completed.stderr, text, outputs


def test_step_annotates_writes_sarif_and_a_summary_and_fails(tmp_path: Path) -> None:
    root = project(tmp_path)
    code, stdout, stderr, summary, outputs = run_step(
        root, paths="app tools", sarif_file="reports/lintlayers.sarif"
    )
    assert code == 1, stderr
    annotations = stdout.splitlines()
    assert annotations[0].startswith(
        "::warning file=app/Dockerfile,line=2,col=1,endLine=2,endColumn=11,"
        "title=LL201 maintainer-deprecated::MAINTAINER is deprecated"
    )
    assert all(line.startswith(("::warning ", "::notice ", "::error ")) for line in annotations)
    codes = [re.search(r"title=(LL\d+)", line).group(1) for line in annotations]  # type: ignore[union-attr]
    assert codes.count("LL201") == 2
    assert "LL304" in codes

    sarif = json.loads((root / "reports" / "lintlayers.sarif").read_text(encoding="utf-8"))
    assert list(sarif_validator().iter_errors(sarif)) == []
    results = sarif["runs"][0]["results"]
    assert len(results) == len(annotations)
    assert {result["ruleId"] for result in results} == set(codes)
    rules = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["LL201"]["shortDescription"]["text"].startswith("MAINTAINER is deprecated")
    uris = {
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in results
    }
    assert uris == {"app/Dockerfile"}

    assert "## lintlayers" in summary
    assert f"**{len(annotations)} findings**" in summary
    assert "in 1 file of 2 files checked; the step fails." in summary
    assert "| Rule | Name | Severity | Findings |" in summary
    row = next(line for line in summary.splitlines() if line.startswith("| [LL201]"))
    assert row.endswith("| `maintainer-deprecated` | warning | 2 |")
    table = [line for line in summary.splitlines() if re.match(r"\| \[?LL\d", line)]
    assert table[0].startswith("| [LL201]")  # the most frequent rule first
    for line in summary.splitlines():  # every row of a table has its table's cells
        if line.startswith("| File |") or line.startswith("| `"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 6, line
    assert outputs == {
        "findings": str(len(annotations)),
        "exit-code": "1",
        "sarif-file": "reports/lintlayers.sarif",
    }


def test_step_passes_below_the_fail_level(tmp_path: Path) -> None:
    root = project(tmp_path)
    code, stdout, _, summary, outputs = run_step(root, fail_level="error")
    assert code == 0
    assert "::warning file=app/Dockerfile,line=2" in stdout  # still annotated
    assert "the step passes." in summary
    assert outputs["exit-code"] == "0"
    assert outputs["sarif-file"] == ""
    assert not list(root.rglob("*.sarif"))


def test_step_on_clean_files(tmp_path: Path) -> None:
    root = project(tmp_path)
    code, stdout, _, summary, outputs = run_step(root, paths="tools")
    assert code == 0
    assert stdout == ""
    assert "No findings in 1 file checked." in summary
    assert outputs["findings"] == "0"


def test_step_passes_config_builder_and_arguments(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "app" / "Dockerfile").write_text(
        'FROM alpine\nLABEL version="1.0.1"\nRUN echo hi\nCOPY . /app\n', encoding="utf-8"
    )
    (root / "lint.toml").write_text('fail-level = "error"\n', encoding="utf-8")
    # LL202 (metadata before layers) applies to the classic builder only
    code, stdout, stderr, _, _ = run_step(root, paths="app", builder="classic")
    assert code == 1, stderr
    assert "title=LL202 " in stdout
    _, stdout, _, _, _ = run_step(root, paths="app")
    assert "title=LL202 " not in stdout
    code, stdout, _, _, _ = run_step(root, paths="app", builder="classic", config="lint.toml")
    assert code == 0  # the file's fail level: error
    assert "title=LL202 " in stdout
    _, stdout, _, _, _ = run_step(root, paths="app", builder="classic", args="--ignore LL202")
    assert "title=LL202 " not in stdout


def test_step_paths_on_several_lines_with_quotes(tmp_path: Path) -> None:
    root = project(tmp_path)
    spaced = root / "my app"
    spaced.mkdir()
    (spaced / "Dockerfile").write_text(BAD, encoding="utf-8")
    code, stdout, _, summary, _ = run_step(root, paths="tools\n'my app'\n")
    assert code == 1
    assert "::warning file=my app/Dockerfile,line=2" in stdout
    assert "in 1 file of 2 files checked" in summary


@pytest.mark.parametrize(
    "inputs",
    [{"config": "missing.toml"}, {"fail_level": "fatal"}, {"paths": "no/such/folder"}],
)
def test_step_reports_an_error_with_exit_code_2(tmp_path: Path, inputs: dict[str, str]) -> None:
    root = project(tmp_path)
    code, _, stderr, summary, outputs = run_step(root, **inputs)
    assert code == 2
    assert "lintlayers" in stderr
    assert "## lintlayers" in summary
    assert outputs["exit-code"] == "2"


def test_summary_cells_hold_one_line_with_pipes_escaped() -> None:
    assert load_script().cell("COPY a|b \\\n  /app") == "COPY a\\|b \\ /app"
