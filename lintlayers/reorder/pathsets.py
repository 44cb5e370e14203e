"""Sets of image paths (``PathSet``) and the base-image layout the reorder analysis assumes.

A ``PathSet`` holds absolute paths, each standing for itself and everything below it,
shell globs allowed per component, minus excluded regions; two sets overlap when some
path may be in both. Merged-/usr and /run links are resolved so both spellings meet.

Assumptions, stated because no static analysis can prove them:

- The base image follows the usual layout: distro packages write only under
  ``SYSTEM_DIRS`` (never ``/usr/local``, home directories or ``APP_DIRS``), and
  ``/bin``, ``/sbin``, ``/lib*`` may be links into ``/usr`` (treated as the same).
- A command found through ``PATH`` reads only the file of its own name there; the
  base image's ``PATH`` holds ``DEFAULT_PATH`` plus what the stage's ENV adds.
- Directories in ``SURE_DIRS`` exist in the base image; others a step may create,
  with its user's ownership when it runs as non-root (then its writes include them).
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from lintlayers.model.directories import SURE_DIRS  # the model's, as cp and COPY read it
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


SYSTEM_DIRS = (
    "/usr", "/etc", "/var", "/opt", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
    "/run", "/tmp", "/srv", "/boot",
)  # fmt: skip
"""Where distro packages (and their maintainer scripts) may write."""

APP_DIRS = ("/usr/src/app", "/usr/app", "/opt/app", "/srv/app", "/var/app", "/usr/local")
"""Left out of the system directories: no distro package installs there."""

HOME_DOTS = ("/root/.*", "/home/*/.*")
"""Hidden files of home directories: tools' settings and caches."""

DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")

RUNTIME_READS = (
    "/lib", "/lib32", "/lib64", "/libx32", "/usr/lib", "/usr/lib32", "/usr/lib64",
    "/usr/libx32", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/passwd",
    "/etc/group", "/etc/nsswitch.conf", "/bin/sh", "/usr/bin/sh", "/usr/bin/env",
)  # fmt: skip
"""What every program a RUN starts reads: the shell, the dynamic linker, the user table."""

_ALIASES = {
    ("bin",): ("usr", "bin"),
    ("sbin",): ("usr", "sbin"),
    ("lib",): ("usr", "lib"),
    ("lib32",): ("usr", "lib32"),
    ("lib64",): ("usr", "lib64"),
    ("libx32",): ("usr", "libx32"),
    ("var", "run"): ("run",),
    ("var", "lock"): ("run", "lock"),
}
"""Merged-/usr and /run links, resolved so both spellings overlap."""

VAGUE_VARIABLE = "a path in it depends on a variable whose value is unknown"
VAGUE_WORKDIR = "its working directory comes from the base image, which lintlayers cannot see"

# ------------------------------------------------------------------------------- paths


def is_glob_part(part: str) -> bool:
    return "*" in part or "?" in part or "[" in part


def path_parts(path: str) -> tuple[str, ...]:
    """Components of an absolute path, ``.``/``..`` resolved, /usr links folded."""
    found = _PARTS.get(path)
    if found is None:
        found = _split_path(path)
        if len(_PARTS) < 8192:
            _PARTS[path] = found
    return found


_PARTS: dict[str, tuple[str, ...]] = {}
"""Parsed paths: the same few hundred recur in every Dockerfile."""


def _split_path(path: str) -> tuple[str, ...]:
    from lintlayers.model.paths import normalize

    parts = [part for part in normalize(path).split("/") if part]
    for length in (2, 1):
        alias = _ALIASES.get(tuple(parts[:length]))
        if alias is not None and len(parts) >= length:
            return alias + tuple(parts[length:])
    return tuple(parts)


def _match(left: str, right: str) -> bool:
    """Whether two path components may name the same entry."""
    if left == right:
        return True
    left_glob, right_glob = is_glob_part(left), is_glob_part(right)
    if left_glob and right_glob:
        return True
    if left_glob:
        return fnmatchcase(right, left)
    if right_glob:
        return fnmatchcase(left, right)
    return False


def _overlap(left: tuple[str, ...], right: tuple[str, ...]) -> tuple[str, ...] | None:
    """The deeper of two paths when one may lie within the other, else None."""
    for one, two in zip(left, right, strict=False):
        if not _match(one, two):
            return None
    return left if len(left) >= len(right) else right


def _excluded(region: tuple[str, ...], excludes: Iterable[tuple[str, ...]]) -> bool:
    for exclude in excludes:
        if len(exclude) > len(region):
            continue
        if all(
            part == name
            or (is_glob_part(part) and not is_glob_part(name) and fnmatchcase(name, part))
            for part, name in zip(exclude, region, strict=False)
        ):
            return True
    return False


