"""LL312 build-tools-in-final-stage."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, rule_class, said

from lintlayers.engine import Linter

CODE = "LL312"
APP = "COPY . /app\n"
"""An application copied into the image: what makes build tools there a waste."""


def span(line: int, text: str, word: str) -> tuple[int, int, int, int]:
    column = text.index(word) + 1
    return (line, column, line, column + len(word))


def lint_path(text: str, path: str):
    """Findings of the rule for ``text`` linted as the file ``path``."""
    return Linter([rule_class(CODE)()]).lint_text(text, path).findings


@pytest.mark.parametrize(
    ("base", "line", "command", "names"),
    [
        ("python:3.12-slim",
         "RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev "
         "&& rm -rf /var/lib/apt/lists/*", "apt-get install", "gcc, libpq-dev"),
        ("debian", "RUN apt-get install -y build-essential curl", "apt-get install",
         "build-essential"),
        ("debian", "RUN apt-get -y install g++-12 cmake=3.25.1-1", "apt-get -y install",
         "g++-12, cmake"),
        ("debian", "RUN apt install -y golang-go", "apt install", "golang-go"),
        ("python:3.12-alpine", "RUN apk add --no-cache gcc musl-dev linux-headers", "apk add",
         "gcc, musl-dev, linux-headers"),
        ("alpine", "RUN apk add --no-cache --virtual .build-deps build-base", "apk add",
         "build-base"),  # a virtual group nobody deletes
        ("fedora", "RUN dnf install -y gcc-c++ python3-devel", "dnf install",
         "gcc-c++, python3-devel"),
        ("centos:7", "RUN yum -y groupinstall 'Development Tools'", "yum -y groupinstall",
         "Development Tools"),
        ("node:20", "RUN npm install -g typescript@5.4 @angular/cli@17", "npm install",
         "typescript, @angular/cli"),
        ("node:20", "RUN yarn global add node-gyp", "yarn global", "node-gyp"),
        ("debian", "RUN sudo apt-get install -y gcc", "apt-get install", "gcc"),
    ],
)  # fmt: skip
def test_reports(base: str, line: str, command: str, names: str) -> None:
    findings = lint(f"FROM {base}\n{line}\n{APP}", CODE)
    assert positions(findings) == [span(2, line, command)]
    assert findings[0].message.endswith(f"leaves build tools in the image: {names}")
    assert "`COPY --from`" in said(findings[0])
    assert findings[0].fix is None


def test_exact_position_and_message() -> None:
    text = "FROM python:3.12-slim\nRUN apt-get install -y gcc make\n" + APP
    [finding] = lint(text, CODE)
    assert positions([finding]) == [(2, 5, 2, 20)]
    assert finding.message == "`apt-get install` leaves build tools in the image: gcc, make"
    assert finding.help == (
        "~180 MB or more (gcc with its dependencies on Debian 12), not removed by this RUN; "
        "build in an earlier stage and `COPY --from` only what the image needs at run time, "
        "or purge them at the end of this RUN (`apt-get purge -y --auto-remove gcc make`)"
    )


@pytest.mark.parametrize(
    ("base", "line", "size"),
    [
        ("alpine", "RUN apk add build-base", "~274 MB or more (typical: Debian 12's "
         "build-essential with its dependencies"),
        ("alpine", "RUN apk add go", "~465 MB or more (typical: Debian 12's golang"),
        ("debian", "RUN apt-get install -y libxcb1-dev",
         "only ~3.4 MB (libxcb1-dev with its dependencies on Debian 12"),
        ("node", "RUN npm i -g webpack", "~30 MB or more (typical for a Node.js build tool"),
        ("debian", "RUN apt-get install -y rustc libssl-dev",
         "~658 MB or more (rustc with its dependencies on Debian 12"),
    ],
)  # fmt: skip
def test_message_estimates_the_size(base: str, line: str, size: str) -> None:
    [finding] = lint(f"FROM {base}\n{line}\n{APP}", CODE)
    assert size in said(finding)


@pytest.mark.parametrize(
    ("line", "advice"),
    [
        ("RUN apk add gcc", "(`apk add --virtual .build-deps gcc && ... && apk del .build-deps`)"),
        ("RUN dnf install -y gcc", "(`dnf remove -y gcc`)"),
        ("RUN npm install -g typescript", "(`npm uninstall -g typescript`)"),
    ],
)
def test_message_names_the_removal_of_each_package_manager(line: str, advice: str) -> None:
    [finding] = lint(f"FROM alpine\n{line}\n{APP}", CODE)
    assert advice in said(finding)


def test_more_than_five_packages_are_counted() -> None:
    line = "RUN apt-get install -y gcc g++ make cmake autoconf automake libtool"
    [finding] = lint(f"FROM debian\n{line}\n{APP}", CODE)
    assert "gcc, g++, make, cmake, autoconf and 2 more:" in said(finding)


@pytest.mark.parametrize(
    "setup",
    [
        'ENV BUILD_DEPS="gcc make"',
        "ARG BUILD_DEPS='gcc make'",
    ],
)
def test_known_variables_are_expanded(setup: str) -> None:
    text = f"FROM debian\n{setup}\nRUN apt-get install -y $BUILD_DEPS\n{APP}"
    [finding] = lint(text, CODE)
    assert "the image: gcc, make\n" in said(finding)


def test_a_variable_set_in_the_run_is_expanded() -> None:
    line = "RUN deps='gcc libc6-dev'; apt-get install -y $deps; make"
    [finding] = lint(f"FROM debian\n{line}\n{APP}", CODE)
    assert "gcc, libc6-dev" in said(finding)


def test_only_the_packages_left_are_named() -> None:
    line = "RUN apt-get install -y gcc make && make && apt-get purge -y gcc"
    [finding] = lint(f"FROM debian\n{line}\n{APP}", CODE)
    assert "the image: make\n" in said(finding)


def test_purging_an_unknown_variable_does_not_remove_named_packages() -> None:
    line = "RUN apt-get install -y gcc $buildDeps && make && apt-get purge -y $buildDeps"
    [finding] = lint(f"FROM debian\n{line}\n{APP}", CODE)
    assert "the image: gcc\n" in said(finding)


def test_removal_in_a_later_run_does_not_count() -> None:
    text = f"FROM debian\nRUN apt-get install -y gcc\n{APP}RUN apt-get purge -y gcc\n"
    assert positions(lint(text, CODE)) == [(2, 5, 2, 20)]


def test_final_stage_of_a_multi_stage_build() -> None:
    text = "FROM golang AS build\nRUN go build\nFROM debian\nRUN apt-get install -y gcc\n" + APP
    [finding] = lint(text, CODE)
    assert positions([finding]) == [(4, 5, 4, 20)]
    assert "leaves build tools in the final stage" in said(finding)


def test_a_stage_the_final_one_is_built_from_counts() -> None:
    text = "FROM debian AS base\nRUN apt-get install -y gcc\nFROM base\n" + APP
    assert positions(lint(text, CODE)) == [(2, 5, 2, 20)]


def test_onbuild_variant() -> None:
    line = onbuild("RUN apt-get install -y gcc")
    text = f"FROM debian\n{line}\nONBUILD {APP}"
    [finding] = lint(text, CODE)
    assert positions([finding]) == [span(2, line, "apt-get install")]
    assert "leaves build tools in the images built from this one" in said(finding)
    passing = onbuild("RUN apk add --virtual .bd gcc && make && apk del .bd")
    assert lint(f"FROM alpine\n{passing}\nONBUILD {APP}", CODE) == []


@pytest.mark.parametrize(
    "line",
    [
        # a virtual group deleted in the same RUN, as the official images do
        "RUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install x "
        "&& apk del --no-network .build-deps",
        "RUN apk add -t .bd gcc make && make && apk del .bd",
        "RUN apk add --virtual=.bd gcc && make && apk del .bd",
        "RUN apk add gcc musl-dev && pip install x && apk del gcc musl-dev",
        # apt: the packages purged, or the official images' apt-mark pattern
        "RUN apt-get install -y gcc make && make && apt-get purge -y --auto-remove gcc make",
        "RUN apt-get install -y gcc && make; apt-get remove -y gcc",
        "RUN deps='gcc make' && apt-get install -y $deps && make && apt-get purge -y $deps",
        "RUN apt-get install -y $buildDeps && make && apt-get purge -y $buildDeps",  # unknown
        'RUN savedAptMark="$(apt-mark showmanual)"; apt-get install -y gcc; make; '
        "apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; "
        "apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false",
        "RUN apt-get install -y gcc && make && apt-mark auto gcc && apt-get autoremove -y",
        "RUN apt-get install -y gcc && make && dpkg --purge gcc",
        "RUN dnf install -y gcc && make && dnf remove -y gcc",
        "RUN yum install -y gcc && make && yum history undo last -y",
        "RUN npm install -g typescript && tsc && npm uninstall -g typescript",
        # not build tools
        "RUN apt-get install -y curl ca-certificates libpq5",
        "RUN apk add --no-cache libstdc++ openssl",
        "RUN npm install -g serve pm2",
        "RUN npm install typescript",  # a project dependency, not global
        'RUN ["apt-get", "install", "-y", "gcc"]',
        "RUN echo apt-get install -y gcc",
    ],
)
def test_passes(line: str) -> None:
    assert lint(f"FROM debian\n{line}\n{APP}", CODE) == []


def test_multi_stage_build_is_silent() -> None:
    text = (
        "FROM python:3.12-slim AS build\n"
        "RUN apt-get update && apt-get install -y gcc libpq-dev\n"
        "COPY requirements.txt .\n"
        "RUN pip wheel --wheel-dir /wheels -r requirements.txt\n"
        "FROM python:3.12-slim\n"
        "COPY --from=build /wheels /wheels\n"
        "RUN pip install --no-cache-dir /wheels/*\n" + APP
    )
    assert lint(text, CODE) == []


def test_onbuild_of_an_earlier_stage_is_silent() -> None:
    text = "FROM debian AS tools\nONBUILD RUN apt-get install -y gcc\nFROM alpine\n" + APP
    assert lint(text, CODE) == []


@pytest.mark.parametrize(
    "tail",
    [
        "",  # installs tools and copies nothing: a toolchain image, like golang or gcc
        "COPY docker-entrypoint.sh /usr/local/bin/\n",
        "COPY go-wrapper /usr/local/bin/\n",
        "COPY nginx.conf /etc/nginx/nginx.conf\n",
        "COPY --from=build /out /app\n",
        "ADD https://example.com/tool.tgz /opt/\n",
    ],
)
def test_images_that_provide_the_tools_are_silent(tail: str) -> None:
    assert lint(f"FROM debian\nRUN apt-get install -y gcc make\n{tail}", CODE) == []


@pytest.mark.parametrize(
    "head",
    [
        "FROM mcr.microsoft.com/devcontainers/python:3.12\n",
        "FROM mcr.microsoft.com/vscode/devcontainers/base:bullseye\n",
        "FROM python:3.12 AS dev\n",
        "FROM scratch AS x\nFROM python:3.12 AS builder\n",
        "FROM python:3.12 AS test-runner\n",
        # images that already carry a compiler: a build environment
        "FROM golang:1.22\n",
        "FROM docker.io/library/rust:1-slim\n",
        "FROM eclipse-temurin:21-jdk\n",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\n",
        "ARG GO=golang:1.22-bookworm\nFROM ${GO} AS base\nFROM base\n",
    ],
)
def test_development_images_are_silent(head: str) -> None:
    assert lint(f"{head}RUN apt-get install -y gcc\n{APP}", CODE) == []


@pytest.mark.parametrize(
    "base", ["eclipse-temurin:21-jre", "python:3.12", "mcr.microsoft.com/dotnet/aspnet:8.0"]
)
def test_runtime_images_are_checked(base: str) -> None:
    assert len(lint(f"FROM {base}\nRUN apt-get install -y gcc\n{APP}", CODE)) == 1


@pytest.mark.parametrize(
    ("path", "reported"),
    [
        ("Dockerfile", True),
        ("services/api/Dockerfile", True),
        ("build/package/Dockerfile", True),  # where many Go projects keep production images
        ("Dockerfile.dev", False),
        ("dev.Dockerfile", False),
        ("docker/Dockerfile-test", False),
        ("builder.Dockerfile", False),
        ("ci/docker/ubuntu.dockerfile", False),
        ("project/.devcontainer/Dockerfile", False),
        ("tests/e2e/Dockerfile", False),
    ],
)
def test_development_file_names_are_silent(path: str, reported: bool) -> None:
    text = f"FROM python:3.12\nRUN apt-get install -y gcc\n{APP}"
    assert bool(lint_path(text, path)) is reported


def test_no_fix_is_offered() -> None:
    text = f"FROM debian\nRUN apt-get install -y gcc\n{APP}"
    assert fix(text, CODE, unsafe=True) == text


def test_classic_builder_too() -> None:
    text = f"FROM debian\nRUN apt-get install -y gcc\n{APP}"
    assert positions(lint(text, CODE, builder="classic")) == [(2, 5, 2, 20)]


def test_go_toolchain_advice_has_the_go_cache_mounts_under_buildkit() -> None:
    text = f"FROM debian\nRUN apt-get install -y golang-go\n{APP}"
    [finding] = lint(text, CODE)
    assert (
        "(`FROM golang`, with `--mount=type=cache,target=/root/.cache/go-build "
        "--mount=type=cache,target=/go/pkg/mod` on its `go build`)"
    ) in said(finding)
    [classic] = lint(text, CODE, builder="classic")
    assert "--mount" not in said(classic)


def test_unmeasured_headers_get_no_size_guess() -> None:
    [finding] = lint(f"FROM debian\nRUN apt-get install -y libfoo-dev\n{APP}", CODE)
    assert "MB" not in said(finding)


def test_a_comment_that_explains_lowers_the_finding_to_info() -> None:
    text = (
        "FROM debian\n# Fix from https://example.com/issue/22 : libc-dev\n"
        f"RUN apt-get install -y libc-dev wget\n{APP}"
    )
    [finding] = lint(text, CODE)
    assert finding.severity == "info"
    assert "a comment on this RUN may explain" in said(finding)
    plain = text.replace("# Fix from https://example.com/issue/22 : libc-dev\n", "# tools\n")
    [finding] = lint(plain, CODE)
    assert finding.severity == "warning"


def test_corpus_azure_java21_comment_explains_libc_dev() -> None:
    from corpus_support import corpus_root

    name = "host__4__bookworm__java__java21__java21-appservice.Dockerfile"
    path = corpus_root() / "files" / "Azure__azure-functions-docker" / name
    [finding] = [f for f in lint(path.read_text(encoding="utf-8"), CODE) if f.location.line == 55]
    assert finding.severity == "info"


def test_a_comment_inside_the_run_explains_too() -> None:
    text = (
        "FROM debian\nRUN apt-get update && apt-get install -y \\\n"
        "  # To run the Makefile\n  make gcc \\\n  && rm -rf /var/lib/apt/lists/*\n"
        f"{APP}"
    )
    [finding] = lint(text, CODE)
    assert finding.severity == "info"
    assert "a comment on this RUN may explain" in said(finding)
    [plain] = lint(text.replace("# To run the Makefile", "# tools"), CODE)
    assert plain.severity == "warning"


def test_corpus_cookiecutter_docs_image_runs_its_makefile() -> None:
    """``compose/local/docs/Dockerfile`` of cookiecutter-django installs ``make`` under
    ``# To run the Makefile``: its start script runs ``make livehtml``."""
    from corpus_support import corpus_root

    folder = corpus_root() / "files" / "cookiecutter__cookiecutter-django"
    path = folder / "{{cookiecutter.project_slug}}__compose__local__docs__Dockerfile"
    [finding] = [f for f in lint(path.read_text(encoding="utf-8"), CODE) if f.location.line == 40]
    assert finding.severity == "info"


