"""LL202 metadata-before-layers (classic builders only): metadata that changes with every
build, before layer steps that would not re-run otherwise."""

from __future__ import annotations

import pytest
from corpus_support import corpus_root
from rule_harness import fix, lint, onbuild, positions

from lintlayers.model.stages import build_model
from lintlayers.model.variables import expand
from lintlayers.syntax.parser import parse
from lintlayers.syntax.words import unquote

CODE = "LL202"
CLASSIC = "classic"


def lint_classic(text: str):
    return lint(text, CODE, builder=CLASSIC)


def fix_classic(text: str, *, unsafe: bool = True) -> str:
    return fix(text, CODE, builder=CLASSIC, unsafe=unsafe)


def image_config(text: str) -> list[dict[str, object]]:
    """What each stage's image ends up with, and the steps that build it, in order."""
    dockerfile = parse(text)
    escape = dockerfile.escape
    model = build_model(dockerfile)
    stages = []
    for stage in model.stages:
        config: dict[str, object] = {"labels": {}, "expose": [], "volumes": [], "onbuild": []}
        steps: list[str] = []
        shell = None
        cmd_set = False
        for instruction, scope in model.walk(stage):
            values = scope.values()

            def value(raw: str, values: dict[str, str] = values) -> str:
                return unquote(expand(raw, values, escape), escape)

            keyword = instruction.keyword
            form = instruction.json_args or (shell, instruction.arguments)
            if keyword == "LABEL":
                for pair in instruction.pairs:
                    config["labels"][value(pair.key)] = value(pair.value_raw or "")
            elif keyword in ("EXPOSE", "VOLUME"):
                target = "expose" if keyword == "EXPOSE" else "volumes"
                config[target].extend(value(word.raw) for word in instruction.words)
            elif keyword == "CMD":
                config["cmd"] = form
                cmd_set = True
            elif keyword == "ENTRYPOINT":
                config["entrypoint"] = form
                if not cmd_set:
                    config["cmd"] = None
            elif keyword == "HEALTHCHECK":
                config["healthcheck"] = (shell, instruction.raw.strip())
            elif keyword in ("STOPSIGNAL", "MAINTAINER"):
                config[keyword] = value(instruction.arguments)
            elif keyword == "ONBUILD":
                config["onbuild"].append(instruction.arguments)
            else:
                if keyword == "SHELL":
                    shell = instruction.json_args
                steps.append(instruction.raw.strip())
        config["steps"] = steps
        config["expose"] = sorted(config["expose"])
        stages.append(config)
    return stages


# -- findings ---------------------------------------------------------------

SHA = "FROM debian:bookworm\nARG GIT_SHA\n"
"""A stage with a per-build argument; its next line is line 3."""


@pytest.mark.parametrize(
    ("declare", "line"),
    [
        ("ARG GIT_SHA", "LABEL revision=$GIT_SHA"),
        ("ARG VCS_REF", "LABEL org.label-schema.vcs-ref=${VCS_REF}"),
        ("ARG BUILD_DATE", 'LABEL org.opencontainers.image.created="${BUILD_DATE}"'),
        ("ARG VERSION", "LABEL org.opencontainers.image.version=$VERSION"),  # unpinned
        ("ARG VERSION=dev", "LABEL version=$VERSION"),  # a placeholder default
        ("ARG RELEASE", 'LABEL title="app" release=${RELEASE}'),
        ("ARG APP_GIT_SHA", "LABEL revision=$APP_GIT_SHA"),
        ("ARG GIT_COMMIT", "EXPOSE 80 ${GIT_COMMIT}"),
    ],
)
@pytest.mark.parametrize("step", ["RUN make", "COPY . /src", "ADD app.tar.gz /"])
def test_reports_metadata_fed_by_a_per_build_argument(declare: str, line: str, step: str) -> None:
    text = f"FROM debian:bookworm\n{declare}\n{line}\n{step}\n"
    findings = lint_classic(text)
    assert positions(findings) == [(3, 1, 3, 1 + len(line))]
    [finding] = findings
    name = declare.split()[1].split("=")[0]
    keyword = line.split()[0]
    assert finding.message == (
        f"{keyword} changes with every build ({name}) and re-runs the next step (classic)"
    )
    assert finding.severity == "warning"
    assert finding.fix is not None
    assert finding.fix.applicability == "unsafe"
    assert "Move it below the last RUN/COPY/ADD/WORKDIR" in finding.help


