"""The one command table (lintlayers.model.commands), entry by entry, and its consumers.

Each entry is checked against the reorder engine (what a RUN of the command reads and
writes) and the cache model (its cost class and reads), so the two cannot disagree.
"""

from __future__ import annotations

import pytest

from lintlayers.context import RuleContext
from lintlayers.model import commands as C
from lintlayers.model.command_writes import _HANDLERS
from lintlayers.model.commands import COMMANDS, command_facts, work_of
from lintlayers.reorder.effects import stage_effects
from lintlayers.reorder.pathsets import PathSet
from lintlayers.shell.commands import parse_shell
from lintlayers.syntax.parser import parse

_TARGET = PathSet(["/data/x"])
_FAMILIES = {C.BUILTIN, C.QUIET, C.READER, C.SYSTEM, C.LANGUAGE, C.UNKNOWN, *_HANDLERS}


def _run_effect(script: str):
    context = RuleContext(parse(f"FROM scratch\nRUN {script}\n"))
    return stage_effects(context, context.model.stages[-1])[-1]


def test_table_has_one_entry_per_name_and_rejects_duplicates() -> None:
    assert all(entry.name == name for name, entry in COMMANDS.items())
    with pytest.raises(ValueError, match="two families"):
        C._family(("cat",), C.READER, C.FILES, C.NAMED)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_entry(name: str) -> None:
    entry = COMMANDS[name]
    assert entry.files in _FAMILIES
    assert entry.cost in C.COST_CLASSES
    assert entry.reads in C.READ_SCOPES
    effect = _run_effect(f"{name} /data/x")
    files = entry.files
    parsed = parse_shell(f"{name} /data/x").commands
    wrapper = not parsed or parsed[0].effective().name != name
    if wrapper:  # ``command``, ``env``, ``sudo``...: the command they run is judged
        pass
    elif files == C.UNKNOWN:
        assert effect.unknown, "an unknown command reads and writes everything"
        assert entry.network is not False
    elif files in (C.BUILTIN, C.QUIET):
        assert not effect.unknown
        assert effect.writes.meets(_TARGET) is None
    elif files == C.READER:
        assert not effect.unknown
        assert effect.reads.meets(_TARGET) is not None
        assert effect.writes.meets(_TARGET) is None
    elif files == C.OPERANDS:
        assert effect.writes.meets(_TARGET) is not None
    elif files == C.SYSTEM:
        assert not effect.unknown
        assert effect.writes.meets(PathSet(["/etc/passwd"])) is not None
    # the cache model asks the same entry: cost and reads of a plain invocation
    facts = command_facts([name, "/data/x"])
    assert facts.files == files
    if files in (C.BUILTIN, C.QUIET, C.READER, C.OPERANDS, C.UNKNOWN) and (
        name not in C.SYSTEM_ACTIONS and not wrapper
    ):
        assert work_of([name, "/data/x"]) == (entry.cost, entry.reads)
    if files == C.UNKNOWN and entry.reads == C.EVERYTHING:
        assert facts.reads == C.EVERYTHING


@pytest.mark.parametrize(
    ("script", "cost", "reads", "network"),
    [
        ("npm ci", C.DEPENDENCIES, C.MANIFESTS, True),
        ("npm run build", C.COMPILE, C.PROJECT, None),
        ("yarn", C.DEPENDENCIES, C.MANIFESTS, True),
        ("yarn build", C.COMPILE, C.PROJECT, None),
        ("go mod download", C.DEPENDENCIES, C.MANIFESTS, True),
        ("go build -o /app .", C.COMPILE, C.PROJECT, None),
        ("go vet ./...", C.COMPILE, C.PROJECT, None),
        ("cargo build --release", C.COMPILE, C.PROJECT, None),
        ("dotnet build -c Release", C.COMPILE, C.PROJECT, None),
        ("mvn -B package", C.COMPILE, C.PROJECT, None),
        ("mvn dependency:go-offline", C.DEPENDENCIES, C.MANIFESTS, True),
        ("pip install -r requirements.txt", C.DEPENDENCIES, C.MANIFESTS, True),
        ("apt-get install -y curl", C.SYSTEM_PACKAGES, C.NAMED, True),
        ("apt-get clean", C.FILES, C.NAMED, False),
        ("apk add --no-cache git", C.SYSTEM_PACKAGES, C.NAMED, True),
        ("pacman -Syu", C.SYSTEM_PACKAGES, C.NAMED, True),
        ("curl -fsSL -o /x https://example.com/x", C.DOWNLOAD, C.NAMED, True),
        ("git clone https://example.com/r.git", C.DOWNLOAD, C.NAMED, True),
        ("git config --global a b", C.FILES, C.NAMED, False),
        ("make -j4", C.COMPILE, C.PROJECT, None),
        ("gcc-12 main.c", C.COMPILE, C.PROJECT, None),
        ("python app.py", C.OTHER, C.EVERYTHING, None),
        ("python -m venv /venv", C.FILES, C.NAMED, False),
        ("python setup.py install", C.COMPILE, C.PROJECT, None),
        ("virtualenv /venv", C.FILES, C.NAMED, False),
        ("node build.js", C.OTHER, C.EVERYTHING, None),
        ("cat /etc/os-release", C.FILES, C.NAMED, False),
        (". /etc/os-release", C.FILES, C.NAMED, False),
        (". ./env.sh", C.OTHER, C.EVERYTHING, None),
        ("sh ./build.sh", C.OTHER, C.EVERYTHING, None),
        ("sh -c 'echo hi'", C.FILES, C.NAMED, False),
        ("rustup target add x", C.DOWNLOAD, C.NAMED, True),
        ("sbt compile", C.COMPILE, C.PROJECT, None),
        ("ssh-keyscan github.com", C.FILES, C.NAMED, True),
        ("patch -p1", C.FILES, C.EVERYTHING, None),
        ("docker-php-ext-enable gd", C.FILES, C.NAMED, None),
        ("./configure", C.COMPILE, C.PROJECT, None),
        ("some-unknown-tool", C.OTHER, C.EVERYTHING, None),
        ("php --version", C.FILES, C.NAMED, None),
    ],
)
def test_command_facts(script: str, cost: str, reads: str, network: bool | None) -> None:
    command = parse_shell(script).commands[0].effective()
    argv = [word.value for word in command.words]
    facts = command_facts(argv, command)
    assert (facts.cost, facts.reads, facts.network) == (cost, reads, network)


