"""Settings from ``.lintlayers.toml`` or ``pyproject.toml``, layered under CLI options.

Layers, lowest first: built-in defaults, the config file, the command line.
Rule selection is resolved per layer like ruff: a layer that sets ``select``
starts afresh, a layer that only sets ``ignore``/``extend-select`` adjusts the
result of the layers below; within a layer the most specific matching selector
wins (ignore wins a tie).
"""

from __future__ import annotations

import os

from lintlayers.diagnostics import CATEGORIES, SEVERITIES
from lintlayers.repository import project_root
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from re import Pattern
    from typing import Any

    from lintlayers.excludes import Excludes

CONFIG_FILE = ".lintlayers.toml"
PYPROJECT = "pyproject.toml"
PYPROJECT_MARKER = "[tool.lintlayers"
BUILDERS = ("buildkit", "classic")
KEYS = (
    "select",
    "ignore",
    "extend-select",
    "severity",
    "per-file-ignores",
    "builder",
    "fail-level",
    "context",
    "unsafe-fixes",
    "cache-costs",
    "exclude",
    "extend-exclude",
    "force-exclude",
    "lint-test-suites",
)
DEFAULT_BUILDER = "buildkit"
DEFAULT_FAIL_LEVEL = "info"

_ALL = 0
_CATEGORY = 1
_PREFIX = 2

# A selector: (kind, value, specificity).
_Selector = tuple[int, str, int]
# A selection layer: (sets_select, enabling selectors, disabling selectors).
_Layer = tuple[bool, list[_Selector], list[_Selector]]


class ConfigError(Exception):
    """A configuration file or option that cannot be used; the message says where and why."""


