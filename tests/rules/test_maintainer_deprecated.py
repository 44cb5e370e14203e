"""LL201 maintainer-deprecated."""

from __future__ import annotations

import pytest
from rule_harness import fix, lint, onbuild, positions, said

from lintlayers.model.variables import expand
from lintlayers.syntax.parser import parse
from lintlayers.syntax.words import unquote

CODE = "LL201"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FROM alpine\nMAINTAINER Jane <jane@example.com>\n", [(2, 1, 2, 11)]),
        ("FROM alpine\nmaintainer jane\n", [(2, 1, 2, 11)]),
        ("FROM alpine\n  Maintainer jane\n", [(2, 3, 2, 13)]),
        ("FROM alpine\r\nMAINTAINER jane\r\nRUN true\r\n", [(2, 1, 2, 11)]),
        ("FROM alpine\nMAINTAINER Jane \\\n  <jane@example.com>\n", [(2, 1, 2, 11)]),
        (
            "FROM alpine AS a\nMAINTAINER one\nFROM a\nRUN true\nMAINTAINER two",
            [(2, 1, 2, 11), (5, 1, 5, 11)],
        ),
        ("MAINTAINER before-from\nFROM alpine\n", [(1, 1, 1, 11)]),
    ],
)
def test_reports_maintainer(text: str, expected: list[tuple[int, int, int, int]]) -> None:
    findings = lint(text, CODE)
    assert positions(findings) == expected
    assert all(finding.code == CODE for finding in findings)
    assert all(finding.severity == "warning" for finding in findings)


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nLABEL maintainer=jane\n",
        'FROM alpine\nLABEL org.opencontainers.image.authors="Jane Doe"\n',
        "FROM alpine\n# MAINTAINER jane\nRUN echo MAINTAINER\n",
        "FROM alpine\nRUN echo ok \\\n  MAINTAINER jane\n",
        "FROM alpine\nENV MAINTAINER=jane\n",
    ],
)
def test_passes(text: str) -> None:
    assert lint(text, CODE) == []


def test_message_names_the_replacement_label() -> None:
    [finding] = lint('FROM alpine\nMAINTAINER Jane "JD" Doe\n', CODE)
    assert 'LABEL maintainer="Jane \\"JD\\" Doe"' in said(finding)
    assert "deprecated" in finding.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "FROM alpine\nMAINTAINER Jane Doe <jane@example.com>\nRUN true\n",
            'FROM alpine\nLABEL maintainer="Jane Doe <jane@example.com>"\nRUN true\n',
        ),
        (
            "from alpine\nmaintainer jane\nrun true\n",
            'from alpine\nlabel maintainer="jane"\nrun true\n',
        ),
        (  # mixed-case keyword: the file's majority decides
            "from alpine\nMaintainer jane\nrun true\n",
            'from alpine\nlabel maintainer="jane"\nrun true\n',
        ),
        (
            "FROM alpine\nMaintainer jane\nRUN true\n",
            'FROM alpine\nLABEL maintainer="jane"\nRUN true\n',
        ),
        (
            "FROM alpine\r\nMAINTAINER jane\r\nRUN true\r\n",
            'FROM alpine\r\nLABEL maintainer="jane"\r\nRUN true\r\n',
        ),
        (
            "FROM alpine\nMAINTAINER jane",
            'FROM alpine\nLABEL maintainer="jane"',
        ),
        (
            "FROM alpine\n    MAINTAINER jane   \n",
            'FROM alpine\n    LABEL maintainer="jane"\n',
        ),
        (
            "FROM alpine\nMAINTAINER Jane \\\n    <jane@example.com>\nRUN true\n",
            'FROM alpine\nLABEL maintainer="Jane     <jane@example.com>"\nRUN true\n',
        ),
        (
            'FROM alpine\nMAINTAINER a "b" \\c $HOME ${X} `d`\n',
            'FROM alpine\nLABEL maintainer="a \\"b\\" \\\\c \\$HOME \\${X} `d`"\n',
        ),
        (
            '# escape=`\nFROM alpine\nMAINTAINER a "b" \\c $HOME `d\n',
            '# escape=`\nFROM alpine\nLABEL maintainer="a `"b`" \\c `$HOME ``d"\n',
        ),
    ],
)
def test_fix(text: str, expected: str) -> None:
    fixed = fix(text, CODE)
    assert fixed == expected
    assert lint(fixed, CODE) == []
    assert fix(fixed, CODE) == fixed  # idempotent


@pytest.mark.parametrize(
    "maintainer",
    [
        "Jane Doe <jane@example.com>",
        'Jane "JD" Doe',
        "C:\\Users\\jane",
        "costs $5 or ${PRICE}",
        "it's `quoted` 'twice'",
        "trailing backslash \\\\",
    ],
)
@pytest.mark.parametrize("escape", ["\\", "`"])
def test_fixed_label_holds_the_same_text(maintainer: str, escape: str) -> None:
    directive = "" if escape == "\\" else "# escape=`\n"
    text = f"{directive}FROM alpine\nMAINTAINER {maintainer}\n"
    original = next(i for i in parse(text).instructions if i.keyword == "MAINTAINER")
    fixed = parse(fix(text, CODE))
    [label] = [i for i in fixed.instructions if i.keyword == "LABEL"]
    [pair] = label.pairs
    assert pair.key == "maintainer"
    # LABEL expands variables and then drops quotes: the result must be the literal text
    assert unquote(expand(pair.value_raw, {"PRICE": "7", "HOME": "/root"}, escape), escape) == (
        original.arguments
    )


