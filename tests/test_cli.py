"""End-to-end tests of the command line: the real CLI in a subprocess, real files in tmp_path."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import lintlayers
from lintlayers.rule import DOC_SECTIONS

SCHEMAS = Path(lintlayers.__file__).parent / "schemas"
DATA = Path(__file__).parent / "data"

BAD = "FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.com>\n"
BAD_FIXED = 'FROM alpine:3.20\nLABEL maintainer="Jane Doe <jane@example.com>"\n'
GOOD = 'FROM alpine:3.20\nCMD ["sh"]\n'
BROKEN = "FROM alpine:3.20\nMAINTAINER me\nFRM x\n"
"""An LL201 warning on line 2 and an LL001 error on line 3."""

ANSI = "\x1b["

PLUGIN_MODULE = "lintlayers_cli_test_rules"
PLUGIN_SOURCE = '''
"""Rules of a third-party plugin, for the CLI tests."""

from __future__ import annotations

from lintlayers.diagnostics import SAFE, UNSAFE, Edit, Fix, Violation
from lintlayers.rule import Rule


class UserRoot(Rule):
    """Reports ``USER root``; its fix (switch to ``nobody``) is unsafe."""

    code = "XU001"
    name = "user-root"
    category = "style"
    severity = "warning"
    summary = "The image runs as root"

    def check(self, context):
        for instruction in context.dockerfile.instructions:
            if instruction.keyword == "USER" and instruction.arguments.strip() == "root":
                fix = Fix(
                    "Run as nobody",
                    [Edit(instruction.keyword_end, instruction.end, " nobody")],
                    UNSAFE,
                )
                yield Violation(instruction.start, instruction.end, "the image runs as root", fix)


class BreaksFile(Rule):
    """Reports every ``FROM`` with a "safe" fix that misspells the keyword."""

    code = "XB001"
    name = "breaks-file"
    category = "style"
    severity = "warning"
    summary = "A rule whose fix breaks the Dockerfile"

    def check(self, context):
        for instruction in context.dockerfile.instructions:
            if instruction.keyword == "FROM":
                fix = Fix(
                    "Misspell FROM",
                    [Edit(instruction.start, instruction.keyword_end, "FRM")],
                    SAFE,
                )
                yield Violation(instruction.start, instruction.keyword_end, "a FROM", fix)
'''


# --- helpers -----------------------------------------------------------------------------------


def base_env(**extra: str) -> dict[str, str]:
    """The environment for the CLI: no colour forced either way unless asked."""
    env = {
        key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")
    }
    env.update(extra)
    return env


def lintlayers_cli(
    *args: str,
    cwd: Path,
    stdin: str | bytes | None = None,
    env: dict[str, str] | None = None,
    prefix: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m lintlayers ARGS`` in ``cwd``; stdout and stderr as text."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    completed = subprocess.run(
        [*prefix, sys.executable, "-m", "lintlayers", *args],
        cwd=cwd,
        input=data,
        capture_output=True,
        env=env if env is not None else base_env(),
        timeout=600,
        check=False,
    )
    return subprocess.CompletedProcess(
        completed.args,
        completed.returncode,
        completed.stdout.decode("utf-8"),
        completed.stderr.decode("utf-8"),
    )


def json_findings(*args: str, cwd: Path, env: dict[str, str] | None = None) -> list[dict]:
    result = lintlayers_cli("--format", "json", *args, cwd=cwd, env=env)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def codes(findings: list[dict]) -> set[str]:
    return {finding["code"] for finding in findings}


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def plugin_env(tmp_path: Path) -> dict[str, str]:
    """Install the test plugin into a ``sys.path`` folder, as ``pip install --target`` would.

    The folder holds the module and a ``.dist-info`` with ``entry_points.txt``;
    the environment returned puts the folder on ``PYTHONPATH``.
    """
    site = tmp_path / "plugin-site"
    write(site / f"{PLUGIN_MODULE}.py", PLUGIN_SOURCE)
    info = site / "lintlayers_cli_test_rules-0.1.0.dist-info"
    write(
        info / "METADATA",
        "Metadata-Version: 2.1\nName: lintlayers-cli-test-rules\nVersion: 0.1.0\n",
    )
    write(
        info / "entry_points.txt",
        "[lintlayers.rules]\n"
        f"XU001 = {PLUGIN_MODULE}:UserRoot\n"
        f"XB001 = {PLUGIN_MODULE}:BreaksFile\n",
    )
    existing = os.environ.get("PYTHONPATH")
    path = str(site) if not existing else os.pathsep.join((str(site), existing))
    return base_env(PYTHONPATH=path)


def run_on_tty(*args: str, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as stdout; the exit code and what it printed."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "lintlayers", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.DEVNULL,
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return process.wait(timeout=600), b"".join(chunks).decode("utf-8")


# --- exit codes --------------------------------------------------------------------------------


def test_clean_file_exits_0(tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", GOOD)
    result = lintlayers_cli("Dockerfile", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed!" in result.stdout
    assert result.stderr == ""


def test_finding_exits_1_and_is_reported_with_its_location(tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", BAD)
    result = lintlayers_cli("Dockerfile", cwd=tmp_path)
    assert result.returncode == 1
    assert "Dockerfile:2:1: LL201 [warning] maintainer-deprecated:" in result.stdout
    assert "fix (safe)" in result.stdout


def test_check_is_the_default_command_and_dot_the_default_path(tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", BAD)
    for args in ((), ("check",), ("check", "."), (".",)):
        result = lintlayers_cli(*args, cwd=tmp_path)
        assert result.returncode == 1, args
        assert "Dockerfile:2:1: LL201" in result.stdout, args


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--no-such-option", "Dockerfile"), "unrecognized arguments: --no-such-option"),
        (("--format", "xml", "Dockerfile"), "invalid choice: 'xml'"),
        (("--fail-level", "fatal", "Dockerfile"), "invalid choice: 'fatal'"),
        (("--builder", "podman", "Dockerfile"), "invalid choice: 'podman'"),
        (("rules", "--format", "sarif"), "invalid choice: 'sarif'"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    write(tmp_path / "Dockerfile", BAD)
    result = lintlayers_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: lintlayers" in result.stderr
    assert message in result.stderr
    assert result.stdout == ""


def test_stdin_cannot_be_combined_with_paths(tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", BAD)
    result = lintlayers_cli("-", "Dockerfile", cwd=tmp_path, stdin=BAD)
    assert result.returncode == 2
    assert "'-' (stdin) cannot be combined with other paths" in result.stderr


def test_unknown_key_in_config_file_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", BAD)
    write(tmp_path / ".lintlayers.toml", 'selekt = ["LL201"]\n')
    result = lintlayers_cli("Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert ".lintlayers.toml" in result.stderr
    assert "unknown key 'selekt'" in result.stderr
    assert "did you mean 'select'" in result.stderr
    assert "LL201" not in result.stdout  # nothing was linted with a broken configuration


def test_unknown_key_in_pyproject_table_exits_2(tmp_path: Path) -> None:
    write(tmp_path / "sub" / "Dockerfile", BAD)
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.lintlayers]\nfail_lvl = 1\n')
    result = lintlayers_cli("sub/Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert "pyproject.toml: [tool.lintlayers] unknown key 'fail_lvl'" in result.stderr


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('builder = "podman"\n', "builder: expected one of buildkit, classic, got 'podman'"),
        ('select = ["LL9999"]\n', "unknown rule code 'LL9999'"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_bad_config_values_exit_2(tmp_path: Path, config: str, message: str) -> None:
    write(tmp_path / "Dockerfile", BAD)
    write(tmp_path / ".lintlayers.toml", config)
    result = lintlayers_cli("Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert ".lintlayers.toml" in result.stderr
    assert message in result.stderr


def test_unknown_rule_on_the_command_line_exits_2(tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", BAD)
    result = lintlayers_cli("--select", "LL9999", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert "--select" in result.stderr
    assert "LL9999" in result.stderr


@pytest.mark.parametrize("missing", ["missing/Dockerfile", "Dockerfile.nope", "afile/Dockerfile"])
def test_missing_path_exits_2_and_other_files_are_still_reported(
    tmp_path: Path, missing: str
) -> None:
    write(tmp_path / "good" / "Dockerfile", BAD)
    write(tmp_path / "afile", "not a folder\n")  # a path *below* a file cannot exist either
    result = lintlayers_cli(missing, "good", cwd=tmp_path)
    assert result.returncode == 2
    assert f"lintlayers: {missing}: no such file or directory" in result.stderr
    assert "good/Dockerfile:2:1: LL201" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"FROM alpine\x00\nMAINTAINER me\n", "binary file (contains NUL bytes)"),
        (b"FROM alpine\nLABEL name=caf\xe9\n", "not valid UTF-8 (byte 26: b'\\xe9')"),
    ],
    ids=["binary", "latin-1"],
)
def test_unreadable_content_exits_2_and_other_files_are_still_reported(
    tmp_path: Path, content: bytes, message: str
) -> None:
    write(tmp_path / "Dockerfile", BAD)
    write(tmp_path / "sub" / "Dockerfile.prod", content)
    for args in (("sub/Dockerfile.prod", "Dockerfile"), (".",)):
        result = lintlayers_cli(*args, cwd=tmp_path)
        assert result.returncode == 2, args
        assert f"lintlayers: sub/Dockerfile.prod: {message}" in result.stderr
        assert "Dockerfile:2:1: LL201" in result.stdout
        assert "sub/Dockerfile.prod:" not in result.stdout
        assert "(2 files)" not in result.stdout


def test_error_exit_code_wins_over_exit_zero(tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", BAD)
    write(tmp_path / "Dockerfile.bin", b"\x00\x01")
    result = lintlayers_cli("--exit-zero", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "Dockerfile.bin: binary file" in result.stderr


def test_permission_denied_exits_2_and_other_files_are_still_reported(tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", BAD)
    locked = write(tmp_path / "Dockerfile.locked", BAD)
    locked.chmod(0)
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        # root reads any file through CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH: drop both
        # from the bounding set so the kernel applies the 000 mode to the CLI process.
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and util-linux setpriv is missing: root reads mode 000")
        prefix = (setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--")
    try:
        result = lintlayers_cli(".", cwd=tmp_path, prefix=prefix)
    finally:
        locked.chmod(0o644)
    assert result.returncode == 2
    assert "lintlayers: Dockerfile.locked: permission denied" in result.stderr
    assert "Dockerfile:2:1: LL201" in result.stdout
    assert "Dockerfile.locked:" not in result.stdout


def test_io_error_while_reading_exits_2_and_other_files_are_still_reported(tmp_path: Path) -> None:
    # Reading /proc/self/mem from offset 0 fails with EIO: a real read error, root or not.
    write(tmp_path / "Dockerfile", BAD)
    result = lintlayers_cli("/proc/self/mem", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert "lintlayers: /proc/self/mem: cannot read: Input/output error" in result.stderr
    assert "Dockerfile:2:1: LL201" in result.stdout


# --- exit-code options and rule selection ------------------------------------------------------


def test_exit_zero_reports_but_exits_0(tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", BROKEN)
    result = lintlayers_cli("--exit-zero", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 0
    assert "LL201" in result.stdout
    assert "LL001" in result.stdout


def test_fail_level(tmp_path: Path) -> None:
    write(tmp_path / "warning" / "Dockerfile", BAD)  # LL201 is a warning
    write(tmp_path / "error" / "Dockerfile", BROKEN)  # LL001 is an error
    assert lintlayers_cli("--fail-level", "error", "warning", cwd=tmp_path).returncode == 0
    assert lintlayers_cli("--fail-level", "warning", "warning", cwd=tmp_path).returncode == 1
    assert lintlayers_cli("--fail-level", "info", "warning", cwd=tmp_path).returncode == 1
    assert lintlayers_cli("--fail-level", "error", "error", cwd=tmp_path).returncode == 1
    # The warning is still reported when it does not fail the run.
    result = lintlayers_cli("--fail-level", "error", "warning", cwd=tmp_path)
    assert "LL201 [warning]" in result.stdout
    # The config file sets it too; the command line wins.
    write(tmp_path / ".lintlayers.toml", 'fail-level = "error"\n')
    assert lintlayers_cli("warning", cwd=tmp_path).returncode == 0
    assert lintlayers_cli("--fail-level", "warning", "warning", cwd=tmp_path).returncode == 1


@pytest.mark.parametrize(
    ("option", "selector", "present", "absent"),
    [
        ("--select", "LL201", {"LL201"}, {"LL001"}),
        ("--select", "LL2", {"LL201"}, {"LL001"}),
        ("--select", "metadata", {"LL201"}, {"LL001"}),
        ("--select", "LL001,LL201", {"LL001", "LL201"}, set()),
        ("--ignore", "LL201", {"LL001"}, {"LL201"}),
        ("--ignore", "LL2", {"LL001"}, {"LL201"}),
        ("--ignore", "metadata", {"LL001"}, {"LL201"}),
        ("--ignore", "correctness,LL201", set(), {"LL001", "LL201"}),
    ],
)
def test_select_and_ignore(
    tmp_path: Path, option: str, selector: str, present: set[str], absent: set[str]
) -> None:
    write(tmp_path / "Dockerfile", BROKEN)
    assert {"LL001", "LL201"} <= codes(json_findings("Dockerfile", cwd=tmp_path))
    found = json_findings(option, selector, "Dockerfile", cwd=tmp_path)
    assert present <= codes(found)
    assert not absent & codes(found)
    if option == "--select" and selector == "metadata":
        assert {finding["category"] for finding in found} == {"metadata"}
    if option == "--select" and selector in ("LL201", "LL2"):
        assert all(finding["code"].startswith(selector) for finding in found)


def test_select_in_config_file_and_ignore_on_command_line(tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", BROKEN)
    write(tmp_path / ".lintlayers.toml", 'select = ["LL001", "LL201"]\n')
    assert codes(json_findings("Dockerfile", cwd=tmp_path)) == {"LL001", "LL201"}
    assert codes(json_findings("--ignore", "LL001", "Dockerfile", cwd=tmp_path)) == {"LL201"}


def rules_json(cwd: Path, env: dict[str, str] | None = None) -> list[dict]:
    result = lintlayers_cli("rules", "--format", "json", cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_builder_classic_enables_classic_only_rules(tmp_path: Path) -> None:
    classic_only = {
        rule["code"] for rule in rules_json(tmp_path) if rule["builders"] == ["classic"]
    }
    assert "LL202" in classic_only  # metadata-before-layers: only the classic builder caches it
    # A label before a RUN: a cache miss for the classic builder only.
    write(
        tmp_path / "Dockerfile",
        'FROM debian:bookworm\nLABEL version="1.4.2"\nRUN echo build\nCOPY . /app\n',
    )
    default = codes(json_findings("Dockerfile", cwd=tmp_path))
    buildkit = codes(json_findings("--builder", "buildkit", "Dockerfile", cwd=tmp_path))
    classic = codes(json_findings("--builder", "classic", "Dockerfile", cwd=tmp_path))
    assert not classic_only & default
    assert not classic_only & buildkit
    assert "LL202" in classic
    write(tmp_path / ".lintlayers.toml", 'builder = "classic"\n')
    assert "LL202" in codes(json_findings("Dockerfile", cwd=tmp_path))
    assert "LL202" not in codes(json_findings("--builder", "buildkit", "Dockerfile", cwd=tmp_path))


# --- output formats ----------------------------------------------------------------------------


def test_json_output_validates_against_the_schema(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads((SCHEMAS / "findings.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    write(tmp_path / "Dockerfile", BROKEN)
    write(tmp_path / "clean" / "Dockerfile", GOOD)

    result = lintlayers_cli("--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    validator.validate(report)
    assert report["tool"] == {"name": "lintlayers", "version": lintlayers.__version__}
    assert report["summary"]["files"] == 2
    assert report["summary"]["findings"] == len(report["findings"])
    by_code = {finding["code"]: finding for finding in report["findings"]}
    maintainer = by_code["LL201"]
    assert maintainer["file"] == "Dockerfile"
    assert maintainer["location"] == {"line": 2, "column": 1}
    assert maintainer["fix"]["applicability"] == "safe"
    assert maintainer["fix"]["edits"][0]["content"] == 'LABEL maintainer="me"'
    assert by_code["LL001"]["severity"] == "error"
    assert report["summary"]["by_severity"]["error"] >= 1

    clean = lintlayers_cli("--format", "json", "clean", cwd=tmp_path)
    assert clean.returncode == 0
    report = json.loads(clean.stdout)
    validator.validate(report)
    assert report["findings"] == []
    assert report["summary"]["files"] == 1


GITHUB_LINE = re.compile(
    r"::(error|warning|notice) file=[^,]+,line=\d+(,col=\d+,endLine=\d+,endColumn=\d+|,endLine=\d+)"
    r",title=[A-Z]+\d+ [a-z0-9-]+::.*"
)


def test_github_format(tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", BROKEN)
    result = lintlayers_cli("--format", "github", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines
    for line in lines:
        assert GITHUB_LINE.fullmatch(line), line
    assert any(
        line.startswith(
            "::warning file=Dockerfile,line=2,col=1,endLine=2,endColumn=11,"
            "title=LL201 maintainer-deprecated::MAINTAINER is deprecated"
        )
        for line in lines
    )
    assert any(
        line.startswith("::error file=Dockerfile,line=3,col=1,")
        and "title=LL001 parse-error" in line
        for line in lines
    )


def test_sarif_format(tmp_path: Path) -> None:
    import jsonschema

    write(tmp_path / "Dockerfile", BROKEN)
    result = lintlayers_cli("--format", "sarif", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(log)  # see tests/data/README.md
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "lintlayers"
    rule_ids = {result["ruleId"] for result in run["results"]}
    assert {"LL001", "LL201"} <= rule_ids


# --- standard input ----------------------------------------------------------------------------


def test_stdin_with_stdin_filename(tmp_path: Path) -> None:
    result = lintlayers_cli("-", "--stdin-filename", "app/Dockerfile", cwd=tmp_path, stdin=BAD)
    assert result.returncode == 1
    assert "app/Dockerfile:2:1: LL201" in result.stdout
    unnamed = lintlayers_cli("-", cwd=tmp_path, stdin=BAD)
    assert unnamed.returncode == 1
    assert "<stdin>:2:1: LL201" in unnamed.stdout
    clean = lintlayers_cli("-", cwd=tmp_path, stdin=GOOD)
    assert clean.returncode == 0


def test_stdin_binary_exits_2(tmp_path: Path) -> None:
    result = lintlayers_cli("-", "--stdin-filename", "Dockerfile", cwd=tmp_path, stdin=b"\x00")
    assert result.returncode == 2
    assert "Dockerfile: binary file" in result.stderr


def test_fix_on_stdin_writes_the_fixed_text_to_stdout(tmp_path: Path) -> None:
    result = lintlayers_cli("--fix", "-", "--stdin-filename", "Dockerfile", cwd=tmp_path, stdin=BAD)
    assert result.stdout == BAD_FIXED
    assert result.returncode == 0
    assert "Fixed 1 finding." in result.stderr  # the report goes to stderr
    # Nothing to fix: the text comes back unchanged; remaining findings still fail.
    result = lintlayers_cli("--fix", "-", cwd=tmp_path, stdin=BROKEN.replace("MAINTAINER me\n", ""))
    assert result.stdout == "FROM alpine:3.20\nFRM x\n"
    assert result.returncode == 1
    assert "LL001" in result.stderr
    assert list(tmp_path.iterdir()) == []


# --- fixes -------------------------------------------------------------------------------------


def test_fix_rewrites_the_file_atomically_keeping_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    dockerfile = write(folder / "Dockerfile", BAD)
    dockerfile.chmod(0o640)
    inode = dockerfile.stat().st_ino

    result = lintlayers_cli("--fix", "Dockerfile", cwd=folder)
    assert result.returncode == 0, result.stdout
    assert "Fixed 1 finding." in result.stdout
    assert dockerfile.read_text(encoding="utf-8") == BAD_FIXED
    assert stat.S_IMODE(dockerfile.stat().st_mode) == 0o640
    assert dockerfile.stat().st_ino != inode  # replaced by a rename, not rewritten in place
    assert sorted(path.name for path in folder.iterdir()) == ["Dockerfile"]  # no temp file left

    again = lintlayers_cli("--fix", "Dockerfile", cwd=folder)
    assert again.returncode == 0
    assert "Fixed" not in again.stdout
    assert dockerfile.read_text(encoding="utf-8") == BAD_FIXED
    assert sorted(path.name for path in folder.iterdir()) == ["Dockerfile"]


def test_fix_keeps_crlf_and_reports_what_remains(tmp_path: Path) -> None:
    dockerfile = write(tmp_path / "Dockerfile", BROKEN.replace("\n", "\r\n").encode())
    result = lintlayers_cli("--fix", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 1  # the parse error cannot be fixed
    assert "LL001" in result.stdout
    assert "LL201" not in result.stdout
    assert dockerfile.read_bytes() == b'FROM alpine:3.20\r\nLABEL maintainer="me"\r\nFRM x\r\n'


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path) -> None:
    dockerfile = write(tmp_path / "Dockerfile", BAD)
    result = lintlayers_cli("--diff", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 1  # fixes are pending
    assert result.stdout.splitlines() == [
        "--- a/Dockerfile",
        "+++ b/Dockerfile",
        "@@ -1,2 +1,2 @@",
        " FROM alpine:3.20",
        "-MAINTAINER Jane Doe <jane@example.com>",
        '+LABEL maintainer="Jane Doe <jane@example.com>"',
    ]
    assert dockerfile.read_text(encoding="utf-8") == BAD
    assert sorted(path.name for path in tmp_path.iterdir()) == ["Dockerfile"]
    # --diff wins over --fix: still nothing written.
    both = lintlayers_cli("--diff", "--fix", "Dockerfile", cwd=tmp_path)
    assert both.stdout == result.stdout
    assert dockerfile.read_text(encoding="utf-8") == BAD
    # Nothing to fix: no diff and exit 0.
    write(tmp_path / "Dockerfile", GOOD)
    clean = lintlayers_cli("--diff", "Dockerfile", cwd=tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "")


def test_unsafe_fixes_apply_only_when_asked(tmp_path: Path) -> None:
    env = plugin_env(tmp_path)
    folder = tmp_path / "project"
    dockerfile = write(folder / "Dockerfile", "FROM alpine:3.20\nUSER root\n")
    select = ("--select", "XU001")

    shown = lintlayers_cli(*select, "Dockerfile", cwd=folder, env=env)
    assert shown.returncode == 1
    assert "XU001 [warning] user-root" in shown.stdout
    assert "1 fixable with --unsafe-fixes" in shown.stdout

    diff = lintlayers_cli(*select, "--diff", "Dockerfile", cwd=folder, env=env)
    assert diff.stdout == ""
    safe_only = lintlayers_cli(*select, "--fix", "Dockerfile", cwd=folder, env=env)
    assert safe_only.returncode == 1
    assert dockerfile.read_text(encoding="utf-8") == "FROM alpine:3.20\nUSER root\n"

    diff = lintlayers_cli(*select, "--diff", "--unsafe-fixes", "Dockerfile", cwd=folder, env=env)
    assert "+USER nobody" in diff.stdout.splitlines()
    assert dockerfile.read_text(encoding="utf-8") == "FROM alpine:3.20\nUSER root\n"
    fixed = lintlayers_cli(*select, "--fix", "--unsafe-fixes", "Dockerfile", cwd=folder, env=env)
    assert fixed.returncode == 0
    assert dockerfile.read_text(encoding="utf-8") == "FROM alpine:3.20\nUSER nobody\n"

    write(folder / "Dockerfile", "FROM alpine:3.20\nUSER root\n")
    write(folder / ".lintlayers.toml", "unsafe-fixes = true\n")
    fixed = lintlayers_cli(*select, "--fix", "Dockerfile", cwd=folder, env=env)
    assert fixed.returncode == 0
    assert dockerfile.read_text(encoding="utf-8") == "FROM alpine:3.20\nUSER nobody\n"


def test_a_fix_that_would_break_the_file_is_not_applied(tmp_path: Path) -> None:
    env = plugin_env(tmp_path)
    folder = tmp_path / "project"
    dockerfile = write(folder / "Dockerfile", BAD)
    select = ("--select", "LL001,LL201,XB001")

    result = lintlayers_cli(*select, "--fix", "Dockerfile", cwd=folder, env=env)
    assert result.returncode == 1
    assert "lintlayers: Dockerfile: a fix would have broken the file; it was not applied" in (
        result.stderr
    )
    assert dockerfile.read_text(encoding="utf-8") == BAD  # not even the good LL201 fix
    assert "LL001" not in result.stdout  # the report is of the file as it is
    assert {"LL201", "XB001"} <= set(re.findall(r"\b(LL\d+|XB\d+)\b", result.stdout))
    assert sorted(path.name for path in folder.iterdir()) == ["Dockerfile"]

    diff = lintlayers_cli(*select, "--diff", "Dockerfile", cwd=folder, env=env)
    assert diff.stdout == ""
    assert "a fix would have broken the file" in diff.stderr

    stdin = lintlayers_cli(*select, "--fix", "-", cwd=folder, env=env, stdin=BAD)
    assert stdin.stdout == BAD

    # Without the breaking rule the same file is fixed.
    fixed = lintlayers_cli("--fix", "Dockerfile", cwd=folder, env=env)
    assert "a fix would have broken the file" in fixed.stderr  # XB001 runs by default too
    fixed = lintlayers_cli("--fix", "--ignore", "XB001", "Dockerfile", cwd=folder, env=env)
    assert fixed.returncode == 0
    assert dockerfile.read_text(encoding="utf-8") == BAD_FIXED


# --- discovery, suppression, per-file configuration --------------------------------------------


def test_directories_are_searched_for_dockerfile_names(tmp_path: Path) -> None:
    linted = [
        "Dockerfile",
        "Containerfile",
        "Dockerfile.dev",
        "sub/app.Dockerfile",
        "sub/web.dockerfile",
        "sub/deeper/Dockerfile",
        "sub/deeper/Containerfile.ci",
    ]
    ignored = [
        "README.md",
        "notes.txt",
        ".dockerignore",
        "Dockerfile.dockerignore",
        "sub/Dockerfile-old",
        ".hidden/Dockerfile",
        "node_modules/pkg/Dockerfile",
        ".git/Dockerfile",
    ]
    for name in linted + ignored:
        write(tmp_path / name, BAD)
    for args in ((), (".",)):
        found = json_findings(*args, cwd=tmp_path)
        assert {finding["file"] for finding in found} == set(linted), args
    found = json_findings("sub", cwd=tmp_path)
    assert {finding["file"] for finding in found} == {
        name for name in linted if name.startswith("sub/")
    }
    # A file named on the command line is linted whatever its name.
    assert {finding["file"] for finding in json_findings("notes.txt", cwd=tmp_path)} == {
        "notes.txt"
    }


def test_suppression_comments(tmp_path: Path) -> None:
    write(
        tmp_path / "Dockerfile.ours",
        "FROM alpine:3.20\n# lintlayers: ignore=LL201 -- kept for an old tool\nMAINTAINER me\n",
    )
    write(
        tmp_path / "Dockerfile.hadolint",
        "FROM alpine:3.20\n# hadolint ignore=DL4000\nMAINTAINER me\n",
    )
    write(
        tmp_path / "Dockerfile.other",
        "FROM alpine:3.20\n# lintlayers: ignore=LL001\nMAINTAINER me\n",
    )
    result = lintlayers_cli("Dockerfile.ours", "Dockerfile.hadolint", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "LL201" not in result.stdout
    result = lintlayers_cli("Dockerfile.other", cwd=tmp_path)
    assert result.returncode == 1
    assert "Dockerfile.other:3:1: LL201" in result.stdout


def test_per_file_ignores_from_pyproject(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "app"\n\n[tool.lintlayers.per-file-ignores]\n"legacy/*" = ["LL201"]\n',
    )
    write(tmp_path / "legacy" / "Dockerfile", BAD)
    write(tmp_path / "new" / "Dockerfile", BAD)
    found = json_findings(".", cwd=tmp_path)
    assert {finding["file"] for finding in found if finding["code"] == "LL201"} == {
        "new/Dockerfile"
    }
    # The configuration is found from the file's folder, not the working directory.
    result = lintlayers_cli("Dockerfile", cwd=tmp_path / "legacy")
    assert result.returncode == 0, result.stdout


# --- rules, explain, version -------------------------------------------------------------------


def test_rules_text_and_json(tmp_path: Path) -> None:
    text = lintlayers_cli("rules", cwd=tmp_path)
    assert text.returncode == 0
    assert re.search(
        r"^LL201\s+maintainer-deprecated\s+metadata\s+warning\s+MAINTAINER", text.stdout, re.M
    )
    assert re.search(r"^LL202\s.*\[classic only\]$", text.stdout, re.M)
    records = rules_json(tmp_path)
    by_code = {record["code"]: record for record in records}
    assert [record["code"] for record in records] == sorted(by_code)
    assert {"LL001", "LL201"} <= set(by_code)
    assert len(text.stdout.splitlines()) == len(records)
    maintainer = by_code["LL201"]
    assert maintainer["name"] == "maintainer-deprecated"
    assert maintainer["category"] == "metadata"
    assert maintainer["severity"] == "warning"
    assert maintainer["hadolint"] == ["DL4000"]
    assert maintainer["builders"] == ["buildkit", "classic"]
    assert "#ll201" in maintainer["url"]
    for record in records:
        assert set(record) == {
            "code",
            "name",
            "category",
            "severity",
            "summary",
            "builders",
            "hadolint",
            "url",
        }


def test_rules_lists_plugins(tmp_path: Path) -> None:
    records = rules_json(tmp_path, env=plugin_env(tmp_path))
    assert {"XB001", "XU001", "LL201"} <= {record["code"] for record in records}


@pytest.mark.parametrize("code", ["LL201", "ll201", "maintainer-deprecated"])
def test_explain(tmp_path: Path, code: str) -> None:
    result = lintlayers_cli("explain", code, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("LL201 maintainer-deprecated (metadata, warning)\n\n")
    for section in DOC_SECTIONS:
        assert f"## {section}\n" in result.stdout
    assert "LABEL maintainer=" in result.stdout


def test_explain_unknown_code_exits_2(tmp_path: Path) -> None:
    result = lintlayers_cli("explain", "LL999", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown rule 'LL999'" in result.stderr
    assert result.stdout == ""


def test_version(tmp_path: Path) -> None:
    result = lintlayers_cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == f"lintlayers {lintlayers.__version__}\n"


def test_help_exits_0(tmp_path: Path) -> None:
    for args in (("--help",), ("check", "--help")):
        result = lintlayers_cli(*args, cwd=tmp_path)
        assert result.returncode == 0
        assert result.stdout.startswith("usage: lintlayers")


def test_top_level_help_lists_every_command_and_each_command_has_its_own(tmp_path: Path) -> None:
    commands = ("check", "rules", "explain", "cache", "image", "context", "server")
    top = lintlayers_cli("--help", cwd=tmp_path)
    listed = re.findall(r"^    (\w+) ", top.stdout, re.M)
    assert tuple(listed) == commands
    for command in commands:
        result = lintlayers_cli(command, "--help", cwd=tmp_path)
        assert result.returncode == 0, command
        assert result.stdout.startswith(f"usage: lintlayers {command}"), command


# --- report details ----------------------------------------------------------------------------


def test_statistics(tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", BROKEN + "MAINTAINER you\n")
    result = lintlayers_cli("--statistics", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 1
    assert re.search(r"^Code\s+Name\s+Count$", result.stdout, re.M)
    assert re.search(r"^LL201\s+maintainer-deprecated\s+2$", result.stdout, re.M)
    assert re.search(r"^LL001\s+parse-error\s+1$", result.stdout, re.M)
    plain = lintlayers_cli("Dockerfile", cwd=tmp_path)
    assert not re.search(r"^Code\s+Name\s+Count$", plain.stdout, re.M)


def test_no_colour_when_not_a_tty_or_no_color(tmp_path: Path) -> None:
    write(tmp_path / "Dockerfile", BROKEN)
    piped = lintlayers_cli("Dockerfile", cwd=tmp_path)
    assert piped.returncode == 1
    assert "LL201" in piped.stdout
    assert ANSI not in piped.stdout + piped.stderr

    code, shown = run_on_tty("Dockerfile", cwd=tmp_path, env=base_env())
    assert code == 1
    assert ANSI in shown  # a terminal gets colour...
    code, shown = run_on_tty("Dockerfile", cwd=tmp_path, env=base_env(NO_COLOR="1"))
    assert code == 1
    assert "LL201" in shown
    assert ANSI not in shown  # ...unless NO_COLOR is set

    forced = lintlayers_cli("Dockerfile", cwd=tmp_path, env=base_env(FORCE_COLOR="1"))
    assert ANSI in forced.stdout
    both = lintlayers_cli("Dockerfile", cwd=tmp_path, env=base_env(FORCE_COLOR="1", NO_COLOR="1"))
    assert ANSI not in both.stdout
    for fmt in ("json", "github", "sarif"):
        forced = lintlayers_cli(
            "--format", fmt, "Dockerfile", cwd=tmp_path, env=base_env(FORCE_COLOR="1")
        )
        assert ANSI not in forced.stdout, fmt


MEMORY_LIMIT = 4 * 1024**3
"""Address-space cap of the 10 MB run: a runaway fails the test instead of starving the machine."""


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def big_dockerfile(size: int) -> str:
    """A Dockerfile of at least ``size`` characters made of realistic, varied blocks.

    Each block has a long comment, a RUN installing 300 packages over continuation
    lines, a long LABEL, an ENV and a COPY (about 11 kB, so about 900 blocks).
    """
    packages = " \\\n        ".join(
        " ".join(f"lib-package-{index:04d}" for index in range(row, row + 4))
        for row in range(0, 300, 4)
    )
    block = (
        "".join(
            f"# block {{n}}, note {index}: why these packages are pinned and what comes next\n"
            for index in range(60)
        )
        + "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n        "
        + packages
        + " \\\n    && rm -rf /var/lib/apt/lists/*\n"
        + 'LABEL org.example.block{n}="'
        + "x" * 500
        + '"\n'
        + "ENV TOOL{n}_HOME=/opt/tool{n}\n"
        + "COPY config/{n}.conf /etc/app/{n}.conf\n"
    )
    parts = ["FROM debian:bookworm\nMAINTAINER me\n"]
    total = len(parts[0])
    number = 0
    while total < size:
        part = block.format(n=number)
        parts.append(part)
        total += len(part)
        number += 1
    return "".join(parts)


@pytest.mark.slow  # about 15 s (was 200 s): the size is the point (issue 11, linear cost)
def test_a_10_mb_dockerfile_is_linted(tmp_path: Path) -> None:
    dockerfile = write(tmp_path / "Dockerfile", big_dockerfile(10 * 1024 * 1024))
    assert dockerfile.stat().st_size >= 10 * 1024 * 1024
    completed = subprocess.run(
        [sys.executable, "-m", "lintlayers", "--format", "json", "Dockerfile"],
        cwd=tmp_path,
        env=base_env(),
        capture_output=True,
        timeout=1800,
        preexec_fn=_limit_memory,
        check=False,
    )
    stderr = completed.stderr.decode("utf-8", "replace")
    assert completed.returncode in (0, 1), stderr
    assert stderr == ""
    report = json.loads(completed.stdout)
    assert report["summary"]["files"] == 1
    assert any(
        finding["code"] == "LL201" and finding["location"]["line"] == 2
        for finding in report["findings"]
    )
    assert not [finding for finding in report["findings"] if finding["code"] == "LL000"]
