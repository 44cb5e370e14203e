"""BuildContext: the files a context sends after `.dockerignore`, and what COPY selects."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from lintlayers.buildcontext import context as context_module
from lintlayers.buildcontext.context import BuildContext, ContextFile
from lintlayers.buildcontext.patterns import PatternError

if TYPE_CHECKING:
    from pathlib import Path


def make_tree(root: Path, files: dict[str, int | str]) -> None:
    """Create ``files``: a size in bytes, or a string ending in '/' for a directory."""
    for rel, content in files.items():
        target = root / rel
        if content == "/":
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, int):
            target.write_bytes(b"x" * content)
        else:
            target.write_text(content)


def paths(files: list[ContextFile]) -> list[str]:
    return [entry.path for entry in files]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "ctx"
    make_tree(
        root,
        {
            "Dockerfile": "FROM scratch\n",
            "app.py": 10,
            "requirements.txt": 20,
            "README.md": 5,
            "docs/README.md": 7,
            "docs/guide.md": 9,
            "src/pkg/__init__.py": 0,
            "src/pkg/core.py": 30,
            "src/main.py": 40,
            "node_modules/left-pad/index.js": 50,
            "web/node_modules/react/index.js": 60,
            "web/app.js": 70,
            "logs/today.log": 80,
            "debug.log": 90,
            "build/": "/",
        },
    )
    return root


def test_no_ignore_file_sends_everything_in_name_order(project: Path) -> None:
    ctx = BuildContext(str(project))
    assert ctx.ignore_file is None
    assert paths(ctx.files()) == [
        "Dockerfile",
        "README.md",
        "app.py",
        "build",
        "debug.log",
        "docs",
        "docs/README.md",
        "docs/guide.md",
        "logs",
        "logs/today.log",
        "node_modules",
        "node_modules/left-pad",
        "node_modules/left-pad/index.js",
        "requirements.txt",
        "src",
        "src/main.py",
        "src/pkg",
        "src/pkg/__init__.py",
        "src/pkg/core.py",
        "web",
        "web/app.js",
        "web/node_modules",
        "web/node_modules/react",
        "web/node_modules/react/index.js",
    ]
    by_path = {entry.path: entry for entry in ctx.files()}
    assert by_path["app.py"].size == 10
    assert by_path["build"].is_dir
    assert not by_path["app.py"].is_dir
    assert by_path["app.py"].mode & 0o400


def test_nested_ignores(project: Path) -> None:
    (project / ".dockerignore").write_text("**/node_modules\n*.log\nbuild/\n")
    ctx = BuildContext(str(project))
    listed = paths(ctx.files())
    assert ".dockerignore" in listed
    assert not [p for p in listed if "node_modules" in p]
    assert "debug.log" not in listed
    assert "build" not in listed
    # *.log only covers the top level
    assert "logs/today.log" in listed
    assert "web/app.js" in listed


def test_exception_relists_the_excluded_parent(project: Path) -> None:
    (project / ".dockerignore").write_text("docs\n!docs/README.md\n")
    ctx = BuildContext(str(project))
    listed = paths(ctx.files())
    assert "docs" in listed
    assert "docs/README.md" in listed
    assert "docs/guide.md" not in listed
    assert listed.index("docs") < listed.index("docs/README.md")
    assert paths(ctx.select("docs")) == ["docs", "docs/README.md"]


def test_exception_deep_inside_excluded_tree(tmp_path: Path) -> None:
    make_tree(tmp_path, {"a/b/c/keep.txt": 1, "a/b/c/drop.txt": 1, "a/x.txt": 1, "z.txt": 1})
    (tmp_path / ".dockerignore").write_text("a\n!a/b/c/keep.txt\n")
    ctx = BuildContext(str(tmp_path))
    assert paths(ctx.files()) == [".dockerignore", "a", "a/b", "a/b/c", "a/b/c/keep.txt", "z.txt"]


def test_everything_but_exceptions(tmp_path: Path) -> None:
    make_tree(tmp_path, {"Dockerfile": 1, "src/a.go": 1, "src/b.txt": 1, "secret": 1})
    (tmp_path / ".dockerignore").write_text("*\n!src/*.go\n!Dockerfile\n")
    ctx = BuildContext(str(tmp_path))
    assert paths(ctx.files()) == ["Dockerfile", "src", "src/a.go"]


def test_excluded_directory_is_not_walked(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / ".dockerignore").write_text("node_modules\nweb/node_modules\n")
    listed_dirs: list[str] = []
    real_scandir = os.scandir

    def spy(path: str) -> object:
        listed_dirs.append(os.path.relpath(path, project))
        return real_scandir(path)

    monkeypatch.setattr(context_module.os, "scandir", spy)
    ctx = BuildContext(str(project))
    ctx.files()
    ctx.files()
    ctx.select("src")
    assert "node_modules" not in listed_dirs
    assert "web/node_modules" not in listed_dirs
    # one walk, each directory listed once
    assert len(listed_dirs) == len(set(listed_dirs))
    assert "src/pkg" in listed_dirs


def test_symlinks_are_reported_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    make_tree(outside, {"secret.txt": 100, "sub/deep.txt": 100})
    root = tmp_path / "ctx"
    make_tree(root, {"real/a.txt": 3, "real/b/c.txt": 4})
    (root / "out").symlink_to(outside)
    (root / "passwd").symlink_to("/etc/passwd")
    (root / "escape").symlink_to("../outside/secret.txt")
    (root / "inner").symlink_to("real")
    (root / "dangling").symlink_to("nope")
    ctx = BuildContext(str(root))
    by_path = {entry.path: entry for entry in ctx.files()}
    assert not [p for p in by_path if "secret" in p or "deep" in p]
    assert not [p for p in by_path if p.startswith(("out/", "inner/"))]
    for name, target in [
        ("out", str(outside)),
        ("passwd", "/etc/passwd"),
        ("escape", "../outside/secret.txt"),
        ("inner", "real"),
        ("dangling", "nope"),
    ]:
        entry = by_path[name]
        assert entry.is_symlink
        assert not entry.is_dir
        assert entry.link_target == target
        assert entry.size == len(target)

    # COPY follows links inside the context only; otherwise the link itself is selected
    assert paths(ctx.select("out")) == ["out"]
    assert paths(ctx.select("passwd")) == ["passwd"]
    assert paths(ctx.select("dangling")) == ["dangling"]
    assert ctx.select("out/secret.txt") == []
    assert paths(ctx.select("inner")) == ["real", "real/a.txt", "real/b", "real/b/c.txt"]
    assert paths(ctx.select("inner/b/c.txt")) == ["real/b/c.txt"]
    # .. in a link target stops at the context root, like BuildKit's scoped resolution
    assert paths(ctx.select("escape")) == ["escape"]


def test_link_targets_resolve_inside_the_context(tmp_path: Path) -> None:
    make_tree(tmp_path, {"etc/app.conf": 12, "lib/x.so": 8})
    (tmp_path / "conf").symlink_to("/etc/app.conf")  # absolute: from the context root
    (tmp_path / "up").symlink_to("../../lib")  # .. cannot leave the root
    (tmp_path / "loop").symlink_to("loop")
    ctx = BuildContext(str(tmp_path))
    assert paths(ctx.select("conf")) == ["etc/app.conf"]
    assert paths(ctx.select("up")) == ["lib", "lib/x.so"]
    assert paths(ctx.select("loop")) == ["loop"]


def test_symlink_to_an_ignored_file_selects_the_link(tmp_path: Path) -> None:
    make_tree(tmp_path, {"secret.env": 5})
    (tmp_path / "env").symlink_to("secret.env")
    (tmp_path / ".dockerignore").write_text("*.env\n")
    ctx = BuildContext(str(tmp_path))
    assert paths(ctx.select("env")) == ["env"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("app.py", ["app.py"]),
        ("/app.py", ["app.py"]),
        ("./app.py", ["app.py"]),
        ("../../app.py", ["app.py"]),
        ("src/pkg/../main.py", ["src/main.py"]),
        ("src/", ["src", "src/main.py", "src/pkg", "src/pkg/__init__.py", "src/pkg/core.py"]),
        ("src/pkg", ["src/pkg", "src/pkg/__init__.py", "src/pkg/core.py"]),
        ("*.txt", ["requirements.txt"]),
        ("*.py", ["app.py"]),
        ("src/*.py", ["src/main.py"]),
        ("src/*/*.py", ["src/pkg/__init__.py", "src/pkg/core.py"]),
        ("src/*", ["src/main.py", "src/pkg", "src/pkg/__init__.py", "src/pkg/core.py"]),
        ("**/*.py", ["src/main.py"]),  # ** is a plain * for COPY: exactly one level down
        ("[ad]*", ["app.py", "docs", "docs/README.md", "docs/guide.md"]),
        ("s?c/main.py", ["src/main.py"]),
        ("*/README.md", ["docs/README.md"]),
        ("nothing.txt", []),
        ("*.nothing", []),
        ("src/nothing/*", []),
        ("app.py/x", []),
        ("[", []),
    ],
)
def test_select(project: Path, source: str, expected: list[str]) -> None:
    (project / ".dockerignore").write_text("**/node_modules\n*.log\nlogs\n")
    assert paths(BuildContext(str(project)).select(source)) == expected


def test_select_whole_context(project: Path) -> None:
    (project / ".dockerignore").write_text("**/node_modules\n")
    ctx = BuildContext(str(project))
    everything = paths(ctx.files())
    assert paths(ctx.select(".")) == everything
    assert paths(ctx.select("/")) == everything
    assert paths(ctx.select("..")) == everything
    assert "node_modules" not in everything


def test_select_respects_ignore(project: Path) -> None:
    (project / ".dockerignore").write_text("**/node_modules\ndocs/guide.md\n")
    ctx = BuildContext(str(project))
    assert ctx.select("node_modules") == []
    assert ctx.select("web/node_modules/react/index.js") == []
    assert paths(ctx.select("docs")) == ["docs", "docs/README.md"]
    assert paths(ctx.select("docs/*.md")) == ["docs/README.md"]
    assert paths(ctx.select("web")) == ["web", "web/app.js"]


def test_select_through_symlinked_dir_with_wildcard(tmp_path: Path) -> None:
    make_tree(tmp_path, {"real/a.txt": 1, "real/b.md": 1})
    (tmp_path / "alias").symlink_to("real")
    (tmp_path / "top.txt").symlink_to("real/a.txt")
    ctx = BuildContext(str(tmp_path))
    assert paths(ctx.select("alias/*.txt")) == ["real/a.txt"]
    # a matched link is followed, and an entry reached twice is listed once
    assert paths(ctx.select("*.txt")) == ["real/a.txt"]
    selected = paths(ctx.select("*"))
    assert selected == ["real", "real/a.txt", "real/b.md"]


def test_dockerfile_specific_ignore_wins(project: Path) -> None:
    (project / ".dockerignore").write_text("src\n")
    (project / "Dockerfile.dockerignore").write_text("docs\n")
    ctx = BuildContext(str(project), str(project / "Dockerfile"))
    assert ctx.ignore_file == str(project / "Dockerfile.dockerignore")
    listed = paths(ctx.files())
    assert "src/main.py" in listed
    assert "docs" not in listed
    plain = BuildContext(str(project))
    assert plain.ignore_file == str(project / ".dockerignore")
    assert "src" not in paths(plain.files())


def test_dockerfile_elsewhere_uses_its_own_ignore(tmp_path: Path, project: Path) -> None:
    (project / ".dockerignore").write_text("src\n")
    dockerfile = tmp_path / "ci" / "build.Dockerfile"
    make_tree(tmp_path, {"ci/build.Dockerfile": "FROM scratch\n"})
    ctx = BuildContext(str(project), str(dockerfile))
    assert ctx.ignore_file == str(project / ".dockerignore")
    (tmp_path / "ci" / "build.Dockerfile.dockerignore").write_text("*.md\n")
    ctx = BuildContext(str(project), str(dockerfile))
    listed = paths(ctx.files())
    assert "src" in listed
    assert "README.md" not in listed
    assert "docs/README.md" in listed


def test_total_size(project: Path) -> None:
    (project / ".dockerignore").write_text("**/node_modules\n*.log\nlogs\n")
    ctx = BuildContext(str(project))
    assert ctx.total_size(ctx.select("src")) == 70
    assert ctx.total_size(ctx.select("*.py")) == 10
    assert ctx.total_size(ctx.files()) == sum(
        entry.size for entry in ctx.files() if not entry.is_dir
    )
    assert ctx.total_size([]) == 0


def test_bad_ignore_pattern_raises(project: Path) -> None:
    (project / ".dockerignore").write_text("ok\nsrc/[\n")
    ctx = BuildContext(str(project))
    with pytest.raises(PatternError) as caught:
        ctx.files()
    assert caught.value.line == 2


def test_get_and_lookup(project: Path) -> None:
    ctx = BuildContext(str(project))
    entry = ctx.get("./src/main.py")
    assert entry is not None
    assert entry.size == 40
    assert ctx.get("src/missing.py") is None


def test_empty_context(tmp_path: Path) -> None:
    ctx = BuildContext(str(tmp_path))
    assert ctx.files() == []
    assert ctx.select(".") == []
    assert ctx.select("*") == []
