"""The step of the lintlayers GitHub Action (``action.yml``): lint, annotate, summarize.

Runs ``lintlayers check --format json`` once, with the Python running this script, then
from its findings:

- prints a workflow command per finding, which GitHub shows as annotations on the
  pull request's files (lintlayers' ``github`` format);
- writes a SARIF log to ``INPUT_SARIF_FILE`` when it is set, for
  ``github/codeql-action/upload-sarif`` (lintlayers' ``sarif`` format);
- appends a Markdown summary (findings per rule, then each finding) to the file
  ``GITHUB_STEP_SUMMARY`` names;
- writes the outputs ``findings``, ``exit-code`` and ``sarif-file`` to ``GITHUB_OUTPUT``;

and exits with lintlayers' exit code: 0 clean, 1 findings at or above the fail level,
2 errors.

The inputs arrive as environment variables, set by ``action.yml`` from the action's
inputs: ``INPUT_PATHS`` (files or folders separated by spaces or lines, shell quoting
allowed; default ``.``), ``INPUT_CONFIG``, ``INPUT_FAIL_LEVEL``, ``INPUT_BUILDER``,
``INPUT_SARIF_FILE`` and ``INPUT_ARGS`` (more arguments for ``check``). Empty means unset.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lintlayers.diagnostics import Finding

INPUTS = (
    "INPUT_PATHS",
    "INPUT_CONFIG",
    "INPUT_FAIL_LEVEL",
    "INPUT_BUILDER",
    "INPUT_SARIF_FILE",
    "INPUT_ARGS",
)
"""The environment variables this step reads (``action.yml`` sets each)."""
ANNOTATION_LIMIT = 10
"""GitHub shows at most this many annotations of each level per step."""
DETAIL_ROWS = 200
"""Findings listed one by one in the summary; the table by rule counts them all."""
SEVERITY_ORDER = ("error", "warning", "info")


def main(environ: Mapping[str, str] | None = None) -> int:
    """Run the step; return the exit code."""
    env = os.environ if environ is None else environ
    command = check_command(env)
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    code = completed.returncode
    report = parse_report(completed.stdout)
    items = report.get("findings")
    findings = [finding_from_json(item) for item in items] if isinstance(items, list) else []
    from lintlayers.reporters.base import ReportContext, get_reporter

    get_reporter("github")(findings, sys.stdout, ReportContext())
    sys.stdout.flush()
    sarif_file = value(env, "INPUT_SARIF_FILE")
    if sarif_file:
        write_sarif(findings, sarif_file)
    summary = summary_markdown(report, findings, code)
    append(env.get("GITHUB_STEP_SUMMARY"), summary)
    outputs = {"findings": str(len(findings)), "exit-code": str(code), "sarif-file": sarif_file}
    append(env.get("GITHUB_OUTPUT"), "".join(f"{key}={text}\n" for key, text in outputs.items()))
    return code


def value(env: Mapping[str, str], name: str) -> str:
    """An input, stripped; empty when unset."""
    return env.get(name, "").strip()


def check_command(env: Mapping[str, str]) -> list[str]:
    """The ``lintlayers check`` command line the inputs ask for."""
    command = [sys.executable, "-m", "lintlayers", "check", "--format", "json"]
    for option, name in (
        ("--config", "INPUT_CONFIG"),
        ("--fail-level", "INPUT_FAIL_LEVEL"),
        ("--builder", "INPUT_BUILDER"),
    ):
        given = value(env, name)
        if given:
            command += [option, given]
    command += shlex.split(value(env, "INPUT_ARGS"))
    paths = shlex.split(value(env, "INPUT_PATHS"))
    command += ["--", *(paths or ["."])]
    return command


def parse_report(stdout: str) -> dict[str, object]:
    """lintlayers' JSON report; empty when it printed none (a usage or config error)."""
    try:
        report = json.loads(stdout)
    except ValueError:
        return {}
    return report if isinstance(report, dict) else {}


