"""The real-builder harness (``tests/builder``) checked against buildah itself.

Each test uses its own folder names inside the image so that the module's shared store never
serves one test's steps from another test's cache. Builds in this module: 12 plus the base.
"""

from __future__ import annotations

import json
import os
import tarfile
from typing import TYPE_CHECKING

import pytest
from builder import BuildFailed, differences, parse_steps, qualify, unavailable_reason

if TYPE_CHECKING:
    from pathlib import Path

    from builder import Buildah


def make_context(folder: Path, files: dict[str, str]) -> Path:
    """A build context holding ``files`` (relative path -> text)."""
    context = folder / "context"
    for name, text in files.items():
        (context / name).parent.mkdir(parents=True, exist_ok=True)
        (context / name).write_text(text, encoding="utf-8")
    return context


# -- reading buildah's output, no build ---------------------------------------------------

MULTI_STAGE_LOG = """\
[1/3] STEP 1/3: FROM localhost/base:1 AS builder
[1/3] STEP 2/3: COPY a.txt ./
--> Using cache 3fa48473842d63364a2213bcb531a0c23d7602cef34285b40fb0b43bdba99ab2
--> 3fa48473842
[1/3] STEP 3/3: RUN cat a.txt; echo 'STEP 9/9: RUN fake'; echo '--> Using cache'
STEP 9/9: RUN fake
--> Using cache
--> 9b0f34a4c53
[3/3] STEP 1/3: FROM 9b0f34a4c53bd60ed2cf2f1ad54c7dc868898f691d6dcadbba4fac7477a860da
[3/3] STEP 2/3: COPY --from=builder /src/b.txt /b.txt
--> 6cb2afb99dc
[3/3] STEP 3/3: CMD ["sh"]
--> Using cache 7d70d0ea1ba7778ed4ff7557b04a54aef8b8845b72c6f7b84970822aed9a1553
[3/3] COMMIT localhost/ms:1
--> 7d70d0ea1ba
Successfully tagged localhost/ms:1
7d70d0ea1ba7778ed4ff7557b04a54aef8b8845b72c6f7b84970822aed9a1553
"""


def test_parse_steps_reads_stages_cache_lines_and_ignores_lookalike_output() -> None:
    steps = parse_steps(MULTI_STAGE_LOG)
    assert [(s.stage, s.stage_name, s.index, s.total, s.cached) for s in steps] == [
        (0, "builder", 1, 3, None),
        (0, "builder", 2, 3, True),
        (0, "builder", 3, 3, False),
        (2, None, 1, 3, None),
        (2, None, 2, 3, False),
        (2, None, 3, 3, True),
    ]
    assert steps[2].instruction_text.startswith("RUN cat a.txt;")
    assert steps[4].keyword == "COPY"


def test_parse_steps_of_a_single_stage_build_has_no_stage_prefix() -> None:
    log = "STEP 1/2: FROM scratch\nSTEP 2/2: COPY busybox /bin/busybox\nCOMMIT t\n--> 32be2\n"
    steps = parse_steps(log)
    assert [(s.stage, s.index, s.keyword, s.cached) for s in steps] == [
        (0, 1, "FROM", None),
        (0, 2, "COPY", False),
    ]


def test_qualify_names_local_images() -> None:
    assert qualify("t:1") == "localhost/t:1"
    assert qualify("localhost/t:1") == "localhost/t:1"


def test_machine_is_ready_for_real_builds() -> None:
    """Under CI (``CI`` set, as ``.ci/run`` runs) buildah must work; elsewhere a machine
    without it skips, with the reason, as the builder tests do (``conftest.buildah_store``)."""
    problem = unavailable_reason()
    if problem is not None and os.environ.get("CI", "").lower() in ("", "0", "false", "no"):
        pytest.skip(problem)
    assert problem is None


# -- real builds --------------------------------------------------------------------------


