"""model.stage_files: which build-context files a stage can hold before a step."""

from __future__ import annotations

import pytest

from lintlayers.context import RuleContext
from lintlayers.model.stage_files import stage_files
from lintlayers.model.steps import sequences
from lintlayers.syntax.parser import parse


def _files(text: str, context_dir: str | None = None):
    """The StageFiles before the last step of the first stage."""
    context = RuleContext(parse(text), context_dir=context_dir)
    steps = sequences(context)[0]
    return stage_files(context, steps, len(steps) - 1)


@pytest.mark.parametrize(
    ("body", "none"),
    [
        ("FROM golang\nCOPY main.go go.mod ./\nRUN x\n", True),
        ("FROM golang\nCOPY main.go go.sum ./\nRUN x\n", False),
        ("FROM golang\nCOPY go.* ./\nRUN x\n", False),
        ("FROM golang\nCOPY src src\nRUN x\n", False),  # a folder may hold anything
        ("FROM golang\nRUN y\nCOPY main.go .\nRUN x\n", False),
        ("FROM golang\nCOPY --from=b /go.mod .\nRUN x\n", False),
        ("FROM golang\nADD app.tar.gz .\nRUN x\n", False),
    ],
)
def test_holds_none_without_the_context(body: str, none: bool) -> None:
    assert _files(body).holds_none(("go.sum",)) is none


def test_the_context_tells_what_a_folder_brings(tmp_path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.go").write_text("package main\n")
    body = "FROM golang\nWORKDIR /app\nCOPY src .\nRUN x\n"
    files = _files(body, str(tmp_path))
    assert files.holds_none(("go.sum",))
    tree = files.tree()
    assert tree is not None and tree.read("/app/main.go") == "package main\n"
    (tmp_path / "src" / "deep").mkdir()
    (tmp_path / "src" / "deep" / "go.sum").write_text("")
    assert not _files(body, str(tmp_path)).holds_none(("go.sum",))
    assert _files(body).tree() is None  # no context: no tree