class Settings:
    """The resolved configuration for one run.

    ``select``/``ignore``/``extend_select`` show the selectors in force (after
    layering); ``context`` is an absolute path or ``None``; ``root`` is the
    folder of the config file (or the start folder when there is none).
    """

    __slots__ = (
        "_categories",
        "_enabled_cache",
        "_excludes",
        "_file_cache",
        "_layers",
        "_per_file",
        "_per_file_compiled",
        "_severity_cache",
        "_severity_layers",
        "builder",
        "cache_costs",
        "config_path",
        "context",
        "extend_select",
        "fail_level",
        "force_exclude",
        "ignore",
        "lint_test_suites",
        "per_file_ignores",
        "root",
        "select",
        "severity_overrides",
        "unsafe_fixes",
    )

    def __init__(
        self,
        *,
        select: Sequence[str] = ("ALL",),
        ignore: Sequence[str] = (),
        extend_select: Sequence[str] = (),
        severity_overrides: Mapping[str, str] | None = None,
        per_file_ignores: Sequence[tuple[str, Sequence[str]]] = (),
        builder: str = DEFAULT_BUILDER,
        fail_level: str = DEFAULT_FAIL_LEVEL,
        context: str | None = None,
        unsafe_fixes: bool = False,
        cache_costs: Mapping[str, float] | None = None,
        config_path: str | None = None,
        root: str | None = None,
        known_rules: Mapping[str, str] | None = None,
    ) -> None:
        self.select = list(select)
        self.ignore = list(ignore)
        self.extend_select = list(extend_select)
        self.severity_overrides = dict(severity_overrides or {})
        self.per_file_ignores = [(pattern, list(sels)) for pattern, sels in per_file_ignores]
        self.builder = builder
        self.fail_level = fail_level
        self.context = context
        self.unsafe_fixes = unsafe_fixes
        self.cache_costs = dict(cache_costs or {})
        self.config_path = config_path
        self.root = os.path.abspath(root if root is not None else os.curdir)
        self._excludes: Excludes | None = None  # the default, made when first asked
        self.force_exclude = False
        """Whether ``excludes`` also leaves out the files named on the command line."""
        self.lint_test_suites = False
        """Whether the cache, size and metadata rules also check a test suite's files."""
        self._categories = dict(known_rules or {})
        names = _category_names(self._categories)
        self._layers: list[_Layer] = [
            (
                True,
                [_parse_selector(s, names) for s in (*self.select, *self.extend_select)],
                [_parse_selector(s, names) for s in self.ignore],
            )
        ]
        self._severity_layers = [
            [(_parse_selector(s, names), level) for s, level in self.severity_overrides.items()]
        ]
        self._per_file = [
            (self.root, pattern, [_parse_selector(s, names) for s in sels])
            for pattern, sels in self.per_file_ignores
        ]
        self._reset_caches()

    def _reset_caches(self) -> None:
        self._enabled_cache: dict[tuple[str, str], bool] = {}
        self._file_cache: dict[str, list[_Selector]] = {}
        self._severity_cache: dict[str, str | None] = {}
        self._per_file_compiled: list[tuple[Pattern[str], list[_Selector]]] | None = None

    @property
    def excludes(self) -> Excludes:
        """The paths left out of the run (``exclude``, ``extend-exclude``; the default
        list relative to ``root`` unless set)."""
        excludes = self._excludes
        if excludes is None:
            from lintlayers.excludes import DEFAULT_EXCLUDE, Excludes

            excludes = self._excludes = Excludes([(self.root, name) for name in DEFAULT_EXCLUDE])
        return excludes

    @excludes.setter
    def excludes(self, excludes: Excludes) -> None:
        self._excludes = excludes

    def is_enabled(self, code: str, category: str, file_path: str | None = None) -> bool:
        """Whether rule ``code`` (of ``category``) runs, optionally for ``file_path``."""
        key = (code, category)
        enabled = self._enabled_cache.get(key)
        if enabled is None:
            enabled = _resolve(self._layers, code, category)
            self._enabled_cache[key] = enabled
        if not enabled or file_path is None or not self._per_file:
            return enabled
        return not any(_matches(sel, code, category) for sel in self._file_selectors(file_path))

    def severity_for(self, code: str, default: str) -> str:
        """The severity configured for ``code``, or ``default`` when none is."""
        if code in self._severity_cache:
            override = self._severity_cache[code]
        else:
            override = None
            category = self._categories.get(code, "")
            for layer in self._severity_layers:
                best = -1
                for sel, level in layer:
                    if sel[2] > best and _matches(sel, code, category):
                        best, override = sel[2], level
                if override is not None:
                    break
            self._severity_cache[code] = override
        return default if override is None else override

    def _file_selectors(self, file_path: str) -> list[_Selector]:
        path = os.path.abspath(file_path).replace(os.sep, "/")
        selectors = self._file_cache.get(path)
        if selectors is None:
            compiled = self._per_file_compiled
            if compiled is None:
                from lintlayers.globs import compile_glob

                compiled = [(compile_glob(base, pat), sels) for base, pat, sels in self._per_file]
                self._per_file_compiled = compiled
            selectors = [sel for regex, sels in compiled if regex.fullmatch(path) for sel in sels]
            self._file_cache[path] = selectors
        return selectors

    def __repr__(self) -> str:
        return (
            f"Settings(select={self.select!r}, ignore={self.ignore!r}, "
            f"extend_select={self.extend_select!r}, builder={self.builder!r}, "
            f"fail_level={self.fail_level!r}, config_path={self.config_path!r})"
        )


def find_config(start_dir: str) -> str | None:
    """The config file that applies to ``start_dir``, searching upward; ``None`` if none."""
    found = _locate(start_dir)
    return None if found is None else found[0]


