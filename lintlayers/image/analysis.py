"""Analysing a saved image: per-layer sizes and changes, wasted bytes, efficiency.

``analyze_image(path, dockerfile=...)`` streams every layer once, bottom-up, through
``filesystem.Filesystem`` (see there for what counts as wasted) and pairs the layers
with the config's history and, given a Dockerfile, with its lines.

Efficiency is ``(total_bytes - wasted_bytes) / total_bytes``: the share of the stored
file bytes still visible in the final filesystem (1.0 for an empty image). dive's score
differs: it sums, per path, the smallest size seen in any layer and divides by the sum of
every size of every path, so a file replaced by a larger one costs only the difference,
and a deleted folder costs nothing; its ``wasted bytes`` add up every copy of a path seen
in two layers, the copy still in use included (dive issue 684).
"""

from __future__ import annotations

from lintlayers.image.archive import ImageError
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, BinaryIO

    from lintlayers.image.archive import Image, LayerBlob
    from lintlayers.image.filesystem import Filesystem, LayerStats, Waste
    from lintlayers.image.history import HistoryEntry
    from lintlayers.source import SourceText
    from lintlayers.syntax.nodes import Instruction

ARCHIVE_SUFFIXES = (
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
    ".tzst", ".tar.lz", ".tar.lzma", ".zip", ".7z", ".rar",
)  # fmt: skip
"""Names of archives that are usually extracted, then only take space (not ``.gz`` alone:
compressed man pages and such are used as they are)."""
DEFAULT_TOP = 10


class LayerReport:
    """One layer: how it is stored, what it changed, and what made it."""

    __slots__ = (
        "blob_size",
        "compression",
        "diff_id",
        "digest",
        "history",
        "instruction",
        "media_type",
        "stats",
    )

    def __init__(self, blob: LayerBlob, compression: str, stats: LayerStats) -> None:
        self.digest = blob.digest
        """The digest of the stored blob (for a docker archive, the uncompressed one)."""
        self.diff_id: str | None = None
        """The digest of the uncompressed layer, from the config (the same in every format)."""
        self.media_type = blob.media_type
        self.blob_size = blob.size
        self.compression = compression
        self.stats = stats
        self.history: HistoryEntry | None = None
        self.instruction: Instruction | None = None
        """The Dockerfile instruction that made the layer, when a Dockerfile was given."""

    @property
    def index(self) -> int:
        return self.stats.index

    @property
    def size(self) -> int:
        return self.stats.size

    @property
    def created_by(self) -> str | None:
        return self.history.created_by if self.history is not None else None

    @property
    def line(self) -> int | None:
        return self.instruction.start_line if self.instruction is not None else None

    def describe(self) -> str:
        """``RUN rm /x`` (from the Dockerfile, else the history), or ``layer N``."""
        if self.instruction is not None:
            return f"{self.instruction.keyword} at line {self.instruction.start_line}"
        if self.history is not None and self.history.instruction:
            return f"layer {self.index} (`{_shorten(self.history.instruction, 60)}`)"
        return f"layer {self.index}"


class PathWaste:
    """The hidden copies of one path, over all layers."""

    __slots__ = ("copies", "final_layer", "path")

    def __init__(self, path: str) -> None:
        self.path = path
        self.copies: list[Waste] = []
        self.final_layer: int | None = None
        """The layer of the copy still visible, ``None`` when the path is gone."""

    @property
    def wasted_bytes(self) -> int:
        return sum(copy.size for copy in self.copies)

    def as_dict(self) -> dict[str, object]:
        layers = sorted(
            {copy.layer for copy in self.copies} | {copy.hidden_by for copy in self.copies}
        )
        return {
            "path": self.path,
            "wasted_bytes": self.wasted_bytes,
            "layers": layers,
            "final_layer": self.final_layer,
            "copies": [
                {
                    "layer": copy.layer,
                    "size": copy.size,
                    "hidden_by": copy.hidden_by,
                    "how": copy.how,
                }
                for copy in sorted(self.copies, key=lambda copy: copy.layer)
            ],
        }


