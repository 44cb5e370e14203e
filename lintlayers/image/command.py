"""``lintlayers image IMAGE``: analyse a saved image, report, and apply CI thresholds.

Exit codes: 0 when every threshold holds, 1 when one is exceeded, 2 when the image, the
Dockerfile or an option cannot be read. Findings alone (LL390) do not fail the command;
the thresholds do.

- ``--max-wasted-bytes SIZE``: fail when wasted bytes exceed SIZE (``5000000``, ``5MB``
  = 5,000,000, ``5MiB`` = 5,242,880; ``k``/``K``, ``M``, ``G`` alone are decimal too);
- ``--max-wasted-percent P``: fail when wasted bytes exceed P percent of the total bytes
  (0-100; dive's ``highestUserWastedPercent`` is a ratio of the bytes above the first layer);
- ``--min-efficiency R``: fail when the efficiency, a ratio 0-1, is below R.

The options are declared in ``lintlayers/cli.py``; this module is imported only to run.
"""

from __future__ import annotations

import sys

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from typing import TextIO

    from lintlayers.diagnostics import Finding
    from lintlayers.image.analysis import ImageAnalysis

EXIT_OK, EXIT_EXCEEDED, EXIT_ERROR = 0, 1, 2
_UNITS = {
    "": 1, "b": 1,
    "k": 1000, "kb": 1000, "kib": 1024,
    "m": 1000**2, "mb": 1000**2, "mib": 1024**2,
    "g": 1000**3, "gb": 1000**3, "gib": 1024**3,
    "t": 1000**4, "tb": 1000**4, "tib": 1024**4,
}  # fmt: skip


def run_image(
    options: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command for parsed ``options``; return the exit code."""
    from lintlayers.image.archive import ImageError

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        thresholds = _thresholds(options)
    except ValueError as error:
        err.write(f"lintlayers: {error}\n")
        return EXIT_ERROR
    from lintlayers.image.analysis import analyze_image
    from lintlayers.image.findings import waste_findings

    try:
        analysis = analyze_image(
            options.image,
            options.dockerfile,
            target=options.target,
            show_progress=not getattr(options, "quiet", False),
        )
    except ImageError as error:
        err.write(f"lintlayers: {error}\n")
        return EXIT_ERROR
    findings = waste_findings(analysis)
    failures = check_thresholds(analysis, thresholds)
    top = max(options.top, 0)
    if options.json_path:
        try:
            with open(options.json_path, "w", encoding="utf-8") as handle:
                _write_json(analysis, findings, failures, handle, top)
        except OSError as error:
            err.write(f"lintlayers: cannot write {options.json_path}: {error.strerror or error}\n")
            return EXIT_ERROR
    _report(options.format, analysis, findings, failures, out, top)
    for failure in failures:
        err.write(f"lintlayers: {failure}\n")
    return EXIT_EXCEEDED if failures else EXIT_OK


def parse_size(text: str) -> int:
    """Bytes of ``5000000``, ``5MB`` (decimal), ``5MiB`` (binary), ``1.5G``."""
    import re

    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-z]*)\s*", text)
    unit = match.group(2).lower() if match is not None else ""
    if match is None or unit not in _UNITS:
        raise ValueError(f"not a size: {text!r} (expected e.g. 5000000, 5MB or 5MiB)")
    return int(float(match.group(1)) * _UNITS[unit])


def _thresholds(options: argparse.Namespace) -> dict[str, float]:
    thresholds: dict[str, float] = {}
    if options.max_wasted_bytes is not None:
        thresholds["max_wasted_bytes"] = parse_size(options.max_wasted_bytes)
    if options.max_wasted_percent is not None:
        value = _number(options.max_wasted_percent, "--max-wasted-percent")
        if not 0 <= value <= 100:
            raise ValueError("--max-wasted-percent takes a percentage from 0 to 100")
        thresholds["max_wasted_percent"] = value
    if options.min_efficiency is not None:
        value = _number(options.min_efficiency, "--min-efficiency")
        if not 0 <= value <= 1:
            raise ValueError("--min-efficiency takes a ratio from 0 to 1 (e.g. 0.9)")
        thresholds["min_efficiency"] = value
    return thresholds


def _number(text: str, option: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{option} takes a number, not {text!r}") from None


def check_thresholds(analysis: ImageAnalysis, thresholds: dict[str, float]) -> list[str]:
    """A message for each threshold the image exceeds."""
    failures = []
    limit = thresholds.get("max_wasted_bytes")
    if limit is not None and analysis.wasted_bytes > limit:
        failures.append(
            f"wasted bytes {analysis.wasted_bytes:,} exceed --max-wasted-bytes {int(limit):,}"
        )
    limit = thresholds.get("max_wasted_percent")
    if limit is not None and analysis.wasted_percent > limit:
        failures.append(
            f"wasted bytes are {analysis.wasted_percent:.2f}% of the total, over "
            f"--max-wasted-percent {limit:g}"
        )
    limit = thresholds.get("min_efficiency")
    if limit is not None and analysis.efficiency < limit:
        failures.append(f"efficiency {analysis.efficiency:.4f} is below --min-efficiency {limit:g}")
    return failures


def _report(
    fmt: str,
    analysis: ImageAnalysis,
    findings: list[Finding],
    failures: list[str],
    out: TextIO,
    top: int,
) -> None:
    if fmt == "json":
        _write_json(analysis, findings, failures, out, top)
        return
    from lintlayers.reporters.base import ReportContext, get_reporter, use_color

    sources = {}
    if analysis.source is not None and analysis.dockerfile is not None:
        sources[analysis.dockerfile] = analysis.source
    rule_docs = {finding.code: _summary(finding.code) for finding in findings[:1]}
    if fmt == "text":
        from lintlayers.image.table import render

        color = use_color(out)
        render(analysis, out, color=color, top=top)
        if findings:
            out.write("\n")
            context = ReportContext(
                sources=sources, color=color, files_checked=1, rule_docs=rule_docs
            )
            get_reporter("text")(findings, out, context)
        return
    context = ReportContext(sources=sources, files_checked=1 if sources else 0, rule_docs=rule_docs)
    get_reporter(fmt)(findings, out, context)


def _write_json(
    analysis: ImageAnalysis, findings: list[Finding], failures: list[str], out: TextIO, top: int
) -> None:
    import json

    from lintlayers.reporters.json_report import finding_dict

    data = analysis.as_dict(top)
    data["findings"] = [finding_dict(finding) for finding in findings]
    data["threshold_failures"] = failures
    json.dump(data, out, indent=2)
    out.write("\n")


def _summary(code: str) -> str:
    from lintlayers.image.findings import RULE_ENTRY_POINT
    from lintlayers.registry import load_entry_point

    return str(getattr(load_entry_point(RULE_ENTRY_POINT), "summary", code))
