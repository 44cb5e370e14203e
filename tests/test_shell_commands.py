"""Tests for lintlayers.shell.commands: RUN bodies parsed into simple commands."""

from __future__ import annotations

import random
import time

import pytest

from lintlayers.shell.commands import ShellScript, SimpleCommand, parse_shell


def argvs(script: ShellScript) -> list[list[str]]:
    return [[word.value for word in command.words] for command in script.commands]


def assert_offsets(text: str, script: ShellScript) -> None:
    """Every word, assignment, redirect and command points at its own text."""
    for command in script.commands:
        assert 0 <= command.start <= command.end <= len(text)
        for word in (*command.words, *command.assignments, *command.redirects):
            assert text[word.start : word.end] == word.raw, (word, command)
            assert command.start <= word.start <= word.end <= command.end, (word, command)


# --- how commands are found ---------------------------------------------------------------


def test_and_chain() -> None:
    text = "apt-get update && apt-get install -y curl || echo failed"
    script = parse_shell(text)
    assert argvs(script) == [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "curl"],
        ["echo", "failed"],
    ]
    assert not script.has_errors
    assert_offsets(text, script)


def test_semicolons_newlines_and_line_continuations() -> None:
    text = "set -eux; \\\n  a 1;b\nc \\\n  --flag\n\nd"
    script = parse_shell(text)
    assert argvs(script) == [["set", "-eux"], ["a", "1"], ["b"], ["c", "--flag"], ["d"]]
    assert text[script.commands[3].start : script.commands[3].end] == "c \\\n  --flag"
    assert_offsets(text, script)


def test_pipes_are_linked() -> None:
    script = parse_shell("curl -fsSL https://x | tee log | sh -s -- -y; echo ok")
    curl, tee, sh, echo = script.commands
    assert curl.pipe_next is tee and tee.pipe_prev is curl
    assert tee.pipe_next is sh and sh.pipe_prev is tee
    assert sh.pipe_next is None and echo.pipe_prev is None
    assert script.has_pipes
    assert not parse_shell("a && b; c").has_pipes


def test_redirect_after_pipeline_belongs_to_last_command() -> None:
    script = parse_shell("a | b > out && c")
    a, b, c = script.commands
    assert a.redirects == [] and [w.value for w in b.redirects] == ["out"]
    assert c.redirects == [] and c.pipe_prev is None
    assert a.pipe_next is b


def test_subshell_and_group() -> None:
    script = parse_shell("(cd /src && make) ; { a; b; } && c")
    assert [c.name for c in script.commands] == ["cd", "make", "a", "b", "c"]


def test_compound_statement_bodies() -> None:
    text = (
        "if [ -f x ]; then echo then; elif cond; then elif_body; else else_body; fi\n"
        "for i in 1 2; do loop $i; done\n"
        'while read -r line; do use "$line"; done < file\n'
        "until false; do until_body; done\n"
        'case "$x" in a) case_a;; *) case_default;; esac\n'
        "f() { in_function; }\n"
        "! negated\n"
    )
    script = parse_shell(text)
    assert [c.name for c in script.commands] == [
        "echo",
        "cond",
        "elif_body",
        "else_body",
        "loop",
        "read",
        "use",
        "false",
        "until_body",
        "case_a",
        "case_default",
        "in_function",
        "negated",
    ]
    assert not script.has_errors
    assert_offsets(text, script)


def test_command_substitutions_and_process_substitution() -> None:
    text = 'V=$(cat /etc/os-release) echo "x $(uname -m) `id -u`" <(ls /) && pip install "$(cat r)"'
    script = parse_shell(text)
    assert [c.name for c in script.commands] == ["echo", "cat", "uname", "id", "ls", "pip", "cat"]
    echo = script.commands[0]
    assert [w.value for w in echo.assignments] == ["V=$(cat /etc/os-release)"]
    assert echo.args == ["x $(uname -m) `id -u`", "<(ls /)"]
    assert_offsets(text, script)


def test_commands_are_in_source_order() -> None:
    script = parse_shell("a $(b) && c `d` | e")
    starts = [c.start for c in script.commands]
    assert [c.name for c in script.commands] == ["a", "b", "c", "d", "e"]
    assert starts == sorted(starts)