def test_an_env_taking_a_per_build_value_feeds_it_too() -> None:
    text = SHA + "ENV COMMIT=$GIT_SHA\nLABEL revision=$COMMIT\nRUN make\nCOPY . /app\n"
    [finding] = lint_classic(text)
    assert finding.message == (
        "LABEL changes with every build (COMMIT) and re-runs 2 later steps (classic)"
    )


@pytest.mark.parametrize(
    ("line", "release"),
    [
        ("LABEL version=1.2.3", "1.2.3"),
        ('LABEL org.opencontainers.image.version="v1.4.2"', "1.4.2"),
        ('LABEL title="app" release=2.0.0-rc1', "2.0.0-rc1"),
    ],
)
@pytest.mark.parametrize("step", ["RUN make\nCOPY . /src", "COPY . /src"])
def test_reports_a_release_written_in_a_version_label(line: str, release: str, step: str) -> None:
    """An image of the build context's own code (it copies the whole context): the label
    names its release, and a bump re-runs the steps between them for nothing."""
    text = f"FROM debian:bookworm\n{line}\nWORKDIR /app\n{step}\n"
    [finding] = lint_classic(text)
    assert positions([finding]) == [(2, 1, 2, 1 + len(line))]
    steps = step.count("\n") + 2
    assert finding.message == (
        f"LABEL changes with release {release} and re-runs {steps} later steps (classic)"
    )
    assert fix_classic(text) == f"FROM debian:bookworm\nWORKDIR /app\n{step}\n{line}\n"


@pytest.mark.parametrize(
    "steps",
    [
        "RUN curl -fsSLO https://example.com/tool.zip && unzip tool.zip\n",
        "ADD sources /build\nRUN msiexec /i C:\\build\\tool.msi /qn\n",
        "RUN make\nCOPY src/ /src/\n",
        "RUN make\nCOPY --from=build / /\n",
    ],
)
def test_a_release_label_of_software_the_image_installs_is_not_reported(steps: str) -> None:
    """No COPY of the whole context after it: the label names the software the steps
    install, and a bump edits those steps too (or the label goes stale: the classic
    census of tests/data/labeled_findings.tsv, 0 of 8 such labels worth moving)."""
    assert lint_classic(f"FROM debian:bookworm\nLABEL version=1.2.3\n{steps}") == []


@pytest.mark.parametrize(
    "line",
    [
        'LABEL org.opencontainers.image.title="My app" version=2',
        'LABEL version="latest"',
        'LABEL maintainer="Jane <jane@example.com>"',
        "EXPOSE 8080/tcp",
        'CMD ["app", "--serve"]',
        "CMD app --serve $GIT_SHA",  # expanded when the container runs, not by the build
        'ENTRYPOINT ["/entrypoint.sh"]',
        "HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1",
        "HEALTHCHECK NONE",
        "STOPSIGNAL SIGTERM",
        "MAINTAINER Jane <jane@example.com>",
        "ONBUILD COPY . /app",
        "ONBUILD LABEL revision=$GIT_SHA",
        "VOLUME /data",
    ],
)
@pytest.mark.parametrize("step", ["RUN make", "COPY . /src", "ADD app.tar.gz /", "WORKDIR /app"])
def test_static_metadata_is_not_reported(line: str, step: str) -> None:
    """Practically never edited: moving it saves nothing (the labeled corpus sample)."""
    assert lint_classic(f"{SHA}{line}\n{step}\n") == []