def test_install_facts_come_from_the_package_manager_table() -> None:
    command = parse_shell("npm ci").commands[0]
    facts = command_facts(["npm", "ci"], command)
    assert facts.install is not None
    assert "package.json" in facts.install.manifests
    assert "npm" in facts.leaves  # the npm cache stays in the layer


def test_leaves_package_indexes() -> None:
    command = parse_shell("apt-get update").commands[0]
    assert command_facts(["apt-get", "update"], command).leaves


def test_cost_classes_are_the_cache_kinds() -> None:
    from lintlayers.cache.costs import COST_KINDS, DEFAULT_COSTS

    assert COST_KINDS == C.COST_CLASSES
    assert set(DEFAULT_COSTS) == set(C.COST_CLASSES)


@pytest.mark.parametrize(
    ("script", "reader"),
    [
        ("npm ci", ""),
        ("npm run build", "npm run"),
        ("make -j4", "make"),
        ("python app.py", "python app.py"),
        ("python -c 'print(1)'", ""),
        ("./build.sh", "./build.sh"),
        ("apt-get install -y curl", ""),
    ],
)
def test_environment_readers(script: str, reader: str) -> None:
    command = parse_shell(script).commands[0].effective()
    facts = command_facts([word.value for word in command.words], command)
    assert facts.environment == reader


# --- env: what a command reads of its environment (model.environment answers from it) -------


def _reader(script: str) -> str:
    from lintlayers.model.environment import command_reads_environment

    return command_reads_environment(parse_shell(script).commands[0].effective())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_env_of_entry(name: str) -> None:
    """Each entry's ``env`` kind is what ``model.environment`` answers for it."""
    env = COMMANDS[name].env
    assert env in C.ENV_KINDS
    parsed = parse_shell(f"{name} x").commands
    if not parsed or parsed[0].effective().name != name:
        return  # ``[`` alone, or a wrapper (``env``, ``sudo``): the command it runs is judged
    if env == C.ENV_ANY:
        assert _reader(f"{name} x")
    elif env == C.ENV_CODE:
        assert _reader(f"{name} x") == f"{name} x"
        assert _reader(f"{name} -c x") == ""
    elif env == C.ENV_SCRIPTS:
        assert _reader(f"{name} build") == f"{name} build"
        assert _reader(f"{name} install") == ""
    elif env == C.ENV_NAMED:
        assert _reader(f"{name} x") == ""
    else:  # builds: when its cost class is compile
        compiles = work_of([name, "build"])[0] == C.COMPILE
        assert bool(_reader(f"{name} build")) is compiles


def test_builds_of_the_cost_table_read_the_environment() -> None:
    """A command that runs the project's code to build it reads ``NODE_ENV`` and friends:
    a compile-class entry is ``named`` only as a compiler or generator of this list."""
    compilers = {
        "gcc", "g++", "cc", "c++", "clang", "clang++", "rustc", "javac", "kotlinc", "scalac",
        "ghc", "swiftc", "tsc", "esbuild", "autoreconf", "nuitka", "hugo", "xcaddy", "tinygo",
        "zig", "elm", "protoc", "buf", "xx-go", "xx-clang", "autoconf", "automake", "libtool",
        "bison", "flex", "go-bindata", "swag", "templ", "sqlc", "wire", "ko", "garble",
    }  # fmt: skip
    named = {
        name
        for name, entry in COMMANDS.items()
        if entry.cost == C.COMPILE and entry.env == C.ENV_NAMED
    }
    assert named == compilers


@pytest.mark.parametrize(
    ("script", "reader"),
    [
        # settled: builds that cost as builds read the environment
        ("webpack --mode production", "webpack"),
        ("next build", "next"),
        ("vite build", "vite"),
        ("gulp", "gulp"),
        ("msbuild app.sln", "msbuild"),
        ("dotnet build -c Release", "dotnet build"),
        ("dotnet publish -o /out", "dotnet publish"),
        ("dotnet restore", ""),
        ("mix compile", "mix compile"),
        ("mix deps.get", ""),
        ("stack config set system-ghc --global true", ""),  # the ecosystem's setup
        ("stack build", "stack build"),
        ("java -jar app.jar", "java app.jar"),
        ("java -version", ""),
        ("python2 setup.py install", "python2 setup.py"),
        ("bunx prisma generate", "bunx prisma"),
        (". /etc/os-release", ""),
        ("gcc -o app main.c", ""),
        ("tsc -p .", ""),
        # kept
        ("make", "make"),
        ("rake assets:precompile", "rake"),
        ("just build", "just"),
        ("cargo build --release", "cargo"),
        ("mvn -B package", "mvn"),
        (". ./env.sh", "."),
        ("npx prisma generate", "npx prisma"),
        ("yarn build", "yarn build"),
        ("yarn install", ""),
        ("bash -c 'echo'", ""),
        ("bash build.sh", "bash build.sh"),
        ("go build ./...", ""),
        ("pip install flask", ""),
    ],
)
def test_environment_reader_settled(script: str, reader: str) -> None:
    assert _reader(script) == reader
