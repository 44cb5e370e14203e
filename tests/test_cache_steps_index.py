"""The cache plan's shared structures answer as the plain ones they replace (issue 11).

``_State`` finds the COPYs a RUN reads through an index of image paths instead of asking
every earlier COPY; ``KeyNames`` holds a step's ENV names by reference to its stage's.
Both are checked against the direct computation.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lintlayers.cache.steps import KeyNames, _Placed, _State, build_plan
from lintlayers.model.paths import join
from lintlayers.model.stages import build_model
from lintlayers.model.state import UNKNOWN_WORKDIR, State
from lintlayers.syntax.parser import parse

_NAMES = ["a", "b", "app", "src", "x.py", "y.txt", "app-x"]
_ROOTS = ["/", UNKNOWN_WORKDIR, "/app", "/app/src", "/b"]
_part = st.sampled_from(_NAMES)
_path = st.builds(
    lambda root, parts: join(root, "/".join(parts)),
    st.sampled_from(_ROOTS),
    st.lists(_part, max_size=3),
)
_pattern = st.sampled_from([".", "src", "src/*.py", "a/b", "*.txt", "app"])
_placement = st.tuples(
    st.lists(st.tuples(_path, _pattern), max_size=4),
    st.lists(st.tuples(_path, _pattern, st.booleans()), max_size=2),
)
_query = st.one_of(
    _path,
    _path.map(lambda path: path.rstrip("/") + "/"),
    _path.map(lambda path: path.rstrip("/") + "/*.py"),
    _path.map(lambda path: path.rstrip("/") + "/x*/y.txt"),
    st.sampled_from(["/", "/*", "/app*", "/ap?/src", "/[ab]"]),
)


def _state(placements: list[tuple[list, list]], state: _State | None = None) -> _State:
    state = state or _State(State("/", None, True))
    for number, (files, trees) in enumerate(placements, len(state.placed)):
        placed = _Placed(number)  # type: ignore[arg-type]  # any object stands for the step
        for image, context_path in files:
            placed.add(image, context_path)
        placed.trees.extend(trees)
        placed.finish()
        state.place(placed)
    return state


def _every(state: _State, path: str) -> tuple[list[str], list[object]]:
    """What ``lookup`` found before the index: every placement asked in order, from the
    last that put a file at ``path`` when nothing was ever put below it (that file
    replaced what the earlier ones put there)."""
    files: list[str] = []
    steps: list[object] = []
    glob = any(c in path for c in "*?[")
    first = 0
    if not glob and path.strip("/"):  # the root is a folder
        anchors = [
            anchor
            for placed in state.placed
            for anchor in [*placed.images, *(root for root, _, _ in placed.trees)]
        ]
        roots = {root for placed in state.placed for root, _, _ in placed.trees}
        below = path.rstrip("/") + "/"
        if path not in roots and not any(
            anchor != path and anchor.startswith(below) for anchor in anchors
        ):
            first = max(
                (number for number, placed in enumerate(state.placed) if path in placed.images),
                default=0,
            )
    for placed in state.placed[first:]:
        found = placed.lookup_glob(path) if glob else placed.lookup(path)
        if found:
            files.extend(found)
            steps.append(placed.step)
    return files, steps


@settings(max_examples=300, deadline=None)
@given(st.lists(_placement, max_size=6), st.lists(_query, min_size=1, max_size=6))
def test_lookup_through_the_index_finds_what_asking_every_copy_finds(placements, queries):
    state = _state(placements)
    child = _state(placements[:2], state.copy())  # a stage built FROM this one
    for path in queries:
        assert state.lookup(path) == _every(state, path), path
        assert child.lookup(path) == _every(child, path), path


def test_a_run_sees_its_stage_env_names_by_reference():
    text = (
        "FROM alpine\nARG WITH=1\nARG WITHOUT\nENV A=1\nRUN true\nENV B=2 WITHOUT=3\n"
        "RUN echo $B\nRUN ls\nENV A=4\nARG LATE\nRUN true\nFROM alpine\nENV C=1\nRUN true\n"
    )
    plan = build_plan(build_model(parse(text)))
    runs = [step for step in plan.steps() if step.keyword == "RUN"]
    expected = [
        {"WITH", "A"},
        {"WITH", "A", "B", "WITHOUT"},
        {"WITH", "A", "B", "WITHOUT"},
        {"WITH", "A", "B", "WITHOUT"},
        {"C"},
    ]
    passed = [{"WITHOUT"}, set(), set(), {"LATE"}, set()]
    for run, names, only_passed in zip(runs, expected, passed, strict=True):
        assert isinstance(run.variables, KeyNames)
        assert set(run.variables) == names and len(run.variables) == len(names)
        assert all(name in run.variables for name in names)
        assert "NOPE" not in run.variables and "C" not in runs[0].variables
        assert set(run.passed_args) == only_passed
    assert runs[0].variables.order is runs[3].variables.order  # one order per stage
    assert runs[1].variables is runs[2].variables  # one scope, one set
