"""The one write computation (``model.command_writes``) and the two modules that read it:
the reorder engine (what may commute) and ``RunEffects`` (creations and removals).

Each ``settled`` test is a case where the reorder engine's handlers and ``RunEffects``
used to compute what a command writes separately and disagreed; the answer is what the
real tool does.
"""

from __future__ import annotations

import pytest

from lintlayers.context import RuleContext
from lintlayers.model.command_writes import CommandWrites, command_writes
from lintlayers.model.package_managers import builds_local, match_implicit
from lintlayers.model.run_effects import RunEffects, effects
from lintlayers.model.steps import sequences
from lintlayers.reorder.effects import commutes, stage_effects
from lintlayers.shell.commands import parse_shell
from lintlayers.syntax.parser import parse


def writes_of(script: str, env: dict[str, str] | None = None) -> CommandWrites:
    (command,) = parse_shell(script).commands
    return command_writes(command.effective(), env or {})


def run_of(text: str) -> RunEffects:
    context = RuleContext(parse(text))
    (step,) = [step for steps in sequences(context) for step in steps if step.keyword == "RUN"]
    return effects(context, step)


def reorder_writes(text: str) -> list[str]:
    """What the reorder engine says the last RUN of ``text`` writes."""
    context = RuleContext(parse(text))
    (run,) = [e for e in stage_effects(context, context.model.stages[-1]) if e.keyword == "RUN"]
    assert run.unknown == ""
    return run.writes.paths()


def swap(text: str, first: int, second: int) -> tuple[bool, str]:
    context = RuleContext(parse(text))
    by_line = {e.line: e for e in stage_effects(context, context.model.stages[-1])}
    return commutes(by_line[first], by_line[second])


def creations(text: str) -> list[tuple[str, str]]:
    return [(creation.path, creation.kind) for creation in run_of(text).creations()]


# -- the answer ------------------------------------------------------------------------------


def test_one_answer_per_command() -> None:
    found = writes_of("curl -fsSLo /tmp/x.tgz https://x.example/x.tgz")
    assert list(found.writes) == ["/tmp/x.tgz"]
    assert [(item.word, item.kind) for item in found.creates] == [("/tmp/x.tgz", "download")]
    assert found.home_reads and not found.unknown
    assert list(writes_of("rm -rf /tmp/a /tmp/b").removes) == ["/tmp/a", "/tmp/b"]
    assert writes_of("apt-get clean").cleans == ("apt",)
    assert writes_of("apt-get update").leaves == ("apt-lists",)
    assert writes_of("./build.sh").unknown == "./build.sh"
    assert list(writes_of("mktemp -d", {"TMPDIR": "/scratch"}).writes) == ["/scratch"]


def test_an_install_writes_its_outputs_and_unlocked_lockfiles_in_its_project() -> None:
    found = writes_of("npm install --prefix web")
    assert found.install is not None and found.tool == "npm"
    assert {"web/node_modules", "web/package-lock.json"} <= set(found.writes)
    assert "web/package.json" in found.reads
    assert "web/package-lock.json" not in writes_of("npm ci --prefix web").writes


# -- settled disagreements -------------------------------------------------------------------


def test_settled_git_clone_after_global_options() -> None:
    """``git -c k=v clone URL``: git reads global options before the subcommand. RunEffects
    saw no clone (it looked at the first word only); the reorder engine did."""
    text = (
        "FROM alpine\nWORKDIR /src\nRUN git -c http.sslVerify=false clone https://x.example/r.git\n"
    )
    assert creations(text) == [("/src/r", "clone")]
    assert "/src/r" in reorder_writes(text)


def test_settled_git_clone_lands_in_the_c_directory() -> None:
    """``git -C /opt clone URL``: git runs as if started in /opt, so the clone is /opt/r;
    both modules put it in the RUN's working directory."""
    text = "FROM alpine\nWORKDIR /src\nRUN git -C /opt clone https://x.example/r.git\n"
    assert creations(text) == [("/opt/r", "clone")]
    written = reorder_writes(text)
    assert "/opt/r" in written and "/src/r" not in written


@pytest.mark.parametrize("option", ["--filter blob:none", "--shallow-since 2024-01-01", "-j 4"])
def test_settled_git_clone_options_that_take_a_value(option: str) -> None:
    """RunEffects read the value of ``--filter``/``--shallow-since``/``-j`` as the URL."""
    text = f"FROM alpine\nRUN git clone {option} https://x.example/r.git /r\n"
    assert creations(text) == [("/r", "clone")]


def test_settled_cp_into_a_target_directory() -> None:
    """``cp -t DIR a b`` writes DIR/a and DIR/b: RunEffects took ``b`` for the copy (it
    read ``DIR`` as an operand); the reorder engine wrote DIR."""
    text = "FROM alpine\nRUN cp -t /opt/dist a.tgz b.tgz\n"
    assert creations(text) == [("/opt/dist/a.tgz", "file"), ("/opt/dist/b.tgz", "file")]
    assert "/opt/dist" in reorder_writes(text)


