"""The image's filesystem built layer by layer, counting the bytes later layers hide.

Definitions (the ones ``lintlayers image`` reports):

- a layer's *size* is the sum of the sizes of the regular files it stores (hard links
  and whiteouts store no data); the image's *total bytes* is the sum over its layers;
- a copy of a file is *wasted* when a later layer hides it: overwrites the path (a new
  file, link or folder there; ``chown``/``chmod``/``touch`` rewrite the whole file),
  deletes it (``.wh.`` whiteout), deletes a folder above it, or makes that folder opaque.
  Its bytes stay in the lower layer's blob but can never be seen again. Each hidden copy
  is counted once, in the layer that stores it; the copy that stays visible is not waste;
- hard links are one copy: a file is wasted when its last name in the image is hidden;
- so ``total - wasted`` is exactly the size of the final filesystem (each file once).
"""

from __future__ import annotations

from lintlayers.image.layer_tar import DIRECTORY, FILE, HARDLINK, OPAQUE, WHITEOUT
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from lintlayers.image.layer_tar import Entry

OVERWRITTEN = "overwritten"
DELETED = "deleted"


class Blob:
    """The data of one regular file in one layer, shared by its hard links."""

    __slots__ = ("layer", "names", "size")

    def __init__(self, layer: int, size: int) -> None:
        self.layer = layer
        self.size = size
        self.names = 1
        """How many paths of the merged filesystem still show this data."""


class Node:
    """One path of the merged filesystem; ``children`` is ``None`` unless a folder."""

    __slots__ = ("blob", "children", "kind", "layer")

    def __init__(self, kind: str, layer: int, blob: Blob | None = None) -> None:
        self.kind = kind
        self.layer = layer
        self.blob = blob
        self.children: dict[str, Node] | None = {} if kind == DIRECTORY else None


class Waste:
    """A copy of a file stored in ``layer`` and hidden by ``hidden_by`` (``how``)."""

    __slots__ = ("hidden_by", "how", "layer", "path", "size")

    def __init__(self, path: str, size: int, layer: int, hidden_by: int, how: str) -> None:
        self.path = path
        self.size = size
        self.layer = layer
        self.hidden_by = hidden_by
        self.how = how

    def __repr__(self) -> str:
        return f"Waste({self.path!r}, {self.size}, {self.layer}->{self.hidden_by} {self.how})"


class LayerStats:
    """What one layer stores and changes."""

    __slots__ = (
        "files_added",
        "files_changed",
        "files_removed",
        "hidden_lower_bytes",
        "index",
        "size",
        "wasted_bytes",
        "wasted_files",
    )

    def __init__(self, index: int) -> None:
        self.index = index
        self.size = 0
        """Sum of the regular-file sizes stored in the layer."""
        self.files_added = 0
        """Non-folder entries at paths the lower layers did not have."""
        self.files_changed = 0
        """Non-folder entries replacing a path of a lower layer."""
        self.files_removed = 0
        """Non-folder paths of lower layers deleted (whiteouts, opaque folders)."""
        self.wasted_bytes = 0
        """Bytes stored in this layer that later layers hide."""
        self.wasted_files = 0
        self.hidden_lower_bytes = 0
        """Bytes this layer hides: lower layers' copies (and duplicates within the layer)."""