def test_assignment_prefixes_are_not_words() -> None:
    text = 'DEBIAN_FRONTEND=noninteractive LANG="C.UTF-8" apt-get install -y x'
    command = parse_shell(text).commands[0]
    assert command.name == "apt-get"
    assert [w.raw for w in command.assignments] == [
        "DEBIAN_FRONTEND=noninteractive",
        'LANG="C.UTF-8"',
    ]
    assert [w.value for w in command.assignments][1] == "LANG=C.UTF-8"
    assert command.args == ["install", "-y", "x"]
    assert (command.start, command.end) == (0, len(text))


def test_bare_assignments_and_redirects_are_commands_without_words() -> None:
    script = parse_shell("A=1 B=2; C=$(id -u) > /dev/null; > file")
    assert script.has_errors  # tree-sitter-bash wants a command name after ``C=... >``
    first, second, inner, third = script.commands
    assert first.words == () and first.name == "" and first.args == []
    assert [w.value for w in first.assignments] == ["A=1", "B=2"]
    assert [w.value for w in second.assignments] == ["C=$(id -u)"]
    assert [w.value for w in second.redirects] == ["/dev/null"]
    assert inner.name == "id"
    assert third.words == () and [w.value for w in third.redirects] == ["file"]


def test_declarations_are_commands() -> None:
    script = parse_shell("export PATH=/opt/bin:$PATH A; unset B; local x=1")
    assert argvs(script) == [
        ["export", "PATH=/opt/bin:$PATH", "A"],
        ["unset", "B"],
        ["local", "x=1"],
    ]
    assert script.commands[0].assignments == []


def test_command_name_is_basename() -> None:
    script = parse_shell("/usr/bin/pip3 install x; ./configure")
    assert [c.name for c in script.commands] == ["pip3", "configure"]
    assert script.commands[0].words[0].value == "/usr/bin/pip3"


def test_find_by_name() -> None:
    script = parse_shell("apt-get update && sudo apt-get install -y x && pip install y")
    found = script.find("apt-get")
    assert [c.args for c in found] == [["update"], ["install", "-y", "x"]]
    assert [c.name for c in script.find("apt-get", effective=False)] == ["apt-get"]
    assert [c.name for c in script.find("pip", "apt-get")] == ["apt-get", "apt-get", "pip"]
    assert script.find("yum") == []


# --- redirects and heredocs ---------------------------------------------------------------


def test_redirect_targets_and_operators() -> None:
    text = 'make >/dev/null 2>&1 && cat < in >> out 2> err &> all; tr a b <<< "word"'
    script = parse_shell(text)
    make, cat, tr = script.commands
    assert [w.value for w in make.redirects] == ["/dev/null", "1"]
    assert make.redirect_ops == [">", "2>&"]
    assert make.args == []
    assert text[make.start : make.end] == "make >/dev/null 2>&1"
    # tree-sitter-bash hangs these on the whole ``&&`` list; they belong to ``cat``
    assert [w.value for w in cat.redirects] == ["in", "out", "err", "all"]
    assert cat.redirect_ops == ["<", ">>", "2>", "&>"]
    assert text[cat.start : cat.end] == "cat < in >> out 2> err &> all"
    assert tr.args == ["a", "b"]
    assert [w.value for w in tr.redirects] == ["word"] and tr.redirect_ops == ["<<<"]
    assert not script.has_errors
    assert_offsets(text, script)


def test_redirects_after_lists_and_compounds() -> None:
    script = parse_shell("a && b | c 2>/dev/null; (d; e) > f; while read l; do g; done < h")
    by_name = {command.name: command for command in script.commands}
    assert [w.value for w in by_name["c"].redirects] == ["/dev/null"]
    assert all(by_name[name].redirects == [] for name in "abdeg")
    assert by_name["b"].pipe_next is by_name["c"]


def test_words_after_a_redirect_stay_arguments() -> None:
    text = "cmd >f arg 2>&1 arg2"
    command = parse_shell(text).commands[0]
    assert command.args == ["arg", "arg2"]
    assert [w.value for w in command.redirects] == ["f", "1"]
    assert_offsets(text, parse_shell(text))


