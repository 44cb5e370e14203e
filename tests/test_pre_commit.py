"""The pre-commit hooks, run by the real pre-commit from a git repository of this checkout.

pre-commit installs a hook by cloning its repository at a commit and running
``pip install .`` in a fresh virtualenv, so the hook repository must be a git
repository with ``.pre-commit-hooks.yaml`` committed. ``try-repo`` on a dirty
checkout would commit only tracked files (``git add -u``) into its shadow copy,
dropping new, untracked modules; the tests therefore commit a copy of the working
tree (tracked and unignored new files) into a temporary repository and point
pre-commit at that: in CI, a clean clone, it is the same as the checkout.

``try-repo`` always builds its environment in a throw-away store; the other tests
use ``pre-commit run`` with a config naming the same repository and commit and
share one ``PRE_COMMIT_HOME`` across the module, so that environment is built once.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from project_snapshot import committed_checkout, git, git_env, init_repo

from lintlayers.discovery import PRE_COMMIT_FILES_PATTERN, is_dockerfile_name

BAD = "FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.com>\n"
BAD_FIXED = 'FROM alpine:3.20\nLABEL maintainer="Jane Doe <jane@example.com>"\n'
GOOD = 'FROM alpine:3.20\nCMD ["sh"]\n'
README = "# My project\n\nBuild it with docker build.\nMAINTAINER is not a word you see here.\n"
"""Not a Dockerfile: linted as one it would give parse errors naming README.md."""


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository of this checkout's working tree: path and commit."""
    return committed_checkout(tmp_path_factory.mktemp("lintlayers-repo"))


@pytest.fixture(scope="module")
def pre_commit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """pre-commit's environment: a store shared by the module, no PYTHONPATH leaking in."""
    env = git_env()
    for name in ("PYTHONPATH", "PRE_COMMIT_HOME", "VIRTUAL_ENV", "NO_COLOR", "FORCE_COLOR"):
        env.pop(name, None)
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    return env


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


def project(root: Path, files: dict[str, str]) -> Path:
    """A git repository with ``files`` written and staged (``git add``)."""
    init_repo(root)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    return root


