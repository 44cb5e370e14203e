"""What each COPY/ADD brings in from a real build context: sizes, contributors, flagged paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from lintlayers.buildcontext.context import BuildContext
from lintlayers.buildcontext.patterns import PatternError
from lintlayers.buildcontext.report import (
    BUILD_OUTPUT,
    CACHE,
    DEPENDENCIES,
    EDITOR,
    SECRET,
    UNWANTED,
    VCS,
    classify_name,
    count,
    dockerignore_fix_lines,
    glob_match,
    has_token_line,
    human_size,
    ignore_line,
    needed_paths,
    report_copies,
)
from lintlayers.model.stages import build_model
from lintlayers.source import SourceText
from lintlayers.syntax.parser import parse_source


def make(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Create ``files`` under ``root`` (None makes an empty folder)."""
    for name, content in files.items():
        path = root / name
        if content is None:
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def reports(root: Path, dockerfile: str, name: str = "Dockerfile"):
    path = root / name
    path.write_text(dockerfile, encoding="utf-8")
    model = build_model(parse_source(SourceText(dockerfile, str(path))))
    context = BuildContext(str(root), str(path))
    return report_copies(model, context), context, model


def flagged(report) -> dict[str, str]:
    return {item.shown: item.category for item in report.flagged}


PROJECT = {
    "src/app.py": "print('hi')\n",
    "src/__pycache__/app.cpython-311.pyc": b"\0" * 300,
    "requirements.txt": "flask\n",
    ".git/HEAD": "ref: refs/heads/main\n",
    ".git/objects/pack/p.pack": b"\0" * 5000,
    "node_modules/left-pad/index.js": b"x" * 20000,
    "node_modules/left-pad/node_modules/dep/index.js": "y",
    "node_modules/left-pad/test/key.pem": "-----BEGIN PRIVATE KEY-----\n",
}


def test_sizes_files_and_contributors(tmp_path: Path) -> None:
    make(tmp_path, PROJECT)
    found, _, _ = reports(tmp_path, "FROM python:3.12\nCOPY requirements.txt .\nCOPY . /app\n")
    first, second = found
    assert (first.line, first.keyword, first.files, first.size) == (2, "COPY", 1, 6)
    assert [item.path for item in first.contributors] == ["requirements.txt"]
    dockerfile_size = (tmp_path / "Dockerfile").stat().st_size
    total = 12 + 300 + 6 + 21 + 5000 + 20000 + 1 + 28 + dockerfile_size
    assert (second.line, second.files, second.size) == (3, 9, total)
    top = [(item.path, item.is_dir, item.size, item.files) for item in second.contributors]
    assert top[:3] == [
        ("node_modules", True, 20029, 3),
        (".git", True, 5021, 2),
        ("src", True, 312, 2),
    ]
    assert len(top) == 5


def test_flagged_folders_are_counted_whole_and_not_looked_into(tmp_path: Path) -> None:
    make(tmp_path, PROJECT)
    (found,) = reports(tmp_path, "FROM python:3.12\nCOPY . /app\n")[0]
    assert flagged(found) == {
        "node_modules/": DEPENDENCIES,
        ".git/": VCS,
        "src/__pycache__/": BUILD_OUTPUT,
    }
    modules = found.flagged[0]
    assert (modules.path, modules.files, modules.size) == ("node_modules", 3, 20029)
    assert not modules.explicit and not modules.deliberate
    # the test key inside node_modules is not reported on its own
    assert all("key.pem" not in item.path for item in found.flagged)


def test_dockerignore_leaves_paths_out(tmp_path: Path) -> None:
    make(tmp_path, {**PROJECT, ".dockerignore": ".git\nnode_modules\n**/__pycache__\n"})
    (found,) = reports(tmp_path, "FROM python:3.12\nCOPY . /app\n")[0]
    assert found.flagged == []
    assert found.files == 4  # app.py, requirements.txt, .dockerignore, Dockerfile


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    make(
        tmp_path,
        {**PROJECT, ".dockerignore": "\n", "app.Dockerfile.dockerignore": ".git\nnode_modules\n"},
    )
    found, context, _ = reports(tmp_path, "FROM python:3.12\nCOPY . /app\n", "app.Dockerfile")
    assert context.ignore_file == str(tmp_path / "app.Dockerfile.dockerignore")
    assert flagged(found[0]) == {"src/__pycache__/": BUILD_OUTPUT}