@pytest.mark.parametrize(
    "text",
    [
        # a value written in the file: only an edit of the declaration changes it, and
        # that edit re-runs everything after the declaration anyway (erlang, solr)
        "FROM debian\nENV OTP_VERSION=26.2\nLABEL version=$OTP_VERSION\nRUN make\n",
        "FROM debian\nARG VERSION=1.4.2\nLABEL version=$VERSION\nRUN make\n",
        "FROM debian\nARG GIT_SHA=0123abc\nLABEL revision=$GIT_SHA\nRUN make\n",
        # a release bump edits an earlier line too: everything after it re-runs anyway
        "FROM node:18.2.0\nLABEL version=18.2.0\nRUN make\n",
        "FROM debian\nENV CADDY_VERSION=v2.11.2\nLABEL version=v2.11.2\nRUN make\n",
        "FROM debian\nRUN curl -O https://example.com/app-1.4.2.tgz\nLABEL version=1.4.2\n"
        "COPY . /app\n",
        # ... or the next costly step
        "FROM debian\nLABEL version=1.4.2\nWORKDIR /src\n"
        "RUN curl -O https://example.com/app-1.4.2.tgz\nCOPY . /app\n",
        # not a per-build name: passed the same on every build (selenium's AUTHORS)
        "FROM debian\nARG AUTHORS\nLABEL authors=$AUTHORS\nRUN make\n",
        "FROM debian\nARG git_sha\nLABEL revision=$git_sha\nRUN make\n",
        # the next costly step uses the variable: it re-runs anyway
        SHA + "LABEL revision=$GIT_SHA\nRUN echo $GIT_SHA > /revision\nCOPY . /app\n",
        "FROM debian\nARG VERSION\nLABEL version=$VERSION\nWORKDIR /src\n"
        "RUN curl -fsSLO https://example.com/app-${VERSION}.tar.gz\n",
        SHA + "LABEL revision=$GIT_SHA\nCOPY app-${GIT_SHA}.tar.gz /\n",
        # an earlier step uses it: every later step re-runs anyway
        SHA + "RUN echo $GIT_SHA > /revision\nLABEL revision=$GIT_SHA\nCOPY . /app\n",
        SHA + "WORKDIR /src/$GIT_SHA\nLABEL revision=$GIT_SHA\nRUN make\n",
        # only a WORKDIR would re-run
        SHA + "LABEL revision=$GIT_SHA\nWORKDIR /app\n",
        SHA + "RUN make\nLABEL revision=$GIT_SHA\nWORKDIR /app\n",
        # after the last layer step already
        SHA + 'RUN make\nLABEL revision=$GIT_SHA\nCMD ["app"]\n',
        # the expanded value would change below the last step
        SHA + "LABEL v=$GIT_SHA\nARG GIT_SHA=fixed\nRUN make\n",
        # would jump over an unmoved instruction whose order against it matters
        SHA + "LABEL a=$GIT_SHA\nENV V=1\nLABEL a=$V\nENV V=2\nRUN make\n",
        SHA + "LABEL a=$GIT_SHA\nLABEL a=static\nRUN make\n",
        # broken instructions are LL001's
        SHA + "LABEL novalue\nRUN make\n",
    ],
)
def test_passes(text: str) -> None:
    assert lint_classic(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # multi-line: the first line, without the continuation
            SHA + "LABEL a=$GIT_SHA \\\n      b=2\nRUN make\n",
            [(3, 1, 3, 17)],
        ),
        (
            "FROM debian\r\nARG GIT_SHA\r\n  label a=$GIT_SHA   \\\r\n  b=2\r\nrun make\r\n",
            [(3, 3, 3, 19)],
        ),
        (  # second stage only
            "FROM golang AS build\nARG GIT_SHA\nRUN go build\nLABEL stage=$GIT_SHA\n"
            "FROM debian\nARG GIT_SHA\nLABEL a=$GIT_SHA\nCOPY --from=build /app /app\n",
            [(7, 1, 7, 17)],
        ),
        (  # a cache mount does not make a RUN any less a layer step
            SHA + "LABEL a=$GIT_SHA\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
            [(3, 1, 3, 17)],
        ),
        (  # a global ARG declared again in the stage
            "ARG GIT_SHA\nFROM debian\nARG GIT_SHA\nLABEL a=$GIT_SHA\nRUN make\n",
            [(4, 1, 4, 17)],
        ),
        (  # blocks split by a RUN: one finding each
            SHA + "LABEL a=$GIT_SHA\nRUN one\nLABEL b=$GIT_SHA\nCOPY . /app\n",
            [(3, 1, 3, 17), (5, 1, 5, 17)],
        ),
    ],
)
def test_positions(text: str, expected: list[tuple[int, int, int, int]]) -> None:
    assert positions(lint_classic(text)) == expected


