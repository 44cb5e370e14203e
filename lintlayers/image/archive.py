"""Opening a saved image: its config, and its layer blobs in order, ready to stream.

Three layouts are read:

- a docker archive (``docker save``, ``podman save``, ``buildah push IMAGE
  docker-archive:FILE``): ``manifest.json`` names the config JSON and the layer tars,
  which may be gzip-compressed or symlinks to other members; a folder holding an
  unpacked docker archive is read the same way;
- an OCI archive (``buildah push IMAGE oci-archive:FILE``): a tar holding an OCI layout;
- an OCI layout folder (``buildah push IMAGE oci:DIR``, ``skopeo copy ... oci:DIR``):
  ``index.json`` leads (through nested indexes) to an image manifest, which names the
  config and the layer blobs under ``blobs/<algorithm>/<hex>``.

The outer tar is opened seekable and only its member headers are indexed; a layer is
read through ``tarfile.extractfile``, a file object over the outer file, so no layer is
ever held in memory.
"""

from __future__ import annotations

import os
import posixpath
import re

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    import tarfile
    from typing import BinaryIO

DOCKER_ARCHIVE = "docker-archive"
DOCKER_FOLDER = "docker-folder"
OCI_ARCHIVE = "oci-archive"
OCI_LAYOUT = "oci-layout"

MAX_JSON_BYTES = 64 * 1024 * 1024
"""Manifests and configs are read whole; anything larger is not one."""
MAX_LINK_HOPS = 8

_DIGEST = re.compile(r"[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Za-z0-9=_-]+")
_INDEX_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)


class ImageError(Exception):
    """The image cannot be read: missing, not an image, corrupt or unsupported."""


class LayerBlob:
    """One layer as stored: where it is, its digest, media type and stored size."""

    __slots__ = ("_image", "digest", "media_type", "name", "size")

    def __init__(
        self, image: Image, name: str, digest: str, media_type: str | None, size: int
    ) -> None:
        self._image = image
        self.name = name
        """The member or file name inside the archive or folder."""
        self.digest = digest
        self.media_type = media_type
        """From the OCI manifest; ``None`` for a docker archive (compression is sniffed)."""
        self.size = size
        """Bytes of the blob as stored (compressed when the layer is)."""

    def open(self) -> BinaryIO:
        """A file object reading the stored blob; the caller closes it."""
        return self._image.open_member(self.name)

    def __repr__(self) -> str:
        return f"LayerBlob({self.name!r}, {self.size})"


class Image:
    """A saved image opened for reading; use as a context manager."""

    __slots__ = ("_members", "_root", "_tar", "config", "format", "layers", "notes", "path", "tags")

    def __init__(self, path: str) -> None:
        self.path = path
        self.format = ""
        self.config: dict[str, object] = {}
        self.layers: list[LayerBlob] = []
        self.tags: list[str] = []
        self.notes: list[str] = []
        """Things the reader chose on the user's behalf (first of several images...)."""
        self._tar: tarfile.TarFile | None = None
        self._members: dict[str, tarfile.TarInfo] = {}
        self._root: str | None = None

    # -- members ---------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        if self._tar is not None:
            return name in self._members
        return self._root is not None and os.path.isfile(self._folder_path(name))

    def member_size(self, name: str) -> int:
        if self._tar is not None:
            return self._tar_member(name).size
        return os.path.getsize(self._folder_path(name))

    def open_member(self, name: str) -> BinaryIO:
        """A file object over one member; tar members are read in place, never copied."""
        if self._tar is not None:
            member = self._tar_member(name)
            handle = self._tar.extractfile(member)
            if handle is None:
                raise ImageError(f"{self.path}: {name} is not a regular file in the archive")
            from typing import cast

            return cast("BinaryIO", handle)  # an ExFileObject: binary, read-only
        try:
            return open(self._folder_path(name), "rb")
        except OSError as error:
            raise ImageError(
                f"{self.path}: cannot read {name}: {error.strerror or error}"
            ) from None

    def read_json(self, name: str, what: str) -> object:
        import json

        if not self.has(name):
            raise ImageError(f"{self.path}: the {what} {name} is missing from the image")
        if self.member_size(name) > MAX_JSON_BYTES:
            raise ImageError(f"{self.path}: the {what} {name} is too large to be one")
        try:
            with self.open_member(name) as handle:
                data = handle.read()
            return json.loads(data)
        except (ValueError, UnicodeDecodeError) as error:
            raise ImageError(f"{self.path}: the {what} {name} is not valid JSON: {error}") from None
        except (OSError, EOFError) as error:
            raise ImageError(f"{self.path}: cannot read the {what} {name}: {error}") from None

    def _tar_member(self, name: str) -> tarfile.TarInfo:
        """The regular-file member ``name`` stands for, following symlinks and hard links."""
        member = self._members.get(name)
        for _ in range(MAX_LINK_HOPS):
            if member is None:
                raise ImageError(f"{self.path}: {name} is missing from the archive")
            if member.isfile():
                return member
            if not (member.issym() or member.islnk()):
                raise ImageError(f"{self.path}: {name} is not a file in the archive")
            base = posixpath.dirname(member.name) if member.issym() else ""
            member = self._members.get(_clean(posixpath.join(base, member.linkname)))
        raise ImageError(f"{self.path}: {name} is a chain of links too long to follow")

    def _folder_path(self, name: str) -> str:
        assert self._root is not None
        cleaned = posixpath.normpath(name)
        if cleaned.startswith(("/", "../")) or cleaned == "..":
            raise ImageError(f"{self.path}: {name!r} points outside the image folder")
        return os.path.join(self._root, *cleaned.split("/"))

    # -- life cycle ------------------------------------------------------------------------

    def close(self) -> None:
        if self._tar is not None:
            self._tar.close()
            self._tar = None

    def __enter__(self) -> Image:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_image(path: str) -> Image:
    """Open the docker archive, OCI archive or OCI layout folder at ``path``.

    Raises ``ImageError`` with a message for the user when it is missing, is not an image,
    or is corrupt.
    """
    image = Image(path)
    try:
        if os.path.isdir(path):
            image._root = path
            _read_layout(image, folder=True)
        else:
            _open_tar(image)
            _read_layout(image, folder=False)
    except BaseException:
        image.close()
        raise
    return image


