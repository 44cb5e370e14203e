"""The knowledge the size rules share: lintlayers.model.run_effects, steps, paths..."""

from __future__ import annotations

import pytest

from lintlayers.context import RuleContext
from lintlayers.model.package_commands import package_cleans, package_writes
from lintlayers.model.paths import covers, join
from lintlayers.model.run_edits import append_to_run
from lintlayers.model.run_effects import RunEffects, copy_creations, effects
from lintlayers.model.steps import UNKNOWN_WORKDIR, reaches_image, sequences
from lintlayers.syntax.parser import parse


def context_of(text: str) -> RuleContext:
    return RuleContext(parse(text))


def run_of(text: str, number: int = 0) -> RunEffects:
    """The effects of the ``number``-th RUN of ``text``."""
    context = context_of(text)
    runs = [step for steps in sequences(context) for step in steps if step.keyword == "RUN"]
    return effects(context, runs[number])


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("/var/lib/apt/lists/*", "/var/lib/apt/lists", True),
        ("/var/lib/apt/lists", "/var/lib/apt/lists", True),
        ("/var/lib/apt/lists/", "/var/lib/apt/lists", True),
        ("/var/lib/apt", "/var/lib/apt/lists", True),
        ("/var/lib/apt/*", "/var/lib/apt/lists", True),
        ("/var/lib/*/lists", "/var/lib/apt/lists", True),
        ("/var/lib/apt/{lists,mirrors}", "/var/lib/apt/lists", True),
        ("/tmp/foo", "/var/lib/apt/lists", False),
        ("/var/lib/apt/lists/*.lz4", "/var/lib/apt/lists", False),
        ("/var/*", "/var/lib/apt/lists/x", True),
        ("/root/*", "/root/.cache/pip", False),  # a glob skips hidden names
        ("/root/.*", "/root/.cache/pip", True),
        ("/var/lib/apt/lists/partial", "/var/lib/apt/lists", False),
    ],
)
def test_covers(pattern: str, path: str, expected: bool) -> None:
    assert covers(pattern, path) is expected


def test_covers_without_child_needs_the_path_itself() -> None:
    assert covers("/tmp/*", "/tmp/a.tgz", child=None)
    assert not covers("/tmp/a.tgz/*", "/tmp/a.tgz", child=None)


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        ("/app", "src", "/app/src"),
        ("/app", "./src/../lib/", "/app/lib"),
        ("/app", "/etc//x", "/etc/x"),
        ("/", "..", "/"),
        (UNKNOWN_WORKDIR, "x", UNKNOWN_WORKDIR + "/x"),
    ],
)
def test_join(base: str, path: str, expected: str) -> None:
    assert join(base, path) == expected


def test_mounts_and_targets() -> None:
    run = run_of(
        "FROM debian\nARG C=/cache\nWORKDIR /w\n"
        "RUN --mount=type=cache,target=$C --mount=type=tmpfs,dst=t "
        "--mount=type=bind,source=.,destination=/src --mount=target=/b true\n"
    )
    assert [(mount.type, mount.target) for mount in run.mounts] == [
        ("cache", "/cache"),
        ("tmpfs", "/w/t"),
        ("bind", "/src"),
        ("bind", "/b"),
    ]
    assert run.mount_covering("/cache/pip") is run.mounts[0]
    assert run.mount_covering("/w/t") is run.mounts[1]
    assert run.mount_covering("/src/x") is None  # a bind mount writes through
    assert run.mount_covering("/cachex") is None


def test_working_directory_follows_cd_and_workdir() -> None:
    run = run_of(
        "FROM debian\nWORKDIR /a\nWORKDIR b\nRUN pwd && cd c && pwd && cd /d && pwd && cd && pwd\n"
    )
    assert run.cwds == ("/a/b", "/a/b", "/a/b/c", "/a/b/c", "/d", "/d", "/root")


