"""lintlayers.model.size_estimates: the byte estimates of the size rules."""

from __future__ import annotations

import os

import pytest

from lintlayers.context import RuleContext
from lintlayers.model.size_estimates import (
    EXACT,
    MEASURED,
    TYPICAL,
    SizeEstimate,
    apt_lists,
    build_context,
    build_tool_kind,
    build_tools,
    copied_bytes,
    distribution,
    format_bytes,
    package_cache,
    package_name,
    pip_cache,
)
from lintlayers.model.steps import sequences
from lintlayers.source import SourceText
from lintlayers.syntax.parser import parse_source


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (999, "999 bytes"),
        (1_000, "1.0 kB"),
        (8_150_000, "8.2 MB"),
        (19_874_352, "20 MB"),
        (999_400_000, "999 MB"),
        (999_600_000, "1.0 GB"),
        (192_000_000, "192 MB"),
        (2_500_000_000_000, "2.5 TB"),
    ],
)
def test_format_bytes(size: int, text: str) -> None:
    assert format_bytes(size) == text


def test_estimate_texts() -> None:
    assert SizeEstimate(45_000_000).text() == "~45 MB"
    assert SizeEstimate(20_000_000, 45_000_000).text() == "~20-45 MB"
    assert SizeEstimate(900_000, 3_000_000).text() == "~900 kB-3.0 MB"
    assert SizeEstimate(1_234_567, basis=EXACT).text() == "1.2 MB"
    relative = SizeEstimate(None, relative="about as large as node_modules")
    assert relative.text() == "about as large as node_modules"
    sourced = SizeEstimate(45_000_000, source="typical for Ubuntu")
    assert sourced.described() == "~45 MB (typical for Ubuntu)"
    assert sourced.clause() == "~45 MB, typical for Ubuntu"


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("debian:bookworm-slim", "debian"),
        ("buildpack-deps:bullseye", "debian"),
        ("python:3.12", "debian"),
        ("docker.io/library/node:20-slim", "debian"),
        ("python:3.12-alpine", None),
        ("ubuntu:22.04", "ubuntu"),
        ("nvidia/cuda:12.2.0-runtime-ubuntu22.04", "ubuntu"),
        ("eclipse-temurin:21-jammy", "ubuntu"),
        ("alpine:3.20", None),
        ("registry.example.com:5000/python", None),
        ("mcr.microsoft.com/dotnet/aspnet:8.0", None),
        ("example/sidekiq:7", None),  # not Debian's "sid"
        ("example/outsider", None),
        ("debian:sid-slim", "debian"),
        ("ubuntu22.04-base", "ubuntu"),
    ],
)
def test_distribution(image: str, expected: str | None) -> None:
    assert distribution(image) == expected


def test_apt_lists_by_distribution() -> None:
    debian = apt_lists("debian:bookworm")
    assert (debian.low, debian.basis) == (19_900_000, MEASURED)
    ubuntu = apt_lists("ubuntu:24.04")
    assert (ubuntu.low, ubuntu.basis) == (45_000_000, TYPICAL)
    unknown = apt_lists("scratch")
    assert (unknown.low, unknown.high, unknown.basis) == (20_000_000, 45_000_000, TYPICAL)


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("gcc", "gcc"),
        ("gcc=4:12.2.0-3", "gcc"),
        ("curl/bookworm-backports", "curl"),
        ("libc6-dev:amd64", "libc6-dev"),
        ("nodejs>18", "nodejs"),
        ("py3-pip@edge", "py3-pip"),
        ("openssl~3.1", "openssl"),
    ],
)
def test_package_name(word: str, name: str) -> None:
    assert package_name(word) == name


@pytest.mark.parametrize(
    ("system", "name", "kind"),
    [
        ("apt", "build-essential", "c"),
        ("apt", "g++-12", "c"),
        ("apt", "clang-17", "c"),
        ("apt", "golang-1.22-go", "go"),
        ("apt", "openjdk-17-jdk-headless", "java"),
        ("apt", "openjdk-17-jre-headless", None),
        ("apt", "libssl-dev", "headers"),
        ("apt", "libssl3", None),
        ("apt", "curl", None),
        ("apk", "build-base", "c"),
        ("apk", "musl-dev", "headers"),
        ("apk", "linux-headers", "headers"),
        ("apk", "go", "go"),
        ("apk", "openjdk17", "java"),
        ("apk", "openjdk17-jre", None),
        ("rpm", "gcc-c++", "c"),
        ("rpm", "python3-devel", "headers"),
        ("rpm", "java-17-openjdk-devel", "java"),
        ("rpm", "Development Tools", "c"),
        ("node", "typescript", "node"),
        ("node", "@angular/cli", "node"),
        ("node", "serve", None),
        ("pip", "gcc", None),
    ],
)
def test_build_tool_kind(system: str, name: str, kind: str | None) -> None:
    assert build_tool_kind(system, name) == kind


def test_build_tools_estimates() -> None:
    apt = build_tools("apt", ["make", "g++", "libssl-dev"])
    assert apt is not None
    assert (apt.low, apt.basis) == (267_200_000, MEASURED)
    assert apt.source == "g++ with its dependencies on Debian 12"
    apk = build_tools("apk", ["build-base", "musl-dev"])
    assert apk is not None
    assert (apk.low, apk.basis) == (274_300_000, TYPICAL)
    assert "build-essential" in apk.source
    assert build_tools("apt", ["libfoo-dev"]) is None  # unmeasured headers: no guess
    xcb = build_tools("apt", ["libxcb1-dev"])  # measured: 3.4 MB, not the 30 MB of libc6-dev
    assert xcb is not None and (xcb.low, xcb.basis) == (3_400_000, MEASURED)
    node = build_tools("node", ["typescript"])
    assert node is not None and node.low == 30_500_000
    assert build_tools("apt", ["curl"]) is None


