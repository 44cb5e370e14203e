"""LL390 findings from an image analysis: wasted bytes on the line that stored them.

One finding per pair (layer that stores the bytes, later layer that hid them), placed on
the instruction of the storing layer and naming the hiding line. Bytes of the base image
hidden by a Dockerfile line are reported on the chain's ``FROM``. Inline suppressions
(``# lintlayers: ignore=LL390``) apply as in ``lintlayers check``.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from lintlayers.diagnostics import Finding
    from lintlayers.image.analysis import ImageAnalysis, LayerReport
    from lintlayers.image.filesystem import Waste
    from lintlayers.rule import Rule
    from lintlayers.syntax.nodes import Instruction

RULE_ENTRY_POINT = "lintlayers.rules.image_wasted_bytes:ImageWastedBytes"


def waste_findings(analysis: ImageAnalysis, severity: str | None = None) -> list[Finding]:
    """The LL390 findings of ``analysis`` (none without a Dockerfile)."""
    from lintlayers.diagnostics import Finding
    from lintlayers.registry import load_entry_point
    from lintlayers.suppression import parse_suppressions
    from lintlayers.syntax.parser import parse_source

    source = analysis.source
    if source is None or analysis.dockerfile is None:
        return []
    from typing import cast

    rule = cast("type[Rule]", load_entry_point(RULE_ENTRY_POINT))
    groups: dict[tuple[int, int], list[Waste]] = {}
    for waste in analysis.wastes:
        groups.setdefault((waste.layer, waste.hidden_by), []).append(waste)
    instructions = parse_source(source).instructions
    suppressions = parse_suppressions(
        source, [(node.start_line, node.end_line) for node in instructions], {}
    )
    findings = []
    for (lower, upper), wastes in sorted(groups.items()):
        stored, hider = analysis.layers[lower], analysis.layers[upper]
        target, message = _placement(analysis, stored, hider, wastes)
        if target is None or suppressions.is_suppressed(rule.code, target.start_line):
            continue
        findings.append(
            Finding(
                code=rule.code,
                name=rule.name,
                category=rule.category,
                severity=severity or rule.severity,
                message=message,
                file=analysis.dockerfile,
                location=source.location(target.start),
                end_location=source.location(target.end),
                url=rule.url(),
            )
        )
    return findings


def _placement(
    analysis: ImageAnalysis, stored: LayerReport, hider: LayerReport, wastes: list[Waste]
) -> tuple[Instruction | None, str]:
    """The instruction a group of wasted copies is reported on, and the message."""
    size = sum(waste.size for waste in wastes)
    biggest = max(wastes, key=lambda waste: (waste.size, waste.path))
    files = f"{len(wastes)} file{'s' if len(wastes) != 1 else ''}"
    hows = {waste.how for waste in wastes}
    verb = hows.pop() if len(hows) == 1 else "deleted or overwritten"
    by = _by(stored, hider)
    if stored.instruction is not None:
        keyword = stored.instruction.keyword
        message = (
            f"{format_bytes(size)} in {files} written by this {keyword} (e.g. {biggest.path}) "
            f"are {verb} by {by}, yet stay stored in this layer; {_advice(keyword, verb)}"
        )
        return stored.instruction, message
    first_matched = min(
        (layer.index for layer in analysis.layers if layer.instruction is not None), default=-1
    )
    if (
        hider.instruction is None
        or analysis.from_instruction is None
        or stored.index > first_matched
    ):
        return None, ""  # only layers below the first matched one are the base image's
    message = (
        f"{format_bytes(size)} in {files} of the base image (layer {stored.index}, e.g. "
        f"{biggest.path}) are {verb} by {by}, yet every pull still carries them; start from "
        "a base image without them, or change them in a build stage and copy the result"
    )
    return analysis.from_instruction, message


def _by(stored: LayerReport, hider: LayerReport) -> str:
    if hider.instruction is not None:
        if stored.instruction is hider.instruction:
            return "the same instruction (the layer holds two copies)"
        return f"the {hider.instruction.keyword} at line {hider.instruction.start_line}"
    return hider.describe()


def _advice(keyword: str, verb: str) -> str:
    if verb == "overwritten":
        return (
            "write them once in their final form (e.g. COPY --chown/--chmod instead of a "
            "later chown -R/chmod -R)"
        )
    if keyword in ("COPY", "ADD"):
        return "leave them out of the copy (.dockerignore, narrower sources)"
    return "remove them in the RUN that creates them, or use a cache mount or a build stage"


def format_bytes(size: int) -> str:
    """``5,000,000 bytes (4.8 MiB)``; small sizes without the unit in brackets."""
    if size < 1024:
        return f"{size:,} byte{'s' if size != 1 else ''}"
    return f"{size:,} bytes ({human_bytes(size)})"


def human_bytes(size: float) -> str:
    """``4.8 MiB``: binary units, one decimal."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"
