"""The parser and the whole linter on the real-world corpus (``LINTLAYERS_CORPUS``).

Every corpus file must parse without raising and unparse to its exact bytes, and one
``lintlayers check --format json`` run over all of them must finish with exit code 0
or 1, valid JSON and no internal rule failure (``LL000``).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from corpus_support import REPO_ROOT, corpus_files, decode

from lintlayers.syntax import parse

INTERNAL_ERROR_CODE = "LL000"


def test_parser_round_trips_every_corpus_file_byte_for_byte():
    files = corpus_files()
    crashes: list[str] = []
    mismatches: list[str] = []
    not_utf8 = 0
    for path in files:
        data = path.read_bytes()
        text, valid = decode(data)
        not_utf8 += not valid
        try:
            dockerfile = parse(text, str(path))
        except Exception as error:  # the parser must never raise, whatever the text
            crashes.append(f"{path}: {type(error).__name__}: {error}")
            continue
        if dockerfile.unparse().encode("utf-8", "surrogateescape") != data:
            mismatches.append(str(path))
    print(f"{len(files)} corpus files parsed, {not_utf8} not valid UTF-8")
    assert not crashes, f"parse raised on {len(crashes)} files:\n" + "\n".join(crashes[:20])
    assert not mismatches, f"{len(mismatches)} files do not round-trip:\n" + "\n".join(
        mismatches[:20]
    )


def test_corpus_instructions_have_sane_line_ranges():
    """Instructions come in file order, never overlap and stay inside the file."""
    problems: list[str] = []
    for path in corpus_files():
        text, _ = decode(path.read_bytes())
        dockerfile = parse(text, str(path))
        line_count = text.count("\n") + (not text.endswith("\n"))
        previous_end = 0
        for instruction in dockerfile.instructions:
            start, end = instruction.start_line, instruction.end_line
            if not previous_end < start <= end <= line_count:
                problems.append(f"{path}: {instruction!r} lines {start}-{end}")
                break
            previous_end = end
    assert not problems, "\n".join(problems[:20])


@pytest.fixture(scope="module")
def corpus_check_run() -> tuple[int, str, str, int]:
    """One ``lintlayers check --format json`` over every corpus file: (code, out, err, n)."""
    files = [str(path) for path in corpus_files()]
    if not (REPO_ROOT / "lintlayers" / "cli.py").is_file():
        pytest.fail("lintlayers/cli.py does not exist: the check command cannot run")
    completed = subprocess.run(
        [sys.executable, "-m", "lintlayers", "check", "--format", "json", *files],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=900,
    )
    return completed.returncode, completed.stdout, completed.stderr, len(files)


def _report(run: tuple[int, str, str, int]) -> dict[str, object]:
    code, out, err, _ = run
    assert code in (0, 1), f"check exited {code} on the corpus; stderr:\n{err[-3000:]}"
    try:
        report = json.loads(out)
    except json.JSONDecodeError as error:
        pytest.fail(f"check --format json printed invalid JSON ({error}): {out[:500]!r}")
    assert isinstance(report, dict), f"JSON report is not an object: {type(report).__name__}"
    return report


@pytest.mark.slow  # one CLI run over the whole corpus, shared with the next test
def test_check_over_whole_corpus_never_crashes(corpus_check_run):
    report = _report(corpus_check_run)
    findings = report.get("findings")
    assert isinstance(findings, list), "JSON report has no findings list"
    assert all(isinstance(finding, dict) and "code" in finding for finding in findings)
    summary = report.get("summary")
    if isinstance(summary, dict) and "files" in summary:
        assert summary["files"] == corpus_check_run[3], "not every corpus file was checked"


@pytest.mark.slow
def test_no_rule_fails_internally_on_the_corpus(corpus_check_run):
    findings = _report(corpus_check_run)["findings"]
    internal = [f for f in findings if f.get("code") == INTERNAL_ERROR_CODE]
    shown = "\n".join(f"{f.get('file')}: {f.get('message')}" for f in internal[:20])
    assert not internal, f"{len(internal)} internal rule failures ({INTERNAL_ERROR_CODE}):\n{shown}"
