"""The package's compiled modules served from one file: the start-up of a one-file check.

A ``check`` imports about a hundred lintlayers modules. For each, Python's path finder
looks the name up on the package's path, builds the bytecode cache's file name, stats
the source, opens, reads and validates the ``.pyc``: about 50 us a module over and
above unmarshalling the code, 4.9 ms of the 44 ms CPU median of a one-file check over
the benchmark's corpus sample (issue 11; 39 ms served from the bundle).

The command line (``cli.run``) puts a ``BundleFinder`` first on ``sys.meta_path``: it
serves the package's modules from the bundle, one file in the package's bytecode cache
(where ``bundle_slot.py``'s would be: see ``bundle_path``) holding the marshalled code
of every module a run of this installation imported, each checked against its source's
modification time and size (as a ``.pyc`` is) before it is used; the index is read
once, the code of a module with one ``pread``.

A module the bundle lacks, or whose source changed since, is imported the ordinary way
(``PathFinder``), and the run that did so writes the bundle again with its code
(``BundleFinder.save``, at the end of the command line), where Python writes bytecode
(beside the package, or under ``PYTHONPYCACHEPREFIX``) and only when it writes
bytecode (not under ``PYTHONDONTWRITEBYTECODE``). The bundle is a cache of compiled
code, never of results: every run lints its files.
"""

from __future__ import annotations

import marshal
import os
import sys

# importlib's own classes, from the frozen modules it re-exports: importing importlib
# would import warnings too (see shell.grammar)
from _frozen_importlib import ModuleSpec
from _frozen_importlib_external import (
    MAGIC_NUMBER,
    PathFinder,
    SourceFileLoader,
    cache_from_source,
)
from types import CodeType

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

    Entry = tuple[str, bool, int, int, int, int]
    """origin, is a package, source mtime (ns), source size, offset of the code, its length"""

FORMAT = b"lintlayers-bundle-1\n" + MAGIC_NUMBER
"""The bundle's first bytes: this layout, for this Python's bytecode (its magic number)."""
HEADER = len(FORMAT) + 8
"""The format, then the length of the marshalled index (8 bytes, little-endian)."""


class BundleLoader(SourceFileLoader):
    """A module's loader: its code from the bundle when ``entry`` is set, else from its
    source or ``.pyc`` as usual, recorded for the next bundle. Everything else
    (``__file__``, resources, the source for tracebacks) is the source file's loader's."""

    def __init__(self, fullname: str, path: str, finder: BundleFinder, entry: Entry | None):
        super().__init__(fullname, path)
        self.finder = finder
        self.entry = entry

    def get_code(self, fullname: str) -> CodeType:
        entry = self.entry
        if entry is not None:
            code = self.finder.read(entry)
            if code is not None:
                return code
        try:  # the source as it is before it is read: a later change is a later miss
            stat = os.stat(self.path)
        except OSError:
            stat = None
        code = super().get_code(fullname)
        if code is not None and stat is not None:
            source = (self.path, self.is_package(fullname), stat.st_mtime_ns, stat.st_size)
            self.finder.missed[fullname] = (source, code)
        return code  # type: ignore[return-value]


