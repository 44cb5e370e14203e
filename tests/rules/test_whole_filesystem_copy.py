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


@pytest.mark.parametrize(
    "text",
    [
        "FROM scratch AS xx\nCOPY xx-* /usr/bin/\nFROM alpine\nCOPY --from=xx / /\n",
        "FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.6.1 AS xx\n"
        "FROM golang:1.26-alpine\nCOPY --from=xx / /\n",
        "FROM python:3.10-alpine\nCOPY --from=gloursdocker/docker / /\n",
    ],
)
def test_passes_a_root_built_from_scratch(text: str) -> None:
    assert lint(text, CODE) == []


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        # the Docker CLI tools of the dev environments, a FROM-scratch bundle
        ("docker__awesome-compose/flask-redis__Dockerfile", []),
        # FROM tonistiigi/xx AS xx, and xx's own `FROM scratch AS xx` / `AS sdk-extras`
        ("docker__compose/Dockerfile", []),
        ("tonistiigi__xx/src__Dockerfile", []),
        # the build stage's root over the same base: reported
        ("home-assistant__docker-base/python__3.14__Dockerfile", [156]),
        # line 61 copies jemalloc's root into `merge`, whose layers never ship (line 128
        # flattens it into the image, onto the base: reported)
        ("home-assistant__docker-base/alpine__Dockerfile", [128]),
    ],
)
def test_corpus_cases(name: str, lines: list[int]) -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / name
    findings = lint(path.read_text(encoding="utf-8"), CODE)
    assert [f.location.line for f in findings] == lines


def test_passes_a_stage_whose_layers_never_ship() -> None:
    """home-assistant's alpine image: `merge` takes a build stage's whole root, and the
    image takes `merge`'s final files alone (`COPY --from=merge / /`), never its layers;
    an ONBUILD trigger ships in the images built on this one."""
    merge = (
        "FROM alpine:3.20 AS build\nRUN apk add --no-cache make\n"
        "FROM alpine:3.20 AS merge\nCOPY --from=build / /\n"
        "FROM alpine:3.20\nCOPY --from=merge /usr/lib /usr/lib\n"
    )
    assert lint(merge, CODE) == []
    shipped = merge.replace("COPY --from=merge /usr/lib /usr/lib", "RUN true")
    assert [
        f.location.line
        for f in lint(shipped.replace("FROM alpine:3.20\nRUN", "FROM merge\nRUN"), CODE)
    ] == [4]
    trigger = merge.replace("COPY --from=build / /", "ONBUILD COPY --from=build / /")
    assert [f.location.line for f in lint(trigger, CODE)] == [4]