def test_heredoc_body_produces_no_commands() -> None:
    text = (
        "cat <<EOF > /etc/app.conf && echo written\n"
        "rm -rf /\n"
        "apt-get install -y evil $(curl x)\n"
        "EOF\n"
        "cat <<-'END' | sh\n"
        "\tpip install y\n"
        "\tEND\n"
        "echo done"
    )
    script = parse_shell(text)
    assert [c.name for c in script.commands] == ["cat", "echo", "cat", "sh", "echo"]
    first = script.commands[0]
    assert [w.value for w in first.redirects] == ["EOF", "/etc/app.conf"]
    assert first.redirect_ops == ["<<", ">"]
    assert text[first.start : first.end] == "cat <<EOF > /etc/app.conf"
    second_cat, sh = script.commands[2], script.commands[3]
    assert [w.value for w in second_cat.redirects] == ["END"]
    assert second_cat.redirect_ops == ["<<-"]
    assert second_cat.pipe_next is sh
    assert not script.has_errors
    assert_offsets(text, script)


# --- words and values ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "is_literal"),
    [
        ("plain", "plain", True),
        ('"--no-cache"', "--no-cache", True),
        ("'a b'", "a b", True),
        ('"a\\"b\\$c\\\\d\\q"', 'a"b$c\\d\\q', True),
        ("a\\ b", "a b", True),
        ("'a'\"b\"c", "abc", True),
        ('--opt="x y"', "--opt=x y", True),
        ("$'a\\tb\\x41\\u00e9'", "a\tbA\u00e9", True),
        ('$"hello"', "hello", True),
        ("$HOME/x", "$HOME/x", False),
        ('"${X:-y}"', "${X:-y}", False),
        ('"$(id -u)"', "$(id -u)", False),
        ("`date`", "`date`", False),
        ("$((1+2))", "$((1+2))", False),
        ("/var/lib/apt/lists/*", "/var/lib/apt/lists/*", False),
        ('"/var/lib/*"', "/var/lib/*", True),
        ("\\*", "*", True),
        ("file?.txt", "file?.txt", False),
        ("[ab]c", "[ab]c", False),
        ("~/x", "~/x", False),
        ('"~/x"', "~/x", True),
        ("/a/{b,c}", "/a/{b,c}", False),
        ("{1..3}", "{1..3}", False),
        ("{}", "{}", True),
        ("1", "1", True),
        ("héllo", "héllo", True),
    ],
)
def test_word_values(raw: str, value: str, is_literal: bool) -> None:
    text = f"echo {raw} end"
    command = parse_shell(text).commands[0]
    assert len(command.words) == 3, command.words
    word = command.words[1]
    assert word.raw == raw
    assert word.value == value
    assert word.is_literal is is_literal
    assert text[word.start : word.end] == raw
    assert command.words[2].value == "end"


def test_offsets_after_non_ascii_text() -> None:
    text = "echo 'héllo wörld ✓ 🐳' && apt-get install -y \"cürl\" x # ünïcode\nrm -rf /tmp/ä"
    script = parse_shell(text)
    assert argvs(script) == [
        ["echo", "héllo wörld ✓ 🐳"],
        ["apt-get", "install", "-y", "cürl", "x"],
        ["rm", "-rf", "/tmp/ä"],
    ]
    apt = script.commands[1]
    assert text[apt.start : apt.end] == 'apt-get install -y "cürl" x'
    assert text[apt.words[4].start] == "x"
    assert_offsets(text, script)


def test_offsets_with_surrogates_do_not_raise() -> None:
    text = "echo \udcff x && ls"
    script = parse_shell(text)
    assert [c.name for c in script.commands] == ["echo", "ls"]
    assert_offsets(text, script)


# --- flags and arguments -------------------------------------------------------------------


def first(text: str) -> SimpleCommand:
    return parse_shell(text).commands[0]


def test_has_flag_forms() -> None:
    command = first("apt-get -qy --no-install-recommends --option=x -o Dpkg::Y=1 install z")
    assert command.has_flag("-y")
    assert command.has_flag("-q")
    assert command.has_flag("--yes", "-y")
    assert command.has_flag("--no-install-recommends")
    assert command.has_flag("--option")
    assert command.has_flag("-o")
    assert not command.has_flag("--yes")
    assert not command.has_flag("-D")
    assert not command.has_flag("-Y")
    assert not command.has_flag("--no-install")


def test_has_flag_ignores_clusters_with_punctuation_and_after_double_dash() -> None:
    assert not first("apt-get -oDpkg::Options::=x install").has_flag("-D")
    assert not first("apt-get install -- -y").has_flag("-y")
    assert first('pip install "--no-cache-dir" x').has_flag("--no-cache-dir")


