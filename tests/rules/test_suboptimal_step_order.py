"""LL105 suboptimal-step-order."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_support import corpus_root
from rule_harness import fix, lint, onbuild, positions, rule_class, said

from lintlayers.engine import Linter, LintResult
from lintlayers.fixes import fix_to_fixed_point
from lintlayers.source import SourceText
from lintlayers.syntax.parser import parse_source

CODE = "LL105"


def make_context(root: Path, files: dict[str, str]) -> str:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return str(root)


def check_fix(
    before: str, after: str, *, context_dir: str | None = None, builder: str = "buildkit"
) -> None:
    """The unsafe fix gives ``after``, idempotently, and leaves a file LL105 is silent on."""
    assert fix(before, CODE, context_dir=context_dir, builder=builder) == before  # unsafe only
    fixed = fix(before, CODE, unsafe=True, context_dir=context_dir, builder=builder)
    assert fixed == after
    assert not parse_source(SourceText(fixed, "Dockerfile")).all_errors()
    assert fix(fixed, CODE, unsafe=True, context_dir=context_dir, builder=builder) == fixed
    assert lint(fixed, CODE, context_dir=context_dir, builder=builder) == []
    assert sorted(fixed.split()) == sorted(before.split()) or context_dir is not None


# --- findings and fixes ----------------------------------------------------------------

COPY_BEFORE_APT = """\
FROM python:3.12-slim
WORKDIR /app
# copy the app
COPY . .

