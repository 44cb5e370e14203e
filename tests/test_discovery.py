"""Finding the Dockerfiles to lint."""

from __future__ import annotations

import os
import re

import pytest

from lintlayers.discovery import (
    PRE_COMMIT_FILES_PATTERN,
    DiscoveryError,
    discover,
    is_dockerfile_name,
)
from lintlayers.excludes import DEFAULT_EXCLUDE, Excludes

DOCKERFILE_NAMES = [
    "Dockerfile",
    "Containerfile",
    "dockerfile",
    "Dockerfile.dev",
    "Dockerfile.prod.arm64",
    "Containerfile.fedora",
    "dockerfile.test",
    "app.Dockerfile",
    "app.dockerfile",
    "base.Containerfile",
    "x.y.Dockerfile",
]
OTHER_NAMES = [
    "DOCKERFILE",
    "Dockerfile.",
    ".Dockerfile",
    "containerfile",
    "Dockerfiles",
    "MyDockerfile",
    "Dockerfile_dev",
    "Dockerfile-dev",
    "docker-compose.yml",
    "Dockerfile.dockerignore",
    "app.Dockerfile.dockerignore",
    "Containerfile.containerignore",
    ".dockerignore",
    "README.md",
    "app.DOCKERFILE",
]


@pytest.mark.parametrize("name", DOCKERFILE_NAMES)
def test_dockerfile_names(name):
    assert is_dockerfile_name(name)


@pytest.mark.parametrize("name", OTHER_NAMES)
def test_other_names(name):
    assert not is_dockerfile_name(name)


@pytest.mark.parametrize("name", DOCKERFILE_NAMES + OTHER_NAMES)
def test_pre_commit_pattern_agrees(name):
    pattern = re.compile(PRE_COMMIT_FILES_PATTERN)
    expected = is_dockerfile_name(name)
    assert bool(pattern.search(name)) == expected
    assert bool(pattern.search(f"services/api/{name}")) == expected


def make_tree(root, files):
    for relative in files:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("FROM scratch\n")


def test_walk_finds_patterns_and_skips_folders(tmp_path, monkeypatch):
    make_tree(
        tmp_path,
        [
            "Dockerfile",
            "README.md",
            "svc/api/Dockerfile.prod",
            "svc/api/worker.dockerfile",
            "svc/web/Containerfile",
            "svc/web/Dockerfile.dockerignore",
            "svc/web/nginx.conf",
            ".git/Dockerfile",
            ".github/Dockerfile",
            "node_modules/pkg/Dockerfile",
            ".venv/lib/Dockerfile",
            "venv/Dockerfile",
            "__pycache__/Dockerfile",
            ".tox/py311/Dockerfile",
            "deep/a/b/c/base.Containerfile",
        ],
    )
    monkeypatch.chdir(tmp_path)
    excluded = default_exclusions(tmp_path)
    assert discover(["."], excluded) == [
        "Dockerfile",
        "deep/a/b/c/base.Containerfile",
        "svc/api/Dockerfile.prod",
        "svc/api/worker.dockerfile",
        "svc/web/Containerfile",
    ]
    assert discover(["svc/api"], excluded) == [
        "svc/api/Dockerfile.prod",
        "svc/api/worker.dockerfile",
    ]
    assert discover([str(tmp_path / "svc" / "web")], excluded) == [
        str(tmp_path / "svc" / "web" / "Containerfile")
    ]
    # Without exclusions (``exclude = []``) only hidden folders stay out.
    assert discover(["."]) == [
        "Dockerfile",
        "__pycache__/Dockerfile",
        "deep/a/b/c/base.Containerfile",
        "node_modules/pkg/Dockerfile",
        "svc/api/Dockerfile.prod",
        "svc/api/worker.dockerfile",
        "svc/web/Containerfile",
        "venv/Dockerfile",
    ]


def default_exclusions(root):
    """Discovery's question with the default ``exclude`` of a project at ``root`` (what
    ``lintlayers check`` asks through its settings; tests/test_excludes.py runs that)."""
    excludes = Excludes([(str(root), name) for name in DEFAULT_EXCLUDE])

    def excluded(path, folder, explicit):
        return not explicit and excludes.excludes(path, folder=folder, parents=False)

    return excluded


def test_explicit_files_taken_whatever_their_name(tmp_path, monkeypatch):
    make_tree(tmp_path, ["build/recipe.txt", "node_modules/Dockerfile", ".hidden/Dockerfile"])
    monkeypatch.chdir(tmp_path)
    excluded = default_exclusions(tmp_path)
    assert discover(["build/recipe.txt", "node_modules/Dockerfile"], excluded) == [
        "build/recipe.txt",
        "node_modules/Dockerfile",
    ]
    # A skipped folder given explicitly is walked.
    assert discover([".hidden"], excluded) == [".hidden/Dockerfile"]
    assert discover(["node_modules"], excluded) == ["node_modules/Dockerfile"]


def test_results_are_sorted_and_deduplicated(tmp_path, monkeypatch):
    make_tree(tmp_path, ["b/Dockerfile", "a/Dockerfile"])
    monkeypatch.chdir(tmp_path)
    assert discover(["b", "./a/Dockerfile", "a", ".", "b/Dockerfile"]) == [
        "a/Dockerfile",
        "b/Dockerfile",
    ]


def test_stdin_passes_through(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert discover(["-"]) == ["-"]


def test_symlinked_folders_are_not_followed(tmp_path, monkeypatch):
    make_tree(tmp_path, ["outside/Dockerfile", "repo/Dockerfile"])
    os.symlink(tmp_path / "outside", tmp_path / "repo" / "linked", target_is_directory=True)
    os.symlink(tmp_path / "nowhere", tmp_path / "repo" / "Dockerfile.broken")
    os.symlink(tmp_path / "outside" / "Dockerfile", tmp_path / "repo" / "Dockerfile.link")
    monkeypatch.chdir(tmp_path / "repo")
    assert discover(["."]) == ["Dockerfile", "Dockerfile.link"]
    # Given explicitly, a symlinked folder is walked.
    assert discover(["linked"]) == ["linked/Dockerfile"]


def test_missing_path_is_an_error(tmp_path, monkeypatch):
    make_tree(tmp_path, ["Dockerfile"])
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DiscoveryError) as info:
        discover(["Dockerfile", "nope/Dockerfile"])
    assert str(info.value) == "nope/Dockerfile: no such file or directory"


def test_empty_folder_gives_nothing(tmp_path):
    assert discover([str(tmp_path)]) == []