def test_flag_values() -> None:
    command = first("wget -qO- https://x --header=a --header b -T 10 -t5")
    assert command.flag_values("-O") == ["-"]
    assert command.flag_values("--header") == ["a", "b"]
    assert command.flag_value("-T", "--timeout") == "10"
    assert command.flag_value("-t") == "5"
    assert command.flag_value("-x") is None


def test_positional_args() -> None:
    command = first("apt-get -o Acquire::Retries=3 install -y curl - -- --literal")
    assert command.positional_args() == ["Acquire::Retries=3", "install", "curl", "-", "--literal"]
    assert command.positional_args(["-o"]) == ["install", "curl", "-", "--literal"]


def test_word_for() -> None:
    text = "pip install --no-cache-dir requests"
    command = first(text)
    word = command.word_for("--no-cache-dir")
    assert word is not None and (word.start, word.end) == (12, 26)
    assert command.word_for("missing") is None


# --- wrappers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("sudo apt-get install -y x", "apt-get", ["install", "-y", "x"]),
        ("sudo -E -u root -- apt-get update", "apt-get", ["update"]),
        ("sudo --user=root apt-get update", "apt-get", ["update"]),
        ("env A=1 B=2 pip install x", "pip", ["install", "x"]),
        ("env -i -u HOME PATH=/bin make all", "make", ["all"]),
        ("/usr/bin/env python3 -m pip install x", "python3", ["-m", "pip", "install", "x"]),
        ("xargs -r -n 1 -I{} rm -f {}", "rm", ["-f", "{}"]),
        ("xargs --max-args 2 -0 apt-get install -y", "apt-get", ["install", "-y"]),
        ("nohup server --port 1", "server", ["--port", "1"]),
        ("exec -a name gunicorn app", "gunicorn", ["app"]),
        ("time make -j4", "make", ["-j4"]),
        ("command make", "make", []),
        ("nice -n 10 make", "make", []),
        ("nice -10 make", "make", []),
        ("stdbuf -oL -e 0 tail -f x", "tail", ["-f", "x"]),
        ("timeout 30 curl x", "curl", ["x"]),
        ("timeout -s KILL --kill-after 5 10s curl x", "curl", ["x"]),
        ("gosu app npm ci", "npm", ["ci"]),
        ("su-exec app:app npm ci", "npm", ["ci"]),
        ("sudo -E env DEBIAN_FRONTEND=x nice timeout 5 apt-get update", "apt-get", ["update"]),
    ],
)
def test_effective_strips_wrappers(text: str, name: str, args: list[str]) -> None:
    command = first(text)
    view = command.effective()
    assert view.name == name
    assert view.args == args
    assert (view.start, view.end) == (command.start, command.end)
    assert [w.value for w in view.prefix + view.words] == [w.value for w in command.words]
    assert view.effective() is view


@pytest.mark.parametrize(
    "text",
    ["command -v curl", "sudo -l", "env", "sudo -i", "time", "timeout 5", "env -S 'a b'", "ls"],
)
def test_effective_keeps_wrappers_that_run_nothing(text: str) -> None:
    command = first(text)
    assert command.effective() is command
    assert command.effective().prefix == ()


def test_effective_collects_env_assignments() -> None:
    command = first("FOO=1 sudo BAR=2 env BAZ=3 make")
    view = command.effective()
    assert [w.value for w in view.assignments] == ["FOO=1", "BAR=2", "BAZ=3"]
    assert [w.value for w in command.assignments] == ["FOO=1"]
    assert command.name == "sudo" and view.name == "make"


def test_effective_keeps_pipe_links() -> None:
    script = parse_shell("curl x | sudo bash")
    curl, sudo = script.commands
    assert sudo.effective().name == "bash"
    assert sudo.effective().pipe_prev is curl
    assert curl.pipe_next is sudo


# --- sh -c ----------------------------------------------------------------------------------


def test_sh_c_single_quoted_body() -> None:
    text = "sh -c 'apt-get update && apt-get install -y curl' && echo after"
    script = parse_shell(text)
    assert [c.name for c in script.commands] == ["sh", "apt-get", "apt-get", "echo"]
    assert [c.shell_depth for c in script.commands] == [0, 1, 1, 0]
    install = script.commands[2]
    assert text[install.start : install.end] == "apt-get install -y curl"
    assert install.has_flag("-y")
    assert_offsets(text, script)


