"""Start-up stays light: a ``check`` imports none of the slow modules it does not need.

pre-commit starts lintlayers once per commit, so each module imported on the way costs
every user every commit. Measured here with Python's own ``sys.modules`` in a fresh
interpreter, against what that interpreter had loaded before lintlayers ran.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import os, sys
before = set(sys.modules)
from lintlayers.cli import main
stdout = sys.stdout
sys.stdout = open(os.devnull, "w")
code = main(sys.argv[1:])
sys.stdout = stdout
print(repr({"code": code, "new": sorted(set(sys.modules) - before)}))
"""

NEVER_AT_CHECK = (
    "typing",  # 3 ms; lintlayers.typecheck stands in for TYPE_CHECKING
    "dataclasses",  # 14 ms with inspect
    "inspect",
    "subprocess",  # only the cache history needs git
    "multiprocessing",  # only --jobs with many files
    "importlib.metadata",  # the registry reads entry_points.txt itself
    "shutil",
    "tomllib",  # only when a config file has a lintlayers table
    "difflib",  # only for --diff and did-you-mean messages
    "rich",  # only on a terminal
    "json",  # exec-form arrays of strings are read without it; JSON output imports it
    "_json",  # only for an exec-form string with an escape (its C string scanner)
    "collections.abc",  # the cache model's KeyNames takes Set from _collections_abc
    "argparse",  # 2 ms with gettext and locale: lintlayers.check_args reads common lines
    "importlib",  # with warnings: rules and reporters are loaded with __import__
    "warnings",
    "lintlayers.server",  # only `lintlayers server`: the language server and, with it,
    "pygls",  # pygls (and asyncio, cattrs)
    "lsprotocol",
)


def new_modules(tmp_path: Path, *arguments: str) -> tuple[int, list[str]]:
    """Exit code and the modules ``lintlayers ARGS`` imported, in a fresh interpreter."""
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, *arguments],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    result = ast.literal_eval(completed.stdout.splitlines()[-1])
    return result["code"], result["new"]


def test_check_imports_no_slow_module(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.12-slim\n"
        "ARG GIT_SHA=unknown\n"
        "COPY . /app\n"
        "RUN pip install -r /app/requirements.txt\n"
        'CMD ["python", "/app/main.py"]\n',
        encoding="utf-8",
    )
    (tmp_path / "requirements.txt").write_text("flask\n", encoding="utf-8")
    code, imported = new_modules(tmp_path, "check", "Dockerfile")
    assert code == 1  # findings, so every rule ran, fixes were built and reported
    slow = [name for name in NEVER_AT_CHECK if name in imported]
    assert slow == []
    assert not [name for name in imported if name.split(".")[0] == "rich"]


REORDER_MODULES = (
    "lintlayers.reorder.engine",
    "lintlayers.reorder.effects",
    "lintlayers.reorder.inputs",
    "lintlayers.cache.steps",
    "lintlayers.cache.predict",
    "lintlayers.cache.history",
    "lintlayers.cache.costs",
)
"""LL105's engine and the cache model it prices orders with."""


LAZY_AT_CHECK = (
    "lintlayers.model.install_text",  # only LL101's fix text
    "lintlayers.model.run_edits",  # only the fixes that edit a RUN
    "lintlayers.model.small_copies",  # only for a COPY or ADD
    "lintlayers.model.environment",  # only for a RUN after an ARG or ENV
    "lintlayers.model.file_names",  # only for a COPY source without a dot
    "lintlayers.cache.together",  # only for two RUNs in a row (LL106) or LL105's search
    "lintlayers.fixes",  # only for --fix, --diff and a fix that edits another file
    "lintlayers.parallel",  # only for several files
    "lintlayers.syntax.layout",  # only a fix that moves instructions
    "lintlayers.model.run_join",  # only two light RUNs in a row (LL106)
    *REORDER_MODULES,  # a RUN with no COPY, ADD or per-build ARG before it: nothing to reorder
)
"""Modules imported where a file needs them: each costs about 0.4 ms to import."""


