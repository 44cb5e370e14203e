"""model.context_inputs: whether a step can see files of the build context."""

from __future__ import annotations

import pytest

from lintlayers.context import RuleContext
from lintlayers.model.context_inputs import sees_build_context
from lintlayers.model.steps import sequences
from lintlayers.syntax.parser import parse


def _last_step_sees(text: str) -> bool:
    """Whether the last step of the last stage sees the build context."""
    context = RuleContext(parse(text))
    steps = [steps for steps in sequences(context) if not steps[-1].onbuild][-1]
    return sees_build_context(context, steps[-1])


@pytest.mark.parametrize(
    ("body", "sees"),
    [
        ("FROM golang\nRUN git clone --branch v1.2 https://x/y.git . && go build\n", False),
        ("FROM golang\nCOPY . .\nRUN go build\n", True),
        ("FROM golang\nCOPY go.mod go.sum ./\nRUN go mod download\n", True),
        ("FROM golang\nRUN go build\nCOPY . .\n", True),  # the COPY is this last step
        ("FROM golang\nRUN go mod download\nCOPY . .\nRUN true\n", True),
        ("FROM golang\nADD https://x/y.tgz /src/\nRUN go build\n", False),
        ("FROM golang\nADD https://github.com/o/r.git#v1.2.3 /src\nRUN go build\n", False),
        ("FROM golang\nCOPY <<EOF /main.go\npackage main\nEOF\nRUN go build\n", False),
        ("FROM golang\nCOPY --from=tools:1 /bin/x /bin/\nRUN go build\n", False),  # an image
        ("FROM golang\nRUN --mount=type=bind,target=/src go build\n", True),
        ("FROM golang\nRUN --mount=target=/src go build\n", True),  # bind is the default
        ("FROM golang\nRUN --mount=type=cache,target=/go/pkg/mod go build\n", False),
        ("FROM golang\nRUN --mount=type=secret,id=t go build\n", False),
        ("FROM golang\nCOPY --from=$BUILDER /src /src\nRUN go build\n", True),  # maybe a stage
        ("FROM golang\nONBUILD COPY . .\nRUN go build\n", False),  # the child's context
    ],
)
def test_a_step_in_one_stage(body: str, sees: bool) -> None:
    assert _last_step_sees(body) is sees


@pytest.mark.parametrize(
    ("body", "sees"),
    [
        ("FROM alpine AS src\nCOPY . /src\nFROM golang\nCOPY --from=src /src .\nRUN go build\n",
         True),
        ("FROM alpine AS src\nRUN git clone https://x/y.git /src\n"
         "FROM golang\nCOPY --from=src /src .\nRUN go build\n", False),
        ("FROM golang AS base\nCOPY go.mod .\nFROM base\nRUN go build\n", True),
        ("FROM golang AS base\nRUN true\nFROM base\nRUN go build\n", False),
        ("FROM alpine AS src\nCOPY . /src\nFROM golang\n"
         "RUN --mount=from=src,source=/src,target=/src go build\n", True),
        ("FROM alpine AS src\nRUN true\nFROM golang\n"
         "RUN --mount=from=src,source=/src,target=/src go build\n", False),
    ],
)  # fmt: skip
def test_a_stage_it_builds_on_copies_or_mounts(body: str, sees: bool) -> None:
    assert _last_step_sees(body) is sees


def test_an_onbuild_trigger_sees_the_child_builds_context() -> None:
    context = RuleContext(parse("FROM golang\nONBUILD RUN go build\n"))
    triggers = [step for steps in sequences(context) for step in steps if step.onbuild]
    assert triggers and all(sees_build_context(context, step) for step in triggers)
