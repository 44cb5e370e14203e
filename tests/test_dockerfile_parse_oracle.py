"""dockerfile-parse as a differential oracle for the lintlayers parser.

dockerfile-parse (PyPI ``dockerfile-parse``) reads Dockerfiles line by line with a few
regular expressions. Where its grammar is right it must agree with lintlayers on the
instruction sequence: (keyword upper-cased, first line, last line). Where it is known to
be wrong, a reproducer below pins both its wrong answer and lintlayers' right one (the
BuildKit answer), so each test fails if either parser changes. The predicate
``known_dockerfile_parse_bug`` recognizes corpus files that hit one of those bugs; every
other corpus file must give the same instruction sequence in both parsers. The table of
bugs and exclusion counts is in ``docs/dockerfile-parse-oracle.md``.
"""

from __future__ import annotations

import io
import json
import re

from corpus_support import corpus_files, decode
from dockerfile_parse import DockerfileParser

from lintlayers.syntax import parse

Row = tuple[str, int, int]

# --- the two parsers, reduced to (KEYWORD, start line, end line), lines 1-based ----------------


def dfp_structure(data: bytes) -> list[dict[str, object]]:
    """dockerfile-parse's ``structure`` for the bytes ``data``."""
    return DockerfileParser(fileobj=io.BytesIO(data)).structure


def dfp_instructions(data: bytes) -> list[Row]:
    """dockerfile-parse's instructions (its COMMENT entries dropped), lines made 1-based."""
    rows = []
    for item in dfp_structure(data):
        content = str(item["content"])
        if item["instruction"] == "COMMENT" and content.lstrip().startswith("#"):
            continue
        rows.append(
            (str(item["instruction"]), int(item["startline"]) + 1, int(item["endline"]) + 1)
        )
    return rows


def ll_instructions(text: str) -> list[Row]:
    """lintlayers' instructions: (keyword, start line, end line)."""
    return [(i.keyword, i.start_line, i.end_line) for i in parse(text).instructions]


def both(text: str) -> tuple[list[Row], list[Row]]:
    return dfp_instructions(text.encode("utf-8")), ll_instructions(text)


# --- the exclusion predicate ----------------------------------------------------------------------

HEREDOC = "heredoc: dockerfile-parse reads here-document bodies as instructions"
BLANK_LINE_IN_CONTINUATION = (
    "blank line inside a continuation: dockerfile-parse ends the instruction there"
)
CONTINUATION_AT_EOF = "continuation runs to the end of the file: dockerfile-parse drops it"
ARGUMENTLESS_LAST_LINE = (
    "argument-less instruction on a last line without newline: dockerfile-parse drops it"
)
BYTE_ORDER_MARK = "UTF-8 byte-order mark: dockerfile-parse glues it to the first keyword"
ESCAPE_AFTER_CHECK = "escape directive after a check directive: dockerfile-parse misses it"
LONE_TOKEN_CONTINUED = (
    "instruction starts with a lone token ending in the escape character (`\\` alone, `RUN\\`):"
    " dockerfile-parse takes that token as the keyword"
)
ESCAPED_ESCAPE_AT_END = (
    "line ends with an escaped escape character (`C:\\\\`): dockerfile-parse continues the"
    " instruction, BuildKit does not"
)

REASONS = (
    HEREDOC,
    BLANK_LINE_IN_CONTINUATION,
    CONTINUATION_AT_EOF,
    ARGUMENTLESS_LAST_LINE,
    BYTE_ORDER_MARK,
    ESCAPE_AFTER_CHECK,
    LONE_TOKEN_CONTINUED,
    ESCAPED_ESCAPE_AT_END,
)

_DIRECTIVE = re.compile(r"#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_HEREDOC_WORD = re.compile(r"\d*<<-?[^<]+")
_HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})


