"""Property-based tests: no input crashes a lint, and what a lint says is sound.

Dockerfiles come from a grammar (parser directives, escapes, instructions with their
flags, heredocs, continuations with comments and blank lines inside, JSON and shell
forms, broken JSON, ONBUILD, shell bodies) and from mutations of real files (the corpus,
see ``corpus_support``). For each one, in-process (the engine, ``fix_to_fixed_point``
and the JSON reporter, as ``lintlayers check`` uses them):

- linting raises nothing and reports no internal error (LL000);
- the parse gives the file back byte for byte;
- every finding's range, and every fix edit's, lies inside the file;
- the JSON report is valid against ``lintlayers/schemas/findings.schema.json``;
- every fix, applied alone, leaves no more parse errors than the file had;
- ``--fix --unsafe-fixes`` is never rolled back, and a second run changes nothing.

The default profile runs a modest number of examples; ``HYPOTHESIS_PROFILE=long`` (or
``--hypothesis-profile=long``) runs many more, as does the ``slow`` variant at the end.
``scripts/fuzz.py`` runs a long campaign through the command line.
"""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lintlayers.engine import INTERNAL_ERROR_CODE, default_linter
from lintlayers.fixes import apply_fixes, fix_to_fixed_point
from lintlayers.reporters.base import ReportContext
from lintlayers.reporters.json_report import report
from lintlayers.syntax.parser import INSTRUCTIONS, parse

if TYPE_CHECKING:
    import jsonschema

    from lintlayers.engine import Linter, LintResult

SCHEMA = Path(__file__).resolve().parent.parent / "lintlayers" / "schemas" / "findings.schema.json"
EXAMPLES = settings.default.max_examples
"""Examples per test under the loaded profile (see ``conftest.py``)."""

# --------------------------------------------------------------------------------- grammar

KEYWORDS = tuple(sorted(INSTRUCTIONS))
"""Every instruction BuildKit knows (the parser's own list)."""
IMAGES = ("alpine:3.20", "python:3.12-slim", "scratch", "$BASE", "${BASE:-debian}", "build")
NAMES = ("BASE", "GIT_SHA", "VERSION", "API_TOKEN", "DB_PASSWORD", "PATH", "X", "a_b")
PATHS = (
    ".",
    "./",
    "/app/",
    "src",
    "package*.json",
    "requirements.txt",
    "go.mod",
    ".env",
    "id_rsa",
    "node_modules",
    ".git",
    "[ab]*",
    "$HOME/x",
    "${APP:-/srv}",
    "https://example.com/a.tar.gz",
    "https://github.com/a/b.git#v1",
)
ARGUMENTS = (
    "a",
    "-y",
    "--no-install-recommends",
    "--no-cache",
    "--no-cache-dir",
    "-rf",
    "curl",
    "gcc",
    "build-essential",
    "/var/lib/apt/lists/*",
    "-r requirements.txt",
    "'single quoted'",
    '"double $X"',
    '"unterminated',
    "'unterminated",
    "$X",
    "${X:-d}",
    "${X:+y}",
    "$(date)",
    "`id`",
    "\\$",
    "*",
    "a=b",
    "é",
)
COMMANDS = (
    "apt-get update",
    "apt-get install -y",
    "apt-get install -y --no-install-recommends",
    "rm -rf /var/lib/apt/lists/*",
    "apk add",
    "apk add --no-cache",
    "pip install",
    "pip install --no-cache-dir",
    "npm ci",
    "npm install",
    "yarn install",
    "go build -o /out ./...",
    "curl -fsSL https://example.com/x.tar.gz | tar -xz -C /opt",
    "wget -q https://example.com/app.tar.gz",
    "tar -xzf app.tar.gz",
    "rm -f app.tar.gz",
    "chown -R app:app /app",
    "chmod -R 755 /app",
    "cd /app",
    "echo",
    "export X=1",
    "X=1 env",
    "true",
    "sh -c",
    "make",
    "dnf install -y",
    "exit 1",
)
GLUE = (" && ", " || ", "; ", " | ", " & ", "\n")
FLAG_VALUES = {
    "platform": ("linux/amd64", "$BUILDPLATFORM", ""),
    "from": ("build", "0", "alpine:3.20", "", "$X"),
    "chown": ("app:app", "1000", "$UID", ""),
    "chmod": ("755", "u+x", ""),
    "link": (None, "true", "false", ""),
    "parents": (None, "true"),
    "exclude": ("*.md", ""),
    "checksum": ("sha256:" + "0" * 64, "md5:x"),
    "network": ("none", "host", ""),
    "security": ("insecure",),
    "interval": ("30s", "x"),
    "retries": ("3", "-1"),
}
MOUNT_FIELDS = (
    "type=cache",
    "type=bind",
    "type=secret",
    "type=ssh",
    "type=tmpfs",
    "target=/root/.cache",
    "target=/var/cache/apt",
    "dst=/x",
    "id=pip",
    "sharing=locked",
    "from=build",
    "source=.",
    "ro",
    "readonly=true",
    "required",
    "mode=0600",
    "uid=1000",
    '"target=/a,b"',
    "target=",
    "=",
    "",
)
JSON_ITEMS = ('"sh"', '"-c"', '"echo hi"', '"a b"', '"\\\\"', '"\\""', '"\\u00e9"', '""', "1")
DIRECTIVES = (
    "# syntax=docker/dockerfile:1",
    "# syntax=docker/dockerfile:1.7-labs",
    "# check=skip=all",
    "# directive=unknown",
    "#syntax = x",
)


