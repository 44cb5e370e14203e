"""The Dockerfile parser: BuildKit's grammar, exact positions, byte-exact round trip."""

from __future__ import annotations

import pytest

from lintlayers.syntax import parse


def positions(dockerfile, node):
    source = dockerfile.source
    start = source.location(node.start)
    end = source.location(node.end)
    return (start.line, start.column, end.line, end.column)


def keywords(text):
    return [(i.keyword, i.start_line, i.end_line) for i in parse(text).instructions]


def errors(text):
    return [error.message for error in parse(text).all_errors()]


# --- round trip -------------------------------------------------------------------------------

ROUND_TRIP_CASES = [
    "",
    "\n",
    "FROM a",
    "FROM a\n",
    "\ufeffFROM a\r\nRUN b \\\r\n  c\r\n",
    "FROM a\n\n\n# c\n  \t\nRUN x \\\n\n  # c\n y\n",
    "RUN <<EOF\nbody\nEOF\nCMD x\n",
    "RUN <<EOF\nunterminated\n",
    "FROM a\nRUN x \\",
    "# escape=`\nFROM a\nRUN x `\n  y\n",
    "\t FROM\ta\t\n",
    "garbage { [ \" '\n\x01\x7f\n",
]


@pytest.mark.parametrize("text", ROUND_TRIP_CASES)
def test_nodes_tile_the_text_exactly(text):
    dockerfile = parse(text)
    assert dockerfile.unparse() == text
    position = 0
    for node in dockerfile.nodes:
        start = getattr(node, "node_start", getattr(node, "start", None))
        assert start == position
        position += len(node.raw)
    assert position == len(text)


# --- directives ---------------------------------------------------------------------------


def test_directives_are_read_at_the_top_only():
    text = "# syntax=docker/dockerfile:1.7\n# check=skip=JSONArgsRecommended\n# escape=`\nFROM a\n"
    dockerfile = parse(text)
    assert dockerfile.directives["syntax"].value == "docker/dockerfile:1.7"
    assert dockerfile.directives["check"].value == "skip=JSONArgsRecommended"
    assert dockerfile.escape == "`"


def test_escape_directive_after_check_directive_is_honoured():
    # dockerfile-parse misses this one
    dockerfile = parse("# check=error=true\n# escape=`\nFROM a\nRUN echo `\n  hi\n")
    assert dockerfile.escape == "`"
    run = dockerfile.instructions[1]
    assert run.arguments == "echo   hi"
    assert (run.start_line, run.end_line) == (4, 5)


def test_directive_after_a_comment_or_instruction_is_just_a_comment():
    assert parse("# hello\n# escape=`\nFROM a\n").escape == "\\"
    assert parse("FROM a\n# escape=`\n").escape == "\\"
    assert parse("\n# escape=`\nFROM a\n").escape == "\\"


def test_unknown_directive_ends_the_directive_block():
    assert parse("# foo=bar\n# escape=`\nFROM a\n").escape == "\\"


def test_invalid_escape_and_duplicate_directive_are_errors():
    assert any("invalid escape" in m for m in errors("# escape=x\nFROM a\n"))
    assert any("only one syntax" in m for m in errors("# syntax=a\n# syntax=b\nFROM a\n"))


def test_backslash_is_literal_with_backtick_escape():
    dockerfile = parse("# escape=`\nFROM a\nCOPY C:\\src\\ C:\\dst\\\n")
    copy = dockerfile.instructions[1]
    assert [w.value for w in copy.words] == ["C:\\src\\", "C:\\dst\\"]
    assert copy.end_line == 3


# --- continuations --------------------------------------------------------------------------


def test_comments_and_blank_lines_inside_a_continuation():
    text = "FROM a\nRUN apt-get update \\\n    # refresh\n\n    && apt-get install -y x\nCMD y\n"
    assert keywords(text) == [("FROM", 1, 1), ("RUN", 2, 5), ("CMD", 6, 6)]
    run = parse(text).instructions[1]
    assert run.arguments == "apt-get update     && apt-get install -y x"


