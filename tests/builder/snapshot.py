"""A comparable picture of a root filesystem: types, modes, sizes and contents, not times."""

from __future__ import annotations

import hashlib
import os
import stat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    Entry = tuple[str, int, int, "str | None"]

KINDS = (
    (stat.S_ISDIR, "dir"),
    (stat.S_ISREG, "file"),
    (stat.S_ISLNK, "symlink"),
    (stat.S_ISFIFO, "fifo"),
    (stat.S_ISCHR, "char"),
    (stat.S_ISBLK, "block"),
    (stat.S_ISSOCK, "socket"),
)


def snapshot(
    root: Path, ignore: Iterable[str] = (), *, owners: bool = False
) -> dict[str, tuple[object, ...]]:
    """Map each path under ``root`` (as ``/a/b``) to ``(type, mode, size, sha256 or target)``.

    ``type`` is dir/file/symlink/fifo/char/block/socket; ``mode`` the permission bits with
    setuid/setgid/sticky; ``size`` the byte size of a file, the target length of a symlink, 0
    otherwise; the last field is a file's sha256, a symlink's target, or None. Symlinks are
    never followed. Paths in ``ignore`` are left out with everything under them. With
    ``owners`` each tuple also ends with ``(uid, gid)``.
    """
    skipped = {path.rstrip("/") or "/" for path in ignore}
    found: dict[str, tuple[object, ...]] = {}
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                path = f"{prefix}/{entry.name}"
                if path in skipped:
                    continue
                info = entry.stat(follow_symlinks=False)
                item = _describe(entry.path, info)
                found[path] = (*item, (info.st_uid, info.st_gid)) if owners else item
                if item[0] == "dir":
                    pending.append((entry.path, path))
    return dict(sorted(found.items()))


def _describe(path: str, info: os.stat_result) -> Entry:
    """The snapshot tuple of one filesystem entry."""
    kind = next(name for test, name in KINDS if test(info.st_mode))
    mode = stat.S_IMODE(info.st_mode)
    if kind == "file":
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return (kind, mode, info.st_size, digest.hexdigest())
    if kind == "symlink":
        target = os.readlink(path)
        return (kind, mode, len(os.fsencode(target)), target)
    return (kind, mode, 0, None)


def differences(
    before: dict[str, tuple[object, ...]], after: dict[str, tuple[object, ...]]
) -> dict[str, tuple[object, object]]:
    """Paths whose entry differs between two snapshots: ``path -> (before, after)``,
    with None for a path that is missing on one side."""
    paths = sorted(before.keys() | after.keys())
    return {
        path: (before.get(path), after.get(path))
        for path in paths
        if before.get(path) != after.get(path)
    }