RUN apt-get update && apt-get install -y --no-install-recommends curl \\
    && rm -rf /var/lib/apt/lists/*
CMD ["python", "app.py"]
"""
COPY_BEFORE_APT_FIXED = """\
FROM python:3.12-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends curl \\
    && rm -rf /var/lib/apt/lists/*

# copy the app
COPY . .
CMD ["python", "app.py"]
"""

NODE_WITH_CACHE_MOUNT = """\
FROM node:20-slim
WORKDIR /usr/src/app

# Sources change on every commit
COPY src/ ./src/
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
    apt-get update && apt-get install -y --no-install-recommends python3 make g++

COPY package.json package-lock.json ./
RUN npm ci --omit=dev

EXPOSE 3000
CMD ["node", "src/index.js"]
"""
NODE_WITH_CACHE_MOUNT_FIXED = """\
FROM node:20-slim
WORKDIR /usr/src/app

RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
    apt-get update && apt-get install -y --no-install-recommends python3 make g++

COPY package.json package-lock.json ./
# Sources change on every commit
COPY src/ ./src/
RUN npm ci --omit=dev

EXPOSE 3000
CMD ["node", "src/index.js"]
"""

MULTI_STAGE = """\
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM debian:bookworm-slim
COPY --from=build /out/app /usr/local/bin/app
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \\
    && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["app"]
"""
MULTI_STAGE_FIXED = """\
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \\
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/app /usr/local/bin/app
ENTRYPOINT ["app"]
"""

PER_BUILD_ARG_LATE = """\
FROM python:3.12-slim
COPY app.py /app/
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN pip install --no-cache-dir flask
ARG GIT_SHA
LABEL org.opencontainers.image.revision=$GIT_SHA
CMD ["python", "/app/app.py"]
"""
PER_BUILD_ARG_LATE_FIXED = """\
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN pip install --no-cache-dir flask
COPY app.py /app/
ARG GIT_SHA
LABEL org.opencontainers.image.revision=$GIT_SHA
CMD ["python", "/app/app.py"]
"""

STABLE_STEPS_MOVE_UP = """\
FROM alpine:3.20
ARG TARGETARCH
ARG VERSION
ARG COMMIT_SHA
LABEL org.opencontainers.image.version="${VERSION}"
LABEL org.opencontainers.image.revision="${COMMIT_SHA}"

WORKDIR /etc/nginx

RUN apk update && apk add --no-cache diffutils

COPY --chown=101:101 etc /etc
"""
STABLE_STEPS_MOVE_UP_FIXED = """\
FROM alpine:3.20
ARG TARGETARCH
WORKDIR /etc/nginx

RUN apk update && apk add --no-cache diffutils

ARG VERSION
ARG COMMIT_SHA
LABEL org.opencontainers.image.version="${VERSION}"
LABEL org.opencontainers.image.revision="${COMMIT_SHA}"

COPY --chown=101:101 etc /etc
"""

FAILING = [
    (COPY_BEFORE_APT, COPY_BEFORE_APT_FIXED, [(4, 1, 4, 9)]),
    (NODE_WITH_CACHE_MOUNT, NODE_WITH_CACHE_MOUNT_FIXED, [(5, 1, 5, 17)]),
    (MULTI_STAGE, MULTI_STAGE_FIXED, [(7, 1, 7, 46)]),
    (PER_BUILD_ARG_LATE, PER_BUILD_ARG_LATE_FIXED, [(2, 1, 2, 18)]),
    (STABLE_STEPS_MOVE_UP, STABLE_STEPS_MOVE_UP_FIXED, [(3, 1, 3, 12)]),
    (  # the COPY moves below the ENV too; the ENV stays above the RUN that may read it
        "FROM debian:bookworm\nWORKDIR /app\nCOPY . .\nENV DEBIAN_FRONTEND=noninteractive\n"
        "RUN apt-get update && apt-get install -y curl\n",
        "FROM debian:bookworm\nWORKDIR /app\nENV DEBIAN_FRONTEND=noninteractive\n"
        "RUN apt-get update && apt-get install -y curl\nCOPY . .\n",
        [(3, 1, 3, 9)],
    ),
    (  # a cache mount on the install
        "FROM debian:bookworm\nWORKDIR /app\nCOPY . .\n"
        "RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y gcc\n",
        "FROM debian:bookworm\nWORKDIR /app\n"
        "RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y gcc\n"
        "COPY . .\n",
        [(3, 1, 3, 9)],
    ),
    (  # lower-case keywords and an indented instruction
        "from alpine:3.20\nworkdir /app\n  copy app.py ./\nrun apk add --no-cache python3\n",
        "from alpine:3.20\nworkdir /app\nrun apk add --no-cache python3\n  copy app.py ./\n",
        [(3, 3, 3, 17)],
    ),
]


@pytest.mark.parametrize(("before", "after", "expected"), FAILING)
def test_finding_and_fix(before: str, after: str, expected: list) -> None:
    findings = lint(before, CODE)
    assert positions(findings) == expected
    assert findings[0].severity == "info"
    assert findings[0].fix is not None and findings[0].fix.applicability == "unsafe"
    check_fix(before, after)


def test_message_gives_costs_and_moves() -> None:
    (finding,) = lint(COPY_BEFORE_APT, CODE)
    assert finding.message == (
        "This order re-runs 61.0 relative seconds of work per commit; another needs 1.0"
    )
    assert "synthetic history of 20 commits" in finding.help
    assert "`COPY . .` (line 4) moves below `RUN apt-get update" in finding.help


def test_message_names_a_helpful_move_it_cannot_prove() -> None:
    (finding,) = lint(NODE_WITH_CACHE_MOUNT, CODE)
    assert "Not moved: `RUN npm ci --omit=dev` (line 10) could move above `COPY src/" in (
        finding.help
    )
    assert "the install may read more than its manifests" in finding.help


def test_crlf_line_endings_are_kept() -> None:
    before = (
        "FROM alpine:3.20\r\nWORKDIR /app\r\nCOPY site/ ./site/\r\nRUN apk add --no-cache nginx\r\n"
    )
    after = (
        "FROM alpine:3.20\r\nWORKDIR /app\r\nRUN apk add --no-cache nginx\r\nCOPY site/ ./site/\r\n"
    )
    check_fix(before, after)


def test_a_file_without_a_final_newline() -> None:
    before = (
        "FROM alpine:3.20\nWORKDIR /app\nRUN mkdir -p /var/cache/app\nCOPY site/ ./site/\n"
        "RUN apk add --no-cache nginx"
    )
    after = (
        "FROM alpine:3.20\nWORKDIR /app\nRUN mkdir -p /var/cache/app\n"
        "RUN apk add --no-cache nginx\nCOPY site/ ./site/"
    )
    check_fix(before, after)


# --- silence ------------------------------------------------------------------------------

PASSING = [
    # already optimal
    COPY_BEFORE_APT_FIXED,
    NODE_WITH_CACHE_MOUNT_FIXED,
    'FROM alpine:3.20\nRUN apk add --no-cache curl\nCOPY . /app\nCMD ["/app/run"]\n',
    # the RUN reads what the COPY brings
    "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\n"
    "RUN pip install --no-cache-dir -r requirements.txt\n",
    "FROM alpine:3.20\nCOPY install.sh /tmp/\nRUN sh -c 'chmod +x /tmp/install.sh'\n"
    "RUN apk add --no-cache bash\n",
    # an unknown command may need the sources
    "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n",
    "FROM debian:bookworm\nWORKDIR /app\nCOPY . .\nRUN ./install-deps.sh\n",
    # the base image's WORKDIR is unknown: `COPY . .` may land anywhere
    "FROM debian:bookworm\nCOPY . .\nRUN apt-get update && apt-get install -y curl\n",
    # the COPY writes where the packages go
    "FROM debian:bookworm\nCOPY nginx.conf /etc/nginx/nginx.conf\nRUN apt-get install -y nginx\n",
    # too small a saving to be worth a finding
    "FROM alpine:3.20\nWORKDIR /app\nCOPY a.txt .\nRUN mkdir -p /var/log/app\n",
    # the moves are in ONBUILD triggers: they run in a child build
    f"FROM python:3.12-slim\nWORKDIR /app\n{onbuild('COPY . .')}\n"
    "RUN apt-get update && apt-get install -y curl\n",
    # a file that does not parse
    "FROM alpine:3.20\nWORKDIR /app\nCOPY . .\nRUNN apk add curl\nRUN apk add curl\n",
    # one instruction
    "FROM alpine:3.20\nRUN apk add curl\n",
]


@pytest.mark.parametrize("text", PASSING)
def test_silent(text: str) -> None:
    assert lint(text, CODE) == []


def test_an_onbuild_instruction_is_config_the_moves_go_around() -> None:
    """ONBUILD only records a trigger: it keeps its place relative to the COPY it follows."""
    text = (
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
        f"{onbuild('RUN make')}\nRUN apt-get update && apt-get install -y curl\n"
    )
    assert positions(lint(text, CODE)) == [(3, 1, 3, 9)]
    check_fix(
        text,
        "FROM python:3.12-slim\nWORKDIR /app\nRUN apt-get update && apt-get install -y curl\n"
        "COPY . .\nONBUILD RUN make\n",
    )


# --- the build context: splitting a broad COPY ----------------------------------------

SPLIT = """\
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN mkdir -p /var/log/app
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "src/app.py"]
"""
SPLIT_FIXED = """\
FROM python:3.12-slim
WORKDIR /app
RUN mkdir -p /var/log/app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "src/app.py"]
"""


def test_split_of_a_broad_copy_with_the_build_context(tmp_path: Path) -> None:
    context = make_context(
        tmp_path, {"requirements.txt": "flask==3.0\n", "src/app.py": "print(1)\n"}
    )
    (finding,) = lint(SPLIT, CODE, context_dir=context)
    assert positions([finding]) == [(3, 1, 3, 9)]
    assert "copy requirements.txt on their own first" in finding.help
    check_fix(SPLIT, SPLIT_FIXED, context_dir=context)
    assert lint(SPLIT, "LL101", context_dir=context)[0].fix is None  # LL101 cannot fix it


def test_no_split_without_the_build_context() -> None:
    assert lint(SPLIT, CODE) == []  # requirements.txt might hold `-e .`


@pytest.mark.parametrize(
    "files",
    [
        {"requirements.txt": "-e .\n", "setup.py": ""},  # the install builds the project
        {"requirements.txt": "flask\n", "logs/keep": ""},  # COPY . . brings a /app/logs
    ],
)
def test_no_split_when_the_context_says_no(tmp_path: Path, files: dict[str, str]) -> None:
    text = SPLIT.replace("RUN mkdir -p /var/log/app", "RUN mkdir -p /app/logs")
    assert lint(text, CODE, context_dir=make_context(tmp_path, files)) == []


def test_node_split_needs_node_modules_out_of_the_context(tmp_path: Path) -> None:
    text = (
        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN mkdir -p /var/log/app\n"
        'RUN npm ci\nCMD ["node", "index.js"]\n'
    )
    clean = make_context(
        tmp_path / "clean",
        {"package.json": '{"name": "x"}\n', "package-lock.json": "{}\n", "index.js": ""},
    )
    fixed = fix(text, CODE, unsafe=True, context_dir=clean)
    assert "COPY package.json package-lock.json* ./\nRUN npm ci\nCOPY . .\n" in fixed or (
        "COPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n" in fixed
    )
    dirty = make_context(
        tmp_path / "dirty",
        {"package.json": '{"name": "x"}\n', "package-lock.json": "{}\n", "node_modules/a": ""},
    )
    assert lint(text, CODE, context_dir=dirty) == []


# --- other rules' fixes come first, when those rules run ---------------------------------


def lint_together(
    text: str, codes: tuple[str, ...], *, builder: str = "buildkit", context_dir: str | None = None
) -> list:
    """Findings of LL105 when it runs with the rules ``codes`` (as a selection would)."""
    linter = Linter([rule_class(code)() for code in (CODE, *codes)], builder=builder)
    result = linter.lint_text(text, "Dockerfile", context_dir=context_dir)
    return [finding for finding in result.findings if finding.code == CODE]


def test_defers_to_ll101(tmp_path: Path) -> None:
    context = make_context(tmp_path, {"requirements.txt": "flask\n", "app.py": ""})
    text = SPLIT.replace("RUN mkdir -p /var/log/app\n", "")
    assert lint(text, "LL101", context_dir=context)[0].fix is not None
    assert lint_together(text, ("LL101",), context_dir=context) == []
    (alone,) = lint(text, CODE, context_dir=context)  # LL101 not selected: LL105 moves it
    assert alone.fix is not None


def test_defers_to_ll102() -> None:
    text = PER_BUILD_ARG_LATE.replace("ARG GIT_SHA\n", "").replace(
        "FROM python:3.12-slim\n", "FROM python:3.12-slim\nARG GIT_SHA\n"
    )
    assert lint(text, "LL102")[0].fix is not None
    assert lint_together(text, ("LL102",)) == []
    (alone,) = lint(text, CODE)  # LL102 not selected: LL105 makes the move itself
    assert "LL102" not in said(alone)
    fixed = fix(text, CODE, unsafe=True)
    assert fixed.index("RUN pip install") < fixed.index("ARG GIT_SHA")


def test_a_suppressed_finding_does_not_take_its_move(tmp_path: Path) -> None:
    """A comment that suppresses LL101's (or LL102's) finding leaves its move to LL105."""
    context = make_context(tmp_path, {"requirements.txt": "flask\n", "app.py": ""})
    text = SPLIT.replace("RUN mkdir -p /var/log/app\n", "")
    copy = next(line for line in text.splitlines() if line.startswith("COPY"))
    quiet = text.replace(copy, "# lintlayers: ignore=LL101\n" + copy, 1)
    assert lint(quiet, "LL101", context_dir=context) == []
    (moved,) = lint_together(quiet, ("LL101",), context_dir=context)
    assert moved.fix is not None
    per_build = PER_BUILD_ARG_LATE.replace("ARG GIT_SHA\n", "").replace(
        "FROM python:3.12-slim\n",
        "FROM python:3.12-slim\n# lintlayers: ignore=LL102\nARG GIT_SHA\n",
    )
    (alone,) = lint_together(per_build, ("LL102",))
    assert "LL102" not in said(alone)


def test_defers_to_ll202_and_says_so() -> None:
    text = (
        "FROM debian:bookworm\nLABEL org.opencontainers.image.version=1.4.2\nEXPOSE 8080\n"
        "WORKDIR /app\nCOPY . /app\nRUN apt-get update && apt-get install -y curl\n"
        'CMD ["/app/run"]\n'
    )
    assert lint(text, "LL202", builder="classic")
    (finding,) = lint_together(text, ("LL202",), builder="classic")
    assert "LL202" not in finding.message
    assert "Line 2 is left to LL202, which reports it." in finding.help  # EXPOSE is static
    linter = Linter([rule_class(CODE)(), rule_class("LL202")()], builder="classic")
    fixed = fix_to_fixed_point(
        text,
        lambda current: _only(linter.lint_text(current, "Dockerfile"), CODE),
        unsafe=True,
    ).text
    assert fixed.splitlines()[1:3] == text.splitlines()[1:3]  # the metadata stays for LL202
    assert fixed.index("RUN apt-get") < fixed.index("COPY . /app")
    (alone,) = lint(text, CODE, builder="classic")  # LL202 not selected
    assert "LL202" not in said(alone)


def test_a_suppressed_ll202_finding_does_not_take_its_move() -> None:
    text = (
        "FROM debian:bookworm\n# lintlayers: ignore=LL202\n"
        "LABEL org.opencontainers.image.version=1.4.2\nEXPOSE 8080\n"
        "WORKDIR /app\nCOPY . /app\nRUN apt-get update && apt-get install -y curl\n"
        'CMD ["/app/run"]\n'
    )
    (finding,) = lint_together(text, ("LL202",), builder="classic")
    assert "left to LL202" not in finding.help


INGRESS_NGINX = "kubernetes__ingress-nginx/rootfs__Dockerfile"
ARGS_THEN_LABELS = """\
FROM alpine:3.20
ARG VERSION
ARG COMMIT_SHA
LABEL org.opencontainers.image.version="${VERSION}"
LABEL org.opencontainers.image.revision="${COMMIT_SHA}"
WORKDIR /etc/nginx
RUN apk update && apk upgrade && apk add --no-cache diffutils
COPY etc /etc
RUN apk add --no-cache libcap && setcap cap_net_bind_service=+ep /bin/x
"""
"""A minimal copy of the ingress-nginx case: per-build ARGs used first by LABELs, which
LL102 reports (without a fix: it says to move the LABELs and the ARGs down)."""


def _one_finding_per_problem(text: str) -> None:
    volatile = lint(text, "LL102")
    assert volatile and all(finding.fix is None for finding in volatile)
    # the reorder moves RUNs above the ARGs: the same problem, LL102's to report
    assert lint_together(text, ("LL102",)) == []
    (alone,) = lint(text, CODE)  # LL102 not selected: LL105 reports and fixes it
    assert alone.fix is not None
    assert "LL102" not in said(alone)


def test_a_per_build_arg_ll102_reports_without_a_fix_is_reported_once() -> None:
    _one_finding_per_problem(ARGS_THEN_LABELS)


def test_corpus_ingress_nginx_args_are_reported_once() -> None:
    path = corpus_root() / "files" / INGRESS_NGINX
    _one_finding_per_problem(path.read_text(encoding="utf-8"))


def test_other_moves_are_still_reported_next_to_ll102() -> None:
    text = ARGS_THEN_LABELS.replace(
        "FROM alpine:3.20\n", "FROM alpine:3.20\nCOPY . /src\nRUN apk add --no-cache git\n"
    )
    (finding,) = lint_together(text, ("LL102",))
    assert "LL102" not in finding.message
    assert "are left to LL102, which reports them." in finding.help
    assert "`COPY . /src` (line 2) moves below `RUN apk add" in finding.help
    fixed = fix(text, CODE, unsafe=True)
    assert fixed.index("RUN apk add --no-cache git") < fixed.index("COPY . /src")


def test_a_rule_left_out_by_the_selection_is_not_deferred_to() -> None:
    text = PER_BUILD_ARG_LATE.replace("ARG GIT_SHA\n", "").replace(
        "FROM python:3.12-slim\n", "FROM python:3.12-slim\nARG GIT_SHA\n"
    )
    linter = Linter([rule_class(CODE)(), rule_class("LL102")()])
    selected = linter.lint_text(text, "Dockerfile", enabled=lambda rule: rule.code != "LL102")
    assert [finding.code for finding in selected.findings] == [CODE]
    assert linter.lint_text(text, "Dockerfile").findings[0].code == "LL102"


@pytest.mark.parametrize("together", [(), ("LL202",)])
def test_classic_static_metadata_stays_where_it_is(together: tuple[str, ...]) -> None:
    """A maintainer label and a port never change between builds: moving them saves
    nothing, whether LL202 runs or not (the corpus's SeleniumHQ and couchdb images)."""
    text = (
        'FROM debian:bookworm\nLABEL maintainer="Jane <jane@example.com>"\nEXPOSE 8080\n'
        "RUN apt-get update && apt-get install -y --no-install-recommends curl gcc\n"
        "RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /opt\n"
        'RUN pip install --no-cache-dir flask\nCMD ["flask"]\n'
    )
    assert lint_together(text, together, builder="classic") == []
    assert lint_together(text, together, builder="buildkit") == []


def test_classic_static_metadata_in_the_corpus_is_not_moved() -> None:
    path = corpus_root() / "files" / "SeleniumHQ__docker-selenium/NodeBase__Dockerfile"
    text = path.read_text(encoding="utf-8")
    assert lint(text, CODE, builder="classic") == []


def _only(result: LintResult, code: str) -> LintResult:
    """``result`` with the violations of ``code`` alone (the fixes to apply)."""
    result.violations = [(rule, found) for rule, found in result.violations if rule.code == code]
    return result