def test_working_directory_of_an_external_base_is_unknown() -> None:
    run = run_of("FROM debian\nRUN rm x\n")
    assert run.cwds == (UNKNOWN_WORKDIR,)
    assert [removal.pattern for removal in run.removals] == [UNKNOWN_WORKDIR + "/x"]


def test_working_directory_is_inherited_from_a_stage() -> None:
    text = "FROM debian AS base\nWORKDIR /srv\nFROM base\nRUN rm x\n"
    assert run_of(text).cwds == ("/srv",)


def test_removals() -> None:
    run = run_of(
        "FROM debian\nENV D=/data\n"
        'RUN rm -rf /tmp/* "$D/old" ~/.cache && find /var/log -type f -delete '
        "&& find / -name '*.pyc' -delete && unlink /x && apt-get clean "
        '&& yarn cache clean && T=$(mktemp -d) && rm -rf "$T"\n'
    )
    assert [(removal.index, removal.pattern) for removal in run.removals] == [
        (0, "/tmp/*"),
        (0, "/data/old"),
        (0, "/root/.cache"),
        (1, "/var/log"),
        (3, "/x"),
        (4, "/var/cache/apt/*"),
        (5, "/usr/local/share/.cache/yarn/*"),
        (5, "/root/.cache/yarn/*"),
        (8, "/$T"),  # a command's output: an unknown directory, kept as a name
    ]
    assert run.removal("/var/lib/apt/lists") is None
    assert run.removal("/tmp/a.tgz").index == 0
    assert run.removal("/tmp/a.tgz", after=0) is None


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("FROM python\nRUN pip install x\n", "pip", "/root/.cache/pip"),
        ("FROM python\nUSER app\nRUN pip install x\n", "pip", "/home/app/.cache/pip"),
        ("FROM python\nENV HOME=/h\nRUN pip install x\n", "pip", "/h/.cache/pip"),
        ("FROM python\nENV PIP_CACHE_DIR=/p\nRUN pip install x\n", "pip", "/p"),
        ("FROM python\nRUN pip install --cache-dir=/q x\n", "pip", "/q"),
        ("FROM python\nENV XDG_CACHE_HOME=/x\nRUN pip install x\n", "pip", "/x/pip"),
        ("FROM node\nRUN yarn\n", "yarn", "/usr/local/share/.cache/yarn"),
        ("FROM node\nUSER node\nRUN yarn\n", "yarn", "/home/node/.cache/yarn"),
        ("FROM node\nRUN YARN_CACHE_FOLDER=/y yarn\n", "yarn", "/y"),
        ("FROM node\nRUN sudo -u node npm ci\n", "npm", "/home/node/.npm"),
        ("FROM node\nRUN npm ci --cache .npm\n", "npm", UNKNOWN_WORKDIR + "/.npm"),
    ],
)
def test_cache_dirs(text: str, kind: str, expected: str) -> None:
    assert run_of(text).cache_dirs(kind, 0)[0] == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("RUN pip install x", None),
        ("RUN pip install x && rm -rf /root/.cache", "removed"),
        ("RUN rm -rf /root/.cache && pip install x", None),
        ("RUN --mount=type=cache,target=/root/.cache/pip pip install x", "mount"),
        ("RUN --mount=type=cache,target=/root/.cache pip install x", "mount"),
        ("RUN --mount=type=bind,target=/root/.cache pip install x", None),
    ],
)
def test_cache_handled(line: str, expected: str | None) -> None:
    assert run_of(f"FROM python\n{line}\n").cache_handled("pip", 0) == expected


def test_package_writes_and_cleans() -> None:
    run = run_of(
        "FROM debian\nRUN apt-get update && apt-get install -y x && apk add -U y "
        "&& apk add --no-cache z && pip install w && npm ci && yarn build && dnf install v "
        "&& dnf clean all && apt-get distclean\n"
    )
    writes = [package_writes(command) for command in run.commands]
    assert writes == [("apt-lists",), ("apt",), ("apk",), (), ("pip",), ("npm",), (), ("dnf",),
                      (), ()]  # fmt: skip
    cleans = [package_cleans(command) for command in run.commands]
    assert cleans[-2:] == [("dnf",), ("apt", "apt-lists")]


