"""npm's and Yarn's options that take a value are the ecosystem table's: the size rules'
reading of a command (``model.package_commands``) and the install model agree."""

from __future__ import annotations

import pytest

from lintlayers.context import RuleContext
from lintlayers.model.package_commands import npm_action, package_writes, yarn_action
from lintlayers.model.package_managers import match_any
from lintlayers.model.run_effects import effects
from lintlayers.model.steps import sequences
from lintlayers.shell.commands import SimpleCommand
from lintlayers.syntax.parser import parse


def _command(text: str) -> SimpleCommand:
    context = RuleContext(parse(f"FROM node\nRUN {text}\n"))
    [step] = [step for steps in sequences(context) for step in steps if step.keyword == "RUN"]
    [command] = effects(context, step).commands
    return command


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("yarn install --registry https://r.example --frozen-lockfile", "yarn"),
        ("yarn --network-concurrency 1 --mutex network", "yarn"),
        ("npm --omit dev ci", "npm"),
        ("npm --userconfig /etc/npmrc install", "npm"),
        ("npm -C /app ci", "npm"),
    ],
)
def test_an_install_with_value_options_is_one_for_both_models(text: str, kind: str) -> None:
    command = _command(text)
    action = yarn_action(command) if kind == "yarn" else npm_action(command)
    assert action in ("install", "ci")
    assert package_writes(command) == (kind,)
    found = match_any([word.value for word in command.words])
    assert found is not None and found.installer.tool == kind


def test_a_value_is_no_subcommand() -> None:
    assert npm_action(_command("npm --loglevel warn cache clean --force")) == "cache"
    assert yarn_action(_command("yarn --cache-folder /c cache clean")) == "cache"


@pytest.mark.parametrize(
    ("text", "after"),
    [
        ("pip install x", ["install", "x"]),
        ("pip3.11 install x", ["install", "x"]),
        ("/usr/local/bin/pip3 install x", ["install", "x"]),
        ("python3 -m pip install x", ["install", "x"]),
        ("python3.12 -m pip install x", ["install", "x"]),
        ("pipx install x", None),
        ("python3-config --libs", None),
    ],
)
def test_a_versioned_pip_or_python_is_one_name_for_both_models(
    text: str, after: list[str] | None
) -> None:
    """``pip_words`` (the size rules) and ``normalize_argv`` (the install model) read a
    version in the program's name the same way (``package_managers.versionless``)."""
    from lintlayers.model.package_commands import pip_words
    from lintlayers.model.package_managers import normalize_argv

    command = _command(text)
    words = pip_words(command)
    assert (None if words is None else [word.value for word in words]) == after
    normalized = normalize_argv([word.value for word in command.words])
    assert (normalized[0] == "pip") is (after is not None)
