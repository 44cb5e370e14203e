"""``.ci/run`` runs exactly the test command README.md shows, and the checks it names."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("Install and run the tests", 1)[1]
    block = re.search(r"```sh\n(.*?)\n```", section, re.DOTALL)
    assert block is not None, "README.md shows no test command"
    return block.group(1).strip()


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    command = _readme_test_command()
    assert "\n" not in command
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line for line in script.splitlines() if not line.lstrip().startswith("#")]
    assert any(line.startswith(command + " ") or line == command for line in lines), command
    assert "-n auto" in command and "--dist loadscope" in command  # every test, every core


def test_ci_runs_the_linters_and_the_type_checker() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for check in ("ruff check .", "ruff format --check .", "mypy"):
        assert f".venv/bin/{check}" in script, check
    assert 'CI="${CI:-true}"' in script  # buildah tests fail instead of skipping