class ImageAnalysis:
    """The result of ``analyze_image``."""

    __slots__ = (
        "dockerfile",
        "filesystem",
        "format",
        "from_instruction",
        "kept_archives",
        "layers",
        "notes",
        "path",
        "source",
        "tags",
    )

    def __init__(self, path: str, image_format: str, filesystem: Filesystem) -> None:
        self.path = path
        self.format = image_format
        self.filesystem = filesystem
        self.layers: list[LayerReport] = []
        self.tags: list[str] = []
        self.notes: list[str] = []
        self.dockerfile: str | None = None
        """The Dockerfile path, when given."""
        self.source: SourceText | None = None
        self.from_instruction: Instruction | None = None
        """The FROM of the stage chain the layers were matched with."""
        self.kept_archives: list[tuple[str, int, int]] = []
        """``(path, size, layer)`` of archives still in the final filesystem."""

    @property
    def total_bytes(self) -> int:
        return self.filesystem.total_bytes

    @property
    def wasted_bytes(self) -> int:
        return self.filesystem.wasted_bytes

    @property
    def final_bytes(self) -> int:
        return self.total_bytes - self.wasted_bytes

    @property
    def efficiency(self) -> float:
        total = self.total_bytes
        return (total - self.wasted_bytes) / total if total else 1.0

    @property
    def wasted_percent(self) -> float:
        total = self.total_bytes
        return 100.0 * self.wasted_bytes / total if total else 0.0

    @property
    def wastes(self) -> list[Waste]:
        return self.filesystem.wastes

    def wasted_paths(self, top: int | None = DEFAULT_TOP) -> list[PathWaste]:
        """Paths with hidden copies, most wasted bytes first."""
        by_path: dict[str, PathWaste] = {}
        for waste in self.wastes:
            entry = by_path.get(waste.path)
            if entry is None:
                entry = by_path[waste.path] = PathWaste(waste.path)
            entry.copies.append(waste)
        ordered = sorted(by_path.values(), key=lambda entry: (-entry.wasted_bytes, entry.path))
        if top is not None:
            ordered = ordered[:top]
        for entry in ordered:
            node = self.filesystem.lookup(entry.path.lstrip("/"))
            if node is not None and node.children is None:
                entry.final_layer = node.layer
        return ordered

    @property
    def kept_archive_bytes(self) -> int:
        return sum(size for _, size, _ in self.kept_archives)

    def as_dict(self, top: int = DEFAULT_TOP) -> dict[str, object]:
        """The JSON report: totals, one entry per layer, the most wasted paths, kept archives."""
        layers = []
        per_layer: dict[int, list[Waste]] = {}
        for waste in self.wastes:
            per_layer.setdefault(waste.layer, []).append(waste)
        for layer in self.layers:
            stats = layer.stats
            item: dict[str, object] = {
                "index": layer.index,
                "digest": layer.digest,
                "diff_id": layer.diff_id,
                "media_type": layer.media_type,
                "compression": layer.compression,
                "size": stats.size,
                "blob_size": layer.blob_size,
                "created_by": layer.created_by,
                "instruction": layer.history.instruction if layer.history is not None else None,
            }
            if layer.instruction is not None:
                item["line"] = layer.instruction.start_line
                item["end_line"] = layer.instruction.end_line
            wasted_here = sorted(per_layer.get(layer.index, []), key=lambda w: (-w.size, w.path))
            item.update(
                {
                    "files_added": stats.files_added,
                    "files_changed": stats.files_changed,
                    "files_removed": stats.files_removed,
                    "wasted_bytes": stats.wasted_bytes,
                    "wasted_files": stats.wasted_files,
                    "hidden_lower_bytes": stats.hidden_lower_bytes,
                    "top_wasted": [
                        {"path": w.path, "size": w.size, "hidden_by": w.hidden_by, "how": w.how}
                        for w in wasted_here[:top]
                    ],
                }
            )
            layers.append(item)
        result: dict[str, object] = {
            "image": self.path,
            "format": self.format,
            "tags": self.tags,
            "dockerfile": self.dockerfile,
            "total_bytes": self.total_bytes,
            "wasted_bytes": self.wasted_bytes,
            "final_bytes": self.final_bytes,
            "efficiency": self.efficiency,
            "wasted_percent": self.wasted_percent,
            "layers": layers,
            "wasted_paths": [entry.as_dict() for entry in self.wasted_paths(top)],
            "kept_archives": [
                {"path": path, "size": size, "layer": layer, "line": self._line_of(layer)}
                for path, size, layer in self.kept_archives
            ],
            "kept_archive_bytes": self.kept_archive_bytes,
            "notes": self.notes,
        }
        return result

    def _line_of(self, layer: int) -> int | None:
        if 0 <= layer < len(self.layers):
            return self.layers[layer].line
        return None