def test_pip_cache_names_a_measured_wheel() -> None:
    assert pip_cache(["torch==2.3.0", "numpy"]).low == 191_800_000
    assert pip_cache(["NumPy>=2", "flask"]).low == 16_900_000
    relative = pip_cache(["flask"])
    assert relative.low is None and "a fifth" in relative.text()


@pytest.mark.parametrize(
    ("kind", "fragment"),
    [
        ("apt-lists", "~20 MB"),
        ("apt", "a quarter"),
        ("apk", "~1.1-3.0 MB"),
        ("pip", "a fifth"),
        ("npm", "as large as node_modules"),
        ("yarn", "at least as large"),
    ],
)
def test_package_cache(kind: str, fragment: str) -> None:
    size = package_cache(kind, "debian:bookworm")
    assert size is not None and fragment in size.text()


def test_package_cache_of_an_unknown_kind() -> None:
    assert package_cache("dnf") is None


# ------------------------------------------------------------ exact sizes from the context


def make_context(root: str, text: str) -> RuleContext:
    dockerfile = parse_source(SourceText(text, os.path.join(root, "Dockerfile")))
    return RuleContext(dockerfile, context_dir=root, path=os.path.join(root, "Dockerfile"))


def copy_step(context: RuleContext, position: int = 0):
    copies = [
        step for steps in sequences(context) for step in steps if step.keyword in ("COPY", "ADD")
    ]
    return copies[position]


@pytest.fixture
def context_dir(tmp_path) -> str:
    """A folder with known sizes: app/ holds 1,000,000 + 234,567 bytes, docs/ 10,000."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "server.bin").write_bytes(b"s" * 1_000_000)
    (tmp_path / "app" / "static").mkdir()
    (tmp_path / "app" / "static" / "site.css").write_bytes(b"c" * 234_567)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_bytes(b"d" * 10_000)
    return str(tmp_path)


@pytest.mark.parametrize(
    ("copy", "size"),
    [
        ("COPY app /srv/app", 1_234_567),
        ("COPY app/static /srv/static", 234_567),
        ("COPY . /srv", 1_244_567),  # the Dockerfile itself is not there yet: written below
        ("COPY app docs /srv/", 1_244_567),
        ("COPY app/*.bin /srv/", 1_000_000),
        ('COPY ["docs", "/srv/docs"]', 10_000),
        ("ADD app /srv/app", 1_234_567),
    ],
)
def test_copied_bytes_is_exact(context_dir: str, copy: str, size: int) -> None:
    context = make_context(context_dir, f"FROM debian\n{copy}\n")
    found = copied_bytes(context, copy_step(context))
    assert found is not None
    assert (found.low, found.basis) == (size, EXACT)


def test_copied_bytes_then_chown(context_dir: str) -> None:
    """A real folder copied and then `chown -R`: the exact bytes the chown duplicates."""
    from rule_harness import lint

    text = "FROM debian\nCOPY app /srv/app\nRUN chown -R www-data:www-data /srv/app\n"
    [finding] = lint(text, "LL307", context_dir=context_dir)
    assert "(/srv/app, 1.2 MB, in the build context)" in (finding.help or "")
    context = make_context(context_dir, text)
    assert copied_bytes(context, copy_step(context)).low == 1_234_567


def test_copied_bytes_honours_dockerignore(context_dir: str) -> None:
    with open(os.path.join(context_dir, ".dockerignore"), "w") as handle:
        handle.write("app/static\n")
    context = make_context(context_dir, "FROM debian\nCOPY app /srv/app\n")
    assert copied_bytes(context, copy_step(context)).low == 1_000_000


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian AS b\nFROM debian\nCOPY --from=b /app /srv\n",
        "FROM debian\nADD https://example.com/x.tgz /srv/\n",
        "FROM debian\nADD app.tar.gz /srv/\n",  # unpacked: its size is not the archive's
        "FROM debian\nCOPY $SRC /srv\n",
        "FROM debian\nCOPY missing /srv\n",
        "FROM debian\nCOPY <<EOF /srv/x\nhello\nEOF\n",
        "FROM debian\nONBUILD COPY app /srv\n",  # another build's context
    ],
)
def test_copied_bytes_unknown(context_dir: str, text: str) -> None:
    context = make_context(context_dir, text)
    assert copied_bytes(context, copy_step(context)) is None


def test_copied_bytes_needs_a_context(context_dir: str) -> None:
    dockerfile = parse_source(SourceText("FROM debian\nCOPY app /srv\n", "Dockerfile"))
    context = RuleContext(dockerfile)
    assert build_context(context) is None
    assert copied_bytes(context, copy_step(context)) is None


def test_a_malformed_dockerignore_gives_no_size(context_dir: str) -> None:
    with open(os.path.join(context_dir, ".dockerignore"), "w") as handle:
        handle.write("[\n")
    context = make_context(context_dir, "FROM debian\nCOPY app /srv\n")
    assert copied_bytes(context, copy_step(context)) is None


def test_the_context_is_walked_once_per_lint(context_dir: str) -> None:
    context = make_context(context_dir, "FROM debian\nCOPY app /a\nCOPY docs /b\n")
    first = build_context(context)
    assert first is not None and build_context(context) is first
    other = make_context(context_dir, "FROM debian\nCOPY app /a\n")
    assert build_context(other) is not first
    # the walk is held by the lint's RuleContext, shared with every other rule
    assert other.build_context is build_context(other)