def test_one_finding_per_block_of_consecutive_metadata() -> None:
    text = (
        "FROM alpine\nARG VERSION\nARG COMMIT_SHA\nARG BUILD_ID=UNSET\n"
        'LABEL title="static"\n'
        "LABEL version=$VERSION\n"
        "# the commit\n"
        "LABEL revision=${COMMIT_SHA}\n"
        "EXPOSE 80\n"
        "\n"
        'LABEL build_id="${BUILD_ID}"\n'
        "WORKDIR /etc/app\nRUN apk add --no-cache curl\nCOPY etc /etc\n"
    )
    [finding] = lint_classic(text)
    assert finding.location.line == 6  # the first that changes
    assert finding.message == (
        "3 LABELs change with every build (VERSION, COMMIT_SHA, ...) and re-run 3 later "
        "steps (classic)"
    )
    assert fix_classic(text) == (
        "FROM alpine\nARG VERSION\nARG COMMIT_SHA\nARG BUILD_ID=UNSET\n"
        'LABEL title="static"\n'
        "EXPOSE 80\n"
        "\n"
        "WORKDIR /etc/app\nRUN apk add --no-cache curl\nCOPY etc /etc\n"
        "LABEL version=$VERSION\n"
        "# the commit\n"
        "LABEL revision=${COMMIT_SHA}\n"
        'LABEL build_id="${BUILD_ID}"\n'
    )


def test_a_block_of_several_kinds_is_named_by_count() -> None:
    text = SHA + "LABEL a=$GIT_SHA\nEXPOSE 80 $GIT_SHA\nRUN make\n"
    [finding] = lint_classic(text)
    assert finding.message.startswith("2 metadata instructions change with every build (GIT_SHA)")


def test_onbuild_wrapped_layer_steps_are_not_layer_steps() -> None:
    text = SHA + "LABEL a=$GIT_SHA\n" + onbuild("RUN make") + "\n" + onbuild("COPY . /app") + "\n"
    assert lint_classic(text) == []


@pytest.mark.parametrize(
    "text",
    [
        SHA + "LABEL a=$GIT_SHA\nRUN make\n",
        SHA + "VOLUME /data/$GIT_SHA\nLABEL a=$GIT_SHA\nCOPY . /app\n",
    ],
)
def test_not_reported_for_buildkit(text: str) -> None:
    assert lint_classic(text) != []
    assert lint(text, CODE) == []
    assert lint(text, CODE, builder="buildkit") == []
    assert fix(text, CODE, unsafe=True) == text


def test_a_volume_is_reported_but_not_moved() -> None:
    text = SHA + "VOLUME /data/$GIT_SHA\nLABEL a=$GIT_SHA\nRUN make\n"
    [finding] = lint_classic(text)
    assert finding.location.line == 3
    assert finding.fix is not None  # the label moves
    assert "A VOLUME is not moved automatically" in finding.help
    assert fix_classic(text) == SHA + "VOLUME /data/$GIT_SHA\nRUN make\nLABEL a=$GIT_SHA\n"
    [alone] = lint_classic(SHA + "VOLUME /data/$GIT_SHA\nRUN make\n")
    assert alone.fix is None


def test_one_fix_per_stage_shared_by_its_findings() -> None:
    text = (
        SHA + "LABEL a=$GIT_SHA\nRUN one\nEXPOSE $GIT_SHA\nRUN two\n"
        "FROM alpine\nARG BUILD_DATE\nLABEL created=$BUILD_DATE\nRUN y\n"
    )
    findings = lint_classic(text)
    assert len(findings) == 3
    first, second, third = (finding.fix for finding in findings)
    assert first.as_dict() == second.as_dict()
    assert first.as_dict() != third.as_dict()
    assert first.message == "Move the metadata on lines 3, 5 below the RUN on line 6"


