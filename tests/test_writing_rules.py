"""The rule author's guide and its worked example, a plugin installed with pip and run by the CLI.

``tests/plugins/lintlayers-merge-runs`` is a package of its own (``pyproject.toml``
declaring the ``lintlayers.rules`` entry point). The everyday tests install it with
pip from a wheel made here from that ``pyproject.toml`` (offline and in about a
second); the slow test lets pip build it with its declared backend, as a user would.
Either way the real CLI finds the rule through the entry point on ``PYTHONPATH``.
``docs/writing-rules.md`` must show the plugin's code verbatim.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from project_snapshot import ROOT

from lintlayers.rule import DOC_SECTIONS

PLUGIN = ROOT / "tests" / "plugins" / "lintlayers-merge-runs"
MODULE = PLUGIN / "lintlayers_merge_runs.py"
GUIDE = ROOT / "docs" / "writing-rules.md"
CODE = "XM001"

MERGEABLE = """\
FROM debian:12
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl \\
        ca-certificates
RUN rm -rf /var/lib/apt/lists/*

FROM debian:12 AS two
RUN --mount=type=cache,target=/root/.cache make deps &&\\
    make
RUN --mount=type=cache,target=/root/.cache make install
"""
MERGED = """\
FROM debian:12
RUN apt-get update \\
    && apt-get install -y --no-install-recommends curl \\
        ca-certificates \\
    && rm -rf /var/lib/apt/lists/*

FROM debian:12 AS two
RUN --mount=type=cache,target=/root/.cache make deps &&\\
    make && \\
    make install
"""
APART = {
    "bind-mount": (
        "FROM python:3.12\nRUN pip install -U pip\n"
        "RUN --mount=type=bind,source=requirements.txt,target=/tmp/r.txt \\\n"
        "    pip install -r /tmp/r.txt\n"
    ),
    "copy-between": (
        "FROM python:3.12\nRUN pip install -U pip\nCOPY requirements.txt .\n"
        "RUN pip install -r requirements.txt\n"
    ),
    "different-mounts": (
        "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n"
        "RUN python -m compileall /usr/local/lib\n"
    ),
    "argument-between": "FROM debian:12\nRUN make\nARG GIT_SHA\nRUN echo $GIT_SHA > /v\n",
    "comment-between": "FROM debian:12\nRUN make\n# separate: flaky\nRUN make test\n",
    "cd-first": "FROM debian:12\nRUN cd /src && make\nRUN make install\n",
    "or-second": "FROM debian:12\nRUN make\nRUN make test || true\n",
    "heredoc": "FROM debian:12\nRUN make\nRUN <<EOF\nmake install\nEOF\n",
    "exec-form": 'FROM debian:12\nRUN make\nRUN ["make", "install"]\n',
    "onbuild": "FROM debian:12\nONBUILD RUN make\nONBUILD RUN make install\n",
    "two-stages": "FROM debian:12 AS one\nRUN make\nFROM debian:12\nRUN make install\n",
}


# -- installing the plugin --------------------------------------------------------------------


def build_wheel(project_dir: Path, out: Path) -> Path:
    """A wheel of a one-module setuptools project, made from its ``pyproject.toml`` alone."""
    with open(project_dir / "pyproject.toml", "rb") as handle:
        config = tomllib.load(handle)
    project = config["project"]
    name, version = project["name"], project["version"]
    info = f"{name.replace('-', '_')}-{version}.dist-info"
    files: dict[str, bytes] = {}
    for module in config["tool"]["setuptools"]["py-modules"]:
        files[f"{module}.py"] = (project_dir / f"{module}.py").read_bytes()
    requires = "".join(f"Requires-Dist: {item}\n" for item in project.get("dependencies", ()))
    files[f"{info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{requires}"
    ).encode()
    files[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: lintlayers-tests\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n"
    )
    entry_points = "".join(
        f"[{group}]\n" + "".join(f"{key} = {value}\n" for key, value in points.items())
        for group, points in project.get("entry-points", {}).items()
    )
    files[f"{info}/entry_points.txt"] = entry_points.encode()
    record = [f"{path},sha256={_digest(data)},{len(data)}" for path, data in sorted(files.items())]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    wheel = out / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return wheel


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def pip_install_target(target: Path, requirement: Path, *options: str) -> None:
    pip = (sys.executable, "-m", "pip", "install", "--quiet", "--no-deps")
    completed = subprocess.run(
        [*pip, "--target", str(target), *options, str(requirement)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def env_with(site: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    existing = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(site) if not existing else os.pathsep.join((str(site), existing))
    return env


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a CLI that has the plugin installed (``pip install --target``)."""
    wheel = build_wheel(PLUGIN, tmp_path_factory.mktemp("wheel"))
    site = tmp_path_factory.mktemp("site")
    pip_install_target(site, wheel, "--no-index")
    return env_with(site)


def cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lintlayers", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def findings(*paths: str, cwd: Path, env: dict[str, str]) -> list[dict]:
    result = cli("check", "--format", "json", "--select", CODE, *paths, cwd=cwd, env=env)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


# -- the plugin through the CLI ---------------------------------------------------------------


def test_the_plugin_is_registered_through_its_entry_point(plugin_env: dict[str, str]) -> None:
    listed = cli("rules", "--format", "json", cwd=ROOT, env=plugin_env)
    records = {record["code"]: record for record in json.loads(listed.stdout)}
    assert records[CODE]["name"] == "mergeable-runs"
    assert (records[CODE]["category"], records[CODE]["severity"]) == ("style", "info")
    explained = cli("explain", CODE, cwd=ROOT, env=plugin_env)
    assert explained.returncode == 0, explained.stderr
    for section in DOC_SECTIONS:
        assert f"## {section}\n" in explained.stdout
    # Not installed: the rule is unknown.
    plain = cli("rules", "--format", "json", cwd=ROOT, env=env_with(ROOT / "no-such-folder"))
    assert CODE not in {record["code"] for record in json.loads(plain.stdout)}


def test_findings_point_at_the_second_run(tmp_path: Path, plugin_env: dict[str, str]) -> None:
    (tmp_path / "Dockerfile").write_text(MERGEABLE, encoding="utf-8")
    found = findings("Dockerfile", cwd=tmp_path, env=plugin_env)
    spans = [
        (start["line"], start["column"], end["line"], end["column"])
        for start, end in ((f["location"], f["end_location"]) for f in found)
    ]
    assert spans == [(3, 1, 3, 4), (5, 1, 5, 4), (10, 1, 10, 4)]
    assert found[0]["message"] == (
        "this RUN always misses the cache together with the RUN at line 2: merge them into one step"
    )
    assert {f["fix"]["applicability"] for f in found} == {"unsafe"}


def test_the_fix_merges_and_a_second_fix_changes_nothing(
    tmp_path: Path, plugin_env: dict[str, str]
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(MERGEABLE, encoding="utf-8")
    safe_only = cli("check", "--select", CODE, "--fix", "Dockerfile", cwd=tmp_path, env=plugin_env)
    assert safe_only.returncode == 1
    assert dockerfile.read_text(encoding="utf-8") == MERGEABLE  # the fix is unsafe

    fix = ("check", "--select", CODE, "--fix", "--unsafe-fixes", "Dockerfile")
    first = cli(*fix, cwd=tmp_path, env=plugin_env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert dockerfile.read_text(encoding="utf-8") == MERGED
    second = cli(*fix, cwd=tmp_path, env=plugin_env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert dockerfile.read_text(encoding="utf-8") == MERGED
    diff = cli("check", "--select", CODE, "--diff", "--unsafe-fixes", "Dockerfile", cwd=tmp_path,
               env=plugin_env)  # fmt: skip
    assert diff.stdout == ""


def test_no_finding_when_the_runs_miss_at_different_rates_or_run_differently(
    tmp_path: Path, plugin_env: dict[str, str]
) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n", encoding="utf-8")
    names = []
    for name, text in APART.items():
        (tmp_path / f"{name}.Dockerfile").write_text(text, encoding="utf-8")
        names.append(f"{name}.Dockerfile")
    assert findings(*names, cwd=tmp_path, env=plugin_env) == []
    (tmp_path / "Dockerfile").write_text(MERGEABLE, encoding="utf-8")
    classic = ("--builder", "classic")
    assert findings(*classic, *names, cwd=tmp_path, env=plugin_env) == []
    assert len(findings(*classic, "Dockerfile", cwd=tmp_path, env=plugin_env)) == 3


@pytest.mark.slow
def test_pip_builds_and_installs_the_plugin_from_its_source(tmp_path: Path) -> None:
    """As a user would: pip builds the package with its declared backend (from the index)."""
    source = tmp_path / "source"
    shutil.copytree(PLUGIN, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    site = tmp_path / "site"
    pip_install_target(site, source)
    env = env_with(site)
    listed = cli("rules", "--format", "json", cwd=tmp_path, env=env)
    assert CODE in {record["code"] for record in json.loads(listed.stdout)}
    (tmp_path / "Dockerfile").write_text(MERGEABLE, encoding="utf-8")
    assert len(findings("Dockerfile", cwd=tmp_path, env=env)) == 3


# -- the guide ---------------------------------------------------------------------------------


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def test_the_guide_shows_the_plugin_verbatim() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    assert MODULE.read_text(encoding="utf-8") in code_blocks(guide, "python")
    assert (PLUGIN / "pyproject.toml").read_text(encoding="utf-8") in code_blocks(guide, "toml")


def test_what_the_guide_names_exists() -> None:
    """Every ``lintlayers.x.y`` and ``from lintlayers... import`` in the guide resolves."""
    guide = GUIDE.read_text(encoding="utf-8")
    names = set(re.findall(r"`(lintlayers(?:\.\w+)+)", guide))
    for module, imported in re.findall(r"^from (lintlayers[\w.]*) import (.+)$", guide, re.M):
        names.update(f"{module}.{item.strip()}" for item in imported.strip("()").split(","))
    assert len(names) > 10
    for dotted in sorted(names):
        assert _resolves(dotted), dotted
    from lintlayers.context import RuleContext

    for attribute in set(re.findall(r"(?<![\w.])context\.(\w+)", guide)):
        assert hasattr(RuleContext, attribute), f"RuleContext.{attribute}"


DOCUMENTED = {
    "lintlayers.syntax.nodes:Instruction": (
        "keyword flags flag has_flag words arguments is_json json_args heredocs start end "
        "keyword_end start_line inner"
    ),
    "lintlayers.shell.commands:SimpleCommand": (
        "name args has_flag flag_value positional_args effective"
    ),
    "lintlayers.context:RunScript": "commands file_offset file_end",
    "lintlayers.model.stages:BuildModel": "stages stage_named walk",
    "lintlayers.model.stages:Scope": "args env values",
    "lintlayers.model.steps:Step": "workdir user posix_shell env onbuild",
    "lintlayers.model.copy_args:CopyArgs": (
        "sources destination from_stage link parents excludes chown chmod checksum expanded"
    ),
    "lintlayers.cache.steps:CacheStep": (
        "cache_step facts key_sources context_files variables passed_args stage_refs volatile "
        "chained reads"
    ),
    "lintlayers.model.run_effects:RunEffects": (
        "commands cwds mounts removals creations leftovers cache_handled mount_covering"
    ),
}
"""The attributes the guide's table of questions documents, per class."""


def test_the_attributes_the_guide_documents_exist() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    for target, attributes in DOCUMENTED.items():
        module, _, name = target.partition(":")
        cls = getattr(importlib.import_module(module), name)
        assert f"`{name}`" in guide, name
        for attribute in attributes.split():
            assert hasattr(cls, attribute), f"{name}.{attribute}"
            assert re.search(rf"`{attribute}[`(.]", guide), f"{name}.{attribute} not in the guide"


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            if not hasattr(target, part):
                return False
            target = getattr(target, part)
        return True
    return False