def test_rebuild_hits_cache_and_an_edit_misses_from_its_copy_on(
    buildah: Buildah, tmp_path: Path
) -> None:
    context = make_context(tmp_path, {"app.txt": "one\n"})
    steps = ["WORKDIR /harness-cache", "COPY app.txt ./", "RUN wc -c app.txt > size.txt"]
    dockerfile = "\n".join([f"FROM {buildah.base}", *steps, ""])
    first = buildah.build(dockerfile, context, "harness-cache:1")
    assert [step.instruction_text for step in first.steps] == [f"FROM {buildah.base}", *steps]
    assert first.steps[0].cached is None, "FROM is not a cache step"
    assert first.cached_flags() == [False, False, False], first.describe()

    again = buildah.build(dockerfile, context, "harness-cache:2")
    assert again.cached_flags() == [True, True, True], again.describe()
    assert again.all_cached and again.first_miss is None

    (context / "app.txt").write_text("one two\n", encoding="utf-8")
    edited = buildah.build(dockerfile, context, "harness-cache:3")
    assert edited.cached_flags() == [True, False, False], edited.describe()
    assert edited.first_miss is edited.step("COPY")

    changed = differences(buildah.filesystem(again.tag), buildah.filesystem(edited.tag))
    assert sorted(changed) == ["/harness-cache/app.txt", "/harness-cache/size.txt"]
    assert buildah.read_file(edited.tag, "/harness-cache/size.txt").split() == [b"8", b"app.txt"]

    buildah.reset()
    cold = buildah.build(dockerfile, context, "harness-cache:4")
    assert cold.cached_flags() == [False, False, False], cold.describe()


def test_pip_standin_fails_without_requirements_file(buildah: Buildah, tmp_path: Path) -> None:
    context = make_context(tmp_path, {"app.py": "print('hi')\n"})
    steps = ["WORKDIR /harness-pip", "COPY . .", "RUN pip install -r requirements.txt"]
    dockerfile = "\n".join([f"FROM {buildah.base}", *steps, ""])
    with pytest.raises(BuildFailed) as failure:
        buildah.build(dockerfile, context, "harness-pip:1")
    error = failure.value
    assert error.returncode != 0
    assert "Could not open requirements file" in error.log
    assert "[standin] pip install -r requirements.txt" in error.log
    assert error.steps[-1].instruction_text == "RUN pip install -r requirements.txt"
    assert "Could not open requirements file" in str(error)


def test_standins_fail_without_their_manifests(buildah: Buildah) -> None:
    cases = {
        "mkdir /w && cd /w && npm ci": "Could not read package.json",
        "mkdir /w && cd /w && echo '{}' > package.json && npm ci": "existing package-lock.json",
        "mkdir /w && cd /w && npm install": "Could not read package.json",
        "mkdir /w && cd /w && go mod download": "go.mod file not found",
        "mkdir /w && cd /w && echo 'module x' > go.mod && go build": "no Go files",
        "apt-get install -y curl": "Unable to locate package curl",
        "apt-get update && apt-get install curl": "Abort.",
        "apk add curl": "unable to select packages",
    }
    for script, message in cases.items():
        result = buildah.run(buildah.base, script)
        assert result.returncode != 0, (script, result.output)
        assert message in result.output, (script, result.output)
    ok = buildah.run(buildah.base, "apt-get update && apt-get install -y curl && cat /var/log/*")
    assert ok.returncode == 0, ok.output
    assert ok.output.splitlines()[-2:] == ["apt-get update", "apt-get install -y curl"]


PROJECT = {
    "requirements.txt": "Flask==2.0.1\n# a comment\nrequests>=2.31 ; python_version > '3.8'\n",
    "package.json": '{\n  "name": "web",\n  "dependencies": {\n    "left-pad": "^1.3.0"\n  }\n}\n',
    "package-lock.json": '{"lockfileVersion": 3}\n',
    "go.mod": "module example.com/harness\n\ngo 1.21\n\nrequire github.com/a/b v1.2.3\n",
    "main.go": "package main\n\nfunc main() {}\n",
}
PROJECT_RUN = (
    "RUN pip install -r requirements.txt && npm ci && go mod download"
    " && go build -o /usr/local/bin/app . && apt-get update"
    " && apt-get install -y --no-install-recommends curl"
)
PROJECT_CALLS = [
    "pip install -r requirements.txt",
    "npm ci",
    "go mod download",
    "go build -o /usr/local/bin/app .",
    "apt-get update",
    "apt-get install -y --no-install-recommends curl",
]


