"""LL309 context-bloat, on real folders in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from lintlayers.rules.context_bloat import ContextBloat
from rule_harness import fix, lint, onbuild, positions, run, said

from lintlayers.diagnostics import UNSAFE
from lintlayers.engine import Linter
from lintlayers.fixes import apply_file_edits

CODE = "LL309"

PROJECT = {
    "package.json": "{}",
    "index.js": "console.log(1)\n",
    "node_modules/left-pad/index.js": "x" * 2000,
    "node_modules/left-pad/package.json": "{}",
    ".git/HEAD": "ref: refs/heads/main\n",
}


def make(root: Path, files: dict[str, str | None]) -> str:
    for name, content in files.items():
        path = root / name
        if content is None:
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    return str(root)


def apply(result) -> dict[str, tuple[str | None, str]]:
    """Write the other-file edits of every fix to disk, as ``check --fix`` does."""
    edits = [e for _, v in result.violations if v.fix for e in v.fix.file_edits]
    changes = apply_file_edits(edits)
    for path, (_, new) in changes.items():
        Path(path).write_text(new, encoding="utf-8")
    return changes


NODE = "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"


def test_reports_the_source_word_with_sizes(tmp_path: Path) -> None:
    root = make(tmp_path, PROJECT)
    (finding,) = lint(NODE, CODE, context_dir=root)
    assert positions([finding]) == [(3, 6, 3, 7)]
    assert finding.severity == "warning" and finding.category == "size"
    assert finding.message == (
        "`COPY .` brings 2 paths the image does not need into the image and this step's cache key"
    )
    assert finding.help == (
        "node_modules/ (packages installed on the host: 2 files, 2.0 kB) and .git/ "
        f"(version-control history: 1 file, 21 B) from the build context {root} (there is "
        "no .dockerignore); any change to them busts this step's cache"
    )


def test_each_source_is_reported(tmp_path: Path) -> None:
    root = make(tmp_path, {**PROJECT, "web/node_modules/a.js": "a", "web/app.js": "b"})
    text = "FROM node\nCOPY web/ package.json /app/\nCOPY . /src/\n"
    findings = lint(text, CODE, context_dir=root)
    assert positions(findings) == [(2, 6, 2, 10), (3, 6, 3, 7)]
    assert "web/node_modules/ (packages installed on the host: 1 file, 1 B)" in said(findings[0])
    assert "any change to it busts" in said(findings[0])


def test_exec_form_points_at_the_source_string(tmp_path: Path) -> None:
    root = make(tmp_path, PROJECT)
    assert positions(lint('FROM node\nCOPY [".", "/app/"]\n', CODE, context_dir=root)) == [
        (2, 8, 2, 9)
    ]


def test_more_than_four_paths_are_counted(tmp_path: Path) -> None:
    files = {f"{name}/x": "x" for name in ("dist", "build", "out", "target", ".tox", ".cache")}
    root = make(tmp_path, files)
    (finding,) = lint("FROM alpine\nCOPY . /app\n", CODE, context_dir=root)
    assert "and 2 more paths from the build context" in said(finding)


@pytest.mark.parametrize(
    ("files", "text"),
    [
        ({**PROJECT, ".dockerignore": ".git\nnode_modules\n"}, NODE),
        (PROJECT, "FROM node\nCOPY package.json index.js /app/\n"),
        (PROJECT, "FROM node\nCOPY node_modules /app/node_modules\n"),
        (PROJECT, "FROM node\nCOPY --from=build /app /app\n"),
        (PROJECT, "FROM node\nADD https://example.com/a.tgz /a.tgz\n"),
        (PROJECT, "FROM node\nARG SRC\nCOPY $SRC /app/\n"),
        ({"dist/index.html": "x", "dist/.cache/a": "a"}, "FROM nginx\nCOPY dist/ /srv/\n"),
        ({"index.js": "x", ".env": "A=1", "id_rsa": "k"}, NODE),  # secrets: LL311
        ({"index.js": "x", "build": None, ".venv/lib": None}, NODE),  # empty folders
        ({**PROJECT, ".dockerignore": "node_modules\n!node_modules/left-pad\n.git\n"}, NODE),
        ({**PROJECT, ".dockerignore": "*.log\n!.git\n!**/node_modules\n"}, NODE),
    ],
)
def test_passes(tmp_path: Path, files: dict[str, str | None], text: str) -> None:
    assert lint(text, CODE, context_dir=make(tmp_path, files)) == []


def test_needs_a_real_context(tmp_path: Path) -> None:
    make(tmp_path, PROJECT)
    assert lint(NODE, CODE) == []
    assert lint(NODE, CODE, context_dir=str(tmp_path / "missing")) == []


def test_onbuild_copy_uses_another_context(tmp_path: Path) -> None:
    root = make(tmp_path, PROJECT)
    assert lint(f"FROM node\n{onbuild('COPY . /app')}\n", CODE, context_dir=root) == []


def test_unreadable_dockerignore_pattern_is_left_to_docker(tmp_path: Path) -> None:
    root = make(tmp_path, {**PROJECT, ".dockerignore": "[z-a]\n"})
    assert lint(NODE, CODE, context_dir=root) == []


def test_fix_creates_the_dockerignore(tmp_path: Path) -> None:
    root = make(tmp_path, PROJECT)
    result = run(NODE, CODE, context_dir=root)
    ((_, violation),) = result.violations
    assert violation.fix.applicability == UNSAFE
    assert violation.fix.edits == []
    assert violation.fix.message == "Add node_modules, .git to .dockerignore"
    changes = apply(result)
    assert changes == {str(tmp_path / ".dockerignore"): (None, "node_modules\n.git\n")}
    assert lint(NODE, CODE, context_dir=root) == []  # fixed, and fixing again does nothing
    assert fix(NODE, CODE, unsafe=True, context_dir=root) == NODE  # the Dockerfile is untouched


def test_fix_appends_to_an_existing_dockerignore(tmp_path: Path) -> None:
    root = make(tmp_path, {**PROJECT, ".dockerignore": "# mine\n*.log", "a/__pycache__/m": "m"})
    result = run(NODE, CODE, context_dir=root)
    apply(result)
    assert (tmp_path / ".dockerignore").read_text() == (
        "# mine\n*.log\nnode_modules\n.git\n**/__pycache__\n"
    )
    assert run(NODE, CODE, context_dir=root).violations == []


def test_fix_is_shared_by_every_copy(tmp_path: Path) -> None:
    root = make(tmp_path, {**PROJECT, "src/.pytest_cache/x": "x", "src/a.py": "a"})
    text = "FROM node AS a\nCOPY src/ /src/\nFROM node\nCOPY . /app\n"
    result = run(text, CODE, context_dir=root)
    fixes = [violation.fix for _, violation in result.violations]
    assert len(fixes) == 2
    assert fixes[0].file_edits == fixes[1].file_edits
    assert apply(result)[str(tmp_path / ".dockerignore")][1] == (
        "src/.pytest_cache\nnode_modules\n.git\n"  # in the order of the COPYs
    )


def test_fix_never_hides_a_path_the_dockerfile_needs(tmp_path: Path) -> None:
    root = make(tmp_path, {**PROJECT, "build/app.js": "x"})
    text = "FROM node\nCOPY build/app.js /srv/\nCOPY . /app\n"
    result = run(text, CODE, context_dir=root)
    ((_, violation),) = result.violations
    assert "build/ (build output" in said(violation)
    assert violation.fix.message == "Add node_modules, .git to .dockerignore"


def test_no_fix_when_no_line_helps(tmp_path: Path) -> None:
    root = make(tmp_path, {"build/app.js": "x"})
    text = "FROM node\nRUN --mount=type=bind,source=build,target=/b true\nCOPY . /app\n"
    ((_, violation),) = run(text, CODE, context_dir=root).violations
    assert violation.fix is None


def test_fix_uses_the_dockerfile_specific_ignore_file(tmp_path: Path) -> None:
    make(tmp_path, {**PROJECT, "app.Dockerfile.dockerignore": "*.md\n"})
    dockerfile = tmp_path / "app.Dockerfile"
    dockerfile.write_text(NODE, encoding="utf-8")
    linter = Linter([ContextBloat()])
    result = linter.lint_text(NODE, str(dockerfile), context_dir=str(tmp_path))
    (finding,) = result.findings
    assert "app.Dockerfile.dockerignore does not leave them out" in said(finding)
    changes = apply(result)
    assert changes == {
        str(tmp_path / "app.Dockerfile.dockerignore"): ("*.md\n", "*.md\nnode_modules\n.git\n")
    }
    assert not (tmp_path / ".dockerignore").exists()
    assert linter.lint_text(NODE, str(dockerfile), context_dir=str(tmp_path)).findings == []


@pytest.mark.parametrize(
    ("inside", "reported"),
    [
        ("build/app.js", True),
        ("build/package/Dockerfile", False),  # Go's layout: sources named build
        ("integration/build/testdata/Dockerfile.TestBuild", False),  # moby
        ("out/app.dockerfile.txt", True),  # not a Dockerfile name
    ],
)
def test_a_build_folder_that_holds_a_dockerfile_is_sources(tmp_path, inside, reported):
    root = make(tmp_path, {inside: "x", "main.go": "package main"})
    text = "FROM golang\nCOPY . /src\n"
    violations = run(text, CODE, context_dir=root).violations
    assert bool(violations) is reported
