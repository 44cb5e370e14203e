"""The built distribution: a wheel installed into a fresh virtualenv, with a third-party plugin.

``python -m build`` makes the sdist and then the wheel from the sdist (so a file
missing from the sdist is missed by the wheel too), from a copy of the working
tree, so nothing is written into the checkout. The wheel is installed into a
fresh ``python -m venv`` *with* its dependencies: the venv must not see the
development environment, or a dependency missing from ``pyproject.toml`` would
go unnoticed. pip takes the dependencies from its configured indexes (PyPI or
a local wheel mirror); a module-scoped venv keeps it to one install. Commands
run from a folder outside the checkout, so only the installed package is
importable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from project_snapshot import ROOT, copy_checkout

import lintlayers

pytestmark = pytest.mark.slow  # builds the sdist and the wheel, installs them in a fresh venv

GROUP = "lintlayers.rules"
PLUGIN_CODE = "XP001"
PLUGIN_PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "lintlayers-example-plugin"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["lintlayers"]

[project.entry-points."lintlayers.rules"]
XP001 = "lintlayers_example_plugin:LatestTag"

[tool.setuptools]
py-modules = ["lintlayers_example_plugin"]
"""
PLUGIN_MODULE = '''\
"""A third-party lintlayers rule."""

from __future__ import annotations

from lintlayers.diagnostics import Violation
from lintlayers.rule import Rule


class LatestTag(Rule):
    """Reports base images pinned to ``latest``.

    ## What it does
    Reports ``FROM image:latest``.
    """

    code = "XP001"
    name = "latest-tag"
    category = "cache"
    severity = "warning"
    summary = "The base image is pinned to latest"

    def check(self, context):
        for instruction in context.dockerfile.instructions:
            if instruction.keyword == "FROM" and instruction.arguments.endswith(":latest"):
                yield Violation(instruction.start, instruction.end, "FROM uses the latest tag")
'''
COMPARE_ENTRY_POINTS = """\
import importlib.metadata, json
from lintlayers.registry import entry_points
theirs = [[ep.name, ep.value] for ep in importlib.metadata.entry_points(group="lintlayers.rules")]
print(json.dumps({"ours": [list(pair) for pair in entry_points()], "theirs": theirs}))
"""


def clean_env() -> dict[str, str]:
    """The environment for the fresh venv: nothing pointing at the development environment."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "NO_COLOR", "FORCE_COLOR"):
        env.pop(name, None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def must(completed: subprocess.CompletedProcess[str]) -> str:
    assert completed.returncode == 0, f"{completed.args}\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout


class Venv:
    """A virtualenv and a working folder outside the checkout."""

    def __init__(self, path: Path, work: Path) -> None:
        self.path = path
        self.work = work
        self.python = path / "bin" / "python"
        self.lintlayers = path / "bin" / "lintlayers"

    def rules(self) -> list[dict]:
        return json.loads(must(run(self.lintlayers, "rules", "--format", "json", cwd=self.work)))

    def entry_points(self) -> dict[str, list[list[str]]]:
        return json.loads(must(run(self.python, "-c", COMPARE_ENTRY_POINTS, cwd=self.work)))


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the working tree to build from."""
    return copy_checkout(tmp_path_factory.mktemp("source"))


@pytest.fixture(scope="module")
def declared(source: Path) -> dict[str, str]:
    """The ``lintlayers.rules`` entry points of the built ``pyproject.toml``: code -> target."""
    with open(source / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["entry-points"][GROUP]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory, source: Path) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    must(run(sys.executable, "-m", "build", "--outdir", dist, source, cwd=dist))
    (wheel,) = dist.glob("lintlayers-*.whl")
    return wheel


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Venv:
    """A fresh venv with the wheel (and its dependencies) installed."""
    root = tmp_path_factory.mktemp("venv")
    work = tmp_path_factory.mktemp("work")
    must(run(sys.executable, "-m", "venv", root / "env", cwd=work))
    env = Venv(root / "env", work)
    must(run(env.python, "-m", "pip", "install", "--quiet", wheel, cwd=work))
    return env


@pytest.fixture(scope="module")
def plugin_venv(tmp_path_factory: pytest.TempPathFactory, venv: Venv) -> Venv:
    """The same venv with a third-party rule plugin installed as well."""
    package = tmp_path_factory.mktemp("plugin")
    (package / "pyproject.toml").write_text(PLUGIN_PYPROJECT, encoding="utf-8")
    (package / "lintlayers_example_plugin.py").write_text(PLUGIN_MODULE, encoding="utf-8")
    must(run(venv.python, "-m", "pip", "install", "--quiet", package, cwd=venv.work))
    return venv


