"""model.image_purpose: what a Dockerfile's path says about its images, read on real files
in real folders (a repository is a folder with a ``.git``), and what the rules make of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_support import corpus_root

from lintlayers.engine import default_linter
from lintlayers.model.image_purpose import project_folders

APT = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"
"""An image that keeps the apt lists (LL301) and the recommends of curl (LL302 stays
quiet: measured small), so LL301 tells whether the stage counts as shipped."""
PIP = "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
"""An image that keeps pip's cache: LL304 where it ships; LL107 only where LL304 does not
report it for another reason than the file being a test suite's."""


def _repository(tmp_path: Path, *parts: str) -> Path:
    """A repository (a folder with ``.git``) at ``tmp_path/parts``."""
    root = tmp_path.joinpath(*parts)
    (root / ".git").mkdir(parents=True)
    return root


def _write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def _codes(path: str) -> list[str]:
    text = Path(path).read_text(encoding="utf-8")
    return sorted(finding.code for finding in default_linter().lint_text(text, path).findings)


@pytest.mark.parametrize(
    ("inside", "folders"),
    [
        ("Dockerfile", ()),
        ("tests/e2e/Dockerfile", ("tests", "e2e")),
        ("images/Test-Runner/rootfs/Dockerfile", ("images", "test-runner", "rootfs")),
    ],
)
def test_folders_are_read_below_the_repository_root(tmp_path, inside, folders):
    root = _repository(tmp_path, "tests", "dev", "checkout")  # the checkout's own folders
    assert project_folders(_write(root / inside, APT)) == folders


def test_without_a_repository_a_relative_path_is_read_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # tmp_path has no .git above it
    assert project_folders("tests/Dockerfile") == ("tests",)
    assert project_folders(str(tmp_path / "ci" / "Dockerfile")) == ("ci",)  # below the cwd
    assert project_folders("/elsewhere/tests/Dockerfile") == ()


@pytest.mark.parametrize(
    ("inside", "test_suite"),
    [
        ("Dockerfile", False),
        ("docker/Dockerfile.prod", False),
        ("latest/Dockerfile", False),  # a word, not a part of one
        ("tests/Dockerfile", True),
        ("test/e2e-image/Dockerfile", True),
        ("images/e2e-test-echo/rootfs/Dockerfile", True),
        ("integration/dockerfiles/Dockerfile_test_cache", True),
        ("src/__tests__/Dockerfile", True),
        ("contrib/Dockerfile.test", True),
        ("ci/docker/python-wheel-manylinux-test.dockerfile", True),
    ],
)
def test_size_rules_leave_a_test_suites_images(tmp_path, inside, test_suite):
    root = _repository(tmp_path, "project")
    path = _write(root / inside, APT)
    assert ("LL301" in _codes(path)) is not test_suite


def test_a_checkout_in_a_folder_named_tests_is_still_checked(tmp_path):
    root = _repository(tmp_path, "tests", "project")
    assert "LL301" in _codes(_write(root / "Dockerfile", APT))


def test_no_cache_mount_advice_takes_the_size_rules_place_in_a_test_suite(tmp_path):
    root = _repository(tmp_path, "project")
    shipped = _codes(_write(root / "app" / "Dockerfile", PIP))
    tested = _codes(_write(root / "tests" / "Dockerfile", PIP))
    assert "LL304" in shipped and "LL107" not in shipped
    assert "LL304" not in tested and "LL107" not in tested


@pytest.mark.parametrize(
    ("repository", "inside", "reported"),
    [
        (("dev", "project"), "Dockerfile", True),  # a checkout in ~/dev: not a dev image
        (("project",), "dev/Dockerfile", False),  # the project's own dev/ folder
        (("project",), ".devcontainer/Dockerfile", False),
    ],
)
def test_build_tools_rule_reads_the_projects_own_folders(tmp_path, repository, inside, reported):
    root = _repository(tmp_path, *repository)
    text = "FROM python:3.12\nRUN apt-get install -y gcc\nCOPY app.py /app/\n"
    assert ("LL312" in _codes(_write(root / inside, text))) is reported


def test_real_corpus_test_images_at_their_paths(tmp_path):
    """azure-functions-docker's test/test.Dockerfile (a test image that unzips a function
    app, judged true-minor) and kaniko's integration/dockerfiles/Dockerfile_test_issue_684
    keep apt lists; at their paths in their repositories no size rule reports them, while
    the same files at a repository's root do."""
    files = corpus_root() / "files"
    cases = [
        ("Azure__azure-functions-docker/test__test.Dockerfile", "test/test.Dockerfile"),
        (
            "GoogleContainerTools__kaniko/integration__dockerfiles__Dockerfile_test_issue_684",
            "integration/dockerfiles/Dockerfile",
        ),
    ]
    for name, inside in cases:
        text = (files / name).read_text(encoding="utf-8")
        root = _repository(tmp_path, name.replace("/", "_"))
        assert "LL301" not in _codes(_write(root / inside, text)), inside
        assert "LL301" in _codes(_write(root / "Dockerfile", text)), inside


def test_a_test_suites_file_gets_only_correctness_and_style_rules(tmp_path):
    """kaniko's integration/dockerfiles fixtures: an ADD of a URL (LL104, cache), a
    MAINTAINER (LL201, metadata) and a secret in a build argument (LL310, correctness)."""
    text = (
        "FROM debian:12\nMAINTAINER someone\nARG GITHUB_TOKEN=ghp_0123456789abcdefghij\n"
        "ADD https://example.com/tool.sh /tool.sh\nRUN apt-get update && apt-get install -y curl\n"
    )
    root = _repository(tmp_path, "project")
    app = _codes(_write(root / "Dockerfile", text))
    fixture = _codes(_write(root / "integration" / "dockerfiles" / "Dockerfile_test_x", text))
    assert {"LL104", "LL201", "LL301", "LL310"} <= set(app)
    assert fixture == ["LL310"]


def test_lint_test_suites_brings_every_rule_back(tmp_path):
    from lintlayers.checker import new_linter
    from lintlayers.config import load_settings
    from lintlayers.registry import load_rule_entries

    root = _repository(tmp_path, "project")
    path = _write(root / "tests" / "Dockerfile", APT)
    (root / ".lintlayers.toml").write_text("lint-test-suites = true\n", encoding="utf-8")
    entries = load_rule_entries()
    known = {rule.code: rule.category for rule in entries}
    settings = load_settings(str(root / "tests"), known)
    assert settings.lint_test_suites
    findings = new_linter(entries, settings).lint_text(APT, path).findings
    assert "LL301" in {finding.code for finding in findings}
