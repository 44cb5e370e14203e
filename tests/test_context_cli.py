"""``lintlayers context`` and the `.dockerignore` fix through ``lintlayers check``, end to end."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lintlayers.cli import main

DOCKERFILE = "FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\nCOPY . .\n"
PROJECT = {
    "package.json": '{"name": "app"}',
    "index.js": "console.log(1)\n",
    "node_modules/left-pad/index.js": "x" * 3000,
    ".git/HEAD": "ref: refs/heads/main\n",
    ".env": "TOKEN=abc\n",
}


def make(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    (root / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    return root


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR",)}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "lintlayers", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def test_context_plain_table(tmp_path: Path) -> None:
    make(tmp_path, PROJECT)
    result = cli("context", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Dockerfile: build context {tmp_path} (no .dockerignore)"
    assert lines[1].split() == [
        "LINE",
        "INSTRUCTION",
        "FILES",
        "SIZE",
        "TOP",
        "CONTRIBUTORS",
        "FLAGGED",
    ]
    assert lines[2].split()[:6] == ["3", "COPY", "package.json", "./", "1", "15"]
    assert lines[2].split()[6:] == ["B", "package.json", "15", "B", "-"]
    row = lines[3]
    assert row.startswith("5     COPY . .")
    assert "node_modules/ 3.0 kB" in row
    assert "node_modules/ (dependencies, 3.0 kB)" in row
    assert ".git/ (version control, 21 B)" in row
    assert ".env (secret, 10 B)" in row
    assert "\x1b[" not in result.stdout


def test_context_json(tmp_path: Path) -> None:
    make(tmp_path, {**PROJECT, ".dockerignore": ".git\n"})
    result = cli("context", ".", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["dockerfile"] == os.path.join(".", "Dockerfile")
    assert data["context"] == str(tmp_path)
    assert data["ignore_file"] == str(tmp_path / ".dockerignore")
    first, second = data["copies"]
    assert (first["line"], first["instruction"], first["files"], first["bytes"]) == (
        3,
        "COPY",
        1,
        15,
    )
    assert second["sources"] == ["."]
    assert {item["path"]: item["category"] for item in second["flagged"]} == {
        "node_modules": "dependencies",
        ".env": "secret",
    }
    assert second["flagged"][0] == {
        "path": "node_modules",
        "is_dir": True,
        "category": "dependencies",
        "what": "packages installed on the host",
        "bytes": 3000,
        "files": 1,
        "deliberate": False,
        "explicit": False,
        "ignore": "node_modules",
    }
    assert second["contributors"][0] == {
        "path": "node_modules",
        "is_dir": True,
        "bytes": 3000,
        "files": 1,
    }


def test_context_option_and_errors(tmp_path: Path) -> None:
    project = make(tmp_path / "project", PROJECT)
    docker = tmp_path / "docker"
    docker.mkdir()
    (docker / "Dockerfile").write_text("FROM alpine\nCOPY index.js /app/\n", encoding="utf-8")
    result = cli("context", "docker/Dockerfile", "--context", "project", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"build context {project}" in result.stdout
    assert "index.js 15 B" in result.stdout
    missing = cli("context", "nope/Dockerfile", cwd=tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    no_context = cli("context", "docker/Dockerfile", "--context", "absent", cwd=tmp_path)
    assert no_context.returncode == 2 and "not a folder" in no_context.stderr
    (project / ".dockerignore").write_text("[z-a]\n", encoding="utf-8")
    bad = cli("context", "project", cwd=tmp_path)
    assert bad.returncode == 2 and ".dockerignore" in bad.stderr


def test_context_without_copies(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine\nRUN true\n", encoding="utf-8")
    result = cli("context", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[1] == "No COPY or ADD reads the build context."


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_context_rich_table_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, {**PROJECT, "[odd].js": "x" * 5000})
    out = _Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["context", str(tmp_path / "Dockerfile")]) == 0
    text = out.getvalue()
    assert "┃ LINE ┃" in text or "LINE" in text.splitlines()[2]
    assert "node_modules/ (dependencies, 3.0 kB)" in text
    assert "[odd].js" in text  # not taken for markup


def _check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return cli("check", "Dockerfile", "--select", "LL309,LL311", *args, cwd=cwd)


def test_check_fix_writes_the_dockerignore(tmp_path: Path) -> None:
    make(tmp_path, PROJECT)
    without_unsafe = _check("--fix", cwd=tmp_path)
    assert without_unsafe.returncode == 1
    assert not (tmp_path / ".dockerignore").exists()

    fixed = _check("--fix", "--unsafe-fixes", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Fixed 2 findings." in fixed.stdout
    ignore = tmp_path / ".dockerignore"
    assert ignore.read_text(encoding="utf-8") == "node_modules\n.git\n.env\n"
    assert (tmp_path / "Dockerfile").read_text(encoding="utf-8") == DOCKERFILE
    names = sorted(path.name for path in tmp_path.iterdir())
    assert not [name for name in names if name.startswith(".lintlayers-")]  # no temp file left

    again = _check("--fix", "--unsafe-fixes", cwd=tmp_path)
    assert again.returncode == 0
    assert ignore.read_text(encoding="utf-8") == "node_modules\n.git\n.env\n"


def test_check_fix_appends_and_keeps_the_mode(tmp_path: Path) -> None:
    make(tmp_path, PROJECT)
    ignore = tmp_path / ".dockerignore"
    ignore.write_text("# local\n*.log", encoding="utf-8")
    ignore.chmod(0o640)
    fixed = _check("--fix", "--unsafe-fixes", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert ignore.read_text(encoding="utf-8") == "# local\n*.log\nnode_modules\n.git\n.env\n"
    assert stat.S_IMODE(ignore.stat().st_mode) == 0o640


def test_check_diff_shows_the_dockerignore_and_writes_nothing(tmp_path: Path) -> None:
    make(tmp_path, PROJECT)
    result = _check("--diff", "--unsafe-fixes", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "--- /dev/null\n+++ b/.dockerignore\n@@ -0,0 +1,3 @@\n+node_modules\n+.git\n+.env\n"
    )
    assert not (tmp_path / ".dockerignore").exists()


def test_check_json_carries_the_other_file(tmp_path: Path) -> None:
    make(tmp_path, PROJECT)
    result = _check("--format", "json", cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert [finding["code"] for finding in findings] == ["LL309", "LL311"]
    (edit,) = findings[0]["fix"]["edits"]
    assert edit == {
        "location": {"line": 1, "column": 1},
        "end_location": {"line": 1, "column": 1},
        "content": "node_modules\n.git\n",
        "path": ".dockerignore",
    }


UNSAFE = ("--unsafe-fixes", "--select", "LL309")


def test_check_from_stdin_does_not_touch_other_files(tmp_path: Path) -> None:
    make(tmp_path, PROJECT)
    result = subprocess.run(
        [sys.executable, "-m", "lintlayers", "check", "-", "--context", ".", "--fix", *UNSAFE],
        cwd=tmp_path,
        input=DOCKERFILE,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.stdout == DOCKERFILE
    assert "reading stdin" in result.stderr
    assert not (tmp_path / ".dockerignore").exists()
