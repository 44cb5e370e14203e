"""The text the install fixes write: COPY lines for manifests, in the broad COPY's style.

``manifest_copy_lines`` writes the narrow COPYs that bring an install's manifests
before the broad COPY: the same indentation, keyword case and ``--chown``/
``--chmod``/``--link`` flags, destinations written relative to the WORKDIR unless the
broad COPY wrote an absolute one, one line per destination folder.
"""

from __future__ import annotations

import posixpath

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.syntax.nodes import Instruction


def manifest_copy_lines(
    text: str,
    broad: Instruction,
    files: list[tuple[str, str]],
    workdir: str,
    absolute: bool,
    newline: str,
) -> list[str]:
    """``COPY`` lines bringing ``files`` (context path, absolute target) to their place."""
    instruction = broad.effective
    prefix = text[broad.node_start : instruction.start]
    flags = [flag.raw for flag in instruction.flags if flag.name in ("chown", "chmod", "link")]
    head = " ".join(["COPY" if instruction.keyword_raw.isupper() else "copy", *flags])
    groups: dict[str, list[str]] = {}
    for source, target in files:
        if source.endswith("/"):
            destination = target.rstrip("/") + "/"
            groups.setdefault(destination + "\0" + source, []).append(source)
        else:
            groups.setdefault(posixpath.dirname(target) or "/", []).append(source)
    lines = []
    for key, sources in groups.items():
        destination = key.split("\0", 1)[0]
        shown = _shown(destination, workdir, absolute)
        lines.append(f"{prefix}{head} {' '.join(sources)} {shown}{newline}")
    return lines


def _shown(destination: str, workdir: str, absolute: bool) -> str:
    """A destination directory, written relative to the WORKDIR unless ``absolute``."""
    destination = destination.rstrip("/") or "/"
    if absolute:
        return destination.rstrip("/") + "/"
    if destination == workdir:
        return "./"
    inside = workdir.rstrip("/") + "/"
    if destination.startswith(inside):
        return "./" + destination[len(inside) :] + "/"
    return destination + "/"


def needs_quoting(path: str) -> bool:
    """Whether a path cannot be written in a COPY line as it is."""
    return any(character in path for character in " \t\"'$\\")