def finding_from_json(item: Mapping[str, object]) -> Finding:
    """A finding of the JSON report (``lintlayers/schemas/findings.schema.json``)."""
    from lintlayers.diagnostics import Finding, FindingEdit, FindingFix
    from lintlayers.source import Location

    def location(data: object) -> Location:
        assert isinstance(data, dict)
        return Location(int(data["line"]), int(data["column"]))

    fix = None
    fix_data = item.get("fix")
    if isinstance(fix_data, dict):
        edits = [
            FindingEdit(
                location(edit["location"]),
                location(edit["end_location"]),
                str(edit["content"]),
                edit.get("path"),
            )
            for edit in fix_data["edits"]
        ]
        fix = FindingFix(str(fix_data["applicability"]), str(fix_data["message"]), edits)
    url = item.get("url")
    return Finding(
        code=str(item["code"]),
        name=str(item["name"]),
        category=str(item["category"]),
        severity=str(item["severity"]),
        message=str(item["message"]),
        file=str(item["file"]),
        location=location(item["location"]),
        end_location=location(item["end_location"]),
        fix=fix,
        url=str(url) if url else None,
    )


def write_sarif(findings: list[Finding], path: str) -> None:
    """The SARIF log of ``findings``, with each rule's summary, at ``path``."""
    from lintlayers.registry import load_rules
    from lintlayers.reporters.base import ReportContext, get_reporter

    rule_docs = {rule.code: rule.summary for rule in load_rules()}
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        get_reporter("sarif")(findings, handle, ReportContext(rule_docs=rule_docs))


def summary_markdown(report: Mapping[str, object], findings: list[Finding], code: int) -> str:
    """The job summary: a headline, findings per rule, then each finding."""
    summary = report.get("summary")
    files = summary.get("files", 0) if isinstance(summary, dict) else 0
    lines = ["## lintlayers", ""]
    if not report:
        lines.append(f"lintlayers failed (exit code {code}) before reporting; see the step's log.")
        return "\n".join(lines) + "\n\n"
    if not findings:
        lines.append(f"No findings in {count(files, 'file')} checked.")
        if code:
            lines += ["", f"lintlayers exited with {code}: see the step's log."]
        return "\n".join(lines) + "\n\n"
    by_severity: dict[str, int] = {}
    for finding in findings:
        by_severity[finding.severity] = by_severity.get(finding.severity, 0) + 1
    parts = ", ".join(
        count(by_severity[severity], severity)
        for severity in SEVERITY_ORDER
        if severity in by_severity
    )
    with_findings = len({finding.file for finding in findings})
    verdict = {0: "the step passes", 1: "the step fails"}.get(code, f"exit code {code}")
    lines.append(
        f"**{count(len(findings), 'finding')}** ({parts}) in {count(with_findings, 'file')} "
        f"of {count(files, 'file')} checked; {verdict}."
    )
    lines += ["", "| Rule | Name | Severity | Findings |", "|---|---|---|---:|"]
    for rule, found in rules_by_count(findings):
        first = found[0]
        shown = f"[{rule}]({first.url})" if first.url else rule
        severity = min((finding.severity for finding in found), key=SEVERITY_ORDER.index)
        lines.append(f"| {shown} | `{first.name}` | {severity} | {len(found)} |")
    levels = {finding.severity for finding in findings}
    if any(
        sum(1 for finding in findings if finding.severity == level) > ANNOTATION_LIMIT
        for level in levels
    ):
        lines += [
            "",
            f"GitHub annotates at most {ANNOTATION_LIMIT} findings of each severity per step: "
            "all of them are listed below (and in the SARIF file, when one is written).",
        ]
    lines += ["", "<details><summary>Each finding</summary>", ""]
    lines += ["| File | Line | Rule | Severity | Message |", "|---|---:|---|---|---|"]
    for finding in findings[:DETAIL_ROWS]:
        lines.append(
            f"| `{cell(finding.file)}` | {finding.location.line} | {finding.code} "
            f"| {finding.severity} | {cell(finding.message)} |"
        )
    if len(findings) > DETAIL_ROWS:
        lines.append(f"| … | | | | {len(findings) - DETAIL_ROWS} more |")
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n\n"


def rules_by_count(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings grouped by rule code, most frequent first, then by code."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.code, []).append(finding)
    return sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))


def cell(text: str) -> str:
    """``text`` for one Markdown table cell: on one line, its pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def count(number: int, noun: str) -> str:
    """``1 file``, ``2 files``; ``info`` has no plural."""
    plural = noun if number == 1 or noun == "info" else noun + "s"
    return f"{number} {plural}"


def append(path: str | None, text: str) -> None:
    """Append ``text`` to the file at ``path`` (nothing when not running on GitHub)."""
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    sys.exit(main())
