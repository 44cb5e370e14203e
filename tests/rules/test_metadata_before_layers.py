"""LL202 metadata-before-layers (classic builders only)."""

from __future__ import annotations

import pytest
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


@pytest.mark.parametrize(
    "line",
    [
        "LABEL version=1.2.3",
        'LABEL org.opencontainers.image.title="My app" version=2',
        "EXPOSE 8080/tcp",
        'CMD ["app", "--serve"]',
        "CMD app --serve",
        'ENTRYPOINT ["/entrypoint.sh"]',
        "HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1",
        "HEALTHCHECK NONE",
        "STOPSIGNAL SIGTERM",
        "MAINTAINER Jane <jane@example.com>",
        "ONBUILD COPY . /app",
        "ONBUILD RUN make",
        "VOLUME /data",
    ],
)
@pytest.mark.parametrize("step", ["RUN make", "COPY . /src", "ADD app.tar.gz /", "WORKDIR /app"])
def test_reports_metadata_before_a_layer_step(line: str, step: str) -> None:
    text = f"FROM debian:bookworm\n{line}\n{step}\n"
    findings = lint_classic(text)
    assert positions(findings) == [(2, 1, 2, 1 + len(line))]
    [finding] = findings
    keyword = line.split()[0]
    assert finding.message.startswith(f"{keyword} before the {step.split()[0]} on line 3")
    assert finding.message.endswith("editing it re-runs the step after it (classic builders)")
    assert finding.severity == "warning"
    if keyword == "VOLUME":
        assert finding.fix is None
        assert "cannot change files under its path" in finding.help
    else:
        assert finding.fix is not None
        assert finding.fix.applicability == "unsafe"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # every metadata instruction before the last layer step, not the ones after
            'FROM debian\nLABEL a=1\nRUN one\nEXPOSE 80\nCOPY . /app\nCMD ["app"]\n',
            [(2, 1, 2, 10), (4, 1, 4, 10)],
        ),
        (  # multi-line: the first line, without the continuation
            "FROM debian\nLABEL a=1 \\\n      b=2\nRUN make\n",
            [(2, 1, 2, 10)],
        ),
        (
            "FROM debian\r\n  label a=1   \\\r\n  b=2\r\nrun make\r\n",
            [(2, 3, 2, 12)],
        ),
        (  # second stage only
            "FROM golang AS build\nRUN go build\nLABEL stage=build\n"
            "FROM debian\nLABEL a=1\nCOPY --from=build /app /app\n",
            [(5, 1, 5, 10)],
        ),
        (  # a cache mount does not make a RUN any less a layer step
            "FROM python\nLABEL a=1\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
            [(2, 1, 2, 10)],
        ),
        (  # JSON CMD is not wrapped by SHELL: movable past it
            'FROM debian\nCMD ["app"]\nSHELL ["/bin/bash", "-c"]\nRUN make\n',
            [(2, 1, 2, 12)],
        ),
        (  # a LABEL expanding an ENV that does not change before the last step
            "FROM debian\nENV VERSION=1.2\nLABEL version=$VERSION\nRUN make\n",
            [(3, 1, 3, 23)],
        ),
        (  # a LABEL fed by an ARG: movable too (LL102 reports the ARG itself)
            "FROM debian\nARG GIT_SHA\nLABEL revision=${GIT_SHA}\nRUN make\n",
            [(3, 1, 3, 26)],
        ),
        (  # different label keys can swap
            "FROM debian\nLABEL a=1\nENV V=1\nLABEL b=$V\nENV V=2\nRUN make\n",
            [(2, 1, 2, 10)],
        ),
    ],
)
def test_positions(text: str, expected: list[tuple[int, int, int, int]]) -> None:
    assert positions(lint_classic(text)) == expected


def test_onbuild_wrapped_layer_steps_are_not_layer_steps() -> None:
    text = "FROM debian\nLABEL a=1\n" + onbuild("RUN make") + "\n" + onbuild("COPY . /app") + "\n"
    assert lint_classic(text) == []


def test_onbuild_metadata_is_movable() -> None:
    text = "FROM debian\n" + onbuild("LABEL a=1") + "\nRUN make\n"
    [finding] = lint_classic(text)
    assert positions([finding]) == [(2, 1, 2, 18)]
    assert fix_classic(text) == "FROM debian\nRUN make\nONBUILD LABEL a=1\n"


