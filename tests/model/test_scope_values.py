"""model.scope_values: each instruction's variables, walked with one running dict."""

from __future__ import annotations

from lintlayers.model.scope_values import ScopeCursor, walk_values
from lintlayers.model.stages import build_model
from lintlayers.syntax.parser import parse

TEXT = """\
ARG GLOBAL=g
ARG NODEFAULT
FROM debian AS a
ARG GLOBAL
ARG NODEFAULT
ENV A=1 B=$A
ARG A=arg
RUN echo one
ENV A=2 GLOBAL=${GLOBAL}-env
ONBUILD ENV HIDDEN=1
ARG C
ARG C=c B
RUN echo two
FROM a
ENV X=1
RUN echo three
"""


def test_walk_values_are_scope_values_at_every_instruction() -> None:
    model = build_model(parse(TEXT))
    for stage in model.stages:
        expected = [scope.values() for _, scope in model.walk(stage)]
        found = [dict(values) for _, values in walk_values(model, stage)]
        assert found == expected


def test_cursor_answers_in_and_out_of_order() -> None:
    model = build_model(parse(TEXT))
    stage = model.stages[0]
    walked = {id(item): scope.values() for item, scope in model.walk(stage)}
    cursor = ScopeCursor(model)
    runs = [item for item in stage.instructions if item.keyword == "RUN"]
    for run in [*runs, runs[0], *runs]:
        assert cursor.before(stage, run) == walked[id(run)]
    other = model.stages[1].instructions[-1]
    assert cursor.before(stage, other) is None
    assert cursor.before(model.stages[1], other) == {"X": "1"}
