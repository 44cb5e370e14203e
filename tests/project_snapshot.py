"""Copies of this checkout for tests that build or install it (wheel, pre-commit)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The lintlayers checkout the tests run from."""


def git_env() -> dict[str, str]:
    """The environment for git in tests: no system or user config (signing, hooks, templates)."""
    env = dict(os.environ)
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
    return env


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``; its standard output."""
    completed = subprocess.run(
        ["git", *args], cwd=repo, env=git_env(), capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {completed.stderr}")
    return completed.stdout


def init_repo(repo: Path) -> Path:
    """``git init`` with a local user name and e-mail."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "lintlayers tests")
    git(repo, "config", "user.email", "tests@lintlayers.invalid")
    git(repo, "config", "commit.gpgsign", "false")
    return repo


def copy_checkout(destination: Path) -> Path:
    """Copy the files a commit of the working tree would hold: tracked and unignored new ones.

    This is the working tree as it is, including changes not committed yet, so a
    build or a pre-commit install from the copy tests the code under test, and
    nothing is written into the checkout (no ``build/``, no ``*.egg-info``).
    """
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        env=git_env(),
        capture_output=True,
        check=True,
    )
    for name in listing.stdout.decode("utf-8").split("\0"):
        source = ROOT / name
        if not name or not source.is_file():  # deleted in the working tree
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return destination


def committed_checkout(destination: Path) -> tuple[Path, str]:
    """A git repository holding :func:`copy_checkout` as one commit; its path and commit."""
    repo = init_repo(copy_checkout(destination))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "lintlayers working tree")
    return repo, git(repo, "rev-parse", "HEAD").strip()