@pytest.mark.parametrize(
    "text",
    [
        'FROM debian\nRUN make\nLABEL a=1\nEXPOSE 80\nCMD ["app"]\n',
        "FROM debian\nLABEL a=1\nEXPOSE 80\n",
        'FROM debian\nENV A=1\nARG B=2\nUSER app\nSHELL ["/bin/sh", "-c"]\nRUN make\n',
        "ARG VERSION=1\nFROM debian\nRUN make\n",
        # the expanded value would change below the last step
        "FROM debian\nENV V=1\nLABEL v=$V\nENV V=2\nRUN make\n",
        "FROM debian\nLABEL v=${V:-none}\nARG V=1\nRUN make\n",
        "FROM debian\nEXPOSE $PORT\nENV PORT=8080\nRUN make\n",
        "FROM debian\nSTOPSIGNAL $SIG\nARG SIG\nRUN make\n",
        # a shell-form command would be wrapped by another SHELL
        'FROM debian\nCMD app --serve\nSHELL ["/bin/bash", "-c"]\nRUN make\n',
        'FROM debian\nENTRYPOINT exec app\nSHELL ["/bin/bash", "-c"]\nRUN make\n',
        'FROM debian\nHEALTHCHECK CMD curl -f localhost\nSHELL ["pwsh", "-c"]\nRUN make\n',
        # would jump over an unmovable instruction whose order against it matters
        "FROM debian\nLABEL a=1\nENV V=1\nLABEL a=$V\nENV V=2\nRUN make\n",
        "FROM debian\nLABEL a=1\nLABEL $K=2\nARG K=a\nRUN make\n",
        'FROM debian\nCMD ["one"]\nCMD two\nSHELL ["/bin/bash", "-c"]\nRUN make\n',
        # broken instructions are LL001's
        "FROM debian\nEXPOSE\nRUN make\n",
        "FROM debian\nONBUILD FROM alpine\nRUN make\n",
        "FROM debian\nLABEL novalue\nRUN make\n",
    ],
)
def test_passes(text: str) -> None:
    assert lint_classic(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian\nLABEL a=1\nRUN make\n",
        'FROM debian\nVOLUME /data\nEXPOSE 80\nCMD ["app"]\nCOPY . /app\n',
        "FROM debian\nMAINTAINER jane\nONBUILD RUN x\nWORKDIR /app\n",
    ],
)
def test_not_reported_for_buildkit(text: str) -> None:
    assert lint_classic(text) != []
    assert lint(text, CODE) == []
    assert lint(text, CODE, builder="buildkit") == []
    assert fix(text, CODE, unsafe=True) == text


def test_volume_is_reported_but_other_metadata_moves_past_it() -> None:
    text = "FROM debian\nVOLUME /data\nLABEL a=1\nRUN make\n"
    findings = lint_classic(text)
    assert positions(findings) == [(2, 1, 2, 13), (3, 1, 3, 10)]
    assert [finding.fix is None for finding in findings] == [True, False]
    assert fix_classic(text) == "FROM debian\nVOLUME /data\nRUN make\nLABEL a=1\n"


def test_one_fix_per_stage_shared_by_its_findings() -> None:
    text = 'FROM debian\nLABEL a=1\nEXPOSE 80\nRUN make\nFROM alpine\nCMD ["x"]\nRUN y\n'
    findings = lint_classic(text)
    assert len(findings) == 3
    first, second, third = (finding.fix for finding in findings)
    assert first.as_dict() == second.as_dict()
    assert first.as_dict() != third.as_dict()
    assert first.message == "Move the metadata on lines 2, 3 below the RUN on line 4"


