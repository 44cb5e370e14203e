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


def test_each_scope_keeps_its_own_values_while_the_walk_goes_on() -> None:
    """The scopes of a stage share one record of values: a scope taken early still
    answers as it was, in the order a dict of the ARGs updated with the ENVs has."""
    model = build_model(parse(TEXT))
    scopes = {item.start_line: scope for item, scope in model.walk(model.stages[0])}
    first_run, second_run = 8, 13
    before = scopes[first_run]
    assert dict(before.args) == {"GLOBAL": "g", "NODEFAULT": None, "A": "arg"}
    assert dict(before.env) == {"A": "1", "B": "1"}
    assert list(before.values().items()) == [
        ("GLOBAL", "g"), ("A", "1"), ("B", "1"),
    ]  # fmt: skip
    after = scopes[second_run]
    assert dict(after.args) == {"GLOBAL": "g", "NODEFAULT": None, "A": "arg", "C": "c", "B": None}
    assert dict(after.env) == {"A": "2", "B": "1", "GLOBAL": "g-env"}
    assert list(after.values().items()) == [
        ("GLOBAL", "g-env"), ("A", "2"), ("C", "c"), ("B", "1"),
    ]  # fmt: skip
    assert "HIDDEN" not in after.env and "C" not in before.args  # ONBUILD: not here
    assert before.values().get("C") is None and len(before.env) == 2
    assert after.env.names_from(1) == ["B", "GLOBAL"]
    assert scopes[first_run].values() == {"GLOBAL": "g", "A": "1", "B": "1"}