class BundleFinder:
    """A meta path finder for the submodules of one package, served from its bundle."""

    def __init__(self, package: str, path: str) -> None:
        self.prefix = package + "."
        self.path = path
        self.index: dict[str, Entry] = {}
        self.missed: dict[str, tuple[tuple[str, bool, int, int], CodeType]] = {}
        """The modules imported the ordinary way: (origin, is a package, source mtime (ns)
        and size before it was compiled), code."""
        self.descriptor = -1
        self.start = 0
        try:
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return
        try:
            head = os.pread(descriptor, HEADER, 0)
            if len(head) == HEADER and head.startswith(FORMAT):
                size = int.from_bytes(head[len(FORMAT) :], "little")
                index = marshal.loads(os.pread(descriptor, size, HEADER))
                if isinstance(index, dict):
                    self.index, self.start = index, HEADER + size
                    self.descriptor, descriptor = descriptor, -1
        except (OSError, ValueError, EOFError, TypeError):
            self.index = {}
        finally:
            if descriptor >= 0:
                os.close(descriptor)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if not fullname.startswith(self.prefix):
            return None
        entry = self.index.get(fullname)
        if entry is not None and _current(entry):
            origin, is_package = entry[0], entry[1]
            spec = ModuleSpec(
                fullname,
                BundleLoader(fullname, origin, self, entry),
                origin=origin,
                is_package=is_package,
            )
            spec.has_location = True
            if is_package:
                spec.submodule_search_locations = [os.path.dirname(origin)]
            return spec
        found = PathFinder.find_spec(fullname, path)
        if found is not None and type(found.loader) is SourceFileLoader and found.origin:
            found.loader = BundleLoader(fullname, found.origin, self, None)
        return found

    def close(self) -> None:
        """Close the bundle (the command line leaves that to the end of the process)."""
        if self.descriptor >= 0:
            os.close(self.descriptor)
            self.descriptor = -1

    def invalidate_caches(self) -> None:
        """Nothing to forget: every entry is checked against its source when used."""

    def read(self, entry: Entry) -> CodeType | None:
        """The code of ``entry``, or None when the bundle cannot give it."""
        try:
            data = os.pread(self.descriptor, entry[5], self.start + entry[4])
            code = marshal.loads(data)
        except (OSError, ValueError, EOFError, TypeError):
            return None
        return code if type(code) is CodeType else None

    def save(self) -> bool:
        """Write the bundle again with the modules imported the ordinary way, if any (and
        without the entries whose sources changed); whether it was written."""
        if not self.missed or sys.dont_write_bytecode:
            return False
        folder = os.path.dirname(self.path)
        if folder and os.path.isdir(folder) and not os.access(folder, os.W_OK):
            return False  # a read-only installation: no work to marshal what cannot be kept
        entries: dict[str, tuple[tuple[str, bool, int, int], bytes]] = {}
        for name, entry in self.index.items():
            if name not in self.missed and _current(entry):
                try:
                    data = os.pread(self.descriptor, entry[5], self.start + entry[4])
                except OSError:
                    continue
                if len(data) == entry[5]:
                    entries[name] = (entry[:4], data)
        for name, (source, code) in self.missed.items():
            entries[name] = (source, marshal.dumps(code))
        index: dict[str, Entry] = {}
        offset = 0
        for name, (source, data) in sorted(entries.items()):
            index[name] = (*source, offset, len(data))
            offset += len(data)
        index_data = marshal.dumps(index)
        temporary = f"{self.path}.{os.getpid()}.tmp"
        try:
            if folder:
                os.makedirs(folder, exist_ok=True)
            with open(temporary, "wb") as handle:
                handle.write(FORMAT + len(index_data).to_bytes(8, "little") + index_data)
                for name in index:
                    handle.write(entries[name][1])
            os.replace(temporary, self.path)
        except OSError:
            from contextlib import suppress

            with suppress(OSError):
                os.unlink(temporary)
            return False
        self.missed.clear()
        return True


def _current(entry: Entry) -> bool:
    """Whether the source ``entry`` was compiled from is unchanged (mtime and size)."""
    try:
        stat = os.stat(entry[0])
    except OSError:
        return False
    return stat.st_mtime_ns == entry[2] and stat.st_size == entry[3]


def bundle_path(package_file: str) -> str:
    """Where the bundle of the package whose ``__init__.py`` is ``package_file`` lives: the
    bytecode cache path of its ``bundle_slot.py``, one file per Python and optimization
    level, which pip's uninstall removes as it removes every ``.pyc`` of the package."""
    return cache_from_source(os.path.join(os.path.dirname(package_file), "bundle_slot.py"))


def install(package: ModuleType) -> BundleFinder | None:
    """Serve ``package``'s submodules from its bundle from now on (``sys.meta_path``
    first); None when the package has no source file to find the bundle by, or when
    Python keeps no bytecode cache."""
    origin = getattr(package, "__file__", None)
    if not origin or not origin.endswith(".py") or sys.implementation.cache_tag is None:
        return None
    try:
        path = bundle_path(origin)
    except (NotImplementedError, ValueError):
        return None
    finder = BundleFinder(package.__name__, path)
    sys.meta_path.insert(0, finder)
    return finder


def uninstall(finder: BundleFinder) -> None:
    """Stop serving modules from ``finder`` (modules it imported stay imported; it can
    still ``save``)."""
    if finder in sys.meta_path:
        sys.meta_path.remove(finder)