def analyze_image(
    path: str,
    dockerfile: str | None = None,
    *,
    target: str | None = None,
    show_progress: bool = False,
) -> ImageAnalysis:
    """Analyse the saved image at ``path``; with ``dockerfile``, map layers to its lines.
    ``show_progress``: a bar of the layer bytes read on a terminal, for a long read.

    Raises ``ImageError`` when the image (or the Dockerfile) cannot be read.
    """
    from lintlayers.image.archive import diff_ids, open_image
    from lintlayers.image.filesystem import Filesystem
    from lintlayers.image.history import pair_layers, read_history
    from lintlayers.progress import BYTES, progress

    filesystem = Filesystem()
    with open_image(path) as image:
        analysis = ImageAnalysis(path, image.format, filesystem)
        analysis.tags = list(image.tags)
        analysis.notes.extend(image.notes)
        total = sum(blob.size for blob in image.layers)
        with progress(
            total, unit=BYTES, description="Reading layers", quiet=not show_progress
        ) as bar:
            for blob in image.layers:
                analysis.layers.append(_read_layer(image, blob, filesystem, bar.advance))
        entries = read_history(image.config)
        for layer, diff_id in zip(analysis.layers, diff_ids(image.config), strict=False):
            layer.diff_id = diff_id
    paired, note = pair_layers(entries, len(analysis.layers))
    if note is not None:
        analysis.notes.append(note)
    for layer, entry in zip(analysis.layers, paired, strict=True):
        layer.history = entry
    analysis.kept_archives = _kept_archives(filesystem)
    if dockerfile is not None:
        _attach_dockerfile(analysis, dockerfile, entries, target)
    return analysis


def _read_layer(
    image: Image, blob: LayerBlob, filesystem: Filesystem, advance: Callable[[int], None]
) -> LayerReport:
    """Read one layer blob into ``filesystem``; ``advance(n)`` as its bytes are read."""
    from lintlayers.image.layer_tar import iter_entries, sniff_compression

    label = f"{image.path}: layer {len(filesystem.layers)} ({blob.digest})"
    try:
        with blob.open() as raw:
            counter = CountingReader(raw, advance)
            stream: BinaryIO = counter  # type: ignore[assignment]  # reads as the layer reader does
            compression = sniff_compression(stream)
            stats = filesystem.apply_layer(iter_entries(stream, label, blob.media_type))
    except OSError as error:
        raise ImageError(f"{label} cannot be read: {error}") from None
    advance(max(0, blob.size - counter.count))  # a tar reader stops before the padding
    return LayerReport(blob, compression, stats)


class CountingReader:
    """A binary stream that reports the bytes read from it (for a progress bar)."""

    __slots__ = ("_advance", "_stream", "count")

    def __init__(self, stream: BinaryIO, advance: Callable[[int], None]) -> None:
        self._stream = stream
        self._advance = advance
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.count += len(data)
        self._advance(len(data))
        return data

    def peek(self, size: int = 0) -> bytes:
        peek = getattr(self._stream, "peek", None)
        if peek is not None:
            return bytes(peek(size))
        position = self._stream.tell()
        head = self._stream.read(size)
        self._stream.seek(position)
        return head

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _kept_archives(filesystem: Filesystem) -> list[tuple[str, int, int]]:
    kept = []
    for path, node in filesystem.final_files():
        blob = node.blob
        if blob is not None and blob.size > 0 and path.lower().endswith(ARCHIVE_SUFFIXES):
            kept.append((path, blob.size, node.layer))
    kept.sort(key=lambda item: (-item[1], item[0]))
    return kept


def _attach_dockerfile(
    analysis: ImageAnalysis, dockerfile: str, entries: list[HistoryEntry], target: str | None
) -> None:
    from lintlayers.image.dockerfile_match import match_history
    from lintlayers.reading import ReadError, read_file
    from lintlayers.source import SourceText
    from lintlayers.syntax.parser import parse_source

    try:
        text, _ = read_file(dockerfile)
    except ReadError as error:
        raise ImageError(str(error)) from None
    source = SourceText(text, dockerfile)
    analysis.dockerfile = dockerfile
    analysis.source = source
    match = match_history(parse_source(source), entries, target)
    analysis.from_instruction = match.from_instruction
    for layer in analysis.layers:
        if layer.history is not None:
            layer.instruction = match.instructions.get(layer.history.index)
    if not any(layer.instruction is not None for layer in analysis.layers):
        analysis.notes.append(f"no layer of the image matches an instruction of {dockerfile}")


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