@pytest.mark.parametrize(
    ("ignore", "deliberate"),
    [
        ("node_modules\n!node_modules/left-pad\n", True),  # an exception inside the folder
        ("*\n!node_modules\n!src\n", True),  # the exception names the folder itself
        ("!**/node_modules\n", True),
        ("*\n!src\n!node_modules/left-pad/index.js\n", True),
        ("", False),
    ],
)
def test_dockerignore_exception_marks_a_path_deliberate(
    tmp_path: Path, ignore: str, deliberate: bool
) -> None:
    make(tmp_path, {**PROJECT, ".dockerignore": ignore})
    (found,) = reports(tmp_path, "FROM python:3.12\nCOPY . /app\n")[0]
    modules = next(item for item in found.flagged if item.path == "node_modules")
    assert modules.deliberate is deliberate


def test_exception_for_a_parent_folder_is_not_deliberate(tmp_path: Path) -> None:
    make(tmp_path, {**PROJECT, ".dockerignore": "*\n!src\n"})
    (found,) = reports(tmp_path, "FROM python:3.12\nCOPY . /app\n")[0]
    assert [(item.path, item.deliberate) for item in found.flagged] == [("src/__pycache__", False)]


def test_source_in_an_unwanted_folder_is_copied_on_purpose(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "dist/index.html": "<html>",
            "dist/assets/__pycache__/x.pyc": "x",
            "target/app.jar": b"\0" * 10,
            "node_modules/a/index.js": "a",
        },
    )
    text = (
        "FROM nginx\nCOPY dist/ /usr/share/nginx/html/\nCOPY target/app.jar /app.jar\n"
        "COPY node_modules/* /app/node_modules/\n"
    )
    found = reports(tmp_path, text)[0]
    assert [report.files for report in found] == [2, 1, 1]
    assert [report.flagged for report in found] == [[], [], []]
    assert all(source.in_unwanted for report in found for source in report.sources)


def test_secret_named_by_the_source_is_explicit(tmp_path: Path) -> None:
    make(tmp_path, {".env": "A=1\n", "config/.env": "B=2\n", "config/app.yml": "x: 1\n"})
    found = reports(tmp_path, "FROM alpine\nCOPY .env /app/\nCOPY config/ /app/config/\n")[0]
    (named,) = found[0].flagged
    assert (named.path, named.category, named.explicit) == (".env", SECRET, True)
    (brought,) = found[1].flagged
    assert (brought.path, brought.explicit) == ("config/.env", False)


def test_virtualenv_found_by_pyvenv_cfg(tmp_path: Path) -> None:
    make(tmp_path, {"env/pyvenv.cfg": "home = /usr\n", "env/lib/site.py": "x", "app.py": "x"})
    (found,) = reports(tmp_path, "FROM python\nCOPY . .\n")[0]
    (venv,) = found.flagged
    assert (venv.shown, venv.category, venv.files, venv.what) == (
        "env/",
        DEPENDENCIES,
        2,
        "a Python virtualenv",
    )


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({".npmrc": "//registry.npmjs.org/:_authToken=npm_abc\n"}, {".npmrc": SECRET}),
        ({".npmrc": "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"}, {}),
        ({".npmrc": "registry=https://registry.example.com/\n"}, {}),
        ({".npmrc": "_auth = dXNlcjpwYXNz\n"}, {".npmrc": SECRET}),
        ({".pypirc": "[pypi]\nusername = __token__\npassword = pypi-AgEI\n"}, {".pypirc": SECRET}),
        ({".pypirc": "[distutils]\nindex-servers = pypi\n"}, {}),
        ({".npmrc": "_authToken=" + "x" * 70000}, {}),  # too big to be read
        ({"certs/ca.pem": "x", "certs/fullchain.pem": "x", "certs/server-key.pem": "x"},
         {"certs/server-key.pem": SECRET}),
        ({"tls/server.key": "x", "keys/release.key": "x"}, {"tls/server.key": SECRET}),
        ({"id_rsa": "x", "id_rsa.pub": "x", "id_ed25519": "x"},
         {"id_rsa": SECRET, "id_ed25519": SECRET}),
        ({".env": "x", ".env.production": "x", ".env.example": "x"},
         {".env": SECRET, ".env.production": SECRET}),
        ({".aws/credentials": "x", ".ssh/config": "x"}, {".aws/": SECRET, ".ssh/": SECRET}),
        ({".DS_Store": "x", "a/.DS_Store": "x", "b.swp": "x"},
         {".DS_Store": EDITOR, "a/.DS_Store": EDITOR, "b.swp": EDITOR}),
        ({".pytest_cache/v": "x", ".idea/ws.xml": "x"},
         {".pytest_cache/": CACHE, ".idea/": EDITOR}),
        ({"build/x.o": "x", "src/build.py": "x"}, {"build/": BUILD_OUTPUT}),
        ({"lib/x.pyc": "x"}, {"lib/x.pyc": BUILD_OUTPUT}),
    ],
)  # fmt: skip
def test_flagged_kinds(tmp_path: Path, files: dict[str, str], expected: dict[str, str]) -> None:
    make(tmp_path, files)
    (found,) = reports(tmp_path, "FROM alpine\nCOPY . /app\n")[0]
    assert flagged(found) == expected


