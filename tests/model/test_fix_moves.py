"""The model's answers behind LL101/LL102/LL202 and LL105: moves, per-build variables,
environment readers, file-name guesses, and the shared move-with-comments helper."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pytest

from lintlayers.context import RuleContext
from lintlayers.diagnostics import UNSAFE, Edit, Fix, Violation
from lintlayers.engine import Linter
from lintlayers.fixes import apply_fixes
from lintlayers.model.environment import environment_reader, environment_readers
from lintlayers.model.file_names import looks_like_file
from lintlayers.model.install_moves import install_moves
from lintlayers.model.metadata import metadata_moves
from lintlayers.model.volatile import is_volatile_name, volatile_instructions
from lintlayers.model.volatile_moves import volatile_lines
from lintlayers.rule import Rule
from lintlayers.source import SourceText
from lintlayers.syntax.layout import move_edits
from lintlayers.syntax.parser import parse_source


def context_of(text: str, builder: str = "buildkit") -> RuleContext:
    return RuleContext(parse_source(SourceText(text, "Dockerfile")), builder=builder)


@pytest.mark.parametrize(
    ("name", "is_file"),
    [
        ("Makefile", True),
        ("Gemfile", True),
        ("Containerfile", True),
        ("app.py", True),
        ("package.json", True),
        ("Cargo.LOCK", True),
        (".npmrc", True),
        (".env", True),
        (".nvmrc", True),
        (".python-version", True),
        ("MLX_VERSION", True),  # capitals: a file by convention
        ("CODEOWNERS", True),
        ("Podfile", True),  # capitalized ``...file``
        ("cpanfile", True),  # the ecosystem table's manifests and lockfiles
        ("build.sbt", True),
        ("NuGet.Config", True),
        ("packages.config", True),
        ("foo.cabal", True),
        ("cabal.project", True),
        ("dotnet-tools.json", True),
        (".env.production", True),  # a variant of a file
        ("Dockerfile.dev", True),
        ("config.json.example", True),
        ("demo.proto", True),
        ("settings.local", False),  # nothing says file
        ("foo.egg-info", False),
        (".config", False),  # the settings folder
        (".paket", False),  # the table names it as a folder
        ("src", False),
        ("conf.d", False),
        (".github", False),
        ("v1.2", False),
        ("", False),
    ],
)
def test_one_file_name_guess(name: str, is_file: bool) -> None:
    assert looks_like_file(name) is is_file


@pytest.mark.parametrize(
    ("command", "reader"),
    [
        ("make build", "make"),
        ("./configure --prefix=/usr", "./configure"),
        ("npm run build", "npm run"),
        ("python setup.py install", "python setup.py"),
        ("python -m build", "python build"),
        ("npm ci", ""),
        ("pip install flask", ""),
        ("python -c 'print(1)'", ""),
        ("apt-get install -y curl", ""),
    ],
)
def test_environment_reader(command: str, reader: str) -> None:
    context = context_of(f"FROM alpine\nRUN {command}\n")
    (run,) = context.instructions("RUN")
    assert environment_reader(context, run) == reader


def test_environment_readers_are_answered_once_per_file() -> None:
    context = context_of("FROM alpine\nRUN make\nONBUILD RUN ./build.sh\n")
    readers = context.analysis(environment_readers)
    assert sorted(readers.values()) == ["./build.sh", "make"]
    assert context.analysis(environment_readers) is readers


@pytest.mark.parametrize(
    ("name", "known", "volatile"),
    [
        ("GIT_SHA", (), True),
        ("APP_GIT_COMMIT", (), True),
        ("LUAROCKS_SHA", ("LUAROCKS_VERSION",), False),
        ("git_sha", (), False),
        ("NODE_VERSION", (), False),
    ],
)
def test_volatile_names(name: str, known: tuple[str, ...], volatile: bool) -> None:
    assert is_volatile_name(name, frozenset(known)) is volatile


def test_volatile_declarations_and_their_moves() -> None:
    text = (
        "FROM python:3.12-slim\nARG GIT_SHA\nARG VERSION=1.4.2\nRUN pip install flask\n"
        "COPY . /app\nLABEL revision=$GIT_SHA\n"
    )
    context = context_of(text)
    arg = context.dockerfile.instructions[1]
    assert volatile_instructions(context) == frozenset({id(arg)})
    (line,) = volatile_lines(context)
    assert line.instruction is arg
    assert line.moves
    assert line.destination == 4  # just before the LABEL that uses it
    assert volatile_lines(context) is volatile_lines(context)  # once per file


def test_a_volatile_line_used_at_once_does_not_move() -> None:
    (line,) = volatile_lines(context_of("FROM alpine\nARG GIT_SHA\nRUN echo $GIT_SHA\n"))
    assert not line.reported
    assert not line.moves


def test_metadata_moves_keep_the_order_that_matters() -> None:
    text = (
        "FROM debian\nARG GIT_SHA\nLABEL a=$GIT_SHA\nEXPOSE $GIT_SHA\nLABEL a=$X\n"
        "VOLUME /data/$GIT_SHA\nLABEL static=1\nARG X=2\nRUN true\n"
    )
    (stage,) = metadata_moves(context_of(text, "classic"))
    reported = [stage.instructions[index].keyword for index in stage.reported]
    assert reported == ["EXPOSE", "VOLUME"]  # LABEL a=$GIT_SHA cannot jump over LABEL a=$X
    assert [item.keyword for item in stage.moved] == ["EXPOSE"]
    assert stage.blocks == [[2, 4]]  # one run of consecutive metadata: one finding
    assert [change.names for change in stage.changes.values()] == [["GIT_SHA"]] * 3
    assert stage.instructions[stage.last].keyword == "RUN"


def test_install_moves_name_the_copy_and_the_run() -> None:
    text = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    context = context_of(text)
    (move,) = install_moves(context)
    assert (move.copy.keyword, move.copy.start_line) == ("COPY", 3)
    assert (move.run.keyword, move.run.start_line) == ("RUN", 4)


def apply_edits(text: str, edits: list[Edit]) -> str:
    return apply_fixes(text, [Fix("move", edits, UNSAFE)])[0]


def _moved(text: str, moved: list[int], *, before: int = -1, after: int = -1) -> str:
    dockerfile = parse_source(SourceText(text, "Dockerfile"))
    instructions = dockerfile.instructions
    edits = move_edits(
        dockerfile,
        [instructions[index] for index in moved],
        before=instructions[before] if before >= 0 else None,
        after=instructions[after] if after >= 0 else None,
    )
    assert edits is not None
    return apply_edits(text, edits)


def test_move_edits_take_the_comments_and_one_blank_line() -> None:
    text = "FROM a\n\n# why\nARG X\n\nRUN one\n# two\nRUN two\n"
    assert _moved(text, [1], before=3) == "FROM a\n\nRUN one\n# why\nARG X\n# two\nRUN two\n"


def test_move_edits_after_the_last_line_without_a_newline() -> None:
    text = "FROM a\nLABEL x=1\nRUN one"
    assert _moved(text, [1], after=2) == "FROM a\nRUN one\nLABEL x=1"


def test_move_edits_start_a_paragraph_when_asked() -> None:
    text = "FROM a\nLABEL x=1\nEXPOSE 1\nRUN one\n\nFROM b\n"
    dockerfile = parse_source(SourceText(text, "Dockerfile"))
    label, expose, run = dockerfile.instructions[1:4]
    edits = move_edits(dockerfile, [label, expose], after=run, paragraph=True)
    assert edits is not None
    assert apply_edits(text, edits) == "FROM a\nRUN one\n\nLABEL x=1\nEXPOSE 1\n\nFROM b\n"


def test_move_edits_need_one_place() -> None:
    dockerfile = parse_source(SourceText("FROM a\nRUN one\n", "Dockerfile"))
    run = dockerfile.instructions[1]
    assert move_edits(dockerfile, [run]) is None
    assert move_edits(dockerfile, [], after=run) is None


class _Probe(Rule):
    """Reports nothing; records what the context says about other rules.

    ## What it does
    Nothing.
    """

    code = "XX900"
    name = "probe"
    category = "cache"
    severity = "info"
    summary = "probe"
    seen: ClassVar[list[tuple[bool, bool]]] = []

    def check(self, context: RuleContext) -> Iterator[Violation]:
        _Probe.seen.append((context.is_enabled("XX900"), context.is_enabled("LL102")))
        return iter(())


def test_the_engine_tells_a_rule_which_rules_run() -> None:
    assert context_of("FROM a\n").is_enabled("LL102")  # no engine: every rule
    _Probe.seen = []
    linter = Linter([_Probe()])
    linter.lint_text("FROM a\n")
    linter.lint_text("FROM a\n", enabled=lambda rule: False)
    assert _Probe.seen == [(True, False)]