def one(items: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(items)


@st.composite
def shell_bodies(draw: st.DrawFn, escape: str, depth: int = 0) -> str:
    """A shell command line: simple commands joined by operators, subshells, groups,
    quotes and variables, maybe split over continuation lines."""
    parts: list[str] = []
    for index in range(draw(st.integers(1, 4))):
        if index:
            glue = draw(one(GLUE))
            parts.append(f" {escape}\n" if glue == "\n" else glue)
        kind = draw(st.integers(0, 9)) if depth < 2 else 0
        if kind == 1:
            parts.append(f"({draw(shell_bodies(escape, depth + 1))})")
        elif kind == 2:
            parts.append("{ " + draw(shell_bodies(escape, depth + 1)) + "; }")
        elif kind == 3:
            parts.append(f"if true; then {draw(shell_bodies(escape, depth + 1))}; fi")
        else:
            words = draw(st.lists(one(ARGUMENTS), max_size=3))
            parts.append(" ".join([draw(one(COMMANDS)), *words]))
    body = "".join(parts)
    if draw(st.booleans()) and " && " in body:  # comments and blank lines inside
        inside = draw(one(("# comment\n", "\n", "   \n", "#\n")))
        body = body.replace(" && ", f" && {escape}\n{inside}  ", 1)
    return body


@st.composite
def json_forms(draw: st.DrawFn) -> str:
    """An exec form: valid JSON, or broken (``["a]``, no bracket, single quotes)."""
    text = "[" + ", ".join(draw(st.lists(one(JSON_ITEMS), max_size=4))) + "]"
    breakage = draw(st.integers(0, 5))
    if breakage == 1:
        text = text[:-1]
    elif breakage == 2:
        text = '["a]' if text == "[]" else text.replace('"', "", 1)
    elif breakage == 3:
        text = text.replace('"', "'")
    return text


@st.composite
def flags(draw: st.DrawFn, names: tuple[str, ...]) -> str:
    out = []
    for name in draw(st.lists(st.sampled_from(names), max_size=3)):
        if name == "mount":
            fields = draw(st.lists(one(MOUNT_FIELDS), min_size=1, max_size=4))
            out.append("--mount=" + ",".join(fields))
        else:
            value = draw(st.sampled_from(FLAG_VALUES[name]))
            out.append(f"--{name}" if value is None else f"--{name}={value}")
    return "".join(flag + " " for flag in out)


@st.composite
def heredocs(draw: st.DrawFn, escape: str) -> tuple[str, str]:
    """Heredoc markers for one line (one or several, ``<<EOF``, ``<<-EOF``, quoted
    delimiters) and the bodies that follow that line."""
    heads, bodies = [], []
    for index in range(draw(st.integers(1, 3))):
        delimiter = draw(one(("EOF", "END", f"E{index}")))
        quote = draw(one(("", "'", '"')))
        dash = draw(one(("", "-")))
        heads.append(f"<<{dash}{quote}{delimiter}{quote}")
        lines = draw(st.lists(shell_bodies(escape, 2), max_size=3))
        if dash:
            lines = ["\t" + line for line in lines]
        end = draw(one(("", "\t"))) + delimiter if dash else delimiter
        if draw(st.integers(0, 19)) == 0:
            end = "not the delimiter"
        bodies.append("".join(line + "\n" for line in lines) + end)
    return " ".join(heads), "\n".join(bodies)


@st.composite
def instructions(draw: st.DrawFn, escape: str, depth: int = 0) -> str:
    keyword = draw(one(KEYWORDS))
    if depth >= 1 and keyword == "ONBUILD":
        keyword = "RUN"
    if draw(st.integers(0, 9)) == 0:
        keyword = keyword.lower()
    upper = keyword.upper()
    if upper == "FROM":
        body = draw(flags(("platform",))) + draw(one(IMAGES))
        body += draw(one(("", " AS build", " as base", " AS")))
    elif upper == "RUN":
        prefix = draw(flags(("mount", "mount", "network", "security")))
        form = draw(st.integers(0, 4))
        if form == 0:
            head, bodies = draw(heredocs(escape))
            command = draw(one(("", "cat ", "bash ", "python3 ")))
            tail = draw(one(("", " && echo done", " > /x")))
            body = f"{prefix}{command}{head}{tail}\n{bodies}"
        elif form == 1:
            body = prefix + draw(json_forms())
        else:
            body = prefix + draw(shell_bodies(escape))
    elif upper in ("COPY", "ADD"):
        names = ("from", "chown", "chmod", "link", "parents", "exclude")
        prefix = draw(flags((*names, "checksum") if upper == "ADD" else names))
        form = draw(st.integers(0, 4))
        if form == 0:
            head, bodies = draw(heredocs(escape))
            body = f"{prefix}{head} {draw(one(PATHS))}\n{bodies}"
        elif form == 1:
            items = draw(st.lists(one(PATHS), min_size=1, max_size=3))
            body = prefix + "[" + ", ".join(f'"{item}"' for item in items) + "]"
        else:
            body = prefix + " ".join(draw(st.lists(one(PATHS), min_size=1, max_size=4)))
    elif upper in ("CMD", "ENTRYPOINT", "SHELL"):
        body = draw(st.one_of(json_forms(), shell_bodies(escape)))
    elif upper == "HEALTHCHECK":
        form = draw(st.one_of(json_forms(), shell_bodies(escape)))
        body = draw(one(("NONE", f"{draw(flags(('interval', 'retries')))}CMD {form}")))
    elif upper in ("ENV", "ARG", "LABEL"):
        values = ("", "1", '"a b"', "'x'", "${X}", "a\\ b", f'"{escape}\n  y"')
        pairs = [
            f"{draw(one(NAMES))}={draw(one(values))}" if draw(st.booleans()) else draw(one(NAMES))
            for _ in range(draw(st.integers(0, 3)))
        ]
        body = " ".join(pairs) if draw(st.integers(0, 9)) else f"{draw(one(NAMES))} legacy value"
    elif upper == "ONBUILD":
        body = draw(instructions(escape, depth + 1))
    else:
        body = draw(one(ARGUMENTS + PATHS))
    if "\n" not in body and " " in body and draw(st.integers(0, 9)) == 0:
        cut = body.index(" ")
        middle = draw(one((f" {escape}\n", f" {escape}\n# c\n", f" {escape}\n\n", f"{escape}  \n")))
        body = body[:cut] + middle + body[cut + 1 :]
    return f"{keyword}{draw(one((' ', '  ', chr(9))))}{body}" if body else keyword


@st.composite
def dockerfiles(draw: st.DrawFn) -> str:
    """A whole file: directives, a global ARG, stages of instructions and comments."""
    escape = draw(one(("\\", "\\", "`")))
    lines = [draw(one(DIRECTIVES)) for _ in range(draw(st.integers(0, 2)))]
    if escape == "`" or draw(st.integers(0, 9)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), f"# escape={escape}")
    if draw(st.booleans()):
        lines.append(f"ARG {draw(one(NAMES))}{draw(one(('', '=1', '=alpine:3.20')))}")
    for _ in range(draw(st.integers(0, 3))):
        lines.append(f"FROM {draw(one(IMAGES))}")
        for _ in range(draw(st.integers(0, 6))):
            if draw(st.integers(0, 9)) == 0:
                lines.append(draw(one(("# comment", "", "# lintlayers: ignore=LL301"))))
            else:
                lines.append(draw(instructions(escape)))
    newline = draw(one(("\n", "\n", "\n", "\r\n")))
    text = newline.join(lines) + draw(one((newline, "")))
    return draw(one(("", "", "", "\ufeff"))) + text