def test_fix_is_safe_and_replaces_only_the_instruction() -> None:
    [finding] = lint("FROM alpine\nMAINTAINER jane\n", CODE)
    assert finding.fix is not None
    assert finding.fix.applicability == "safe"
    [edit] = finding.fix.edits
    assert (edit.location.line, edit.location.column) == (2, 1)
    assert (edit.end_location.line, edit.end_location.column) == (2, 16)
    assert edit.content == 'LABEL maintainer="jane"'


def test_no_fix_when_a_comment_sits_inside_the_continuation() -> None:
    text = "FROM alpine\nMAINTAINER jane \\\n# the address\n  <jane@example.com>\n"
    [finding] = lint(text, CODE)
    assert finding.fix is None
    assert fix(text, CODE) == text


def test_empty_maintainer_is_reported_without_fix() -> None:
    [finding] = lint("FROM alpine\nMAINTAINER\n", CODE)
    assert finding.fix is None
    assert [f.code for f in lint("FROM alpine\nMAINTAINER\n", "LL001")] == ["LL001"]


def test_onbuild_maintainer_is_left_to_the_parse_error_rule() -> None:
    text = "FROM alpine\n" + onbuild("MAINTAINER jane") + "\n"
    assert lint(text, CODE) == []
    assert fix(text, CODE) == text
    [error] = lint(text, "LL001")
    assert "MAINTAINER as an ONBUILD trigger isn't allowed" in error.message
    assert positions([error]) == [(2, 9, 2, 19)]


def test_hadolint_pragma_suppresses_it() -> None:
    text = "FROM alpine\n# hadolint ignore=DL4000\nMAINTAINER jane\n"
    assert lint(text, CODE) == []


def test_reported_under_both_builders() -> None:
    text = "FROM alpine\nMAINTAINER jane\n"
    assert len(lint(text, CODE, builder="classic")) == 1
    assert len(lint(text, CODE, builder="buildkit")) == 1


def test_corpus_fixes_keep_the_maintainer_text() -> None:
    from corpus_support import corpus_files, decode

    fixed_files = 0
    for path in corpus_files():
        text, _ = decode(path.read_bytes())
        if not lint(text, CODE):
            continue
        kept = {
            finding.location.line for finding in lint(text, CODE) if "deprecated" in finding.message
        }  # the others are in stages no shipped image builds on: deleted
        dockerfile = parse(text)
        originals = [
            i.arguments
            for i in dockerfile.instructions
            if i.keyword == "MAINTAINER" and i.start_line in kept
        ]
        fixed = parse(fix(text, CODE))
        assert [i for i in fixed.instructions if i.keyword == "MAINTAINER"] == [], path
        values = [
            unquote(expand(pair.value_raw or "", {}, fixed.escape), fixed.escape)
            for instruction in fixed.instructions
            if instruction.keyword == "LABEL"
            for pair in instruction.pairs
            if pair.key == "maintainer"
        ]
        assert all(original in values for original in originals), path
        fixed_files += 1
    assert fixed_files >= 20


def test_a_stage_no_shipped_image_builds_on_loses_its_author() -> None:
    """A builder stage's metadata is discarded: the advice is to delete the instruction."""
    text = (
        "FROM golang:1.22 AS builder\n"
        "MAINTAINER Jane <jane@example.com>\n"
        "RUN go build -o /app .\n"
        "FROM scratch\n"
        "COPY --from=builder /app /app\n"
    )
    [finding] = lint(text, CODE)
    assert finding.message.startswith("MAINTAINER in a stage no shipped image builds on")
    assert 'put `LABEL maintainer="Jane <jane@example.com>"` in the stage that ships' in said(
        finding
    )
    assert fix(text, CODE) == text.replace("MAINTAINER Jane <jane@example.com>\n", "")
    built_on = text.replace("FROM scratch\n", "FROM builder\n")
    [shipped] = lint(built_on, CODE)
    assert shipped.message.startswith("MAINTAINER is deprecated")
    assert "LABEL maintainer=" in fix(built_on, CODE)


def test_corpus_builder_stage_maintainer() -> None:
    from corpus_support import corpus_root

    path = corpus_root() / "files" / "jessfraz__dockerfiles" / "viewdocs__Dockerfile"
    text = path.read_text(encoding="utf-8")
    [finding] = lint(text, CODE)
    assert (finding.location.line, finding.fix is not None) == (2, True)
    assert "no shipped image" in finding.message
    fixed = parse(fix(text, CODE))
    assert not [i for i in fixed.instructions if i.keyword in ("MAINTAINER", "LABEL")]