def known_dockerfile_parse_bug(text: str) -> str | None:
    """The dockerfile-parse bug ``text`` triggers (first one in file order), or None.

    A small line scanner independent of both parsers: it follows continuations the way
    dockerfile-parse does (escape character then any whitespace) and BuildKit's rules
    for directives and here-documents.
    """
    if text.startswith("\ufeff"):
        return BYTE_ORDER_MARK
    lines = text.split("\n")
    ends_with_newline = lines[-1] == ""
    if ends_with_newline:
        lines.pop()
    escape = "\\"
    seen: list[str] = []
    for line in lines:  # parser directives, BuildKit's rules
        match = _DIRECTIVE.match(line.strip())
        name = match.group(1).lower() if match else ""
        if name not in ("syntax", "escape", "check"):
            break
        if name == "escape":
            if "check" in seen:
                return ESCAPE_AFTER_CHECK
            escape = match.group(2) if match.group(2) in ("\\", "`") else escape
        seen.append(name)
    token = re.escape(escape)
    continues = re.compile(token + r"\s*$").search
    escaped_escape = re.compile(token + token + r"\s*$").search
    last = len(lines) - 1
    in_continuation = False
    logical: list[str] = []
    for number, line in enumerate(lines):
        if line.lstrip().startswith("#"):
            continue
        blank = not line.strip()
        if in_continuation:
            if blank:
                if number < last:
                    return BLANK_LINE_IN_CONTINUATION
                in_continuation = False  # a final blank line ends it in both parsers
                continue
            logical.append(line)
        else:
            if blank:
                continue
            words = line.split()
            if len(words) == 1 and continues(line):
                return LONE_TOKEN_CONTINUED
            if number == last and not ends_with_newline and re.fullmatch(r"\s*\S+", line):
                return ARGUMENTLESS_LAST_LINE
            logical = [line]
        if escaped_escape(line):
            return ESCAPED_ESCAPE_AT_END
        in_continuation = continues(line) is not None
        if not in_continuation and _has_heredoc(logical, continues):
            return HEREDOC
    if in_continuation:
        return CONTINUATION_AT_EOF
    return None


def _has_heredoc(lines: list[str], continues) -> bool:
    """True when the logical line is a RUN, COPY or ADD with a here-document word."""
    pieces = []
    for line in lines:
        match = continues(line)
        pieces.append(line[: match.start()] if match else line)
    joined = "".join(pieces)
    if "<<" not in joined:
        return False
    words = _shell_words(joined)
    if words and words[0].upper() == "ONBUILD":
        words = words[1:]
    if not words or words[0].upper() not in _HEREDOC_KEYWORDS:
        return False
    arguments = joined.strip()[len(words[0]) :].strip()
    if arguments.startswith("["):  # exec form never has here-documents
        try:
            json.loads(arguments)
        except ValueError:
            pass
        else:
            return False
    return any(_HEREDOC_WORD.fullmatch(word) for word in words[1:])


def _shell_words(text: str) -> list[str]:
    """Whitespace-separated words, quotes kept and respected (as BuildKit's raw lexer)."""
    words: list[str] = []
    current: list[str] = []
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            current.append(char)
            if char == "\\" and quote == '"' and index + 1 < len(text):
                index += 1
                current.append(text[index])
            elif char == quote:
                quote = ""
        elif char.isspace():
            if current:
                words.append("".join(current))
                current = []
        elif text.startswith("<<", index):  # blanks after ``<<`` stay in the word
            current.append("<<")
            index += 2
            while index < len(text) and text[index] in " \t":
                index += 1
            continue
        else:
            current.append(char)
            if char in "'\"":
                quote = char
            elif char == "\\" and index + 1 < len(text):
                index += 1
                current.append(text[index])
        index += 1
    if current:
        words.append("".join(current))
    return words


# --- reproducers: dockerfile-parse's wrong answer, lintlayers' right one ------------------------