def test_settled_mkdir_z_is_a_flag() -> None:
    """GNU ``mkdir -Z`` takes no value (``--context=CTX`` takes one after ``=``): the reorder
    engine read ``/data`` as its value and missed the write; RunEffects saw it."""
    assert list(writes_of("mkdir -p -Z /data").writes) == ["/data"]
    text = "FROM alpine\nRUN mkdir -Z /data\nCOPY x /data/x\n"
    assert swap(text, 2, 3)[0] is False


def test_settled_find_exec_rm() -> None:
    """``find DIR -exec rm -rf {} +`` removes what it finds under DIR, nothing else:
    RunEffects counted the removal, the reorder engine called the RUN unknown."""
    found = writes_of("find /tmp/build -mindepth 1 -exec rm -rf {} +")
    assert list(found.writes) == ["/tmp/build"] and not found.unknown
    assert list(writes_of("find /tmp/build -exec rm -rf {} +").removes) == ["/tmp/build"]
    assert list(writes_of("find / -name '*.pyc' -exec rm {} +").removes) == []  # a filter: some
    assert writes_of("find . -exec chmod 644 {} +").unknown == "find -exec"
    text = "FROM alpine\nRUN find /tmp/build -exec rm -rf {} +\nCOPY a.txt /srv/a.txt\n"
    assert swap(text, 2, 3) == (True, "")


def test_settled_package_data_where_the_command_puts_it() -> None:
    """``pip install --cache-dir /pipcache flask`` writes its cache in /pipcache (RunEffects
    knew, as a creation); the reorder engine wrote only pip's usual places, so a COPY into
    /pipcache could cross it."""
    text = "FROM python:3\nRUN pip install --cache-dir /pipcache flask\nCOPY x /pipcache/x\n"
    assert creations(text)[0] == ("/pipcache", "pip")
    assert swap(text, 2, 3)[0] is False
    text = "FROM node\nRUN npm cache clean --force --cache /npmcache\nCOPY x /npmcache/x\n"
    assert swap(text, 2, 3)[0] is False


def test_settled_npm_value_options_are_the_tables() -> None:
    """The reorder engine's ``_NODE_VALUE_OPTIONS`` knew npm's ``-w``/``--workspace`` (which
    take a value) and ``-C`` (npm's shorthand of ``--prefix``); the ecosystem table did
    not. Now both read the table."""
    from lintlayers.model.ecosystems import value_options_of

    assert {"-w", "--workspace", "-C", "--prefix"} <= value_options_of("npm")
    found = writes_of("npm -C /app ci")
    assert found.install is not None and found.install.project_dir == "/app"
    assert "/app/node_modules" in found.writes
    found = writes_of("npm install -w packages/api lodash")  # adds lodash: edits the project
    assert not found.unknown and "package.json" in found.writes


def test_settled_pip_subcommands_are_the_tables() -> None:
    """``_PIP_ACTIONS`` of the reorder engine is the pip entry's adds, global actions,
    setup and builds."""
    assert writes_of("pip uninstall -y six").unknown == ""
    assert writes_of("pip freeze").unknown == ""
    assert writes_of("pip frobnicate").unknown == "pip frobnicate"
    assert "./wheels" in writes_of("pip wheel -w ./wheels ./pkg").writes


@pytest.mark.parametrize(
    ("script", "local"),
    [
        ("go install github.com/me/app/cmd/tool", True),  # resolved in the current module
        ("go install tool", True),  # the tools of go.mod
        ("go install", True),  # the package in the working directory
        ("go install ./cmd/...", True),
        ("go install -ldflags '-s -w' github.com/x/y@v1.2.3", False),
        ("go install golang.org/x/tools/gopls@latest", False),
    ],
)
def test_settled_go_install_of_local_packages(script: str, local: bool) -> None:
    """``go install pkg`` without ``@version`` builds in the current module (its go.mod, its
    vendor/ and, for its own packages, its sources): the reorder engine said local,
    ``match_implicit`` said it reads nothing of the project. One predicate decides now;
    ``go install`` alone, which the reorder engine took for a global install, is local."""
    argv = script.split()
    assert bool(builds_local(argv)) is local
    assert (match_implicit(argv) is not None) is local
    assert bool(writes_of(script).unknown) is local


@pytest.mark.parametrize(
    ("script", "local"),
    [
        ("cargo install --path .", True),
        ("cargo install", True),
        ("cargo install ripgrep --locked", False),
        ("cargo build", False),
    ],
)
def test_cargo_install_of_a_local_crate(script: str, local: bool) -> None:
    assert bool(builds_local(script.split())) is local


def test_strip_writes_its_output() -> None:
    assert list(writes_of("strip -o /out/app /build/app").writes) == ["/build/app", "/out/app"]


def test_a_prefix_assignment_is_the_commands_environment() -> None:
    text = "FROM debian\nRUN GNUPGHOME=/tmp/keys gpg --batch --import /k.asc\n"
    assert "/tmp/keys" in reorder_writes(text)