def load_settings(
    start_dir: str,
    known_rules: Mapping[str, str],
    *,
    config_path: str | None = None,
    overrides: Mapping[str, object] | None = None,
    memo: Located | None = None,
) -> Settings:
    """Defaults, then the config file (explicit or found upward), then CLI ``overrides``.

    ``overrides`` use the file's keys (``extend_select`` is accepted for
    ``extend-select``); ``None`` values mean "not given". Paths in overrides
    are relative to the current directory.
    """
    names = _category_names(known_rules)
    path: str | None
    table: dict[str, object] | None
    if config_path is not None:
        path = os.path.abspath(config_path)
        table = _load_explicit(path)
    else:
        found = _locate(start_dir, memo)
        path, table = found if found is not None else (None, None)

    file_values: dict[str, Any] = {}
    root = project_root(os.path.abspath(start_dir))  # without a config file
    if path is not None and table is not None:
        root = os.path.dirname(path)
        prefix = _display(path) + ": "
        if os.path.basename(path) == PYPROJECT:
            prefix += "[tool.lintlayers] "
        file_values = _validate(table, known_rules, names, prefix, root, cli=False)

    cli_values: dict[str, Any] = {}
    if overrides:
        given = {key.replace("_", "-"): value for key, value in overrides.items()}
        given = {key: value for key, value in given.items() if value is not None}
        cli_values = _validate(given, known_rules, names, "", os.getcwd(), cli=True)

    return _build(file_values, cli_values, known_rules, path, root)


# --- resolution -------------------------------------------------------------------------------


def _category_names(known_rules: Mapping[str, str]) -> frozenset[str]:
    return frozenset(CATEGORIES).union(known_rules.values())


def _parse_selector(text: str, categories: frozenset[str]) -> _Selector:
    if text == "ALL":
        return (_ALL, text, 0)
    if text in categories:
        return (_CATEGORY, text, 2)
    letters = 0
    while letters < len(text) and text[letters].isalpha():
        letters += 1
    digits = len(text) - letters
    return (_PREFIX, text, 1 if digits == 0 else 2 + digits)


def _matches(sel: _Selector, code: str, category: str) -> bool:
    kind, value, _ = sel
    if kind == _PREFIX:
        return code.startswith(value)
    if kind == _CATEGORY:
        return category == value
    return True


def _resolve(layers: Sequence[_Layer], code: str, category: str) -> bool:
    enabled = True
    for sets_select, enable, disable in layers:
        best = -1
        decision: bool | None = None
        for sel in enable:
            if sel[2] > best and _matches(sel, code, category):
                best, decision = sel[2], True
        for sel in disable:
            if sel[2] >= best and _matches(sel, code, category):
                best, decision = sel[2], False
        if decision is not None:
            enabled = decision
        elif sets_select:
            enabled = False
    return enabled