def test_check_imports_rare_model_modules_only_when_needed(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        'FROM alpine:3.20\nRUN apk add --no-cache curl\nCMD ["curl", "--version"]\n',
        encoding="utf-8",
    )
    code, imported = new_modules(tmp_path, "check", "Dockerfile")
    assert code == 0  # every rule ran and found nothing
    assert [name for name in LAZY_AT_CHECK if name in imported] == []
    assert "lintlayers.rules.cleanup_in_later_layer" in imported


def test_order_that_cannot_pay_loads_no_reorder_engine(tmp_path: Path) -> None:
    """LL105 looks at keywords first (``reorder.may_pay``): a stage with no RUN or ADD after
    a step whose key may change, and too few COPYs and WORKDIRs after it to save 5
    relative seconds, keeps its order; a non-per-build ARG changes nothing."""
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine\nARG OS=linux\nLABEL a=b\nCOPY a /a\nCOPY b /b\nCOPY c /c\n"
        'COPY d /d\nWORKDIR /x\nEXPOSE 80\nCMD ["x"]\n',
        encoding="utf-8",
    )
    code, imported = new_modules(tmp_path, "check", "Dockerfile")
    assert code == 0
    assert [name for name in REORDER_MODULES if name in imported] == []
    # one more COPY could save 5: the engine prices the stage
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine\nARG OS=linux\nCOPY a /a\nCOPY b /b\nCOPY c /c\nCOPY d /d\n"
        "COPY e /e\nWORKDIR /x\n",
        encoding="utf-8",
    )
    _, imported = new_modules(tmp_path, "check", "Dockerfile")
    assert "lintlayers.reorder.engine" in imported


def test_run_mounting_the_context_may_change() -> None:
    """A RUN bind-mounting the context or another stage is keyed on it, as a COPY is; a
    cache mount is not. An ADD of a URL may cost a download, an ADD of files what a COPY
    costs."""
    from lintlayers.model.stages import build_model
    from lintlayers.reorder import may_pay
    from lintlayers.syntax import parse

    def pays(text: str) -> bool:
        stage = build_model(parse(text)).stages[0]
        return may_pay(stage, "buildkit", frozenset())

    assert pays("FROM a\nRUN --mount=target=/src make\nRUN apt-get install -y x\n")
    assert pays("FROM a\nRUN --mount=type=cache,from=b,target=/c make\nRUN make\n")
    assert not pays("FROM a\nRUN --mount=type=cache,target=/c make\nRUN make\n")
    assert pays("FROM a\nCOPY . .\nADD https://example.com/x.tgz /x\n")
    assert not pays("FROM a\nCOPY . .\nADD a.php /a.php\nADD b.js /b.js\n")  # files, no download


def test_model_modules_import_no_pathlib() -> None:
    """pathlib costs 3 ms (with urllib and ipaddress); the editable install's finder imports
    it at start-up, so this runs without ``site``: the model modules a check imports (the
    Debian table's among them) stay without it."""
    import lintlayers

    root = str(Path(lintlayers.__file__).resolve().parent.parent)
    probe = (
        f"import sys; sys.path.insert(0, {root!r})\n"
        "import lintlayers.engine, lintlayers.checker, lintlayers.config\n"
        "import lintlayers.model.debian, lintlayers.model.installs, lintlayers.model.steps\n"
        "print(sorted({'pathlib', 'urllib', 'ipaddress'} & set(sys.modules)))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-S", "-c", probe], capture_output=True, text=True, check=True
    )
    assert completed.stdout.splitlines()[-1] == "[]"