@pytest.mark.parametrize(
    ("base", "line", "amount"),
    [
        ("debian", "RUN apt-get install -y libxcb1-dev", "only ~3.4 MB (libxcb1-dev"),
        ("debian", "RUN apt-get install -y make unixodbc-dev", "only 4.5 MB at most (each"),
        ("rockylinux:9", "RUN yum -y install unixODBC-devel", "only ~2.9 MB (typical: Debian"),
    ],
)
def test_a_few_measured_mb_of_tools_are_an_info(base: str, line: str, amount: str) -> None:
    """Headers without a compiler, or make alone: a note, with the measured amount."""
    [finding] = lint(f"FROM {base}\n{line}\n{APP}", CODE)
    assert finding.severity == "info"
    assert said(finding).count(amount) == 1
    others = (" libfoo-devel",) if "yum" in line else (" libxrender-dev", " libfoo-dev")
    for heavier in (" gcc", *others):  # 180 MB, 9.8 MB, not measured
        [finding] = lint(f"FROM {base}\n{line}{heavier}\n{APP}", CODE)
        assert finding.severity == "warning", heavier


def test_corpus_mssql_rhel_odbc_headers_are_an_info() -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "microsoft__mssql-docker" / "linux__preview__RHEL__Dockerfile"
    [finding] = lint(path.read_text(encoding="utf-8"), CODE)
    assert (finding.location.line, finding.severity) == (31, "info")
    assert "unixODBC-devel" in finding.message