def _build(
    file_values: Mapping[str, Any],
    cli_values: Mapping[str, Any],
    known_rules: Mapping[str, str],
    config_path: str | None,
    root: str,
) -> Settings:
    def pick(key: str, default: Any) -> Any:
        if key in cli_values:
            return cli_values[key]
        return file_values.get(key, default)

    settings = Settings(
        builder=pick("builder", DEFAULT_BUILDER),
        fail_level=pick("fail-level", DEFAULT_FAIL_LEVEL),
        context=pick("context", None),
        unsafe_fixes=pick("unsafe-fixes", False),
        cache_costs={**file_values.get("cache-costs", {}), **cli_values.get("cache-costs", {})},
        config_path=config_path,
        root=root,
        known_rules=known_rules,
    )
    names = _category_names(known_rules)

    # Selection layers: defaults, file, CLI.
    layers: list[_Layer] = [(True, [(_ALL, "ALL", 0)], [])]
    shown_select: list[str] = ["ALL"]
    shown_ignore: list[str] = []
    shown_extend: list[str] = []
    for values in (file_values, cli_values):
        if not any(key in values for key in ("select", "ignore", "extend-select")):
            continue
        select = values.get("select")
        ignore: list[str] = values.get("ignore", [])
        extend: list[str] = values.get("extend-select", [])
        if select is not None:
            shown_select, shown_ignore, shown_extend = list(select), [], []
        shown_ignore += ignore
        shown_extend += extend
        layers.append(
            (
                select is not None,
                [_parse_selector(s, names) for s in (*(select or ()), *extend)],
                [_parse_selector(s, names) for s in ignore],
            )
        )
    settings.select, settings.ignore, settings.extend_select = (
        shown_select,
        shown_ignore,
        shown_extend,
    )
    settings._layers = layers

    # Severity: the CLI's overrides are consulted before the file's.
    merged: dict[str, str] = {}
    severity_layers = []
    for values in (cli_values, file_values):
        table: dict[str, str] = values.get("severity", {})
        severity_layers.append([(_parse_selector(s, names), lvl) for s, lvl in table.items()])
    for values in (file_values, cli_values):
        merged.update(values.get("severity", {}))
    settings.severity_overrides = merged
    settings._severity_layers = severity_layers

    # Per-file ignores: the highest layer that sets them wins; each keeps its own base folder.
    per_file: list[tuple[str, str, list[_Selector]]] = []
    shown_per_file: list[tuple[str, list[str]]] = []
    for values, base in ((cli_values, os.getcwd()), (file_values, root)):
        if "per-file-ignores" in values:
            table2: dict[str, list[str]] = values["per-file-ignores"]
            for pattern, sels in table2.items():
                shown_per_file.append((pattern, list(sels)))
                per_file.append((base, pattern, [_parse_selector(s, names) for s in sels]))
            break
    settings.per_file_ignores = shown_per_file
    settings._per_file = per_file

    # Exclusion: the highest layer's ``exclude`` replaces the default, every
    # ``extend-exclude`` adds to it; each pattern is relative to its layer's folder.
    exclude: list[tuple[str, str]] | None = cli_values.get("exclude", file_values.get("exclude"))
    extra: list[tuple[str, str]] = [
        *file_values.get("extend-exclude", ()),
        *cli_values.get("extend-exclude", ()),
    ]
    if exclude is not None or extra:
        from lintlayers.excludes import Excludes

        kept = exclude if exclude is not None else settings.excludes.patterns
        settings.excludes = Excludes([*kept, *extra])
    settings.force_exclude = pick("force-exclude", False)
    settings.lint_test_suites = pick("lint-test-suites", False)
    settings._reset_caches()
    return settings


# --- reading files ----------------------------------------------------------------------------


