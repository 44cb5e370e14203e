"""LL103 apt-get-update-alone."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, said

CODE = "LL103"


def span(line: int, text: str, word: str) -> tuple[int, int, int, int]:
    """(line, column, end line, end column) of ``word`` in the line ``text``."""
    column = text.index(word) + 1
    return (line, column, line, column + len(word))


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("RUN apt-get update", "apt-get update"),
        ("RUN apt update", "apt update"),
        ("RUN apt-get -qq update", "apt-get -qq update"),
        ("RUN sudo apt-get update", "sudo apt-get update"),
        ("RUN apt-get -o Acquire::Retries=3 update", "apt-get -o Acquire::Retries=3 update"),
        ("RUN apt-get install -y gnupg && apt-get update", "apt-get update"),
        ("RUN apt-get update && apt-get purge -y vim", "apt-get update"),
        ('RUN sh -c "apt-get update"', "apt-get update"),
        ("RUN apt-get update; echo done", "apt-get update"),
    ],
)
def test_reports_update_without_install(line: str, command: str) -> None:
    findings = lint(f"FROM debian\n{line}\nRUN echo x\nRUN apt-get install -y curl\n", CODE)
    assert positions(findings) == [span(2, line, command)]
    assert "stale package index" in said(findings[0])


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("FROM debian\nRUN apt-get update\n", "FROM debian\n"),
        ("FROM debian\nRUN apt-get update\nRUN echo hi\n", "FROM debian\nRUN echo hi\n"),
        (
            "FROM debian\nRUN apt-get update\nFROM debian\nRUN apt-get install -y curl\n",
            "FROM debian\nFROM debian\nRUN apt-get install -y curl\n",
        ),
        ("FROM debian\nRUN apt-get update; echo done\n", None),
    ],
)
def test_update_nothing_installs_from_is_to_be_deleted(text: str, fixed: str | None) -> None:
    [finding] = lint(text, CODE)
    assert "nothing later in this stage uses: delete it" in said(finding)
    assert "same RUN" not in said(finding)
    assert fix(text, CODE, unsafe=True) == (fixed if fixed is not None else text)


@pytest.mark.parametrize(
    "text",
    [
        # a stage built FROM this one may install from the lists
        "FROM debian AS base\nRUN apt-get update\nFROM base\nRUN apt-get install -y curl\n",
        # an exec form is not parsed: it may install
        'FROM debian\nRUN apt-get update\nRUN ["apt-get", "install", "-y", "curl"]\n',
    ],
)
def test_update_a_later_step_may_use_is_not_called_unused(text: str) -> None:
    [finding] = lint(text, CODE)
    assert "delete it" not in said(finding)


def test_exact_columns() -> None:
    assert positions(lint("FROM debian\nRUN apt-get update\n", CODE)) == [(2, 5, 2, 19)]


def test_update_in_a_heredoc_body() -> None:
    text = "FROM debian\nRUN <<EOF\nset -e\napt-get update\nEOF\n"
    assert positions(lint(text, CODE)) == [(4, 1, 4, 15)]


def test_update_on_a_continuation_line() -> None:
    text = "FROM debian\nRUN set -e \\\n    && apt-get update\n"
    assert positions(lint(text, CODE)) == [(3, 8, 3, 22)]


@pytest.mark.parametrize(
    "line",
    [
        "RUN apt-get update && apt-get install -y curl",
        "RUN apt-get update && apt-get -y --no-install-recommends install curl",
        "RUN apt update && apt upgrade -y",
        "RUN apt-get update && apt-get dist-upgrade -y",
        "RUN apt-get update && apt-get build-dep -y python3",
        "RUN apt-get update && apt-get source hello",
        "RUN apt-get update && apt-cache policy curl",
        "RUN apt-get update && xx-apt-get install -y gcc",
        "RUN apt-get update && ./install-deps.sh",
        "RUN apt-get update && bash scripts/deps.sh",
        "RUN apt-get update && install_packages curl",
        "RUN apt-get update && echo curl | xargs apt-get install -y",
        "RUN apk update && apk add curl",
        "RUN echo apt-get update",
        "RUN apt-get install -y curl",
    ],
)
def test_passes(line: str) -> None:
    assert lint(f"FROM debian\n{line}\n", CODE) == []


def test_cache_mount_variant_still_reports_without_the_size_remark() -> None:
    line = "RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update"
    [finding] = lint(f"FROM debian\n{line}\nRUN apt-get install -y curl\n", CODE)
    assert "stale package index" in said(finding)
    assert "stay in the image" not in said(finding)
    assert finding.fix is None  # a RUN with flags is not merged


def test_message_without_mount_mentions_the_lists() -> None:
    [finding] = lint("FROM debian\nRUN apt-get update\nRUN echo\nRUN apt-get install x\n", CODE)
    assert "stay in the image" in said(finding)


def test_onbuild() -> None:
    line = onbuild("RUN apt-get update")
    assert positions(lint(f"FROM debian\n{line}\n", CODE)) == [span(2, line, "apt-get update")]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n",
            "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
        ),
        (
            "FROM debian\nRUN apt-get -qq update\n\nRUN apt-get install -y \\\n    curl\n",
            "FROM debian\n\nRUN apt-get -qq update && apt-get install -y \\\n    curl\n",
        ),
        (
            "FROM debian\r\nRUN apt update\r\nRUN apt install -y curl\r\n",
            "FROM debian\r\nRUN apt update && apt install -y curl\r\n",
        ),
        (
            "FROM debian\nRUN apt-get update\nRUN apt-get update && apt-get install -y curl\n",
            "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
        ),
        (
            "FROM debian\n  RUN apt-get update\n  RUN apt-get upgrade -y",
            "FROM debian\n  RUN apt-get update && apt-get upgrade -y",
        ),
        (
            "FROM debian\n"
            + onbuild("RUN apt-get update")
            + "\n"
            + onbuild("RUN apt-get install -y x")
            + "\n",
            "FROM debian\n" + onbuild("RUN apt-get update && apt-get install -y x") + "\n",
        ),
    ],
)
def test_fix_merges_into_the_next_run(before: str, after: str) -> None:
    assert fix(before, CODE) == before  # unsafe: not applied without --unsafe-fixes
    fixed = fix(before, CODE, unsafe=True)
    assert fixed == after
    assert fix(fixed, CODE, unsafe=True) == fixed
    assert lint(fixed, CODE) == []


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian\nRUN apt-get update\nENV X=1\nRUN apt-get install -y curl\n",
        "FROM debian\nRUN apt-get update; echo done\nRUN apt-get install -y curl\n",
        "FROM debian\nRUN apt-get update\nRUN --network=host apt-get install -y curl\n",
        'FROM debian\nRUN apt-get update\nRUN ["apt-get", "install", "-y", "curl"]\n',
        "FROM debian\nRUN apt-get update\nRUN <<EOF\napt-get install -y curl\nEOF\n",
        "FROM debian\nRUN <<EOF\napt-get update\nEOF\nRUN apt-get install -y curl\n",
        "FROM debian\n" + onbuild("RUN apt-get update") + "\nRUN apt-get install -y curl\n",
    ],
)
def test_no_fix(text: str) -> None:
    findings = lint(text, CODE)
    assert len(findings) == 1
    assert findings[0].fix is None
    assert fix(text, CODE, unsafe=True) == text


def test_fix_message_names_the_install_line() -> None:
    [finding] = lint("FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n", CODE)
    assert "line 3" in said(finding)
    assert finding.fix is not None
    assert finding.fix.applicability == "unsafe"
