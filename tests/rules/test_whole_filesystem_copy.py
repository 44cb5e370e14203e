"""LL314 whole-filesystem-copy."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, said

CODE = "LL314"
BUILD = "FROM alpine:3.20 AS build\nRUN apk add --no-cache curl\n"


@pytest.mark.parametrize(
    ("tail", "shared"),
    [
        ("FROM alpine:3.20\nCOPY --from=build / /\n", True),
        ("FROM alpine:3.20\nCOPY --from=build /. /\n", True),
        ("FROM alpine:3.20\nCOPY --from=build . /\n", True),
        ("FROM debian:12\nCOPY --from=build / /\n", False),
        ("FROM alpine:3.20\nCOPY --from=docker:27-cli / /\n", False),
    ],
)
def test_reports(tail: str, shared: bool) -> None:
    [finding] = lint(BUILD + tail, CODE)
    assert finding.location.line == 4
    assert ("built on alpine:3.20 too" in said(finding)) is shared
    assert fix(BUILD + tail, CODE, unsafe=True) == BUILD + tail


@pytest.mark.parametrize(
    "tail",
    [
        "FROM scratch\nCOPY --from=build / /\n",
        "FROM alpine:3.20\nCOPY --from=build /usr/bin/curl /usr/bin/\n",
        "FROM alpine:3.20\nCOPY --from=build / /rootfs/\n",
        "FROM alpine:3.20\nCOPY . /\n",
    ],
)
def test_passes(tail: str) -> None:
    assert lint(BUILD + tail, CODE) == []


def test_corpus_flask_redis_copies_a_whole_image() -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "docker__awesome-compose" / "flask-redis__Dockerfile"
    findings = lint(path.read_text(encoding="utf-8"), CODE)
    assert [f.location.line for f in findings] == [27]