def test_a_long_label_names_fewer_tools_within_100_characters() -> None:
    """BuildKit's parser case testfiles/docker line 22: `apt-get --no-install-recommends
    install` of five tools named three and overran the message's 100 characters."""
    text = (
        "FROM debian\nRUN apt-get --no-install-recommends install -y automake build-essential "
        f"libapparmor-dev libcap-dev libseccomp-dev\n{APP}"
    )
    [finding] = lint(text, CODE)
    assert len(finding.message) <= 100
    assert finding.message.endswith(": automake and 4 more")
    assert "libseccomp-dev" in finding.help


def test_no_purge_advice_when_a_later_run_compiles_with_the_tools() -> None:
    """mssql-docker's pyodbc image installs gcc and python-dev, then a later RUN runs
    `pip install pyodbc`, which compiles on Python 2.7: purging them in the first RUN, as
    the help advised, would break that build."""
    text = (
        "FROM python:3.12-slim\nRUN apt-get install -y gcc python3-dev\n"
        f"RUN pip install --no-cache-dir pyodbc\n{APP}"
    )
    [finding] = lint(text, CODE)
    assert "the RUN at line 3 may compile with them" in said(finding)
    assert "purge" not in said(finding)
    alone = text.replace("RUN pip install --no-cache-dir pyodbc\n", "")
    [finding] = lint(alone, CODE)
    assert "apt-get purge -y --auto-remove gcc python3-dev" in said(finding)


