"""COPY/ADD from the build context as the install analysis sees them: what lands where.

A ``ContextCopy`` holds a COPY's context sources (from the one parse of COPY/ADD
arguments, ``model.copy_args``) and its absolute destination;
``source_kind`` says whether a source is the whole context, its top level, a
directory or a file (``model.copy_targets.is_local_file`` settles files against
directories for every model), and ``provided`` through which context path a source
brings a given image path.
"""

from __future__ import annotations

import posixpath

from lintlayers.lazy_re import lazy_compile
from lintlayers.model.state import UNKNOWN_WORKDIR
from lintlayers.model.variables import expand, referenced_names
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.syntax.nodes import Instruction


GLOB = lazy_compile(r"[*?\[]")


class ContextCopy:
    """A COPY/ADD from the build context: its sources and where they land.

    ``index`` is the instruction's position in its sequence; ``sources`` hold each
    context path as written with its file range; ``dest`` is absolute and normalized;
    ``absolute`` says whether the Dockerfile wrote it so.
    """

    __slots__ = ("absolute", "dest", "dest_dir", "index", "sources")

    def __init__(
        self,
        index: int,
        sources: list[tuple[str, int, int]],
        dest: str,
        raw_dest: str,
        workdir: str = "/",
    ) -> None:
        from lintlayers.model.copy_targets import existing_directory

        self.index = index
        self.sources = sources
        self.dest = dest
        self.absolute = raw_dest.startswith("/")
        self.dest_dir = (
            raw_dest.endswith("/")
            or raw_dest in (".", "./")
            or len(sources) > 1
            or any(GLOB.search(value) for value, _, _ in sources)
            or existing_directory(dest, workdir)
        )

    def __repr__(self) -> str:
        return f"ContextCopy({[value for value, _, _ in self.sources]} -> {self.dest})"


def context_copy(
    index: int, instruction: Instruction, workdir: str | None, values: dict[str, str], escape: str
) -> ContextCopy | None:
    """The COPY/ADD from the build context at ``index`` (``model.copy_args`` parses it),
    its sources and destination expanded with ``values``; ``None`` when it is none."""
    from lintlayers.model.copy_args import ADD_ARCHIVE_SUFFIXES, copy_args

    if instruction.heredocs or workdir is None:
        return None
    parsed = copy_args(instruction)
    if not parsed.from_context or parsed.destination is None:
        return None
    dest_raw = expand_known(parsed.destination.value, values, escape)
    if dest_raw is None:
        return None
    sources = []
    for source in parsed.local_sources:
        value = expand_known(source.value, values, escape)
        if value is None or value.lower().startswith("git@"):
            continue
        if instruction.keyword == "ADD" and value.lower().endswith(ADD_ARCHIVE_SUFFIXES):
            continue  # unpacked into the destination
        sources.append((value, source.start, source.end))
    if not sources:
        return None
    dest = resolve(workdir, dest_raw)
    if dest is None:
        return None
    return ContextCopy(index, sources, dest, dest_raw, workdir)


def normal(source: str) -> str:
    """A context path without leading ``./`` or ``/`` (``""`` for the whole context)."""
    path = posixpath.normpath("/" + source.strip()).lstrip("/")
    return "" if path == "." else path


def source_kind(source: str, copy: ContextCopy, context_dir: str | None) -> str:
    """``all`` (the context), ``top`` (``*``), ``dir``, or ``file`` (globs included).

    The first two and the glob are the install analysis's own: a glob is a pattern of
    file names matched against the manifests. Whether any other source is a file or a
    directory is ``model.copy_targets.is_local_file``, the one answer every model reads.
    """
    path = normal(source)
    if path == "":
        return "all"
    if path == "*":
        return "top"
    if GLOB.search(path):
        return "file"
    from lintlayers.model.copy_targets import is_local_file

    return "file" if is_local_file(source, context_dir) else "dir"


