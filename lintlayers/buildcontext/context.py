"""What a build context holds after `.dockerignore`, and what a COPY/ADD source selects.

The walk mirrors BuildKit's context transfer (fsutil): entries in name order, symlinks
reported as links and never followed, an ignored directory skipped when no exception
can reach inside it, and an ignored directory still listed when an exception
re-includes something below it. Only ``lstat`` and ``readlink`` are used; no file is
opened. COPY sources resolve as BuildKit's copy does: the source is joined to ``/``
(so ``..`` cannot leave the context), symlinks are followed *inside* the context
(absolute targets count from the context root), and from the first path component
with a wildcard on the rest is matched with Go's ``filepath.Match``.
"""

from __future__ import annotations

import os
import stat

from lintlayers.buildcontext.patterns import (
    PatternError,
    filepath_match,
    go_clean,
    has_wildcards,
    ignore_file_for,
    load_ignore_matcher,
)
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from lintlayers.buildcontext.patterns import IgnoreMatcher

_MAX_SYMLINK_HOPS = 255


class ContextFile:
    """One entry of the context: ``path`` is relative and '/'-separated.

    ``mode`` is the full ``st_mode`` of the entry itself (``stat.S_IMODE`` for the
    permission bits); ``size`` is its ``lstat`` size (a link's is its target's length).
    """

    __slots__ = ("is_dir", "is_symlink", "link_target", "mode", "path", "size")

    def __init__(
        self,
        path: str,
        size: int,
        mode: int,
        is_dir: bool = False,
        is_symlink: bool = False,
        link_target: str | None = None,
    ) -> None:
        self.path = path
        self.size = size
        self.mode = mode
        self.is_dir = is_dir
        self.is_symlink = is_symlink
        self.link_target = link_target

    def __repr__(self) -> str:
        kind = "dir" if self.is_dir else "link" if self.is_symlink else "file"
        return f"ContextFile({self.path!r}, {kind}, size={self.size})"


class _Frame:
    """A directory being listed during the walk."""

    __slots__ = ("entries", "info", "path", "pending", "position", "rel")

    def __init__(
        self,
        rel: str,
        path: str,
        info: tuple[bool, ...] | None,
        pending: ContextFile | None,
    ) -> None:
        self.rel = rel
        self.path = path
        self.info = info
        self.pending = pending  # an ignored directory not listed (yet)
        self.entries: list[os.DirEntry[str]] | None = None
        self.position = 0


def _name_key(entry: os.DirEntry[str]) -> bytes:
    return entry.name.encode("utf-8", "surrogateescape")


