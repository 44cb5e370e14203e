"""Paths left out of a run: ``exclude``, ``extend-exclude`` and ``--force-exclude``.

The patterns themselves (``lintlayers.excludes``), then the command line on real folders:
folder discovery leaves excluded paths out, a file named on the command line is linted
anyway unless ``--force-exclude`` (what the pre-commit hooks pass) says otherwise, as in
ruff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import lintlayers_cli

from lintlayers.excludes import DEFAULT_EXCLUDE, Excludes

BAD = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"
"""One LL301 finding and one LL302 (``--select LL301`` keeps one)."""


# --- the patterns ------------------------------------------------------------------------------


def test_a_plain_name_matches_a_segment_below_its_base(tmp_path: Path) -> None:
    excludes = Excludes([(str(tmp_path / "repo"), "testdata")])
    repo = tmp_path / "repo"
    assert excludes.excludes(str(repo / "testdata"), folder=True)
    assert excludes.excludes(str(repo / "a" / "b" / "testdata" / "x" / "Dockerfile"))
    assert excludes.excludes(str(repo / "testdata"), folder=True, parents=False)
    # only the path's own name without parents (discovery asks about each folder it enters)
    assert not excludes.excludes(str(repo / "testdata" / "Dockerfile"), parents=False)
    assert not excludes.excludes(str(repo / "testdata2" / "Dockerfile"))
    assert not excludes.excludes(str(repo / "Dockerfile.testdata"))
    # the base's own parents are not the project's: a repository inside a folder
    # called testdata is not excluded as a whole
    inside = Excludes([(str(tmp_path / "testdata" / "repo"), "testdata")])
    assert not inside.excludes(str(tmp_path / "testdata" / "repo" / "Dockerfile"))


def test_globs_with_slashes_stars_and_a_trailing_slash(tmp_path: Path) -> None:
    base = str(tmp_path)
    excludes = Excludes(
        [(base, "docker/legacy/*"), (base, "**/fixtures/**"), (base, "build/"), (base, "*.old")]
    )
    assert excludes.excludes(str(tmp_path / "docker" / "legacy" / "Dockerfile"))
    assert not excludes.excludes(str(tmp_path / "docker" / "Dockerfile"))
    assert not excludes.excludes(str(tmp_path / "other" / "docker" / "legacy" / "Dockerfile"))
    assert excludes.excludes(str(tmp_path / "a" / "fixtures" / "b" / "Dockerfile"))
    assert excludes.excludes(str(tmp_path / "build"), folder=True, parents=False)
    assert excludes.excludes(str(tmp_path / "x" / "build" / "Dockerfile"))
    assert excludes.excludes(str(tmp_path / "svc" / "Dockerfile.old"))
    assert not excludes.excludes(str(tmp_path / "svc" / "Dockerfile"))


def test_the_default_leaves_out_vcs_virtualenv_and_cache_folders(tmp_path: Path) -> None:
    excludes = Excludes([(str(tmp_path), name) for name in DEFAULT_EXCLUDE])
    names = ("node_modules", "venv", ".venv", "__pycache__", ".tox", ".git", "testdata")
    for name in (*names, "fixtures", "__fixtures__", "testfiles"):
        assert excludes.excludes(str(tmp_path / name / "pkg" / "Dockerfile")), name
    assert not excludes.excludes(str(tmp_path / "services" / "api" / "Dockerfile"))
    assert not excludes.excludes(str(tmp_path / "tests" / "Dockerfile"))  # a CI test image


# --- the command line ----------------------------------------------------------------------------


def project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def linted(*args: str, cwd: Path) -> list[str]:
    """The files ``check --select LL301 ARGS`` reports a finding in (sorted)."""
    result = lintlayers_cli("check", "--select", "LL301", "--format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    files = {finding["file"] for finding in json.loads(result.stdout)["findings"]}
    return sorted(files)


def test_folder_discovery_leaves_out_configured_and_default_folders(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "app/Dockerfile": BAD,
            "node_modules/pkg/Dockerfile": BAD,  # default
            "testdata/parser/Dockerfile": BAD,  # default
            "parser-cases/escapes/Dockerfile": BAD,
            "samples/fixtures/Dockerfile": BAD,
            "samples/Dockerfile": BAD,
            "pyproject.toml": (
                '[tool.lintlayers]\nextend-exclude = ["parser-cases", "samples/fixtures/"]\n'
            ),
        },
    )
    assert linted(".", cwd=root) == ["app/Dockerfile", "samples/Dockerfile"]
    # the patterns are relative to the config file, wherever the run starts
    assert linted(".", cwd=root / "samples") == ["Dockerfile"]
    # `exclude` replaces the default list: node_modules and testdata are walked again
    (root / "pyproject.toml").write_text(
        '[tool.lintlayers]\nexclude = ["parser-cases"]\n', encoding="utf-8"
    )
    assert linted(".", cwd=root) == [
        "app/Dockerfile",
        "node_modules/pkg/Dockerfile",
        "samples/Dockerfile",
        "samples/fixtures/Dockerfile",
        "testdata/parser/Dockerfile",
    ]


def test_named_files_are_linted_unless_force_exclude(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "Dockerfile": BAD,
            "fixtures/Dockerfile": BAD,
            "testdata/Dockerfile": BAD,
            ".lintlayers.toml": 'extend-exclude = ["fixtures"]\n',
        },
    )
    named = ("Dockerfile", "fixtures/Dockerfile", "testdata/Dockerfile")
    assert linted(*named, cwd=root) == sorted(named)
    assert linted("--force-exclude", *named, cwd=root) == ["Dockerfile"]
    assert linted("--force-exclude", "fixtures", cwd=root) == []  # a named folder too
    assert linted("--force-exclude", "Dockerfile", cwd=root / "fixtures") == []
    # the setting in the file does what the option does
    (root / ".lintlayers.toml").write_text(
        'extend-exclude = ["fixtures"]\nforce-exclude = true\n', encoding="utf-8"
    )
    assert linted(*named, cwd=root) == ["Dockerfile"]


def test_without_a_config_the_default_is_relative_to_the_repository(tmp_path: Path) -> None:
    """No config file: the default ``exclude`` applies below the repository's root (a
    folder with ``.git``), or the working folder, not below each file's own folder, so
    pre-commit's ``--force-exclude`` leaves out a ``testdata`` Dockerfile it names."""
    root = project(
        tmp_path / "repository", {"app/Dockerfile": BAD, "docs/testdata/x/Dockerfile": BAD}
    )
    named = ("app/Dockerfile", "docs/testdata/x/Dockerfile")
    assert linted("--force-exclude", *named, cwd=root) == ["app/Dockerfile"]  # no .git
    (root / ".git").mkdir()
    absolute = [str(root / name) for name in named]
    assert linted("--force-exclude", *absolute, cwd=tmp_path) == [str(root / "app/Dockerfile")]
    assert linted(*absolute, cwd=tmp_path) == absolute  # named, without --force-exclude


