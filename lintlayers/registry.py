"""Finding rules through the ``lintlayers.rules`` entry-point group.

Built-in rules are registered in the same group a third-party plugin uses.
``importlib.metadata`` costs tens of milliseconds to import, so the group is
read straight from the ``entry_points.txt`` files of the installed
distributions on ``sys.path``, in ``sys.path`` order (first distribution of a
name wins, as with ``importlib.metadata``).
"""

from __future__ import annotations

import os
import sys

from lintlayers.diagnostics import CATEGORIES, SEVERITIES
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.rule import Rule

GROUP = "lintlayers.rules"


class PluginError(Exception):
    """A rule plugin that cannot be loaded or breaks the rule contract."""


def entry_points(group: str = GROUP) -> list[tuple[str, str]]:
    """``(name, "module:attribute")`` pairs of ``group`` from installed distributions."""
    found: list[tuple[str, str]] = []
    seen_distributions: set[str] = set()
    marker = group.encode()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        infos = [name for name in names if name.endswith((".dist-info", ".egg-info"))]
        if not infos:  # the standard library's folders: hundreds of names, no distribution
            continue
        infos.sort()
        for name in infos:
            distribution = name.rsplit("-", 1)[0] if name.endswith(".dist-info") else name[:-9]
            distribution = distribution.split("-", 1)[0].lower().replace("-", "_")
            if distribution in seen_distributions:
                continue
            seen_distributions.add(distribution)
            found.extend(_read_group(f"{entry or '.'}/{name}/entry_points.txt", group, marker))
    return found


def _read_group(path: str, group: str, marker: bytes) -> list[tuple[str, str]]:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return []
    if marker not in data:  # most distributions declare no rule: not decoded, not parsed
        return []
    pairs: list[tuple[str, str]] = []
    in_group = False
    for line in data.decode("utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            in_group = line[1:-1].strip() == group
            continue
        if in_group and "=" in line:
            name, _, value = line.partition("=")
            pairs.append((name.strip(), value.split("[", 1)[0].strip()))
    return pairs


def load_entry_point(value: str) -> object:
    """The object ``module:attribute`` names (``__import__``: importlib and warnings stay
    unimported on the way)."""
    module_name = value.partition(":")[0].strip()
    attribute = value.partition(":")[2]
    __import__(module_name)
    target: object = sys.modules[module_name]
    for part in attribute.strip().split("."):
        if part:
            target = getattr(target, part)
    return target


def load_rules(group: str = GROUP) -> list[type[Rule]]:
    """Every rule class registered in ``group``, validated and sorted by code."""
    from lintlayers.rule import Rule

    rules: dict[str, type[Rule]] = {}
    for name, value in entry_points(group):
        try:
            target = load_entry_point(value)
        except Exception as error:  # a broken plugin must not take the linter down silently
            raise PluginError(f"cannot load rule plugin {name} = {value}: {error}") from error
        if not (isinstance(target, type) and issubclass(target, Rule)):
            raise PluginError(f"rule plugin {name} = {value} is not a lintlayers Rule class")
        _validate(target, value)
        if target.code in rules and rules[target.code] is not target:
            raise PluginError(f"two rules share the code {target.code}: {value}")
        rules[target.code] = target
    return [rules[code] for code in sorted(rules)]


def _validate(rule: type[Rule], origin: str) -> None:
    problems = []
    if not rule.code or not rule.code[0].isalpha():
        problems.append("a code")
    if not rule.name or rule.name != rule.name.lower() or " " in rule.name:
        problems.append("a kebab-case name")
    if rule.category not in CATEGORIES:
        problems.append(f"a category among {', '.join(CATEGORIES)}")
    if rule.severity not in SEVERITIES:
        problems.append(f"a severity among {', '.join(SEVERITIES)}")
    if problems:
        raise PluginError(f"rule {origin} needs {', '.join(problems)}")