def test_bash_c_double_quoted_body_with_escapes() -> None:
    text = 'bash -eo pipefail -c "pip install \\"x\\" && echo \\$HOME"'
    script = parse_shell(text)
    assert [c.name for c in script.commands] == ["bash", "pip", "echo"]
    pip, echo = script.commands[1:]
    assert pip.args == ["install", "x"]
    assert echo.args == ["$HOME"]
    assert text[pip.words[2].start : pip.words[2].end] == '\\"x\\"'
    assert_offsets(text, script)


def test_sh_c_behind_wrappers_and_nested() -> None:
    text = "sudo -u app sh -c \"nice bash -c 'make install'\""
    script = parse_shell(text)
    assert [c.effective().name for c in script.commands] == ["sh", "bash", "make"]
    assert [c.shell_depth for c in script.commands] == [0, 1, 2]
    bash = script.commands[1]
    assert (bash.effective().start, bash.effective().end) == (bash.start, bash.end)
    assert text[bash.start : bash.end] == "nice bash -c 'make install'"
    assert_offsets(text, script)


def test_sh_c_body_after_other_arguments_and_unicode() -> None:
    text = "echo é; /bin/sh -xc 'ls ü && id' arg0"
    script = parse_shell(text)
    assert [c.name for c in script.commands] == ["echo", "sh", "ls", "id"]
    ls = script.commands[2]
    assert text[ls.start : ls.end] == "ls ü"
    assert_offsets(text, script)


def test_sh_without_c_is_not_parsed_further() -> None:
    script = parse_shell("sh script.sh 'a && b'; bash -s -- 'x y'")
    assert [c.name for c in script.commands] == ["sh", "bash"]


def test_command_substitution_in_sh_c_string_counted_once() -> None:
    script = parse_shell('sh -c "echo $(date)"')
    assert [c.name for c in script.commands] == ["sh", "echo", "date"]


# --- robustness -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        'echo "unterminated',
        "echo 'unterminated && rm -rf /",
        "if then fi done esac ;; ) ( }",
        "\x00\x01\x02 binary \xff\ufffd",
        "$(" * 2000,
        "(" * 5000,
        "{ " * 3000,
        '"$(' * 1000,
        "a \\",
        "cat <<EOF\nnever closed",
        "|| && ; | &",
    ],
)
def test_garbage_does_not_raise(text: str) -> None:
    script = parse_shell(text)
    assert isinstance(script.has_errors, bool)
    assert_offsets(text, script)


def test_errors_are_flagged_with_recovered_commands() -> None:
    script = parse_shell('apt-get update && echo "oops')
    assert script.has_errors
    assert script.commands[0].args == ["update"]
    assert not parse_shell("apt-get update").has_errors


def test_random_garbage_keeps_offsets_consistent() -> None:
    rng = random.Random(20240601)
    pieces = [*"ab $'\"\\`(){}[]|&;<>\n\t#=*?~!-", "é", "🐳", "<<EOF\n", "EOF\n", "sh -c "]
    for _ in range(200):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 120)))
        assert_offsets(text, parse_shell(text))


def test_ten_thousand_lines() -> None:
    text = "\n".join(f"echo line{index} && true" for index in range(10_000))
    script = parse_shell(text)
    assert len(script.commands) == 20_000
    assert script.commands[-2].args == ["line9999"]


def test_large_script_work_grows_linearly() -> None:
    line = (
        "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "
        '--no-install-recommends "curl" ca-certificates $PKG && rm -rf /var/lib/apt/lists/* \\\n'
    )
    small = "set -eux; \\\n" + line * (6_000 // len(line)) + "true"
    large = "set -eux; \\\n" + line * (48_000 // len(line)) + "true"
    parse_shell(small)  # warm up the parser
    small_time = min(_timed(small) for _ in range(3))
    large_time = min(_timed(large) for _ in range(3))
    assert len(parse_shell(large).commands) > 7 * len(parse_shell(small).commands)
    # 8x the input: linear work is ~8x; quadratic would be ~64x
    assert large_time < small_time * 32


def _timed(text: str) -> float:
    """One parse's time without the collector (whose passes grow with the whole heap)."""
    import gc

    gc.disable()
    try:
        started = time.perf_counter()
        parse_shell(text)
        return time.perf_counter() - started
    finally:
        gc.enable()
