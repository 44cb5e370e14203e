"""LL313 useradd-high-uid."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, said

CODE = "LL313"


@pytest.mark.parametrize(
    ("line", "size"),
    [
        ("RUN useradd -u 100000 app", "32 MB"),
        ("RUN useradd --uid 1000000 -m app", "324 MB"),
        ("RUN useradd --uid=200000 app", "65 MB"),
        ("RUN groupadd -g 5 g && useradd -u 50000 -g g app", "16 MB"),
    ],
)
def test_reports_with_the_size(line: str, size: str) -> None:
    [finding] = lint(f"FROM debian\n{line}\n", CODE)
    assert size in said(finding)
    assert finding.location.line == 2


def test_uid_from_a_known_variable() -> None:
    text = "FROM debian\nARG APP_UID=150000\nRUN useradd -u $APP_UID app\n"
    [finding] = lint(text, CODE)
    assert "-u 150000" in said(finding)


@pytest.mark.parametrize(
    "line",
    [
        "RUN useradd -u 1000 app",  # 324 kB: not worth it
        "RUN useradd -l -u 100000 app",
        "RUN useradd --no-log-init -u 100000 app",
        "RUN useradd -ml -u 100000 app",
        "RUN useradd -u $UNKNOWN app",
        "RUN adduser -u 100000 app",  # busybox and Debian's adduser: no lastlog record
        "RUN echo useradd -u 100000 app",
    ],
)
def test_passes(line: str) -> None:
    assert lint(f"FROM debian\n{line}\n", CODE) == []


def test_fix_adds_no_log_init_and_lints_clean() -> None:
    text = "FROM debian\nRUN useradd -u 100000 -m app && echo ok\n"
    fixed = fix(text, CODE)
    assert fixed == "FROM debian\nRUN useradd --no-log-init -u 100000 -m app && echo ok\n"
    assert lint(fixed, CODE) == []
    assert fix(fixed, CODE) == fixed


def test_onbuild() -> None:
    line = onbuild("RUN useradd -u 100000 app")
    assert len(positions(lint(f"FROM debian\n{line}\n", CODE))) == 1
