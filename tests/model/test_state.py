"""The one tracker of WORKDIR, USER, SHELL and ``cd`` (lintlayers.model.state)."""

from __future__ import annotations

import pytest

from lintlayers.context import RuleContext
from lintlayers.model.state import (
    POSIX_SHELLS,
    UNKNOWN_WORKDIR,
    CommandWalk,
    State,
    home_of,
    initial_state,
    is_posix_shell,
    is_root_user,
    state_after,
)
from lintlayers.model.steps import sequences
from lintlayers.syntax.parser import parse


def _states(text: str) -> list[list[State]]:
    context = RuleContext(parse(text))
    return [[step.state for step in sequence] for sequence in sequences(context)]


def test_workdir_user_and_shell_follow_the_instructions() -> None:
    states = _states(
        "FROM scratch\nWORKDIR /app\nWORKDIR src\nUSER app\n"
        'SHELL ["cmd", "/S", "/C"]\nRUN x\nSHELL ["/bin/bash", "-c"]\nRUN y\n'
    )[0]
    assert [state.workdir for state in states] == ["/", "/app", *["/app/src"] * 5]
    assert [state.user for state in states] == [None] * 3 + ["app"] * 4
    assert [state.posix_shell for state in states] == [True] * 4 + [False, False, True]


def test_external_base_has_an_unknown_workdir() -> None:
    states = _states("FROM debian\nWORKDIR app\nRUN x\nWORKDIR /abs\nRUN y\n")[0]
    assert states[0].workdir == UNKNOWN_WORKDIR
    assert states[1].workdir == UNKNOWN_WORKDIR + "/app"
    assert not states[1].workdir_known
    assert states[3].workdir == "/abs" and states[3].workdir_known


def test_unknown_variable_stays_in_the_workdir() -> None:
    states = _states("FROM scratch\nARG DIR\nWORKDIR /$DIR/x\nRUN x\n")[0]
    assert states[-1].workdir == "/$DIR/x"
    assert not states[-1].workdir_known
    known = _states("FROM scratch\nARG DIR=opt\nWORKDIR /$DIR/x\nRUN x\n")[0]
    assert known[-1].workdir == "/opt/x"


def test_stage_built_from_a_stage_inherits_its_final_state() -> None:
    states = _states("FROM scratch AS a\nWORKDIR /w\nUSER u\nFROM a\nRUN x\n")
    assert states[1][0] == State("/w", "u", True)


def test_windows_base_has_no_posix_shell() -> None:
    model = RuleContext(parse("FROM mcr.microsoft.com/windows/servercore\nRUN dir\n")).model
    assert not initial_state(model, model.stages[0], {}).posix_shell


def test_onbuild_triggers_follow_their_own_workdir() -> None:
    sequence = _states("FROM scratch\nWORKDIR /a\nONBUILD WORKDIR b\nONBUILD RUN x\n")[1]
    assert [state.workdir for state in sequence] == ["/a", "/a/b"]


def test_state_after_leaves_other_instructions_alone() -> None:
    instruction = parse("FROM scratch\nENV A=1\n").instructions[1]
    state = State("/x", None, True)
    assert state_after(state, instruction, {}) is state


@pytest.mark.parametrize(
    ("program", "posix"),
    [("/bin/sh", True), ("bash", True), ("/usr/bin/zsh", True), ("busybox", True),
     ("mksh", True), ("cmd", False), ("powershell", False), ("C:\\\\Windows\\\\cmd.exe", False),
     ("pwsh", False), ("BASH", True)],
)  # fmt: skip
def test_is_posix_shell(program: str, posix: bool) -> None:
    assert is_posix_shell(program) is posix


def test_one_set_of_shell_names() -> None:
    from lintlayers.context import POSIX_SHELLS as context_shells
    from lintlayers.model.commands import COMMANDS

    assert context_shells is POSIX_SHELLS
    assert {name for name, entry in COMMANDS.items() if entry.files == "shell"} == POSIX_SHELLS


@pytest.mark.parametrize(
    ("user", "home", "root"),
    [(None, "/root", True), ("root", "/root", True), ("0:0", "/root", True),
     ("app", "/home/app", False), ("app:grp", "/home/app", False)],
)  # fmt: skip
def test_users(user: str | None, home: str, root: bool) -> None:
    assert home_of(user) == home
    assert is_root_user(user) is root


def _walk(script: str, workdir: str = "/w", env: dict[str, str] | None = None) -> CommandWalk:
    from lintlayers.shell.commands import parse_shell

    commands = [command.effective() for command in parse_shell(script).commands]
    return CommandWalk(commands, workdir, env or {}, "/root")


def test_cd_changes_the_directory_of_later_commands() -> None:
    walk = _walk("a && cd sub && b && cd /abs && c && cd && d && pushd ~/x && e")
    assert walk.cwds == (
        "/w",
        "/w",
        "/w/sub",
        "/w/sub",
        "/abs",
        "/abs",
        "/root",
        "/root",
        "/root/x",
    )
    assert walk.end_cwd == "/root/x"


def test_exports_and_assignments_reach_later_commands() -> None:
    walk = _walk("export D=/opt && cd $D && X=1 && y && T=$(mktemp) && cd $T")
    assert walk.cwds[1] == "/w"
    assert walk.envs[2]["D"] == "/opt"
    assert walk.resolve(2, "f") == "/opt/f"
    assert "T" not in walk.end_env
    assert walk.end_cwd == "/$T"  # an unknown leading variable: an absolute path


def test_resolve_at_the_end() -> None:
    walk = _walk("cd /a", env={"N": "n"})
    assert walk.resolve(1, "$N/x") == "/a/n/x"


@pytest.mark.parametrize(
    ("script", "expected", "end"),
    [
        # a cd in a subshell ends with it: ``cp out/x`` runs where the RUN started
        ("(cd a && make) ; cp out/x /y", ["/w", "/w/a", "/w"], "/w"),
        ("cd b && (cd a && make) && make install", ["/w", "/w/b", "/w/b/a", "/w/b"], "/w/b"),
        ("X=$(cd /tmp && pwd) && ls", ["/w", "/w", "/tmp", "/w"], "/w"),
        ("sh -c 'cd /opt && make' && make", ["/w", "/w", "/opt", "/w"], "/w"),
        ("cd c; echo $(cd d; pwd); cd e; ls",
         ["/w", "/w/c", "/w/c", "/w/c/d", "/w/c", "/w/c/e"], "/w/c/e"),
        ("cd a && (cd b && (cd c && x) && y) && z",
         ["/w", "/w/a", "/w/a/b", "/w/a/b/c", "/w/a/b", "/w/a"], "/w/a"),
    ],
)  # fmt: skip
def test_a_subshell_keeps_its_directory_to_itself(
    script: str, expected: list[str], end: str
) -> None:
    from lintlayers.model.state import CommandWalk
    from lintlayers.shell.commands import parse_shell

    commands = parse_shell(script).commands
    walk = CommandWalk(commands, "/w", {}, "/root")
    assert list(walk.cwds) == expected
    assert walk.end_cwd == end