class Filesystem:
    """The merged filesystem; feed it the layers bottom-up with ``apply_layer``."""

    __slots__ = ("layers", "root", "total_bytes", "wastes")

    def __init__(self) -> None:
        self.root = Node(DIRECTORY, -1)
        self.layers: list[LayerStats] = []
        self.wastes: list[Waste] = []
        self.total_bytes = 0

    @property
    def wasted_bytes(self) -> int:
        return sum(waste.size for waste in self.wastes)

    def apply_layer(self, entries: Iterable[Entry]) -> LayerStats:
        """Apply the next layer's entries (streamed) and return its statistics."""
        stats = LayerStats(len(self.layers))
        self.layers.append(stats)
        for entry in entries:
            kind = entry.kind
            if kind == WHITEOUT:
                self._whiteout(entry.path, stats)
            elif kind == OPAQUE:
                self._opaque(entry.path, stats)
            else:
                self._put(entry, stats)
        self.total_bytes += stats.size
        return stats

    # -- changes ---------------------------------------------------------------------------

    def _put(self, entry: Entry, stats: LayerStats) -> None:
        layer = stats.index
        parent, name = self._parent(entry.path, layer, stats)
        children = parent.children
        assert children is not None
        existing = children.get(name)
        if entry.kind == DIRECTORY:
            if existing is not None and existing.children is not None:
                return  # a folder over a folder merges with it
            if existing is not None:
                self._hide(existing, entry.path, stats, OVERWRITTEN, whole=True)
            children[name] = Node(DIRECTORY, layer)
            return
        if existing is None:
            stats.files_added += 1
        else:
            if existing.layer < layer:
                stats.files_changed += 1
            self._hide(existing, entry.path, stats, OVERWRITTEN, whole=True)
        blob = None
        if entry.kind == FILE:
            blob = Blob(layer, entry.size)
            stats.size += entry.size
        elif entry.kind == HARDLINK and entry.target is not None:
            target = self.lookup(entry.target)
            if target is not None and target.blob is not None:
                blob = target.blob
                blob.names += 1
        children[name] = Node(entry.kind, layer, blob)

    def _whiteout(self, path: str, stats: LayerStats) -> None:
        parent_path, _, name = path.rpartition("/")
        parent = self.lookup(parent_path)
        if parent is None or parent.children is None:
            return
        node = parent.children.get(name)
        if node is None:
            return
        if self._hide(node, path, stats, DELETED, whole=False):
            del parent.children[name]

    def _opaque(self, path: str, stats: LayerStats) -> None:
        folder = self.lookup(path)
        if folder is None or folder.children is None:
            return
        for name, child in list(folder.children.items()):
            child_path = f"{path}/{name}" if path else name
            if self._hide(child, child_path, stats, DELETED, whole=False):
                del folder.children[name]

    def _hide(self, node: Node, path: str, stats: LayerStats, how: str, *, whole: bool) -> bool:
        """Hide what ``node`` holds from layers below ``stats.index`` (everything when
        ``whole``); return True when nothing of it is left."""
        layer = stats.index
        if node.children is None:
            if not whole and node.layer >= layer:
                return False
            if how == DELETED and node.layer < layer:
                stats.files_removed += 1
            self._drop(node, path, layer, how)
            return True
        for name, child in list(node.children.items()):
            if self._hide(child, f"{path}/{name}", stats, how, whole=whole):
                del node.children[name]
        return whole or (node.layer < layer and not node.children)

    def _drop(self, node: Node, path: str, layer: int, how: str) -> None:
        blob = node.blob
        if blob is None or node.kind not in (FILE, HARDLINK):
            return
        blob.names -= 1
        if blob.names > 0:
            return
        waste = Waste("/" + path, blob.size, blob.layer, layer, how)
        self.wastes.append(waste)
        lower = self.layers[blob.layer]
        lower.wasted_bytes += blob.size
        lower.wasted_files += 1
        self.layers[layer].hidden_lower_bytes += blob.size

    # -- lookups ---------------------------------------------------------------------------

    def _parent(self, path: str, layer: int, stats: LayerStats) -> tuple[Node, str]:
        """The folder that holds ``path`` (created when missing) and the last name."""
        parts = path.split("/")
        node = self.root
        walked: list[str] = []
        for part in parts[:-1]:
            walked.append(part)
            children = node.children
            assert children is not None
            child = children.get(part)
            if child is None or child.children is None:
                if child is not None:  # a file or link where a folder must be
                    self._hide(child, "/".join(walked), stats, OVERWRITTEN, whole=True)
                child = Node(DIRECTORY, layer)
                children[part] = child
            node = child
        return node, parts[-1]

    def lookup(self, path: str) -> Node | None:
        node = self.root
        if not path:
            return node
        for part in path.split("/"):
            if node.children is None:
                return None
            child = node.children.get(part)
            if child is None:
                return None
            node = child
        return node

    # -- the final image -------------------------------------------------------------------

    def final_files(self) -> Iterator[tuple[str, Node]]:
        """Every non-folder path of the final filesystem (``/``-prefixed) with its node."""
        stack: list[tuple[str, Node]] = [("", self.root)]
        while stack:
            prefix, node = stack.pop()
            assert node.children is not None
            for name, child in node.children.items():
                path = f"{prefix}/{name}"
                if child.children is None:
                    yield path, child
                else:
                    stack.append((path, child))

    def final_bytes(self) -> int:
        """Bytes of the final filesystem, each file's data once (hard links share it)."""
        seen: set[int] = set()
        total = 0
        for _, node in self.final_files():
            blob = node.blob
            if blob is not None and id(blob) not in seen:
                seen.add(id(blob))
                total += blob.size
        return total