# -- fixes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            SHA + 'LABEL a=$GIT_SHA\nEXPOSE 80\nRUN make\nCOPY . /app\nCMD ["app"]\n',
            SHA + 'EXPOSE 80\nRUN make\nCOPY . /app\nLABEL a=$GIT_SHA\nCMD ["app"]\n',
        ),
        (  # comment lines directly above move along; a blank line keeps its place
            SHA + "\n# the revision\n# (set by CI)\nLABEL revision=$GIT_SHA\n\nRUN make\n\n"
            'COPY . /app\n\nCMD ["app"]\n',
            SHA + "\nRUN make\n\nCOPY . /app\n\n# the revision\n# (set by CI)\n"
            'LABEL revision=$GIT_SHA\n\nCMD ["app"]\n',
        ),
        (  # a comment separated by a blank line stays
            SHA + "# build it\n\nLABEL a=$GIT_SHA\nRUN make\n",
            SHA + "# build it\n\nRUN make\nLABEL a=$GIT_SHA\n",
        ),
        (  # CRLF kept, no final newline kept
            "FROM debian\r\nARG GIT_SHA\r\nLABEL a=$GIT_SHA\r\nRUN make\r\nCOPY . /app",
            "FROM debian\r\nARG GIT_SHA\r\nRUN make\r\nCOPY . /app\r\nLABEL a=$GIT_SHA",
        ),
        (  # inserted after the last step's heredoc body
            SHA + "LABEL a=$GIT_SHA\nRUN <<EOF\nmake\nEOF\nUSER app\n",
            SHA + "RUN <<EOF\nmake\nEOF\nLABEL a=$GIT_SHA\nUSER app\n",
        ),
        (  # multi-line instructions move whole, comments inside them too
            SHA + "LABEL a=$GIT_SHA \\\n# inner\n    b=2\nRUN make\n",
            SHA + "RUN make\nLABEL a=$GIT_SHA \\\n# inner\n    b=2\n",
        ),
        (  # placed before the metadata already at the end: relative order is kept
            SHA + "LABEL v=$GIT_SHA\nRUN make\nLABEL v=2\n",
            SHA + "RUN make\nLABEL v=$GIT_SHA\nLABEL v=2\n",
        ),
        (  # ... and before an ENV that redefines what it expands
            SHA + "ENV V=$GIT_SHA\nLABEL v=$V\nRUN make\nENV V=2\n",
            SHA + "ENV V=$GIT_SHA\nRUN make\nLABEL v=$V\nENV V=2\n",
        ),
        (  # every stage gets its own fix
            "FROM golang AS build\nARG GIT_SHA\nLABEL stage=$GIT_SHA\nRUN go build\n"
            "FROM debian\nARG BUILD_DATE\nLABEL created=$BUILD_DATE\n"
            'COPY --from=build /app /app\nCMD ["/app"]\n',
            "FROM golang AS build\nARG GIT_SHA\nRUN go build\nLABEL stage=$GIT_SHA\n"
            "FROM debian\nARG BUILD_DATE\nCOPY --from=build /app /app\n"
            'LABEL created=$BUILD_DATE\nCMD ["/app"]\n',
        ),
        (  # lowercase keywords and indentation are kept verbatim
            "from debian\n  arg GIT_SHA\n  label a=$GIT_SHA\n  run make\n",
            "from debian\n  arg GIT_SHA\n  run make\n  label a=$GIT_SHA\n",
        ),
        (  # a VOLUME stays, the label moves past it
            SHA + "LABEL a=$GIT_SHA\nVOLUME /data\nRUN make\n",
            SHA + "VOLUME /data\nRUN make\nLABEL a=$GIT_SHA\n",
        ),
    ],
)
def test_fix(text: str, expected: str) -> None:
    fixed = fix_classic(text)
    assert fixed == expected
    assert image_config(fixed) == image_config(text)
    assert fix_classic(fixed) == fixed  # idempotent
    assert lint_classic(fixed) == []


