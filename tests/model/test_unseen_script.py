"""Which commands run a script lintlayers never reads (``model.command_writes.unseen_script``,
``RunEffects.unseen_script``): one answer the size rules ask."""

from __future__ import annotations

import pytest

from lintlayers.context import RuleContext
from lintlayers.model.command_writes import unseen_script
from lintlayers.model.run_effects import effects
from lintlayers.model.steps import sequences
from lintlayers.shell.commands import parse_shell
from lintlayers.syntax.parser import parse


def scripts_of(text: str) -> list[str]:
    return [unseen_script(command.effective()) for command in parse_shell(text).commands]


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("bash /tmp/scripts/sshd-debian.sh", "/tmp/scripts/sshd-debian.sh"),
        ("/bin/sh -e ./install.sh --quiet", "./install.sh"),
        ("sh -o pipefail /x.sh", "/x.sh"),
        ("sudo bash /tmp/x.sh", "/tmp/x.sh"),
        ("ash /tmp/library-scripts/common-alpine.sh true", "/tmp/library-scripts/common-alpine.sh"),
        ("sh < /tmp/x.sh", "-"),
        (". ./env.sh", "./env.sh"),
        ("source /tmp/setup", "/tmp/setup"),
        ("./setup.sh", "./setup.sh"),
        ("/linux-install-${VERSION}.sh", "/linux-install-${VERSION}.sh"),
        ("install-deps.sh x", "install-deps.sh"),
        ("/usr/local/bin/setup.sh", "/usr/local/bin/setup.sh"),
        ("$HOME/bin/tool x", "$HOME/bin/tool"),
    ],
)
def test_a_script_whose_text_is_not_read(text: str, script: str) -> None:
    assert scripts_of(text) == [script]


def test_a_script_on_standard_input() -> None:
    assert scripts_of("curl -fsSL https://x.example/i | sh") == ["", "-"]
    assert scripts_of("curl -fsSL https://x.example/i | sh -s -- -y") == ["", "-"]
    assert scripts_of('bash -c "$(curl -fsSL https://x.example/install.sh)"') == [
        "",
        "$(curl -fsSL https://x.example/install.sh)",
        "",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "make install",
        "./configure --prefix=/usr",  # a source tree's build script: the command table's
        "./autogen.sh",
        "gcc -o x x.c",
        "python setup.py install",
        "pip install flask",
        "/opt/conda/bin/conda clean -afy",
        ". /etc/os-release",
        "bash",
        "$CMD x",
        "/usr/bin/env",
    ],
)
def test_ordinary_commands_run_no_unseen_script(text: str) -> None:
    assert scripts_of(text) == [""]


def test_sh_c_is_known_through_its_commands() -> None:
    assert scripts_of('bash -lc "apt-get clean"') == ["", ""]


def test_run_effects_answers_per_command() -> None:
    context = RuleContext(parse("FROM debian\nRUN apt-get update && bash /tmp/x.sh && make\n"))
    (step,) = [step for steps in sequences(context) for step in steps if step.keyword == "RUN"]
    run = effects(context, step)
    assert [run.unseen_script(index) for index in range(len(run.commands))] == [
        "",
        "/tmp/x.sh",
        "",
    ]