def test_two_builds_of_the_same_inputs_have_identical_filesystems(
    buildah: Buildah, tmp_path: Path
) -> None:
    context = make_context(tmp_path, PROJECT)
    dockerfile = f"FROM {buildah.base}\nWORKDIR /harness-same\nCOPY . .\n{PROJECT_RUN}\n"
    first = buildah.build(dockerfile, context, "harness-same:1")
    second = buildah.build(dockerfile, context, "harness-same:2", extra_args=["--no-cache"])
    assert second.cached_flags() == [False, False, False], second.describe()
    assert first.standin_calls() == second.standin_calls() == PROJECT_CALLS

    files = buildah.filesystem(first.tag)
    assert files == buildah.filesystem(second.tag)
    assert buildah.standins_log(second.tag) == PROJECT_CALLS

    project = {path.split("/")[2] for path in files if path.startswith("/harness-same/")}
    assert project == {*PROJECT, "node_modules"}, "the Dockerfile must stay out of the context"
    for expected in (
        "/usr/lib/python/site-packages/flask-2.0.1/METADATA",
        "/usr/lib/python/site-packages/requests-0/METADATA",
        "/harness-same/node_modules/left-pad/package.json",
        "/root/go/pkg/mod/github.com/a/b@v1.2.3/go.mod",
        "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages",
        "/usr/share/doc/curl/copyright",
    ):
        assert files[expected][0] == "file", expected
    assert files["/usr/local/bin/app"][:2] == ("file", 0o755)
    assert "/usr/share/curl/recommended.bin" not in files
    assert any(path.startswith("/root/.cache/pip/") for path in files)


def test_label_change_before_run_makes_the_run_miss(buildah: Buildah, tmp_path: Path) -> None:
    context = make_context(tmp_path, {"unused.txt": "x\n"})
    dockerfile = f"FROM {buildah.base}\nLABEL harness.rev={{}}\nRUN echo label > /harness-label\n"
    first = buildah.build(dockerfile.format(1), context, "harness-label:1")
    assert first.cached_flags() == [False, False], first.describe()
    changed = buildah.build(dockerfile.format(2), context, "harness-label:2")
    assert changed.cached_flags() == [False, False], changed.describe()
    back = buildah.build(dockerfile.format(1), context, "harness-label:3")
    assert back.cached_flags() == [True, True], back.describe()
    labels = buildah.inspect(changed.tag)["Docker"]["config"]["Labels"]
    assert labels["harness.rev"] == "2"


def test_multi_stage_steps_are_attributed_to_their_stage(buildah: Buildah, tmp_path: Path) -> None:
    context = make_context(tmp_path, {"requirements.txt": "six==1.16\n"})
    dockerfile = (
        f"FROM {buildah.base} AS deps\n"
        "WORKDIR /harness-stages\n"
        "COPY requirements.txt ./\n"
        "RUN pip install --no-cache-dir -r requirements.txt\n"
        f"FROM {buildah.base} AS unused\n"
        "RUN echo never\n"
        f"FROM {buildah.base}\n"
        "COPY --from=deps /usr/lib/python /usr/lib/python\n"
        'CMD ["sh"]\n'
    )
    first = buildah.build(dockerfile, context, "harness-stages:1")
    assert [(s.stage, s.stage_name, s.keyword) for s in first.steps] == [
        (0, "deps", "FROM"),
        (0, "deps", "WORKDIR"),
        (0, "deps", "COPY"),
        (0, "deps", "RUN"),
        (2, None, "FROM"),
        (2, None, "COPY"),
        (2, None, "CMD"),
    ], first.describe()
    assert first.stage("unused") == [], "buildah skips a stage the target does not need"
    assert first.stage("deps") == first.stage(0)

    (context / "requirements.txt").write_text("six==1.17\n", encoding="utf-8")
    second = buildah.build(dockerfile, context, "harness-stages:2")
    assert second.cached_flags("deps") == [True, False, False], second.describe()
    assert second.cached_flags(2) == [False, False], second.describe()
    assert second.standin_calls() == ["pip install --no-cache-dir -r requirements.txt"]
    files = buildah.filesystem(second.tag)
    assert "/usr/lib/python/site-packages/six-1.17/METADATA" in files
    assert "/usr/lib/python/site-packages/six-1.16/METADATA" not in files


def test_save_writes_oci_and_docker_archives(buildah: Buildah, tmp_path: Path) -> None:
    oci = buildah.save(buildah.base, tmp_path / "base-oci.tar")
    docker = buildah.save(buildah.base, tmp_path / "base-docker.tar", fmt="docker-archive")
    with tarfile.open(oci) as archive:
        names = set(archive.getnames())
        assert {"oci-layout", "index.json"} <= names
    with tarfile.open(docker) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest[0]["RepoTags"] == [buildah.base]
    assert len(manifest[0]["Layers"]) == 2
    with pytest.raises(ValueError, match="unknown archive format"):
        buildah.save(buildah.base, tmp_path / "x.tar", fmt="tar")
