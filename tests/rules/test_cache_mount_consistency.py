"""No rule contradicts a cache mount: every rule together on Dockerfiles that use them.

A cache mount is how BuildKit keeps package caches out of the image while reusing them
between builds. Advice to delete what a mount holds (``rm -rf`` of its path, ``npm cache
clean``, ``apt-get clean``...) or to disable the cache (``pip --no-cache-dir``, ``apk
--no-cache``) defeats it, in a message or in a fix.
"""

from __future__ import annotations

import re

import pytest
from rule_harness import said

from lintlayers.engine import Linter
from lintlayers.fixes import fix_to_fixed_point
from lintlayers.model.paths import is_within, normalize
from lintlayers.registry import load_rules

APT = "--mount=type=cache,target=/var/cache/apt,sharing=locked"
APT_LISTS = "--mount=type=cache,target=/var/lib/apt,sharing=locked"

# (Dockerfile, the cache kinds it mounts, where)
SNIPPETS: list[tuple[str, dict[str, str]]] = [
    (
        f"FROM debian\nRUN {APT} {APT_LISTS} apt-get update && apt-get install -y gcc curl\n"
        "COPY . /app\n",
        {"apt": "/var/cache/apt", "apt-lists": "/var/lib/apt"},
    ),
    (
        f"FROM ubuntu:24.04\nRUN {APT_LISTS} apt-get update && apt-get install -y curl\n"
        "RUN rm -rf /var/lib/apt/lists/*\n",
        {"apt-lists": "/var/lib/apt"},
    ),
    (
        f"FROM debian\nRUN {APT_LISTS} apt-get update && apt-get install -y curl "
        "&& rm -rf /var/lib/apt/lists/*\n",
        {"apt-lists": "/var/lib/apt"},
    ),
    (
        "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip "
        "pip install -r requirements.txt\nRUN rm -rf /root/.cache/pip\n",
        {"pip": "/root/.cache/pip"},
    ),
    (
        "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache pip install flask\n",
        {"pip": "/root/.cache"},
    ),
    (  # a mount that misses pip's cache: fix the mount, never add --no-cache-dir
        "FROM python:3.12\nRUN --mount=type=cache,target=/pip-cache pip install flask\n",
        {"pip": "/pip-cache"},
    ),
    (
        "FROM python:3.12\nUSER app\n"
        "RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install --user flask\n",
        {"pip": "/home/app/.cache/pip"},
    ),
    (
        "FROM python:3.12\nENV PIP_CACHE_DIR=/var/pip\n"
        "RUN --mount=type=cache,target=/var/pip pip install flask && pip cache purge\n",
        {"pip": "/var/pip"},
    ),
    (
        "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\n"
        "RUN --mount=type=cache,target=/root/.npm npm ci\nCOPY . .\n",
        {"npm": "/root/.npm"},
    ),
    (
        "FROM node:20\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn "
        "yarn install --frozen-lockfile\nRUN yarn cache clean\n",
        {"yarn": "/usr/local/share/.cache/yarn"},
    ),
    (
        "FROM node:20\nUSER node\nRUN --mount=type=cache,target=/home/node/.npm,uid=1000 "
        "npm install -g serve\n",
        {"npm": "/home/node/.npm"},
    ),
    (
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk "
        "apk update && apk add curl gcc\nCOPY . /app\n",
        {"apk": "/var/cache/apk"},
    ),
    (
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/etc/apk/cache apk add --update curl\n"
        "RUN rm -rf /var/cache/apk/*\n",
        {"apk": "/etc/apk/cache"},
    ),
    (
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\n"
        "RUN --mount=type=cache,target=/root/.cache/go-build "
        "--mount=type=cache,target=/go/pkg/mod go build -o /out/app .\n"
        "RUN go clean -cache -modcache\n",
        {"go": "/root/.cache/go-build", "go-mod": "/go/pkg/mod"},
    ),
    (
        "FROM debian AS build\n"
        f"RUN {APT} {APT_LISTS} apt-get update && apt-get install -y gcc\n"
        "FROM python:3.12-slim\n"
        "ONBUILD RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n"
        f"RUN {APT_LISTS} apt-get update && apt-get install -y libpq5\n",
        {"pip": "/root/.cache/pip", "apt-lists": "/var/lib/apt"},
    ),
    (
        "FROM debian\nRUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update "
        "&& apt-get install -y curl\n",
        {"apt-lists": "/var/lib/apt/lists"},
    ),
]

CLEANERS = {
    "apt": re.compile(r"apt(?:-get)? (?:clean|autoclean|distclean)"),
    "apt-lists": re.compile(r"apt(?:-get)? distclean"),
    "pip": re.compile(r"--no-cache-dir|pip cache (?:purge|remove)|PIP_NO_CACHE_DIR"),
    "npm": re.compile(r"npm cache clean"),
    "yarn": re.compile(r"yarn cache clean"),
    "apk": re.compile(r"--no-cache(?![-\w])|apk cache clean"),
    "go": re.compile(r"go clean -cache"),
    "go-mod": re.compile(r"go clean -modcache"),
}
"""What defeats a cache mount of each kind, if a rule advised it."""
_REMOVED = re.compile(r"\brm(?:\s+-[-\w]+)*((?:\s+[^\s`;&|)]+)+)")


def all_rules_linter(builder: str = "buildkit") -> Linter:
    return Linter([rule_class() for rule_class in load_rules()], builder=builder)