def test_whitespace_only_line_inside_a_continuation_is_skipped():
    # hadolint cannot parse this; BuildKit accepts it
    assert keywords("FROM a\nRUN a \\\n   \t\n  b\n") == [("FROM", 1, 1), ("RUN", 2, 4)]


def test_continuation_running_to_end_of_file_is_kept():
    assert keywords("FROM a\nRUN echo \\") == [("FROM", 1, 1), ("RUN", 2, 2)]
    assert keywords("FROM a\nRUN echo \\\n# last\n") == [("FROM", 1, 1), ("RUN", 2, 3)]


def test_continuation_with_trailing_spaces_after_the_backslash():
    assert keywords("RUN a \\  \t\n b\n") == [("RUN", 1, 2)]


def test_argument_less_last_line_is_an_instruction_with_an_error():
    dockerfile = parse("FROM a\nRUN")
    assert [i.keyword for i in dockerfile.instructions] == ["FROM", "RUN"]
    assert errors("FROM a\nRUN") == ["RUN requires at least one argument"]


# --- heredocs ---------------------------------------------------------------------------------


def test_heredoc_body_is_not_instructions():
    text = "FROM a\nRUN <<EOF\nFROM fake\nRUN fake\nEOF\nCMD x\n"
    assert keywords(text) == [("FROM", 1, 1), ("RUN", 2, 5), ("CMD", 6, 6)]
    heredoc = parse(text).instructions[1].heredocs[0]
    assert heredoc.name == "EOF"
    assert heredoc.content == "FROM fake\nRUN fake\n"
    assert heredoc.terminated and heredoc.expand and not heredoc.strip_tabs


def test_heredoc_variants_quoted_dash_and_several():
    text = "COPY <<-'A' <<\"B\" /dst/\n\tone\n\tA\ntwo\nB\nRUN x\n"
    dockerfile = parse(text)
    copy = dockerfile.instructions[0]
    assert [(h.name, h.strip_tabs, h.expand) for h in copy.heredocs] == [
        ("A", True, False),
        ("B", False, False),
    ]
    assert [h.content for h in copy.heredocs] == ["\tone\n", "two\n"]
    assert (copy.start_line, copy.end_line) == (1, 5)
    assert dockerfile.instructions[1].start_line == 6


def test_heredoc_after_a_continued_line_and_in_onbuild():
    text = "RUN python3 <<EOF \\\n  && echo done\nprint(1)\nEOF\nONBUILD RUN <<X\nls\nX\n"
    dockerfile = parse(text)
    run, onbuild = dockerfile.instructions
    assert run.heredocs[0].content == "print(1)\n"
    assert (onbuild.start_line, onbuild.end_line) == (5, 7)
    assert onbuild.inner.heredocs[0].content == "ls\n"


def test_heredoc_terminator_directly_followed_by_next_instruction():
    assert keywords("RUN <<EOF\na\nEOF\nRUN b\n") == [("RUN", 1, 3), ("RUN", 4, 4)]


def test_unterminated_heredoc_is_an_error_at_its_marker():
    dockerfile = parse("FROM a\nRUN <<EOF\necho\n")
    error = dockerfile.all_errors()[0]
    assert "unterminated heredoc" in error.message
    assert positions(dockerfile, error) == (2, 5, 2, 10)


def test_no_heredoc_in_json_form_or_quoted_or_without_name():
    assert parse('RUN ["sh", "-c", "cat <<EOF"]\nEOF\n').instructions[0].heredocs == []
    assert parse('RUN echo "<<EOF"\n').instructions[0].heredocs == []
    assert parse("RUN echo a<<EOF\nFROM b\n").instructions[1].keyword == "FROM"
    assert parse("CMD cat <<EOF\nEOF\n").instructions[0].heredocs == []


def test_heredoc_in_crlf_file():
    text = "RUN <<EOF\r\necho hi\r\nEOF\r\nCMD x\r\n"
    dockerfile = parse(text)
    assert dockerfile.instructions[0].heredocs[0].content == "echo hi\n"
    assert dockerfile.instructions[1].start_line == 4