def use_hooks(root: Path, hook_repo: tuple[Path, str], *hook_ids: str) -> None:
    """Write and stage a ``.pre-commit-config.yaml`` with the hooks at the snapshot's commit."""
    path, rev = hook_repo
    config = {"repos": [{"repo": str(path), "rev": rev, "hooks": [{"id": i} for i in hook_ids]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(root, "add", ".pre-commit-config.yaml")


def hook_line(output: str, name: str) -> str:
    """The status word pre-commit printed for hook ``name`` (Passed, Failed, Skipped)."""
    match = re.search(rf"^{re.escape(name)}\.*(\(no files to check\))?(\w+)$", output, re.M)
    assert match, output
    return match.group(2)


def test_hook_manifest(hook_repo: tuple[Path, str], pre_commit_env: dict[str, str]) -> None:
    path, _ = hook_repo
    manifest = path / ".pre-commit-hooks.yaml"
    validated = pre_commit("validate-manifest", str(manifest), cwd=path, env=pre_commit_env)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    hooks = {hook["id"]: hook for hook in yaml.safe_load(manifest.read_text(encoding="utf-8"))}
    assert set(hooks) == {"lintlayers", "lintlayers-fix"}
    # --force-exclude: pre-commit names every file, and the configured exclusions hold
    assert hooks["lintlayers"]["entry"] == "lintlayers check --force-exclude"
    assert hooks["lintlayers-fix"]["entry"] == "lintlayers check --fix --force-exclude"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["files"] == PRE_COMMIT_FILES_PATTERN
    pattern = re.compile(PRE_COMMIT_FILES_PATTERN)
    for name in (
        "Dockerfile",
        "Containerfile",
        "Dockerfile.dev",
        "app.dockerfile",
        "app.Dockerfile",
        "README.md",
        ".dockerignore",
        "Dockerfile.dockerignore",
        "Dockerfile-old",
        "notes.txt",
    ):
        for path_name in (name, f"docker/{name}"):
            assert bool(pattern.search(path_name)) == is_dockerfile_name(name), path_name


@pytest.mark.slow  # pre-commit installs the hook's environment from the repository
def test_try_repo_fails_on_a_finding_then_passes(
    hook_repo: tuple[Path, str], pre_commit_env: dict[str, str], tmp_path: Path
) -> None:
    root = project(tmp_path / "app", {"Dockerfile": BAD})
    hooks = str(hook_repo[0])

    failed = pre_commit(
        "try-repo", hooks, "lintlayers", "--all-files", cwd=root, env=pre_commit_env
    )
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert hook_line(output, "lintlayers") == "Failed"
    assert "- exit code: 1" in output  # findings, not a broken install (which exits 2)
    assert "Dockerfile:2:1: LL201 [warning] maintainer-deprecated" in output
    assert (root / "Dockerfile").read_text(encoding="utf-8") == BAD  # the check hook never fixes

    (root / "Dockerfile").write_text(GOOD, encoding="utf-8")
    git(root, "add", "Dockerfile")
    passed = pre_commit(
        "try-repo", hooks, "lintlayers", "--all-files", cwd=root, env=pre_commit_env
    )
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert hook_line(output, "lintlayers") == "Passed"


@pytest.mark.slow
def test_hook_picks_dockerfiles_and_leaves_other_files_alone(
    hook_repo: tuple[Path, str], pre_commit_env: dict[str, str], tmp_path: Path
) -> None:
    root = project(
        tmp_path / "app",
        {
            "README.md": README,
            "app.dockerfile": BAD,
            "Containerfile": BAD,
            "deploy/Dockerfile.prod": BAD,
            ".dockerignore": "MAINTAINER\n",
            "notes.txt": "MAINTAINER\n",
            "parser-cases/Dockerfile": BAD,  # a fixture the project's config excludes
            "testdata/Dockerfile": BAD,  # excluded by default
            "tests/fixtures/Dockerfile": BAD,  # so are fixtures
            ".lintlayers.toml": 'extend-exclude = ["parser-cases"]\n',
        },
    )
    use_hooks(root, hook_repo, "lintlayers")
    result = pre_commit("run", "--all-files", "--verbose", cwd=root, env=pre_commit_env)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert hook_line(output, "lintlayers") == "Failed"
    for name in ("app.dockerfile", "Containerfile", "deploy/Dockerfile.prod"):
        assert f"{name}:2:1: LL201" in output
    excluded = ("parser-cases/Dockerfile", "testdata/Dockerfile", "tests/fixtures/Dockerfile")
    for name in ("README.md", ".dockerignore", "notes.txt", *excluded):
        assert name not in output

    only_docs = project(tmp_path / "docs", {"README.md": README})
    use_hooks(only_docs, hook_repo, "lintlayers")
    result = pre_commit("run", "--all-files", cwd=only_docs, env=pre_commit_env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "(no files to check)Skipped" in output


@pytest.mark.slow
def test_fix_hook_rewrites_the_dockerfile(
    hook_repo: tuple[Path, str], pre_commit_env: dict[str, str], tmp_path: Path
) -> None:
    root = project(
        tmp_path / "app",
        {
            "Dockerfile": BAD,
            "README.md": README,
            "tests/fixtures/Dockerfile": BAD,  # excluded: never rewritten
            "pyproject.toml": '[tool.lintlayers]\nextend-exclude = ["tests/fixtures/"]\n',
        },
    )
    use_hooks(root, hook_repo, "lintlayers-fix")
    fixed = pre_commit("run", "--all-files", cwd=root, env=pre_commit_env)
    output = fixed.stdout + fixed.stderr
    assert fixed.returncode == 1, output  # pre-commit fails a hook that modified files
    assert "files were modified by this hook" in output
    assert (root / "Dockerfile").read_text(encoding="utf-8") == BAD_FIXED
    assert (root / "README.md").read_text(encoding="utf-8") == README
    assert (root / "tests/fixtures/Dockerfile").read_text(encoding="utf-8") == BAD

    git(root, "add", "Dockerfile")
    again = pre_commit("run", "--all-files", cwd=root, env=pre_commit_env)
    output = again.stdout + again.stderr
    assert again.returncode == 0, output
    assert hook_line(output, "lintlayers (apply safe fixes)") == "Passed"
    # One environment, built by the first `run` and reused: the store has one repo.
    home = Path(pre_commit_env["PRE_COMMIT_HOME"])
    assert len([entry for entry in home.iterdir() if entry.name.startswith("repo")]) == 1
    assert os.path.isfile(home / "db.db")