def test_fix_is_unsafe_only() -> None:
    text = SHA + "LABEL a=$GIT_SHA\nRUN make\n"
    assert fix_classic(text, unsafe=False) == text
    assert fix_classic(text) == SHA + "RUN make\nLABEL a=$GIT_SHA\n"


def test_fix_keeps_the_file_parsing_and_the_config() -> None:
    text = (
        "# syntax=docker/dockerfile:1\n"
        "ARG BASE=debian\n"
        "FROM ${BASE} AS base\n"
        "MAINTAINER Jane <jane@example.com>\n"
        "ARG GIT_SHA\n"
        "ARG BUILD_DATE\n"
        "LABEL revision=$GIT_SHA \\\n"
        "      org.opencontainers.image.title=app\n"
        "ENV PORT=8080\n"
        "EXPOSE $PORT\n"
        "LABEL created=$BUILD_DATE\n"
        "HEALTHCHECK --interval=5s CMD wget -q localhost:$PORT\n"
        "STOPSIGNAL SIGQUIT\n"
        'ENTRYPOINT ["/entrypoint.sh"]\n'
        "CMD serve\n"
        "ONBUILD COPY . /app\n"
        "VOLUME /var/lib/app/$GIT_SHA\n"
        "WORKDIR /app\n"
        "RUN --mount=type=cache,target=/var/cache/apt apt-get update\n"
        "USER app\n"
        "\n"
        "FROM base\n"
        "LABEL stage=final\n"
        "COPY --from=base /app /app\n"
    )
    assert len(lint_classic(text)) == 2
    fixed = fix_classic(text)
    assert fixed != text
    assert parse(fixed).all_errors() == []
    assert image_config(fixed) == image_config(text)
    [volume] = lint_classic(fixed)
    assert volume.message.startswith("VOLUME changes with every build (GIT_SHA)")
    assert volume.fix is None
    assert sorted(fixed.splitlines()) == sorted(text.splitlines())


# -- the corpus ----------------------------------------------------------------

NOT_WORTH = [
    # the classic rows of tests/data/labeled_findings.tsv judged true-minor: static
    # metadata, a version from an ENV the next RUN uses (erlang), a release a RUN before
    # holds too (caddy, solr), test fixtures
    "GoogleContainerTools__kaniko/integration__dockerfiles__Dockerfile_test_volume_2",
    "GoogleContainerTools__skaffold/examples__react-reload-docker__app__Dockerfile",
    "SeleniumHQ__docker-selenium/EventBus__Dockerfile",
    "SeleniumHQ__docker-selenium/Hub__Dockerfile",
    "SeleniumHQ__docker-selenium/Video__Dockerfile",
    "apache__couchdb-docker/3.3.3__Dockerfile",
    "apache__solr-docker/10.0-slim__Dockerfile",
    "apache__solr-docker/10.0__Dockerfile",
    "caddyserver__caddy-docker/2.11__alpine__Dockerfile",
    "caddyserver__caddy-docker/2.11__windows-nanoserver__ltsc2022__Dockerfile",
    "carlossg__docker-maven/amazoncorretto-21-alpine__Dockerfile",
    "carlossg__docker-maven/amazoncorretto-25-debian__Dockerfile",
    "docker-library__php/8.2__bookworm__apache__Dockerfile",
    "docker-library__postgres/_hist_87b8be7e9b32__9.0__Dockerfile",
    "docker-library__redis/6.2__alpine__Dockerfile",
    "dotnet__dotnet-docker/samples__aspnetapp__Dockerfile.alpine",
    "erlang__docker-erlang-otp/18__Dockerfile",
    "erlang__docker-erlang-otp/26__Dockerfile",
    "jessfraz__dockerfiles/_hist_bafa1304c72a__chrome__beta__Dockerfile",
    "jessfraz__dockerfiles/mitmproxy__Dockerfile",
    "jupyter__docker-stacks/images__base-notebook__Dockerfile",
    "keeganwitt__docker-gradle/jdk24-noble__Dockerfile",
    "moby__buildkit/frontend__dockerfile__parser__testfiles__lk4d4-the-edge-case-generator__Dockerfile",
    "prometheus__prometheus/Dockerfile.distroless",
    "rust-lang__docker-rust/stable__bookworm__slim__Dockerfile",
    "tiangolo__uvicorn-gunicorn-fastapi-docker/docker-images__python3.11.dockerfile",
    # a selenium AUTHORS build argument without default: passed the same every build
    "SeleniumHQ__docker-selenium/NodeBase__Dockerfile",
    # versions from ARG defaults written in the file (apisix, deno)
    "apache__apisix-docker/all-in-one__apisix__Dockerfile",
    "denoland__deno_docker/debian.dockerfile",
    # a release label of the software the image installs: a bump edits its download too,
    # or the label goes stale (MicrosoftDocs samples, mssql preview images)
    "MicrosoftDocs__Virtualization-Documentation/windows-container-samples__apache-http__Dockerfile",
    "MicrosoftDocs__Virtualization-Documentation/windows-container-samples__mongodb__Dockerfile",
    "MicrosoftDocs__Virtualization-Documentation/windows-container-samples__sqlite__Dockerfile",
    "microsoft__mssql-docker/linux__preview__CentOS__Dockerfile",
]