# --- forms, flags, words ------------------------------------------------------------------------


def test_exec_form_and_shell_fallback():
    dockerfile = parse(
        'CMD ["a", "b c"]\nCMD ["a", \'b\']\nCMD [not json\nSHELL ["/bin/sh", "-c"]\n'
    )
    first, second, third, shell = dockerfile.instructions
    assert first.json_args == ["a", "b c"] and first.words == []
    assert second.json_args is None and [w.raw for w in second.words] == ['["a",', "'b']"]
    assert third.json_args is None
    assert shell.json_args == ["/bin/sh", "-c"]
    assert dockerfile.all_errors() == []


def test_exec_form_of_non_strings_and_shell_without_json_are_errors():
    assert errors('RUN ["a", 1]\n') == ["RUN exec form must be an array of strings"]
    assert errors("SHELL /bin/sh -c\n") == ["SHELL requires the arguments to be in JSON form"]


def test_flags_are_split_with_positions():
    text = "RUN --mount=type=cache,target=/root/.cache --network=none  pip install x\n"
    dockerfile = parse(text)
    run = dockerfile.instructions[0]
    assert [(f.name, f.value) for f in run.flags] == [
        ("mount", "type=cache,target=/root/.cache"),
        ("network", "none"),
    ]
    assert positions(dockerfile, run.flags[1]) == (1, 44, 1, 58)
    assert run.arguments == "pip install x"


def test_copy_flags_and_quoted_flag_values():
    text = 'COPY --from=build --chown="app user" --link --chmod=755 --parents a b /c/\n'
    copy = parse(text).instructions[0]
    assert [(f.name, f.value) for f in copy.flags] == [
        ("from", "build"),
        ("chown", "app user"),
        ("link", None),
        ("chmod", "755"),
        ("parents", None),
    ]
    assert [w.value for w in copy.words] == ["a", "b", "/c/"]


def test_double_dash_ends_flags_and_unknown_flags_are_errors():
    copy = parse("COPY -- --weird /d\n").instructions[0]
    assert copy.flags == [] and [w.value for w in copy.words] == ["--weird", "/d"]
    assert errors("COPY --frm=a b c\n") == ["unknown flag for COPY: --frm"]
    assert errors("ADD --checksum=sha256:00 --exclude=*.md --keep-git-dir=true a b\n") == []


def test_lowercase_keywords_and_tabs():
    dockerfile = parse("from\talpine as Build\n\trun\techo hi\n")
    from_, run = dockerfile.instructions
    assert (from_.keyword, from_.keyword_raw) == ("FROM", "from")
    assert [w.value for w in from_.words] == ["alpine", "as", "Build"]
    assert positions(dockerfile, run) == (2, 2, 2, 13)


def test_word_positions_across_continuation_lines():
    text = "COPY a \\\n     bb \\\n  /dst\n"
    dockerfile = parse(text)
    words = dockerfile.instructions[0].words
    assert [positions(dockerfile, w) for w in words] == [
        (1, 6, 1, 7),
        (2, 6, 2, 8),
        (3, 3, 3, 7),
    ]


def test_env_label_arg_pairs():
    dockerfile = parse(
        'ENV A=1 B="two words" C=\'$x\'\nENV LEGACY some value\nLABEL a.b="x y" c=d\nARG X Y=1\n'
    )
    env, legacy, label, arg = dockerfile.instructions
    assert [(p.key, p.value) for p in env.pairs] == [("A", "1"), ("B", "two words"), ("C", "$x")]
    assert [(p.key, p.value) for p in legacy.pairs] == [("LEGACY", "some value")]
    assert [(p.key, p.value) for p in label.pairs] == [("a.b", "x y"), ("c", "d")]
    assert [(p.key, p.value) for p in arg.pairs] == [("X", None), ("Y", "1")]


def test_env_errors():
    assert errors("ENV A=1 B\n") == ["can't find = in 'B': ENV must be of the form name=value"]
    assert errors("ENV ONLYKEY\n") == ["ENV ONLYKEY needs a value"]