def test_skipped_instructions_and_sources(tmp_path: Path) -> None:
    make(tmp_path, {".git/HEAD": "x", "a.txt": "a"})
    text = (
        "FROM alpine AS build\n"
        "COPY --from=other / /\n"
        "ADD https://example.com/x.tgz /x/\n"
        "COPY <<EOF /etc/conf\nhello\nEOF\n"
        "ONBUILD COPY . /app\n"
        "ARG SRC\n"
        "COPY $SRC /app/\n"
        "ARG DIR=.\n"
        'COPY ["${DIR}", "/app/"]\n'
    )
    found = reports(tmp_path, text)[0]
    assert [(report.line, [s.value for s in report.sources]) for report in found] == [
        (3, []),  # the URL is not a context source
        (4, []),  # nor is the heredoc
        (9, []),
        (11, ["."]),
    ]
    assert found[2].skipped == ["$SRC"]
    assert flagged(found[3]) == {".git/": VCS}


def test_copy_exclude_flag(tmp_path: Path) -> None:
    make(tmp_path, {"app.py": "x", "node_modules/a.js": "a", "lib/__pycache__/m.pyc": "m"})
    text = "# syntax=docker/dockerfile:1.7-labs\nFROM alpine\nCOPY --exclude=node_modules . /app\n"
    (found,) = reports(tmp_path, text)[0]
    assert flagged(found) == {"lib/__pycache__/": BUILD_OUTPUT}


def test_wildcard_source(tmp_path: Path) -> None:
    make(tmp_path, {"a.txt": "a", "b.txt": "bb", "c.md": "c", ".env": "x"})
    (found,) = reports(tmp_path, "FROM alpine\nCOPY *.txt /app/\n")[0]
    assert (found.files, found.size, found.flagged) == (2, 3, [])
    assert [item.path for item in found.contributors] == ["b.txt", "a.txt"]


def test_multiple_sources_are_counted_once(tmp_path: Path) -> None:
    make(tmp_path, {"src/app.py": "x", "src/node_modules/a.js": "aa"})
    (found,) = reports(tmp_path, "FROM alpine\nCOPY . src/ /app/\n")[0]
    assert found.flagged[0].files == 1
    assert found.files == 3  # app.py, a.js and the Dockerfile, once each


def test_bad_dockerignore_raises(tmp_path: Path) -> None:
    make(tmp_path, {".dockerignore": "[z-a]*\n", "a": "a"})
    with pytest.raises(PatternError):
        reports(tmp_path, "FROM alpine\nCOPY . /app\n")