def corpus_text(name: str) -> str:
    return (corpus_root() / "files" / name).read_bytes().decode("utf-8", "surrogateescape")


@pytest.mark.parametrize("name", NOT_WORTH)
def test_corpus_static_metadata_is_not_reported(name: str) -> None:
    assert lint_classic(corpus_text(name)) == []


def test_corpus_ingress_nginx_labels_of_the_build_are_one_finding() -> None:
    """The labeled `worth` row (line 32, `LABEL build_id="${BUILD_ID}"`) is in the block
    of lines 29-32: its finding stands on the block's first changing label."""
    text = corpus_text("kubernetes__ingress-nginx/rootfs__Dockerfile")
    [finding] = lint_classic(text)
    assert finding.location.line == 29
    assert finding.message == (
        "3 LABELs change with every build (VERSION, COMMIT_SHA, ...) and re-run 9 later "
        "steps (classic)"
    )
    fixed = fix_classic(text)
    lines = fixed.splitlines()
    moved = lines.index('LABEL org.opencontainers.image.version="${VERSION}"')
    assert lines[moved : moved + 3] == [
        'LABEL org.opencontainers.image.version="${VERSION}"',
        'LABEL org.opencontainers.image.revision="${COMMIT_SHA}"',
        'LABEL build_id="${BUILD_ID}"',
    ]
    assert moved > max(i for i, line in enumerate(lines) if line.startswith(("RUN", "COPY")))
    assert image_config(fixed) == image_config(text)


def test_corpus_couchdb_release_and_build_date_labels() -> None:
    text = corpus_text("apache__couchdb-docker/3.1.2-ubi__Dockerfile")
    [finding] = lint_classic(text)
    assert finding.location.line == 18
    assert "(RELEASE, BUILD_DATE)" in finding.message


def test_fixes_keep_every_corpus_image_the_same() -> None:
    from corpus_support import corpus_files, decode

    fixed_files = []
    for path in corpus_files():
        text, _ = decode(path.read_bytes())
        findings = lint_classic(text)
        if not any(finding.fix is not None for finding in findings):
            continue
        fixed = fix_classic(text)
        assert fixed != text, path
        assert len(parse(fixed).all_errors()) == len(parse(text).all_errors()), path
        assert image_config(fixed) == image_config(text), path
        assert fix_classic(fixed) == fixed, path
        assert lint_classic(fixed) == [], path
        fixed_files.append(f"{path.parent.name}/{path.name}")
    assert "kubernetes__ingress-nginx/rootfs__Dockerfile" in fixed_files
    assert "apache__couchdb-docker/2.3.1-ubi__Dockerfile" in fixed_files
