"""LL302 apt-install-recommends."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, said

CODE = "LL302"
FLAG = "--no-install-recommends"


def span(line: int, text: str, word: str) -> tuple[int, int, int, int]:
    column = text.index(word) + 1
    return (line, column, line, column + len(word))


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("RUN apt-get install -y curl", "apt-get install"),
        ("RUN apt-get update && apt-get install -y curl", "apt-get install"),
        ("RUN apt install -y curl", "apt install"),
        ("RUN apt-get -y install curl", "apt-get -y install"),
        ("RUN apt-get -o Dpkg::Options::=--force-confold install -y x",
         "apt-get -o Dpkg::Options::=--force-confold install"),
        ("RUN DEBIAN_FRONTEND=noninteractive apt-get install -y curl", "apt-get install"),
        ("RUN sudo apt-get install -y curl", "apt-get install"),
        ("RUN apt-get install -y -o APT::Install-Recommends=true curl", "apt-get install"),
        ("RUN apt-get install -y --no-install-suggests curl", "apt-get install"),
        ("RUN --mount=type=cache,target=/var/cache/apt apt-get install -y curl",
         "apt-get install"),
        ('RUN bash -c "apt-get install -y curl"', "apt-get install"),
    ],
)  # fmt: skip
def test_reports(line: str, command: str) -> None:
    findings = lint(f"FROM debian\n{line}\n", CODE)
    assert positions(findings) == [span(2, line, command)]
    assert FLAG in said(findings[0])


@pytest.mark.parametrize(
    ("packages", "waste", "severity"),
    [
        (
            "curl git",
            "adds ~15 MB of recommended packages\n~15 MB for git alone, measured on Debian 12",
            "warning",
        ),
        (
            "python3-pip=23.0+dfsg-1 curl",
            "~380 MB for python3-pip alone",
            "warning",
        ),
        ("gcc:amd64", "~88 MB for gcc alone", "warning"),
        ("unzip jq", "these packages recommend nothing on Debian 12", "info"),
        ("unzip some-unknown-package", "often add tens of MB", "warning"),
        ("$PACKAGES", "often add tens of MB", "warning"),
    ],
)
def test_message_names_the_measured_size(packages: str, waste: str, severity: str) -> None:
    [finding] = lint(f"FROM debian\nRUN apt-get install -y {packages}\n", CODE)
    assert waste in said(finding)
    assert finding.severity == severity
    assert len(finding.message) <= 100


def test_every_install_is_reported() -> None:
    text = "FROM debian\nRUN apt-get install -y curl \\\n && apt-get install -y git\n"
    assert positions(lint(text, CODE)) == [(2, 5, 2, 20), (3, 5, 3, 20)]


def test_heredoc_body() -> None:
    text = "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n"
    assert positions(lint(text, CODE)) == [(4, 1, 4, 16)]
    assert fix(text, CODE, unsafe=True) == text.replace("install", f"install {FLAG}")


@pytest.mark.parametrize(
    "line",
    [
        f"RUN apt-get install -y {FLAG} curl",
        f"RUN apt-get install {FLAG} -y curl",
        f"RUN apt-get {FLAG} install -y curl",
        "RUN apt-get install -y -o APT::Install-Recommends=false curl",
        "RUN apt-get install -y -o APT::Install-Recommends=0 curl",
        "RUN apt-get install -y --option=apt::install-recommends=false curl",
        "RUN apt-get update",
        "RUN apt-get purge -y curl",
        "RUN apt-get upgrade -y",
        "RUN apk add curl",
        'RUN ["apt-get", "install", "-y", "curl"]',
        "RUN echo apt-get install curl",
    ],
)
def test_passes(line: str) -> None:
    assert lint(f"FROM debian\n{line}\n", CODE) == []


@pytest.mark.parametrize(
    "setup",
    [
        "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends",
        "RUN printf 'APT::Install-Recommends \"false\";\\n' > /etc/apt/apt.conf.d/01norec",
        "COPY 99norecommends /etc/apt/apt.conf.d/",
        "COPY apt.conf /etc/apt/apt.conf",
    ],
)
def test_recommends_turned_off_by_an_earlier_step(setup: str) -> None:
    text = f"FROM debian\n{setup}\nRUN apt-get install -y curl\n"
    assert lint(text, CODE) == []


def test_configuration_carries_to_stages_built_from_it() -> None:
    text = (
        "FROM debian AS base\n"
        "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends\n"
        "FROM base\n"
        "RUN apt-get install -y curl\n"
    )
    assert lint(text, CODE) == []


def test_configuration_in_another_stage_does_not_count() -> None:
    text = (
        "FROM debian AS other\n"
        "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends\n"
        "FROM debian\n"
        "RUN apt-get install -y curl\n"
    )
    assert positions(lint(text, CODE)) == [(4, 5, 4, 20)]


def test_configuration_after_the_install_does_not_count() -> None:
    text = (
        "FROM debian\n"
        "RUN apt-get install -y curl\n"
        "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends\n"
    )
    assert positions(lint(text, CODE)) == [(2, 5, 2, 20)]


def test_stage_used_only_for_specific_paths_is_skipped() -> None:
    text = (
        "FROM debian AS build\nRUN apt-get install -y gcc\n"
        "FROM scratch\nCOPY --from=build /usr/bin/gcc /gcc\n"
    )
    assert lint(text, CODE) == []


def test_onbuild_variant() -> None:
    line = onbuild("RUN apt-get install -y curl")
    text = f"FROM debian\n{line}\n"
    assert positions(lint(text, CODE)) == [span(2, line, "apt-get install")]
    fixed = fix(text, CODE, unsafe=True)
    assert fixed == f"FROM debian\nONBUILD RUN apt-get install {FLAG} -y curl\n"


def test_fix_is_unsafe() -> None:
    text = "FROM debian\nRUN apt-get install -y curl\n"
    [finding] = lint(text, CODE)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert fix(text, CODE) == text


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("RUN apt-get install -y curl", f"RUN apt-get install {FLAG} -y curl"),
        ("RUN apt-get -y install curl", f"RUN apt-get -y install {FLAG} curl"),
        ("RUN apt-get update && apt-get install -y \\\n    curl",
         f"RUN apt-get update && apt-get install {FLAG} -y \\\n    curl"),
        ("RUN apt-get install -y a && apt install -y b",
         f"RUN apt-get install {FLAG} -y a && apt install {FLAG} -y b"),
        ('RUN sh -c "apt-get install -y curl"', f'RUN sh -c "apt-get install {FLAG} -y curl"'),
    ],
)  # fmt: skip
def test_fix(before: str, after: str) -> None:
    assert fix(f"FROM debian\n{before}\n", CODE, unsafe=True) == f"FROM debian\n{after}\n"


def test_no_fix_for_a_quoted_subcommand() -> None:
    text = "FROM debian\nRUN apt-get 'install' -y curl\n"
    [finding] = lint(text, CODE)
    assert finding.fix is None


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian\nRUN apt-get install -y curl\n",
        "FROM debian\nRUN apt-get update && apt-get install -y a \\\n  && apt-get install -y b\n",
    ],
)
def test_idempotent(text: str) -> None:
    once = fix(text, CODE, unsafe=True)
    assert once != text
    assert fix(once, CODE, unsafe=True) == once
    assert lint(once, CODE) == []


def test_corpus_install_without_recommends_to_save_is_only_an_info() -> None:
    from corpus_support import corpus_root

    name = "host__3.0__buster__amd64__java__java8__java8-core-tools.Dockerfile"
    path = corpus_root() / "files" / "Azure__azure-functions-docker" / name
    findings = lint(path.read_text(encoding="utf-8"), CODE)
    [finding] = [finding for finding in findings if finding.location.line == 39]
    assert finding.severity == "info"
    assert "recommend nothing" in said(finding)