TOKENS = (
    "\\\n",
    "`\n",
    "<<EOF\n",
    "<<-EOF\n",
    "EOF\n",
    "[",
    "]",
    '"',
    "'",
    "$",
    "${",
    "}",
    "(",
    "\t",
    "\r\n",
    "#",
    "\n",
    "--mount=",
    "--from=",
    "ONBUILD ",
    "\\",
    "`",
    "=",
    ",",
    "&&",
    "|",
    '["a]',
    "<<A <<B\n",
    "A\n",
    "RUN ",
    "COPY ",
    "\ufeff",
    "é",
)


@st.composite
def mutated(draw: st.DrawFn, texts: st.SearchStrategy[str]) -> str:
    """A text with a few insertions of tokens, deletions, duplications and truncations."""
    text = draw(texts)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.integers(0, 4))
        if kind <= 1:
            text = text[:at] + draw(one(TOKENS)) + text[at:]
        elif kind == 2:
            text = text[:at] + text[at + draw(st.integers(1, 30)) :]
        elif kind == 3:
            end = at + draw(st.integers(1, 30))
            text = text[:at] + text[at:end] * 2 + text[end:]
        else:
            text = text[:at]
    return text


@functools.cache
def _corpus() -> list[str]:
    from corpus_support import corpus_files, decode

    texts = []
    for path in corpus_files():
        text, valid = decode(path.read_bytes())
        if valid and "\x00" not in text and len(text) < 20_000:
            texts.append(text)
    return texts


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    """The corpus files of at most 20 kB (the test skips when there is no corpus)."""
    return _corpus()