def test_creations_and_leftovers() -> None:
    run = run_of(
        "FROM debian\nWORKDIR /w\n"
        "RUN curl -fsSLO https://e.com/a.tgz && wget -O /tmp/b.zip https://e.com/b "
        "&& git clone https://github.com/o/r.git && mkdir /build && cd /build "
        "&& curl https://e.com/c > c.tgz && rm /tmp/b.zip\n"
    )
    found = [(creation.path, creation.kind) for creation in run.creations()]
    assert found == [
        ("/w/a.tgz", "download"),
        ("/tmp/b.zip", "download"),
        ("/w/r", "clone"),
        ("/build", "dir"),
        ("/build/c.tgz", "download"),
    ]
    assert "/tmp/b.zip" not in [creation.path for creation in run.leftovers()]


def test_copy_creations() -> None:
    context = context_of(
        "FROM debian\nWORKDIR /app\nCOPY a.txt b/ ./\nCOPY . /src\nADD x.tar.gz /opt/\n"
        "ADD https://e.com/f.deb /tmp/\n"
    )
    [steps] = sequences(context)
    created = [
        creation.path
        for step in steps
        if step.keyword in ("COPY", "ADD")
        for creation in copy_creations(step)
    ]
    assert created == ["/app/a.txt", "/app", "/src", "/opt", "/tmp/f.deb"]


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        ("COPY conf.d /etc/nginx/", ["/etc/nginx"]),  # a directory's contents
        ("COPY app.py /srv/", ["/srv/app.py"]),
        ("COPY app.py /srv/main.py", ["/srv/main.py"]),
        ("COPY a.txt Makefile /d", ["/d/a.txt", "/d/Makefile"]),
        ('COPY ["a.txt", "b.json", "/d/"]', ["/d/a.txt", "/d/b.json"]),
        ("ADD https://github.com/o/r.git /src/", ["/src"]),  # a repository: a directory
        ("ADD https://e.com/tool.tgz?x=1 /opt/", ["/opt/tool.tgz"]),
        ("ADD local.tar.gz /opt/", ["/opt"]),  # unpacked
        ("COPY <<EOF /etc/app/\nhi\nEOF", ["/etc/app/EOF"]),
        ("COPY onlyone", []),
    ],
)
def test_copy_creations_follow_the_copy_parse(instruction: str, expected: list[str]) -> None:
    context = context_of(f"FROM scratch\n{instruction}\n")
    [steps] = sequences(context)
    assert [creation.path for creation in copy_creations(steps[0])] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FROM a AS x\nFROM b\nCOPY --from=x /bin/t /t\n", [False, True]),
        ("FROM a AS x\nFROM b\nCOPY --from=x / /\n", [True, True]),
        ("FROM a AS x\nFROM x\n", [True, True]),
        ("FROM a AS x\nFROM b\n", [True, True]),
        ("FROM a AS x\nFROM x AS y\nFROM c\nCOPY --from=y /t /t\n", [False, False, True]),
        ("FROM a AS x\nFROM b\nRUN --mount=from=x,target=/m true\n", [False, True]),
        ("FROM a\nFROM b\nCOPY --from=0 /t /t\n", [False, True]),
        # a target named for tests runs in CI and is not pushed
        ("FROM a AS base\nFROM base AS test\nFROM base AS app\nFROM c\nCOPY --from=app /t /t\n",
         [False, False, False, True]),
        ("FROM a AS base\nFROM base AS integration-tests\nFROM scratch AS out\n"
         "COPY --from=base /bin/x /x\n", [False, False, True]),
        # and one named for development runs on a developer's machine, beside the target
        # it is built on (awesome-compose's ``FROM builder AS dev-envs``)
        ("FROM a AS base\nFROM base AS e2e-base\nFROM e2e-base AS e2e\nFROM base AS dev\n",
         [False, False, False, False]),
        ("FROM a AS builder\nFROM builder AS dev-envs\n", [True, False]),
        ("FROM a AS base\nFROM base AS development\nFROM base AS app\n", [True, False, True]),
        ("FROM a AS tools\nFROM b AS validate\nCOPY --from=tools / /\n", [False, False]),
        ("FROM a AS latest\nFROM b AS contest\n", [True, True]),  # not test words
        # a base picked by platform: each candidate is used as the stage's base
        ("FROM a AS base-amd64\nFROM b AS base-arm64\nFROM base-${TARGETARCH} AS build\n"
         "FROM c\nCOPY --from=build /t /t\n", [False, False, False, True]),
        ("ARG FLAVOR=${TARGETOS}\nFROM a AS linux\nFROM a AS windows\nFROM ${FLAVOR} AS t\n"
         "FROM scratch\nCOPY --from=t /t /t\n", [False, False, False, True]),
        ("FROM a AS out-amd64\nFROM a AS out-arm64\nFROM c\n"
         "ARG TARGETARCH\nCOPY --from=out-${TARGETARCH} / /\n", [True, True, True]),
        ("FROM a AS base-amd64\nFROM b AS base-arm64\nFROM base-${TARGETARCH}\n",
         [True, True, True]),
        ("FROM a AS base-x\nFROM b AS base-y\nFROM base-${V}\n", [True, True, True]),
    ],
)  # fmt: skip
def test_reaches_image(text: str, expected: list[bool]) -> None:
    context = context_of(text)
    stages = context.model.stages
    assert [reaches_image(context, stage) for stage in stages] == expected


