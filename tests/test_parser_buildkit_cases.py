"""Cases where BuildKit's parser (moby/buildkit frontend/dockerfile/parser) is the reference.

Each expected answer is what BuildKit's ``parser.Parse`` gives: instruction keyword,
first line and last line. These were found by comparing lintlayers with
dockerfile-parse on the corpus and reading BuildKit's parser source.
"""

from __future__ import annotations

import pytest

from lintlayers.syntax import parse


def rows(text: str) -> list[tuple[str, int, int]]:
    return [(i.keyword, i.start_line, i.end_line) for i in parse(text).instructions]


# BuildKit's continuation regex is ``([^\\])\\[ \t]*$|^\\[ \t]*$`` (built from the escape
# token): the final escape character continues the line only when the character before
# it is not the escape character too, or when it stands alone on the line. So a line
# ending in ``\\`` (an escaped backslash, e.g. a Windows path ``C:\\``) ends the
# instruction. This is BuildKit's testfiles/trailing-backslash/Dockerfile (issue
# docker/for-win#5254), whose line 8 reads "ENV D This should not be appended to C";
# the corpus has it, and docker-library/mongo's windows/nanoserver Dockerfiles end a
# COPY with ``C:\\Windows\\System32\\`` followed by a blank line and ``ENV``.
TRAILING_BACKSLASH = (
    "# https://github.com/docker/for-win/issues/5254\n"
    "\n"
    "FROM hello-world\n"
    "\n"
    "ENV A path\n"
    "ENV B another\\\\path\n"
    "ENV C trailing\\\\backslash\\\\\n"
    "ENV D This should not be appended to C\n"
    "ENV E hello\\\n"
    "\\\n"
    "world\n"
    "ENV F hello\\\n"
    " \\\n"
    "world\n"
    "ENV G hello \\\n"
    "\\\n"
    "world\n"
)


def test_escaped_backslash_at_line_end_is_not_a_continuation():
    assert rows(TRAILING_BACKSLASH) == [
        ("FROM", 3, 3),
        ("ENV", 5, 5),
        ("ENV", 6, 6),
        ("ENV", 7, 7),
        ("ENV", 8, 8),
        ("ENV", 9, 11),
        ("ENV", 12, 14),
        ("ENV", 15, 17),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "FROM windows\nCOPY a.dll C:\\\\Windows\\\\\n\nENV B 1\n",
            [("FROM", 1, 1), ("COPY", 2, 2), ("ENV", 4, 4)],
            id="windows-path-then-blank-line",
        ),
        pytest.param(
            "# escape=`\nFROM windows\nRUN echo ``\nENV B 1\n",
            [("FROM", 2, 2), ("RUN", 3, 3), ("ENV", 4, 4)],
            id="escaped-backtick",
        ),
        pytest.param(
            # BuildKit's own comment: "foo \\\" is not handled as a continuation either
            "FROM a\nRUN echo foo \\\\\\\nENV B 1\n",
            [("FROM", 1, 1), ("RUN", 2, 2), ("ENV", 3, 3)],
            id="three-backslashes",
        ),
    ],
)
def test_escaped_escape_at_line_end_ends_the_instruction(text, expected):
    assert rows(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "FROM a\nRUN echo a \\\n\\\n  b\n",
            [("FROM", 1, 1), ("RUN", 2, 4)],
            id="lone-escape-line-continues",
        ),
        pytest.param(
            "FROM a\n\\\nRUN echo b\n",
            [("FROM", 1, 1), ("RUN", 2, 3)],
            id="lone-escape-line-starts-instruction",
        ),
        pytest.param(
            "FROM a\nRUN echo a\\\n  b\n",
            [("FROM", 1, 1), ("RUN", 2, 3)],
            id="escape-after-other-character",
        ),
    ],
)
def test_single_escape_at_line_end_continues(text, expected):
    assert rows(text) == expected


# BuildKit looks for here-documents with its shell lexer over the whole line, quotes
# kept (``heredocsFromLine``: RawQuotes), and matches ``^(\d*)<<(-?)([^<]*)$`` against
# each *word*. A ``<<EOF`` inside a quoted string is part of a word that starts with the
# quote, so it is no here-document; lintlayers splits RUN arguments on whitespace only,
# finds ``<<EOF`` and then reads the rest of the file as an unterminated body.


@pytest.mark.parametrize(
    "run",
    [
        pytest.param('RUN sh -c "cat <<EOF >/etc/motd"', id="double-quoted-middle"),
        pytest.param('RUN bash -c "cat <<EOF"', id="double-quoted-end"),
        pytest.param("RUN sh -c 'cat <<EOF >/etc/motd'", id="single-quoted-middle"),
        pytest.param("RUN echo '<<EOF'", id="single-quoted-word"),
    ],
)
def test_heredoc_marker_inside_quotes_is_not_a_heredoc(run):
    text = f"FROM a\n{run}\nRUN echo next\nEOF\n"
    dockerfile = parse(text)
    assert rows(text) == [("FROM", 1, 1), ("RUN", 2, 2), ("RUN", 3, 3), ("EOF", 4, 4)]
    assert dockerfile.instructions[1].heredocs == []
    assert not dockerfile.instructions[1].errors


def test_heredoc_marker_outside_quotes_still_is_a_heredoc():
    text = 'FROM a\nRUN echo "x y" <<EOF >/etc/motd\nhello\nEOF\nRUN echo next\n'
    dockerfile = parse(text)
    assert rows(text) == [("FROM", 1, 1), ("RUN", 2, 4), ("RUN", 5, 5)]
    assert [h.name for h in dockerfile.instructions[1].heredocs] == ["EOF"]


# Current BuildKit also accepts whitespace between ``<<`` and the delimiter: its shell
# lexer keeps the blanks after ``<<`` in the same word (``processPossibleHeredoc``) and
# ``reHeredoc`` is ``^(\d*)<<(-?)\s*([^<]*)$``. BuildKit's TestParseExtractsHeredoc parses
# ``RUN <<  EOF`` and ``RUN <<  EOF  > foo`` as here-documents named ``EOF``.


@pytest.mark.parametrize(
    "run",
    [
        pytest.param("RUN << EOF", id="one-space"),
        pytest.param("RUN <<  EOF", id="two-spaces"),
        pytest.param("RUN <<  EOF  > foo", id="two-spaces-then-redirect"),
    ],
)
def test_heredoc_delimiter_may_follow_whitespace(run):
    text = f"FROM a\n{run}\necho hi\nEOF\nRUN echo next\n"
    dockerfile = parse(text)
    assert rows(text) == [("FROM", 1, 1), ("RUN", 2, 4), ("RUN", 5, 5)]
    heredocs = dockerfile.instructions[1].heredocs
    assert [(h.name, h.content) for h in heredocs] == [("EOF", "echo hi\n")]