def test_fix_lines_keep_what_the_dockerfile_needs(tmp_path: Path) -> None:
    make(tmp_path, {**PROJECT, "dist/app.js": "x", ".dockerignore": "# ignore\n*.log"})
    text = (
        "FROM node\nCOPY dist/app.js /srv/\nCOPY . /app\n"
        "RUN --mount=type=bind,source=.git/HEAD cat\n"
    )
    found, context, model = reports(tmp_path, text)
    needed = needed_paths(model, context)
    assert needed == ["dist/app.js", ".git/HEAD"]
    lines, original = dockerignore_fix_lines(found[1].flagged, context, needed)
    assert original == "# ignore\n*.log"
    assert lines == ["node_modules", "**/__pycache__"]  # not dist, not .git


def test_fix_lines_keep_wildcard_matches(tmp_path: Path) -> None:
    make(tmp_path, {".env": "x", ".env.local": "y", "app.py": "x"})
    found, context, model = reports(tmp_path, "FROM node\nCOPY .env* /app/\nCOPY . /app\n")
    assert needed_paths(model, context) == [".env", ".env.local"]
    lines, original = dockerignore_fix_lines(
        found[1].flagged, context, needed_paths(model, context)
    )
    assert (lines, original) == ([], None)


@pytest.mark.parametrize(
    ("name", "glob", "expected"),
    [
        (".env", ".env", True),
        (".env.local", ".env.*", True),
        (".env", ".env.*", False),
        ("a.pyc", "*.pyc", True),
        ("pyc", "*.pyc", False),
        ("server-key.pem", "*key*.pem", True),
        ("key.pem", "*key*.pem", True),
        ("keypem", "*key*.pem", False),
        ("x~", "*~", True),
        ("ab", "a*b*", True),
        ("aba", "*ab*a", True),
        ("aa", "a*a", True),
        ("a", "a*a", False),
    ],
)
def test_glob_match(name: str, glob: str, expected: bool) -> None:
    assert glob_match(name, glob) is expected


def test_classify_name() -> None:
    assert classify_name("node_modules", True).category == DEPENDENCIES
    assert classify_name("node_modules", False) is None
    assert classify_name(".env", False).category == SECRET
    assert classify_name(".git", True, secrets_only=True) is None
    assert classify_name(".SSH", True).category == SECRET  # names compare case-insensitively
    assert classify_name("ca-bundle.pem", False) is None
    assert classify_name("private.pem", False).category == SECRET


def test_table_rows_are_well_formed() -> None:
    categories = {VCS, DEPENDENCIES, BUILD_OUTPUT, CACHE, EDITOR, SECRET}
    for kind, names, unless, category, what, ignore in UNWANTED:
        assert kind in ("dir", "venv", "file", "token")
        assert names and all(name == name.lower() for name in names + unless)
        assert not any(char in name for name in names + unless for char in "?[]")
        assert category in categories and what and ignore


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (".npmrc", "//npm.pkg.github.com/:_authToken=ghp_x\n", True),
        (".npmrc", "//npm.pkg.github.com/:_authToken=$GH_TOKEN\n", False),
        (".npmrc", "; _authToken=commented\n", False),
        (".npmrc", "//r/:_password=cGFzcw==\n", True),
        (".pypirc", "[pypi]\n  password: secret\n", True),
        (".pypirc", "[pypi]\nusername = me\n", False),
        ("other", "password = x\n", False),
    ],
)
def test_has_token_line(name: str, text: str, expected: bool) -> None:
    assert has_token_line(name, text) is expected


def test_ignore_line_escapes_and_refuses() -> None:
    row = classify_name(".env", False)
    assert ignore_line(row, "a[1]/.env", ".env") == "a\\[1\\]/.env"
    assert ignore_line(row, "!x", ".env") is None
    assert ignore_line(row, "#x", ".env") is None
    store = classify_name(".DS_Store", False)
    assert ignore_line(store, "a/.DS_Store", ".ds_store") == "**/.DS_Store"
    pyc = classify_name("m.pyc", False)
    assert ignore_line(pyc, "a/m.pyc", "*.pyc") == "**/*.pyc"


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 B"), (999, "999 B"), (1000, "1.0 kB"), (25467, "25.5 kB"), (155_800_000, "155.8 MB")],
)
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text


def test_count() -> None:
    assert count(1, "file") == "1 file"
    assert count(1234, "file") == "1,234 files"
