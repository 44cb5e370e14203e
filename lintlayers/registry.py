"""Finding rules through the ``lintlayers.rules`` entry-point group.

Built-in rules are registered in the same group a third-party plugin uses.
``importlib.metadata`` costs tens of milliseconds to import, so the group is
read straight from the ``entry_points.txt`` files of the installed
distributions on ``sys.path``, in ``sys.path`` order (first distribution of a
name wins, as with ``importlib.metadata``).

A ``check`` does not import every rule either (``load_rule_entries``): the built-in rules'
metadata (code, category, builders, the instruction keywords a rule looks at...) is in
``lintlayers.rule_index``, generated from their classes, so a rule's module is imported
only on a file it runs on. A plugin's rules, which the index does not know, are imported
at once, as before.
"""

from __future__ import annotations

import os
import sys

from lintlayers.diagnostics import CATEGORIES, SEVERITIES
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lintlayers.context import RuleContext
    from lintlayers.diagnostics import Violation
    from lintlayers.rule import Rule

    IndexRow = tuple[
        str,
        str,
        str,
        str,
        str,
        tuple[str, ...],
        tuple[str, ...],
        bool,
        bool,
        tuple[str | tuple[str, ...], ...],
    ]
    from typing import TypeAlias

    RuleClass: TypeAlias = "type[Rule] | IndexedRule"
    """A rule's class, or the stand-in of a built-in rule not imported yet."""

GROUP = "lintlayers.rules"
INDEX_FIELDS = (
    "code",
    "name",
    "category",
    "severity",
    "summary",
    "hadolint",
    "builders",
    "lints_templates",
    "explicit_only",
    "needs",
)
"""The class attributes ``lintlayers.rule_index`` holds for each built-in rule, in order."""


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
    return _load(group, {})  # type: ignore[return-value]


def load_rule_entries(group: str = GROUP) -> list[RuleClass]:
    """``load_rules``, with each rule the index knows as an ``IndexedRule`` (its module
    imported on the first file it runs on): what ``check`` lints with."""
    from lintlayers.rule_index import RULES

    return _load(group, RULES)


def _load(group: str, index: dict[str, IndexRow]) -> list[RuleClass]:
    from lintlayers.rule import Rule

    rules: dict[str, RuleClass] = {}
    for name, value in entry_points(group):
        row = index.get(value)
        if row is not None:
            entry: RuleClass = IndexedRule(value, row)
        else:
            try:
                target = load_entry_point(value)
            except Exception as error:  # a broken plugin must not take the linter down silently
                raise PluginError(f"cannot load rule plugin {name} = {value}: {error}") from error
            if not (isinstance(target, type) and issubclass(target, Rule)):
                raise PluginError(f"rule plugin {name} = {value} is not a lintlayers Rule class")
            _validate(target, value)
            entry = target
        same = rules.get(entry.code)
        if same is not None and not _same_rule(same, entry):
            raise PluginError(f"two rules share the code {entry.code}: {value}")
        rules[entry.code] = entry
    return [rules[code] for code in sorted(rules)]


def _same_rule(one: RuleClass, other: RuleClass) -> bool:
    """Whether two entry points name the same rule (the same class, or the same entry)."""
    if isinstance(one, IndexedRule) and isinstance(other, IndexedRule):
        return one.value == other.value
    return one is other


class IndexedRule:
    """A built-in rule as ``lintlayers.rule_index`` describes it, its module not imported.

    Stands in for the rule's class (calling it gives a fresh stand-in, as calling the
    class gives an instance) and for its instance in the linter: ``check`` imports the
    module and runs the rule's own ``check``. The metadata is the class's own: the index
    is generated from the classes, and a test keeps it current."""

    __slots__ = (
        "_row",
        "_rule",
        "builders",
        "category",
        "code",
        "explicit_only",
        "hadolint",
        "lints_templates",
        "name",
        "needs",
        "severity",
        "summary",
        "value",
    )

    def __init__(self, value: str, row: IndexRow) -> None:
        self.value = value
        self._row = row
        (
            self.code,
            self.name,
            self.category,
            self.severity,
            self.summary,
            self.hadolint,
            self.builders,
            self.lints_templates,
            self.explicit_only,
            self.needs,
        ) = row
        self._rule: Rule | None = None

    def __call__(self) -> IndexedRule:
        return IndexedRule(self.value, self._row)

    def load(self) -> Rule:
        """The rule's own instance (its module imported on the first call)."""
        rule = self._rule
        if rule is None:
            from lintlayers.rule import Rule

            target = load_entry_point(self.value)
            if not (isinstance(target, type) and issubclass(target, Rule)):
                raise PluginError(f"rule {self.value} is not a lintlayers Rule class")
            if target.code != self.code:
                raise PluginError(f"rule {self.value} is {target.code}, not {self.code}")
            rule = self._rule = target()
        return rule

    def check(self, context: RuleContext) -> Iterable[Violation]:
        return self.load().check(context)

    def url(self) -> str:
        from lintlayers.rule import DOCS_URL, heading_anchor

        return DOCS_URL + heading_anchor(f"{self.code} {self.name}")

    def documentation(self) -> str:
        return self.load().documentation()

    def __repr__(self) -> str:
        return f"IndexedRule({self.value!r})"


def index_source(group: str = GROUP, prefix: str = "lintlayers.rules.") -> str:
    """The text of ``lintlayers/rule_index.py``: a row of ``INDEX_FIELDS`` for every rule
    of ``group`` whose entry point names a module under ``prefix`` (the built-in rules),
    read from the classes themselves."""
    lines = [
        "# ruff: noqa: E501",
        '"""The built-in rules\' metadata, read by the registry without importing the rules.',
        "",
        "Generated from the rule classes by ``python scripts/rule_index.py``; tests check it is",
        "current. Fields: ``registry.INDEX_FIELDS``. Do not edit by hand.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from lintlayers.typecheck import TYPE_CHECKING",
        "",
        "if TYPE_CHECKING:",
        "    from lintlayers.registry import IndexRow",
        "",
        "# fmt: off",
        "RULES: dict[str, IndexRow] = {",
    ]
    for _name, value in entry_points(group):
        if not value.startswith(prefix):
            continue
        rule = load_entry_point(value)
        row = tuple(getattr(rule, field) for field in INDEX_FIELDS)
        lines.append(f"    {value!r}: {row!r},")
    lines.append("}")
    lines.append("# fmt: on")
    return "\n".join(lines) + "\n"


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