def _open_tar(image: Image) -> None:
    import tarfile

    path = image.path
    try:
        tar = tarfile.open(path, "r:*")  # noqa: SIM115 - the Image closes it
    except FileNotFoundError:
        raise ImageError(f"{path}: no such file or folder") from None
    except PermissionError:
        raise ImageError(f"{path}: permission denied") from None
    except tarfile.ReadError as error:
        raise ImageError(
            f"{path}: not an image archive (not a tar file: {error}); expected the output of "
            "`docker save`, `podman save` or `buildah push IMAGE docker-archive:FILE` "
            "(or oci-archive:FILE), or an OCI layout folder"
        ) from None
    except (OSError, EOFError, tarfile.TarError) as error:
        raise ImageError(f"{path}: cannot read: {error}") from None
    image._tar = tar
    try:
        members = tar.getmembers()
    except (tarfile.TarError, EOFError, OSError) as error:
        raise ImageError(f"{path}: corrupt tar archive: {error}") from None
    for member in members:
        image._members[_clean(member.name)] = member


def _read_layout(image: Image, *, folder: bool) -> None:
    if image.has("manifest.json"):
        image.format = DOCKER_FOLDER if folder else DOCKER_ARCHIVE
        _read_docker(image)
    elif image.has("index.json"):
        image.format = OCI_LAYOUT if folder else OCI_ARCHIVE
        _read_oci(image)
    else:
        kind = "folder" if folder else "tar archive"
        raise ImageError(
            f"{image.path}: not an image: this {kind} has neither manifest.json (docker "
            "archive) nor index.json (OCI layout)"
        )


def _read_docker(image: Image) -> None:
    manifest = image.read_json("manifest.json", "manifest")
    if not isinstance(manifest, list) or not manifest or not isinstance(manifest[0], dict):
        raise ImageError(f"{image.path}: manifest.json does not list any image")
    entry = manifest[0]
    if len(manifest) > 1:
        image.notes.append(f"the archive holds {len(manifest)} images; analysed the first")
    tags = entry.get("RepoTags") or []
    image.tags = [str(tag) for tag in tags] if isinstance(tags, list) else []
    config_name = entry.get("Config")
    layers = entry.get("Layers")
    if not isinstance(config_name, str) or not isinstance(layers, list):
        raise ImageError(f"{image.path}: manifest.json lacks Config or Layers")
    image.config = _as_config(image, image.read_json(_clean(config_name), "image config"))
    layer_ids = diff_ids(image.config)
    for index, name in enumerate(layers):
        if not isinstance(name, str):
            raise ImageError(f"{image.path}: manifest.json has a layer that is not a path")
        member = _clean(name)
        if not image.has(member):
            raise ImageError(f"{image.path}: layer {index + 1} ({name}) is missing from the image")
        digest = layer_ids[index] if index < len(layer_ids) else _digest_from_name(member)
        image.layers.append(LayerBlob(image, member, digest, None, image.member_size(member)))


