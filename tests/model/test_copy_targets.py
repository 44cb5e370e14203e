"""Where a COPY/ADD puts its sources (``model.copy_targets``): one answer, read by the
reorder engine and the size rules alike, settled case by case as BuildKit copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from lintlayers.context import RuleContext
from lintlayers.model.copy_targets import copy_targets
from lintlayers.model.run_effects import copy_creations
from lintlayers.model.steps import sequences
from lintlayers.reorder.effects import stage_effects
from lintlayers.syntax.parser import parse


def _context(text: str, context_dir: Path | None = None) -> RuleContext:
    folder = str(context_dir) if context_dir is not None else None
    path = str(context_dir / "Dockerfile") if context_dir is not None else "Dockerfile"
    return RuleContext(parse(text), context_dir=folder, path=path)


def _last_step_targets(text: str, context_dir: Path | None = None) -> list[tuple[str, bool]]:
    context = _context(text, context_dir)
    steps = sequences(context)[-1]
    return [(target.path, target.tree) for target in copy_targets(steps[-1], context.context_dir)]


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        # a directory copies its contents into the destination
        ("COPY conf.d /etc/nginx/", [("/etc/nginx", True)]),
        ("COPY . .", [("/app", True)]),
        ("COPY src/ /srv/src", [("/srv/src", True)]),
        ("COPY / /all/", [("/all", True)]),
        # a file lands in a directory destination, or is the destination
        ("COPY app.py /srv/", [("/srv/app.py", False)]),
        ("COPY app.py /srv/main.py", [("/srv/main.py", False)]),
        ("COPY app.py .", [("/app/app.py", False)]),  # ``.`` is a directory
        ("COPY a.txt Makefile /d", [("/d/a.txt", False), ("/d/Makefile", False)]),
        ('COPY ["a.txt", "b/", "/d/"]', [("/d/a.txt", False), ("/d", True)]),
        ("COPY *.json ./", [("/app/*.json", False)]),
        ("COPY src/* ./", [("/app", True)]),
        # heredocs are files named by their marker
        ("COPY <<EOF /etc/app/\nhi\nEOF", [("/etc/app/EOF", False)]),
        ("COPY <<EOF /etc/app.conf\nhi\nEOF", [("/etc/app.conf", False)]),
        # ADD: URLs are files named by their path; repositories and archives are trees
        ("ADD https://e.com/tool.tgz?x=1 /opt/", [("/opt/tool.tgz", False)]),
        ("ADD https://e.com/f#frag /opt/", [("/opt/f", False)]),
        ("ADD https://github.com/o/r.git#main /src/", [("/src", True)]),
        ("ADD ssh://git@host/o/r /src/", [("/src", True)]),
        ("ADD git@github.com:o/r.git /src/", [("/src", True)]),
        ("ADD local.tar.gz /opt/", [("/opt", True)]),
        ("ADD LOCAL.TGZ /opt/", [("/opt", True)]),
        ("COPY local.tar.gz /opt/", [("/opt/local.tar.gz", False)]),  # COPY unpacks nothing
        # --parents keeps each source's path below the destination
        ("COPY --parents a/b.txt ./", [("/app", True)]),
        ("COPY onlyone", []),
    ],
)
def test_where_each_source_lands(instruction: str, expected: list[tuple[str, bool]]) -> None:
    assert _last_step_targets(f"FROM scratch\nWORKDIR /app\n{instruction}\n") == expected


def test_the_build_context_says_file_or_directory(tmp_path: Path) -> None:
    (tmp_path / "lib.js").mkdir()  # a directory named like a file
    (tmp_path / "lib.js" / "x.js").write_text("")
    (tmp_path / "tool").write_text("")  # a file named like a directory
    (tmp_path / "link").symlink_to("lib.js")  # BuildKit follows a source's link
    text = "FROM scratch\nCOPY lib.js tool link missing.txt absent /d/\n"
    assert _last_step_targets(text, tmp_path) == [
        ("/d", True),
        ("/d/tool", False),
        ("/d", True),
        ("/d/missing.txt", False),  # not in the context: the name guess
        ("/d", True),
    ]
    assert _last_step_targets(text) == [  # without the context: the name guess
        ("/d/lib.js", False),
        ("/d", True),
        ("/d", True),
        ("/d/missing.txt", False),
        ("/d", True),
    ]


def test_another_stage_is_not_the_build_context(tmp_path: Path) -> None:
    (tmp_path / "app.py").mkdir()
    text = "FROM scratch AS build\nFROM scratch\nCOPY --from=build app.py /d/\n"
    assert _last_step_targets(text, tmp_path) == [("/d/app.py", False)]
    assert _last_step_targets("FROM scratch\nCOPY app.py /d/\n", tmp_path) == [("/d", True)]


@pytest.mark.parametrize(
    "instruction",
    [
        "COPY a.txt conf.d Makefile *.json /d/",
        "COPY app.py .",
        "ADD https://e.com/t.tgz local.tar.gz x.json /opt/",
        "COPY --parents a/b.txt c.txt ./",
        "COPY <<EOF /etc/app/\nhi\nEOF",
        "COPY lib.js tool /d/",
    ],
)
def test_the_reorder_engine_and_the_size_rules_read_one_answer(
    tmp_path: Path, instruction: str
) -> None:
    (tmp_path / "lib.js").mkdir()
    (tmp_path / "tool").write_text("")
    context = _context(f"FROM scratch\nWORKDIR /app\n{instruction}\n", tmp_path)
    step = sequences(context)[-1][-1]
    expected = [target.path for target in copy_targets(step, context.context_dir)]
    effect = stage_effects(context, context.model.stages[-1])[-1]
    assert effect.writes.paths() == ["/" + path.strip("/") for path in expected]
    concrete = [creation.path for creation in copy_creations(step, context.context_dir)]
    assert concrete == [path.replace("/*.json", "") for path in expected]


# -- one file-or-directory answer for the install model too -----------------------------------


def _install_kinds(instruction: str, context_dir: Path | None = None) -> list[str]:
    """``source_kind`` of each source of ``instruction`` (the install model's question)."""
    from lintlayers.model.context_copies import context_copy, source_kind
    from lintlayers.syntax.parser import parse as parse_text

    folder = str(context_dir) if context_dir is not None else None
    (copy_instruction,) = parse_text(f"FROM scratch\n{instruction}\n").instructions[1:]
    copy = context_copy(0, copy_instruction, "/app", {}, "\\")
    assert copy is not None
    return [source_kind(value, copy, folder) for value, _, _ in copy.sources]


@pytest.mark.parametrize(
    ("instruction", "kinds"),
    [
        # the install model's own kinds: the context, its top level, a pattern of names
        ("COPY . .", ["all"]),
        ("COPY * ./", ["top"]),
        ("COPY package*.json src/* ./", ["file", "file"]),
        # settled: a dot is no file (BuildKit copies ``conf.d`` as a directory)
        ("COPY conf.d /etc/nginx/", ["dir"]),
        ("COPY .github ./.github", ["dir"]),
        # settled: each source counts alone, several sources do not make files
        ("COPY package.json src ./", ["file", "dir"]),
        # settled: a name unlike the destination's is no file (``app``'s contents land)
        ("COPY app .", ["dir"]),
        ("COPY src /app/src", ["dir"]),
        # the name guess, shared: capitals, ``...file``, the ecosystem table's manifests
        ("COPY MLX_VERSION go.mod ./", ["file", "file"]),
        ("COPY Podfile cpanfile build.sbt NuGet.Config ./", ["file", "file", "file", "file"]),
    ],
)
def test_the_install_model_asks_the_one_answer(instruction: str, kinds: list[str]) -> None:
    assert _install_kinds(instruction) == kinds
    if "*" in instruction or kinds == ["all"]:
        return  # the install model's own kinds
    text = f"FROM scratch\nWORKDIR /app\n{instruction}\n"
    assert [not tree for _, tree in _last_step_targets(text)] == [kind == "file" for kind in kinds]


def test_the_install_model_reads_the_context_as_copy_targets_does(tmp_path: Path) -> None:
    (tmp_path / "lib.js").mkdir()
    (tmp_path / "tool").write_text("")
    (tmp_path / "link").symlink_to("lib.js")  # BuildKit follows a source's link
    assert _install_kinds("COPY lib.js tool link ../tool ./", tmp_path) == [
        "dir",
        "file",
        "dir",
        "file",  # BuildKit resolves ``../tool`` inside the context: ``tool``
    ]


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        ("COPY app.py /srv", [("/srv/app.py", False)]),  # a standard directory
        ("COPY app.py /app", [("/app/app.py", False)]),  # the working directory
        ("COPY app.py /", [("/app.py", False)]),
        ("COPY app.py /data", [("/data", False)]),  # unknown: the file is /data
        ("COPY conf.d /srv", [("/srv", True)]),  # a directory's contents, as before
    ],
)
def test_a_file_copied_onto_an_existing_directory_lands_inside(
    instruction: str, expected: list[tuple[str, bool]]
) -> None:
    """BuildKit puts a file copied onto an existing directory inside it."""
    assert _last_step_targets(f"FROM scratch\nWORKDIR /app/web\n{instruction}\n") == expected