def test_dfp_bug_heredoc_body_becomes_instructions():
    text = 'FROM alpine AS base\nRUN <<EOF\nFROM scratch\necho hi\nEOF\nCMD ["sh"]\n'
    data = text.encode()
    assert dfp_instructions(data) == [
        ("FROM", 1, 1),
        ("RUN", 2, 2),
        ("FROM", 3, 3),
        ("ECHO", 4, 4),
        ("EOF", 5, 5),
        ("CMD", 6, 6),
    ]
    assert DockerfileParser(fileobj=io.BytesIO(data)).parent_images == ["alpine", "scratch"]
    assert ll_instructions(text) == [("FROM", 1, 1), ("RUN", 2, 5), ("CMD", 6, 6)]
    assert parse(text).instructions[1].heredocs[0].content == "FROM scratch\necho hi\n"
    assert known_dockerfile_parse_bug(text) == HEREDOC


def test_dfp_bug_blank_line_inside_continuation_ends_instruction():
    text = "FROM alpine\nRUN apk add \\\n\n    curl\nUSER app\n"
    dfp, ll = both(text)
    assert dfp == [("FROM", 1, 1), ("RUN", 2, 3), ("CURL", 4, 4), ("USER", 5, 5)]
    assert ll == [("FROM", 1, 1), ("RUN", 2, 4), ("USER", 5, 5)]
    assert parse(text).instructions[1].arguments.split() == ["apk", "add", "curl"]
    assert known_dockerfile_parse_bug(text) == BLANK_LINE_IN_CONTINUATION


def test_dfp_bug_continuation_running_to_end_of_file_is_dropped():
    for text in ("FROM alpine\nRUN echo hi \\\n", "FROM alpine\nRUN echo hi \\\n# done\n"):
        dfp, ll = both(text)
        assert dfp == [("FROM", 1, 1)], text
        assert ll == [("FROM", 1, 1), ("RUN", 2, text.count("\n"))], text
        assert known_dockerfile_parse_bug(text) == CONTINUATION_AT_EOF


def test_dfp_bug_argumentless_last_line_is_dropped():
    text = "FROM alpine\nCMD"
    dfp, ll = both(text)
    assert dfp == [("FROM", 1, 1)]
    assert ll == [("FROM", 1, 1), ("CMD", 2, 2)]
    assert known_dockerfile_parse_bug(text) == ARGUMENTLESS_LAST_LINE
    # with a final newline dockerfile-parse keeps it: only the last line is affected
    assert both(text + "\n") == ([("FROM", 1, 1), ("CMD", 2, 2)],) * 2
    assert known_dockerfile_parse_bug(text + "\n") is None


def test_dfp_bug_byte_order_mark_hides_first_from():
    text = "\ufeffFROM alpine\nRUN true\n"
    data = text.encode()
    assert dfp_instructions(data) == [("\ufeffFROM", 1, 1), ("RUN", 2, 2)]
    assert DockerfileParser(fileobj=io.BytesIO(data)).parent_images == []
    assert ll_instructions(text) == [("FROM", 1, 1), ("RUN", 2, 2)]
    assert parse(text).instructions[0].words[0].value == "alpine"
    assert known_dockerfile_parse_bug(text) == BYTE_ORDER_MARK


def test_dfp_bug_byte_order_mark_hides_escape_directive():
    text = "\ufeff# escape=`\nFROM windows\nRUN dir `\n  C:\\\n"
    dfp, ll = both(text)
    assert dfp[0] == ("\ufeff#", 1, 1)  # the directive becomes an instruction
    assert ll == [("FROM", 2, 2), ("RUN", 3, 4)]
    assert parse(text).escape == "`"


def test_dfp_bug_comment_inside_continuation_loses_its_position():
    text = "FROM alpine\nRUN apk add \\\n# the client\n    curl\n"
    items = [(item["instruction"], item["startline"]) for item in dfp_structure(text.encode())]
    # the comment on line 3 (0-based 2) is listed before the RUN that encloses it
    assert items == [("FROM", 0), ("COMMENT", 2), ("RUN", 1)]
    dockerfile = parse(text)
    run = dockerfile.instructions[1]
    comment_offset = text.index("# the client")
    assert (run.start_line, run.end_line) == (2, 4)
    assert run.start < comment_offset < run.end  # the comment stays inside the RUN
    starts = [node.start if hasattr(node, "kind") else node.node_start for node in dockerfile.nodes]
    assert starts == sorted(starts)
    assert run.arguments.split() == ["apk", "add", "curl"]
    assert known_dockerfile_parse_bug(text) is None  # instruction sequence unaffected


