"""Tests for the text, JSON, SARIF and GitHub reporters."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from finding_support import make_finding
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for

import lintlayers
from lintlayers.diagnostics import (
    CATEGORIES,
    SEVERITIES,
    Edit,
    Finding,
    FindingEdit,
    FindingFix,
)
from lintlayers.reporters import github, sarif
from lintlayers.reporters.base import FORMATS, ReportContext, get_reporter
from lintlayers.source import Location, SourceText

DATA = Path(__file__).parent / "data"
FINDINGS_SCHEMA = Path(lintlayers.__file__).parent / "schemas" / "findings.schema.json"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

DOCKERFILE = (
    "FROM python:3.12\n"
    "WORKDIR /app\n"
    "COPY . .\n"
    "RUN pip install -r requirements.txt\n"
    'CMD ["python", "app.py"]\n'
)


def copy_fix(applicability: str = "unsafe") -> FindingFix:
    return FindingFix(
        applicability,
        "Copy requirements.txt first, install, then copy the rest",
        [FindingEdit(Location(3, 1), Location(3, 9), "COPY requirements.txt .")],
    )


def render(fmt: str, findings: list[Finding], context: ReportContext | None = None) -> str:
    out = io.StringIO()
    get_reporter(fmt)(findings, out, context or ReportContext())
    return out.getvalue()


def finding_from_edits(source: SourceText, edits: list[Edit], **kwargs: object) -> Finding:
    """A finding whose fix is ``edits`` turned into locations, as the engine does."""
    fix = FindingFix(
        "safe",
        "apply",
        [
            FindingEdit(source.location(edit.start), source.location(edit.end), edit.content)
            for edit in edits
        ],
    )
    return make_finding(
        file=source.path,
        start=(1, 1),
        end=(1, 2),
        fix=fix,
        **kwargs,  # type: ignore[arg-type]
    )


# --- the interface -----------------------------------------------------------


def test_get_reporter_returns_a_report_function_for_every_format() -> None:
    assert FORMATS[:4] == ("text", "json", "github", "sarif")
    assert set(FORMATS[4:]) == {"gitlab", "checkstyle", "junit", "rdjson"}
    for fmt in FORMATS:
        reporter = get_reporter(fmt)
        assert callable(reporter)
        assert reporter.__name__ == "report"


def test_get_reporter_rejects_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        get_reporter("xml")


def test_report_context_defaults() -> None:
    context = ReportContext()
    assert context.sources == {}
    assert context.rule_docs == {}
    assert context.statistics is False
    assert context.color is False
    assert (context.files_checked, context.fixed) == (0, 0)
    assert context.tool_version == lintlayers.__version__
    with pytest.raises(AttributeError):
        context.unknown = 1  # type: ignore[attr-defined]


# --- text ----------------------------------------------------------------------


def test_text_shows_the_line_the_marker_and_the_fix() -> None:
    source = SourceText(DOCKERFILE, "path/Dockerfile")
    context = ReportContext(sources={"path/Dockerfile": source}, files_checked=1)
    output = render("text", [make_finding(fix=copy_fix())], context)
    assert output == (
        "path/Dockerfile:3:1: LL101 [warning] broad-copy-before-install: "
        "COPY . brings in the whole context before `pip install`\n"
        "  |\n"
        "3 | COPY . .\n"
        "  | ^^^^^^^^\n"
        "  = fix (unsafe): Copy requirements.txt first, install, then copy the rest\n"
        "\n"
        "Found 1 finding (1 warning) in 1 file; 1 fixable with --unsafe-fixes\n"
    )


def test_text_marks_the_exact_column_range() -> None:
    source = SourceText(DOCKERFILE, "path/Dockerfile")
    finding = make_finding(start=(4, 5), end=(4, 16))  # "pip install"
    lines = render("text", [finding], ReportContext(sources={"path/Dockerfile": source}))
    shown, marker = lines.splitlines()[2:4]
    assert shown == "4 | RUN pip install -r requirements.txt"
    assert marker == "  |     ^^^^^^^^^^^"
    carets = [index for index, char in enumerate(marker) if char == "^"]
    assert "".join(shown[index] for index in carets) == "pip install"


def test_text_keeps_the_marker_aligned_after_tabs() -> None:
    text = 'FROM alpine\nRUN\techo\t"tab"\n'
    source = SourceText(text, "Dockerfile")
    # "tab" in quotes: columns 10..15 on line 2
    finding = make_finding(file="Dockerfile", start=(2, 10), end=(2, 15))
    output = render("text", [finding], ReportContext(sources={"Dockerfile": source}))
    shown, marker = output.splitlines()[2:4]
    assert "\t" not in shown
    assert "\t" not in marker
    carets = [index for index, char in enumerate(marker) if char == "^"]
    assert len(carets) == 5
    assert "".join(shown[index] for index in carets) == '"tab"'


def test_text_keeps_the_marker_aligned_after_wide_characters() -> None:
    source = SourceText('LABEL name="日本" x=1\n', "Dockerfile")
    finding = make_finding(file="Dockerfile", start=(1, 17), end=(1, 20))  # "x=1"
    output = render("text", [finding], ReportContext(sources={"Dockerfile": source}))
    marker = output.splitlines()[3]
    # the two wide characters take two columns each
    assert marker == "  | " + " " * 18 + "^^^"


def test_text_multi_line_range_marks_the_first_line_and_shows_three_more() -> None:
    text = "FROM alpine\nRUN apk add a \\\n    b \\\n    c \\\n    d \\\n    e\nUSER app\n"
    source = SourceText(text, "Dockerfile")
    finding = make_finding(file="Dockerfile", start=(2, 5), end=(6, 6))
    output = render("text", [finding], ReportContext(sources={"Dockerfile": source}))
    assert output.splitlines()[1:9] == [
        "  |",
        "2 | RUN apk add a \\",
        "  |     ^^^^^^^^^^^",  # "apk add a \\": 11 characters
        "3 |     b \\",
        "4 |     c \\",
        "5 |     d \\",
        "  | ...",
        "",
    ]


def test_text_multi_line_range_ending_at_a_line_start_shows_only_its_lines() -> None:
    text = "FROM alpine\nRUN a \\\n  b\nUSER app\n"
    source = SourceText(text, "Dockerfile")
    # from "RUN" to the start of line 4, i.e. the whole instruction with its newline
    finding = make_finding(file="Dockerfile", start=(2, 1), end=(4, 1))
    output = render("text", [finding], ReportContext(sources={"Dockerfile": source}))
    assert output.splitlines()[1:6] == [
        "  |",
        "2 | RUN a \\",
        "  | ^^^^^^^",
        "3 |   b",
        "",
    ]
    assert "USER" not in output


def test_text_cuts_a_long_line_around_the_marked_range() -> None:
    """A RUN of thousands of commands on one line is not printed whole under each of its
    findings: about 200 characters around the marked range, with ``...`` for the rest."""
    from lintlayers.reporters.text import MAX_SHOWN

    before = " && ".join(["echo aaaaaaaa"] * 40)
    after = " && ".join(["echo bbbbbbbb"] * 40)
    line = f"RUN {before} && pip install TARGET && {after}"
    source = SourceText(f"FROM alpine\n{line}\n", "Dockerfile")
    column = line.index("pip install TARGET") + 1
    finding = make_finding(file="Dockerfile", start=(2, column), end=(2, column + 18))
    output = render("text", [finding], ReportContext(sources={"Dockerfile": source}))
    shown, marker = output.splitlines()[2:4]
    assert shown.startswith("2 | ...") and shown.endswith("...")
    assert len(shown) <= len("2 | ") + MAX_SHOWN + 6
    carets = [index for index, char in enumerate(marker) if char == "^"]
    assert "".join(shown[index] for index in carets) == "pip install TARGET"
    # at the start of the line: no leading cut
    start = make_finding(file="Dockerfile", start=(2, 1), end=(2, 4))
    output = render("text", [start], ReportContext(sources={"Dockerfile": source}))
    shown, marker = output.splitlines()[2:4]
    assert shown.startswith("2 | RUN echo") and shown.endswith("...")
    assert marker == "  | ^^^"
    # a multi-line range whose later lines are long: cut too
    text = f"FROM alpine\nRUN true \\\n    {after}\n"
    finding = make_finding(file="Dockerfile", start=(2, 5), end=(3, 10))
    output = render("text", [finding], ReportContext(sources={"Dockerfile": SourceText(text, "D")}))
    third = output.splitlines()[4]
    assert third.startswith("3 |     echo bbbbbbbb") and third.endswith("...")
    assert len(third) <= len("3 | ") + MAX_SHOWN + 3


def test_text_gutter_widens_for_two_digit_line_numbers() -> None:
    text = "".join(f"RUN echo {number}\n" for number in range(1, 13))
    source = SourceText(text, "Dockerfile")
    finding = make_finding(file="Dockerfile", start=(9, 10), end=(11, 5))
    lines = render("text", [finding], ReportContext(sources={"Dockerfile": source}))
    assert lines.splitlines()[1:6] == [
        "   |",
        " 9 | RUN echo 9",
        "   |          ^",
        "10 | RUN echo 10",
        "11 | RUN echo 11",
    ]


def test_text_empty_range_gets_one_caret() -> None:
    source = SourceText(DOCKERFILE, "path/Dockerfile")
    finding = make_finding(start=(2, 13), end=(2, 13))  # just past "WORKDIR /app"
    output = render("text", [finding], ReportContext(sources={"path/Dockerfile": source}))
    assert output.splitlines()[3] == "  |             ^"


def test_text_without_source_prints_the_header_and_fix_only() -> None:
    output = render("text", [make_finding(fix=copy_fix("safe"))])
    assert output.splitlines() == [
        "path/Dockerfile:3:1: LL101 [warning] broad-copy-before-install: "
        "COPY . brings in the whole context before `pip install`",
        "  = fix (safe): Copy requirements.txt first, install, then copy the rest",
        "",
        "Found 1 finding (1 warning) in 1 file; 1 fixable with --fix",
    ]


def test_text_no_findings() -> None:
    assert render("text", [], ReportContext(files_checked=3)) == "All checks passed! (3 files)\n"
    assert render("text", [], ReportContext(files_checked=1)) == "All checks passed! (1 file)\n"


def test_text_reports_fixes_applied() -> None:
    output = render("text", [], ReportContext(files_checked=1, fixed=2))
    assert output == "Fixed 2 findings.\nAll checks passed! (1 file)\n"


def test_text_summary_counts_severities_files_and_fixes() -> None:
    findings = [
        make_finding(severity="error", fix=copy_fix("safe")),
        make_finding(file="b/Dockerfile", start=(1, 1), fix=copy_fix("unsafe")),
        make_finding(file="b/Dockerfile", start=(2, 1)),
        make_finding(file="b/Dockerfile", start=(4, 1), severity="info"),
    ]
    summary = render("text", findings).splitlines()[-1]
    assert summary == (
        "Found 4 findings (1 error, 2 warnings, 1 info) in 2 files; "
        "1 fixable with --fix, 1 more with --unsafe-fixes"
    )


def test_text_orders_findings_by_file_line_column_code() -> None:
    findings = [
        make_finding(file="b", start=(1, 1), code="LL102"),
        make_finding(file="a", start=(2, 1), code="LL101"),
        make_finding(file="b", start=(1, 1), code="LL101"),
        make_finding(file="a", start=(1, 5), code="LL103"),
    ]
    headers = [line for line in render("text", findings).splitlines() if ": LL" in line]
    assert [header.split(" [")[0] for header in headers] == [
        "a:1:5: LL103",
        "a:2:1: LL101",
        "b:1:1: LL101",
        "b:1:1: LL102",
    ]


def test_text_statistics_table_sorted_by_count() -> None:
    findings = [
        make_finding(code="LL201", name="apt-no-clean", start=(1, 1)),
        make_finding(code="LL101", start=(2, 1)),
        make_finding(code="LL201", name="apt-no-clean", start=(3, 1)),
        make_finding(code="LL201", name="apt-no-clean", start=(4, 1)),
        make_finding(code="LL301", name="missing-user", start=(5, 1)),
    ]
    output = render("text", findings, ReportContext(statistics=True))
    assert output.endswith(
        "\n"
        "Code   Name                       Count\n"
        "LL201  apt-no-clean                   3\n"
        "LL101  broad-copy-before-install      1\n"
        "LL301  missing-user                   1\n"
    )
    without = render("text", findings, ReportContext(statistics=False))
    assert "Count" not in without


def test_text_plain_mode_has_no_ansi_codes() -> None:
    source = SourceText(DOCKERFILE, "path/Dockerfile")
    context = ReportContext(sources={"path/Dockerfile": source}, statistics=True, color=False)
    output = render("text", [make_finding(fix=copy_fix(), severity="error")], context)
    assert "\x1b" not in output


def test_text_color_mode_has_ansi_codes_and_the_same_text() -> None:
    source = SourceText(DOCKERFILE, "path/Dockerfile")
    findings = [
        make_finding(fix=copy_fix(), severity="error"),
        make_finding(start=(4, 5), end=(4, 16), severity="info"),
    ]
    plain = render(
        "text", findings, ReportContext(sources={"path/Dockerfile": source}, statistics=True)
    )
    colored = render(
        "text",
        findings,
        ReportContext(sources={"path/Dockerfile": source}, statistics=True, color=True),
    )
    assert "\x1b[" in colored
    assert "\x1b[1;31m[error]\x1b[0m" in colored  # severity in bold red
    assert "\x1b[1mLL101\x1b[0m" in colored  # code in bold
    assert ANSI.sub("", colored) == plain


def test_text_plain_mode_does_not_import_rich(tmp_path: Path) -> None:
    script = tmp_path / "check.py"
    script.write_text(
        "import io, sys\n"
        "from lintlayers.diagnostics import Finding\n"
        "from lintlayers.reporters.base import ReportContext, get_reporter\n"
        "from lintlayers.source import Location, SourceText\n"
        "finding = Finding(code='LL101', name='n', category='cache', severity='warning',\n"
        "    message='m', file='Dockerfile', location=Location(1, 1),\n"
        "    end_location=Location(1, 5))\n"
        "context = ReportContext(sources={'Dockerfile': SourceText('FROM x\\n')})\n"
        "out = io.StringIO()\n"
        "get_reporter('text')([finding], out, context)\n"
        "assert 'Dockerfile:1:1: LL101' in out.getvalue(), out.getvalue()\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'rich'))\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- JSON ----------------------------------------------------------------------


def json_validator() -> Draft202012Validator:
    schema = json.loads(FINDINGS_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def apply_json_edits(text: str, edits: list[dict[str, object]]) -> str:
    """Apply edits given as 1-based line/column ranges, as an editor would."""
    line_starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            line_starts.append(index + 1)

    def offset(location: dict[str, int]) -> int:
        return line_starts[location["line"] - 1] + location["column"] - 1

    spans = sorted(
        (
            (offset(edit["location"]), offset(edit["end_location"]), edit["content"])
            for edit in edits
        ),
        reverse=True,
    )
    for start, end, content in spans:
        text = text[:start] + content + text[end:]
    return text


def test_json_report_structure() -> None:
    context = ReportContext(files_checked=4, fixed=1, tool_version="9.9.9")
    findings = [
        make_finding(fix=copy_fix(), url="https://example.com/rules#ll101", help="Copy it first"),
        make_finding(severity="error", start=(1, 1), end=(1, 5), code="LL001", name="parse"),
    ]
    report = json.loads(render("json", findings, context))
    assert report["schema_version"] == "1.2"
    assert report["skipped"] == []
    assert report["tool"] == {"name": "lintlayers", "version": "9.9.9"}
    assert report["summary"] == {
        "files": 4,
        "findings": 2,
        "by_severity": {"error": 1, "warning": 1, "info": 0},
        "fixed": 1,
    }
    first, second = report["findings"]
    assert first["code"] == "LL001"  # sorted by line
    assert first["fix"] is None
    assert first["url"] is None
    assert second == {
        "code": "LL101",
        "name": "broad-copy-before-install",
        "category": "cache",
        "severity": "warning",
        "message": "COPY . brings in the whole context before `pip install`",
        "help": "Copy it first",
        "file": "path/Dockerfile",
        "location": {"line": 3, "column": 1},
        "end_location": {"line": 3, "column": 9},
        "fix": {
            "applicability": "unsafe",
            "message": "Copy requirements.txt first, install, then copy the rest",
            "edits": [
                {
                    "location": {"line": 3, "column": 1},
                    "end_location": {"line": 3, "column": 9},
                    "content": "COPY requirements.txt .",
                }
            ],
        },
        "url": "https://example.com/rules#ll101",
    }


def test_json_output_validates_against_the_shipped_schema() -> None:
    validator = json_validator()
    findings = [
        make_finding(fix=copy_fix(), url="https://example.com/x"),
        make_finding(severity="info", category="size", start=(2, 1), end=(5, 3)),
        make_finding(severity="error", category="correctness", message='tab\t"quote"\n'),
    ]
    report = json.loads(render("json", findings, ReportContext(files_checked=1)))
    assert list(validator.iter_errors(report)) == []
    empty = json.loads(render("json", [], ReportContext(files_checked=0)))
    assert empty["findings"] == []
    assert list(validator.iter_errors(empty)) == []


def test_json_schema_is_strict() -> None:
    validator = json_validator()
    good = json.loads(render("json", [make_finding(fix=copy_fix())]))
    assert validator.is_valid(good)

    def broken(change: object) -> dict[str, object]:
        report = json.loads(json.dumps(good))
        change(report)  # type: ignore[operator]
        return report

    assert not validator.is_valid(broken(lambda r: r.update(extra=1)))
    assert not validator.is_valid(broken(lambda r: r["findings"][0].update(extra=1)))
    assert not validator.is_valid(broken(lambda r: r["findings"][0].pop("url")))
    assert not validator.is_valid(broken(lambda r: r["findings"][0].update(severity="fatal")))
    assert not validator.is_valid(broken(lambda r: r["findings"][0].update(category="misc")))
    assert not validator.is_valid(
        broken(lambda r: r["findings"][0]["fix"].update(applicability="maybe"))
    )
    assert not validator.is_valid(broken(lambda r: r["findings"][0]["location"].update(column=0)))
    assert not validator.is_valid(broken(lambda r: r["summary"]["by_severity"].pop("info")))


def test_json_schema_enums_match_the_code() -> None:
    schema = json.loads(FINDINGS_SCHEMA.read_text(encoding="utf-8"))
    finding = schema["$defs"]["finding"]["properties"]
    assert set(finding["severity"]["enum"]) == set(SEVERITIES)
    assert set(finding["category"]["enum"]) == set(CATEGORIES)
    assert set(schema["$defs"]["fix"]["properties"]["applicability"]["enum"]) == {
        "safe",
        "unsafe",
    }
    assert set(schema["properties"]["summary"]["properties"]["by_severity"]["required"]) == set(
        SEVERITIES
    )


def test_json_edits_reproduce_the_fixed_text() -> None:
    text = (
        "FROM python:3.12\n"
        "COPY . .\n"
        "RUN pip install -r requirements.txt \\\n"
        "    && rm -rf /root/.cache\n"
        'CMD ["python", "é.py"]\n'
    )
    source = SourceText(text, "Dockerfile")
    expected = (
        "FROM python:3.12\n"
        "COPY requirements.txt .\n"
        "RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt\n"
        "COPY . .\n"
        'CMD ["python", "app.py"]\n'
    )
    copy_start = text.index("COPY")
    run_start = text.index("RUN")
    pip = text.index("pip install")
    tail = text.index(" \\\n    && rm")
    cmd_name = text.index("é.py")
    edits = [
        Edit(copy_start, copy_start + len("COPY . ."), "COPY requirements.txt ."),
        Edit.insert(run_start + len("RUN "), "--mount=type=cache,target=/root/.cache "),
        Edit(tail, text.index("CMD") - 1, "\nCOPY . ."),  # spans two lines
        Edit(cmd_name, cmd_name + len("é"), "app"),
    ]
    assert pip > run_start
    finding = finding_from_edits(source, edits)
    report = json.loads(render("json", [finding], ReportContext(sources={"Dockerfile": source})))
    edits_json = report["findings"][0]["fix"]["edits"]
    assert edits_json[2]["location"]["line"] == 3
    assert edits_json[2]["end_location"]["line"] == 4
    assert apply_json_edits(text, edits_json) == expected


# --- SARIF ---------------------------------------------------------------------


def sarif_validator() -> Draft202012Validator:
    """A validator for the official SARIF 2.1.0 schema.

    The schema's own ``$schema`` picks the draft (2020-12 in the current OASIS
    copy). ``check_schema`` is not run: the published file nests a ``region``
    ``anyOf`` under ``properties`` (oasis-tcs/sarif-spec#578), which the
    meta-schema rejects; instances still validate against everything else.
    """
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator_class = validator_for(schema)
    assert validator_class is Draft202012Validator
    return validator_class(schema)


def assert_regions_have_start_lines(log: dict[str, object]) -> None:
    """The region constraint the official schema fails to enforce."""
    for result in log["runs"][0]["results"]:  # type: ignore[index]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1
        for fix in result.get("fixes", []):
            for change in fix["artifactChanges"]:
                for replacement in change["replacements"]:
                    assert replacement["deletedRegion"]["startLine"] >= 1


def test_sarif_validates_against_the_official_schema() -> None:
    validator = sarif_validator()
    findings = [
        make_finding(fix=copy_fix(), url="https://example.com/rules#ll101"),
        make_finding(code="LL201", name="apt-no-clean", category="size", severity="info"),
        make_finding(code="LL001", name="parse-error", severity="error", start=(1, 1), end=(2, 4)),
        make_finding(file="sub dir\\Dockerfile.dev", code="LL201", name="apt-no-clean"),
    ]
    log = json.loads(render("sarif", findings, ReportContext(tool_version="1.2.3")))
    assert list(validator.iter_errors(log)) == []
    assert_regions_have_start_lines(log)
    empty = json.loads(render("sarif", []))
    assert list(validator.iter_errors(empty)) == []
    assert empty["runs"][0]["results"] == []
    assert empty["runs"][0]["tool"]["driver"]["rules"] == []


def test_sarif_schema_rejects_a_broken_log() -> None:
    """The saved schema really constrains logs (guards against a bad copy)."""
    validator = sarif_validator()
    log = json.loads(render("sarif", [make_finding()]))
    assert validator.is_valid(log)
    log["runs"][0]["results"][0]["level"] = "info"
    assert not validator.is_valid(log)
    log = json.loads(render("sarif", [make_finding()]))
    del log["runs"][0]["tool"]["driver"]["name"]
    assert not validator.is_valid(log)


def test_sarif_rules_and_results() -> None:
    findings = [
        make_finding(fix=copy_fix(), url="https://example.com/rules#ll101"),
        make_finding(
            code="LL201",
            name="apt-no-clean",
            category="size",
            severity="info",
            start=(4, 1),
            end=(4, 36),
        ),
        make_finding(code="LL101", start=(9, 1), end=(9, 9)),
    ]
    context = ReportContext(tool_version="1.2.3", rule_docs={"LL101": "Broad COPY before install"})
    log = json.loads(render("sarif", findings, context))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "lintlayers"
    assert driver["version"] == "1.2.3"
    assert driver["informationUri"] == "https://github.com/lintlayers/lintlayers"
    assert driver["rules"] == [
        {
            "id": "LL101",
            "name": "broad-copy-before-install",
            "shortDescription": {"text": "Broad COPY before install"},
            "helpUri": "https://example.com/rules#ll101",
            "defaultConfiguration": {"level": "warning"},
            "properties": {"category": "cache", "tags": ["cache"]},
        },
        {
            "id": "LL201",
            "name": "apt-no-clean",
            "shortDescription": {"text": "apt-no-clean"},  # no rule_docs entry: the name
            "defaultConfiguration": {"level": "note"},
            "properties": {"category": "size", "tags": ["size"]},
        },
    ]
    results = run["results"]
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in results] == [
        ("LL101", 0, "warning"),
        ("LL201", 1, "note"),
        ("LL101", 0, "warning"),
    ]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    first = results[0]
    assert first["message"] == {"text": "COPY . brings in the whole context before `pip install`"}
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "path/Dockerfile"},
        "region": {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 9},
    }
    assert first["fixes"] == [
        {
            "description": {"text": "Copy requirements.txt first, install, then copy the rest"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "path/Dockerfile"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 3,
                                "startColumn": 1,
                                "endLine": 3,
                                "endColumn": 9,
                            },
                            "insertedContent": {"text": "COPY requirements.txt ."},
                        }
                    ],
                }
            ],
            "properties": {"applicability": "unsafe"},
        }
    ]
    assert "fixes" not in results[1]


def test_sarif_uris_are_relative_with_forward_slashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = str(tmp_path / "docker" / "Dockerfile")
    assert sarif.artifact_uri(absolute) == "docker/Dockerfile"
    assert sarif.artifact_uri("docker/my file.Dockerfile") == "docker/my%20file.Dockerfile"
    assert sarif.artifact_uri("a:b/Dockerfile") == "a%3Ab/Dockerfile"
    log = json.loads(render("sarif", [make_finding(file=absolute)]))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "docker/Dockerfile"


# --- GitHub --------------------------------------------------------------------


def test_github_annotation() -> None:
    output = render("github", [make_finding()])
    assert output == (
        "::warning file=path/Dockerfile,line=3,col=1,endLine=3,endColumn=9,"
        "title=LL101 broad-copy-before-install::"
        "COPY . brings in the whole context before `pip install`\n"
    )


def test_github_levels() -> None:
    findings = [
        make_finding(severity="error", start=(1, 1)),
        make_finding(severity="warning", start=(2, 1)),
        make_finding(severity="info", start=(3, 1)),
    ]
    lines = render("github", findings).splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::warning", "::notice"]


def test_github_escapes_data_and_properties() -> None:
    finding = make_finding(
        file="dir,with:odd%chars/Dockerfile",
        name="odd:name,here",
        message="100% of\r\nthe context: copied, twice",
    )
    line = github.command(finding)
    assert "\n" not in line
    assert "\r" not in line
    assert line == (
        "::warning file=dir%2Cwith%3Aodd%25chars/Dockerfile,line=3,col=1,endLine=3,endColumn=9,"
        "title=LL101 odd%3Aname%2Chere::100%25 of%0D%0Athe context: copied, twice"
    )
    assert github.escape_data("a%b:c,d\ne") == "a%25b:c,d%0Ae"
    assert github.escape_property("a%b:c,d\ne") == "a%25b%3Ac%2Cd%0Ae"


def test_github_multi_line_range_gives_lines_only() -> None:
    line = github.command(make_finding(start=(2, 5), end=(6, 3)))
    assert line.startswith("::warning file=path/Dockerfile,line=2,endLine=6,title=")
    assert "col=" not in line
    assert "endColumn=" not in line


def test_github_no_findings_prints_nothing() -> None:
    assert render("github", []) == ""


def test_help_has_its_own_line_and_field_in_every_format() -> None:
    finding = make_finding(help="copy requirements.txt first (~40 MB re-downloaded per edit)")
    plain = make_finding()
    context = ReportContext(files_checked=1)
    text = render("text", [finding], context)
    assert "\n  = help: copy requirements.txt first (~40 MB re-downloaded per edit)\n" in text
    assert "help:" not in render("text", [plain], context)
    report = json.loads(render("json", [finding, plain], context))
    assert [f["help"] for f in report["findings"]] == [finding.help, None]
    github = render("github", [finding], context)
    assert "%0Acopy requirements.txt first" in github
    sarif = json.loads(render("sarif", [finding], context))
    message = sarif["runs"][0]["results"][0]["message"]["text"]
    assert message.endswith("\n\ncopy requirements.txt first (~40 MB re-downloaded per edit)")