# --- ONBUILD, unknown instructions, BOM, CRLF ---------------------------------------------------


def test_onbuild_wraps_an_instruction_with_real_offsets():
    dockerfile = parse("ONBUILD  COPY --chown=a . /app\n")
    onbuild = dockerfile.instructions[0]
    inner = onbuild.inner
    assert inner.keyword == "COPY" and inner.parent is onbuild
    assert onbuild.effective is inner
    assert [w.value for w in inner.words] == [".", "/app"]
    assert positions(dockerfile, inner.words[0]) == (1, 25, 1, 26)
    assert positions(dockerfile, inner.flags[0]) == (1, 15, 1, 24)


def test_onbuild_restrictions():
    assert errors("ONBUILD ONBUILD RUN x\n") == [
        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
    ]
    assert errors("ONBUILD FROM a\n") == ["FROM as an ONBUILD trigger isn't allowed"]


def test_unknown_instruction_is_reported_and_parsing_goes_on():
    dockerfile = parse("FROM a\nRUNN apk add x\nRUN ok\n")
    assert [i.keyword for i in dockerfile.instructions] == ["FROM", "RUNN", "RUN"]
    error = dockerfile.all_errors()[0]
    assert error.message == "unknown instruction: RUNN"
    assert positions(dockerfile, error) == (2, 1, 2, 5)


def test_bom_does_not_hide_the_first_instruction_or_shift_columns():
    dockerfile = parse("\ufeffFROM alpine\n")
    from_ = dockerfile.instructions[0]
    assert from_.keyword == "FROM"
    assert positions(dockerfile, from_) == (1, 1, 1, 12)


def test_crlf_positions_exclude_the_carriage_return():
    dockerfile = parse("FROM a\r\nRUN x \\\r\n  y\r\n")
    run = dockerfile.instructions[1]
    assert run.arguments == "x   y"
    assert positions(dockerfile, run) == (2, 1, 3, 4)
    assert [w.value for w in run.words] == ["x", "y"]


def test_garbage_never_raises():
    for text in ["\x00\x01", "[[[", "RUN ]", "--", "\\\n\\\n", "# escape=\n", "<<EOF\n", "ONBUILD"]:
        parse(text)


def test_large_file_parses_in_linear_time():
    import gc
    import time

    def best_time(text: str) -> float:
        """The fastest of three parses, without the collector: load on a shared machine
        only ever adds time, so the minimum is the parse's own cost."""
        times = []
        gc.disable()
        try:
            for _ in range(3):
                start = time.perf_counter()
                parse(text)
                times.append(time.perf_counter() - start)
        finally:
            gc.enable()
        return min(times)

    block = "RUN apt-get update && \\\n    apt-get install -y curl\n# c\n\n"
    small = block * 2000
    large = block * 20000
    assert len(parse(large).instructions) == 20000
    assert best_time(large) < best_time(small) * 30  # 10x the input, far from quadratic (100x)


def test_exec_form_reader_equals_json_loads_on_random_text():
    """The exec form is read without importing json; the result must be json.loads'."""
    import json
    import random

    from lintlayers.syntax.words import NOT_JSON, NOT_STRINGS, parse_json_array

    pieces = [
        "[",
        "]",
        '"',
        ",",
        " ",
        "\t",
        "\n",
        "a",
        "\\",
        '\\"',
        "\\n",
        "\\u00e9",
        "1",
        "{",
        "é",
    ]
    generator = random.Random(7)
    valid = 0
    for _ in range(20000):
        text = "[" + "".join(generator.choice(pieces) for _ in range(generator.randint(0, 9)))
        try:
            value = json.loads(text)
        except ValueError:
            expected: object = NOT_JSON
        else:
            if not isinstance(value, list):
                expected = NOT_JSON
            elif all(isinstance(item, str) for item in value):
                expected = value
                valid += 1
            else:
                expected = NOT_STRINGS
        assert parse_json_array(text) == expected, text
    assert valid > 50  # the generator does reach valid arrays of strings