# -- fixes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'FROM debian\nLABEL a=1\nEXPOSE 80\nRUN make\nCOPY . /app\nCMD ["app"]\n',
            'FROM debian\nRUN make\nCOPY . /app\nLABEL a=1\nEXPOSE 80\nCMD ["app"]\n',
        ),
        (  # comment lines directly above move along; a blank line keeps its place
            "FROM debian\n\n# the version\n# (bumped by CI)\nLABEL version=1\n\nRUN make\n\n"
            'COPY . /app\n\nCMD ["app"]\n',
            "FROM debian\n\nRUN make\n\nCOPY . /app\n\n# the version\n# (bumped by CI)\n"
            'LABEL version=1\n\nCMD ["app"]\n',
        ),
        (  # a comment separated by a blank line stays
            "FROM debian\n# build it\n\nLABEL a=1\nRUN make\n",
            "FROM debian\n# build it\n\nRUN make\nLABEL a=1\n",
        ),
        (  # CRLF kept, no final newline kept
            "FROM debian\r\nLABEL a=1\r\nRUN make\r\nCOPY . /app",
            "FROM debian\r\nRUN make\r\nCOPY . /app\r\nLABEL a=1",
        ),
        (  # inserted after the last step's heredoc body
            "FROM debian\nEXPOSE 80\nRUN <<EOF\nmake\nEOF\nUSER app\n",
            "FROM debian\nRUN <<EOF\nmake\nEOF\nEXPOSE 80\nUSER app\n",
        ),
        (  # an ONBUILD with a heredoc moves whole
            "FROM debian\nONBUILD RUN <<EOF\nmake\nEOF\nRUN true\n",
            "FROM debian\nRUN true\nONBUILD RUN <<EOF\nmake\nEOF\n",
        ),
        (  # multi-line instructions move whole, comments inside them too
            "FROM debian\nLABEL a=1 \\\n# inner\n    b=2\nRUN make\n",
            "FROM debian\nRUN make\nLABEL a=1 \\\n# inner\n    b=2\n",
        ),
        (  # placed before the metadata already at the end: relative order is kept
            'FROM debian\nLABEL v=1\nCMD ["old"]\nRUN make\nLABEL v=2\nCMD ["new"]\n',
            'FROM debian\nRUN make\nLABEL v=1\nCMD ["old"]\nLABEL v=2\nCMD ["new"]\n',
        ),
        (  # ... and before an ENV that redefines what it expands
            "FROM debian\nENV V=1\nLABEL v=$V\nRUN make\nENV V=2\n",
            "FROM debian\nENV V=1\nRUN make\nLABEL v=$V\nENV V=2\n",
        ),
        (  # every stage gets its own fix
            "FROM golang AS build\nLABEL stage=build\nRUN go build\n"
            'FROM debian\nEXPOSE 80\nCOPY --from=build /app /app\nCMD ["/app"]\n',
            "FROM golang AS build\nRUN go build\nLABEL stage=build\n"
            'FROM debian\nCOPY --from=build /app /app\nEXPOSE 80\nCMD ["/app"]\n',
        ),
        (  # lowercase keywords and indentation are kept verbatim
            "from debian\n  label a=1\n  run make\n",
            "from debian\n  run make\n  label a=1\n",
        ),
        (  # a VOLUME stays, the label moves past it
            "FROM debian\nLABEL a=1\nVOLUME /data\nRUN make\n",
            "FROM debian\nVOLUME /data\nRUN make\nLABEL a=1\n",
        ),
    ],
)
def test_fix(text: str, expected: str) -> None:
    fixed = fix_classic(text)
    assert fixed == expected
    assert image_config(fixed) == image_config(text)
    assert fix_classic(fixed) == fixed  # idempotent
    assert all(finding.fix is None for finding in lint_classic(fixed))


def test_fix_is_unsafe_only() -> None:
    text = "FROM debian\nLABEL a=1\nRUN make\n"
    assert fix_classic(text, unsafe=False) == text
    assert fix_classic(text) == "FROM debian\nRUN make\nLABEL a=1\n"


def test_fix_keeps_the_file_parsing_and_the_config() -> None:
    text = (
        "# syntax=docker/dockerfile:1\n"
        "ARG BASE=debian\n"
        "FROM ${BASE} AS base\n"
        "MAINTAINER Jane <jane@example.com>\n"
        "ARG GIT_SHA\n"
        "LABEL revision=$GIT_SHA \\\n"
        "      org.opencontainers.image.title=app\n"
        "ENV PORT=8080\n"
        "EXPOSE $PORT\n"
        "HEALTHCHECK --interval=5s CMD wget -q localhost:$PORT\n"
        "STOPSIGNAL SIGQUIT\n"
        'ENTRYPOINT ["/entrypoint.sh"]\n'
        "CMD serve\n"
        "ONBUILD COPY . /app\n"
        "VOLUME /var/lib/app\n"
        "WORKDIR /app\n"
        "RUN --mount=type=cache,target=/var/cache/apt apt-get update\n"
        "USER app\n"
        "\n"
        "FROM base\n"
        "LABEL stage=final\n"
        "COPY --from=base /app /app\n"
    )
    fixed = fix_classic(text)
    assert fixed != text
    assert parse(fixed).all_errors() == []
    assert image_config(fixed) == image_config(text)
    [volume] = lint_classic(fixed)
    assert volume.message.startswith("VOLUME before the WORKDIR")
    assert sorted(fixed.splitlines()) == sorted(text.splitlines())


def test_fixes_keep_every_corpus_image_the_same() -> None:
    from corpus_support import corpus_files, decode

    fixed_files = 0
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
        assert all(finding.fix is None for finding in lint_classic(fixed)), path
        fixed_files += 1
    assert fixed_files > 100