def corpus_texts(texts: list[str]) -> st.SearchStrategy[str]:
    return st.integers(0, len(texts) - 1).map(texts.__getitem__)


# --------------------------------------------------------------------------------- checks


@functools.cache
def _linter(builder: str) -> Linter:
    return default_linter(builder=builder)


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def check_invariants(text: str, builder: str = "buildkit", *, fixes: bool = True) -> None:
    """Every invariant of the module docstring for one input."""
    linter = _linter(builder)
    dockerfile = parse(text)
    assert dockerfile.unparse() == text, "the parse does not give the file back"
    errors = len(dockerfile.all_errors())

    def lint(current: str) -> LintResult:
        return linter.lint_text(current, "Dockerfile")

    result = lint(text)
    internal = [f.message for f in result.findings if f.code == INTERNAL_ERROR_CODE]
    assert not internal, internal
    size = len(text)
    for rule, violation in result.violations:
        assert 0 <= violation.start <= violation.end <= size, (rule.code, violation)
        if violation.fix is None:
            continue
        for edit in violation.fix.edits:
            assert 0 <= edit.start <= edit.end <= size, (rule.code, edit)
        if violation.fix.edits:
            fixed, _count = apply_fixes(text, [violation.fix])
            after = len(parse(fixed).all_errors())
            assert after <= errors, f"{rule.code}'s fix adds parse errors:\n{fixed}"
    for finding in result.findings:
        line_count = result.source.line_count
        assert 1 <= finding.location.line <= finding.end_location.line <= line_count, finding
        assert finding.location.column >= 1 and finding.end_location.column >= 1, finding

    out = io.StringIO()
    report(result.findings, out, ReportContext(files_checked=1))
    _validator().validate(json.loads(out.getvalue()))

    if not fixes:
        return
    outcome = fix_to_fixed_point(text, lint, unsafe=True)
    assert not outcome.rolled_back, f"a fix broke the file:\n{text}"
    assert len(parse(outcome.text).all_errors()) <= errors
    again = fix_to_fixed_point(outcome.text, lint, unsafe=True)
    assert again.text == outcome.text, "a second --fix --unsafe-fixes changed the file"