def test_the_run_that_compiles_is_named_not_a_pip_self_upgrade() -> None:
    """mssql-docker's pyodbc image runs `pip install --upgrade pip` (line 32) before
    `pip install pyodbc` (line 35): pip's own tools are pure-Python wheels, so the help
    named the wrong RUN; it names the one that compiles."""
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "microsoft__mssql-docker" / "oss-drivers__pyodbc__Dockerfile"
    findings = lint(path.read_text(), CODE)
    assert [finding.location.line for finding in findings] == [6, 15, 23]
    for finding in findings:
        assert "the RUN at line 35 may compile with them" in said(finding)
    upgrade_alone = (
        "FROM python:3.12-slim\nRUN apt-get install -y gcc python3-dev\n"
        f"RUN pip install --upgrade pip setuptools wheel\n{APP}"
    )
    [finding] = lint(upgrade_alone, CODE)
    assert "may compile" not in said(finding)
    assert "apt-get purge -y --auto-remove gcc python3-dev" in said(finding)


def test_a_go_get_that_builds_keeps_the_tools() -> None:
    """jessfraz's nes image installs gcc, golang and X11 headers, then `go get`s the
    emulator in GOPATH mode, which compiles it with them: the help advised purging them
    in the install's own RUN, which would break that build."""
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "jessfraz__dockerfiles" / "nes__Dockerfile"
    [finding] = lint(path.read_text(), CODE)
    assert "the RUN at line 35 may compile with them" in said(finding)
    assert "purge" not in said(finding)