def test_command_line_patterns_are_relative_to_the_current_folder(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {"svc/a/Dockerfile": BAD, "svc/legacy/Dockerfile": BAD, "legacy/Dockerfile": BAD},
    )
    assert linted("--extend-exclude", "legacy/", ".", cwd=root / "svc") == ["a/Dockerfile"]
    assert linted("--exclude", "/legacy", ".", cwd=root) == [
        "svc/a/Dockerfile",
        "svc/legacy/Dockerfile",
    ]
    assert linted("--exclude", "a,legacy", ".", cwd=root) == []


def test_an_excluded_stdin_filename_is_passed_through(tmp_path: Path) -> None:
    root = project(tmp_path, {".lintlayers.toml": 'extend-exclude = ["fixtures"]\n'})
    name = ("--stdin-filename", "fixtures/Dockerfile")
    checked = lintlayers_cli("check", "--force-exclude", *name, "-", cwd=root, stdin=BAD)
    assert (checked.returncode, checked.stdout, checked.stderr) == (0, "", "")
    # --fix prints the fixed text; an excluded file comes back unchanged, never lost
    fixed = lintlayers_cli("check", "--fix", "--force-exclude", *name, "-", cwd=root, stdin=BAD)
    assert (fixed.returncode, fixed.stdout) == (0, BAD)
    # without --force-exclude the name does not exclude it
    shown = lintlayers_cli("check", "--select", "LL301", *name, "-", cwd=root, stdin=BAD)
    assert shown.returncode == 1
    assert "fixtures/Dockerfile:2:23: LL301" in shown.stdout


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('exclude = "testdata"', "exclude: expected a list of path patterns, got string"),
        ('extend-exclude = [""]', "extend-exclude: empty path pattern"),
        ("extend-exclude = [3]", "extend-exclude: expected a path pattern string, got integer"),
        ('force-exclude = "yes"', "force-exclude: expected true or false, got 'yes'"),
        ('excludes = ["x"]', "unknown key 'excludes' (did you mean 'exclude'?)"),
    ],
)
def test_bad_settings_name_the_key(tmp_path: Path, config: str, message: str) -> None:
    root = project(tmp_path, {"Dockerfile": BAD, ".lintlayers.toml": config + "\n"})
    result = lintlayers_cli("check", ".", cwd=root)
    assert result.returncode == 2
    assert f".lintlayers.toml: {message}" in result.stderr