def _display(path: str) -> str:
    """``path`` relative to the current directory when it lies below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith(os.pardir) else relative


def _read_text(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise ConfigError(f"{_display(path)}: cannot read: {error.strerror}") from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{_display(path)}: not valid UTF-8 ({error.reason})") from error
    return text.removeprefix("\ufeff")


def _parse_toml(path: str, text: str) -> dict[str, object]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{_display(path)}: invalid TOML: {error}") from error


def _pyproject_table(path: str, text: str) -> dict[str, object] | None:
    """The ``[tool.lintlayers]`` table of a pyproject file, or ``None`` if it has none."""
    if PYPROJECT_MARKER not in text:
        return None
    data = _parse_toml(path, text)
    tool = data.get("tool")
    if not isinstance(tool, dict) or "lintlayers" not in tool:
        return None
    table = tool["lintlayers"]
    if not isinstance(table, dict):
        raise ConfigError(f"{_display(path)}: [tool.lintlayers] must be a table")
    return table


Located = dict[str, "tuple[str, dict[str, object]] | None"]
"""Directory -> the config file that applies there (path and table), or ``None``: what a
run has found so far, so that a folder walk reads each config file once."""


def _locate(start_dir: str, memo: Located | None = None) -> tuple[str, dict[str, object]] | None:
    directory = os.path.abspath(start_dir)
    visited: list[str] = []
    found: tuple[str, dict[str, object]] | None = None
    while True:
        if memo is not None and directory in memo:
            found = memo[directory]
            break
        visited.append(directory)
        found = _config_in(directory)
        if found is not None:
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    if memo is not None:
        memo.update(dict.fromkeys(visited, found))
    return found


def _config_in(directory: str) -> tuple[str, dict[str, object]] | None:
    """The config file in ``directory`` itself (not above) and its table, or ``None``."""
    candidate = os.path.join(directory, CONFIG_FILE)
    if os.path.isfile(candidate):
        return candidate, _parse_toml(candidate, _read_text(candidate))
    candidate = os.path.join(directory, PYPROJECT)
    if os.path.isfile(candidate):
        table = _pyproject_table(candidate, _read_text(candidate))
        if table is not None:
            return candidate, table
    return None


def _load_explicit(path: str) -> dict[str, object]:
    if not os.path.isfile(path):
        raise ConfigError(f"{_display(path)}: config file not found")
    text = _read_text(path)
    if os.path.basename(path) == PYPROJECT:
        table = _pyproject_table(path, text)
        if table is None:
            raise ConfigError(f"{_display(path)}: no [tool.lintlayers] table")
        return table
    return _parse_toml(path, text)


# --- validation -------------------------------------------------------------------------------


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__


def _did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    import difflib

    pool = list(candidates)
    for candidate in pool:
        if candidate.lower() == word.lower() or candidate == word.replace("_", "-"):
            return f" (did you mean '{candidate}'?)"
    close = difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _validate(
    table: Mapping[str, object],
    known_rules: Mapping[str, str],
    categories: frozenset[str],
    prefix: str,
    base: str,
    *,
    cli: bool,
) -> dict[str, Any]:
    """Check every key and value of one layer; return the values keyed by config key."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        label = f"--{key}" if cli else key
        where = f"{prefix}{label}: "
        if key not in KEYS:
            if cli:
                hint = _did_you_mean(label, [f"--{known}" for known in KEYS])
                raise ConfigError(f"unknown option '{label}'{hint}")
            raise ConfigError(f"{prefix}unknown key '{key}'{_did_you_mean(key, KEYS)}")
        if key in ("select", "ignore", "extend-select"):
            values[key] = _selector_list(value, where, known_rules, categories, cli=cli)
        elif key == "severity":
            values[key] = _severity_table(value, where, known_rules, categories, cli=cli)
        elif key == "per-file-ignores":
            values[key] = _per_file_table(value, where, known_rules, categories)
        elif key == "builder":
            values[key] = _choice(value, BUILDERS, where)
        elif key == "fail-level":
            values[key] = _choice(value, SEVERITIES, where)
        elif key == "context":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where}expected a non-empty string, got {_show(value)}")
            values[key] = os.path.normpath(os.path.join(base, value))
        elif key == "cache-costs":
            values[key] = _cache_costs_table(value, where)
        elif key in ("exclude", "extend-exclude"):
            values[key] = [(base, pattern) for pattern in _pattern_list(value, where, cli=cli)]
        else:  # unsafe-fixes, force-exclude, lint-test-suites
            if not isinstance(value, bool):
                raise ConfigError(f"{where}expected true or false, got {_show(value)}")
            values[key] = value
    return values


def _show(value: object) -> str:
    if isinstance(value, str):
        return f"'{value}'" if value else "an empty string"
    return _type_name(value)