class BuildContext:
    """A context directory seen through its ignore file; walked once, on first use."""

    __slots__ = (
        "_children",
        "_files",
        "_index",
        "_matcher",
        "dockerfile_path",
        "ignore_file",
        "root",
        "unreadable",
    )

    def __init__(self, root: str, dockerfile_path: str | None = None) -> None:
        self.root = os.path.abspath(root)
        self.dockerfile_path = dockerfile_path
        self.ignore_file = ignore_file_for(self.root, dockerfile_path)
        self.unreadable: list[str] = []
        self._matcher: IgnoreMatcher | None = None
        self._files: list[ContextFile] | None = None
        self._index: dict[str, ContextFile] = {}
        self._children: dict[str, list[ContextFile]] = {}

    @property
    def matcher(self) -> IgnoreMatcher:
        """The ignore rules in force (raises PatternError for a pattern Docker rejects)."""
        if self._matcher is None:
            self._matcher = load_ignore_matcher(self.ignore_file)
        return self._matcher

    def files(self) -> list[ContextFile]:
        """Every entry sent to the builder, directories included, in walk order."""
        return list(self._walk())

    def get(self, path: str) -> ContextFile | None:
        """The entry at ``path`` (relative, no symlink resolution), if it is in the context."""
        self._walk()
        return self._index.get(go_clean("/" + path).lstrip("/"))

    def select(self, source: str) -> list[ContextFile]:
        """The entries a COPY/ADD ``source`` brings in, after `.dockerignore`.

        A directory brings itself and its whole tree; ``.`` brings everything. A
        wildcard that matches nothing, a missing path or a malformed pattern gives [].
        A symlink is resolved inside the context; when its target is missing (or lies
        outside the context) the link itself is returned.
        """
        self._walk()
        rel = go_clean("/" + source).lstrip("/")
        if not has_wildcards(rel):
            return self._expand(rel)
        parts = rel.split("/")
        split = next(k for k, part in enumerate(parts) if has_wildcards(part))
        base = self._resolve("/".join(parts[:split]))
        if base is None or (base and not self._index[base].is_dir):
            return []
        rest = "/".join(parts[split:])
        try:
            matches = self._wildcard_matches(base, rest)
        except PatternError:
            return []
        selected: list[ContextFile] = []
        seen: set[str] = set()
        for match in matches:
            for entry in self._expand(match.path):
                if entry.path not in seen:
                    seen.add(entry.path)
                    selected.append(entry)
        return selected

    @staticmethod
    def total_size(files: Iterable[ContextFile]) -> int:
        """Bytes of the non-directory entries (a link counts its own size)."""
        return sum(entry.size for entry in files if not entry.is_dir)

    # -- walking ---------------------------------------------------------------

    def _walk(self) -> list[ContextFile]:
        if self._files is not None:
            return self._files
        matcher = self.matcher
        active = len(matcher) > 0
        files: list[ContextFile] = []
        index = self._index
        children = self._children
        children[""] = []
        stack = [_Frame("", self.root, None, None)]

        def emit(entry: ContextFile, parent: str) -> None:
            files.append(entry)
            index[entry.path] = entry
            children[parent].append(entry)
            if entry.is_dir:
                children[entry.path] = []

        while stack:
            frame = stack[-1]
            if frame.entries is None:
                try:
                    with os.scandir(frame.path) as listing:
                        frame.entries = sorted(listing, key=_name_key)
                except OSError:
                    self.unreadable.append(frame.rel or ".")
                    frame.entries = []
            if frame.position >= len(frame.entries):
                stack.pop()
                continue
            dirent = frame.entries[frame.position]
            frame.position += 1
            rel = f"{frame.rel}/{dirent.name}" if frame.rel else dirent.name
            try:
                info = dirent.stat(follow_symlinks=False)
                mode = info.st_mode
                is_link = stat.S_ISLNK(mode)
                target = os.readlink(dirent.path) if is_link else None
            except OSError:
                self.unreadable.append(rel)
                continue
            is_dir = stat.S_ISDIR(mode)
            entry = ContextFile(rel, info.st_size, mode, is_dir, is_link, target)
            if active:
                ignored, match_info, _ = matcher.match(rel, frame.info)
            else:
                ignored, match_info = False, None
            if not ignored:
                self._emit_pending(stack, emit)
                emit(entry, frame.rel)
                if is_dir:
                    stack.append(_Frame(rel, dirent.path, match_info, None))
            elif is_dir and not matcher.can_skip_dir(rel):
                stack.append(_Frame(rel, dirent.path, match_info, entry))
        self._files = files
        return files

    @staticmethod
    def _emit_pending(stack: list[_Frame], emit: Callable[[ContextFile, str], None]) -> None:
        """List the ignored directories above an included entry, outermost first."""
        low = len(stack)
        while low > 1 and stack[low - 1].pending is not None:
            low -= 1
        for position in range(low, len(stack)):
            frame = stack[position]
            pending = frame.pending
            if pending is not None:
                emit(pending, stack[position - 1].rel)
                frame.pending = None

    # -- resolving sources -----------------------------------------------------

    def _resolve(self, rel: str) -> str | None:
        """The in-context path ``rel`` leads to with every symlink followed, or None.

        Like containerd's ``RootPath``: ``..`` stops at the context root and an
        absolute link target starts again from it. "" is the root itself.
        """
        index = self._index
        todo = rel.split("/")[::-1]
        current: list[str] = []
        hops = 0
        while todo:
            part = todo.pop()
            if part in ("", "."):
                continue
            if part == "..":
                if current:
                    current.pop()
                continue
            current.append(part)
            entry = index.get("/".join(current))
            if entry is None:
                return None
            if entry.is_symlink:
                hops += 1
                if hops > _MAX_SYMLINK_HOPS:
                    return None
                current.pop()
                target = entry.link_target or ""
                if target.startswith("/"):
                    current = []
                todo.extend(target.split("/")[::-1])
        return "/".join(current)

    def _expand(self, rel: str) -> list[ContextFile]:
        """What copying the (wildcard-free) path ``rel`` brings in."""
        if rel == "":
            return list(self._files or ())
        parent, _, name = rel.rpartition("/")
        base = self._resolve(parent) if parent else ""
        if base is None or (base and not self._index[base].is_dir):
            return []
        named = f"{base}/{name}" if base else name
        entry = self._index.get(named)
        if entry is None:
            return []
        if entry.is_symlink:
            target = self._resolve(named)
            if target is None:
                return [entry]
            if target == "":
                return list(self._files or ())
            entry = self._index[target]
        if not entry.is_dir:
            return [entry]
        return [entry, *self._subtree(entry.path)]

    def _subtree(self, path: str) -> list[ContextFile]:
        out: list[ContextFile] = []
        pending = self._children.get(path, [])[::-1]
        while pending:
            entry = pending.pop()
            out.append(entry)
            if entry.is_dir:
                pending.extend(self._children.get(entry.path, [])[::-1])
        return out

    def _wildcard_matches(self, base: str, rest: str) -> list[ContextFile]:
        """Entries under ``base`` whose relative path matches ``rest`` (no descent past one)."""
        cut = len(base) + 1 if base else 0
        matches: list[ContextFile] = []
        pending = self._children.get(base, [])[::-1]
        while pending:
            entry = pending.pop()
            if filepath_match(rest, entry.path[cut:]):
                matches.append(entry)
            elif entry.is_dir:
                pending.extend(self._children.get(entry.path, [])[::-1])
        return matches