# -- cp onto an existing directory -----------------------------------------------------------


def last_run_creations(text: str) -> list[tuple[str, str]]:
    """The creations of the last RUN of ``text``."""
    context = RuleContext(parse(text))
    runs = [step for steps in sequences(context) for step in steps if step.keyword == "RUN"]
    return [(creation.path, creation.kind) for creation in effects(context, runs[-1]).creations()]


def test_cp_words_leave_the_directory_question_to_the_consumer() -> None:
    """``cp a DEST``: DEST, or DEST/a when DEST is a directory already; ``.`` always is."""
    [created] = writes_of("cp a.tgz /tmp").creates
    assert (created.word, created.kind, created.into) == ("/tmp", "file", "a.tgz")
    assert [(item.word, item.into) for item in writes_of("cp a.tgz .").creates] == [("a.tgz", "")]
    assert [(item.word, item.into) for item in writes_of("cp a.tgz ..").creates] == [
        ("../a.tgz", "")
    ]
    assert [item.into for item in writes_of("cp -r src/ /opt/x").creates] == ["src"]
    assert [item.into for item in writes_of("cp /opt/* /x").creates] == [""]  # a glob


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a standard directory of every image
        ("RUN cp a.tgz /tmp", "/tmp/a.tgz"),
        ("RUN mv tool /usr/local/bin", "/usr/local/bin/tool"),
        ("RUN cp a.conf /etc", "/etc/a.conf"),
        # unknown: the conservative reading, DEST is the copy
        ("RUN cp a.tgz /data", "/data"),
        ("RUN cp a.tgz /tmp/b.tgz", "/tmp/b.tgz"),
        # the working directory and those above it
        ("WORKDIR /app/web\nRUN cp a.tgz /app", "/app/a.tgz"),
        ("WORKDIR /app\nRUN cp a.tgz .", "/app/a.tgz"),
        ("RUN cd /srv/x && cp /a.tgz /srv", "/srv/a.tgz"),
        # made by an earlier command or step
        ("RUN mkdir -p /data/in && cp a.tgz /data", "/data/a.tgz"),
        ("RUN mkdir /data\nRUN cp a.tgz /data", "/data/a.tgz"),
        ("COPY conf/ /etc/app/\nRUN cp a.tgz /etc/app", "/etc/app/a.tgz"),
        ("COPY a.txt /data/a.txt\nRUN cp a.tgz /data", "/data/a.tgz"),
        # removed again by a later step: unknown
        ("RUN mkdir /data\nRUN rm -rf /data\nRUN cp a.tgz /data", "/data"),
        ("RUN mkdir /data\nRUN cp a.tgz /data && rm -rf /data", "/data/a.tgz"),
    ],
)
def test_cp_onto_an_existing_directory_copies_into_it(text: str, expected: str) -> None:
    """``cp a /tmp`` was recorded as creating /tmp itself; cp puts ``a`` inside an existing
    directory, and the model knows some do exist."""
    found = [path for path, kind in last_run_creations(f"FROM alpine\n{text}\n") if kind == "file"]
    assert found == [expected]


def test_a_file_copied_into_tmp_is_what_its_removal_removes() -> None:
    """The size rules see ``rm /tmp/a.tgz`` remove the copy (it was /tmp, left behind)."""
    run = run_of("FROM alpine\nRUN cp /a.tgz /tmp && rm /tmp/a.tgz\n")
    assert run.leftovers() == []
    run = run_of("FROM alpine\nRUN cp /a.tgz /data && rm /data/a.tgz\n")
    assert [creation.path for creation in run.leftovers()] == ["/data"]  # unknown: kept


def test_dotnet_settings_above_the_project_are_read() -> None:
    """NuGet and MSBuild look for ``NuGet.config`` and ``Directory.Build.props`` in the
    project's directory and every one above it: the reorder engine may not move their
    COPY below ``dotnet restore app/app.csproj``."""
    found = writes_of("dotnet restore app/app.csproj")
    assert {"app/NuGet.config", "NuGet.config", "../NuGet.config"} <= set(found.reads)
    text = (
        "FROM mcr.microsoft.com/dotnet/sdk\nWORKDIR /source\nCOPY NuGet.config .\n"
        "COPY Directory.Build.props .\nCOPY app/app.csproj app/\n"
        "RUN dotnet restore app/app.csproj\n"
    )
    assert swap(text, 3, 6)[0] is False
    assert swap(text, 4, 6)[0] is False
    nested = (
        "FROM mcr.microsoft.com/dotnet/sdk\nWORKDIR /source\nCOPY NuGet.config .\n"
        "WORKDIR /source/tests\nCOPY tests/*.csproj .\nRUN dotnet restore\n"
    )
    assert "/source/NuGet.config" in reorder_reads(nested)


def reorder_reads(text: str) -> list[str]:
    """What the reorder engine says the last RUN of ``text`` reads."""
    context = RuleContext(parse(text))
    (run,) = [e for e in stage_effects(context, context.model.stages[-1]) if e.keyword == "RUN"]
    return run.reads.paths()