def test_onbuild_triggers_form_their_own_sequence() -> None:
    context = context_of("FROM debian\nRUN a\nONBUILD RUN b\nONBUILD WORKDIR /x\nONBUILD RUN c\n")
    normal, triggers = sequences(context)
    assert [step.instruction.arguments for step in normal] == ["a"]
    assert [(step.instruction.arguments, step.onbuild) for step in triggers] == [
        ("b", True),
        ("/x", True),
        ("c", True),
    ]
    assert triggers[2].workdir == "/x"


def test_long_variables_are_not_kept() -> None:
    long_path = "/p" * 600
    run = run_of(f"FROM debian\nENV P={long_path} Q=/q\nRUN echo $P $Q\n")
    assert run.env == {"Q": "/q"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("RUN a && b", "RUN a && b \\\n    && c"),
        ("RUN a \\\n  && b", "RUN a \\\n  && b \\\n  && c"),
        ("RUN a && \\\n\tb", "RUN a && \\\n\tb && \\\n\tc"),
        ("RUN a; b", "RUN a; b \\\n    && c"),
        ("RUN a | b", "RUN a | b \\\n    && c"),
        ('RUN sh -c "a && b"', 'RUN sh -c "a && b" \\\n    && c'),
    ],
)
def test_append_to_run(line: str, expected: str) -> None:
    from lintlayers.diagnostics import Fix
    from lintlayers.fixes import apply_fixes

    text = f"FROM debian\n{line}\n"
    edit = append_to_run(run_of(text), "c")
    assert edit is not None
    assert apply_fixes(text, [Fix("x", [edit])])[0] == f"FROM debian\n{expected}\n"


@pytest.mark.parametrize(
    "line",
    [
        "RUN if a; then b; fi",
        "RUN <<EOF\na\nEOF",
        "RUN a &",
        "RUN a # note",
    ],
)
def test_append_to_run_refuses(line: str) -> None:
    assert append_to_run(run_of(f"FROM debian\n{line}\n"), "c") is None
