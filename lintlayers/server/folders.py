"""Settings and linters per folder: the configuration file the CLI would find, under
the editor's settings for the workspace folder holding the file.

Editor settings (``initializationOptions``, ``workspace/didChangeConfiguration``,
``workspace/configuration``) play the part of command-line options: they win over
the file. Everything here is cached per folder until ``invalidate()`` (a
configuration file changed, or the editor settings did).
"""

from __future__ import annotations

import os
import threading

from lintlayers.server.contexts import BuildContexts
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from lintlayers.config import Settings
    from lintlayers.engine import Linter, LintResult
    from lintlayers.rule import Rule

CONFIG_NAMES = frozenset(("pyproject.toml", ".lintlayers.toml"))
SECTION = "lintlayers"

# editor key -> configuration key (camelCase as editors spell them, or the file's own)
_EDITOR_KEYS = {
    "select": "select",
    "ignore": "ignore",
    "extendSelect": "extend-select",
    "extend-select": "extend-select",
    "builder": "builder",
    "unsafeFixes": "unsafe-fixes",
    "unsafe-fixes": "unsafe-fixes",
    "context": "context",
}


def editor_overrides(raw: object, folder: str | None) -> dict[str, object]:
    """Configuration overrides from an editor's settings object.

    Accepts the object itself or one with a ``lintlayers`` section; unknown keys are
    ignored (editors send their whole configuration), and a relative ``context`` is
    relative to the workspace folder.
    """
    if not isinstance(raw, dict):
        return {}
    section = raw.get(SECTION)
    if isinstance(section, dict):
        raw = section
    overrides: dict[str, object] = {}
    for key, value in raw.items():
        name = _EDITOR_KEYS.get(key)
        if name is None or value is None:
            continue
        if name == "context" and isinstance(value, str) and value and folder is not None:
            value = os.path.join(folder, os.path.expanduser(value))
        overrides[name] = value
    return overrides


class FileLint:
    """How to lint one file: its settings, linter, and a function from text to result."""

    __slots__ = ("lint", "linter", "settings")

    def __init__(
        self, settings: Settings, linter: Linter, lint: Callable[[str], LintResult]
    ) -> None:
        self.settings = settings
        self.linter = linter
        self.lint = lint

    @property
    def unsafe_fixes(self) -> bool:
        return bool(self.settings.unsafe_fixes)


class Folders:
    """Workspace folders with their editor settings, and a cache of settings and linters."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._roots: list[str] = []
        self._initial: object = None  # initializationOptions: under every other setting
        self._editor: dict[str | None, object] = {}  # folder (None: global) -> settings
        self._settings: dict[tuple[str, str | None], Settings] = {}
        self._linters: dict[int, Linter] = {}
        self._rule_classes: list[type[Rule]] | None = None
        self.build_contexts = BuildContexts()

    def set_roots(self, roots: list[str]) -> None:
        with self._lock:
            self._roots = sorted({os.path.normpath(root) for root in roots}, key=len)
            self.invalidate()

    def roots(self) -> list[str]:
        with self._lock:
            return list(self._roots)

    def set_initial_settings(self, raw: object) -> None:
        """The ``initializationOptions``: settings that the editor's configuration (pushed
        or pulled) refines."""
        with self._lock:
            self._initial = raw
            self.invalidate()

    def push_editor_settings(self, raw: object) -> None:
        """Settings the editor sent (``didChangeConfiguration``): for every folder,
        replacing those it was asked for before."""
        with self._lock:
            self._editor = {None: raw}
            self.invalidate()

    def set_editor_settings(self, folder: str | None, raw: object) -> None:
        """Editor settings for a workspace folder (None: every folder without its own)."""
        with self._lock:
            self._editor[folder] = raw
            self.invalidate()

    def invalidate(self) -> None:
        """Forget every cached setting, linter and build context (configuration changed)."""
        with self._lock:
            self._settings.clear()
            self._linters.clear()
            self.build_contexts.invalidate()

    def root_of(self, path: str | None) -> str | None:
        """The innermost workspace folder holding ``path``."""
        if path is None:
            return self._roots[0] if self._roots else None
        found = None
        for root in self._roots:
            if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
                found = root
        return found

    def rule_classes(self) -> list[type[Rule]]:
        with self._lock:
            if self._rule_classes is None:
                from lintlayers.registry import load_rules

                self._rule_classes = load_rules()
            return self._rule_classes

    def rule(self, code: str) -> type[Rule] | None:
        return next((rule for rule in self.rule_classes() if rule.code == code), None)

    def for_file(self, path: str | None, skip: frozenset[str] = frozenset()) -> FileLint:
        """The settings and lint function for a document at ``path`` (None: unsaved),
        leaving out the rules in ``skip``.

        The folder searched for a configuration file is the file's own (the workspace
        folder's for an unsaved file); the build context is the configured one or the
        file's folder. Raises ``ConfigError`` for a configuration that cannot be used.
        """
        from lintlayers.checker import file_linter

        root = self.root_of(path)
        folder = os.path.dirname(path) if path is not None else (root or os.getcwd())
        with self._lock:
            settings = self._settings.get((folder, root))
            if settings is None:
                settings = self._load(folder, root)
                self._settings[(folder, root)] = settings
            linter = self._linters.get(id(settings))
            if linter is None:
                from lintlayers.checker import new_linter

                linter = new_linter(self.rule_classes(), settings)
                linter.build_contexts = self.build_contexts
                self._linters[id(settings)] = linter
        context_dir = settings.context or (folder if path is not None else None)
        name = path if path is not None else "<unsaved>"
        lint = file_linter(linter, settings, name, context_dir, skip)
        return FileLint(settings, linter, lint)

    def _load(self, folder: str, root: str | None) -> Settings:
        from lintlayers.checker import known_rules
        from lintlayers.config import load_settings

        editor = self._editor.get(root, self._editor.get(None))
        overrides = {**editor_overrides(self._initial, root), **editor_overrides(editor, root)}
        return load_settings(folder, known_rules(self.rule_classes()), overrides=overrides)
