#!/usr/bin/env python3
"""A long fuzzing campaign of ``lintlayers check`` through the real command line.

Inputs are Dockerfiles generated from a grammar (instructions, flags, heredocs,
continuations, escapes, parser directives, JSON and shell forms, shell bodies) and
mutations of real files (the corpus, ``LINTLAYERS_CORPUS`` or ``../shared/corpus``,
and earlier inputs). They are written to a temporary folder in batches and linted by one
``lintlayers check --format json --jobs 2`` process per batch; every fifth batch also
runs ``--fix --unsafe-fixes``. A batch fails when the process exits with anything but 0
or 1, prints a traceback, reports an LL000 (internal error) finding, prints invalid
JSON, or runs past the timeout. A failing batch is bisected down to the inputs that fail
alone, and each is saved under the crashes folder (``<hash>.Dockerfile`` and
``<hash>.txt`` with the reason), once per distinct failure.

    nice python scripts/fuzz.py --inputs 1000000 --batch 500 --crashes fuzz-crashes

Figures (inputs, inputs per second, crashes) are printed every ``--report`` seconds and
at the end. Stop it with Ctrl-C: the figures so far are printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lintlayers.syntax.parser import INSTRUCTIONS

ROOT = Path(__file__).resolve().parent.parent

# ----------------------------------------------------------------------------- grammar

KEYWORDS = tuple(sorted(INSTRUCTIONS))
"""Every instruction BuildKit knows (the parser's own list)."""
IMAGES = (
    "alpine:3.20",
    "python:3.12-slim",
    "debian:bookworm",
    "scratch",
    "node:20",
    "$BASE",
    "${REG:-docker.io}/lib/img@sha256:" + "a" * 64,
    "build",
    "golang:1.22 AS build",
)
NAMES = (
    "BASE",
    "GIT_SHA",
    "VERSION",
    "API_TOKEN",
    "DB_PASSWORD",
    "HOME",
    "PATH",
    "X",
    "a_b",
    "SECRET_KEY",
    "TARGETARCH",
    "BUILDPLATFORM",
    "NODE_ENV",
    "HTTP_PROXY",
)
PATHS = (
    ".",
    "./",
    "/app",
    "/app/",
    "src",
    "src/",
    "package.json",
    "package*.json",
    "requirements.txt",
    "go.mod",
    "go.sum",
    "*.py",
    "/etc/apt/sources.list",
    ".env",
    "id_rsa",
    "/root/.ssh/",
    "node_modules",
    ".git",
    "dir with space",
    "[ab]*",
    "$HOME/x",
    "${APP:-/srv}",
    "http://example.com/a.tar.gz",
    "https://example.com/x.zip",
    "git@github.com:a/b.git#v1",
    "https://github.com/a/b.git#abc123",
    "~/x",
    "C:\\x",
)
WORDS = (
    "a",
    "b",
    "x",
    "-y",
    "--no-install-recommends",
    "-rf",
    "-q",
    "--no-cache",
    "--no-cache-dir",
    "-r",
    "requirements.txt",
    "curl",
    "ca-certificates",
    "build-essential",
    "gcc",
    "libssl-dev",
    "/tmp/*",
    "/var/lib/apt/lists/*",
    "/var/cache/apk/*",
    "1000:1000",
    "-R",
    "755",
    "app.tar.gz",
    "-xzf",
    "-C",
    "/opt",
    "'single quoted'",
    '"double $X"',
    "$X",
    "${X}",
    "${X:-d}",
    "${X:+y}",
    "${#X}",
    "$(date)",
    "`id`",
    "\\$",
    "\\\\",
    "*",
    "~",
    "=",
    "a=b",
    "'",
    '"',
    "\\",
    "--",
    "-",
    "#",
    "é",
    "日本",
    "\t",
)
COMMANDS = (
    "apt-get update",
    "apt-get install -y {w}",
    "apt-get install -y --no-install-recommends {w}",
    "rm -rf /var/lib/apt/lists/*",
    "apt-get clean",
    "apk add {w}",
    "apk add --no-cache {w}",
    "apk update",
    "pip install {w}",
    "pip install --no-cache-dir -r requirements.txt",
    "pip3 install --user {w}",
    "python -m pip install -e .",
    "npm ci",
    "npm install {w}",
    "npm cache clean --force",
    "yarn install --frozen-lockfile",
    "yarn cache clean",
    "go build -o /out ./...",
    "go mod download",
    "make -j4",
    "cargo build --release",
    "curl -fsSL https://example.com/x.tar.gz | tar -xz -C /opt",
    "wget -q https://example.com/{w}.tar.gz",
    "tar -xzf app.tar.gz",
    "rm -f app.tar.gz",
    "chown -R app:app /app",
    "chmod -R 755 /app",
    "useradd -m app",
    "cd /app",
    "cd {w}",
    "echo {w} > /etc/{w}",
    "cat <<X\nhi\nX",
    "export {n}={w}",
    "{n}={w} {w}",
    "true",
    ":",
    "yum install -y {w}",
    "dnf install -y {w} && dnf clean all",
    "microdnf install {w}",
    "zypper install -y {w}",
    "gem install {w}",
    "composer install",
    "bundle install",
    "git clone https://example.com/r.git",
    "mkdir -p /app/{w}",
    "ln -s /a /b",
    "exit 1",
    "sh -c '{w} && {w}'",
    'bash -lc "{w}"',
    "env {n}={w} {w}",
    "sudo -E {w}",
    "xargs {w}",
    "find / -name '*.pyc' -delete",
    "ls > /dev/null 2>&1",
    "{w} &",
    "exec {w}",
)
SHELL_GLUE = (" && ", " || ", "; ", " | ", " & ", " |& ", "\n", " && \\\n    ", " ;\\\n ")
FLAG_VALUES = {
    "platform": ("linux/amd64", "$BUILDPLATFORM", "", "linux/arm64/v8"),
    "from": ("build", "0", "alpine:3.20", "", "$X", "missing"),
    "chown": ("app:app", "1000", "$UID:$GID", "", ":"),
    "chmod": ("755", "0644", "u+x", ""),
    "link": (None, "true", "false", "maybe", ""),
    "parents": (None, "true"),
    "exclude": ("*.md", "**/test", ""),
    "checksum": ("sha256:" + "0" * 64, "sha256:", "md5:x"),
    "keep-git-dir": ("true", None),
    "network": ("none", "host", "default", ""),
    "security": ("insecure", "sandbox"),
    "interval": ("30s", "0", "x"),
    "timeout": ("3s",),
    "start-period": ("5s",),
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
    "destination=/y",
    "id=pip",
    "sharing=locked",
    "sharing=private",
    "from=build",
    "source=/src",
    "src=.",
    "ro",
    "rw",
    "readonly=true",
    "required",
    "mode=0600",
    "uid=1000",
    "gid=0",
    "size=10m",
    "env=TOKEN",
    '"target=/a,b"',
    "target=",
    "=",
    "",
    "type",
    "id=$X",
)
JSON_ITEMS = (
    '"sh"',
    '"-c"',
    '"echo hi"',
    '"a b"',
    '"\\\\"',
    '"\\""',
    '"\\u00e9"',
    '""',
    '"$X"',
    "1",
    "true",
    "null",
    '"a',
    "'a'",
    "[]",
    '{"a": 1}',
)
DIRECTIVES = (
    "# syntax=docker/dockerfile:1",
    "# syntax=docker/dockerfile:1.7-labs",
    "# escape=`",
    "# escape=\\",
    "# escape=x",
    "#escape=`",
    "# check=skip=all",
    "# check=error=true",
    "# directive=unknown",
    "# syntax = a",
    "#syntax=",
)
TOKENS = (
    "\\\n",
    "`\n",
    "<<EOF\n",
    "<<-EOF\n",
    "<<'EOF'\n",
    '<<"EOF"\n',
    "EOF\n",
    "\tEOF\n",
    "[",
    "]",
    '"',
    "'",
    "$",
    "${",
    "}",
    "(",
    ")",
    "{",
    "\t",
    "\r\n",
    "\r",
    "#",
    "# ",
    "\n",
    "\n\n",
    "--mount=",
    "--from=",
    "--chown=",
    "--link",
    "ONBUILD ",
    "\\",
    "`",
    " ",
    "=",
    ",",
    "&&",
    "|",
    ";",
    "\ufeff",
    "\u00a0",
    "\u2028",
    "é",
    "*",
    "?",
    "**",
    "AS ",
    " as ",
    "\\\n# c\n",
    "\\\n\n",
    "\\ \n",
    '["a]',
    '["a", ',
    "[]",
    "<<A <<B\n",
    "A\n",
    "B\n",
    "FROM scratch\n",
    "RUN ",
    "COPY ",
    "ARG ",
    "ENV ",
)


class Grammar:
    """Random Dockerfiles from the grammar, drawn with one ``random.Random``."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    def pick(self, items: tuple[str, ...]) -> str:
        return items[self.r.randrange(len(items))]

    def word(self) -> str:
        return self.pick(WORDS)

    def name(self) -> str:
        return self.pick(NAMES) if self.r.random() < 0.9 else self.pick(NAMES).lower()

    def command(self) -> str:
        template = self.pick(COMMANDS)
        return (
            template.replace("{w}", self.word(), 1)
            .replace("{w}", self.word())
            .replace("{n}", self.name())
        )

    def shell(self, escape: str, depth: int = 0) -> str:
        parts = [self.command()]
        for _ in range(self.r.choice((0, 0, 1, 1, 2, 3, 5))):
            glue = self.pick(SHELL_GLUE).replace("\\", escape)
            if "\n" in glue and "\\" not in glue and escape not in glue:
                glue = f" {escape}\n"
            roll = self.r.random()
            if roll < 0.08 and depth < 2:
                piece = f"({self.shell(escape, depth + 1)})"
            elif roll < 0.12 and depth < 2:
                piece = "{ " + self.shell(escape, depth + 1) + "; }"
            elif roll < 0.15 and depth < 2:
                piece = f"if {self.command()}; then {self.shell(escape, depth + 1)}; fi"
            elif roll < 0.17 and depth < 2:
                piece = f"for f in a b; do {self.command()}; done"
            else:
                piece = self.command()
            parts.append(glue + piece)
        body = "".join(parts)
        if self.r.random() < 0.1:  # continuation with comments and blank lines inside
            body = body.replace(" && ", f" && {escape}\n# a comment\n\n    ", 1)
        return body

    def flag(self, name: str) -> str:
        if name == "mount":
            fields = [self.pick(MOUNT_FIELDS) for _ in range(self.r.randint(1, 5))]
            return "--mount=" + ",".join(fields)
        value = self.pick(FLAG_VALUES.get(name, ("x",)))
        return f"--{name}" if value is None else f"--{name}={value}"

    def flags(self, names: tuple[str, ...]) -> str:
        out = [self.flag(self.pick(names)) for _ in range(self.r.choice((0, 0, 1, 1, 2, 3)))]
        return "".join(f + " " for f in out)

    def json_form(self) -> str:
        items = [self.pick(JSON_ITEMS) for _ in range(self.r.randint(0, 4))]
        text = "[" + ", ".join(items) + "]"
        roll = self.r.random()
        if roll < 0.1:
            text = text[:-1]  # unterminated
        elif roll < 0.2:
            text = text.replace('"', "", 1)
        elif roll < 0.25:
            text = text + " trailing"
        return text

    def heredocs(self, escape: str) -> tuple[str, str]:
        """The heredoc markers for one line, and the bodies that follow it."""
        heads, bodies = [], []
        for index in range(self.r.choice((1, 1, 1, 2, 3))):
            delimiter = self.pick(("EOF", "END", "FILE", f"E{index}", "_x"))
            quote = self.pick(("", "", "'", '"'))
            dash = "-" if self.r.random() < 0.3 else ""
            heads.append(f"<<{dash}{quote}{delimiter}{quote}")
            lines = [self.command() for _ in range(self.r.randint(0, 3))]
            if dash:
                lines = ["\t" + line for line in lines]
            if self.r.random() < 0.2:
                lines.append(f"echo ${self.name()} {escape}")
            end = ("\t" if dash and self.r.random() < 0.5 else "") + delimiter
            if self.r.random() < 0.05:
                end = ""  # never terminated
            bodies.append("".join(line + "\n" for line in lines) + end)
        return " ".join(heads), "\n".join(bodies)

    def instruction(self, escape: str, depth: int = 0) -> str:
        keyword = self.pick(KEYWORDS) if self.r.random() < 0.97 else self.pick(("FOO", "Run", ""))
        if self.r.random() < 0.1:
            keyword = keyword.lower()
        upper = keyword.upper()
        r = self.r.random
        if upper == "FROM":
            body = self.flags(("platform",)) + self.pick(IMAGES)
            if r() < 0.3:
                body += f" AS {self.pick(('build', 'base', 'final', 'x-1', 'Build'))}"
        elif upper == "RUN":
            flags = self.flags(("mount", "mount", "network", "security"))
            if r() < 0.2:
                head, bodies = self.heredocs(escape)
                body = f"{flags}{self.pick(('', 'cat ', 'bash ', 'python3 '))}{head}"
                tail = self.pick(("", " && " + self.command(), " > /x"))
                body += f"{tail}\n{bodies}"
            elif r() < 0.2:
                body = flags + self.json_form()
            else:
                body = flags + self.shell(escape)
        elif upper in ("COPY", "ADD"):
            names = ("from", "chown", "chmod", "link", "parents", "exclude")
            if upper == "ADD":
                names += ("checksum", "keep-git-dir")
            flags = self.flags(names)
            if r() < 0.15:
                head, bodies = self.heredocs(escape)
                body = f"{flags}{head} {self.pick(PATHS)}\n{bodies}"
            elif r() < 0.15:
                items = ", ".join(f'"{self.pick(PATHS)}"' for _ in range(self.r.randint(1, 3)))
                body = f"{flags}[{items}]" if r() < 0.8 else f"{flags}[{items}"
            else:
                count = self.r.randint(1, 4)
                body = flags + " ".join(self.pick(PATHS) for _ in range(count))
        elif upper in ("CMD", "ENTRYPOINT", "SHELL"):
            body = self.json_form() if r() < 0.6 else self.shell(escape)
        elif upper == "HEALTHCHECK":
            if r() < 0.2:
                body = "NONE"
            else:
                flags = self.flags(("interval", "timeout", "start-period", "retries"))
                form = self.json_form() if r() < 0.5 else self.shell(escape)
                body = f"{flags}CMD {form}"
        elif upper in ("ENV", "ARG", "LABEL"):
            pairs = []
            for _ in range(self.r.randint(0, 3)):
                value = self.pick(
                    ("", "1", '"a b"', "'x'", "${X}", "$(id)", "a\\ b", f'"{escape}\n  y"')
                )
                pairs.append(f"{self.name()}={value}" if r() < 0.8 else self.name())
            body = " ".join(pairs) if r() < 0.9 else f"{self.name()} legacy value"
        elif upper == "ONBUILD":
            body = self.instruction(escape, depth + 1) if depth < 2 else "ONBUILD RUN x"
        elif upper in ("EXPOSE",):
            body = self.pick(("80", "80/tcp 443/udp", "$PORT", "x", "8000-8010"))
        elif upper == "VOLUME":
            body = self.json_form() if r() < 0.3 else self.pick(PATHS)
        else:
            body = self.word() + (" " + self.word() if r() < 0.3 else "")
        if r() < 0.08 and "\n" not in body:  # split over continuation lines
            pieces = body.split(" ")
            if len(pieces) > 1:
                cut = self.r.randrange(1, len(pieces))
                middle = self.pick(
                    (
                        f" {escape}\n",
                        f"{escape}\n",
                        f" {escape}\n# c\n",
                        f" {escape}\n\n",
                        f" {escape}  \n",
                    )
                )
                body = " ".join(pieces[:cut]) + middle + " ".join(pieces[cut:])
        space = self.pick((" ", " ", " ", "\t", "  "))
        return f"{keyword}{space}{body}" if body else keyword

    def dockerfile(self) -> str:
        lines: list[str] = []
        escape = "\\"
        if self.r.random() < 0.4:
            for _ in range(self.r.randint(1, 3)):
                directive = self.pick(DIRECTIVES)
                if "escape=`" in directive.replace(" ", ""):
                    escape = "`"
                lines.append(directive)
        if self.r.random() < 0.5:
            lines.append(f"ARG {self.name()}" + self.pick(("", "=1", "=alpine:3.20", "=${X}")))
        for _ in range(self.r.randint(0, 3)):
            lines.append(f"FROM {self.pick(IMAGES)}")
            for _ in range(self.r.randint(0, 8)):
                roll = self.r.random()
                if roll < 0.08:
                    lines.append(
                        self.pick(
                            (
                                "# comment",
                                "",
                                "   ",
                                "# lintlayers: ignore=LL301",
                                "# hadolint ignore=DL3009",
                                "#",
                            )
                        )
                    )
                else:
                    lines.append(self.instruction(escape))
        newline = "\r\n" if self.r.random() < 0.05 else "\n"
        text = newline.join(lines)
        if self.r.random() < 0.9:
            text += newline
        if self.r.random() < 0.03:
            text = "\ufeff" + text
        return text


class Mutator:
    """Mutations of a text: cut, duplicate, insert tokens, swap lines, splice, truncate."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    def mutate(self, text: str, other: str) -> str:
        for _ in range(self.r.choice((1, 1, 1, 2, 3, 5))):
            text = self.once(text, other)
        return text

    def once(self, text: str, other: str) -> str:
        r = self.r
        n = len(text)
        at = r.randint(0, n)
        roll = r.random()
        if roll < 0.3:
            return text[:at] + TOKENS[r.randrange(len(TOKENS))] + text[at:]
        if roll < 0.45 and n:
            end = min(n, at + r.choice((1, 1, 2, 5, 20, 100)))
            return text[:at] + text[end:]
        if roll < 0.55 and n:
            end = min(n, at + r.randint(1, 40))
            return text[:at] + text[at:end] * r.randint(2, 4) + text[at:]
        if roll < 0.65:
            lines = text.split("\n")
            if len(lines) > 1:
                i, j = r.randrange(len(lines)), r.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
            return "\n".join(lines)
        if roll < 0.75 and other:
            cut = r.randint(0, len(other))
            return text[:at] + other[cut : cut + r.randint(1, 400)] + text[at:]
        if roll < 0.8:
            return text[:at]
        if roll < 0.88 and n:
            replacement = r.choice(("\\", "`", "\n", '"', "[", "$", " ", "\t", "\r", "<", "#"))
            return text[: at % n] + replacement + text[at % n + 1 :]
        if roll < 0.94:
            lines = text.split("\n")
            i = r.randrange(len(lines))
            lines[i] = lines[i].lower() if r.random() < 0.5 else "ONBUILD " + lines[i]
            return "\n".join(lines)
        return text.replace("\n", "\r\n") if r.random() < 0.5 else text.replace("\\\n", "`\n")


def corpus_texts(limit: int) -> list[str]:
    """Up to ``limit`` corpus files (UTF-8, no NUL), from ``LINTLAYERS_CORPUS`` or
    ``../shared/corpus``."""
    value = os.environ.get("LINTLAYERS_CORPUS") or str(ROOT.parent / "shared" / "corpus")
    folder = Path(value) / "files"
    texts: list[str] = []
    if not folder.is_dir():
        return texts
    for path in sorted(folder.rglob("*")):
        if len(texts) >= limit:
            break
        if not path.is_file():
            continue
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "\x00" not in text and len(text) < 200_000:
            texts.append(text)
    return texts


class Source:
    """Inputs: generated, mutated generated, mutated corpus files, spliced."""

    def __init__(self, seed: int, corpus: list[str]) -> None:
        self.r = random.Random(seed)
        self.grammar = Grammar(self.r)
        self.mutator = Mutator(self.r)
        self.corpus = corpus
        self.pool: list[str] = []

    def next(self) -> str:
        roll = self.r.random()
        if roll < 0.35:
            text = self.grammar.dockerfile()
        elif roll < 0.55 or not (self.corpus or self.pool):
            text = self.mutator.mutate(self.grammar.dockerfile(), self.other())
        elif (roll < 0.9 or not self.pool) and self.corpus:
            text = self.mutator.mutate(self.pick_corpus(), self.other())
        else:
            text = self.mutator.mutate(self.pool[self.r.randrange(len(self.pool))], self.other())
        text = text.replace("\x00", "")
        if len(self.pool) < 2000:
            self.pool.append(text)
        elif self.r.random() < 0.05:
            self.pool[self.r.randrange(len(self.pool))] = text
        return text

    def pick_corpus(self) -> str:
        return self.corpus[self.r.randrange(len(self.corpus))]

    def other(self) -> str:
        if self.corpus and self.r.random() < 0.7:
            return self.pick_corpus()
        return self.grammar.dockerfile()


# ----------------------------------------------------------------------------- running


class Outcome:
    __slots__ = ("failures", "reason", "stderr")

    def __init__(self, reason: str | None, stderr: str = "", failures: dict | None = None):
        self.reason = reason
        self.stderr = stderr
        self.failures = failures or {}  # file name -> LL000 message


def run_batch(
    command: list[str], folder: Path, names: list[str], fix: bool, timeout: float
) -> Outcome:
    """Lint the files ``names`` of ``folder`` in one process; say why it failed, if it did."""
    args = [*command, "check", "--format", "json", "--jobs", "2", "--context", "ctx"]
    if fix:
        args += ["--fix", "--unsafe-fixes"]
    try:
        proc = subprocess.run(
            [*args, *names],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env={**os.environ, "NO_COLOR": "1"},
        )
    except subprocess.TimeoutExpired:
        return Outcome(f"timeout after {timeout:.0f} s")
    stderr = proc.stderr
    if "Traceback" in stderr:
        return Outcome("traceback on stderr", stderr)
    if proc.returncode not in (0, 1):
        failures = ll000(proc.stdout)
        return Outcome(f"exit code {proc.returncode}", stderr, failures)
    try:
        report = json.loads(proc.stdout)
        findings = report["findings"]
    except (ValueError, KeyError, TypeError) as error:
        return Outcome(f"invalid JSON output: {error}", stderr)
    failures = {f["file"]: f["message"] for f in findings if f.get("code") == "LL000"}
    if failures:
        return Outcome("LL000 finding", stderr, failures)
    return Outcome(None)


def ll000(stdout: str) -> dict:
    try:
        findings = json.loads(stdout)["findings"]
    except (ValueError, KeyError, TypeError):
        return {}
    return {f["file"]: f["message"] for f in findings if f.get("code") == "LL000"}


class Campaign:
    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.command = (
            options.command.split() if options.command else [sys.executable, "-m", "lintlayers"]
        )
        self.crashes = Path(options.crashes)
        self.crashes.mkdir(parents=True, exist_ok=True)
        self.seen: set[str] = {p.stem.split("-")[0] for p in self.crashes.glob("*.txt")}
        self.work = Path(tempfile.mkdtemp(prefix="lintlayers-fuzz-"))
        (self.work / "ctx").mkdir()
        self.inputs = 0
        self.batches = 0
        self.crash_inputs = 0
        self.saved = 0
        self.signatures: dict[str, int] = {}
        self.started = time.monotonic()

    def write(self, texts: list[str], sub: str) -> tuple[Path, list[str]]:
        folder = self.work / sub
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        (folder / "ctx").mkdir()
        names = []
        for index, text in enumerate(texts):
            name = f"{index:05d}.Dockerfile"
            (folder / name).write_bytes(text.encode("utf-8", "surrogatepass"))
            names.append(name)
        return folder, names

    def fails(self, texts: list[str], fix: bool) -> Outcome:
        folder, names = self.write(texts, "bisect")
        return run_batch(self.command, folder, names, fix, self.options.timeout)

    def bisect(self, texts: list[str], fix: bool) -> list[tuple[str, Outcome]]:
        """The inputs of a failing batch that fail alone (or the smallest failing group)."""
        outcome = self.fails(texts, fix)
        if outcome.reason is None:
            return []
        if len(texts) == 1:
            return [(texts[0], outcome)]
        middle = len(texts) // 2
        found = self.bisect(texts[:middle], fix) + self.bisect(texts[middle:], fix)
        if not found:  # only fails together: keep the group
            return [("\n# ---- next input ----\n".join(texts), outcome)]
        return found

    def save(self, text: str, outcome: Outcome, fix: bool) -> None:
        self.crash_inputs += 1
        detail = "\n".join([outcome.stderr, *outcome.failures.values()]).strip()
        signature = signature_of(outcome.reason or "", detail)
        self.signatures[signature] = self.signatures.get(signature, 0) + 1
        if signature in self.seen and self.signatures[signature] > 3:
            return
        self.seen.add(signature)
        digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        stem = f"{signature}-{digest}"
        (self.crashes / f"{stem}.Dockerfile").write_bytes(text.encode("utf-8", "surrogatepass"))
        mode = "check --fix --unsafe-fixes" if fix else "check"
        (self.crashes / f"{stem}.txt").write_text(
            f"reason: {outcome.reason}\nmode: {mode}\n\n{detail}\n", encoding="utf-8"
        )
        self.saved += 1
        print(f"crash: {outcome.reason}: saved {stem}.Dockerfile", flush=True)

    def figures(self) -> str:
        elapsed = time.monotonic() - self.started
        rate = self.inputs / elapsed if elapsed else 0.0
        return (
            f"{self.inputs} inputs in {elapsed:.0f} s ({rate:.0f}/s), {self.batches} batches, "
            f"{self.crash_inputs} crashing inputs, {len(self.signatures)} distinct crashes, "
            f"{self.saved} saved"
        )

    def run(self) -> int:
        options = self.options
        corpus = corpus_texts(options.corpus_limit)
        print(f"corpus: {len(corpus)} files; work folder {self.work}", flush=True)
        source = Source(options.seed, corpus)
        last_report = time.monotonic()
        try:
            while self.inputs < options.inputs:
                size = min(options.batch, options.inputs - self.inputs)
                texts = [source.next() for _ in range(size)]
                fix = options.fix_every > 0 and self.batches % options.fix_every == 0
                folder, names = self.write(texts, "batch")
                outcome = run_batch(self.command, folder, names, fix, options.timeout)
                self.inputs += size
                self.batches += 1
                if outcome.reason is not None:
                    if outcome.failures and "timeout" not in outcome.reason:
                        # the LL000 findings name the files: no need to bisect
                        for name in outcome.failures:
                            index = int(Path(name).name.split(".")[0])
                            single = self.bisect([texts[index]], fix)
                            for text, alone in single:
                                self.save(text, alone, fix)
                    else:
                        for text, alone in self.bisect(texts, fix):
                            self.save(text, alone, fix)
                if time.monotonic() - last_report > options.report:
                    print(self.figures(), flush=True)
                    last_report = time.monotonic()
        except KeyboardInterrupt:
            print("interrupted", flush=True)
        finally:
            shutil.rmtree(self.work, ignore_errors=True)
        print("final: " + self.figures(), flush=True)
        for signature, count in sorted(self.signatures.items(), key=lambda item: -item[1]):
            print(f"  {count:6d}  {signature}")
        return 1 if self.signatures else 0


def signature_of(reason: str, detail: str) -> str:
    """A short stable name of a failure: the exception and the innermost lintlayers frame."""
    frames = re.findall(r'File "([^"]*lintlayers[^"]*|[^"]*rules/[^"]*)", line (\d+)', detail)
    exception = re.findall(r"^(\w+(?:Error|Exception)\b)", detail, re.MULTILINE)
    if not exception:  # an LL000 message: "... failed ...: ValueError: the reason; ..."
        exception = re.findall(r"(\w+(?:Error|Exception|Interrupt|Exit)): ([^;]{0,40})", detail)
        exception = [" ".join(item) for item in exception]
    key = reason.split()[0]
    if frames:
        path, line = frames[-1]
        key += f"|{Path(path).name}:{line}"
    if exception:
        key += f"|{exception[-1]}"
    if not frames and not exception:
        key += "|" + re.sub(r"\W+", "_", detail[:60])
    return hashlib.sha1(key.encode()).hexdigest()[:10]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=1_000_000, help="inputs to run (1000000)")
    parser.add_argument("--batch", type=int, default=500, help="files per process (500)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (0)")
    parser.add_argument("--crashes", default="fuzz-crashes", help="where failing inputs go")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per process")
    parser.add_argument("--fix-every", type=int, default=5, help="every Nth batch also fixes")
    parser.add_argument("--corpus-limit", type=int, default=5000, help="corpus files read")
    parser.add_argument("--report", type=float, default=60.0, help="seconds between figures")
    parser.add_argument("--command", help="how to start lintlayers (default: this python -m)")
    options = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    return Campaign(options).run()


if __name__ == "__main__":
    sys.exit(main())
