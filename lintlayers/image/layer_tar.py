"""Streaming the entries of one layer tar: files, links, folders and whiteouts.

A layer blob is read with ``tarfile.open(fileobj=..., mode="r|*")``: a forward-only stream
that decompresses gzip, bzip2 and xz on the fly and skips file data without keeping it.
The member list tarfile grows while streaming is emptied after each entry, so memory
stays flat whatever the layer holds. zstd layers are refused with a clear message
(Python's ``tarfile`` reads zstd from Python 3.14 on).

Whiteouts follow the OCI layer spec (also what docker and buildah write): ``dir/.wh.name``
deletes ``dir/name`` of the lower layers, ``dir/.wh..wh..opq`` hides every lower entry
of ``dir`` (an opaque folder); other ``.wh..wh.`` names are AUFS bookkeeping and skipped.
"""

from __future__ import annotations

import posixpath
import sys

from lintlayers.image.archive import ImageError
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    import tarfile
    from collections.abc import Iterator
    from typing import BinaryIO

FILE = "file"
HARDLINK = "hardlink"
SYMLINK = "symlink"
DIRECTORY = "dir"
OTHER = "other"
"""Devices, FIFOs: entries without data."""
WHITEOUT = "whiteout"
OPAQUE = "opaque"

WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class Entry:
    """One layer entry: ``path`` is relative to ``/`` without a leading slash.

    For a whiteout ``path`` is the deleted path; for an opaque marker, the folder whose
    lower contents it hides. ``size`` counts regular-file data only; ``target`` is the
    link target of a hard link (normalized like ``path``) or a symlink (as written).
    """

    __slots__ = ("kind", "path", "size", "target")

    def __init__(self, kind: str, path: str, size: int = 0, target: str | None = None) -> None:
        self.kind = kind
        self.path = path
        self.size = size
        self.target = target

    def __repr__(self) -> str:
        return f"Entry({self.kind}, {self.path!r}, {self.size})"


def compression_of(head: bytes) -> str:
    """``gzip``, ``bzip2``, ``xz``, ``zstd`` or ``none`` from a blob's first bytes."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bzip2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(_ZSTD_MAGIC):
        return "zstd"
    return "none"


def iter_entries(stream: BinaryIO, label: str, media_type: str | None = None) -> Iterator[Entry]:
    """The entries of the layer tar read from ``stream``, in archive order.

    ``label`` names the layer in error messages. Raises ``ImageError`` for a zstd layer
    this Python cannot read, a blob that is not a tar, or a corrupt or truncated one.
    """
    import tarfile

    compression = sniff_compression(stream)
    zstd = compression == "zstd" or (media_type is not None and "zstd" in media_type)
    if zstd and sys.version_info < (3, 14):
        raise ImageError(
            f"{label} is zstd-compressed: Python {sys.version_info.major}."
            f"{sys.version_info.minor}'s tarfile cannot read zstd (Python 3.14 can); save the "
            "image with gzip or uncompressed layers (e.g. `docker save`, or `buildah push` "
            "without --compression-format zstd)"
        )
    try:
        layer = tarfile.open(fileobj=stream, mode="r|*")  # noqa: SIM115 - closed below
    except (tarfile.TarError, EOFError, OSError) as error:
        raise ImageError(f"{label} is not a tar archive ({compression}): {error}") from None
    with layer:
        while True:
            try:
                info = layer.next()
            except Exception as error:  # zlib, lzma, tarfile and OS errors all mean corrupt
                if isinstance(error, ImageError):
                    raise
                raise ImageError(
                    f"{label} is corrupt or truncated: {type(error).__name__}: {error}"
                ) from None
            if info is None:
                return
            layer.members.clear()  # type: ignore[attr-defined]  # no TarInfo kept behind
            entry = _entry(info)
            if entry is not None:
                yield entry


def _entry(info: tarfile.TarInfo) -> Entry | None:
    path = clean_path(info.name)
    if not path:
        return None
    parent, _, name = path.rpartition("/")
    if name.startswith(WHITEOUT_PREFIX):
        if name == OPAQUE_MARKER:
            return Entry(OPAQUE, parent)
        if name.startswith(WHITEOUT_PREFIX + WHITEOUT_PREFIX):
            return None  # AUFS metadata such as .wh..wh.plnk
        hidden = name[len(WHITEOUT_PREFIX) :]
        return Entry(WHITEOUT, f"{parent}/{hidden}" if parent else hidden)
    if info.isreg():
        return Entry(FILE, path, info.size)
    if info.islnk():
        return Entry(HARDLINK, path, 0, clean_path(info.linkname))
    if info.issym():
        return Entry(SYMLINK, path, 0, info.linkname)
    if info.isdir():
        return Entry(DIRECTORY, path)
    return Entry(OTHER, path)


def clean_path(name: str) -> str:
    """``./usr//bin/`` -> ``usr/bin``; the root folder is ``""``."""
    return posixpath.normpath("/" + name).lstrip("/")


def sniff_compression(stream: BinaryIO) -> str:
    """The compression of the blob ``stream`` reads, without consuming anything."""
    return compression_of(_peek(stream, 6))


def _peek(stream: BinaryIO, size: int) -> bytes:
    """The first ``size`` bytes of ``stream``, left unread."""
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return bytes(peek(size)[:size])
    position = stream.tell()
    head = stream.read(size)
    stream.seek(position)
    return head