def show(parts: tuple[str, ...]) -> str:
    return "/" + "/".join(parts)


class PathSet:
    """Absolute paths, each standing for itself and all below it, minus excluded holes.

    An entry is ``(parts, vague, holes)``: ``vague`` says why it had to be widened (an
    unknown variable or working directory), so that a conflict through it is only
    possible, not proven; ``holes`` are paths it leaves out. ``exclude`` holds holes
    of the whole set (a mount target, a path the build context brings nothing to).
    """

    __slots__ = ("_index", "entries", "exclude")

    def __init__(self, paths: Iterable[str] = (), holes: Iterable[str] = ()) -> None:
        self.entries: list[tuple[tuple[str, ...], str, tuple[tuple[str, ...], ...]]] = []
        self.exclude: list[tuple[str, ...]] = []
        self._index: tuple[int, dict[str, list], list] | None = None
        holes = tuple(holes)
        for path in paths:
            self.add(path, holes=[hole for hole in holes if hole.startswith(path + "/")])

    def add(self, path: str, vague: str = "", holes: Iterable[str] = ()) -> None:
        """Add ``path``; a part holding ``$``, a backquote or braces cuts it there."""
        if "\x00" in path:  # lintlayers.model.steps.UNKNOWN_WORKDIR
            self.entries.append(((), vague or VAGUE_WORKDIR, ()))
            return
        parts = path_parts(path)
        for position, part in enumerate(parts):
            if "$" in part or "`" in part:
                parts, vague = parts[:position], vague or VAGUE_VARIABLE
                break
            if "{" in part:
                parts = parts[:position]
                break
        self.entries.append((parts, vague, tuple(path_parts(hole) for hole in holes)))

    def add_all(self, paths: Iterable[str], vague: str = "") -> None:
        for path in paths:
            self.add(path, vague)

    def everything(self, vague: str) -> None:
        self.entries.append(((), vague, ()))

    def __bool__(self) -> bool:
        return bool(self.entries)

    def copy(self) -> PathSet:
        other = PathSet()
        other.entries = list(self.entries)
        other.exclude = list(self.exclude)
        return other

    def paths(self) -> list[str]:
        return [show(parts) for parts, _, _ in self.entries]

    def _buckets(self) -> tuple[dict[str, list], list]:
        """Entries by their first component, and those that may be anywhere (root, glob)."""
        index = self._index
        if index is not None and index[0] == len(self.entries):
            return index[1], index[2]
        buckets: dict[str, list] = {}
        anywhere: list = []
        for entry in dict.fromkeys(self.entries):
            parts = entry[0]
            if not parts or is_glob_part(parts[0]):
                anywhere.append(entry)
            else:
                buckets.setdefault(parts[0], []).append(entry)
        self._index = (len(self.entries), buckets, anywhere)
        return buckets, anywhere

    def meets(self, other: PathSet) -> tuple[str, str] | None:
        """A path both sets may hold (for messages) and why it is vague (``""`` if not)."""
        if not self.entries or not other.entries:
            return None
        mine, my_anywhere = self._buckets()
        theirs, their_anywhere = other._buckets()
        found: tuple[str, str] | None = None
        pairs: list[tuple[list, list]] = [(my_anywhere, other.entries)]
        for key, entries in mine.items():
            pairs.append((entries, theirs.get(key, [])))
            pairs.append((entries, their_anywhere))
        for lefts, rights in pairs:
            for left, left_vague, left_holes in lefts:
                for right, right_vague, right_holes in rights:
                    region = _overlap(left, right)
                    if region is None:
                        continue
                    if (
                        (left_holes and _excluded(region, left_holes))
                        or (right_holes and _excluded(region, right_holes))
                        or (self.exclude and _excluded(region, self.exclude))
                        or (other.exclude and _excluded(region, other.exclude))
                    ):
                        continue
                    vague = left_vague or right_vague
                    if not vague:
                        return show(region), ""
                    if found is None:
                        found = (show(region), vague)
        return found

    def __repr__(self) -> str:
        return f"PathSet({self.paths()!r}, exclude={[show(e) for e in self.exclude]!r})"


def ancestors(path: str, made: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The directories above ``path`` a step might have to create.

    Not ``SURE_DIRS``, nor ``made``: the directories an earlier WORKDIR created (every
    instruction writing below them conflicts with that WORKDIR, so stays after it).
    """
    parts = path_parts(path)
    found: list[str] = []
    for length in range(1, len(parts)):
        head = parts[:length]
        if any(is_glob_part(part) or "$" in part for part in head):
            break
        shown = show(head)
        if shown not in SURE_DIRS and shown not in made:
            found.append(shown)
    return found