def test_the_installed_package_comes_from_the_wheel(venv: Venv) -> None:
    location = must(
        run(venv.python, "-c", "import lintlayers; print(lintlayers.__file__)", cwd=venv.work)
    )
    assert Path(location.strip()).is_relative_to(venv.path)
    assert not Path(location.strip()).is_relative_to(ROOT)
    version = must(run(venv.lintlayers, "--version", cwd=venv.work))
    assert version == f"lintlayers {lintlayers.__version__}\n"


def test_every_built_in_rule_is_registered(venv: Venv, declared: dict[str, str]) -> None:
    records = venv.rules()
    assert {record["code"] for record in records} - {PLUGIN_CODE} == set(declared)
    ours = {name: value for name, value in venv.entry_points()["ours"] if name != PLUGIN_CODE}
    assert ours == declared
    # Each rule is documented in the installed package too.
    for code in declared:
        explained = must(run(venv.lintlayers, "explain", code, cwd=venv.work))
        assert explained.startswith(f"{code} ")
        assert "## What it does" in explained


def test_the_installed_cli_lints_and_reports_json(venv: Venv) -> None:
    (venv.work / "Dockerfile").write_text("FROM alpine:3.20\nMAINTAINER me\n", encoding="utf-8")
    result = run(venv.lintlayers, "check", "--format", "json", "Dockerfile", cwd=venv.work)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert "LL201" in {finding["code"] for finding in report["findings"]}
    schema = run(
        venv.python,
        "-c",
        "from importlib.resources import files; "
        "print(files('lintlayers').joinpath('schemas/findings.schema.json').read_text()[:1])",
        cwd=venv.work,
    )
    assert must(schema) == "{\n"  # the JSON schema ships as package data


def test_a_third_party_plugin_is_found(plugin_venv: Venv, declared: dict[str, str]) -> None:
    records = {record["code"]: record for record in plugin_venv.rules()}
    assert records[PLUGIN_CODE]["name"] == "latest-tag"
    assert records[PLUGIN_CODE]["category"] == "cache"
    assert set(declared) < set(records)

    (plugin_venv.work / "Dockerfile").write_text(
        "FROM alpine:latest\nMAINTAINER me\n", encoding="utf-8"
    )
    result = run(plugin_venv.lintlayers, "check", "Dockerfile", cwd=plugin_venv.work)
    assert result.returncode == 1, result.stderr
    assert "Dockerfile:1:1: XP001 [warning] latest-tag: FROM uses the latest tag" in result.stdout
    assert "Dockerfile:2:1: LL201" in result.stdout
    ignored = run(
        plugin_venv.lintlayers, "check", "--ignore", "XP", "Dockerfile", cwd=plugin_venv.work
    )
    assert "XP001" not in ignored.stdout
    explained = must(run(plugin_venv.lintlayers, "explain", PLUGIN_CODE, cwd=plugin_venv.work))
    assert explained.startswith("XP001 latest-tag (cache, warning)\n")


def test_fast_entry_point_scan_matches_importlib_metadata(
    plugin_venv: Venv, declared: dict[str, str]
) -> None:
    found = plugin_venv.entry_points()
    assert sorted(found["ours"]) == sorted(found["theirs"])
    assert [PLUGIN_CODE, "lintlayers_example_plugin:LatestTag"] in found["ours"]
    assert len(found["ours"]) == len(declared) + 1


def test_uninstall_takes_the_bundle_of_compiled_modules(tmp_path: Path, wheel: Path) -> None:
    """The bundle a run writes in the package's bytecode cache (``lintlayers.bundle``) goes
    with ``pip uninstall``: no ``lintlayers`` folder is left behind, which Python would
    import as an empty namespace package."""
    must(run(sys.executable, "-m", "venv", tmp_path / "env", cwd=tmp_path))
    python = tmp_path / "env" / "bin" / "python"
    must(run(python, "-m", "pip", "install", "--quiet", "--no-deps", wheel, cwd=tmp_path))
    env = clean_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPYCACHEPREFIX", None)
    write = (  # what the command line does, on a module needing no dependency
        "import lintlayers, lintlayers.bundle as bundle\n"
        "finder = bundle.install(lintlayers)\n"
        "import lintlayers.lazy_re\n"
        "assert finder.save()\n"
        "print(bundle.bundle_path(lintlayers.__file__))\n"
    )
    written = subprocess.run(
        [python, "-c", write], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    path = Path(written.stdout.strip())
    assert path.read_bytes().startswith(b"lintlayers-bundle-")
    package = path.parent.parent
    assert package.name == "lintlayers" and (package / "__init__.py").is_file()
    must(run(python, "-m", "pip", "uninstall", "--yes", "--quiet", "lintlayers", cwd=tmp_path))
    assert not package.exists()