def provided(
    copy: ContextCopy, source: str, kind: str, target: str, context_dir: str | None
) -> str | None:
    """The context path through which this source brings ``target`` (absolute), or None.

    ``target`` may end in ``/`` (a directory) and its name may be a glob.
    """
    is_dir = target.endswith("/")
    target = target.rstrip("/")
    path = normal(source)
    dest = copy.dest
    if kind == "file":
        base = posixpath.basename(path)
        name = posixpath.basename(target)
        parent = posixpath.dirname(target)
        if is_dir:
            return None
        if copy.dest_dir or posixpath.basename(dest) != base:
            matches = parent == dest and _name_matches(base, name)
        else:
            matches = target == dest or (parent == dest and _name_matches(base, name))
        if not matches:
            return None
        if GLOB.search(base) and not GLOB.search(name):
            return posixpath.join(posixpath.dirname(path), name) if "/" in path else name
        return path
    prefix = dest.rstrip("/") + "/"
    if not target.startswith(prefix) or target == dest:
        return None
    relative = target[len(prefix) :]
    if UNKNOWN_WORKDIR[1:] in relative:
        return None  # below a working directory an image set: no path of the context
    if kind == "top" and "/" in relative:
        return None
    found = posixpath.join(path, relative) if kind == "dir" else relative
    if context_dir is not None and not _exists(context_dir, found, is_dir):
        return None
    return found + "/" if is_dir else found


def brings(copy: ContextCopy, target: str, context_dir: str | None, *, narrow: bool) -> str | None:
    """The context path through which ``copy`` brings ``target``: through a file source
    when ``narrow``, else through a directory-like one; ``None`` when it does not."""
    for value, _, _ in copy.sources:
        kind = source_kind(value, copy, context_dir)
        if (kind == "file") != narrow:
            continue
        found = provided(copy, value, kind, target, context_dir)
        if found is not None:
            return found
    return None


def brings_path(copy: ContextCopy, path: str, context_dir: str | None, narrow: bool) -> bool:
    """Whether ``copy`` brings ``path`` (a folder when it ends with ``/``): through a file
    source, or a folder landing on it, when ``narrow``; through any source otherwise."""
    if path.endswith("/") and copy.dest.rstrip("/") == path.rstrip("/"):
        return True
    if brings(copy, path, context_dir, narrow=True) is not None:
        return True
    return not narrow and brings(copy, path, context_dir, narrow=False) is not None


def copies_files_like(copy: ContextCopy, patterns: tuple[str, ...]) -> bool:
    """Whether a COPY names files of the ecosystem's manifest kinds (``libfoo/*.csproj``)."""
    from fnmatch import fnmatchcase

    names = [posixpath.basename(value.rstrip("/")) for value, _, _ in copy.sources]
    return any(
        fnmatchcase(name, pattern) or fnmatchcase(pattern, name)
        for name in names
        for pattern in patterns
        if not pattern.endswith("/")
    )


def _name_matches(pattern: str, name: str) -> bool:
    from fnmatch import fnmatchcase

    return fnmatchcase(name, pattern) or fnmatchcase(pattern, name) or pattern == name


def _exists(context_dir: str, path: str, is_dir: bool) -> bool:
    import glob
    import os

    full = os.path.join(context_dir, path)
    if GLOB.search(path):
        return bool(glob.glob(full))
    return os.path.isdir(full) if is_dir else os.path.isfile(full)


def expand_known(value: str, values: dict[str, str], escape: str = "\\") -> str | None:
    """``value`` with the variables in scope substituted; ``None`` if one is unknown."""
    if "$" not in value:
        return value
    if referenced_names(value) - values.keys():
        return None
    return expand(value, values, escape)


def _drive_letter(path: str) -> bool:
    """Whether ``path`` starts like a Windows path: a letter and ``:`` (``C:``)."""
    return len(path) > 1 and path[1] == ":" and path[0].isascii() and path[0].isalpha()


def resolve(base: str | None, path: str) -> str | None:
    """``path`` made absolute against ``base`` (``None`` when unknown)."""
    if "$" in path or "\\" in path or _drive_letter(path):
        return None
    if not path.startswith("/"):
        if base is None:
            return None
        path = posixpath.join(base, path)
    return "/" + posixpath.normpath(path).lstrip("/")