def _choice(value: object, choices: Sequence[str], where: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ConfigError(f"{where}expected one of {', '.join(choices)}, got {_show(value)}")
    return value


def _cache_costs_table(value: object, where: str) -> dict[str, float]:
    """``[tool.lintlayers.cache-costs]``: kind of work -> cost in relative seconds (>= 0)."""
    import math

    from lintlayers.cache.costs import COST_KINDS

    if not isinstance(value, dict):
        raise ConfigError(
            f"{where}expected a table of kind = cost (relative seconds), got {_show(value)}"
        )
    result: dict[str, float] = {}
    for kind, cost in value.items():
        if kind not in COST_KINDS:
            raise ConfigError(
                f"{where}unknown kind '{kind}'{_did_you_mean(kind, COST_KINDS)} "
                f"(expected one of {', '.join(COST_KINDS)})"
            )
        if isinstance(cost, bool) or not isinstance(cost, int | float):
            raise ConfigError(f"{where}'{kind}': expected a number, got {_show(cost)}")
        if not math.isfinite(cost) or cost < 0:
            raise ConfigError(f"{where}'{kind}': expected a finite number >= 0, got {cost}")
        result[kind] = float(cost)
    return result


def _check_selector(
    text: object,
    where: str,
    known_rules: Mapping[str, str],
    categories: frozenset[str],
) -> str:
    if not isinstance(text, str):
        raise ConfigError(f"{where}expected a rule selector string, got {_type_name(text)}")
    if not text:
        raise ConfigError(f"{where}empty rule selector")
    if text == "ALL" or text in categories:
        return text
    if any(code.startswith(text) for code in known_rules):
        return text
    pool = [*sorted(known_rules), *sorted(categories), "ALL"]
    hint = _did_you_mean(text, pool, cutoff=0.7)
    if text[:1].isalpha() and text.isalnum() and text.upper() == text:
        raise ConfigError(f"{where}unknown rule code '{text}'{hint}")
    raise ConfigError(
        f"{where}unknown rule selector '{text}'{hint} "
        "(expected a rule code, a code prefix, a category or ALL)"
    )


def _split_cli(value: object) -> object:
    """CLI lists may hold comma-separated items (``--select LL1,LL2``)."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return [part.strip() for item in value for part in item.split(",") if part.strip()]
    return value


def _selector_list(
    value: object,
    where: str,
    known_rules: Mapping[str, str],
    categories: frozenset[str],
    *,
    cli: bool,
) -> list[str]:
    if cli:
        value = _split_cli(value)
    if not isinstance(value, list | tuple):
        raise ConfigError(f"{where}expected a list of rule selectors, got {_type_name(value)}")
    return [_check_selector(item, where, known_rules, categories) for item in value]


def _severity_table(
    value: object,
    where: str,
    known_rules: Mapping[str, str],
    categories: frozenset[str],
    *,
    cli: bool,
) -> dict[str, str]:
    if cli and not isinstance(value, dict):
        # ``--severity LL101=error`` (repeatable, comma-separable).
        items = _split_cli(value)
        if isinstance(items, list):
            table: dict[str, object] = {}
            for item in items:
                selector, sep, level = item.partition("=")
                if not sep:
                    raise ConfigError(f"{where}expected SELECTOR=LEVEL, got '{item}'")
                table[selector.strip()] = level.strip()
            value = table
    if not isinstance(value, dict):
        raise ConfigError(f"{where}expected a table of rule code = severity, got {_show(value)}")
    result: dict[str, str] = {}
    for selector, level in value.items():
        _check_selector(selector, where, known_rules, categories)
        result[selector] = _choice(level, SEVERITIES, f"{where}'{selector}': ")
    return result


def _pattern_list(value: object, where: str, *, cli: bool) -> list[str]:
    """A list of path globs (``exclude``); comma-separated on the command line."""
    if cli:
        value = _split_cli(value)
    if not isinstance(value, list | tuple):
        raise ConfigError(f"{where}expected a list of path patterns, got {_type_name(value)}")
    for pattern in value:
        if not isinstance(pattern, str):
            raise ConfigError(f"{where}expected a path pattern string, got {_type_name(pattern)}")
        if not pattern:
            raise ConfigError(f"{where}empty path pattern")
    return list(value)


def _per_file_table(
    value: object,
    where: str,
    known_rules: Mapping[str, str],
    categories: frozenset[str],
) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise ConfigError(
            f"{where}expected a table of glob = [rule selectors], got {_type_name(value)}"
        )
    result: dict[str, list[str]] = {}
    for pattern, selectors in value.items():
        inner = f"{where}'{pattern}': "
        if not pattern:
            raise ConfigError(f"{where}empty file pattern")
        if not isinstance(selectors, list | tuple):
            raise ConfigError(
                f"{inner}expected a list of rule selectors, got {_type_name(selectors)}"
            )
        result[pattern] = [_check_selector(s, inner, known_rules, categories) for s in selectors]
    return result