def _read_oci(image: Image) -> None:
    index = image.read_json("index.json", "index")
    manifest = _find_manifest(image, index, depth=0)
    config = manifest.get("config")
    if not isinstance(config, dict) or not isinstance(config.get("digest"), str):
        raise ImageError(f"{image.path}: the image manifest has no config descriptor")
    image.config = _as_config(
        image, image.read_json(_blob_name(image, config["digest"]), "image config")
    )
    layers = manifest.get("layers")
    if not isinstance(layers, list):
        raise ImageError(f"{image.path}: the image manifest has no layers list")
    for number, descriptor in enumerate(layers, start=1):
        if not isinstance(descriptor, dict) or not isinstance(descriptor.get("digest"), str):
            raise ImageError(f"{image.path}: layer {number} of the manifest has no digest")
        digest = descriptor["digest"]
        name = _blob_name(image, digest)
        media_type = descriptor.get("mediaType")
        if not image.has(name):
            hint = ""
            if isinstance(media_type, str) and (
                "foreign" in media_type or "nondistributable" in media_type
            ):
                hint = " (a foreign/non-distributable layer, not shipped in archives)"
            raise ImageError(f"{image.path}: layer {number} ({digest}) is missing{hint}")
        image.layers.append(
            LayerBlob(
                image,
                name,
                digest,
                media_type if isinstance(media_type, str) else None,
                image.member_size(name),
            )
        )


def _find_manifest(image: Image, index: object, depth: int) -> dict[str, object]:
    """The image manifest an index leads to: the first real image (attestations skipped)."""
    if depth > 4:
        raise ImageError(f"{image.path}: image indexes nested too deeply")
    manifests = index.get("manifests") if isinstance(index, dict) else None
    if not isinstance(manifests, list) or not manifests:
        raise ImageError(f"{image.path}: the image index lists no manifest")
    candidates = [
        item
        for item in manifests
        if isinstance(item, dict)
        and isinstance(item.get("digest"), str)
        and not _is_attestation(item)
    ]
    if not candidates:
        raise ImageError(f"{image.path}: the image index lists no image manifest")
    if len(candidates) > 1:
        image.notes.append(
            f"the image index lists {len(candidates)} manifests; analysed the first "
            f"({_describe(candidates[0])})"
        )
    chosen = candidates[0]
    annotations = chosen.get("annotations")
    if isinstance(annotations, dict) and isinstance(
        annotations.get("org.opencontainers.image.ref.name"), str
    ):
        image.tags.append(annotations["org.opencontainers.image.ref.name"])
    blob = image.read_json(_blob_name(image, chosen["digest"]), "manifest")
    if not isinstance(blob, dict):
        raise ImageError(f"{image.path}: manifest {chosen['digest']} is not a JSON object")
    if chosen.get("mediaType") in _INDEX_TYPES or "manifests" in blob:
        return _find_manifest(image, blob, depth + 1)
    return blob


def _is_attestation(descriptor: dict[str, object]) -> bool:
    annotations = descriptor.get("annotations")
    if isinstance(annotations, dict) and "vnd.docker.reference.type" in annotations:
        return True
    platform = descriptor.get("platform")
    return isinstance(platform, dict) and platform.get("os") == "unknown"


def _describe(descriptor: dict[str, object]) -> str:
    platform = descriptor.get("platform")
    if isinstance(platform, dict) and platform.get("os"):
        return f"{platform.get('os')}/{platform.get('architecture', '?')}"
    return str(descriptor.get("digest"))


def _blob_name(image: Image, digest: str) -> str:
    if not _DIGEST.fullmatch(digest):
        raise ImageError(f"{image.path}: {digest!r} is not a valid digest")
    algorithm, _, encoded = digest.partition(":")
    return f"blobs/{algorithm}/{encoded}"


def _as_config(image: Image, config: object) -> dict[str, object]:
    if not isinstance(config, dict):
        raise ImageError(f"{image.path}: the image config is not a JSON object")
    return config


def diff_ids(config: dict[str, object]) -> list[str]:
    """The uncompressed digests of the layers (``rootfs.diff_ids``), bottom first."""
    rootfs = config.get("rootfs")
    ids = rootfs.get("diff_ids") if isinstance(rootfs, dict) else None
    return [str(item) for item in ids] if isinstance(ids, list) else []


def _digest_from_name(name: str) -> str:
    stem = posixpath.basename(name)
    if stem == "layer.tar":
        stem = posixpath.basename(posixpath.dirname(name))
    stem = stem.split(".", 1)[0]
    return f"sha256:{stem}" if re.fullmatch(r"[0-9a-f]{64}", stem) else name


def _clean(name: str) -> str:
    """A member name without ``./`` or a leading slash, normalized."""
    cleaned = posixpath.normpath("/" + name).lstrip("/")
    return cleaned