def test_dfp_bug_escape_directive_after_check_directive_is_missed():
    body = "FROM windows\nRUN echo `\n    hello\nWORKDIR C:\\app\n"
    text = "# check=skip=all\n# escape=`\n" + body
    dfp, ll = both(text)
    assert dfp == [("FROM", 3, 3), ("RUN", 4, 4), ("HELLO", 5, 5), ("WORKDIR", 6, 6)]
    assert ll == [("FROM", 3, 3), ("RUN", 4, 5), ("WORKDIR", 6, 6)]
    assert parse(text).escape == "`"
    assert known_dockerfile_parse_bug(text) == ESCAPE_AFTER_CHECK
    # after a syntax directive dockerfile-parse does see it: the bug is check-specific
    with_syntax = "# syntax=docker/dockerfile:1\n# escape=`\n" + body
    assert both(with_syntax)[0] == both(with_syntax)[1] == ll
    assert known_dockerfile_parse_bug(with_syntax) is None


def test_dfp_bug_lone_escape_line_becomes_the_keyword():
    text = "FROM alpine\nRUN echo a\n\\\nRUN echo b\n"
    dfp, ll = both(text)
    assert dfp == [("FROM", 1, 1), ("RUN", 2, 2), ("\\", 3, 4)]
    assert ll == [("FROM", 1, 1), ("RUN", 2, 2), ("RUN", 3, 4)]
    assert known_dockerfile_parse_bug(text) == LONE_TOKEN_CONTINUED
    glued = "FROM alpine\nRUN\\\n  echo hi\n"
    dfp, ll = both(glued)
    assert dfp == [("FROM", 1, 1), ("RUN\\", 2, 3)]
    assert ll == [("FROM", 1, 1), ("RUN", 2, 3)]
    assert known_dockerfile_parse_bug(glued) == LONE_TOKEN_CONTINUED


def test_dfp_bug_escaped_escape_at_line_end_continues():
    # BuildKit's continuation regex needs a non-escape character before the final escape
    # (its testfiles/trailing-backslash case): ``C:\\`` ends the instruction.
    text = "FROM windows\nCOPY a.dll C:\\\\Windows\\\\\nENV B 1\n"
    dfp, ll = both(text)
    assert dfp == [("FROM", 1, 1), ("COPY", 2, 3)]
    assert known_dockerfile_parse_bug(text) == ESCAPED_ESCAPE_AT_END
    assert ll == [("FROM", 1, 1), ("COPY", 2, 2), ("ENV", 3, 3)]


def test_dfp_bug_not_utf8_raises():
    data = b"FROM alpine\n# caf\xe9 (Latin-1)\nRUN true\n"
    try:
        dfp_instructions(data)
    except UnicodeDecodeError:
        pass
    else:
        raise AssertionError("dockerfile-parse now decodes non-UTF-8 input")
    text = data.decode("utf-8", "surrogateescape")
    assert ll_instructions(text) == [("FROM", 1, 1), ("RUN", 3, 3)]
    assert parse(text).unparse().encode("utf-8", "surrogateescape") == data


def test_parsers_agree_on_ordinary_dockerfile():
    text = (
        "# syntax=docker/dockerfile:1\n"
        "ARG BASE=alpine\n"
        "FROM ${BASE} AS build\n"
        "# install\n"
        "RUN apk add --no-cache \\\n"
        "      curl \\\n"
        "  # a comment inside\n"
        "      git\n"
        "\n"
        "onbuild run echo hi\n"
        "COPY --from=build /a /b\n"
        "CMD\n"
    )
    dfp, ll = both(text)
    assert dfp == ll
    assert ll == [
        ("ARG", 2, 2),
        ("FROM", 3, 3),
        ("RUN", 5, 8),
        ("ONBUILD", 10, 10),
        ("COPY", 11, 11),
        ("CMD", 12, 12),
    ]
    assert known_dockerfile_parse_bug(text) is None