def removed_paths(text: str) -> list[str]:
    """Absolute paths an ``rm`` in ``text`` (a message or an inserted fix) removes."""
    found: list[str] = []
    for match in _REMOVED.finditer(text):
        for value in match.group(1).split():
            if value.startswith("/"):
                found.append(normalize(value.rstrip("*").rstrip("/") or "/"))
    return found


def contradictions(advice: str, mounts: dict[str, str]) -> list[str]:
    """What in ``advice`` (a message or a fix's inserted text) defeats one of ``mounts``."""
    problems: list[str] = []
    for kind, target in mounts.items():
        pattern = CLEANERS.get(kind)
        if pattern is not None:
            problems.extend(f"{kind}: {match!r}" for match in pattern.findall(advice))
        for path in removed_paths(advice):
            if is_within(path, target):
                problems.append(f"{kind}: removes {path} inside the mount {target}")
    return problems


def advice_of(finding) -> list[str]:
    texts = [said(finding)]
    if finding.fix is not None:
        texts.append(finding.fix.message)
        texts.extend(edit.content for edit in finding.fix.edits)
    return texts


@pytest.mark.parametrize("builder", ["buildkit", "classic"])
@pytest.mark.parametrize(("text", "mounts"), SNIPPETS)
def test_no_finding_contradicts_a_cache_mount(
    text: str, mounts: dict[str, str], builder: str
) -> None:
    result = all_rules_linter(builder).lint_text(text, "Dockerfile")
    problems = [
        f"{finding.code} line {finding.location.line}: {problem}"
        for finding in result.findings
        for advice in advice_of(finding)
        for problem in contradictions(advice, mounts)
    ]
    assert problems == []


@pytest.mark.parametrize(("text", "mounts"), SNIPPETS)
def test_fixing_everything_keeps_every_cache_mount(text: str, mounts: dict[str, str]) -> None:
    linter = all_rules_linter()
    outcome = fix_to_fixed_point(
        text, lambda current: linter.lint_text(current, "Dockerfile"), unsafe=True
    )
    for target in mounts.values():
        assert f"target={target}" in outcome.text
    # the fixes add nothing that defeats a mount (the snippet's own commands may)
    before = sorted(contradictions(text, mounts))
    assert sorted(contradictions(outcome.text, mounts)) == before


def test_the_detector_sees_advice_that_defeats_a_mount() -> None:
    """The same Dockerfiles without their mounts draw exactly the advice the test forbids."""
    linter = all_rules_linter()
    cases = [
        ("FROM python:3.12\nRUN pip install flask\n", {"pip": "/root/.cache/pip"}),
        ("FROM debian\nRUN apt-get update && apt-get install -y curl\n", {"apt": "/var/lib/apt"}),
        ("FROM node:20\nRUN npm ci\n", {"npm": "/root/.npm"}),
        ("FROM alpine\nRUN apk update && apk add curl\n", {"apk": "/var/cache/apk"}),
    ]
    for text, mounts in cases:
        findings = linter.lint_text(text, "Dockerfile").findings
        assert any(
            contradictions(advice, mounts) for finding in findings for advice in advice_of(finding)
        ), text


def test_a_pip_mount_on_the_wrong_path_is_still_reported() -> None:
    text = "FROM python:3.12\nRUN --mount=type=cache,target=/pip-cache pip install flask\n"
    findings = [f for f in all_rules_linter().lint_text(text, "Dockerfile").findings]
    [pip] = [finding for finding in findings if finding.code == "LL304"]
    assert "does not hold" in said(pip)
    assert "PIP_CACHE_DIR=/pip-cache" in said(pip)


@pytest.mark.parametrize(
    ("text", "code", "mount"),
    [
        ("FROM debian\nRUN apt-get update && apt-get install -y curl\n", "LL301",
         f"`RUN {APT} {APT_LISTS}`"),
        ("FROM python:3.12\nRUN pip install flask\n", "LL304",
         "`RUN --mount=type=cache,target=/root/.cache/pip`"),
        ("FROM node:20\nRUN npm ci\n", "LL305", "`RUN --mount=type=cache,target=/root/.npm`"),
        ("FROM node:20\nRUN yarn install\n", "LL305",
         "`RUN --mount=type=cache,target=/usr/local/share/.cache/yarn`"),
        ("FROM alpine\nRUN apk add -U curl\n", "LL303",
         "`RUN --mount=type=cache,target=/var/cache/apk`"),
        ("FROM python:3.12\nRUN pip download flask\nRUN rm -rf /root/.cache/pip\n", "LL306",
         "`RUN --mount=type=cache,target=/root/.cache/pip`"),
        # a later removal LL306 leaves to the install's finding, which names it
        ("FROM python:3.12\nRUN pip install flask\nRUN rm -rf /root/.cache/pip\n", "LL304",
         "`RUN --mount=type=cache,target=/root/.cache/pip`"),
    ],
)  # fmt: skip
def test_buildkit_advice_puts_the_cache_mount_first(text: str, code: str, mount: str) -> None:
    findings = all_rules_linter().lint_text(text, "Dockerfile").findings
    [finding] = [f for f in findings if f.code == code]
    # after the problem (up to the first "; "), the cache mount is offered before any
    # cleanup or cache-disabling alternative
    advice = (finding.help or said(finding)).partition("; ")[2]
    assert mount in advice
    alternatives = [
        advice.find(word)
        for word in ("rm -rf", "--no-cache", "cache clean", "clean up in")
        if word in advice
    ]
    assert alternatives and advice.index(mount) < min(alternatives)
    classic = [f for f in all_rules_linter("classic").lint_text(text, "Dockerfile").findings]
    assert all("--mount" not in said(f) for f in classic if f.code == code)
