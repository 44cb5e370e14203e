"""The project's own ``.pre-commit-config.yaml``: valid, offline, and its hooks run what CI runs.

Every hook is a ``repo: local`` hook with ``language: system``: pre-commit clones
nothing and installs nothing, it runs the tools of the development virtualenv (the
one running these tests, put first on ``PATH`` as an activated venv would be). The
hooks run with the real pre-commit in a git repository holding a copy of the
working tree (``project_snapshot.committed_checkout``), never in the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from project_snapshot import ROOT, committed_checkout, git, git_env

CONFIG = ROOT / ".pre-commit-config.yaml"
HOOKS = ("ruff-check", "ruff-format", "mypy", "lintlayers")
OWN_FILES = (
    "lintlayers/cache/together.py",
    "lintlayers/model/run_join.py",
    "tests/test_project_hooks.py",
)


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding the working tree as one commit."""
    path, _ = committed_checkout(tmp_path_factory.mktemp("project"))
    return path


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """pre-commit's environment: its own store, the venv's tools first on ``PATH``."""
    values = git_env()
    for name in ("PYTHONPATH", "VIRTUAL_ENV", "NO_COLOR", "FORCE_COLOR"):
        values.pop(name, None)
    values["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    values["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), values.get("PATH", "")))
    return values


def pre_commit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args, "--color", "never"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def run_hook(hook: str, *args: str, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    result = pre_commit("run", hook, *args, cwd=cwd, env=env)
    return result.returncode, result.stdout + result.stderr


def test_the_config_is_valid_and_needs_no_network(env: dict[str, str]) -> None:
    result = pre_commit("validate-config", str(CONFIG), cwd=ROOT, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {repo["repo"] for repo in config["repos"]} == {"local"}
    assert {hook["language"] for hook in hooks} == {"system"}
    assert tuple(hook["id"] for hook in hooks) == HOOKS


def test_the_lintlayers_hook_lints_the_examples(clone: Path, env: dict[str, str]) -> None:
    code, output = run_hook("lintlayers", "--all-files", cwd=clone, env=env)
    assert code == 0, output
    assert "lintlayers (examples)" in output and "Passed" in output
    broken = clone / "examples" / "broken" / "Dockerfile"
    broken.parent.mkdir()
    broken.write_text("FROM alpine:3.20\nFRM x\n", encoding="utf-8")
    git(clone, "add", str(broken))
    try:
        code, output = run_hook("lintlayers", "--all-files", cwd=clone, env=env)
        assert code == 1, output
        assert "examples/broken/Dockerfile:2:1: LL001 [error]" in output
    finally:
        git(clone, "rm", "-q", "-f", str(broken))
    # Nothing under examples/ changed: the hook does not run.
    code, output = run_hook("lintlayers", "--files", "README.md", cwd=clone, env=env)
    assert code == 0 and "no files to check" in output.lower(), output


def test_the_ruff_hooks_run_the_venvs_ruff(clone: Path, env: dict[str, str]) -> None:
    for hook in ("ruff-check", "ruff-format"):
        code, output = run_hook(hook, "--files", *OWN_FILES, cwd=clone, env=env)
        assert code == 0, output
    bad = clone / "lintlayers" / "badly_written.py"
    bad.write_text("import os\nx=1\n", encoding="utf-8")
    git(clone, "add", str(bad))  # pre-commit sees changes to tracked files only
    try:
        code, output = run_hook("ruff-check", "--files", str(bad), cwd=clone, env=env)
        assert code == 1 and "F401" in output, output
        code, output = run_hook("ruff-format", "--files", str(bad), cwd=clone, env=env)
        assert code == 1 and "files were modified by this hook" in output, output
        assert bad.read_text(encoding="utf-8") == "import os\n\nx = 1\n"
    finally:
        git(clone, "rm", "-q", "-f", str(bad))


@pytest.mark.slow
def test_the_mypy_hook_runs_mypy_as_configured(clone: Path, env: dict[str, str]) -> None:
    """The hook ends as ``mypy`` does in CI: on the files and settings of ``[tool.mypy]``."""
    code, output = run_hook("mypy", "--all-files", "--verbose", cwd=clone, env=env)
    direct = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert code == direct.returncode, output + direct.stdout
    summary = direct.stdout.strip().splitlines()[-1]
    assert summary in output