def test_predicate_recognizes_heredoc_forms():
    for instruction in (
        "RUN <<EOF",
        "RUN << EOF",
        "RUN 3<<EOF cat",
        "COPY <<-'X' <<Y /a",
        "onbuild run <<EOF",
        "RUN --mount=type=cache,target=/c \\\n  <<EOF",
        'RUN echo "a b" <<EOF >/x',
    ):
        text = f"FROM a\n{instruction}\nbody\nEOF\n"
        assert known_dockerfile_parse_bug(text) == HEREDOC, instruction


def test_predicate_ignores_heredoc_like_text_buildkit_ignores():
    # BuildKit finds no here-document here (quoted marker, exec form, here-string, ENV),
    # and dockerfile-parse's answer is BuildKit's. (lintlayers' own answer for the
    # quoted marker is checked in test_parser_buildkit_cases.py.)
    cases = {
        'FROM a\nRUN bash -c "cat <<EOF"\nRUN ["sh", "-c", "cat <<EOF"]\n': "RUN",
        "FROM a\nRUN cat <<<hello\nENV X <<EOF\n": "ENV",
    }
    for text, third in cases.items():
        assert known_dockerfile_parse_bug(text) is None
        assert dfp_instructions(text.encode()) == [("FROM", 1, 1), ("RUN", 2, 2), (third, 3, 3)]


# --- the corpus -----------------------------------------------------------------------------------


def _corpus_comparison() -> tuple[dict[str, list[str]], list[str], list[str]]:
    """(excluded files per reason, compared files, disagreeing compared files)."""
    excluded: dict[str, list[str]] = {reason: [] for reason in REASONS}
    compared: list[str] = []
    disagreeing: list[str] = []
    for path in corpus_files():
        data = path.read_bytes()
        text, valid = decode(data)
        reason = known_dockerfile_parse_bug(text)
        if reason is None and not valid:
            reason = "not UTF-8"
            excluded.setdefault(reason, [])
        if reason is not None:
            excluded[reason].append(str(path))
            continue
        compared.append(str(path))
        dfp, ll = dfp_instructions(data), ll_instructions(text)
        if dfp != ll:
            first = _first_difference(dfp, ll)
            disagreeing.append(
                f"{path}: dfp {dfp[first : first + 2]} / lintlayers {ll[first : first + 2]}"
            )
    return excluded, compared, disagreeing


def _first_difference(left: list[Row], right: list[Row]) -> int:
    for index, (a, b) in enumerate(zip(left, right, strict=False)):
        if a != b:
            return index
    return min(len(left), len(right))


def test_parsers_agree_on_corpus_files_without_known_dockerfile_parse_bugs():
    excluded, compared, disagreeing = _corpus_comparison()
    total = len(compared) + sum(len(files) for files in excluded.values())
    for reason, files in excluded.items():
        print(f"excluded {len(files):4d}  {reason}")
    print(f"compared {len(compared)} of {total} corpus files")
    assert not disagreeing, f"{len(disagreeing)} files disagree:\n" + "\n".join(disagreeing[:20])
    # the oracle is worth something only if it covers most of the corpus
    assert len(compared) >= 0.9 * total, f"only {len(compared)} of {total} files compared"


def test_exclusion_predicate_is_precise_on_the_corpus():
    """Excluded files really do disagree (else the predicate hides comparable files)."""
    needless: list[str] = []
    for path in corpus_files():
        data = path.read_bytes()
        text, valid = decode(data)
        reason = known_dockerfile_parse_bug(text) if valid else None
        if reason is not None and dfp_instructions(data) == ll_instructions(text):
            needless.append(f"{path}: {reason}")
    assert len(needless) <= 3, f"{len(needless)} excluded files agree anyway:\n" + "\n".join(
        needless[:20]
    )
