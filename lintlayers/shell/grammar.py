"""Loading tree-sitter and its bash grammar quickly.

The ``tree_sitter`` and ``tree_sitter_bash`` packages import ``typing`` and
``importlib.resources`` in their ``__init__`` (about 15 ms here, on every
lint run). Only their compiled ``_binding`` modules are needed, so they are
loaded straight from their files; if that fails for any reason the ordinary
imports are used.
"""

from __future__ import annotations

import os
import sys

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

    from tree_sitter import Parser


def _load_binding(package: str) -> ModuleType:
    """The compiled ``<package>._binding`` module, without running the package's __init__."""
    name = f"{package}._binding"
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    # importlib.machinery's own names, from the frozen modules it re-exports: importing
    # it would import importlib and warnings too (0.4 ms)
    from _frozen_importlib import ModuleSpec
    from _frozen_importlib_external import EXTENSION_SUFFIXES, ExtensionFileLoader

    for entry in sys.path:
        folder = os.path.join(entry or ".", package)
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for file_name in names:
            if file_name.startswith("_binding") and file_name.endswith(tuple(EXTENSION_SUFFIXES)):
                path = os.path.join(folder, file_name)
                loader = ExtensionFileLoader(name, path)
                spec = ModuleSpec(name, loader, origin=path)
                module = loader.create_module(spec)
                loader.exec_module(module)
                sys.modules[name] = module
                return module
    raise ImportError(f"no compiled _binding module for {package}")


def bash_parser() -> Parser:
    """A tree-sitter parser for bash."""
    try:
        core = _load_binding("tree_sitter")
        bash = _load_binding("tree_sitter_bash")
        return core.Parser(core.Language(bash.language()))
    except Exception:  # an unusual installation: take the documented way in
        import tree_sitter
        import tree_sitter_bash

        return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
