"""The text report of an image analysis: a table of layers, then the wasted paths.

Plain text when the output is not a terminal; rich (imported only then) renders the same
rows as a table in colour on a terminal.
"""

from __future__ import annotations

from lintlayers.image.findings import human_bytes
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

    from lintlayers.image.analysis import ImageAnalysis

HEADERS = ("#", "size", "blob", "added", "changed", "removed", "wasted", "line", "instruction")
RIGHT_ALIGNED = frozenset({0, 1, 2, 3, 4, 5, 6, 7})
CREATED_BY_WIDTH = 70


def layer_rows(analysis: ImageAnalysis) -> list[tuple[str, ...]]:
    """One row of cells per layer, in the order of ``HEADERS``."""
    rows: list[tuple[str, ...]] = []
    for layer in analysis.layers:
        stats = layer.stats
        history = layer.history
        if layer.instruction is not None:  # the Dockerfile's own text reads better
            text = " ".join(layer.instruction.logical.text.split())
        elif history is not None and history.instruction:
            text = history.instruction
        else:
            text = "(no history)"
        rows.append(
            (
                str(layer.index),
                human_bytes(stats.size),
                human_bytes(layer.blob_size),
                str(stats.files_added),
                str(stats.files_changed),
                str(stats.files_removed),
                human_bytes(stats.wasted_bytes) if stats.wasted_bytes else "-",
                str(layer.line) if layer.line is not None else "-",
                _shorten(text, CREATED_BY_WIDTH),
            )
        )
    return rows


def summary_lines(analysis: ImageAnalysis, top: int) -> list[str]:
    """The totals, the most wasted paths, kept archives and notes, as plain lines."""
    lines = [
        f"total {analysis.total_bytes:,} bytes ({human_bytes(analysis.total_bytes)}) in "
        f"{len(analysis.layers)} layers; wasted {analysis.wasted_bytes:,} bytes "
        f"({human_bytes(analysis.wasted_bytes)}, {analysis.wasted_percent:.1f}%); "
        f"efficiency {analysis.efficiency:.4f}",
    ]
    paths = analysis.wasted_paths(top)
    if paths:
        lines += ["", "most wasted paths (bytes hidden by a later layer, each copy once):"]
        for entry in paths:
            hops = ", ".join(
                f"layer {copy.layer} {copy.how} by {copy.hidden_by}"
                for copy in sorted(entry.copies, key=lambda copy: copy.layer)
            )
            lines.append(f"  {entry.wasted_bytes:>14,}  {entry.path}  ({hops})")
    if analysis.kept_archives:
        lines += [
            "",
            f"archives still in the image ({analysis.kept_archive_bytes:,} bytes, not counted "
            "as wasted: no layer hides them; if they were extracted, delete them in the same "
            "RUN or extract in a build stage):",
        ]
        for path, size, layer in analysis.kept_archives[:top]:
            lines.append(f"  {size:>14,}  {path}  (layer {layer})")
    for note in analysis.notes:
        lines.append(f"note: {note}")
    return lines


def render(analysis: ImageAnalysis, out: TextIO, *, color: bool, top: int) -> None:
    """Write the report: a rich table when ``color``, aligned plain text otherwise."""
    title = ", ".join([analysis.format, *analysis.tags])
    title = f"{analysis.path} ({title})"
    rows = layer_rows(analysis)
    if color:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, title_justify="left")
        for index, header in enumerate(HEADERS):
            table.add_column(header, justify="right" if index in RIGHT_ALIGNED else "left")
        for row in rows:
            style = "yellow" if row[6] != "-" else None
            table.add_row(*row, style=style)
        console = Console(file=out, force_terminal=True)
        console.print(table)
        for line in summary_lines(analysis, top):
            console.print(line, highlight=False, markup=False)
        return
    out.write(title + "\n")
    widths = [len(header) for header in HEADERS]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    for row in (HEADERS, *rows):
        cells = [
            cell.rjust(width) if index in RIGHT_ALIGNED else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        out.write("  ".join(cells).rstrip() + "\n")
    out.write("\n")
    out.write("\n".join(summary_lines(analysis, top)) + "\n")


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