REGRESSIONS = {
    # Found by test_generated_dockerfiles_many: LL305 appended `yarn cache clean` after an
    # unterminated quote, inside the string, so every --fix appended it again.
    "append-after-unterminated-quote": 'FROM alpine:3.20\nRUN && yarn install "unterminated\n',
    # Issue 11: an exec form with an unterminated string crashed the json scanner.
    "exec-form-unterminated-string": 'FROM alpine\nCMD ["a]\nCOPY --from=build ["/]\n',
    # Found by scripts/fuzz.py (seed 7): LL106 sorted a RUN's flags, `--mount` without a
    # value beside `--mount=...` compared None with a string.
    "flag-without-value-beside-one-with": (
        "FROM debian:bookworm\nRUN --mount=type=tmpfs,target=/y --mount echo a\nRUN echo b\n"
    ),
}
"""Inputs that broke an invariant once (found by this module or ``scripts/fuzz.py``)."""


@pytest.mark.parametrize("text", REGRESSIONS.values(), ids=REGRESSIONS.keys())
@pytest.mark.parametrize("builder", ["buildkit", "classic"])
def test_regressions(text: str, builder: str) -> None:
    check_invariants(text, builder)


COMMON = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --------------------------------------------------------------------------------- tests


@COMMON
@given(text=dockerfiles(), builder=one(("buildkit", "classic")))
@example(text="# escape=`\nFROM alpine\nRUN echo a `\n  b\n", builder="classic")
@example(text="FROM alpine\nRUN <<A <<-'B' cat\na\nA\n\tb\n\tB\n", builder="buildkit")
def test_generated_dockerfiles(text: str, builder: str) -> None:
    check_invariants(text, builder)


@COMMON
@given(text=mutated(dockerfiles()))
def test_mutated_generated_dockerfiles(text: str) -> None:
    check_invariants(text)


@settings(COMMON, max_examples=max(10, EXAMPLES // 2))
@given(data=st.data())
def test_mutated_corpus_files(corpus: list[str], data: st.DataObject) -> None:
    check_invariants(data.draw(mutated(corpus_texts(corpus))))


@pytest.mark.slow
@settings(COMMON, max_examples=EXAMPLES * 10)
@given(text=st.one_of(dockerfiles(), mutated(dockerfiles())), builder=one(("buildkit", "classic")))
def test_generated_dockerfiles_many(text: str, builder: str) -> None:
    check_invariants(text, builder)


@pytest.mark.slow
@settings(COMMON, max_examples=EXAMPLES * 5)
@given(data=st.data())
def test_mutated_corpus_files_many(corpus: list[str], data: st.DataObject) -> None:
    check_invariants(data.draw(mutated(corpus_texts(corpus))))
