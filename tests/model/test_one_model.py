"""The cache plan, the size rules' steps and the reorder engine read one model:
the same WORKDIR, the same COPY destinations, the same RUN facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from lintlayers.cache.steps import build_plan
from lintlayers.context import RuleContext
from lintlayers.model.steps import copy_destination, sequences
from lintlayers.reorder.effects import stage_effects
from lintlayers.reorder.pathsets import PathSet
from lintlayers.syntax.parser import parse

EXAMPLES = [
    "FROM scratch\nWORKDIR /app\nCOPY a.txt b/ ./\nWORKDIR sub\nCOPY <<EOF x\nhi\nEOF\n",
    "FROM debian\nARG D=/srv\nWORKDIR $D/app\nCOPY . .\nRUN make\nUSER app\nWORKDIR ~\n",
    'FROM node AS build\nWORKDIR /w\nCOPY ["package.json", "./"]\nRUN npm ci\n'
    'FROM build\nCOPY --from=build /w/node_modules ./nm/\nSHELL ["cmd", "/C"]\nRUN dir\n',
    "FROM alpine\nARG UNKNOWN\nWORKDIR /$UNKNOWN/x\nCOPY --parents a/b.txt ./\n"
    "ADD https://x/y.tgz /opt/\n",
    "FROM scratch\nONBUILD WORKDIR /t\nONBUILD COPY . .\nWORKDIR /after\nCOPY f /g\n",
]
ROOT = Path(__file__).resolve().parent.parent.parent
FILES = sorted(str(path) for path in (ROOT / "examples").rglob("Dockerfile*"))


def _texts() -> list[str]:
    return [*EXAMPLES, *(Path(path).read_text(encoding="utf-8") for path in FILES)]


@pytest.mark.parametrize("text", _texts())
def test_cache_plan_and_steps_see_the_same_workdir_and_destinations(text: str) -> None:
    assert _agree(text)


@pytest.mark.slow
def test_the_corpus_sees_one_workdir_and_one_destination() -> None:
    """Over the real-world corpus (``LINTLAYERS_CORPUS``)."""
    from corpus_support import corpus_files, decode

    for path in corpus_files():
        text, _ = decode(path.read_bytes())
        if not parse(text).all_errors():
            _agree(text)


def _agree(text: str) -> int:
    """How many steps the cache plan and the steps agree on (asserting they do)."""
    context = RuleContext(parse(text))
    plan = build_plan(context.model)
    steps = {
        id(step.instruction): step
        for sequence in sequences(context)
        for step in sequence
        if not step.onbuild
    }
    compared = 0
    for cache_step in plan.steps():
        step = steps.get(id(cache_step.instruction))
        if step is None:
            continue  # FROM
        assert cache_step.workdir == step.workdir, cache_step
        if step.keyword in ("COPY", "ADD") and step.copy_args.file_sources:
            assert cache_step.destination == copy_destination(step), cache_step
        compared += 1
    return compared


@pytest.mark.parametrize("text", _texts())
def test_reorder_engine_writes_the_copy_destination(text: str) -> None:
    context = RuleContext(parse(text))
    for sequence in sequences(context):
        if not sequence or sequence[0].onbuild:
            continue
        stage = sequence[0].stage
        effects = stage_effects(context, stage)
        by_instruction = {id(effect.instruction): effect for effect in effects}
        for step in sequence:
            destination = copy_destination(step) if step.keyword in ("COPY", "ADD") else None
            if destination is None or "\x00" in destination or "$" in destination:
                continue
            effect = by_instruction[id(step.instruction)]
            assert effect.writes.meets(PathSet([destination])) is not None, step
