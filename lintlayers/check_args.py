"""The common ``check`` command lines read without argparse (issue 11: start-up).

pre-commit starts ``lintlayers check FILE...`` once per commit; importing argparse (with
gettext and locale) and building the ``check`` parser costs a few milliseconds of a run
that should take about as long as Python's own start-up. ``parse_check`` reads the
arguments argparse would read the same way: known ``check`` options (``--opt value``,
``--opt=value`` and flags) and one run of paths. Anything else (help, an unknown or
abbreviated option, a bad value, paths on both sides of an option, ``--``) returns None,
and the caller uses argparse, which gives the same result or the same error as always.
``CHECK_DEFAULTS`` must list every destination of the ``check`` parser with argparse's
default: tests/test_startup.py compares both on a table of command lines.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

CHECK_DEFAULTS: dict[str, object] = {
    "command": "check",
    "paths": [],
    "format": "text",
    "fix": False,
    "unsafe_fixes": None,
    "diff": False,
    "select": None,
    "ignore": None,
    "extend_select": None,
    "fail_level": None,
    "exit_zero": False,
    "builder": None,
    "context": None,
    "config": None,
    "exclude": None,
    "extend_exclude": None,
    "force_exclude": None,
    "statistics": False,
    "jobs": 0,
    "stdin_filename": None,
    "quiet": False,
}
"""Every ``check`` option's destination and argparse's default for it."""

_FLAGS = {
    "--fix": "fix",
    "--unsafe-fixes": "unsafe_fixes",
    "--diff": "diff",
    "--exit-zero": "exit_zero",
    "--force-exclude": "force_exclude",
    "--statistics": "statistics",
    "--quiet": "quiet",
    "-q": "quiet",
}
"""Options without a value (``store_true``)."""
_VALUES = {
    "--format": "format",
    "--select": "select",
    "--ignore": "ignore",
    "--extend-select": "extend_select",
    "--fail-level": "fail_level",
    "--builder": "builder",
    "--context": "context",
    "--config": "config",
    "--exclude": "exclude",
    "--extend-exclude": "extend_exclude",
    "--jobs": "jobs",
    "--stdin-filename": "stdin_filename",
}
"""Options that take one value."""


class Options:
    """What ``argparse.Namespace`` holds for ``check``: one attribute per destination."""

    def __init__(self, values: dict[str, object]) -> None:
        self.__dict__.update(values)

    def __eq__(self, other: object) -> bool:
        return vars(self) == vars(other) if hasattr(other, "__dict__") else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Options({vars(self)!r})"


def parse_check(arguments: Sequence[str]) -> argparse.Namespace | None:
    """The options of ``check ARGUMENTS`` (``arguments[0] == "check"``) as argparse would
    give them, or None when argparse must read them (help, errors, anything unusual)."""
    values = dict(CHECK_DEFAULTS)
    paths: list[str] = []
    paths_ended = False  # argparse takes one run of paths: more after an option is an error
    index = 1
    count = len(arguments)
    while index < count:
        argument = arguments[index]
        index += 1
        if argument == "-" or not argument.startswith("-"):
            if paths_ended:
                return None
            paths.append(argument)
            continue
        if paths:
            paths_ended = True
        flag = _FLAGS.get(argument)
        if flag is not None:
            values[flag] = True
            continue
        name, equals, value = argument.partition("=")
        destination = _VALUES.get(name)
        if destination is None:
            return None  # unknown, abbreviated, ``-h``, ``--``, a flag given a value
        if not equals:
            if index >= count:
                return None
            value = arguments[index]
            index += 1
            if value.startswith("-"):
                return None  # argparse may take it for an option
        checked = _value(destination, value)
        if checked is None:
            return None
        values[destination] = checked
    values["paths"] = paths
    return Options(values)  # type: ignore[return-value]


def _value(destination: str, value: str) -> object | None:
    """``value`` converted and checked as argparse does, or None when it would refuse it."""
    if destination == "format":
        from lintlayers.reporters.base import FORMATS

        return value if value in FORMATS else None
    if destination == "fail_level":
        from lintlayers.diagnostics import SEVERITIES

        return value if value in SEVERITIES else None
    if destination == "builder":
        return value if value in ("buildkit", "classic") else None
    if destination == "jobs":
        try:
            number = int(value)
        except ValueError:
            return None
        return number if number >= 0 else None
    return value