def test_only_the_json_format_pays_for_json(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text('FROM alpine\nCMD ["sh"]\n', encoding="utf-8")
    _, text_run = new_modules(tmp_path, "check", "Dockerfile")
    _, json_run = new_modules(tmp_path, "check", "--format", "json", "Dockerfile")
    assert "json" not in text_run
    assert "json" in json_run


def test_check_builds_no_parser_for_other_commands(tmp_path: Path) -> None:
    """argparse costs per argument: a common ``check`` builds no parser at all, and one
    argparse must read (an abbreviated option) builds only ``check``'s."""
    probe = (
        "import argparse, sys\n"
        "added = []\n"
        "original = argparse._SubParsersAction.add_parser\n"
        "def add_parser(self, name, **kwargs):\n"
        "    added.append(name)\n"
        "    return original(self, name, **kwargs)\n"
        "argparse._SubParsersAction.add_parser = add_parser\n"
        "from lintlayers.cli import main\n"
        "main(sys.argv[1:])\n"
        "print(added)\n"
    )
    (tmp_path / "Dockerfile").write_text("FROM alpine\n", encoding="utf-8")
    for arguments, built in ((["Dockerfile"], "[]"), (["--stat", "Dockerfile"], "['check']")):
        completed = subprocess.run(
            [sys.executable, "-c", probe, *arguments],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        assert completed.stdout.splitlines()[-1] == built, arguments


FAST_PATH_TABLE = [
    ([], True),
    (["Dockerfile"], True),
    (["a", "b", "-"], True),
    (["-"], True),
    (["--fix", "a"], True),
    (["a", "--fix"], True),
    (["--fix", "a", "b", "--diff"], True),
    (["a", "--fix", "b"], False),  # paths on both sides of an option: argparse refuses it
    (["--format", "json", "a"], True),
    (["--format=sarif", "a"], True),
    (["--format", "bogus", "a"], False),
    (["--format="], False),
    (["--format"], False),
    (["-q", "--quiet", "a"], True),
    (["-qq", "a"], False),
    (["--jobs", "2", "a"], True),
    (["--jobs=0"], True),
    (["--jobs", " 3"], True),
    (["--jobs", "-1"], False),
    (["--jobs", "x"], False),
    (["--select", "LL1,size", "--ignore=LL101", "--extend-select", "LL3"], True),
    (["--select", "-x"], False),
    (["--select="], True),
    (["--fail-level", "warning", "--exit-zero", "--statistics"], True),
    (["--fail-level", "fatal"], False),
    (["--builder", "classic", "--context", "ctx", "--config", "c.toml"], True),
    (["--builder=kaniko"], False),
    (["--unsafe-fixes", "--diff"], True),
    (["--stdin-filename", "x/Dockerfile", "-"], True),
    (["--exclude", "tests,testdata/", "--extend-exclude=build", "--force-exclude", "a"], True),
    (["--force-exclude=1", "a"], False),
    (["--format", "json", "--format", "text", "a"], True),
    (["--fix=1"], False),
    (["--stat", "a"], False),  # an abbreviation: argparse's business
    (["--", "-a"], False),
    (["-h"], False),
    (["--version"], False),
    (["a=b", ""], True),
]
"""``check`` arguments, and whether the fast path reads them (else argparse does)."""


@pytest.mark.parametrize(
    ("arguments", "answered"), FAST_PATH_TABLE, ids=[" ".join(a) for a, _ in FAST_PATH_TABLE]
)
def test_fast_path_reads_check_as_argparse_does(arguments: list[str], answered: bool) -> None:
    """Where ``parse_check`` answers, argparse gives the same options; where argparse
    refuses or prints, ``parse_check`` leaves it to argparse (returns None)."""
    import contextlib
    import io

    from lintlayers.check_args import parse_check
    from lintlayers.cli import build_parser

    line = ["check", *arguments]
    fast = parse_check(line)
    assert (fast is not None) == answered
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            expected: object = vars(build_parser("check").parse_args(line))
        except SystemExit as exit_:
            expected = f"exit {exit_.code}"
    if fast is not None:
        assert vars(fast) == expected


def test_fast_path_knows_every_check_option() -> None:
    """A new ``check`` option needs its default in ``CHECK_DEFAULTS`` (the fast path gives
    every destination); given on a command line, an unknown option goes to argparse."""
    from lintlayers.check_args import CHECK_DEFAULTS
    from lintlayers.cli import build_parser

    assert vars(build_parser("check").parse_args(["check"])) == CHECK_DEFAULTS


def test_rare_patterns_are_compiled_on_first_use(tmp_path: Path) -> None:
    """A file without heredocs, parser directives, escapes in an exec form, Gemfiles,
    variables, local pip paths, apt, gem or pip compiles none of their regular expressions
    (``re`` compiles in Python: 0.1-0.5 ms a pattern at every start)."""
    probe = (
        "import sys\n"
        "from lintlayers.cli import main\n"
        "main(sys.argv[1:])\n"
        "from lintlayers.syntax import parser, words\n"
        "from lintlayers.model import debian, manifests, package_managers, variables\n"
        "from lintlayers.rules import apt_install_recommends as apt, gem_documentation as gem\n"
        "from lintlayers.model import kept_caches\n"
        "lazy = [parser._HEREDOC, parser._BARE_MARKER, parser._DIRECTIVE, words._JSON_STRING,\n"
        "    manifests._GEMSPEC, variables._REFERENCE,\n"
        "    package_managers._LOCAL_PATH, debian._VERSION, apt._CONFIGURED, apt._KEYSERVER,\n"
        "    gem._GEMRC_OFF, kept_caches._PIP_CONFIG_TEXT]\n"
        "print(all(pattern._compiled is None for pattern in lazy))\n"
    )
    (tmp_path / "Dockerfile").write_text(
        '# the app\nFROM alpine\nCOPY . /app\nRUN apk add --no-cache curl\nCMD ["curl", "-h"]\n',
        encoding="utf-8",
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe, "Dockerfile"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.splitlines()[-1] == "True"


def test_a_lazy_pattern_matches_as_re_does() -> None:
    import re

    from lintlayers.lazy_re import lazy_compile

    text = "gemspec path: 'a'\n  gemspec\nx = 1"
    for pattern, flags in ((r"^\s*gemspec\b(.*)$", re.MULTILINE), (r"(\w+)\s*=\s*(\d)", 0)):
        lazy, eager = lazy_compile(pattern, flags), re.compile(pattern, flags)
        assert lazy._compiled is None
        assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in eager.finditer(text)]
        assert lazy.findall(text) == eager.findall(text)
        assert lazy.sub("-", text) == eager.sub("-", text)
        assert lazy.split(text) == eager.split(text)
        for method in ("match", "search", "fullmatch"):
            found, expected = getattr(lazy, method)(text, 2), getattr(eager, method)(text, 2)
            assert (found and found.span()) == (expected and expected.span())
        assert lazy.compiled() is lazy.compiled()
        # compiled, the calls go straight to re's methods (no Python frame in between)
        methods = ("match", "fullmatch", "search", "finditer", "findall", "sub", "split")
        assert all(getattr(lazy, name).__self__ is lazy.compiled() for name in methods)


def test_the_command_line_leaves_start_up_objects_frozen_at_exit(tmp_path: Path) -> None:
    """``lintlayers`` (``main()`` without arguments) exits right after: the objects frozen
    after loading the rules stay out of the interpreter's collections at exit (8% of a
    one-file check); called with ``argv`` (in-process, as tests do), it unfreezes them."""
    probe = (
        "import gc, os, sys\n"
        "from lintlayers.cli import main\n"
        "sys.stdout = open(os.devnull, 'w')\n"
        "in_process = sys.argv[1] == 'argv'\n"
        "sys.argv[1:2] = []\n"
        "main(sys.argv[1:] if in_process else None)\n"
        "sys.stderr.write(str(gc.get_freeze_count() > 0))\n"
    )
    (tmp_path / "Dockerfile").write_text("FROM alpine\nRUN apk add curl\n", encoding="utf-8")
    frozen = {}
    for how in ("argv", "command-line"):
        completed = subprocess.run(
            [sys.executable, "-c", probe, how, "check", "Dockerfile"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        frozen[how] = completed.stderr.splitlines()[-1]
    assert frozen == {"argv": "False", "command-line": "True"}


def _has_wildcards_general(name: str) -> bool:
    """``has_wildcards`` without its fast path."""
    i = 0
    while i < len(name):
        if name[i] == "\\":
            i += 2
            continue
        if name[i] in "*?[":
            return True
        i += 1
    return False


def test_path_fast_paths_answer_as_the_general_walk() -> None:
    """``go_clean`` and ``has_wildcards`` (called for every path the cache model and the
    reorder engine look at) skip their character walk when nothing needs it: every string
    of up to 6 characters of an alphabet with each special character gets the answer the
    walk gives."""
    import itertools

    from lintlayers.buildcontext.patterns import go_clean, go_clean_walk, has_wildcards

    alphabet = "/.a*?[\\"
    for length in range(7):
        for letters in itertools.product(alphabet, repeat=length):
            text = "".join(letters)
            assert go_clean(text) == go_clean_walk(text), text
            assert has_wildcards(text) == _has_wildcards_general(text), text


def test_exec_form_strings_without_escapes_need_no_json_scanner() -> None:
    """An exec-form string without a backslash is its text between the quotes; one with an
    escape is read with ``_json``'s scanner, as ``json.loads`` reads it."""
    probe = (
        "import sys\n"
        "from lintlayers.syntax.words import parse_json_array\n"
        'plain = parse_json_array(\'["python", "/app/main.py", "\u00e9"]\')\n'
        "loaded = '_json' in sys.modules\n"
        "print(repr([plain, loaded, parse_json_array(sys.argv[1])]))\n"
    )
    escaped = r'["a\nb", "\u00e9\"", "\/"]'
    completed = subprocess.run(
        [sys.executable, "-c", probe, escaped], capture_output=True, text=True, check=True
    )
    plain, loaded, parsed = ast.literal_eval(completed.stdout.splitlines()[-1])
    assert plain == ["python", "/app/main.py", "\u00e9"]
    assert not loaded
    assert parsed == json.loads(escaped) == ["a\nb", '\u00e9"', "/"]


def test_the_command_line_skips_the_teardown_after_flushing(tmp_path: Path) -> None:
    """``cli.run`` (the console script, ``python -m lintlayers``) flushes the output and
    ends the process without the interpreter's teardown, unless the run registered an
    ``atexit`` handler (``--jobs``' process pool): then it exits the ordinary way."""
    probe = (
        "import atexit, sys\n"
        "late = sys.argv.pop(1) == 'late'\n"
        "if not late: atexit.register(sys.stderr.write, 'teardown ran')\n"
        "from lintlayers import cli\n"
        "if late: atexit.register(sys.stderr.write, 'teardown ran')\n"
        "cli.run()\n"
    )
    (tmp_path / "Dockerfile").write_text(
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n", encoding="utf-8"
    )
    outcomes = {}
    for when in ("early", "late"):
        completed = subprocess.run(
            [sys.executable, "-c", probe, when, "check", "--format", "json", "Dockerfile"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        codes = [finding["code"] for finding in json.loads(completed.stdout)["findings"]]
        outcomes[when] = (completed.returncode, codes, "teardown ran" in completed.stderr)
    assert outcomes["early"][:2] == outcomes["late"][:2]
    assert outcomes["early"][0] == 1 and outcomes["early"][1]
    assert (outcomes["early"][2], outcomes["late"][2]) == (False, True)


def test_the_rule_index_is_current() -> None:
    """``lintlayers/rule_index.py`` says what each built-in rule's class says (the registry
    decides from it which rule modules a check imports); stale after a rule's metadata
    changed: run ``python scripts/rule_index.py``."""
    from lintlayers.registry import index_source

    index = Path(__file__).resolve().parent.parent / "lintlayers" / "rule_index.py"
    assert index.read_text(encoding="utf-8") == index_source(), "run scripts/rule_index.py"


def test_a_rule_stand_in_answers_as_its_class() -> None:
    """What ``check`` reads of an ``IndexedRule`` before and after importing its module is
    what the class says: metadata, link, documentation, and the class's own ``check``."""
    from lintlayers.registry import INDEX_FIELDS, IndexedRule, load_rule_entries, load_rules

    classes = {rule.code: rule for rule in load_rules()}
    entries = load_rule_entries()
    assert [entry.code for entry in entries] == sorted(classes)
    for entry in entries:
        assert isinstance(entry, IndexedRule)  # every built-in rule is in the index
        cls = classes[entry.code]
        stand_in = entry()
        assert stand_in is not entry and stand_in.value == entry.value
        for field in INDEX_FIELDS:
            assert getattr(stand_in, field) == getattr(cls, field), (entry.code, field)
        assert stand_in.url() == cls.url()
        assert stand_in.documentation() == cls.documentation()
        assert type(stand_in.load()) is cls


NOT_FOR_A_FILE_WITHOUT_RUN = (
    "lintlayers.rules.apt_install_recommends",  # needs a RUN
    "lintlayers.rules.broad_copy_before_install",  # needs a RUN with a COPY or ADD
    "lintlayers.rules.mergeable_runs",
    "lintlayers.rules.install_without_cache_mount",
    "lintlayers.rules.package_cache_kept",
    "lintlayers.rules.add_url_without_checksum",  # needs an ADD
    "lintlayers.rules.maintainer_deprecated",  # needs a MAINTAINER
    "lintlayers.rules.secret_in_build_variable",  # needs an ARG or ENV
    "lintlayers.rules.metadata_before_layers",  # classic builders only
    "lintlayers.rules.template_file",  # only when selected by its code
    "lintlayers.model.run_effects",  # with the rules above, models only they use
    "lintlayers.model.installs",
)
NOT_FOR_A_FILE_WITHOUT_COPY = (
    "lintlayers.rules.broad_copy_before_install",  # needs a RUN with a COPY or ADD
    "lintlayers.rules.context_bloat",
    "lintlayers.rules.secret_file_copied",
    "lintlayers.rules.whole_filesystem_copy",
    "lintlayers.model.installs",  # LL101's model; LL107 imports it for an install it reports
)


def test_check_imports_only_the_rules_a_file_needs(tmp_path: Path) -> None:
    """A rule's module is imported on a file it runs on (``Rule.needs``, builders,
    ``explicit_only``, read from ``lintlayers.rule_index``), and a rule that does not
    run costs nothing."""
    (tmp_path / "Dockerfile").write_text(
        'FROM alpine:3.20\nCOPY app /app\nCMD ["/app"]\n', encoding="utf-8"
    )
    code, imported = new_modules(tmp_path, "check", "Dockerfile")
    assert code == 0
    assert [name for name in NOT_FOR_A_FILE_WITHOUT_RUN if name in imported] == []
    assert "lintlayers.rules.context_bloat" in imported  # a COPY: what it looks at
    assert "lintlayers.rules.whole_filesystem_copy" in imported
    (tmp_path / "Dockerfile").write_text(
        'FROM alpine:3.20\nRUN apk add --no-cache curl\nCMD ["curl"]\n', encoding="utf-8"
    )
    code, imported = new_modules(tmp_path, "check", "Dockerfile")
    assert code == 0
    assert [name for name in NOT_FOR_A_FILE_WITHOUT_COPY if name in imported] == []
    assert "lintlayers.rules.apk_add_cache" in imported


def test_a_rule_reports_nothing_on_a_file_without_what_it_needs() -> None:
    """``Rule.needs`` is a promise the engine relies on to skip a rule: run directly, with
    no engine between, each rule reports nothing on the test Dockerfiles and corpus files
    that lack what it needs (both builders)."""
    from corpus_support import ENV_VAR, corpus_files

    from lintlayers.context import RuleContext
    from lintlayers.registry import load_rules
    from lintlayers.rule import has_needs
    from lintlayers.syntax import parse

    root = Path(__file__).resolve().parent
    paths = sorted(path for path in root.rglob("*") if "ockerfile" in path.name and path.is_file())
    if os.environ.get(ENV_VAR):
        paths += corpus_files()
    rules = [rule() for rule in load_rules() if rule.needs]
    assert len(rules) >= 20
    checked = 0
    for path in paths:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        dockerfile = parse(text, str(path))
        keywords = {node.keyword for node in dockerfile.instructions}
        keywords |= {node.effective.keyword for node in dockerfile.instructions}
        for builder in ("buildkit", "classic"):
            context = RuleContext(dockerfile, builder=builder, path=str(path))
            for rule in rules:
                if not has_needs(rule.needs, frozenset(keywords)):
                    checked += 1
                    assert list(rule.check(context)) == [], (rule.code, str(path))
    assert checked > 0


def test_a_one_file_check_runs_no_garbage_collection(tmp_path: Path) -> None:
    """The command line starts with the collector off (``cli.main``); with one file to lint
    it stays off until that file is linted, the rules it needs imported on the way
    (a lint leaves almost no cyclic garbage), and is on again for the report and after."""
    probe = (
        "import gc, os, sys\n"
        "from lintlayers.cli import main\n"
        "sys.stdout = open(os.devnull, 'w')\n"
        "import lintlayers.engine as engine\n"
        "seen = []\n"
        "lint = engine.Linter.lint_source\n"
        "def watched(*args, **kwargs):\n"
        "    seen.append(gc.isenabled())\n"
        "    return lint(*args, **kwargs)\n"
        "engine.Linter.lint_source = watched\n"
        "main(sys.argv[1:])\n"
        "sys.stderr.write(repr((seen, gc.isenabled())))\n"
    )
    (tmp_path / "Dockerfile").write_text("FROM alpine\nRUN apk add curl\n", encoding="utf-8")
    (tmp_path / "other.Dockerfile").write_text("FROM alpine\n", encoding="utf-8")
    seen = {}
    for files in (["Dockerfile"], ["Dockerfile", "other.Dockerfile"]):
        completed = subprocess.run(
            [sys.executable, "-c", probe, "check", "--jobs", "1", *files],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        seen[len(files)] = ast.literal_eval(completed.stderr.splitlines()[-1])
    assert seen == {1: ([False], True), 2: ([True, True], True)}


def test_many_files_import_every_rule_before_linting(tmp_path: Path) -> None:
    """With several files, every rule is imported before the first lint (``Linter.
    load_rules``): forked workers inherit the rules instead of each importing them."""
    for name in ("Dockerfile", "other.Dockerfile"):
        (tmp_path / name).write_text("FROM alpine\nCOPY a /a\n", encoding="utf-8")
    _code, one = new_modules(tmp_path, "check", "Dockerfile")
    _code, two = new_modules(tmp_path, "check", "Dockerfile", "other.Dockerfile")
    assert "lintlayers.rules.add_url_without_checksum" not in one
    assert "lintlayers.rules.add_url_without_checksum" in two


def test_needs_are_alternatives_of_keywords() -> None:
    """``Rule.needs``: any one alternative; an alternative that is a tuple needs all its
    keywords."""
    from lintlayers.rule import has_needs

    assert has_needs((), frozenset())
    assert has_needs(("COPY", "ADD"), frozenset({"FROM", "ADD"}))
    assert not has_needs(("COPY", "ADD"), frozenset({"FROM", "RUN"}))
    needs = (("RUN", "COPY"), ("RUN", "ADD"))
    assert has_needs(needs, frozenset({"FROM", "RUN", "ADD"}))
    assert not has_needs(needs, frozenset({"COPY", "ADD"}))
    assert not has_needs(needs, frozenset({"RUN"}))
